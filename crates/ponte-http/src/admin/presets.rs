//! `/admin/v1/presets` and `/admin/v1/presets/{name}`: the presets embedded in Ponte, what each
//! serves and what it needs; the same answers as `ponte presets list` and `ponte presets show
//! <name>` with `--format json`.

use axum::Json;
use ponte_core::service::ErrorCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{AdminAccess, PathParams};
use crate::{AppState, Problem};

/// The routes of this resource.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(show_preset))
}

/// The embedded presets.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetList {
    /// Every preset, in a stable order.
    pub presets: Vec<PresetSummary>,
}

/// One preset in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetSummary {
    /// Its name, as an integration's `preset` names it.
    #[schema(example = "ixc")]
    pub name: String,
    /// The ERP it speaks to.
    #[schema(example = "IXC Provedor (IXCSoft)")]
    pub erp: String,
    /// How many catalog functions it serves.
    #[schema(example = 21)]
    pub functions_served: usize,
    /// How many functions the catalog has.
    #[schema(example = 21)]
    pub functions: usize,
}

/// One preset: each catalog function, served or not, and what it needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetDetail {
    /// Its name.
    #[schema(example = "sgp")]
    pub name: String,
    /// The ERP it speaks to.
    #[schema(example = "SGP (Sistema Gerenciador de Provedores)")]
    pub erp: String,
    /// How many catalog functions it serves.
    #[schema(example = 14)]
    pub functions_served: usize,
    /// Every catalog function, in catalog order.
    pub functions: Vec<PresetFunction>,
}

/// One catalog function in a preset.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetFunction {
    /// The catalog function.
    #[schema(example = "list_invoices")]
    pub function: String,
    /// True when the preset serves it.
    pub supported: bool,
    /// How the ERP serves it, or why it cannot.
    pub reason: String,
    /// The automation file serving it; `null` when not served.
    #[schema(example = "list_invoices.yaml")]
    pub automation: Option<String>,
    /// The variables its automation and shared steps declare, by name.
    pub variables: Vec<PresetVariable>,
    /// The secrets they need, by name.
    #[schema(example = json!(["ixc_token"]))]
    pub secrets: Vec<String>,
}

/// A variable a preset's automation reads from the integration's `vars`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetVariable {
    /// Its name.
    #[schema(example = "base_url")]
    pub name: String,
    /// What it means.
    pub description: String,
    /// Its default; `null` when the integration must set it.
    pub default: Option<String>,
    /// True when it has no default.
    pub required: bool,
}

fn served(preset: &ponte_presets::Preset) -> usize {
    preset.coverage.iter().filter(|c| c.supported).count()
}

/// The list of the embedded presets, as `ponte presets list --format json` prints it.
#[must_use]
pub fn preset_list() -> PresetList {
    PresetList {
        presets: ponte_presets::names()
            .iter()
            .filter_map(|name| ponte_presets::preset(name))
            .map(|p| PresetSummary {
                name: p.name.to_owned(),
                erp: p.erp.to_owned(),
                functions_served: served(p),
                functions: p.coverage.len(),
            })
            .collect(),
    }
}

/// One preset, as `ponte presets show <name> --format json` prints it.
#[must_use]
pub fn preset_detail(preset: &ponte_presets::Preset) -> PresetDetail {
    PresetDetail {
        name: preset.name.to_owned(),
        erp: preset.erp.to_owned(),
        functions_served: served(preset),
        functions: preset
            .needs()
            .into_iter()
            .map(|n| PresetFunction {
                function: n.coverage.function.as_str().to_owned(),
                supported: n.coverage.supported,
                reason: n.coverage.reason.to_owned(),
                automation: n.file.map(str::to_owned),
                variables: n
                    .variables
                    .into_iter()
                    .map(|v| PresetVariable {
                        required: v.default.is_none(),
                        name: v.name,
                        description: v.description,
                        default: v.default,
                    })
                    .collect(),
                secrets: n.secrets,
            })
            .collect(),
    }
}

/// The presets embedded in Ponte, each with its ERP and how many functions it serves.
#[utoipa::path(
    get,
    path = "/admin/v1/presets",
    tag = "admin",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The presets", body = PresetList),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_presets(_admin: AdminAccess) -> Json<PresetList> {
    Json(preset_list())
}

/// One preset: for each catalog function, whether it is served (by which automation, how) or
/// why not, and the variables (description, default or required) and secrets it needs.
#[utoipa::path(
    get,
    path = "/admin/v1/presets/{name}",
    tag = "admin",
    security(("admin_token" = [])),
    params(("name" = String, Path, description = "The preset", example = "ixc")),
    responses(
        (status = 200, description = "The preset", body = PresetDetail),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no preset by this name", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn show_preset(
    _admin: AdminAccess,
    PathParams(name): PathParams<String>,
) -> Result<Json<PresetDetail>, Problem> {
    let preset = ponte_presets::preset(&name).ok_or_else(|| {
        Problem::new(
            ErrorCode::NotFound,
            format!(
                "There is no preset `{name}`; the presets are: {}.",
                ponte_presets::names().join(", ")
            ),
        )
    })?;
    Ok(Json(preset_detail(preset)))
}
