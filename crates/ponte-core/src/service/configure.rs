//! The operator's changes to integrations (SPEC §6.1): create (empty or from a preset, every
//! function the preset serves bound to it), edit (name, active, settings, variables), delete,
//! and secrets, which are write-only.
//!
//! Every input is checked before anything is written, so a refused change changes nothing;
//! settings go through the same strict reading and the same pendency-rule check as the
//! configuration file's. Each change reloads this process's snapshot before it answers and is
//! recorded in the audit log: the integration before and after, secrets by name only.

use std::collections::BTreeMap;

use ponte_catalog::{FunctionId, InputError, InputErrorCode, InputErrors};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::admin::{Admin, IntegrationView};
use super::{CallError, ErrorCode, check_pendency_rules, internal};
use crate::model::{
    AutomationRef, Integration, IntegrationId, IntegrationSettings, validate_secret_name,
};
use crate::store::StoreError;

/// A new integration.
#[derive(Debug, Default)]
pub struct NewIntegration {
    /// Its identifier.
    pub id: String,
    /// Its human name.
    pub name: String,
    /// A preset to bind every function it serves to.
    pub preset: Option<String>,
    /// Active unless `Some(false)`.
    pub active: Option<bool>,
    /// Settings (SPEC §3); defaults for what is absent.
    pub settings: Option<Value>,
    /// Plain variables.
    pub variables: BTreeMap<String, String>,
    /// Secrets by name; only their names are ever shown again.
    pub secrets: BTreeMap<String, SecretString>,
}

/// A change to an integration; what is `None` stays as it is.
#[derive(Debug, Default)]
pub struct IntegrationPatch {
    /// A new name.
    pub name: Option<String>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// A JSON merge patch (RFC 7396) of the settings: the fields given replace the current
    /// ones, `null` restores a field's default.
    pub settings: Option<Value>,
    /// Variables to set; `None` as a value removes the variable.
    pub variables: BTreeMap<String, Option<String>>,
}

fn field(path: &str, code: InputErrorCode, expected: &str, got: &str) -> InputError {
    InputError {
        path: path.to_owned(),
        code,
        expected: expected.to_owned(),
        got: got.to_owned(),
    }
}

fn refuse(errors: Vec<InputError>) -> Result<(), CallError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CallError::from_input_errors(InputErrors(errors)))
    }
}

/// RFC 7396: `patch`'s fields replace `target`'s, `null` removes, objects merge.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(fields) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(current) = target {
        for (key, value) in fields {
            if value.is_null() {
                current.remove(key);
            } else {
                merge_patch(current.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Reads settings as the configuration file's are read: unknown fields refused, then the
/// pendency rules compiled. Problems name the field under `/settings`.
fn read_settings(value: Value, errors: &mut Vec<InputError>) -> Option<IntegrationSettings> {
    let settings: IntegrationSettings = match serde_path_to_error::deserialize(value) {
        Ok(settings) => settings,
        Err(error) => {
            let mut path = String::new();
            for segment in error.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push('/');
                        path.push_str(&index.to_string());
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        path.push('/');
                        path.push_str(key);
                    }
                    serde_path_to_error::Segment::Enum { variant } => {
                        path.push('/');
                        path.push_str(variant);
                    }
                    serde_path_to_error::Segment::Unknown => {}
                }
            }
            errors.push(field(
                &format!("/settings{path}"),
                InputErrorCode::InvalidValue,
                "the settings of SPEC §3",
                &error.inner().to_string(),
            ));
            return None;
        }
    };
    if let Err(problem) = check_pendency_rules(&settings.pendency_rules) {
        errors.push(field(
            "/settings/pendency_rules",
            InputErrorCode::InvalidValue,
            "rules whose patterns compile",
            &problem,
        ));
        return None;
    }
    Some(settings)
}

fn check_name(name: &str, errors: &mut Vec<InputError>) {
    if name.trim().is_empty() {
        errors.push(field("/name", InputErrorCode::Empty, "a name", "\"\""));
    }
}

/// An integration as the audit log records it (it holds no secret; secrets go by name).
fn integration_json(integration: &Integration, secret_names: &[String]) -> Value {
    let mut shown = serde_json::to_value(integration).unwrap_or(Value::Null);
    shown["secrets"] = json!(secret_names);
    shown
}

impl Admin<'_> {
    /// Creates an integration. With a preset, every function the preset serves is bound to
    /// it. `invalid_input` names each field at fault; nothing is written then.
    pub async fn create_integration(
        &self,
        new: NewIntegration,
    ) -> Result<IntegrationView, CallError> {
        self.require_change()?;
        let mut errors = Vec::new();
        let id = IntegrationId::parse(&new.id)
            .map_err(|err| {
                errors.push(field(
                    "/id",
                    InputErrorCode::InvalidValue,
                    "1–64 lower-case letters, digits, `-` and `_`",
                    &err.to_string(),
                ));
            })
            .ok();
        check_name(&new.name, &mut errors);
        let settings = read_settings(new.settings.unwrap_or_else(|| json!({})), &mut errors);
        let mut bindings = BTreeMap::new();
        if let Some(preset) = &new.preset {
            for function in FunctionId::ALL {
                if self.ponte.presets.automation(preset, function).is_some() {
                    bindings.insert(
                        function.as_str().to_owned(),
                        AutomationRef::Preset {
                            preset: preset.clone(),
                        },
                    );
                }
            }
            if bindings.is_empty() {
                errors.push(field(
                    "/preset",
                    InputErrorCode::InvalidValue,
                    "a preset of GET /admin/v1/presets",
                    preset,
                ));
            }
        }
        for (name, value) in &new.secrets {
            if let Err(err) = validate_secret_name(name) {
                errors.push(field(
                    &format!("/secrets/{name}"),
                    InputErrorCode::InvalidValue,
                    "a secret name",
                    &err.to_string(),
                ));
            } else if secrecy::ExposeSecret::expose_secret(value).is_empty() {
                errors.push(field(
                    &format!("/secrets/{name}"),
                    InputErrorCode::InvalidValue,
                    "a value that is not empty",
                    "an empty value",
                ));
            }
        }
        refuse(errors)?;
        let (Some(id), Some(settings)) = (id, settings) else {
            return Err(CallError::internal());
        };
        let integration = Integration {
            id: id.clone(),
            name: new.name,
            preset: new.preset,
            active: new.active.unwrap_or(true),
            settings,
            variables: new.variables,
            bindings,
        };
        match self.ponte.store.create_integration(&integration).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(CallError::from_input_errors(InputErrors(vec![field(
                    "/id",
                    InputErrorCode::InvalidValue,
                    "an id no integration has",
                    id.as_str(),
                )])));
            }
            Err(err) => return Err(internal("integration creation", &err)),
        }
        for (name, value) in &new.secrets {
            self.ponte
                .store
                .set_secret(&id, name, value)
                .await
                .map_err(|err| internal("secret update", &err))?;
        }
        self.ponte.refresh().await?;
        let names: Vec<String> = new.secrets.keys().cloned().collect();
        self.audit(
            "integration.create",
            &format!("integration:{id}"),
            None,
            Some(integration_json(&integration, &names)),
        )
        .await;
        tracing::info!(integration = id.as_str(), "an integration was created");
        self.integration(id.as_str()).await
    }

    /// Changes an integration's name, state, settings or variables. A refused change changes
    /// nothing.
    pub async fn update_integration(
        &self,
        id: &str,
        patch: IntegrationPatch,
    ) -> Result<IntegrationView, CallError> {
        self.require_change()?;
        let before = self.find_integration(id).await?;
        if self.ponte.declared_by_file(&before.id) {
            return Err(declared_by_file(&before.id));
        }
        let mut after = before.clone();
        let mut errors = Vec::new();
        if let Some(name) = patch.name {
            check_name(&name, &mut errors);
            after.name = name;
        }
        if let Some(active) = patch.active {
            after.active = active;
        }
        if let Some(changes) = &patch.settings {
            if changes.is_object() {
                let mut merged = serde_json::to_value(&before.settings).unwrap_or(Value::Null);
                merge_patch(&mut merged, changes);
                if let Some(settings) = read_settings(merged, &mut errors) {
                    after.settings = settings;
                }
            } else {
                errors.push(field(
                    "/settings",
                    InputErrorCode::WrongType,
                    "an object",
                    &changes.to_string(),
                ));
            }
        }
        for (name, value) in patch.variables {
            match value {
                Some(value) => after.variables.insert(name, value),
                None => after.variables.remove(&name),
            };
        }
        refuse(errors)?;
        match self.ponte.store.update_integration(&after).await {
            Ok(()) => {}
            Err(StoreError::NotFound(_)) => {
                return Err(CallError::new(
                    ErrorCode::NotFound,
                    format!("No integration `{id}`."),
                ));
            }
            Err(err) => return Err(internal("integration update", &err)),
        }
        self.ponte.refresh().await?;
        let action = if before.active != after.active && {
            let mut same = after.clone();
            same.active = before.active;
            same == before
        } {
            if after.active {
                "integration.activate"
            } else {
                "integration.deactivate"
            }
        } else {
            "integration.update"
        };
        let names = self.secret_names(&after.id).await?;
        self.audit(
            action,
            &format!("integration:{}", after.id),
            Some(integration_json(&before, &names)),
            Some(integration_json(&after, &names)),
        )
        .await;
        tracing::info!(
            integration = after.id.as_str(),
            action,
            "an integration was changed"
        );
        self.integration(after.id.as_str()).await
    }

    /// Deletes an integration with everything it owns (secrets, keys, versions, records).
    pub async fn delete_integration(&self, id: &str) -> Result<(), CallError> {
        self.require_change()?;
        let before = self.find_integration(id).await?;
        if self.ponte.declared_by_file(&before.id) {
            return Err(declared_by_file(&before.id));
        }
        let names = self.secret_names(&before.id).await?;
        match self.ponte.store.delete_integration(&before.id).await {
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(err) => return Err(internal("integration deletion", &err)),
        }
        self.ponte.refresh().await?;
        self.audit(
            "integration.delete",
            &format!("integration:{}", before.id),
            Some(integration_json(&before, &names)),
            None,
        )
        .await;
        tracing::info!(
            integration = before.id.as_str(),
            "an integration was deleted"
        );
        Ok(())
    }

    /// The names of an integration's secrets, sorted.
    pub async fn secret_names_of(&self, integration: &str) -> Result<Vec<String>, CallError> {
        let id = self.find_integration(integration).await?.id;
        self.secret_names(&id).await
    }

    async fn secret_names(&self, id: &IntegrationId) -> Result<Vec<String>, CallError> {
        self.ponte
            .store
            .list_secret_names(id)
            .await
            .map_err(|err| internal("secret listing", &err))
    }

    /// Sets (or rotates) a secret. Answers whether it replaced one. The value is never shown,
    /// logged or audited.
    pub async fn set_secret(
        &self,
        integration: &str,
        name: &str,
        value: &SecretString,
    ) -> Result<bool, CallError> {
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        validate_secret_name(name).map_err(|err| {
            CallError::from_input_errors(InputErrors(vec![field(
                "/name",
                InputErrorCode::InvalidValue,
                "a secret name",
                &err.to_string(),
            )]))
        })?;
        if secrecy::ExposeSecret::expose_secret(value).is_empty() {
            return Err(CallError::from_input_errors(InputErrors(vec![field(
                "/value",
                InputErrorCode::Empty,
                "the secret's value",
                "\"\"",
            )])));
        }
        let existed = self.secret_names(&id).await?.iter().any(|n| n == name);
        self.ponte
            .store
            .set_secret(&id, name, value)
            .await
            .map_err(|err| internal("secret update", &err))?;
        self.ponte.refresh().await?;
        let action = if existed {
            "secret.rotate"
        } else {
            "secret.set"
        };
        self.audit(
            action,
            &format!("integration:{id}/secret:{name}"),
            existed.then(|| json!({"name": name})),
            Some(json!({"name": name})),
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            secret = name,
            action,
            "a secret was set"
        );
        Ok(existed)
    }

    /// Deletes a secret; `not_found` when there is none by that name.
    pub async fn delete_secret(&self, integration: &str, name: &str) -> Result<(), CallError> {
        self.require_change()?;
        let id = self.find_integration(integration).await?.id;
        match self.ponte.store.delete_secret(&id, name).await {
            Ok(()) => {}
            Err(StoreError::NotFound(_) | StoreError::InvalidName(_)) => {
                return Err(CallError::new(
                    ErrorCode::NotFound,
                    format!("Integration `{id}` has no secret `{name}`."),
                ));
            }
            Err(err) => return Err(internal("secret deletion", &err)),
        }
        self.ponte.refresh().await?;
        self.audit(
            "secret.delete",
            &format!("integration:{id}/secret:{name}"),
            Some(json!({"name": name})),
            None,
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            secret = name,
            "a secret was deleted"
        );
        Ok(())
    }
}

/// The refusal of a change to an integration the configuration file declares.
pub(super) fn declared_by_file(id: &IntegrationId) -> CallError {
    CallError::new(
        ErrorCode::ManagedByFile,
        format!(
            "Integration `{id}` is declared in the configuration file, which the next start or \
             reload applies again; change it there."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_patch_replaces_merges_and_removes() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut target, &json!({"a": null, "b": {"c": 5}, "e": [1]}));
        assert_eq!(target, json!({"b": {"c": 5, "d": 3}, "e": [1]}));
    }
}
