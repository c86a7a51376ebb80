//! The run context, `{input, vars, settings, steps}`, in the forms its readers need: jaq values
//! for jq programs, and MiniJinja values for templates.
//!
//! The variables and settings come already converted from the [`crate::RunEnv`], which converts
//! them once for every run; the input is converted when the run starts; each step's value is
//! added to the jq form when the step ends and converted for templates at its first use. A
//! template sees the context through [`TemplateScope`], an object that hands out those forms
//! as they are read, so a rendering converts and copies nothing; a loop item costs a few
//! entries, not a copy of the context.

use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object};
use serde_json::Value;

use crate::jq::JqInput;

/// A value for jq, and its JSON made at its first use: most step values are only ever read
/// by jq programs, so most are never converted back to JSON.
#[derive(Debug, Clone)]
pub(crate) struct Both {
    pub jq: JqInput,
    json: OnceLock<Value>,
}

impl Both {
    /// Convert a JSON value (kept too).
    pub fn from_json(json: Value) -> Self {
        let jq = JqInput::new(&json);
        Self {
            jq,
            json: OnceLock::from(json),
        }
    }

    /// A value already in its jq form.
    pub fn from_jq(jq: JqInput) -> Self {
        Self {
            jq,
            json: OnceLock::new(),
        }
    }

    /// The JSON form.
    pub fn json(&self) -> &Value {
        self.json.get_or_init(|| self.jq.to_json())
    }

    /// A list of values.
    pub fn list(items: Vec<Self>) -> Self {
        Self::from_jq(JqInput::list(items.into_iter().map(|b| b.jq).collect()))
    }

    /// An object of these entries, in this order.
    pub fn object(entries: Vec<(&str, Self)>) -> Self {
        Self::from_jq(JqInput::object(entries.into_iter().map(|(k, v)| (k, v.jq))))
    }

    /// Set `key` in this object (replaced where it is, or added last); nothing happens to a
    /// value that is not an object.
    pub fn insert(&mut self, key: &str, value: Self) {
        self.jq.insert(key, value.jq);
        self.json = OnceLock::new();
    }
}

/// A value and its MiniJinja form, made at its first use.
#[derive(Debug)]
struct Lazy {
    value: Both,
    for_templates: OnceLock<minijinja::Value>,
}

impl Lazy {
    fn new(value: Both) -> Self {
        Self {
            value,
            for_templates: OnceLock::new(),
        }
    }

    fn get(&self) -> &minijinja::Value {
        self.for_templates
            .get_or_init(|| crate::template::context(self.value.json()))
    }
}

/// The forms of the env's values a run reads, converted once by the env.
#[derive(Debug, Clone)]
pub(crate) struct EnvForms {
    pub vars_jq: JqInput,
    pub vars_mj: minijinja::Value,
    pub settings_jq: JqInput,
    pub settings_mj: minijinja::Value,
    pub secrets_mj: minijinja::Value,
}

/// The run context.
#[derive(Debug)]
pub(crate) struct Context {
    env: EnvForms,
    /// What the input is called: `input` in an automation, `params` in shared steps.
    root: &'static str,
    input: Lazy,
    steps: Vec<(Arc<str>, Lazy)>,
    /// The MiniJinja form of `steps`, made at its first use after a step was added.
    steps_for_templates: OnceLock<minijinja::Value>,
    jq: JqInput,
}

impl Context {
    pub fn new(input: Value, env: EnvForms) -> Self {
        Self::with_root("input", input, env)
    }

    /// The context of shared steps: their arguments as `params`, the same env, no steps yet.
    pub fn shared(params: Value, env: EnvForms) -> Self {
        Self::with_root("params", params, env)
    }

    /// The env's forms this context reads.
    pub fn env(&self) -> &EnvForms {
        &self.env
    }

    fn with_root(root: &'static str, input: Value, env: EnvForms) -> Self {
        let input = Both::from_json(input);
        let jq = JqInput::object([
            (root, input.jq.clone()),
            ("vars", env.vars_jq.clone()),
            ("settings", env.settings_jq.clone()),
            ("steps", JqInput::object([])),
        ]);
        Self {
            env,
            root,
            input: Lazy::new(input),
            steps: Vec::new(),
            steps_for_templates: OnceLock::new(),
            jq,
        }
    }

    /// The context for jq.
    pub fn jq(&self) -> &JqInput {
        &self.jq
    }

    /// Record a step's value under `steps`.
    pub fn add_step(&mut self, id: &Arc<str>, value: Both) {
        // Invariant: the jq form is the conversion of the JSON form (checked against a fresh
        // conversion in debug builds, so by every engine test).
        debug_assert!(
            value.jq.mirrors(value.json()),
            "the jq form of step `{id}` does not mirror its JSON"
        );
        self.jq.insert_in("steps", id, value.jq.clone());
        self.steps.retain(|(s, _)| s != id);
        self.steps.push((id.clone(), Lazy::new(value)));
        self.steps_for_templates = OnceLock::new();
    }

    fn steps_for_templates(&self) -> minijinja::Value {
        self.steps_for_templates
            .get_or_init(|| {
                let steps: std::collections::BTreeMap<String, minijinja::Value> = self
                    .steps
                    .iter()
                    .map(|(id, value)| (id.to_string(), value.get().clone()))
                    .collect();
                minijinja::Value::from_object(steps)
            })
            .clone()
    }

    /// What a step sees outside a loop.
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            ctx: self,
            item: None,
            jq: self.jq.clone(),
        }
    }

    /// What one iteration of a loop sees: the context with `item` and `index` set.
    pub fn item_scope(&self, item: Both, index: usize) -> Scope<'_> {
        let index_jq = JqInput::new(&Value::from(index));
        let mut jq = self.jq.clone();
        jq.insert("item", item.jq.clone());
        jq.insert("index", index_jq);
        Scope {
            ctx: self,
            item: Some((Lazy::new(item), index)),
            jq,
        }
    }
}

/// What one execution of a step reads.
#[derive(Debug)]
pub(crate) struct Scope<'c> {
    ctx: &'c Context,
    /// In a loop, `item` and `index`, which the context itself does not hold.
    item: Option<(Lazy, usize)>,
    /// The context for jq, `item` and `index` included.
    pub jq: JqInput,
}

impl Scope<'_> {
    /// The env's forms the context reads.
    pub fn env(&self) -> &EnvForms {
        self.ctx.env()
    }

    /// The template context: the context with `item`, `index` and `secrets` set.
    pub fn for_templates(&self) -> minijinja::Value {
        let ctx = self.ctx;
        let (item, index) = match &self.item {
            Some((item, index)) => (
                Some(item.get().clone()),
                Some(minijinja::Value::from(*index)),
            ),
            None => (None, None),
        };
        let (input, params) = if ctx.root == "params" {
            (None, Some(ctx.input.get().clone()))
        } else {
            (Some(ctx.input.get().clone()), None)
        };
        TemplateScope {
            input,
            params,
            vars: Some(ctx.env.vars_mj.clone()),
            settings: Some(ctx.env.settings_mj.clone()),
            steps: Some(ctx.steps_for_templates()),
            secrets: Some(ctx.env.secrets_mj.clone()),
            item,
            index,
            token: None,
        }
        .into_value()
    }
}

/// What a template sees at its top level: each entry is a value already converted, handed out
/// as the template reads it.
#[derive(Debug, Default)]
pub(crate) struct TemplateScope {
    pub input: Option<minijinja::Value>,
    pub params: Option<minijinja::Value>,
    pub vars: Option<minijinja::Value>,
    pub settings: Option<minijinja::Value>,
    pub steps: Option<minijinja::Value>,
    pub secrets: Option<minijinja::Value>,
    pub item: Option<minijinja::Value>,
    pub index: Option<minijinja::Value>,
    pub token: Option<minijinja::Value>,
}

impl TemplateScope {
    pub fn into_value(self) -> minijinja::Value {
        minijinja::Value::from_object(self)
    }

    fn entries(&self) -> [(&'static str, Option<&minijinja::Value>); 9] {
        [
            ("input", self.input.as_ref()),
            ("params", self.params.as_ref()),
            ("vars", self.vars.as_ref()),
            ("settings", self.settings.as_ref()),
            ("steps", self.steps.as_ref()),
            ("item", self.item.as_ref()),
            ("index", self.index.as_ref()),
            ("secrets", self.secrets.as_ref()),
            ("token", self.token.as_ref()),
        ]
    }
}

impl Object for TemplateScope {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let key = key.as_str()?;
        self.entries()
            .into_iter()
            .find(|(name, _)| *name == key)
            .and_then(|(_, value)| value.cloned())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<minijinja::Value> = self
            .entries()
            .into_iter()
            .filter(|(_, value)| value.is_some())
            .map(|(name, _)| minijinja::Value::from(name))
            .collect();
        Enumerator::Values(keys)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::template::context;

    fn env_forms() -> EnvForms {
        let vars = json!({"base_url": "http://erp"});
        let settings = json!({"payment": {"company_id": "1"}});
        EnvForms {
            vars_jq: JqInput::new(&vars),
            vars_mj: context(&vars),
            settings_jq: JqInput::new(&settings),
            settings_mj: context(&settings),
            secrets_mj: context(&json!({"token": "t"})),
        }
    }

    #[test]
    fn templates_and_jq_see_the_same_context() {
        let mut ctx = Context::new(json!({"doc": "1"}), env_forms());
        let first = json!({"ok": true, "body": {"rows": [{"id": "1", "n": 2.5}], "x": null}});
        ctx.add_step(&Arc::from("first"), Both::from_json(first.clone()));
        ctx.add_step(&Arc::from("second"), Both::from_json(json!([1, "two"])));
        let whole = json!({
            "input": {"doc": "1"},
            "vars": {"base_url": "http://erp"},
            "settings": {"payment": {"company_id": "1"}},
            "steps": {"first": first, "second": [1, "two"]},
        });
        assert!(ctx.jq().mirrors(&whole));
        let scope = ctx.item_scope(Both::from_json(json!({"id": 7})), 2);
        let mut with_item = whole.clone();
        with_item["item"] = json!({"id": 7});
        with_item["index"] = json!(2);
        assert!(scope.jq.mirrors(&with_item));
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let render = |source: &str| env.render_str(source, scope.for_templates()).unwrap();
        assert_eq!(
            render("{{ input.doc }} {{ vars.base_url }} {{ settings.payment.company_id }}"),
            "1 http://erp 1"
        );
        assert_eq!(
            render(
                "{{ steps.first.body.rows[0].n }} {{ steps.second[1] }} {{ item.id }} {{ index }} {{ secrets.token }}"
            ),
            "2.5 two 7 2 t"
        );
        assert!(
            env.render_str("{{ nothing }}", scope.for_templates())
                .is_err()
        );
        // A step added later is seen by the next rendering.
        drop(scope);
        ctx.add_step(&Arc::from("third"), Both::from_json(json!("3")));
        assert_eq!(
            env.render_str("{{ steps.third }}", ctx.scope().for_templates())
                .unwrap(),
            "3"
        );
    }

    #[test]
    fn step_values_keep_both_forms_alike() {
        let mut page = Both::object(vec![
            ("ok", Both::from_json(json!(true))),
            ("body", Both::from_json(json!({"rows": [1, 2.5, "x"]}))),
        ]);
        page.insert(
            "items",
            Both::list(vec![Both::from_json(json!({"n": null}))]),
        );
        assert!(page.jq.mirrors(page.json()));
        assert_eq!(
            page.json(),
            &json!({"ok": true, "body": {"rows": [1, 2.5, "x"]}, "items": [{"n": null}]})
        );
    }
}
