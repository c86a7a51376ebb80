//! The run context, `{input, vars, settings, steps}`, in the two forms its readers need: JSON
//! for templates, and jaq values for jq programs. Each step's value is added to both when the
//! step ends, so no program converts the context, and a loop item costs two entries, not a
//! copy of the context.

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
pub(crate) struct Context(Both);

impl Context {
    pub fn new(json: Value) -> Self {
        Self(Both::from_json(json))
    }

    /// The context for jq.
    pub fn jq(&self) -> &JqInput {
        &self.0.jq
    }

    /// Record a step's value under `steps`.
    pub fn add_step(&mut self, id: &str, value: Both) {
        if let Some(steps) = self.0.json.get_mut("steps").and_then(Value::as_object_mut) {
            steps.insert(id.to_owned(), value.json);
        }
        self.0.jq.insert_in("steps", id, value.jq);
        // Invariant: the jq form is the conversion of the JSON form; every step's value keeps
        // it (checked against a fresh conversion in debug builds, so by every engine test).
        debug_assert!(
            self.0.jq.mirrors(&self.0.json),
            "the jq context no longer mirrors the JSON context after step `{id}`"
        );
    }

    /// What a step sees outside a loop.
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            ctx: &self.0.json,
            item: None,
            jq: self.0.jq.clone(),
        }
    }

    /// What one iteration of a loop sees: the context with `item` and `index` set.
    pub fn item_scope(&self, item: Both, index: usize) -> Scope<'_> {
        let index = Both::from_json(Value::from(index));
        let mut jq = self.0.jq.clone();
        jq.insert("item", item.jq);
        jq.insert("index", index.jq);
        Scope {
            ctx: &self.0.json,
            item: Some((item.json, index.json)),
            jq,
        }
    }
}

/// What one execution of a step reads.
#[derive(Debug)]
pub(crate) struct Scope<'c> {
    ctx: &'c Value,
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
            ctx: self.ctx,
            entries: [("item", item), ("index", index), ("secrets", Some(secrets))],
        }
    }
}

/// A context with a few entries set, serialised as if they had been inserted one by one into a
/// copy of it (each replaced where it is, or added last), without making the copy.
#[derive(Debug)]
pub(crate) struct TemplateView<'a> {
    ctx: &'a Value,
    entries: [(&'static str, Option<&'a Value>); 3],
}

impl<'a> TemplateView<'a> {
    /// `ctx` with `secrets` set.
    pub fn with_secrets(ctx: &'a Value, secrets: &'a Value) -> Self {
        Self {
            ctx,
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
            out.serialize_entry(key, self.entry(key).unwrap_or(value))?;
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
        let context = Context::new(ctx.clone());
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
        // Same keys in the same order, not only the same map.
        assert_eq!(view.to_string(), copy.to_string());
        assert!(scope.jq.mirrors(&copy_without(&copy, "secrets")));
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
        assert!(context.jq().mirrors(&context.0.json));
        assert_eq!(
            context.0.json,
            json!({"input": {}, "steps": {"first": {"ok": true, "body": {"rows": [1, 2.5, "x"]}, "items": [{"n": null}]}}})
        );
    }
}
