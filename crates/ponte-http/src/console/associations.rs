//! Associations: per kind, the platform's codes associated with the ERP's, and a form that
//! adds, changes or removes one, the ERP's code picked from the cached catalog list (typed
//! when the integration does not serve that list). Changes go through the same service call
//! as the admin API's, which validates and audits them; a refused change changes nothing and
//! shows its error beside the field.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ponte_core::model::{Association, AssociationKind, AssociationOption};
use ponte_core::service::{Admin, CallError};
use serde::Serialize;

use super::pages::{error, page};
use super::session::{Change, Session, SignedIn};
use super::text::Text;
use crate::AppState;

/// One kind's section of the page.
#[derive(Debug, Serialize)]
struct Section {
    kind: &'static str,
    rows: Vec<Row>,
    /// The ERP's codes to pick from; `None` when the list could not be read.
    options: Option<Vec<AssociationOption>>,
    /// Why the list could not be read.
    options_error: Option<String>,
    /// What the form holds (after a refused change, what was sent).
    platform_code: String,
    erp_code: String,
    /// Errors by field (`platform_code`, `erp_code`, `form`).
    errors: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
struct Row {
    platform_code: String,
    erp_code: String,
    /// The ERP's name of the code: from the list when it has it, else the stored label.
    name: String,
    /// Whether the list was read and lacks the code.
    unknown: bool,
}

async fn section(admin: &Admin<'_>, id: &str, kind: AssociationKind) -> Result<Section, CallError> {
    let stored = admin.associations(id, kind.as_str()).await?;
    let (options, options_error) = match admin.association_options(id, kind.as_str()).await {
        Ok(options) => (Some(options), None),
        Err(err) => (None, Some(format!("{} ({})", err.detail, err.code.code()))),
    };
    let rows = stored
        .into_iter()
        .map(|association| {
            let found = options
                .as_ref()
                .map(|options| options.iter().find(|o| o.code == association.erp_code));
            Row {
                name: match found {
                    Some(Some(option)) => option.name.clone(),
                    _ => association.label,
                },
                unknown: matches!(found, Some(None)),
                platform_code: association.platform_code,
                erp_code: association.erp_code,
            }
        })
        .collect();
    Ok(Section {
        kind: kind.as_str(),
        rows,
        options,
        options_error,
        platform_code: String::new(),
        erp_code: String::new(),
        errors: BTreeMap::new(),
    })
}

async fn render(
    admin: &Admin<'_>,
    session: &Session,
    id: &str,
    refused: Option<Section>,
) -> Response {
    let mut sections = Vec::new();
    for kind in AssociationKind::ALL {
        match &refused {
            Some(section) if section.kind == kind.as_str() => {}
            _ => match section(admin, id, kind).await {
                Ok(section) => sections.push(section),
                Err(err) => return error(session, &err),
            },
        }
    }
    let status = if let Some(section) = refused {
        let at = AssociationKind::ALL
            .iter()
            .position(|kind| kind.as_str() == section.kind)
            .unwrap_or(0);
        sections.insert(at, section);
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = page(
        "associations.html",
        session,
        "integrations",
        serde_json::json!({ "id": id, "sections": sections }),
    );
    *response.status_mut() = status;
    response
}

/// `GET /console/integrations/{id}/associations`.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let admin = state.ponte.admin(&session.actor);
    if let Err(err) = admin.integration(&id).await {
        return error(&session, &err);
    }
    render(&admin, &session, &id, None).await
}

/// `POST /console/integrations/{id}/associations/{kind}`: `platform_code` with `erp_code`
/// adds or changes one association; `remove` set to a platform code removes it.
pub(super) async fn change(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    change: Change,
) -> Response {
    let session = change.session.clone();
    let admin = state.ponte.admin(&session.actor);
    let kind = match kind.parse::<AssociationKind>() {
        Ok(kind) => kind,
        // The service's answer for an unknown kind.
        Err(_) => {
            return match admin.associations(&id, &kind).await {
                Err(err) => error(&session, &err),
                Ok(_) => Redirect::to(&format!("/console/integrations/{id}/associations"))
                    .into_response(),
            };
        }
    };
    let mut form = match section(&admin, &id, kind).await {
        Ok(section) => section,
        Err(err) => return error(&session, &err),
    };
    let mut list: Vec<Association> = match admin.associations(&id, kind.as_str()).await {
        Ok(list) => list,
        Err(err) => return error(&session, &err),
    };
    let text = Text::PT_BR;
    let removing = change.field("remove").to_owned();
    if removing.is_empty() {
        form.platform_code = change.field("platform_code").to_owned();
        form.erp_code = change.field("erp_code").to_owned();
        if form.platform_code.is_empty() {
            form.errors
                .insert("platform_code", text.get("associations.required").into());
        }
        let option = form
            .options
            .as_ref()
            .and_then(|options| options.iter().find(|o| o.code == form.erp_code));
        if form.erp_code.is_empty() {
            form.errors
                .insert("erp_code", text.get("associations.required").into());
        } else if form.options.is_some() && option.is_none() {
            form.errors
                .insert("erp_code", text.get("associations.not_in_list").into());
        }
        if !form.errors.is_empty() {
            return render(&admin, &session, &id, Some(form)).await;
        }
        let label = option.map(|o| o.name.clone()).unwrap_or_default();
        let association = Association {
            platform_code: form.platform_code.clone(),
            erp_code: form.erp_code.clone(),
            label,
        };
        match list
            .iter_mut()
            .find(|a| a.platform_code == association.platform_code)
        {
            Some(existing) => *existing = association,
            None => list.push(association),
        }
    } else {
        let before = list.len();
        list.retain(|a| a.platform_code != removing);
        if list.len() == before {
            form.errors
                .insert("form", text.get("associations.no_such").into());
            return render(&admin, &session, &id, Some(form)).await;
        }
    }
    match admin.set_associations(&id, kind.as_str(), list).await {
        Ok(_) => Redirect::to(&format!(
            "/console/integrations/{id}/associations#kind-{}",
            kind.as_str()
        ))
        .into_response(),
        Err(err) if !err.errors.is_empty() => {
            // The service's own checks (an empty code...): beside the field they name.
            for problem in &err.errors {
                let field = if problem.path.ends_with("erp_code") {
                    "erp_code"
                } else if problem.path.ends_with("platform_code") {
                    "platform_code"
                } else {
                    "form"
                };
                form.errors
                    .insert(field, format!("{} ({})", problem.expected, problem.got));
            }
            render(&admin, &session, &id, Some(form)).await
        }
        Err(err) => error(&session, &err),
    }
}
