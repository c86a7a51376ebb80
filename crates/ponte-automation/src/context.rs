//! The run context, `{input, vars, settings, steps}`, in the forms its readers need: JSON, jaq
//! values for jq programs, and MiniJinja values for templates. Each step's value is added to the
//! first two when the step ends and converted for templates at its first use, so neither a
//! program nor a rendering converts the whole context, and a loop item costs a few entries, not
//! a copy of the context.

use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::jq::JqInput;

/// A value in both forms: `jq` is what converting `json` gives.
#[derive(Debug, Clone)]
pub(crate) struct Both {
    pub json: Value,
    pub jq: JqInput,
}

impl Both {
    /// Convert a JSON value.
    pub fn from_json(json: Value) -> Self {
        let jq = JqInput::new(&json);
        Self { json, jq }
    }

    /// A list of values.
    pub fn list(items: Vec<Self>) -> Self {
        let (json, jq): (Vec<Value>, Vec<JqInput>) =
            items.into_iter().map(|b| (b.json, b.jq)).unzip();
        Self {
            json: Value::Array(json),
            jq: JqInput::list(jq),
        }
    }

    /// An object of these entries, in this order.
    pub fn object(entries: Vec<(&str, Self)>) -> Self {
        let mut json = Map::with_capacity(entries.len());
        let mut jq = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            json.insert(key.to_owned(), value.json);
            jq.push((key, value.jq));
        }
        Self {
            json: Value::Object(json),
            jq: JqInput::object(jq),
        }
    }

    /// Set `key` in this object (replaced where it is, or added last); nothing happens to a
    /// value that is not an object.
    pub fn insert(&mut self, key: &str, value: Self) {
        if let Value::Object(map) = &mut self.json {
            map.insert(key.to_owned(), value.json);
            self.jq.insert(key, value.jq);
        }
    }
}

/// The run context.
#[derive(Debug)]
pub(crate) struct Context {
    both: Both,
    /// The entries other than `steps`, then each step's value, converted for templates at
    /// their first use.
    for_templates: Vec<Cached>,
    steps_for_templates: Vec<Cached>,
}

/// An entry of the context and its MiniJinja form, once a template has needed it.
#[derive(Debug)]
struct Cached {
    key: String,
    value: OnceLock<minijinja::Value>,
}

impl Cached {
    fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            value: OnceLock::new(),
        }
    }

    /// The MiniJinja form of `json`, the value of this entry.
    fn get(&self, json: &Value) -> &minijinja::Value {
        self.value.get_or_init(|| crate::template::context(json))
    }
}

impl Context {
    pub fn new(json: Value) -> Self {
        let for_templates = json
            .as_object()
            .map(|map| {
                map.keys()
                    .filter(|k| *k != "steps")
                    .map(|k| Cached::new(k))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            both: Both::from_json(json),
            for_templates,
            steps_for_templates: Vec::new(),
        }
    }

    /// The context for jq.
    pub fn jq(&self) -> &JqInput {
        &self.both.jq
    }

    /// Record a step's value under `steps`.
    pub fn add_step(&mut self, id: &str, value: Both) {
        if let Some(steps) = self
            .both
            .json
            .get_mut("steps")
            .and_then(Value::as_object_mut)
        {
            steps.insert(id.to_owned(), value.json);
        }
        self.steps_for_templates.retain(|c| c.key != id);
        self.steps_for_templates.push(Cached::new(id));
        self.both.jq.insert_in("steps", id, value.jq);
        // Invariant: the jq form is the conversion of the JSON form; every step's value keeps
        // it (checked against a fresh conversion in debug builds, so by every engine test).
        debug_assert!(
            self.both.jq.mirrors(&self.both.json),
            "the jq context no longer mirrors the JSON context after step `{id}`"
        );
    }

    /// What a step sees outside a loop.
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            ctx: self,
            item: None,
            jq: self.both.jq.clone(),
        }
    }

    /// What one iteration of a loop sees: the context with `item` and `index` set.
    pub fn item_scope(&self, item: Both, index: usize) -> Scope<'_> {
        let index = Both::from_json(Value::from(index));
        let mut jq = self.both.jq.clone();
        jq.insert("item", item.jq);
        jq.insert("index", index.jq);
        Scope {
            ctx: self,
            item: Some((item.json, index.json)),
            jq,
        }
    }

    /// The MiniJinja form of the entry `key`, whose JSON is `json`, when it is cached.
    fn cached(&self, key: &str, json: &Value) -> Option<&minijinja::Value> {
        self.for_templates
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.get(json))
    }
}

/// The `steps` of a context, serialised from each step's cached MiniJinja form.
struct StepsForTemplates<'a> {
    json: &'a Map<String, Value>,
    cached: &'a [Cached],
}

impl Serialize for StepsForTemplates<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.json.len()))?;
        for (n, (id, value)) in self.json.iter().enumerate() {
            // The cache is in the order of `steps`; a step found elsewhere or not at all is
            // serialised from its JSON (the same value, converted again).
            let cached = match self.cached.get(n) {
                Some(c) if c.key == *id => Some(c),
                _ => self.cached.iter().find(|c| c.key == *id),
            };
            match cached {
                Some(c) => out.serialize_entry(id, c.get(value))?,
                None => out.serialize_entry(id, value)?,
            }
        }
        out.end()
    }
}

/// What one execution of a step reads.
#[derive(Debug)]
pub(crate) struct Scope<'c> {
    ctx: &'c Context,
    /// In a loop, `item` and `index`, which the context itself does not hold.
    item: Option<(Value, Value)>,
    /// The context for jq, `item` and `index` included.
    pub jq: JqInput,
}

impl Scope<'_> {
    /// The template context: the context with `item`, `index` and `secrets` set.
    pub fn for_templates<'s>(&'s self, secrets: &'s Value) -> TemplateView<'s> {
        let (item, index) = match &self.item {
            Some((item, index)) => (Some(item), Some(index)),
            None => (None, None),
        };
        TemplateView {
            ctx: &self.ctx.both.json,
            cache: Some(self.ctx),
            entries: [("item", item), ("index", index), ("secrets", Some(secrets))],
        }
    }
}

/// A context with a few entries set, serialised as if they had been inserted one by one into a
/// copy of it (each replaced where it is, or added last), without making the copy. The entries
/// of a run context come from their cached MiniJinja form: serialised into a MiniJinja value,
/// such a form is taken as it is, not converted again.
#[derive(Debug)]
pub(crate) struct TemplateView<'a> {
    ctx: &'a Value,
    cache: Option<&'a Context>,
    entries: [(&'static str, Option<&'a Value>); 3],
}

impl<'a> TemplateView<'a> {
    /// `ctx` with `secrets` set.
    pub fn with_secrets(ctx: &'a Value, secrets: &'a Value) -> Self {
        Self {
            ctx,
            cache: None,
            entries: [("item", None), ("index", None), ("secrets", Some(secrets))],
        }
    }

    fn entry(&self, key: &str) -> Option<&'a Value> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| *v)
    }
}

impl Serialize for TemplateView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Value::Object(map) = self.ctx else {
            return self.ctx.serialize(serializer);
        };
        let added: Vec<(&str, &Value)> = self
            .entries
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .filter(|(k, _)| !map.contains_key(*k))
            .collect();
        let mut out = serializer.serialize_map(Some(map.len() + added.len()))?;
        for (key, value) in map {
            if let Some(set) = self.entry(key) {
                out.serialize_entry(key, set)?;
                continue;
            }
            let Some(ctx) = self.cache else {
                out.serialize_entry(key, value)?;
                continue;
            };
            match (key.as_str(), value) {
                ("steps", Value::Object(steps)) => out.serialize_entry(
                    key,
                    &StepsForTemplates {
                        json: steps,
                        cached: &ctx.steps_for_templates,
                    },
                )?,
                _ => match ctx.cached(key, value) {
                    Some(cached) => out.serialize_entry(key, cached)?,
                    None => out.serialize_entry(key, value)?,
                },
            }
        }
        for (key, value) in added {
            out.serialize_entry(key, value)?;
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_template_view_serialises_as_the_copy_it_stands_for() {
        let ctx = json!({"input": {"a": 1}, "index": "shadowed", "steps": {}});
        let secrets = json!({"token": "t"});
        let mut context = Context::new(ctx.clone());
        let first = json!({"ok": true, "body": {"rows": [{"id": "1", "n": 2.5}], "x": null}});
        context.add_step("first", Both::from_json(first.clone()));
        context.add_step("second", Both::from_json(json!([1, "two"])));
        let mut ctx = ctx;
        ctx["steps"] = json!({"first": first, "second": [1, "two"]});
        let scope = context.item_scope(Both::from_json(json!({"id": 7})), 2);
        let mut copy = ctx.clone();
        for (key, value) in [
            ("item", json!({"id": 7})),
            ("index", json!(2)),
            ("secrets", secrets.clone()),
        ] {
            copy.as_object_mut().unwrap().insert(key.into(), value);
        }
        let view = serde_json::to_value(scope.for_templates(&secrets)).unwrap();
        assert_eq!(view, copy);
        assert!(scope.jq.mirrors(&copy_without(&copy, "secrets")));
        // As MiniJinja values, the second time from the cached forms.
        for _ in 0..2 {
            let view = crate::template::context(&scope.for_templates(&secrets));
            assert_eq!(view, crate::template::context(&copy));
            assert_eq!(
                view.to_string(),
                crate::template::context(&copy).to_string()
            );
        }
        assert!(
            context
                .steps_for_templates
                .iter()
                .all(|c| c.value.get().is_some())
        );
        // `index` is the loop's here: the context's own is never converted.
        let converted = |key: &str| {
            context
                .for_templates
                .iter()
                .any(|c| c.key == key && c.value.get().is_some())
        };
        assert!(converted("input") && !converted("index"));
    }

    fn copy_without(value: &Value, key: &str) -> Value {
        let mut v = value.clone();
        v.as_object_mut().unwrap().shift_remove(key);
        v
    }

    #[test]
    fn step_values_keep_both_forms_alike() {
        let mut context = Context::new(json!({"input": {}, "steps": {}}));
        let mut page = Both::object(vec![
            ("ok", Both::from_json(json!(true))),
            ("body", Both::from_json(json!({"rows": [1, 2.5, "x"]}))),
        ]);
        page.insert(
            "items",
            Both::list(vec![Both::from_json(json!({"n": null}))]),
        );
        context.add_step("first", page);
        assert!(context.jq().mirrors(&context.both.json));
        assert_eq!(
            context.both.json,
            json!({"input": {}, "steps": {"first": {"ok": true, "body": {"rows": [1, 2.5, "x"]}, "items": [{"n": null}]}}})
        );
    }
}
