//! An integrator's own automation files served from the configuration: one function from a
//! file, the rest from the IXC preset, over HTTP against the IXC simulator; a broken file
//! refused with its diagnostics by `ponte config check` and `ponte serve`; a reload (SIGHUP)
//! that keeps the previous version serving when the new one is broken and picks up a fixed one.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ponte_simulators::ixc::{self, IxcConfig, RunningIxc};
use serde_json::{Value, json};

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const KEY: &str = "ponte_5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
const MASTER: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const ADMIN: &str = "0123456789abcdef0123456789abcdef-admin";

/// The head every version of the test's own automation shares: find the customer by its
/// masked document in IXC's `cliente`.
const HEAD: &str = r#"function: list_customer_contacts
description: The customer's contacts, the integrator's way.
variables:
  base_url:
    description: IXC webservice root.
  ixc_user_id:
    description: Id of the IXC API user.
secrets: [ixc_token]
auth:
  basic:
    username: "{{ vars.ixc_user_id }}"
    password: "{{ secrets.ixc_token }}"
steps:
  - id: customer
    request:
      method: POST
      url: "{{ vars.base_url }}/cliente"
      headers: { ixcsoft: listar }
      json:
        qtype: cliente.cnpj_cpf
        query: "{{ input.customer_document_number | cpf_cnpj_format }}"
        oper: "="
        page: "1"
        rp: "1"
      idempotent: true
"#;

/// Version 1: the customer's e-mail only.
fn emails_only() -> String {
    format!(
        "{HEAD}output: '[.steps.customer.body.registros[0].email | select(. != null and . != \"\") | {{type: \"email\", value: .}}]'\n"
    )
}

/// Version 2: the customer's mobile phone only.
fn phones_only() -> String {
    format!(
        "{HEAD}output: '[.steps.customer.body.registros[0].telefone_celular | select(. != null and . != \"\") | {{type: \"phone\", value: .}}]'\n"
    )
}

/// A broken version: a template names an input that does not exist.
fn broken() -> String {
    emails_only().replace(
        "input.customer_document_number | cpf_cnpj_format",
        "input.custmer_document_number | cpf_cnpj_format",
    )
}

fn sha256(text: &str) -> String {
    ponte_core::model::source_sha256(text)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn today() -> time::Date {
    time::macros::date!(2026 - 03 - 10)
}

async fn simulator() -> (RunningIxc, IxcConfig) {
    let config = IxcConfig::with(7, today());
    let erp = ixc::start(config.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the simulator starts");
    (erp, config)
}

/// A configuration folder: `ponte.toml` binding `list_customer_contacts` to
/// `automations/contacts.yaml` and the rest to the IXC preset.
fn folder(base_url: &str, user_id: &str, automation: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("automations")).unwrap();
    std::fs::write(dir.path().join("automations/contacts.yaml"), automation).unwrap();
    std::fs::write(dir.path().join("admin_token"), ADMIN).unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        format!(
            r#"
[database]
url = "sqlite://data.db"

[security]
master_key = "env:TEST_MASTER_KEY"
admin_token = "file:admin_token"

[[integrations]]
id = "acme-ixc"
name = "ACME"
preset = "ixc"
api_keys = ["env:TEST_PONTE_KEY"]

[integrations.functions]
list_customer_contacts = "automations/contacts.yaml"

[integrations.variables]
base_url = "{base_url}"
ixc_user_id = "{user_id}"

[integrations.secrets]
ixc_token = "env:TEST_IXC_TOKEN"
"#
        ),
    )
    .unwrap();
    dir
}

fn ponte(dir: &Path, args: &[&str], token: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ponte"));
    command
        .args(args)
        .arg("--config")
        .arg(dir.join("ponte.toml"))
        .env("TEST_MASTER_KEY", MASTER)
        .env("TEST_IXC_TOKEN", token)
        .env("TEST_PONTE_KEY", KEY)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    command
}

/// `ponte serve` on a free port, its log written to `log`.
fn serve(dir: &Path, token: &str, log: &Path) -> (KillOnDrop, String) {
    let port = free_port();
    let child = ponte(dir, &["serve"], token)
        .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("the binary starts");
    (KillOnDrop(child), format!("http://127.0.0.1:{port}"))
}

async fn wait_ready(client: &reqwest::Client, base: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "ponte serve was not ready within 30 s: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

async fn functions(client: &reqwest::Client, base: &str) -> Value {
    client
        .get(format!("{base}/v1/functions"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn listed<'a>(listing: &'a Value, function: &str) -> &'a Value {
    listing["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == function)
        .unwrap_or_else(|| panic!("{function} is not listed: {listing}"))
}

async fn call(client: &reqwest::Client, base: &str, function: &str, input: Value) -> (u16, Value) {
    let answer = client
        .post(format!("{base}/v1/functions/{function}"))
        .bearer_auth(KEY)
        .json(&input)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[cfg(unix)]
fn hang_up(server: &KillOnDrop) {
    let status = Command::new("kill")
        .args(["-HUP", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until the log holds `text` (appearing after `from` bytes), and answers the log.
async fn wait_for_log(log: &Path, from: usize, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let all = std::fs::read_to_string(log).unwrap_or_default();
        if all.get(from..).is_some_and(|new| new.contains(text)) {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "the log never said `{text}`: {all}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_own_file_serves_one_function_the_preset_the_rest_and_a_reload_keeps_a_good_version() {
    let (erp, config) = simulator().await;
    let customer = erp
        .state()
        .customer(&erp.state().fixtures().active)
        .unwrap();
    assert!(!customer.email.is_empty() && !customer.telefone_celular.is_empty());
    let dir = folder(&erp.base_url(), &config.user_id, &emails_only());
    let log = dir.path().join("serve.log");
    let client = reqwest::Client::new();
    let (server, base) = serve(dir.path(), &config.token, &log);
    wait_ready(&client, &base, &log).await;

    // The listing names the file and its hash for the own function, the preset for the rest.
    let listing = functions(&client, &base).await;
    let own = listed(&listing, "list_customer_contacts");
    assert_eq!(own["served"], true, "{own}");
    assert_eq!(own["automation"]["source"], "file", "{own}");
    let path = own["automation"]["path"].as_str().unwrap();
    assert!(path.ends_with("automations/contacts.yaml"), "{path}");
    assert_eq!(own["automation"]["sha256"], sha256(&emails_only()));
    let preset = listed(&listing, "get_customer_info");
    assert_eq!(
        preset["automation"],
        json!({"source": "preset", "preset": "ixc", "sha256": sha256(&ponte_presets::preset("ixc").unwrap().automation(ponte_catalog::FunctionId::GetCustomerInfo).unwrap())}),
    );
    // So does the admin API.
    let admin: Value = client
        .get(format!("{base}/admin/v1/integrations/acme-ixc"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        admin["bindings"]["list_customer_contacts"]["kind"], "file",
        "{admin}"
    );
    assert_eq!(
        admin["serving"]["list_customer_contacts"]["source"], "file",
        "{admin}"
    );
    assert_eq!(
        admin["serving"]["list_customer_contacts"]["sha256"],
        sha256(&emails_only())
    );
    assert_eq!(admin["serving"]["get_invoice"]["preset"], "ixc", "{admin}");

    // The own file answers, against the ERP; the preset answers the rest.
    let input = json!({"customer_document_number": customer.cnpj_cpf});
    let (status, contacts) = call(&client, &base, "list_customer_contacts", input.clone()).await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(
        contacts,
        json!([{"type": "email", "value": customer.email}])
    );
    let (status, info) = call(&client, &base, "get_customer_info", input.clone()).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["nome_completo"], customer.razao, "{info}");

    // A broken new version is refused with its position; the previous one keeps serving.
    std::fs::write(dir.path().join("automations/contacts.yaml"), broken()).unwrap();
    let before = std::fs::read_to_string(&log).unwrap().len();
    hang_up(&server);
    let text = wait_for_log(&log, before, "the previous one keeps serving").await;
    let new = &text[before..];
    assert!(new.contains("unknown_input"), "{new}");
    assert!(new.contains("automations/contacts.yaml:"), "{new}");
    assert!(new.contains("input.custmer_document_number"), "{new}");
    let listing = functions(&client, &base).await;
    assert_eq!(
        listed(&listing, "list_customer_contacts")["automation"]["sha256"],
        sha256(&emails_only())
    );
    let (status, contacts) = call(&client, &base, "list_customer_contacts", input.clone()).await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(
        contacts,
        json!([{"type": "email", "value": customer.email}])
    );

    // A fixed version is picked up without a restart.
    std::fs::write(dir.path().join("automations/contacts.yaml"), phones_only()).unwrap();
    let before = std::fs::read_to_string(&log).unwrap().len();
    hang_up(&server);
    wait_for_log(&log, before, "the configuration was reloaded").await;
    let listing = functions(&client, &base).await;
    assert_eq!(
        listed(&listing, "list_customer_contacts")["automation"]["sha256"],
        sha256(&phones_only())
    );
    let (status, contacts) = call(&client, &base, "list_customer_contacts", input).await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(
        contacts,
        json!([{"type": "phone", "value": customer.telefone_celular}])
    );
    // The log names no secret.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(&config.token), "the ERP token is in the log");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_file_is_refused_by_config_check_and_serve_alike_with_its_position() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &broken());
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("error[unknown_input]"), "{err}");
    assert!(err.contains("automations/contacts.yaml:"), "{err}");
    assert!(
        err.contains("did you mean `customer_document_number`"),
        "{err}"
    );

    let serve = ponte(dir.path(), &["serve"], "abc")
        .env("PONTE_SERVER__LISTEN", format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    assert_ne!(serve.status.code(), Some(0), "{serve:?}");
    let err = String::from_utf8_lossy(&serve.stderr);
    assert!(err.contains("error[unknown_input]"), "{err}");
    assert!(err.contains("automations/contacts.yaml:"), "{err}");
}

#[test]
fn config_check_names_a_variable_or_secret_a_bound_automation_reads_and_the_file_does_not_set() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &emails_only());
    let toml = std::fs::read_to_string(dir.path().join("ponte.toml")).unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        toml.replace("ixc_user_id = \"7\"\n", "")
            .replace("ixc_token = \"env:TEST_IXC_TOKEN\"\n", ""),
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains("`list_customer_contacts` (")
            && err.contains("reads variable `ixc_user_id`, which is not set"),
        "{err}"
    );
    assert!(
        err.contains("`get_invoice` (preset ixc) reads variable `ixc_user_id`"),
        "the preset's automations are held to the same rule: {err}"
    );
    assert!(
        err.contains("reads secret `ixc_token`, which is not set"),
        "{err}"
    );
}

#[test]
fn config_check_lists_the_own_files_and_refuses_an_unknown_function_with_a_suggestion() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &emails_only());
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(out.contains("list_customer_contacts: "), "{out}");
    assert!(out.contains("automations/contacts.yaml"), "{out}");

    let toml = std::fs::read_to_string(dir.path().join("ponte.toml")).unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        toml.replace("list_customer_contacts =", "list_customer_contact ="),
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains("`list_customer_contact`, which is no catalog function (did you mean `list_customer_contacts`?)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_record_writes_a_case_that_passes_ponte_test_without_secrets_or_personal_data() {
    let (erp, config) = simulator().await;
    let customer = erp
        .state()
        .customer(&erp.state().fixtures().active)
        .unwrap();
    let dir = folder(&erp.base_url(), &config.user_id, &emails_only());
    let record = dir.path().join("automations/contacts.test.yaml");
    let input = json!({"customer_document_number": customer.cnpj_cpf}).to_string();
    let automation = dir.path().join("automations/contacts.yaml");
    let token = config.token.clone();
    let out = tokio::task::spawn_blocking({
        let dir = dir.path().to_owned();
        let record = record.clone();
        move || {
            ponte(&dir, &["run"], &token)
                .arg(&automation)
                .args(["--integration", "acme-ixc", "--input", &input, "--record"])
                .arg(&record)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // The trace, step by step, then the output.
    assert!(stdout.contains("step customer (request)"), "{stdout}");
    assert!(stdout.contains("POST http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("-> 200"), "{stdout}");
    assert!(stdout.contains("output (valid"), "{stdout}");
    assert!(stdout.contains("recorded 1 exchange(s)"), "{stdout}");
    assert!(!stdout.contains(&config.token), "{stdout}");

    let recorded = std::fs::read_to_string(&record).unwrap();
    for (what, value) in [
        ("the ERP token", config.token.as_str()),
        ("the document", customer.cnpj_cpf.as_str()),
        ("the bare document", customer.document.as_str()),
        ("the name", customer.razao.as_str()),
        ("the e-mail", customer.email.as_str()),
        ("the phone", customer.telefone_celular.as_str()),
    ] {
        assert!(!value.is_empty());
        assert!(
            !recorded.contains(value),
            "{what} is in the recorded case:\n{recorded}"
        );
    }
    assert!(
        recorded.contains("ixc_token: \"test-ixc_token\""),
        "{recorded}"
    );

    let test = Command::new(env!("CARGO_BIN_EXE_ponte"))
        .arg("test")
        .arg(&record)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{out}\n{recorded}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

#[test]
fn a_folder_serves_the_functions_its_files_name_and_two_files_for_one_function_are_refused() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &emails_only());
    let toml = std::fs::read_to_string(dir.path().join("ponte.toml")).unwrap();
    let toml = toml.replace(
        "[integrations.functions]\nlist_customer_contacts = \"automations/contacts.yaml\"\n",
        "",
    );
    std::fs::write(
        dir.path().join("ponte.toml"),
        toml.replace(
            "preset = \"ixc\"\n",
            "preset = \"ixc\"\nautomation_dir = \"automations\"\n",
        ),
    )
    .unwrap();
    // A test file next to the automation is not an automation.
    std::fs::write(
        dir.path().join("automations/contacts.test.yaml"),
        "automation: contacts.yaml\ncases: []\n",
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        out.contains("list_customer_contacts: ") && out.contains("automations/contacts.yaml"),
        "{out}"
    );

    std::fs::write(dir.path().join("automations/other.yaml"), phones_only()).unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("both serve `list_customer_contacts`"), "{err}");
}

#[test]
fn run_names_a_missing_variable_before_sending_anything() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &emails_only());
    let toml = std::fs::read_to_string(dir.path().join("ponte.toml")).unwrap();
    std::fs::write(
        dir.path().join("ponte.toml"),
        toml.replace("ixc_user_id = \"7\"\n", ""),
    )
    .unwrap();
    let out = ponte(dir.path(), &["run"], "abc")
        .arg(dir.path().join("automations/contacts.yaml"))
        .args([
            "--integration",
            "acme-ixc",
            "--input",
            r#"{"customer_document_number": "529.982.247-25"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reads variable `ixc_user_id`, which is not set"),
        "{err}"
    );
}

/// The integrator's shared steps: the customer by its masked document, once.
const SHARED_CUSTOMER: &str = r#"description: The customer a CPF/CNPJ names, in IXC's `cliente`.
params:
  document:
    description: The customer's CPF or CNPJ, digits only.
variables:
  base_url:
    description: IXC webservice root.
steps:
  - id: lookup
    request:
      method: POST
      url: "{{ vars.base_url }}/cliente"
      headers: { ixcsoft: listar }
      json:
        qtype: cliente.cnpj_cpf
        query: "{{ params.document | cpf_cnpj_format }}"
        oper: "="
        page: "1"
        rp: "1"
      idempotent: true
result: '.steps.lookup.body.registros[0]'
"#;

/// An automation of the integrator's that finds the customer through the shared step.
const USES_SHARED: &str = r#"function: list_customer_contacts
description: The customer's e-mail, through the integrator's shared customer lookup.
variables:
  ixc_user_id:
    description: Id of the IXC API user.
secrets: [ixc_token]
auth:
  basic:
    username: "{{ vars.ixc_user_id }}"
    password: "{{ secrets.ixc_token }}"
steps:
  - id: customer
    use: customer
    with: { document: .input.customer_document_number }
output: '[.steps.customer.email | select(. != null and . != "") | {type: "email", value: .}]'
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_own_file_using_the_integrators_shared_steps_is_served_and_a_broken_shared_step_is_refused()
 {
    let (erp, config) = simulator().await;
    let customer = erp
        .state()
        .customer(&erp.state().fixtures().active)
        .unwrap();
    let dir = folder(&erp.base_url(), &config.user_id, USES_SHARED);
    std::fs::create_dir(dir.path().join("automations/shared")).unwrap();
    std::fs::write(
        dir.path().join("automations/shared/customer.yaml"),
        SHARED_CUSTOMER,
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], &config.token)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let log = dir.path().join("serve.log");
    let client = reqwest::Client::new();
    let (server, base) = serve(dir.path(), &config.token, &log);
    wait_ready(&client, &base, &log).await;

    let input = json!({"customer_document_number": customer.cnpj_cpf});
    let (status, contacts) = call(&client, &base, "list_customer_contacts", input.clone()).await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(
        contacts,
        json!([{"type": "email", "value": customer.email}])
    );
    // The version served covers the shared steps it was checked with.
    let listing = functions(&client, &base).await;
    let served = listed(&listing, "list_customer_contacts")["automation"]["sha256"].clone();
    assert_ne!(served, json!(sha256(USES_SHARED)), "{served}");

    // A mistake inside the shared step is refused at its place in the shared file and at the
    // use; the version checked before keeps serving.
    std::fs::write(
        dir.path().join("automations/shared/customer.yaml"),
        SHARED_CUSTOMER.replace("params.document", "params.documnt"),
    )
    .unwrap();
    let before = std::fs::read_to_string(&log).unwrap().len();
    hang_up(&server);
    let text = wait_for_log(&log, before, "the previous one keeps serving").await;
    let new = &text[before..];
    assert!(new.contains("shared/customer.yaml:"), "{new}");
    assert!(new.contains("automations/contacts.yaml"), "{new}");
    let listing = functions(&client, &base).await;
    assert_eq!(
        listed(&listing, "list_customer_contacts")["automation"]["sha256"],
        served
    );
    let (status, contacts) = call(&client, &base, "list_customer_contacts", input).await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(
        contacts,
        json!([{"type": "email", "value": customer.email}])
    );

    // The shared file's own variable is checked like the automation's.
    let unset = std::fs::read_to_string(dir.path().join("ponte.toml"))
        .unwrap()
        .replace("base_url = ", "base_url_unused = ");
    std::fs::write(dir.path().join("ponte.toml"), unset).unwrap();
    std::fs::write(
        dir.path().join("automations/shared/customer.yaml"),
        SHARED_CUSTOMER,
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], &config.token)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(!check.status.success(), "{said}");
    // The preset's automations read `base_url` too: the line that matters names the own file.
    assert!(
        said.lines()
            .any(|line| line.contains("`list_customer_contacts`")
                && line.contains("contacts.yaml")
                && line.contains("variable `base_url`")),
        "{said}"
    );
}

#[test]
fn config_check_refuses_a_pendency_rule_that_is_no_regular_expression_naming_its_label() {
    let dir = folder("http://127.0.0.1:9/webservice/v1", "7", &emails_only());
    let mut toml = std::fs::read_to_string(dir.path().join("ponte.toml")).unwrap();
    toml.push_str(
        "\n[[integrations.settings.pendency_rules]]\nlabel = \"débito\"\nmatch = \"regex\"\npattern = \"d[ée]bito (\"\n",
    );
    std::fs::write(dir.path().join("ponte.toml"), &toml).unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{err}");
    assert!(err.contains("settings.pendency_rules"), "{err}");
    assert!(err.contains("`débito`"), "{err}");
    // The same rule as a valid expression passes.
    std::fs::write(
        dir.path().join("ponte.toml"),
        toml.replace("d[ée]bito (", "d[ée]bito (em aberto)?"),
    )
    .unwrap();
    let check = ponte(dir.path(), &["config", "check"], "abc")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
