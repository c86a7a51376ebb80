//! The checker: YAML → [`AutomationDoc`] → every problem as a [`Diagnostic`], or a
//! [`CompiledAutomation`] when there is none. Templates and jq programs are compiled here, once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ponte_catalog::{FunctionSpec, OutputKind};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::compiled::{
    AuthPlan, Body, CompiledAutomation, ForEach, JsonTpl, LoginPlan, OAuth2Plan, Paginate, Request,
    RetryPolicy, Step, StepKind, UseCall,
};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::filters;
use crate::jq::JqProgram;
use crate::model::{
    AuthDoc, AutomationDoc, MethodDoc, OnMaxPages, PageStyle, RequestDoc, SharedDoc, Src, StepDoc,
};
use crate::refs::{Locator, Reference, jq_references, template_references};
use crate::shared::SharedLibrary;
use crate::template::{Templates, Tpl};

/// Load, check and compile an automation. `name` is how diagnostics name the file. The text
/// may be a bundle of the automation and the shared steps it uses
/// ([`SharedLibrary::bundle`]); otherwise it can use no shared steps.
///
/// # Errors
/// Every problem found, each with its code and position.
pub fn compile(name: &str, source: &str) -> Result<CompiledAutomation, Vec<Diagnostic>> {
    let (own, library) = SharedLibrary::unbundle(source);
    compile_inner(name, own, &library, source)
}

/// Load, check and compile an automation whose `use` steps find their shared steps in
/// `library`. Problems inside shared steps are reported at their place in the shared file,
/// naming the use, and once more at the use.
///
/// # Errors
/// Every problem found, each with its code and position.
pub fn compile_with(
    name: &str,
    source: &str,
    library: &SharedLibrary,
) -> Result<CompiledAutomation, Vec<Diagnostic>> {
    // The version identifies the automation together with the shared steps it may use.
    let identity = library.bundle(source);
    compile_inner(name, source, library, &identity)
}

/// Check a shared-steps file on its own (without a use): it parses, and its steps, templates,
/// jq programs and references are sound. `name` names the file; its shared steps may `use`
/// those of `library`.
#[must_use]
pub fn check_shared(name: &str, source: &str, library: &SharedLibrary) -> Vec<Diagnostic> {
    let locator = Locator::new(source);
    let doc: SharedDoc = match crate::parse_yaml(source) {
        Ok(doc) => doc,
        Err(e) => return vec![parse_diagnostic(name, &locator, &e)],
    };
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name)
        .to_owned();
    let mut checker = Checker {
        name,
        locator,
        diags: Vec::new(),
        templates: Templates::new(crate::Limits::default().template_fuel),
        function: None,
        variables: doc.variables.keys().cloned().collect(),
        secrets: doc.secrets.clone(),
        step_ids: doc.steps.iter().map(|s| s.id.value.clone()).collect(),
        library,
        shared: Some((stem.clone(), doc.params.keys().cloned().collect())),
        prefix: format!("{stem}."),
        depth: 1,
        extra_variables: BTreeMap::new(),
        extra_secrets: Vec::new(),
        json_at: None,
    };
    let mut seen = HashMap::new();
    for (index, step) in doc.steps.iter().enumerate() {
        drop(checker.step(index, step, &mut seen));
    }
    if let Some(result) = &doc.result {
        drop(checker.jq(result, usize::MAX, false));
    }
    checker.diags
}

fn compile_inner(
    name: &str,
    source: &str,
    library: &SharedLibrary,
    identity: &str,
) -> Result<CompiledAutomation, Vec<Diagnostic>> {
    let locator = Locator::new(source);
    let doc: AutomationDoc = match crate::parse_yaml(source) {
        Ok(doc) => doc,
        Err(e) => return Err(vec![parse_diagnostic(name, &locator, &e)]),
    };
    let mut checker = Checker {
        name,
        locator,
        diags: Vec::new(),
        templates: Templates::new(crate::Limits::default().template_fuel),
        function: None,
        variables: doc.variables.keys().cloned().collect(),
        secrets: doc.secrets.clone(),
        step_ids: doc.steps.iter().map(|s| s.id.value.clone()).collect(),
        library,
        shared: None,
        prefix: String::new(),
        depth: 0,
        extra_variables: BTreeMap::new(),
        extra_secrets: Vec::new(),
        json_at: None,
    };
    if let Some(fuel) = doc.limits.as_ref().and_then(|l| l.template_fuel) {
        checker.templates = Templates::new(fuel);
    }
    checker.function = match ponte_catalog::function(&doc.function.value) {
        Some(f) => Some(f),
        None => {
            let hint = did_you_mean(
                &doc.function.value,
                ponte_catalog::catalog().iter().map(|f| f.id.as_str()),
            )
            .map(|s| format!("did you mean `{s}`?"));
            checker.push(
                Code::UnknownFunction,
                format!("unknown function `{}`", doc.function.value),
                &doc.function,
                0,
                hint,
            );
            None
        }
    };
    let auth = doc.auth.as_ref().and_then(|a| checker.auth(a));
    let mut steps = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, step) in doc.steps.iter().enumerate() {
        if let Some(compiled) = checker.step(index, step, &mut seen) {
            steps.push(compiled);
        }
    }
    let output = doc
        .output
        .as_ref()
        .and_then(|o| checker.jq(o, usize::MAX, false));
    checker.output_coverage(&doc);
    let validator = checker.function.and_then(|f| {
        jsonschema::validator_for(f.output_schema())
            .map_err(|e| {
                checker.push(
                    Code::InvalidSetting,
                    format!("the catalog's output schema does not compile: {e}"),
                    &doc.function,
                    0,
                    None,
                );
            })
            .ok()
    });
    let (Some(function), Some(output_validator), true) =
        (checker.function, validator, checker.diags.is_empty())
    else {
        return Err(checker.diags);
    };
    let mut variable_defaults: BTreeMap<String, String> = checker
        .extra_variables
        .iter()
        .filter_map(|(k, v)| v.clone().map(|d| (k.clone(), d)))
        .collect();
    variable_defaults.extend(
        doc.variables
            .iter()
            .filter_map(|(k, v)| v.default.clone().map(|d| (k.clone(), d))),
    );
    let mut required_variables: Vec<String> = doc
        .variables
        .iter()
        .filter(|(_, v)| v.default.is_none())
        .map(|(k, _)| k.clone())
        .collect();
    for (name, default) in &checker.extra_variables {
        if default.is_none() && !required_variables.contains(name) {
            required_variables.push(name.clone());
        }
    }
    let mut secret_names = doc.secrets;
    for s in checker.extra_secrets {
        if !secret_names.contains(&s) {
            secret_names.push(s);
        }
    }
    let present_validator = present_schema(function.output_schema())
        .and_then(|schema| jsonschema::validator_for(&schema).ok());
    Ok(CompiledAutomation {
        name: Arc::from(name),
        function,
        templates: checker.templates,
        auth,
        steps,
        output,
        output_validator,
        present_validator,
        limits: doc.limits.unwrap_or_default(),
        variable_defaults,
        required_variables,
        secret_names,
        sha256: Arc::from(hex_sha256(identity)),
    })
}

/// The schema of the non-null form of an output that may be null (`anyOf` of `null` and one
/// other form), with the definitions it refers to.
fn present_schema(schema: &Value) -> Option<Value> {
    let object = schema.as_object()?;
    let branches = object
        .get("anyOf")
        .or_else(|| object.get("oneOf"))?
        .as_array()?;
    let is_null = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
    if branches.len() != 2 || !branches.iter().any(is_null) {
        return None;
    }
    let present = branches.iter().find(|b| !is_null(b))?.as_object()?;
    let mut out = object.clone();
    out.remove("anyOf");
    out.remove("oneOf");
    for (k, v) in present {
        out.insert(k.clone(), v.clone());
    }
    Some(Value::Object(out))
}

fn hex_sha256(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn parse_diagnostic(
    name: &str,
    locator: &Locator<'_>,
    e: &serde_saphyr::Error,
) -> Diagnostic {
    let (line, column) = e.location().map_or((1, 1), |l| {
        (
            usize::try_from(l.line()).unwrap_or(1).max(1),
            usize::try_from(l.column()).unwrap_or(1).max(1),
        )
    });
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("invalid document").trim();
    // The parser prefixes "error: line L column C: "; the position is reported separately.
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let message = match first.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(first, |(_, m)| m),
        None => first,
    }
    .to_owned();
    let schema_like = [
        "unknown field",
        "missing field",
        "unknown variant",
        "invalid type",
    ]
    .iter()
    .any(|m| message.contains(m));
    let hint = if message.contains("unknown field") {
        Some("see docs/automation.md for the fields each part accepts".to_owned())
    } else {
        None
    };
    Diagnostic {
        code: if schema_like {
            Code::Schema
        } else {
            Code::YamlSyntax
        },
        message,
        file: name.to_owned(),
        line,
        column,
        snippet: locator.line(line).to_owned(),
        hint,
        used_at: None,
    }
}

struct Checker<'a> {
    name: &'a str,
    locator: Locator<'a>,
    diags: Vec<Diagnostic>,
    templates: Templates,
    function: Option<&'static FunctionSpec>,
    variables: Vec<String>,
    secrets: Vec<String>,
    step_ids: Vec<String>,
    /// Where `use` steps find their shared steps.
    library: &'a SharedLibrary,
    /// When checking shared steps: their name and parameters.
    shared: Option<(String, Vec<String>)>,
    /// Prefix of the step ids as runs show them (`customer.` inside the use `customer`).
    prefix: String,
    /// How many `use` this checker is inside.
    depth: usize,
    /// Variables (with their defaults) and secrets declared by the shared steps used.
    extra_variables: BTreeMap<String, Option<String>>,
    extra_secrets: Vec<String>,
    /// While checking a string of a JSON body (which keeps no position of its own): the line
    /// and 0-based column where its text was found in the source.
    json_at: Option<(usize, usize)>,
}

/// How deep shared steps may use other shared steps.
const MAX_USE_DEPTH: usize = 4;

/// Where a program sits, for reference checks: the index of the step it belongs to
/// (`usize::MAX` for the output), whether `item` is in scope, whether it is a template.
#[derive(Clone, Copy)]
struct Scope {
    step: usize,
    in_loop: bool,
    template: bool,
    token: bool,
}

impl Checker<'_> {
    fn push(
        &mut self,
        code: Code,
        message: String,
        src: &Src,
        offset: usize,
        hint: Option<String>,
    ) {
        let (line, column) = match self.json_at {
            Some((line, start)) if !src.value[..offset.min(src.value.len())].contains('\n') => (
                line,
                start + src.value[..offset.min(src.value.len())].chars().count() + 1,
            ),
            _ => self.locator.at(src, offset),
        };
        self.diags.push(Diagnostic {
            code,
            message,
            file: self.name.to_owned(),
            line,
            column,
            snippet: self.locator.line(line).to_owned(),
            hint,
            used_at: None,
        });
    }

    fn jq(&mut self, src: &Src, step: usize, in_loop: bool) -> Option<JqProgram> {
        let scope = Scope {
            step,
            in_loop,
            template: false,
            token: false,
        };
        self.references(src, &jq_references(&src.value), scope);
        match JqProgram::compile(&src.value) {
            Ok(p) => Some(p),
            Err(errors) => {
                for e in errors {
                    let hint = e
                        .message
                        .strip_prefix("unknown filter `")
                        .and_then(|rest| rest.split('`').next())
                        .and_then(|name| {
                            did_you_mean(name, crate::jq::filter_names())
                                .map(|s| format!("did you mean `{s}`?"))
                        });
                    self.push(
                        Code::JqSyntax,
                        format!("jq: {}", e.message),
                        src,
                        e.offset,
                        hint,
                    );
                }
                None
            }
        }
    }

    fn template(&mut self, src: &Src, scope: Scope) -> Option<Tpl> {
        self.template_with(src, scope, false).map(|(t, _)| t)
    }

    fn template_with(&mut self, src: &Src, scope: Scope, typed: bool) -> Option<(Tpl, bool)> {
        let compiled = if typed {
            self.templates.add_typed(&src.value)
        } else {
            self.templates.add(&src.value).map(|t| (t, false))
        };
        match compiled {
            Ok((tpl, typed)) => {
                let refs = template_references(&src.value, &self.templates.references(&tpl));
                self.references(
                    src,
                    &refs,
                    Scope {
                        template: true,
                        ..scope
                    },
                );
                self.unknown_filters(src);
                Some((tpl, typed))
            }
            Err(e) => {
                self.push(
                    Code::TemplateSyntax,
                    format!("template: {}", e.message),
                    src,
                    e.offset,
                    None,
                );
                None
            }
        }
    }

    fn unknown_filters(&mut self, src: &Src) {
        const BUILTIN: &[&str] = &[
            "abs",
            "attr",
            "batch",
            "bool",
            "capitalize",
            "count",
            "default",
            "d",
            "dictsort",
            "e",
            "escape",
            "first",
            "float",
            "groupby",
            "indent",
            "int",
            "items",
            "join",
            "last",
            "length",
            "lines",
            "list",
            "lower",
            "map",
            "max",
            "min",
            "pprint",
            "reject",
            "rejectattr",
            "replace",
            "reverse",
            "round",
            "safe",
            "select",
            "selectattr",
            "slice",
            "sort",
            "split",
            "string",
            "sum",
            "title",
            "tojson",
            "trim",
            "unique",
            "upper",
            "urlencode",
            "chain",
            "zip",
        ];
        let text = src.value.clone();
        let mut rest = text.as_str();
        let mut base = 0;
        while let Some(pos) = rest.find('|') {
            let after = &rest[pos + 1..];
            let trimmed = after.trim_start();
            let name: String = trimmed
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let inside_expr = text[..base + pos].rfind("{{").is_some_and(|open| {
                text[..base + pos]
                    .rfind("}}")
                    .is_none_or(|close| close < open)
            }) || text[..base + pos].rfind("{%").is_some_and(|open| {
                text[..base + pos]
                    .rfind("%}")
                    .is_none_or(|close| close < open)
            });
            if inside_expr
                && !name.is_empty()
                && !BUILTIN.contains(&name.as_str())
                && !filters::NAMES.contains(&name.as_str())
            {
                let hint = did_you_mean(
                    &name,
                    filters::NAMES
                        .iter()
                        .copied()
                        .chain(BUILTIN.iter().copied()),
                )
                .map(|s| format!("did you mean `{s}`?"));
                let offset = base + pos + 1 + (after.len() - trimmed.len());
                self.push(
                    Code::UnknownFilter,
                    format!("unknown filter `{name}`"),
                    src,
                    offset,
                    hint,
                );
            }
            base += pos + 1;
            rest = after;
        }
    }

    fn references(&mut self, src: &Src, refs: &[Reference], scope: Scope) {
        for r in refs {
            match r.root.as_str() {
                "input" if self.shared.is_some() => {
                    self.push(
                        Code::UnknownInput,
                        "shared steps do not see the caller's `input`".to_owned(),
                        src,
                        r.offset,
                        Some("declare a parameter under `params:` and pass the value in the `use` step's `with:`".into()),
                    );
                }
                "params" => {
                    let Some(name) = &r.name else { continue };
                    let Some((shared, params)) = &self.shared else {
                        self.push(
                            Code::UnknownVariable,
                            format!("`params.{name}` is only defined inside shared steps"),
                            src,
                            r.offset,
                            None,
                        );
                        continue;
                    };
                    if !params.contains(name) {
                        let hint = did_you_mean(name, params.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| Some(format!("declare it under `params:` of `{shared}`")));
                        self.push(
                            Code::UnknownVariable,
                            format!("unknown parameter `params.{name}`"),
                            src,
                            r.offset,
                            hint,
                        );
                    }
                }
                "input" => {
                    let Some(f) = self.function else { continue };
                    let Some(name) = &r.name else { continue };
                    if !f.input_fields().contains(&name.as_str()) {
                        let hint = did_you_mean(name, f.input_fields().iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| {
                                Some(format!(
                                    "`{}` takes: {}",
                                    f.id.as_str(),
                                    f.input_fields().join(", ")
                                ))
                            });
                        self.push(
                            Code::UnknownInput,
                            format!("unknown variable `input.{name}`"),
                            src,
                            r.offset,
                            hint,
                        );
                    }
                }
                "vars" | "secrets" => {
                    let Some(name) = &r.name else { continue };
                    if r.root == "secrets" && !scope.template {
                        self.push(
                            Code::SecretInJq,
                            format!("`secrets.{name}` is read in jq"),
                            src,
                            r.offset,
                            Some("secrets are only available to templates (headers, auth), so they can never reach an output or a trace".into()),
                        );
                        continue;
                    }
                    let declared = if r.root == "vars" {
                        &self.variables
                    } else {
                        &self.secrets
                    };
                    if !declared.contains(name) {
                        let hint = did_you_mean(name, declared.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| {
                                Some(format!(
                                    "declare it under `{}:` at the top of the automation",
                                    if r.root == "vars" {
                                        "variables"
                                    } else {
                                        "secrets"
                                    }
                                ))
                            });
                        self.push(
                            Code::UnknownVariable,
                            format!("unknown variable `{}.{name}`", r.root),
                            src,
                            r.offset,
                            hint,
                        );
                    }
                }
                "steps" => {
                    let Some(name) = &r.name else { continue };
                    match self.step_ids.iter().position(|s| s == name) {
                        None => {
                            let hint = did_you_mean(name, self.step_ids.iter().map(String::as_str))
                                .map(|s| format!("did you mean `{s}`?"));
                            self.push(
                                Code::UnknownStep,
                                format!("unknown step `{name}`"),
                                src,
                                r.offset,
                                hint,
                            );
                        }
                        Some(at) if at >= scope.step && scope.step != usize::MAX => {
                            self.push(
                                Code::StepOrder,
                                format!("step `{name}` is used before it runs"),
                                src,
                                r.offset,
                                Some(
                                    "a step can only read the results of the steps above it".into(),
                                ),
                            );
                        }
                        Some(_) => {}
                    }
                }
                "item" | "index" if !scope.in_loop => {
                    self.push(
                        Code::UnknownVariable,
                        format!("`{}` is only defined inside a `for_each` step", r.root),
                        src,
                        r.offset,
                        None,
                    );
                }
                "token" if !scope.token => {}
                _ => {}
            }
        }
    }

    fn step(
        &mut self,
        index: usize,
        doc: &StepDoc,
        seen: &mut HashMap<String, usize>,
    ) -> Option<Step> {
        let id = doc.id.value.clone();
        let valid_id = !id.is_empty()
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !id.starts_with(|c: char| c.is_ascii_digit());
        if !valid_id {
            self.push(
                Code::InvalidStepId,
                format!("step id `{id}` is not a name"),
                &doc.id,
                0,
                Some("use letters, digits and `_`, starting with a letter".into()),
            );
        } else if seen.insert(id.clone(), index).is_some() {
            self.push(
                Code::InvalidStepId,
                format!("step id `{id}` is used twice"),
                &doc.id,
                0,
                None,
            );
        }
        let kinds = [
            doc.request.is_some(),
            doc.set.is_some(),
            doc.return_.is_some(),
            doc.fail.is_some(),
            doc.use_.is_some(),
        ];
        let count = kinds.iter().filter(|k| **k).count();
        if count != 1 {
            self.push(
                Code::StepKind,
                if count == 0 {
                    format!("step `{id}` does nothing")
                } else {
                    format!("step `{id}` has more than one action")
                },
                &doc.id,
                0,
                Some(
                    "give each step exactly one of `request`, `set`, `return`, `fail` or `use`"
                        .into(),
                ),
            );
            return None;
        }
        if doc.use_.is_none()
            && let Some((key, _)) = doc.with.first_key_value()
        {
            self.push(
                Code::Schema,
                format!("step `{id}` has `with` but no `use`"),
                &doc.id,
                0,
                Some(format!(
                    "`with` gives the arguments of shared steps (`{key}`...)"
                )),
            );
        }
        let in_loop = doc.for_each.is_some();
        let when = doc.when.as_ref().and_then(|w| self.jq(w, index, false));
        let for_each = doc.for_each.as_ref().and_then(|f| {
            let items = self.jq(&f.items, index, false);
            if f.max_items.is_none() {
                self.push(
                    Code::UnboundedLoop,
                    format!("the loop of step `{id}` has no bound"),
                    &f.items,
                    0,
                    Some("add `max_items:` to `for_each`; a longer list then fails the run instead of running away".into()),
                );
            }
            Some(ForEach {
                items: items?,
                max_items: f.max_items?,
                concurrency: f.concurrency.unwrap_or(1).max(1),
            })
        });
        let scope = Scope {
            step: index,
            in_loop,
            template: true,
            token: false,
        };
        let kind = if let Some(u) = &doc.use_ {
            StepKind::Use(Box::new(self.use_step(&id, u, &doc.with, index, in_loop)?))
        } else if let Some(r) = &doc.request {
            StepKind::Request(Box::new(self.request(r, scope)?))
        } else if let Some(s) = &doc.set {
            StepKind::Set(self.jq(s, index, in_loop)?)
        } else if let Some(s) = &doc.return_ {
            StepKind::Return(self.jq(s, index, in_loop)?)
        } else {
            let fail = doc.fail.as_ref()?;
            let code = fail.code.value.clone();
            if code.is_empty()
                || !code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                self.push(
                    Code::InvalidSetting,
                    format!("error code `{code}` is not lower snake case"),
                    &fail.code,
                    0,
                    None,
                );
            }
            StepKind::Fail {
                code,
                message: self.template(&fail.message, scope)?,
                not_found: fail.not_found,
            }
        };
        // A failed part has left a diagnostic, so compilation fails as a whole; the partial
        // step returned here is never run.
        Some(Step {
            id: Arc::from(format!("{}{id}", self.prefix)),
            key: Arc::from(id),
            when,
            for_each,
            kind,
        })
    }

    /// A `use` step: its arguments compiled in the caller's scope, the shared steps checked
    /// and compiled under the step's id.
    fn use_step(
        &mut self,
        id: &str,
        name: &Src,
        with: &BTreeMap<String, Src>,
        index: usize,
        in_loop: bool,
    ) -> Option<UseCall> {
        let before = self.diags.len();
        let library = self.library;
        let Some(shared) = library.get(&name.value) else {
            let hint = did_you_mean(&name.value, library.names())
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    Some(format!(
                        "shared steps are the files `shared/<name>.yaml` beside the automation{}",
                        if library.names().next().is_none() {
                            String::new()
                        } else {
                            format!(
                                "; there are: {}",
                                library.names().collect::<Vec<_>>().join(", ")
                            )
                        }
                    ))
                });
            self.push(
                Code::UnknownShared,
                format!("unknown shared steps `{}`", name.value),
                name,
                0,
                hint,
            );
            return None;
        };
        if self.depth >= MAX_USE_DEPTH {
            self.push(
                Code::UnknownShared,
                format!(
                    "shared steps `{}` are used more than {MAX_USE_DEPTH} levels deep",
                    name.value
                ),
                name,
                0,
                Some("shared steps that use themselves never end".into()),
            );
            return None;
        }
        let args: Vec<(String, JqProgram)> = with
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), self.jq(v, index, in_loop)?)))
            .collect();
        let locator = Locator::new(&shared.source);
        let doc: SharedDoc = match crate::parse_yaml(&shared.source) {
            Ok(doc) => doc,
            Err(e) => {
                let mut d = parse_diagnostic(&shared.file, &locator, &e);
                d.used_at = Some(self.place(name));
                self.diags.push(d);
                self.use_site(name, 1);
                return None;
            }
        };
        let params: Vec<String> = doc.params.keys().cloned().collect();
        for (k, v) in with {
            if !params.contains(k) {
                let hint = did_you_mean(k, params.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "`{}` takes: {}",
                            name.value,
                            if params.is_empty() {
                                "no parameter".to_owned()
                            } else {
                                params.join(", ")
                            }
                        ))
                    });
                self.push(
                    Code::UnknownVariable,
                    format!("`{}` has no parameter `{k}`", name.value),
                    v,
                    0,
                    hint,
                );
            }
        }
        let missing: Vec<&str> = params
            .iter()
            .filter(|p| !with.contains_key(*p))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            self.push(
                Code::UnknownVariable,
                format!(
                    "`{}` needs {}",
                    name.value,
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                name,
                0,
                Some("give every parameter under `with:`, as a jq program".into()),
            );
        }
        let mut inner = Checker {
            name: &shared.file,
            locator,
            diags: Vec::new(),
            templates: std::mem::replace(&mut self.templates, Templates::new(0)),
            function: self.function,
            variables: doc.variables.keys().cloned().collect(),
            secrets: doc.secrets.clone(),
            step_ids: doc.steps.iter().map(|s| s.id.value.clone()).collect(),
            library,
            shared: Some((name.value.clone(), params)),
            prefix: format!("{}{id}.", self.prefix),
            depth: self.depth + 1,
            extra_variables: BTreeMap::new(),
            extra_secrets: Vec::new(),
            json_at: None,
        };
        let mut seen = HashMap::new();
        let steps: Vec<Step> = doc
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| inner.step(i, s, &mut seen))
            .collect();
        let result = doc
            .result
            .as_ref()
            .and_then(|r| inner.jq(r, usize::MAX, false));
        self.templates = std::mem::replace(&mut inner.templates, Templates::new(0));
        for (k, v) in doc.variables {
            self.extra_variables.entry(k).or_insert(v.default);
        }
        for (k, v) in inner.extra_variables {
            self.extra_variables.entry(k).or_insert(v);
        }
        for s in doc.secrets.into_iter().chain(inner.extra_secrets) {
            if !self.extra_secrets.contains(&s) {
                self.extra_secrets.push(s);
            }
        }
        let problems = inner.diags.len();
        if problems > 0 {
            let place = self.place(name);
            for mut d in inner.diags {
                d.used_at.get_or_insert_with(|| place.clone());
                self.diags.push(d);
            }
            self.use_site(name, problems);
        }
        if self.diags.len() != before {
            return None;
        }
        Some(UseCall {
            args,
            steps,
            result,
        })
    }

    /// `file:line:column` of a place in this checker's file.
    fn place(&self, src: &Src) -> String {
        let (line, column) = self.locator.at(src, 0);
        format!("{}:{line}:{column}", self.name)
    }

    /// The diagnostic at a use whose shared steps have problems.
    fn use_site(&mut self, name: &Src, problems: usize) {
        self.push(
            Code::SharedSteps,
            format!(
                "the shared steps `{}` used here have {problems} problem(s)",
                name.value
            ),
            name,
            0,
            Some("see the problems reported in the shared file".into()),
        );
    }

    fn request(&mut self, doc: &RequestDoc, scope: Scope) -> Option<Request> {
        let before = self.diags.len();
        let url = self.template(&doc.url, scope);
        let query: Vec<_> = doc
            .query
            .iter()
            .filter_map(|(k, v)| {
                let (tpl, typed) = self.template_with(v, scope, true)?;
                Some((k.clone(), tpl, typed))
            })
            .collect();
        let headers: Vec<_> = doc
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), self.template(v, scope)?)))
            .collect();
        let bodies = [doc.json.is_some(), doc.form.is_some(), doc.body.is_some()];
        if bodies.iter().filter(|b| **b).count() > 1 {
            self.push(
                Code::InvalidSetting,
                "a request has more than one body".into(),
                &doc.url,
                0,
                Some("choose one of `json`, `form` and `body`".into()),
            );
        }
        let body = if let Some(j) = &doc.json {
            Body::Json(self.json_template(j, &doc.url, scope))
        } else if let Some(f) = &doc.form {
            Body::Form(
                f.iter()
                    .filter_map(|(k, v)| Some((k.clone(), self.template(v, scope)?)))
                    .collect(),
            )
        } else if let Some(b) = &doc.body {
            Body::Raw(self.template(b, scope)?)
        } else {
            Body::None
        };
        let success = doc
            .success
            .as_ref()
            .and_then(|s| self.jq(s, scope.step, scope.in_loop));
        let error_message = doc
            .error_message
            .as_ref()
            .and_then(|s| self.jq(s, scope.step, scope.in_loop));
        let paginate = doc.paginate.as_ref().and_then(|p| {
            let items = self.jq(&p.items, scope.step, scope.in_loop);
            let cursor = p
                .cursor
                .as_ref()
                .and_then(|c| self.jq(c, scope.step, scope.in_loop));
            let next_url = p
                .next_url
                .as_ref()
                .and_then(|c| self.jq(c, scope.step, scope.in_loop));
            let stop = p
                .stop
                .as_ref()
                .and_then(|c| self.jq(c, scope.step, scope.in_loop));
            let mut problem = |msg: &str, hint: &str| {
                self.push(
                    Code::Pagination,
                    msg.to_owned(),
                    &p.items,
                    0,
                    Some(hint.to_owned()),
                );
            };
            if p.max_pages.is_none() {
                problem(
                    "pagination has no `max_pages`",
                    "add `max_pages:` so a listing that never ends cannot run forever",
                );
            }
            match p.style {
                PageStyle::Page | PageStyle::Offset if p.param.is_none() => {
                    problem(
                        "pagination needs `param`",
                        "name the page or offset parameter",
                    );
                }
                PageStyle::Offset if p.size.is_none() => {
                    problem(
                        "offset pagination needs `size`",
                        "the offset advances by `size`",
                    );
                }
                PageStyle::Cursor if p.cursor.is_none() || p.param.is_none() => {
                    problem(
                        "cursor pagination needs `cursor` and `param`",
                        "`cursor` reads the next cursor; `param` names where it goes",
                    );
                }
                PageStyle::NextUrl if p.next_url.is_none() => {
                    problem(
                        "next-URL pagination needs `next_url`",
                        "`next_url` reads the next page's address from the body",
                    );
                }
                _ => {}
            }
            Some(Paginate {
                style: p.style,
                param: p.param.clone(),
                in_: p.in_,
                start: p
                    .start
                    .unwrap_or(if p.style == PageStyle::Offset { 0 } else { 1 }),
                size: p.size,
                size_param: p.size_param.clone(),
                items: items?,
                cursor,
                next_url,
                stop,
                max_pages: p.max_pages?,
                on_max_pages: p.on_max_pages.unwrap_or(OnMaxPages::Fail),
            })
        });
        let method = doc.method.unwrap_or(MethodDoc::Get);
        let idempotent =
            doc.idempotent || matches!(method, MethodDoc::Get | MethodDoc::Put | MethodDoc::Delete);
        let retry = doc.retry.as_ref();
        let may_retry = idempotent || retry.is_some_and(|r| r.unsafe_retry);
        let retry = RetryPolicy {
            attempts: if may_retry {
                retry.and_then(|r| r.attempts).unwrap_or(3).max(1)
            } else {
                1
            },
            backoff_ms: retry.and_then(|r| r.backoff_ms).unwrap_or(200),
            max_backoff_ms: retry.and_then(|r| r.max_backoff_ms).unwrap_or(5_000),
            on_status: retry
                .and_then(|r| r.on_status.clone())
                .unwrap_or_else(|| vec![429, 502, 503, 504]),
        };
        if self.diags.len() != before {
            return None;
        }
        Some(Request {
            method,
            url: url?,
            query,
            headers,
            body,
            success,
            success_status: doc.success_status.clone(),
            error_message,
            continue_on_error: doc.continue_on_error,
            retry,
            paginate,
            response_as: doc.response.unwrap_or_default(),
            timeout_ms: doc.timeout_ms,
            no_auth: doc.no_auth,
        })
    }

    fn json_template(&mut self, value: &Value, at: &Src, scope: Scope) -> JsonTpl {
        match value {
            Value::String(s) if crate::template::is_template(s) => {
                let src = Src::new(s.clone(), at.referenced, at.defined);
                // The body's strings have no position: find the text below the request.
                let from = usize::try_from(at.referenced.line()).unwrap_or(1);
                self.json_at = (from..from + 200).find_map(|line| {
                    let text = self.locator.line(line);
                    text.find(s.as_str())
                        .map(|byte| (line, text[..byte].chars().count()))
                });
                let compiled = self.template_with(&src, scope, true);
                self.json_at = None;
                match compiled {
                    Some((tpl, typed)) => JsonTpl::Template { tpl, typed },
                    None => JsonTpl::Literal(Value::Null),
                }
            }
            Value::Array(items) => JsonTpl::Array(
                items
                    .iter()
                    .map(|v| self.json_template(v, at, scope))
                    .collect(),
            ),
            Value::Object(map) => JsonTpl::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.json_template(v, at, scope)))
                    .collect(),
            ),
            other => JsonTpl::Literal(other.clone()),
        }
    }

    fn auth(&mut self, doc: &AuthDoc) -> Option<AuthPlan> {
        let scope = Scope {
            step: 0,
            in_loop: false,
            template: true,
            token: false,
        };
        let before = self.diags.len();
        let plan = match doc {
            AuthDoc::Basic { username, password } => AuthPlan::Basic {
                username: self.template(username, scope)?,
                password: self.template(password, scope)?,
            },
            AuthDoc::Bearer { token } => AuthPlan::Bearer {
                token: self.template(token, scope)?,
            },
            AuthDoc::ApiKey { in_, name, value } => AuthPlan::ApiKey {
                in_: *in_,
                name: self.template(name, scope)?,
                value: self.template(value, scope)?,
            },
            AuthDoc::Oauth2(o) => AuthPlan::OAuth2(Box::new(OAuth2Plan {
                grant: o.grant,
                token_url: self.template(&o.token_url, scope)?,
                client_id: self.template(&o.client_id, scope)?,
                client_secret: self.template(&o.client_secret, scope)?,
                username: o.username.as_ref().and_then(|u| self.template(u, scope)),
                password: o.password.as_ref().and_then(|p| self.template(p, scope)),
                scope: o.scope.clone(),
                refresh_before_secs: o.refresh_before_secs.unwrap_or(30),
            })),
            AuthDoc::Login(l) => {
                let request = self.request(&l.request, scope);
                let token = self.jq(&l.token, 0, false);
                let expires_in = l.expires_in.as_ref().and_then(|e| self.jq(e, 0, false));
                let value = match &l.value {
                    Some(v) => self.template(
                        v,
                        Scope {
                            token: true,
                            ..scope
                        },
                    ),
                    None => self.templates.add("Bearer {{ token }}").ok(),
                };
                AuthPlan::Login(Box::new(LoginPlan {
                    request: request?,
                    token: token?,
                    expires_in,
                    ttl_secs: l.ttl_secs.unwrap_or(3600),
                    header: l.header.clone().unwrap_or_else(|| "Authorization".into()),
                    value: value?,
                    refresh_before_secs: l.refresh_before_secs.unwrap_or(30),
                }))
            }
        };
        (self.diags.len() == before).then_some(plan)
    }

    /// Every required output field must be written somewhere: in `output` or a `return`.
    fn output_coverage(&mut self, doc: &AutomationDoc) {
        let Some(f) = self.function else { return };
        if f.output_kind == OutputKind::None {
            return;
        }
        let returns: Vec<&Src> = doc
            .steps
            .iter()
            .filter_map(|s| s.return_.as_ref())
            .collect();
        let Some(anchor) = doc.output.as_ref().or(returns.first().copied()) else {
            self.push(
                Code::MissingOutput,
                format!("nothing produces the output of `{}`", f.id.as_str()),
                &doc.function,
                0,
                Some("add an `output:` mapping or a `return` step".into()),
            );
            return;
        };
        // Fields may be built in a `set` step and passed on, so every mapping counts.
        let sets = doc.steps.iter().filter_map(|s| s.set.as_ref());
        let texts: Vec<&str> = doc
            .output
            .iter()
            .chain(returns.iter().copied())
            .chain(sets)
            .map(|s| s.value.as_str())
            .collect();
        self.unknown_output_keys(f, doc, &returns);
        let mut missing = BTreeMap::new();
        for field in f.output_fields() {
            let key = field.rsplit(['.', ']']).next().unwrap_or(&field).to_owned();
            if key.is_empty() {
                continue;
            }
            let found = texts.iter().any(|t| contains_word(t, &key));
            if !found {
                missing.insert(key, ());
            }
        }
        if missing.is_empty() {
            return;
        }
        let names: Vec<String> = missing.keys().map(|k| format!("`{k}`")).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        self.push(
            Code::OutputFieldMissing,
            format!("the output never sets {list}"),
            anchor,
            0,
            Some(format!(
                "`{}` returns {}",
                f.id.as_str(),
                f.output_fields().join(", ")
            )),
        );
    }
}

impl Checker<'_> {
    /// Keys written in the output mapping or a `return` that the function's output does not
    /// have: each is reported where it is written, with the field it most likely means.
    fn unknown_output_keys(&mut self, f: &FunctionSpec, doc: &AutomationDoc, returns: &[&Src]) {
        let paths = f.output_fields();
        let fields: Vec<&str> = paths
            .iter()
            .flat_map(|p| p.split(['.', '[', ']']))
            .filter(|s| !s.is_empty())
            .collect();
        if fields.is_empty() {
            return;
        }
        let programs: Vec<&Src> = doc.output.iter().chain(returns.iter().copied()).collect();
        for src in programs {
            for (key, offset) in object_keys(&src.value) {
                if fields.contains(&key.as_str()) {
                    continue;
                }
                let hint = did_you_mean(&key, fields.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "`{}` returns {}",
                            f.id.as_str(),
                            f.output_fields().join(", ")
                        ))
                    });
                self.push(
                    Code::OutputFieldUnknown,
                    format!(
                        "`{key}` is not a field of the output of `{}`",
                        f.id.as_str()
                    ),
                    src,
                    offset,
                    hint,
                );
            }
        }
    }
}

/// The keys of the object constructions of a jq program (`{name: ...}`, `{name}` is not
/// one), with their offsets, outside strings and comments.
fn object_keys(code: &str) -> Vec<(String, usize)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    // The innermost open delimiter at each point: only keys directly inside `{` count.
    let mut open: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'{' | b'(' | b'[' => open.push(b),
            b'}' | b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
        let starts_ident = (b.is_ascii_alphabetic() || b == b'_')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || matches!(bytes[i - 1], b'_' | b'$' | b'.' | b'@')));
        if starts_ident {
            let len = bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let mut j = i + len;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            if open.last() == Some(&b'{')
                && bytes.get(j) == Some(&b':')
                && bytes.get(j + 1) != Some(&b':')
            {
                out.push((code[i..i + len].to_owned(), i));
            }
            i += len;
            continue;
        }
        i += 1;
    }
    out
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        !is_ident(before) && !is_ident(after)
    })
}
