//! The checker: YAML → [`AutomationDoc`] → every problem as a [`Diagnostic`], or a
//! [`CompiledAutomation`] when there is none. Templates and jq programs are compiled here, once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ponte_catalog::{FunctionSpec, OutputKind};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::compiled::{
    AuthPlan, Body, CompiledAutomation, ForEach, JsonTpl, LoginPlan, OAuth2Plan, Paginate, Request,
    RetryPolicy, Step, StepKind,
};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::filters;
use crate::jq::JqProgram;
use crate::model::{
    AuthDoc, AutomationDoc, MethodDoc, OnMaxPages, PageStyle, RequestDoc, Src, StepDoc,
};
use crate::refs::{Locator, Reference, jq_references, template_references};
use crate::template::{Templates, Tpl};

/// Load, check and compile an automation. `name` is how diagnostics name the file.
///
/// # Errors
/// Every problem found, each with its code and position.
pub fn compile(name: &str, source: &str) -> Result<CompiledAutomation, Vec<Diagnostic>> {
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
    Ok(CompiledAutomation {
        name: Arc::from(name),
        function,
        templates: checker.templates,
        auth,
        steps,
        output,
        output_validator,
        limits: doc.limits.unwrap_or_default(),
        variable_defaults: doc
            .variables
            .iter()
            .filter_map(|(k, v)| v.default.clone().map(|d| (k.clone(), d)))
            .collect(),
        secret_names: doc.secrets,
        sha256: Arc::from(hex_sha256(source)),
    })
}

fn hex_sha256(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_diagnostic(name: &str, locator: &Locator<'_>, e: &serde_saphyr::Error) -> Diagnostic {
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
}

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
        let (line, column) = self.locator.at(src, offset);
        self.diags.push(Diagnostic {
            code,
            message,
            file: self.name.to_owned(),
            line,
            column,
            snippet: self.locator.line(line).to_owned(),
            hint,
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
                    self.push(
                        Code::JqSyntax,
                        format!("jq: {}", e.message),
                        src,
                        e.offset,
                        None,
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
                Some("give each step exactly one of `request`, `set`, `return` or `fail`".into()),
            );
            return None;
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
        let kind = if let Some(r) = &doc.request {
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
            id: Arc::from(id),
            when,
            for_each,
            kind,
        })
    }

    fn request(&mut self, doc: &RequestDoc, scope: Scope) -> Option<Request> {
        let before = self.diags.len();
        let url = self.template(&doc.url, scope);
        let query: Vec<_> = doc
            .query
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), self.template(v, scope)?)))
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
                match self.template_with(&src, scope, true) {
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
                name: name.clone(),
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

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        !is_ident(before) && !is_ident(after)
    })
}
