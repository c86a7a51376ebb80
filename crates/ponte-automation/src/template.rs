//! MiniJinja templates: one environment per automation, every template compiled when the
//! automation is loaded, rendered per call with strict undefined and a fuel limit.
//!
//! MiniJinja sets fuel per environment. When the limits in force for a run ask for other fuel
//! than the automation was compiled with, the run renders with a copy of the environment that
//! differs only by its fuel: the copy shares the compiled templates (nothing is compiled
//! again) and is made once per automation and fuel, then kept.

use std::sync::{Arc, Mutex};

use minijinja::value::Serde;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::Value;

use crate::filters;

/// Handle of a compiled template inside [`Templates`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tpl {
    /// A string without template syntax: used as is.
    Literal(String),
    /// A compiled template, by name.
    Compiled(String),
}

/// A template that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSyntaxError {
    /// What is wrong.
    pub message: String,
    /// Byte offset of the problem in the template source.
    pub offset: usize,
}

/// The templates of one automation.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    fuel: u64,
    /// Copies of `env` with other fuel, made when a run asks for it.
    refuelled: Mutex<Vec<(u64, Arc<Environment<'static>>)>>,
    count: usize,
}

/// The environment a run renders with: the automation's own, or a copy with the fuel the
/// run's limits allow.
#[derive(Debug, Clone, Default)]
pub struct Fuel(Option<Arc<Environment<'static>>>);

fn json_of(value: &minijinja::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn filter_error(e: &filters::FilterError) -> Error {
    Error::new(ErrorKind::InvalidOperation, e.to_string())
}

/// True when the string holds template syntax.
#[must_use]
pub fn is_template(source: &str) -> bool {
    source.contains("{{") || source.contains("{%")
}

/// When the whole string is one `{{ expression }}`, the expression.
#[must_use]
pub fn single_expression(source: &str) -> Option<&str> {
    let inner = source.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then_some(inner.trim())
}

impl Templates {
    /// An empty set of templates with Ponte's filters and the given fuel per rendering.
    #[must_use]
    pub fn new(fuel: u64) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(fuel));
        env.set_recursion_limit(32);
        env.add_filter("money", |v: minijinja::Value| {
            filters::money(&json_of(&v)).map_err(|e| filter_error(&e))
        });
        env.add_filter("date", |v: minijinja::Value| {
            filters::date(&json_of(&v)).map_err(|e| filter_error(&e))
        });
        env.add_filter("datetime", |v: minijinja::Value| {
            filters::datetime(&json_of(&v), "-03:00").map_err(|e| filter_error(&e))
        });
        env.add_filter("digits", |v: minijinja::Value| {
            filters::digits(&json_of(&v))
        });
        env.add_filter("document", |v: minijinja::Value| {
            filters::document(&json_of(&v))
        });
        env.add_filter("cpf_cnpj_format", |v: minijinja::Value| {
            filters::cpf_cnpj_format(&json_of(&v)).map_err(|e| filter_error(&e))
        });
        env.add_filter("text", |v: minijinja::Value| filters::text(&json_of(&v)));
        env.add_filter("base64", |v: minijinja::Value| {
            filters::base64_encode(&json_of(&v))
        });
        // Replaces MiniJinja's own `urlencode`, which keeps `/`: a value put into a path or
        // query segment must not be able to add segments.
        env.add_filter("urlencode", |v: minijinja::Value| {
            filters::urlencode(&json_of(&v))
        });
        env.add_filter("b64decode", |v: minijinja::Value| {
            filters::base64_decode(&json_of(&v)).map_err(|e| filter_error(&e))
        });
        Self {
            env,
            fuel,
            refuelled: Mutex::new(Vec::new()),
            count: 0,
        }
    }

    /// The environment to render with `fuel`: the compiled one when its fuel is the same,
    /// else a copy refuelled once and kept.
    #[must_use]
    pub fn fuel_for(&self, fuel: u64) -> Fuel {
        if fuel == self.fuel {
            return Fuel(None);
        }
        let Ok(mut copies) = self.refuelled.lock() else {
            return Fuel(None);
        };
        if let Some((_, env)) = copies.iter().find(|(f, _)| *f == fuel) {
            return Fuel(Some(env.clone()));
        }
        let mut env = self.env.clone();
        env.set_fuel(Some(fuel));
        let env = Arc::new(env);
        copies.push((fuel, env.clone()));
        Fuel(Some(env))
    }

    /// Compile a template. Strings without template syntax stay literals and cost nothing.
    ///
    /// # Errors
    /// The template's syntax error with its offset.
    pub fn add(&mut self, source: &str) -> Result<Tpl, TemplateSyntaxError> {
        if !is_template(source) {
            return Ok(Tpl::Literal(source.to_owned()));
        }
        self.add_compiled(source.to_owned(), source)
    }

    /// Compile a template that must yield JSON: a lone `{{ expression }}` keeps the
    /// expression's type (a number stays a number), anything else renders to a string.
    ///
    /// # Errors
    /// The template's syntax error with its offset.
    pub fn add_typed(&mut self, source: &str) -> Result<(Tpl, bool), TemplateSyntaxError> {
        match single_expression(source) {
            Some(expr) => {
                let wrapped = format!("{{{{ ({expr}) | tojson }}}}");
                self.add_compiled(wrapped, source).map(|t| (t, true))
            }
            None => self.add(source).map(|t| (t, false)),
        }
    }

    fn add_compiled(&mut self, text: String, original: &str) -> Result<Tpl, TemplateSyntaxError> {
        self.count += 1;
        crate::compile_count::one();
        let name = format!("t{}", self.count);
        match self.env.add_template_owned(name.clone(), text) {
            Ok(()) => Ok(Tpl::Compiled(name)),
            Err(e) => Err(syntax_error(&e, original)),
        }
    }

    /// Names of the variables a template reads, dotted (`input.customer_document_number`).
    #[must_use]
    pub fn references(&self, tpl: &Tpl) -> Vec<String> {
        match tpl {
            Tpl::Literal(_) => Vec::new(),
            Tpl::Compiled(name) => self
                .env
                .get_template(name)
                .map(|t| {
                    let mut v: Vec<String> = t.undeclared_variables(true).into_iter().collect();
                    v.sort();
                    v
                })
                .unwrap_or_default(),
        }
    }

    /// Render a template with a context.
    ///
    /// # Errors
    /// An undefined variable, a failing filter, fuel exhausted.
    pub fn render(&self, tpl: &Tpl, ctx: &minijinja::Value) -> Result<String, String> {
        self.render_with(tpl, ctx, &Fuel::default())
    }

    /// Render a template with a context and the fuel of a run.
    ///
    /// # Errors
    /// An undefined variable, a failing filter, fuel exhausted.
    pub fn render_with(
        &self,
        tpl: &Tpl,
        ctx: &minijinja::Value,
        fuel: &Fuel,
    ) -> Result<String, String> {
        match tpl {
            Tpl::Literal(s) => Ok(s.clone()),
            Tpl::Compiled(name) => fuel
                .0
                .as_deref()
                .unwrap_or(&self.env)
                .get_template(name)
                .and_then(|t| t.render(ctx.clone()))
                .map_err(|e| match e.kind() {
                    ErrorKind::UndefinedError => {
                        self.missing(tpl, ctx).unwrap_or_else(|| describe(&e))
                    }
                    _ => describe(&e),
                }),
        }
    }

    /// After a rendering failed on an undefined value: the first value the template reads
    /// that the context does not have, named for the person who must set it.
    fn missing(&self, tpl: &Tpl, ctx: &minijinja::Value) -> Option<String> {
        self.references(tpl).into_iter().find_map(|dotted| {
            let mut parts = dotted.split('.');
            let root = parts.next()?;
            let mut value = ctx.get_attr(root).ok()?;
            let mut path = vec![root];
            for part in parts {
                if value.is_undefined() {
                    break;
                }
                value = value.get_attr(part).ok()?;
                path.push(part);
            }
            if !value.is_undefined() {
                return None;
            }
            let rest = path[1..].join(".");
            Some(match root {
                "vars" if path.len() == 2 => format!("variable `{rest}` is not set"),
                "secrets" if path.len() == 2 => format!("secret `{rest}` is not set"),
                _ => format!("undefined value: `{}` is not set", path.join(".")),
            })
        })
    }

    /// Render a typed template into JSON.
    ///
    /// # Errors
    /// As [`Self::render`], or output that is not JSON.
    pub fn render_json(
        &self,
        tpl: &Tpl,
        typed: bool,
        ctx: &minijinja::Value,
        fuel: &Fuel,
    ) -> Result<Value, String> {
        let text = self.render_with(tpl, ctx, fuel)?;
        if typed {
            serde_json::from_str(&text).map_err(|e| format!("template did not give JSON: {e}"))
        } else {
            Ok(Value::String(text))
        }
    }
}

/// A MiniJinja context value for a JSON context (or anything serialised like one).
#[must_use]
pub fn context<T: serde::Serialize + ?Sized>(value: &T) -> minijinja::Value {
    minijinja::Value::from(Serde(value))
}

fn describe(e: &Error) -> String {
    match e.kind() {
        ErrorKind::OutOfFuel => "template used up its fuel (a loop too long for the limit)".into(),
        ErrorKind::UndefinedError => {
            format!(
                "undefined value: {}",
                e.detail().unwrap_or("a variable is not set")
            )
        }
        _ => e.detail().map_or_else(|| e.to_string(), str::to_owned),
    }
}

fn syntax_error(e: &Error, source: &str) -> TemplateSyntaxError {
    let offset = e.range().map(|r| r.start).unwrap_or_else(|| {
        // Fall back to the start of the reported line.
        let line = e.line().unwrap_or(1);
        source
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum()
    });
    TemplateSyntaxError {
        message: e.detail().map_or_else(|| e.to_string(), str::to_owned),
        offset: offset.min(source.len()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn renders_with_filters_and_strict_undefined() {
        let mut t = Templates::new(10_000);
        let tpl = t
            .add("{{ input.doc | cpf_cnpj_format }}/{{ input.v | money }}")
            .unwrap();
        let ctx = context(&json!({"input": {"doc": "12345678909", "v": "1.234,5"}}));
        assert_eq!(t.render(&tpl, &ctx).unwrap(), "123.456.789-09/1234.50");
        let missing = t.add("{{ input.nope }}").unwrap();
        assert!(t.render(&missing, &ctx).unwrap_err().contains("undefined"));
    }

    #[test]
    fn urlencode_escapes_slashes_too() {
        let mut t = Templates::new(10_000);
        let tpl = t.add("{{ 'a b&c/ç' | urlencode }}").unwrap();
        assert_eq!(
            t.render(&tpl, &context(&json!({}))).unwrap(),
            "a%20b%26c%2F%C3%A7"
        );
    }

    #[test]
    fn a_lone_expression_keeps_its_type() {
        let mut t = Templates::new(10_000);
        let (tpl, typed) = t.add_typed("{{ input.n }}").unwrap();
        let ctx = context(&json!({"input": {"n": 5}}));
        assert_eq!(
            t.render_json(&tpl, typed, &ctx, &Fuel::default()).unwrap(),
            json!(5)
        );
    }

    #[test]
    fn fuel_stops_a_runaway_loop() {
        let mut t = Templates::new(1_000);
        let tpl = t
            .add("{% for i in range(100000) %}{{ i }}{% endfor %}")
            .unwrap();
        let err = t.render(&tpl, &context(&json!({}))).unwrap_err();
        assert!(err.contains("fuel"), "{err}");
    }

    #[test]
    fn a_refuelled_copy_bounds_what_the_compiled_fuel_allows_and_compiles_nothing() {
        let mut t = Templates::new(1_000_000);
        let tpl = t
            .add("{% for i in range(2000) %}{{ i }}{% endfor %}")
            .unwrap();
        let ctx = context(&json!({}));
        assert!(t.render(&tpl, &ctx).is_ok());
        let before = crate::compile_count::so_far();
        let low = t.fuel_for(1_000);
        let err = t.render_with(&tpl, &ctx, &low).unwrap_err();
        assert!(err.contains("fuel"), "{err}");
        // The copy is made once and kept; the compiled fuel needs none.
        assert!(Arc::ptr_eq(
            low.0.as_ref().unwrap(),
            t.fuel_for(1_000).0.as_ref().unwrap()
        ));
        assert!(t.fuel_for(1_000_000).0.is_none());
        assert_eq!(crate::compile_count::so_far(), before);
    }

    #[test]
    fn syntax_errors_carry_an_offset() {
        let mut t = Templates::new(1_000);
        let err = t.add("abc {{ input.x ").unwrap_err();
        assert!(err.offset <= 15);
        let refs_t = t.add("{{ input.a }}{{ steps.s.body.x }}").unwrap();
        assert_eq!(
            t.references(&refs_t),
            vec!["input.a".to_owned(), "steps.s.body.x".to_owned()]
        );
    }
}
