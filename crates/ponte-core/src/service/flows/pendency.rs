//! Internal pendency (SPEC §5.4): the texts `get_internal_pendency_messages` answers, judged by
//! the integration's `pendency_rules`. A rule is a keyword (the message contains it) or a
//! regular expression (it matches somewhere in the message); both ignore case and accents, so
//! `"debito"` matches "Débito em aberto". Each rule has a label, which a match reports.

use ponte_catalog::FunctionId;
use regex::Regex;
use serde::Serialize;
use serde_json::{Value, json};

use crate::model::{PendencyMatch, PendencyRule};
use crate::service::{CallError, Caller, ErrorCode, Ponte};

/// The verdict on a customer's pendency messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pendency {
    /// At least one message matched a rule.
    pub has_pendency: bool,
    /// Each message with each rule it matched, in the order of the messages, then the rules.
    pub matches: Vec<PendencyFound>,
    /// Every message the ERP answered, as answered.
    pub messages: Vec<String>,
}

/// One message that matched one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendencyFound {
    /// The message, as the ERP answered it.
    pub message: String,
    /// The rule's label.
    pub rule: String,
}

impl Ponte {
    /// Asks the ERP for the customer's pendency messages and judges them by the rules.
    pub async fn pendency(&self, caller: &Caller, document: &str) -> Result<Pendency, CallError> {
        let served = &caller.0;
        let rules = Rules::compile(&served.integration.settings.pendency_rules)?;
        let output = self
            .flow_call(
                served,
                FunctionId::GetInternalPendencyMessages,
                json!({ "customer_document_number": document }),
            )
            .await?;
        let messages: Vec<String> = match output {
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => text,
                    other => other.to_string(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(rules.judge(messages))
    }
}

/// Checks that every rule compiles, as a start or a settings change does before anything is
/// stored: the problem names the rule by its label.
///
/// # Errors
/// The first rule whose regular expression does not compile.
pub fn check_pendency_rules(rules: &[PendencyRule]) -> Result<(), String> {
    Rules::compile(rules)
        .map(drop)
        .map_err(|error| error.detail)
}

/// The rules, ready to match folded text.
struct Rules(Vec<(String, Matcher)>);

enum Matcher {
    Keyword(String),
    Regex(Regex),
}

impl Rules {
    fn compile(rules: &[PendencyRule]) -> Result<Rules, CallError> {
        rules
            .iter()
            .map(|rule| {
                let matcher = match rule.kind {
                    PendencyMatch::Keyword => Matcher::Keyword(fold(&rule.pattern)),
                    // Only accents are taken off the pattern: lowering it would change escapes
                    // such as `\D`; `(?i)` makes it ignore case instead.
                    PendencyMatch::Regex => {
                        Regex::new(&format!("(?i){}", strip_accents(&rule.pattern)))
                            .map(Matcher::Regex)
                            .map_err(|_| {
                                CallError::new(
                                    ErrorCode::PendencyRulesInvalid,
                                    format!(
                                        "The pendency rule `{}` is not a valid regular \
                                         expression.",
                                        rule.label
                                    ),
                                )
                            })?
                    }
                };
                Ok((rule.label.clone(), matcher))
            })
            .collect::<Result<_, _>>()
            .map(Rules)
    }

    fn judge(&self, messages: Vec<String>) -> Pendency {
        let mut matches = Vec::new();
        for message in &messages {
            let folded = fold(message);
            for (label, matcher) in &self.0 {
                let hit = match matcher {
                    Matcher::Keyword(keyword) => !keyword.is_empty() && folded.contains(keyword),
                    Matcher::Regex(regex) => regex.is_match(&folded),
                };
                if hit {
                    matches.push(PendencyFound {
                        message: message.clone(),
                        rule: label.clone(),
                    });
                }
            }
        }
        Pendency {
            has_pendency: !matches.is_empty(),
            matches,
            messages,
        }
    }
}

/// Lower case, without accents: the form both sides of a keyword are compared in.
fn fold(text: &str) -> String {
    strip_accents(text).to_lowercase()
}

/// The text with the accents of Portuguese (and the other Latin-1 letters) taken off.
fn strip_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'Á' | 'À' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ý' | 'ÿ' => 'y',
            'Ý' => 'Y',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(label: &str, kind: PendencyMatch, pattern: &str) -> PendencyRule {
        PendencyRule {
            label: label.into(),
            kind,
            pattern: pattern.into(),
        }
    }

    #[test]
    fn keywords_and_regexes_ignore_case_and_accents() {
        let rules = Rules::compile(&[
            rule("débito", PendencyMatch::Keyword, "DEBITO"),
            rule(
                "atraso",
                PendencyMatch::Regex,
                r"atras[oa]\s+de\s+\d+\s+dias",
            ),
        ])
        .unwrap();
        let verdict = rules.judge(vec![
            "Cliente com Débito em aberto".into(),
            "Fatura em ATRASO de 45 dias".into(),
            "Tudo em dia".into(),
        ]);
        assert!(verdict.has_pendency);
        assert_eq!(
            verdict.matches,
            vec![
                PendencyFound {
                    message: "Cliente com Débito em aberto".into(),
                    rule: "débito".into()
                },
                PendencyFound {
                    message: "Fatura em ATRASO de 45 dias".into(),
                    rule: "atraso".into()
                },
            ]
        );
        assert_eq!(verdict.messages.len(), 3);
        // An accented regular expression matches the text without accents, and `\D` keeps
        // its meaning.
        let rules = Rules::compile(&[rule("x", PendencyMatch::Regex, r"^n\D+ção$")]).unwrap();
        assert!(rules.judge(vec!["NEGOCIACAO".into()]).has_pendency);
    }

    #[test]
    fn no_rules_or_no_messages_is_no_pendency_and_a_bad_regex_is_refused() {
        let none = Rules::compile(&[]).unwrap().judge(vec!["débito".into()]);
        assert!(!none.has_pendency);
        let empty = Rules::compile(&[rule("k", PendencyMatch::Keyword, "")])
            .unwrap()
            .judge(vec!["x".into()]);
        assert!(!empty.has_pendency);
        let Err(error) = Rules::compile(&[rule("broken", PendencyMatch::Regex, "(")]) else {
            panic!("an unclosed group compiled");
        };
        assert_eq!(error.code, ErrorCode::PendencyRulesInvalid);
        assert!(error.detail.contains("broken"));
    }
}
