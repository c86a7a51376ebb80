//! The editor schema committed as `docs/automation.schema.json` is the one the code generates,
//! and every example automation of the repository satisfies it.

use std::path::{Path, PathBuf};

const REGENERATE: &str =
    "cargo run -p ponte-cli -- schema automation > docs/automation.schema.json";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn committed_schema() -> String {
    let path = repo_root().join("docs/automation.schema.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with `{REGENERATE}`",
            path.display()
        )
    })
}

fn example_automations(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        if path.is_dir() && path.file_name().is_some_and(|n| n == "shared") {
            // Shared steps have their own schema.
        } else if path.is_dir() {
            example_automations(&path, out);
        } else if name.ends_with(".yaml") && !name.ends_with(".test.yaml") {
            out.push(path);
        }
    }
}

#[test]
fn the_committed_editor_schema_is_the_generated_one() {
    let generated =
        serde_json::to_string_pretty(&ponte_automation::document_schema()).unwrap() + "\n";
    let committed = committed_schema();
    assert!(
        committed == generated,
        "docs/automation.schema.json is out of date with the automation document types; \
         regenerate it with `{REGENERATE}`"
    );
}

const REGENERATE_SHARED: &str =
    "cargo run -p ponte-cli -- schema shared > docs/automation-shared.schema.json";

#[test]
fn the_committed_shared_steps_schema_is_the_generated_one_and_the_presets_satisfy_it() {
    let path = repo_root().join("docs/automation-shared.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated =
        serde_json::to_string_pretty(&ponte_automation::shared_schema()).unwrap() + "\n";
    assert!(
        committed == generated,
        "docs/automation-shared.schema.json is out of date; regenerate it with `{REGENERATE_SHARED}`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = repo_root().join("presets/ixc/shared");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
        count += 1;
    }
    assert!(count >= 1);
}

#[test]
fn every_example_automation_satisfies_the_editor_schema() {
    let schema: serde_json::Value = serde_json::from_str(&committed_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut files = Vec::new();
    example_automations(&repo_root().join("examples"), &mut files);
    assert!(files.len() >= 2, "examples found: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn the_editor_schema_refuses_an_unknown_field() {
    let schema: serde_json::Value = serde_json::from_str(&committed_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc = serde_json::json!({
        "function": "list_products",
        "steps": [{"id": "a", "set": "[]", "retries": 3}],
        "output": ".steps.a"
    });
    assert!(!validator.is_valid(&doc));
    let fixed = serde_json::json!({
        "function": "list_products",
        "steps": [{"id": "a", "set": "[]"}],
        "output": ".steps.a"
    });
    assert!(validator.is_valid(&fixed));
}
