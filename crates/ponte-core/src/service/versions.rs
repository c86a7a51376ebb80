//! Automations per function with versions (SPEC §6.1): the 21 functions of an integration with
//! their binding, publishing a new version (checked as `ponte check` checks it, refused with
//! its diagnostics), binding a function to a version, the latest one or the preset, rolling
//! back, and the preset's automation as a starting point.
//!
//! A function bound by the configuration file is `managed_by_file`: the next start or reload
//! would undo a change made here, so none is made.

pub use ponte_automation::Diagnostic;
use ponte_catalog::{FunctionId, FunctionSpec};
use serde_json::json;

use super::admin::Admin;
use super::{CallError, ErrorCode, ServingAutomation, internal};
use crate::model::{AutomationRef, AutomationVersion, Integration};

/// One catalog function of an integration.
#[derive(Debug, Clone)]
pub struct FunctionState {
    /// The function.
    pub spec: &'static FunctionSpec,
    /// What it is bound to, if anything.
    pub binding: Option<AutomationRef>,
    /// What this process serves it with, resolved.
    pub serving: Option<ServingAutomation>,
    /// Bound by the configuration file: not changeable here.
    pub managed_by_file: bool,
    /// How many versions are stored.
    pub versions: usize,
}

/// What a binding should become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingChoice {
    /// A stored version.
    Version(u32),
    /// The newest stored version, whatever it is when called.
    Latest,
    /// The integration's preset's automation.
    Preset,
}

/// Why a version was not published.
#[derive(Debug)]
pub enum PublishError {
    /// The source has problems; nothing was stored.
    Invalid(Vec<Diagnostic>),
    /// Anything else (unknown integration or function, managed by the file, a viewer...).
    Call(CallError),
}

impl From<CallError> for PublishError {
    fn from(error: CallError) -> Self {
        PublishError::Call(error)
    }
}

/// A version just stored, and whether it now serves the function.
#[derive(Debug, Clone)]
pub struct Published {
    /// The stored version.
    pub version: AutomationVersion,
    /// The binding after publishing.
    pub binding: Option<AutomationRef>,
}

fn spec_of(function: &str) -> Result<&'static FunctionSpec, CallError> {
    ponte_catalog::function(function).ok_or_else(|| {
        CallError::new(
            ErrorCode::NotFound,
            format!("The catalog has no function `{function}`."),
        )
    })
}

/// Refuses a change to a function the configuration file binds, or of an integration the file
/// declares: the next start or reload would undo it.
fn managed(
    ponte: &super::Ponte,
    integration: &Integration,
    function: FunctionId,
) -> Result<(), CallError> {
    match integration.bindings.get(function.as_str()) {
        Some(AutomationRef::File { path, .. }) => Err(CallError::new(
            ErrorCode::ManagedByFile,
            format!(
                "`{function}` of integration `{}` is served by `{path}`, named in the \
                 configuration file; change the file, or the next start would undo this change.",
                integration.id
            ),
        )),
        _ if ponte.declared_by_file(&integration.id) => {
            Err(super::configure::declared_by_file(&integration.id))
        }
        _ => Ok(()),
    }
}

/// Checks a source as `ponte check` does, and that it serves `function`.
pub fn check_source(function: FunctionId, source: &str) -> Result<(), Vec<Diagnostic>> {
    let name = format!("{function}.yaml");
    let compiled = ponte_automation::compile(&name, source)?;
    if compiled.function().id == function {
        return Ok(());
    }
    let line = source
        .lines()
        .position(|line| line.trim_start().starts_with("function:"))
        .map_or(1, |index| index + 1);
    Err(vec![Diagnostic {
        code: ponte_automation::Code::UnknownFunction,
        message: format!(
            "this automation serves `{}`, not `{function}`",
            compiled.function().id
        ),
        file: name,
        line,
        column: 1,
        snippet: source.lines().nth(line - 1).unwrap_or_default().to_owned(),
        hint: Some(format!("write `function: {function}`")),
        used_at: None,
    }])
}

impl Admin<'_> {
    /// The catalog's functions for an integration, in the catalog's order.
    pub async fn functions(&self, integration: &str) -> Result<Vec<FunctionState>, CallError> {
        let view = self.integration(integration).await?;
        let mut states = Vec::new();
        for spec in ponte_catalog::catalog() {
            let name = spec.id.as_str();
            let binding = view.integration.bindings.get(name).cloned();
            let versions = self
                .ponte
                .store
                .list_automation_versions(&view.integration.id, name)
                .await
                .map_err(|err| internal("version listing", &err))?
                .len();
            states.push(FunctionState {
                spec,
                managed_by_file: matches!(binding, Some(AutomationRef::File { .. }))
                    || self.ponte.declared_by_file(&view.integration.id),
                binding,
                serving: view.serving.get(name).cloned(),
                versions,
            });
        }
        Ok(states)
    }

    /// The stored versions of a function's automation, oldest first.
    pub async fn versions(
        &self,
        integration: &str,
        function: &str,
    ) -> Result<Vec<AutomationVersion>, CallError> {
        let spec = spec_of(function)?;
        let id = self.find_integration(integration).await?.id;
        self.ponte
            .store
            .list_automation_versions(&id, spec.id.as_str())
            .await
            .map_err(|err| internal("version listing", &err))
    }

    /// Stores `source` as the next version when it has no problems, and binds the function to
    /// it unless `publish` is false. With problems, nothing is stored.
    pub async fn publish_version(
        &self,
        integration: &str,
        function: &str,
        source: &str,
        publish: bool,
    ) -> Result<Published, PublishError> {
        self.require_change()?;
        let spec = spec_of(function)?;
        let integration = self.find_integration(integration).await?;
        managed(self.ponte, &integration, spec.id)?;
        check_source(spec.id, source).map_err(PublishError::Invalid)?;
        let id = &integration.id;
        let version = self
            .ponte
            .store
            .add_automation_version(id, spec.id.as_str(), source)
            .await
            .map_err(|err| internal("version creation", &err))?;
        let before = integration.bindings.get(spec.id.as_str()).cloned();
        let binding = if publish {
            let bound = AutomationRef::Version {
                version: version.version,
            };
            self.bind(&integration, spec.id, Some(&bound)).await?;
            Some(bound)
        } else {
            self.ponte.refresh().await?;
            before.clone()
        };
        self.audit(
            "version.publish",
            &format!("integration:{id}/function:{}", spec.id),
            before.map(|b| json!({"binding": b})),
            Some(json!({
                "version": version.version,
                "sha256": version.sha256,
                "binding": binding,
            })),
        )
        .await;
        tracing::info!(
            integration = id.as_str(),
            function = spec.id.as_str(),
            version = version.version,
            published = publish,
            "an automation version was stored"
        );
        Ok(Published { version, binding })
    }

    /// Binds a function to a stored version, to the latest one or to the preset.
    pub async fn set_binding(
        &self,
        integration: &str,
        function: &str,
        choice: BindingChoice,
    ) -> Result<AutomationRef, CallError> {
        self.require_change()?;
        let spec = spec_of(function)?;
        let integration = self.find_integration(integration).await?;
        managed(self.ponte, &integration, spec.id)?;
        let bound = self.resolve_choice(&integration, spec.id, &choice).await?;
        let before = integration.bindings.get(spec.id.as_str()).cloned();
        self.bind(&integration, spec.id, Some(&bound)).await?;
        self.audit(
            "binding.set",
            &format!("integration:{}/function:{}", integration.id, spec.id),
            before.map(|b| json!({"binding": b})),
            Some(json!({"binding": bound})),
        )
        .await;
        Ok(bound)
    }

    /// Binds a function to the version before the one serving it.
    pub async fn rollback(
        &self,
        integration: &str,
        function: &str,
    ) -> Result<AutomationRef, CallError> {
        self.require_change()?;
        let spec = spec_of(function)?;
        let integration = self.find_integration(integration).await?;
        managed(self.ponte, &integration, spec.id)?;
        let id = &integration.id;
        let before = integration.bindings.get(spec.id.as_str()).cloned();
        let current = match &before {
            Some(AutomationRef::Version { version }) => Some(*version),
            Some(AutomationRef::Latest) => self
                .ponte
                .store
                .latest_automation_version(id, spec.id.as_str())
                .await
                .map_err(|err| internal("version read", &err))?
                .map(|v| v.version),
            _ => None,
        };
        let Some(previous) = current.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0) else {
            return Err(CallError::new(
                ErrorCode::NotFound,
                format!(
                    "`{}` of integration `{id}` is not served by a stored version with an \
                     earlier one to roll back to.",
                    spec.id
                ),
            ));
        };
        let bound = AutomationRef::Version { version: previous };
        self.bind(&integration, spec.id, Some(&bound)).await?;
        self.audit(
            "binding.rollback",
            &format!("integration:{id}/function:{}", spec.id),
            before.map(|b| json!({"binding": b})),
            Some(json!({"binding": bound})),
        )
        .await;
        Ok(bound)
    }

    /// The automation the integration's preset ships for a function: where an integrator
    /// starts a version of their own.
    pub async fn preset_source(
        &self,
        integration: &str,
        function: &str,
    ) -> Result<(String, String), CallError> {
        let spec = spec_of(function)?;
        let integration = self.find_integration(integration).await?;
        let preset = integration.preset.as_deref().unwrap_or_default();
        self.ponte
            .presets
            .automation(preset, spec.id)
            .map(|(_, source)| (preset.to_owned(), source))
            .ok_or_else(|| {
                CallError::new(
                    ErrorCode::NotFound,
                    format!(
                        "Integration `{}` has no preset automation for `{}`.",
                        integration.id, spec.id
                    ),
                )
            })
    }

    async fn resolve_choice(
        &self,
        integration: &Integration,
        function: FunctionId,
        choice: &BindingChoice,
    ) -> Result<AutomationRef, CallError> {
        let refuse = |detail: String| {
            CallError::from_input_errors(ponte_catalog::InputErrors(vec![
                ponte_catalog::InputError {
                    path: "/binding".to_owned(),
                    code: ponte_catalog::InputErrorCode::InvalidValue,
                    expected: "a stored version, \"latest\" or \"preset\"".to_owned(),
                    got: detail,
                },
            ]))
        };
        let versions = self
            .ponte
            .store
            .list_automation_versions(&integration.id, function.as_str())
            .await
            .map_err(|err| internal("version listing", &err))?;
        match choice {
            BindingChoice::Version(n) if versions.iter().any(|v| v.version == *n) => {
                Ok(AutomationRef::Version { version: *n })
            }
            BindingChoice::Version(n) => Err(refuse(format!("version {n} is not stored"))),
            BindingChoice::Latest if !versions.is_empty() => Ok(AutomationRef::Latest),
            BindingChoice::Latest => Err(refuse("no version is stored".to_owned())),
            BindingChoice::Preset => {
                let preset = integration.preset.clone().unwrap_or_default();
                if self.ponte.presets.automation(&preset, function).is_some() {
                    Ok(AutomationRef::Preset { preset })
                } else {
                    Err(refuse(
                        "the integration's preset does not serve it".to_owned(),
                    ))
                }
            }
        }
    }

    async fn bind(
        &self,
        integration: &Integration,
        function: FunctionId,
        bound: Option<&AutomationRef>,
    ) -> Result<(), CallError> {
        self.ponte
            .store
            .set_binding(&integration.id, function.as_str(), bound)
            .await
            .map_err(|err| internal("binding update", &err))?;
        self.ponte.refresh().await
    }
}
