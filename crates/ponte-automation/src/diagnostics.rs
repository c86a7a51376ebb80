//! Diagnostics of `ponte check`: a stable code, a position, the offending line and a hint.

use serde::Serialize;

/// Stable diagnostic codes. Tools may rely on them; messages may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The file is not valid YAML.
    YamlSyntax,
    /// A field is unknown, missing or of the wrong type.
    Schema,
    /// The `function` is not in the catalog.
    UnknownFunction,
    /// Two steps share an id, or an id is not a valid name.
    InvalidStepId,
    /// A step has none, or more than one, of `request`, `set`, `return`, `fail`.
    StepKind,
    /// A template does not parse.
    TemplateSyntax,
    /// A template uses a filter that does not exist.
    UnknownFilter,
    /// A jq program does not compile.
    JqSyntax,
    /// A reference to an input the function does not take.
    UnknownInput,
    /// A reference to an undeclared variable or secret, or to `item` outside a loop.
    UnknownVariable,
    /// A reference to a step that does not exist.
    UnknownStep,
    /// A reference to a step that has not run yet at that point.
    StepOrder,
    /// A `for_each` without `max_items`.
    UnboundedLoop,
    /// A pagination without `max_pages`, or missing what its style needs.
    Pagination,
    /// A required output field is never set.
    OutputFieldMissing,
    /// The output mapping writes a key the function's output does not have.
    OutputFieldUnknown,
    /// Neither an `output` mapping nor a `return` step produces the output.
    MissingOutput,
    /// A setting is out of range or contradicts another.
    InvalidSetting,
    /// Secrets may only be used in templates, never in jq or in the output.
    SecretInJq,
    /// A `use` names shared steps that do not exist (or that use themselves).
    UnknownShared,
    /// The shared steps a `use` names have problems (reported in the shared file).
    SharedSteps,
    /// Two automations of one folder serve the same function.
    DuplicateFunction,
}

impl Code {
    /// The code as written in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::YamlSyntax => "yaml_syntax",
            Self::Schema => "schema",
            Self::UnknownFunction => "unknown_function",
            Self::InvalidStepId => "invalid_step_id",
            Self::StepKind => "step_kind",
            Self::TemplateSyntax => "template_syntax",
            Self::UnknownFilter => "unknown_filter",
            Self::JqSyntax => "jq_syntax",
            Self::UnknownInput => "unknown_input",
            Self::UnknownVariable => "unknown_variable",
            Self::UnknownStep => "unknown_step",
            Self::StepOrder => "step_order",
            Self::UnboundedLoop => "unbounded_loop",
            Self::Pagination => "pagination",
            Self::OutputFieldMissing => "output_field_missing",
            Self::OutputFieldUnknown => "output_field_unknown",
            Self::MissingOutput => "missing_output",
            Self::InvalidSetting => "invalid_setting",
            Self::SecretInJq => "secret_in_jq",
            Self::UnknownShared => "unknown_shared",
            Self::SharedSteps => "shared_steps",
            Self::DuplicateFunction => "duplicate_function",
        }
    }
}

/// One problem found in an automation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// The file, as given to the checker.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The source line the problem is on.
    pub snippet: String,
    /// How to fix it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// For a problem in shared steps: the use it was found through (`file:line:column`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_at: Option<String>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "error[{}]: {}\n  --> {}:{}:{}",
            self.code.as_str(),
            self.message,
            self.file,
            self.line,
            self.column
        )?;
        if !self.snippet.is_empty() {
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {}", self.line, self.snippet)?;
            writeln!(
                f,
                "{:gutter$} | {}^",
                "",
                " ".repeat(self.column.saturating_sub(1))
            )?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        if let Some(used_at) = &self.used_at {
            writeln!(f, "  = note: in shared steps used at {used_at}")?;
        }
        Ok(())
    }
}

/// The closest candidate to `name`, when one is close enough to be a likely typo.
#[must_use]
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}
