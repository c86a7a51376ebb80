//! The operator's side of catalogs and associations (SPEC §5.5): clearing an integration's
//! catalog cache, and reading or replacing its associations of one kind.
//!
//! Associations are configuration: the store moves the configuration version with them, so
//! every process reloads its snapshot and automations read the new set as
//! `settings.associations.<kind>`; this process reloads before it answers.

use ponte_catalog::FunctionId;
use serde_json::Value;

use crate::model::{Association, AssociationKind, AssociationOption};
use crate::service::admin::Admin;
use crate::service::{CallError, ErrorCode, internal};

impl Admin<'_> {
    /// Drops the integration's cached catalog lists in this process; answers how many there
    /// were. The next call of each list asks the ERP.
    pub async fn clear_cache(&self, integration: &str) -> Result<usize, CallError> {
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        let cleared = self.ponte.catalogs.clear(&id);
        self.audit(
            "cache.clear",
            &format!("integration:{id}/cache"),
            None,
            Some(serde_json::json!({"cleared": cleared})),
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            cleared,
            "the catalog cache was cleared"
        );
        Ok(cleared)
    }

    /// The integration's associations of `kind`, ordered by platform code.
    pub async fn associations(
        &self,
        integration: &str,
        kind: &str,
    ) -> Result<Vec<Association>, CallError> {
        let kind = parse_kind(kind)?;
        let id = self.find_integration(integration).await?.id;
        let mut all = self
            .ponte
            .store
            .associations(&id)
            .await
            .map_err(|err| internal("association listing", &err))?;
        Ok(all.remove(&kind).unwrap_or_default())
    }

    /// The codes the ERP offers for associations of `kind`: its catalog list (`list_products`,
    /// `list_resellers`, `list_due_dates` or `list_commercial_origins`) as code and name, in
    /// the ERP's order. The list comes from the catalog cache while fresh; otherwise the
    /// function is called as a platform's call would be (which fills the cache).
    ///
    /// An integration whose automations do not serve that list is `function_not_configured`
    /// (the operator then types the ERP's code); an inactive one is `integration_inactive`; a
    /// list whose items lack a code is `erp_invalid_response`.
    pub async fn association_options(
        &self,
        integration: &str,
        kind: &str,
    ) -> Result<Vec<AssociationOption>, CallError> {
        let kind = parse_kind(kind)?;
        let id = self.find_integration(integration).await?.id;
        let served = self.ponte.served(&id).await?.ok_or_else(|| {
            CallError::new(ErrorCode::NotFound, format!("No integration `{id}`."))
        })?;
        let (function, code_field, name_field) = catalog_of(kind);
        if !served.serves(function) {
            return Err(CallError::new(
                ErrorCode::FunctionNotConfigured,
                format!(
                    "Integration `{id}` has no automation for `{function}`, so the ERP's codes of \
                     {kind} cannot be listed; type them."
                ),
            ));
        }
        let output = self
            .ponte
            .flow_call(&served, function, serde_json::json!({}))
            .await?;
        options_of(&output, code_field, name_field).ok_or_else(|| {
            CallError::new(
                ErrorCode::ErpInvalidResponse,
                format!("`{function}` answered items without `{code_field}`."),
            )
        })
    }

    /// Replaces the integration's associations of `kind` with `associations`; answers the new
    /// set. A platform code listed twice, or an empty code, is `invalid_input`.
    pub async fn set_associations(
        &self,
        integration: &str,
        kind: &str,
        associations: Vec<Association>,
    ) -> Result<Vec<Association>, CallError> {
        self.require_change()?;
        let kind = parse_kind(kind)?;
        let id = self.find_integration(integration).await?.id;
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (index, association) in associations.iter().enumerate() {
            for (field, value) in [
                ("platform_code", &association.platform_code),
                ("erp_code", &association.erp_code),
            ] {
                if value.trim().is_empty() {
                    errors.push(ponte_catalog::InputError {
                        path: format!("/{index}/{field}"),
                        code: ponte_catalog::InputErrorCode::Empty,
                        expected: "a code".to_owned(),
                        got: "\"\"".to_owned(),
                    });
                }
            }
            if !seen.insert(association.platform_code.as_str()) {
                errors.push(ponte_catalog::InputError {
                    path: format!("/{index}/platform_code"),
                    code: ponte_catalog::InputErrorCode::InvalidValue,
                    expected: "each platform code once".to_owned(),
                    got: association.platform_code.clone(),
                });
            }
        }
        if !errors.is_empty() {
            return Err(CallError::from_input_errors(ponte_catalog::InputErrors(
                errors,
            )));
        }
        let mut sorted = associations;
        sorted.sort_by(|a, b| a.platform_code.cmp(&b.platform_code));
        let before = self
            .ponte
            .store
            .associations(&id)
            .await
            .map_err(|err| internal("association listing", &err))?
            .remove(&kind)
            .unwrap_or_default();
        self.ponte
            .store
            .set_associations(&id, kind, &sorted)
            .await
            .map_err(|err| internal("association update", &err))?;
        // Automations and order checks read associations from the snapshot.
        self.ponte.refresh().await?;
        self.audit(
            "associations.set",
            &format!("integration:{id}/associations:{}", kind.as_str()),
            Some(associations_json(&before)),
            Some(associations_json(&sorted)),
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            kind = kind.as_str(),
            count = sorted.len(),
            "associations were replaced"
        );
        Ok(sorted)
    }
}

fn associations_json(associations: &[Association]) -> serde_json::Value {
    associations
        .iter()
        .map(|a| {
            serde_json::json!({
                "platform_code": a.platform_code,
                "erp_code": a.erp_code,
                "label": a.label,
            })
        })
        .collect()
}

/// The catalog list of a kind, with the names of its code and name fields.
fn catalog_of(kind: AssociationKind) -> (FunctionId, &'static str, &'static str) {
    match kind {
        AssociationKind::Products => (FunctionId::ListProducts, "codigo", "nome"),
        AssociationKind::Resellers => (FunctionId::ListResellers, "code", "name"),
        AssociationKind::DueDates => (FunctionId::ListDueDates, "code", "name"),
        AssociationKind::Origins => (FunctionId::ListCommercialOrigins, "code", "description"),
    }
}

/// The options in a catalog list's output; `None` when it is not a list of items with a code.
fn options_of(
    output: &Value,
    code_field: &str,
    name_field: &str,
) -> Option<Vec<AssociationOption>> {
    output
        .as_array()?
        .iter()
        .map(|item| {
            let text = |field: &str| match item.get(field)? {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            };
            Some(AssociationOption {
                code: text(code_field)?,
                name: text(name_field).unwrap_or_default(),
            })
        })
        .collect()
}

fn parse_kind(kind: &str) -> Result<AssociationKind, CallError> {
    kind.parse().map_err(|_| {
        CallError::new(
            ErrorCode::NotFound,
            format!(
                "No association kind `{kind}`; the kinds are products, resellers, due_dates and \
                 origins."
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_read_each_lists_code_and_name_and_refuse_items_without_a_code() {
        let products = serde_json::json!([{"codigo": "37", "nome": "Fibra 300 Mega"}]);
        let (_, code, name) = catalog_of(AssociationKind::Products);
        assert_eq!(
            options_of(&products, code, name),
            Some(vec![AssociationOption {
                code: "37".to_owned(),
                name: "Fibra 300 Mega".to_owned()
            }])
        );
        let origins = serde_json::json!([{"code": "2", "description": "Site"}]);
        let (function, code, name) = catalog_of(AssociationKind::Origins);
        assert_eq!(function, FunctionId::ListCommercialOrigins);
        assert_eq!(
            options_of(&origins, code, name).map(|options| options[0].name.clone()),
            Some("Site".to_owned())
        );
        assert_eq!(options_of(&origins, "codigo", "nome"), None);
        assert_eq!(options_of(&serde_json::json!({}), code, name), None);
    }
}
