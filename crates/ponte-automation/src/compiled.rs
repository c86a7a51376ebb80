//! The compiled stage: what [`crate::compile`] produces and [`crate::Engine`] runs.
//!
//! Nothing here can be built from an unchecked document: fields are private to the crate and
//! the only constructor is the checker, so an automation that has not passed `check` cannot run.

use std::collections::BTreeMap;
use std::sync::Arc;

use ponte_catalog::FunctionSpec;
use serde_json::Value;

use crate::jq::JqProgram;
use crate::model::{
    GrantDoc, KeyIn, LimitsDoc, MethodDoc, OnMaxPages, PageStyle, ParamIn, ResponseAs,
};
use crate::template::{Templates, Tpl};

/// A checked, compiled automation, ready to run any number of times concurrently.
#[derive(Debug)]
pub struct CompiledAutomation {
    pub(crate) name: Arc<str>,
    pub(crate) function: &'static FunctionSpec,
    pub(crate) templates: Templates,
    pub(crate) auth: Option<AuthPlan>,
    pub(crate) steps: Vec<Step>,
    pub(crate) output: Option<JqProgram>,
    pub(crate) output_validator: jsonschema::Validator,
    /// For an output that may be null: the schema of its non-null form, which names the
    /// field at fault where the whole schema could only say that no form matched.
    pub(crate) present_validator: Option<jsonschema::Validator>,
    pub(crate) limits: LimitsDoc,
    pub(crate) variable_defaults: BTreeMap<String, String>,
    pub(crate) required_variables: Vec<String>,
    pub(crate) secret_names: Vec<String>,
    pub(crate) sha256: Arc<str>,
}

impl CompiledAutomation {
    /// The catalog function this automation serves.
    #[must_use]
    pub fn function(&self) -> &'static FunctionSpec {
        self.function
    }

    /// The name it was loaded under (usually its file path).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// SHA-256 of the source, hex: identifies the exact version that ran.
    #[must_use]
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Variables the automation declares, with their defaults.
    #[must_use]
    pub fn variable_defaults(&self) -> &BTreeMap<String, String> {
        &self.variable_defaults
    }

    /// Variables the automation or a shared step it uses declares without a default: the
    /// integration must set each one.
    #[must_use]
    pub fn required_variables(&self) -> &[String] {
        &self.required_variables
    }

    /// Names of the secrets the automation reads (its shared steps' included).
    #[must_use]
    pub fn secret_names(&self) -> &[String] {
        &self.secret_names
    }
}

#[derive(Debug)]
pub(crate) struct Step {
    /// The id as runs show it: qualified by the `use` it runs under (`customer.masked`).
    pub id: Arc<str>,
    /// The id as later steps read it (`steps.masked`).
    pub key: Arc<str>,
    pub when: Option<JqProgram>,
    pub for_each: Option<ForEach>,
    pub kind: StepKind,
}

#[derive(Debug)]
pub(crate) struct ForEach {
    pub items: JqProgram,
    pub max_items: u32,
    pub concurrency: u32,
}

#[derive(Debug)]
pub(crate) enum StepKind {
    Request(Box<Request>),
    Set(JqProgram),
    Return(JqProgram),
    Fail {
        code: String,
        message: Tpl,
        not_found: bool,
    },
    Use(Box<UseCall>),
}

/// A `use` step: the arguments, read in the caller's context, and the shared steps compiled
/// for this use.
#[derive(Debug)]
pub(crate) struct UseCall {
    pub args: Vec<(String, JqProgram)>,
    pub steps: Vec<Step>,
    pub result: Option<JqProgram>,
}

#[derive(Debug)]
pub(crate) struct Request {
    pub method: MethodDoc,
    pub url: Tpl,
    /// Each parameter's template, and whether it is one expression rendered typed: such a
    /// parameter whose value is `none` is left out of the URL.
    pub query: Vec<(String, Tpl, bool)>,
    pub headers: Vec<(String, Tpl)>,
    pub body: Body,
    pub success: Option<JqProgram>,
    pub success_status: Option<Vec<u16>>,
    pub error_message: Option<JqProgram>,
    pub continue_on_error: bool,
    pub retry: RetryPolicy,
    pub paginate: Option<Paginate>,
    pub response_as: ResponseAs,
    pub timeout_ms: Option<u64>,
    pub no_auth: bool,
}

#[derive(Debug)]
pub(crate) enum Body {
    None,
    Json(JsonTpl),
    Form(Vec<(String, Tpl)>),
    Raw(Tpl),
}

/// A JSON body whose strings are templates.
#[derive(Debug)]
pub(crate) enum JsonTpl {
    Literal(Value),
    Template { tpl: Tpl, typed: bool },
    Array(Vec<JsonTpl>),
    Object(Vec<(String, JsonTpl)>),
}

#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub attempts: u32,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub on_status: Vec<u16>,
}

#[derive(Debug)]
pub(crate) struct Paginate {
    pub style: PageStyle,
    pub param: Option<String>,
    pub in_: ParamIn,
    pub start: u64,
    pub size: Option<u64>,
    pub size_param: Option<String>,
    pub items: JqProgram,
    pub cursor: Option<JqProgram>,
    pub next_url: Option<JqProgram>,
    pub stop: Option<JqProgram>,
    pub max_pages: u32,
    pub on_max_pages: OnMaxPages,
}

#[derive(Debug)]
pub(crate) enum AuthPlan {
    Basic { username: Tpl, password: Tpl },
    Bearer { token: Tpl },
    ApiKey { in_: KeyIn, name: Tpl, value: Tpl },
    OAuth2(Box<OAuth2Plan>),
    Login(Box<LoginPlan>),
}

#[derive(Debug)]
pub(crate) struct OAuth2Plan {
    pub grant: GrantDoc,
    pub token_url: Tpl,
    pub client_id: Tpl,
    pub client_secret: Tpl,
    pub username: Option<Tpl>,
    pub password: Option<Tpl>,
    pub scope: Option<String>,
    pub refresh_before_secs: u64,
}

#[derive(Debug)]
pub(crate) struct LoginPlan {
    pub request: Request,
    pub token: JqProgram,
    pub expires_in: Option<JqProgram>,
    pub ttl_secs: u64,
    pub header: String,
    pub value: Tpl,
    pub refresh_before_secs: u64,
}
