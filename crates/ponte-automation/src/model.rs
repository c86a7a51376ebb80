//! The automation document as an integrator writes it (the *raw* stage).
//!
//! These types are only parsed, never run: [`crate::compile`] turns a checked document into a
//! [`crate::CompiledAutomation`]. Every string that holds a template or a jq program is a
//! [`Src`], which remembers where it stood in the YAML so diagnostics can point at it.
//! Unknown fields are errors everywhere, and the JSON Schema offered to editors is generated
//! from these same types (`ponte_automation::document_schema`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A string from the document together with its position (1-based line and column).
pub type Src = serde_saphyr::Spanned<String>;

/// One automation: the function it serves and the steps that produce its output.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomationDoc {
    /// Catalog id of the function this automation serves, e.g. `list_invoices`.
    #[schemars(with = "String")]
    pub function: Src,
    /// What this automation does, for people reading it.
    #[serde(default)]
    pub description: Option<String>,
    /// Integration variables this automation reads (`vars.NAME`), with their meaning and an
    /// optional default. Referencing an undeclared variable is a check error.
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    /// Names of the integration secrets this automation reads (`secrets.NAME`, templates only).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// How every request of this automation authenticates. Default: none.
    #[serde(default)]
    pub auth: Option<AuthDoc>,
    /// Overrides of the engine's limits for this automation.
    #[serde(default)]
    pub limits: Option<LimitsDoc>,
    /// The steps, run in order.
    pub steps: Vec<StepDoc>,
    /// jq mapping from the run context to the function's output. Optional when every path
    /// ends in a `return` step.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub output: Option<Src>,
}

/// Declaration of an integration variable.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    /// What the variable means and where its value comes from.
    #[serde(default)]
    pub description: Option<String>,
    /// Value used when the integration does not set the variable.
    #[serde(default)]
    pub default: Option<String>,
}

/// One step. Exactly one of `request`, `set`, `return`, `fail` and `use` must be given.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    /// Name of the step; later steps read its result as `steps.<id>`. Letters, digits, `_`.
    #[schemars(with = "String")]
    pub id: Src,
    /// jq predicate on the context; the step runs only when it is true.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub when: Option<Src>,
    /// Run the step once per element of a list, with `item` and `index` in the context.
    #[serde(default)]
    pub for_each: Option<ForEachDoc>,
    /// Send an HTTP request to the ERP.
    #[serde(default)]
    pub request: Option<RequestDoc>,
    /// Compute a value with jq and keep it as the step's result.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub set: Option<Src>,
    /// End the run now with this jq value as the output.
    #[serde(default, rename = "return")]
    #[schemars(with = "Option<String>")]
    pub return_: Option<Src>,
    /// End the run now with an error.
    #[serde(default)]
    pub fail: Option<FailDoc>,
    /// Run the shared steps of this name (a file `shared/<name>.yaml` beside the automation)
    /// with the arguments of `with`; the step's result is their `result`.
    #[serde(default, rename = "use")]
    #[schemars(with = "Option<String>")]
    pub use_: Option<Src>,
    /// Arguments of a `use` step: parameter name → jq program on the caller's context.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub with: BTreeMap<String, Src>,
}

/// Shared steps: a named sequence of steps with parameters, kept in `shared/<name>.yaml`
/// beside the automations that use it, and run from a step with `use: <name>`.
///
/// Its steps see `params` (the arguments), `vars`, `settings`, `secrets` (templates only) and
/// their own earlier steps as `steps`; not the caller's `input` nor the caller's steps. A
/// `return` step ends the shared steps with its value as their result; a `fail` step fails
/// the run.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedDoc {
    /// What these steps do, for people reading them.
    #[serde(default)]
    pub description: Option<String>,
    /// The parameters, each given by every `use` of these steps in `with`.
    #[serde(default)]
    pub params: BTreeMap<String, ParamDecl>,
    /// Integration variables these steps read (`vars.NAME`); declared for every automation
    /// that uses them.
    #[serde(default)]
    pub variables: BTreeMap<String, VariableDecl>,
    /// Names of the integration secrets these steps read (templates only).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// The steps, run in order.
    pub steps: Vec<StepDoc>,
    /// jq mapping from the shared context to the value the `use` step keeps. Default: null.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub result: Option<Src>,
}

/// Declaration of a parameter of shared steps.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDecl {
    /// What the parameter means.
    #[serde(default)]
    pub description: Option<String>,
}

/// A bounded loop.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForEachDoc {
    /// jq program giving the list to loop over.
    #[schemars(with = "String")]
    pub items: Src,
    /// Maximum number of elements; a longer list fails the run instead of being cut. Required.
    #[serde(default)]
    pub max_items: Option<u32>,
    /// How many elements run at once (default 1, at most the engine's `max_concurrency`).
    #[serde(default)]
    pub concurrency: Option<u32>,
}

/// A `fail` step: the run ends with this error code and message.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailDoc {
    /// Stable error code, lower snake case (for example `customer_not_found`).
    #[schemars(with = "String")]
    pub code: Src,
    /// Message template for people.
    #[schemars(with = "String")]
    pub message: Src,
    /// The ERP answered, and has no record the inputs name (a customer, a contract, a boleto):
    /// the caller gets `404 not_found_in_erp` instead of `502 erp_rejected`. Default `false`.
    #[serde(default)]
    pub not_found: bool,
}

/// HTTP methods an automation may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum MethodDoc {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

/// An HTTP request. Every string is a MiniJinja template.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDoc {
    /// HTTP method (default GET).
    #[serde(default)]
    pub method: Option<MethodDoc>,
    /// Absolute URL template.
    #[schemars(with = "String")]
    pub url: Src,
    /// Query parameters (templates), appended to the URL.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub query: BTreeMap<String, Src>,
    /// Request headers (templates).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub headers: BTreeMap<String, Src>,
    /// JSON body: a YAML tree whose strings are templates. A string that is a single
    /// `{{ expression }}` keeps the expression's JSON type.
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    /// Form body (`application/x-www-form-urlencoded`), values are templates.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub form: Option<BTreeMap<String, Src>>,
    /// Raw body template, sent as is (set `Content-Type` in `headers`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub body: Option<Src>,
    /// jq predicate on the response deciding success, in addition to the status check.
    /// Example for IXC: `.type? != "error"`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub success: Option<Src>,
    /// Statuses that count as success (default: 200–299).
    #[serde(default)]
    pub success_status: Option<Vec<u16>>,
    /// jq program extracting the ERP's own error message from a failed response.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error_message: Option<Src>,
    /// On failure, keep going: the step's result carries `ok: false` and later steps decide.
    #[serde(default)]
    pub continue_on_error: bool,
    /// Declare a POST/PATCH safe to repeat (a read disguised as a write, like IXC listings),
    /// so it is retried like a GET.
    #[serde(default)]
    pub idempotent: bool,
    /// Retry policy; by default idempotent requests are retried, others are not.
    #[serde(default)]
    pub retry: Option<RetryDoc>,
    /// Read all pages of a paginated listing.
    #[serde(default)]
    pub paginate: Option<PaginateDoc>,
    /// How to read the response body (default `auto`).
    #[serde(default)]
    pub response: Option<ResponseAs>,
    /// Per-request timeout in milliseconds (default: the engine's).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Send the request without the automation's auth.
    #[serde(default)]
    pub no_auth: bool,
}

/// How a response body is exposed as `steps.<id>.body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseAs {
    /// JSON when it parses as JSON (whatever the content type says), else text when UTF-8,
    /// else base64.
    #[default]
    Auto,
    /// Always text.
    Text,
    /// Always base64 of the raw bytes (for PDFs and images).
    Base64,
}

/// Retry policy of a request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryDoc {
    /// Total attempts including the first (default 3 for idempotent requests).
    #[serde(default)]
    pub attempts: Option<u32>,
    /// First backoff in milliseconds, doubled on each retry (default 200).
    #[serde(default)]
    pub backoff_ms: Option<u64>,
    /// Longest backoff in milliseconds (default 5000).
    #[serde(default)]
    pub max_backoff_ms: Option<u64>,
    /// Statuses that are retried (default 429, 502, 503, 504).
    #[serde(default)]
    pub on_status: Option<Vec<u16>>,
    /// Retry even though the request is not idempotent (only when the ERP deduplicates).
    #[serde(default)]
    pub unsafe_retry: bool,
}

/// Pagination styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PageStyle {
    /// A page number parameter: start, start+1, ...
    Page,
    /// An offset parameter advanced by `size`.
    Offset,
    /// A cursor read from each response with the `cursor` jq program.
    Cursor,
    /// The next page's URL read from each response with the `next_url` jq program.
    NextUrl,
}

/// Where a pagination parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    /// URL query string.
    #[default]
    Query,
    /// Top-level field of the JSON body.
    Json,
    /// Field of the form body.
    Form,
}

/// Pagination of a listing. It always stops: on an empty page, on a page identical to the one
/// before, on the stop expression, on a missing cursor or next URL, or at `max_pages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaginateDoc {
    /// Pagination style.
    pub style: PageStyle,
    /// Name of the page/offset/cursor parameter (not used by `next_url`).
    #[serde(default)]
    pub param: Option<String>,
    /// Where the parameters go (default `query`).
    #[serde(default, rename = "in")]
    pub in_: ParamIn,
    /// First page number (default 1) or first offset (default 0).
    #[serde(default)]
    pub start: Option<u64>,
    /// Page size: sent as `size_param` when given, and the offset increment.
    #[serde(default)]
    pub size: Option<u64>,
    /// Name of the page-size parameter.
    #[serde(default)]
    pub size_param: Option<String>,
    /// jq program giving this page's records (an array). Required.
    #[schemars(with = "String")]
    pub items: Src,
    /// jq program giving the next cursor (`cursor` style); null or "" ends.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub cursor: Option<Src>,
    /// jq program giving the next page URL (`next_url` style); null or "" ends.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub next_url: Option<Src>,
    /// jq predicate on the page body; when true, this page is the last.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub stop: Option<Src>,
    /// Maximum number of pages. Required.
    #[serde(default)]
    pub max_pages: Option<u32>,
    /// What to do when `max_pages` is reached with more pages left (default `fail`, so that no
    /// record is dropped silently).
    #[serde(default)]
    pub on_max_pages: Option<OnMaxPages>,
}

/// Behaviour when the page limit is hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnMaxPages {
    /// Fail the run with `limit_exceeded`.
    Fail,
    /// Keep the pages read so far.
    Stop,
}

/// Authentication of the automation's requests.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum AuthDoc {
    /// HTTP Basic.
    Basic {
        /// Username template.
        #[schemars(with = "String")]
        username: Src,
        /// Password template (usually `{{ secrets.NAME }}`).
        #[schemars(with = "String")]
        password: Src,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Token template.
        #[schemars(with = "String")]
        token: Src,
    },
    /// An API key in a header or the query string.
    ApiKey {
        /// `header` or `query`.
        #[serde(rename = "in")]
        in_: KeyIn,
        /// Header or parameter name (a template: an ERP whose header name varies between
        /// instances takes it from a variable).
        #[schemars(with = "String")]
        name: Src,
        /// Key template.
        #[schemars(with = "String")]
        value: Src,
    },
    /// OAuth2 token endpoint (password or client-credentials grant).
    Oauth2(Box<OAuth2Doc>),
    /// A login request whose answer carries a session token.
    Login(Box<LoginDoc>),
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyIn {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
}

/// OAuth2 grants supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantDoc {
    /// Resource-owner password grant.
    Password,
    /// Client-credentials grant.
    ClientCredentials,
}

/// OAuth2 settings. The token is cached per integration and refreshed before it expires.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Doc {
    /// Grant type.
    pub grant: GrantDoc,
    /// Token endpoint URL template.
    #[schemars(with = "String")]
    pub token_url: Src,
    /// Client id template.
    #[schemars(with = "String")]
    pub client_id: Src,
    /// Client secret template.
    #[schemars(with = "String")]
    pub client_secret: Src,
    /// Username template (password grant).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub username: Option<Src>,
    /// Password template (password grant).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub password: Option<Src>,
    /// Requested scope.
    #[serde(default)]
    pub scope: Option<String>,
    /// Refresh this many seconds before the token expires (default 30).
    #[serde(default)]
    pub refresh_before_secs: Option<u64>,
}

/// A login step whose response yields a session token.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginDoc {
    /// The login request (sent without auth).
    pub request: RequestDoc,
    /// jq program reading the token from the login response body.
    #[schemars(with = "String")]
    pub token: Src,
    /// jq program reading the lifetime in seconds; default `ttl_secs`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expires_in: Option<Src>,
    /// Lifetime when the answer does not say (default 3600).
    #[serde(default)]
    pub ttl_secs: Option<u64>,
    /// Header that carries the token (default `Authorization`).
    #[serde(default)]
    pub header: Option<String>,
    /// Header value template with `token` in scope (default `Bearer {{ token }}`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub value: Option<Src>,
    /// Refresh this many seconds before the token expires (default 30).
    #[serde(default)]
    pub refresh_before_secs: Option<u64>,
}

/// Per-automation overrides of the engine limits; see [`crate::Limits`].
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsDoc {
    /// Maximum step executions per run, loop iterations included.
    pub max_steps: Option<u32>,
    /// Maximum loop iterations per run.
    pub max_iterations: Option<u32>,
    /// Maximum size of one response body in bytes.
    pub max_response_bytes: Option<u64>,
    /// Template fuel: bounds the work of one template rendering.
    pub template_fuel: Option<u64>,
    /// Per-request timeout in milliseconds.
    pub request_timeout_ms: Option<u64>,
    /// Total time of a run in milliseconds.
    pub total_timeout_ms: Option<u64>,
    /// Maximum concurrent requests of a `for_each`.
    pub max_concurrency: Option<u32>,
}
