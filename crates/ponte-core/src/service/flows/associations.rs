//! The operator's side of catalogs and associations (SPEC §5.5): clearing an integration's
//! catalog cache, and reading or replacing its associations of one kind.
//!
//! Associations are configuration: the store moves the configuration version with them, so
//! every process reloads its snapshot and automations read the new set as
//! `settings.associations.<kind>`; this process reloads before it answers.

use crate::model::{Association, AssociationKind};
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
