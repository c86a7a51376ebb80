//! The console's templates: embedded in the binary, compiled once into one MiniJinja
//! environment, with `t(id)` for texts.

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, Value};

use super::text::Text;

/// Every template, by name, as embedded.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("sign_in.html", include_str!("templates/sign_in.html")),
    ("message.html", include_str!("templates/message.html")),
    (
        "integrations.html",
        include_str!("templates/integrations.html"),
    ),
    (
        "integration.html",
        include_str!("templates/integration.html"),
    ),
    ("function.html", include_str!("templates/function.html")),
    ("trace.html", include_str!("templates/trace.html")),
    ("executions.html", include_str!("templates/executions.html")),
    ("execution.html", include_str!("templates/execution.html")),
    ("payments.html", include_str!("templates/payments.html")),
    ("audit.html", include_str!("templates/audit.html")),
    ("create.html", include_str!("templates/create.html")),
    ("edit.html", include_str!("templates/edit.html")),
    (
        "associations.html",
        include_str!("templates/associations.html"),
    ),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(build);

fn build() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    let text = Text::PT_BR;
    env.add_function("t", move |id: &str| text.get(id));
    env.add_filter("pretty", |value: Value| {
        serde_json::to_string_pretty(&value).unwrap_or_default()
    });
    for (name, source) in TEMPLATES {
        // The templates are part of the binary and a test renders each one, so a template
        // that does not compile is caught before release; should it happen anyway, the page
        // answers an error instead of the process stopping.
        if let Err(err) = env.add_template(name, source) {
            tracing::error!(template = name, error = %err, "a console template does not compile");
        }
    }
    env
}

/// Compiles the templates now, so the first page served pays nothing.
pub fn compile_now() {
    LazyLock::force(&ENV);
}

/// Renders a template with its context.
///
/// # Errors
/// The template is missing or fails to render.
pub fn render(name: &str, context: Value) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_names_only_known_texts() {
        let env = build();
        for (name, source) in TEMPLATES {
            env.get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut rest = *source;
            while let Some(at) = rest.find("t(\"") {
                rest = &rest[at + 3..];
                let id = &rest[..rest.find('"').unwrap()];
                if id.ends_with('.') {
                    // A prefix completed at render time (`t("role." ~ role)`).
                    continue;
                }
                assert!(
                    Text::PT_BR.lookup(id).is_some(),
                    "{name} names the text `{id}`, which the pt-BR table lacks"
                );
            }
        }
    }
}
