//! Personal data out of stored traces (LGPD), against the IXC simulator: the real `cliente`
//! rows it seeds carry the customer's password, name, e-mail, phones and address, and none of
//! them may reach a trace unmasked.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use ponte_automation::{Category, PrivacyRules, RunEnv};
use ponte_simulators::ixc::{self, IxcConfig};
use secrecy::SecretString;
use serde_json::json;

use crate::support::*;

const GET_CUSTOMER_INFO: &str = include_str!("../../../../presets/ixc/get_customer_info.yaml");

async fn simulator() -> ixc::RunningIxc {
    let today = time::macros::date!(2026 - 12 - 01);
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    ixc::start(IxcConfig::with(7, today), addr).await.unwrap()
}

fn ixc_env(sim: &ixc::RunningIxc) -> RunEnv {
    let config = sim.state().config();
    RunEnv::new("ixc")
        .with_vars(BTreeMap::from([
            ("base_url".to_owned(), sim.base_url()),
            ("ixc_user_id".to_owned(), config.user_id.clone()),
        ]))
        .with_secrets(BTreeMap::from([(
            "ixc_token".to_owned(),
            SecretString::from(config.token.clone()),
        )]))
}

/// A customer whose row has an e-mail, a mobile phone, a street and a password.
fn rich_customer(sim: &ixc::RunningIxc) -> ixc::Customer {
    sim.state()
        .customers()
        .into_iter()
        .find(|c| {
            !c.email.is_empty()
                && !c.telefone_celular.is_empty()
                && !c.endereco.is_empty()
                && c.row.get("senha").is_some_and(|s| !s.is_empty())
                && c.tipo_pessoa == "F"
        })
        .expect("the seed has such a customer")
}

#[tokio::test]
async fn a_customers_password_email_phone_name_and_address_never_reach_the_trace_unmasked() {
    let sim = simulator().await;
    let customer = rich_customer(&sim);
    let password = customer.row["senha"].clone();
    let a = preset_automation(GET_CUSTOMER_INFO);
    let env = ixc_env(&sim);
    let out = run(
        &a,
        json!({"customer_document_number": customer.document}),
        &env,
    )
    .await;
    let output = out.result.as_ref().expect("the customer is found");
    assert_eq!(output["nome_completo"], customer.razao.as_str());

    let trace = out.trace();
    let text = serde_json::to_string(&trace).unwrap();
    // The whole cliente row went through the trace: its response body is there, masked.
    let response = trace.steps[0].requests[0].response_body.clone().unwrap();
    assert!(response.contains("\"senha\":\"[REDACTED]\""), "{response}");
    for (what, clear) in [
        ("password", format!("\"senha\":\"{password}\"")),
        ("e-mail", customer.email.clone()),
        ("mobile phone", customer.telefone_celular.clone()),
        ("name", customer.razao.clone()),
        ("street", customer.endereco.clone()),
        ("postal code", customer.cep.clone()),
        ("document", customer.cnpj_cpf.clone()),
        ("bare document", customer.document.clone()),
        ("birth date", customer.data_nascimento.clone()),
    ] {
        assert!(
            !text.contains(clear.as_str()),
            "the customer's {what} `{clear}` is in the trace: {text}"
        );
    }
    // Masked, not dropped: enough is kept to recognise the values.
    let first = customer.email.chars().next().unwrap();
    assert!(text.contains(&format!("{first}***@e***.com")), "{text}");
    let last_four: String = customer
        .telefone_celular
        .chars()
        .filter(char::is_ascii_digit)
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(text.contains(&format!("-{last_four}")), "{text}");
    let initial = customer.razao.chars().next().unwrap();
    assert!(text.contains(&format!("\"{initial}***")), "{text}");
    // The output in the trace is masked the same way; the caller's output is not.
    let traced_output = trace.output.unwrap();
    assert_ne!(traced_output["nome_completo"], customer.razao.as_str());
    assert_ne!(traced_output["rua_endereco"], customer.endereco.as_str());
}

#[tokio::test]
async fn the_integrations_secret_is_removed_wherever_it_appears() {
    let sim = simulator().await;
    let customer = rich_customer(&sim);
    let token = sim.state().config().token.clone();
    // An automation that echoes the secret in a header, a query parameter, a JSON body field
    // and free text: all of it goes to the ERP, none of it to the trace.
    let yaml = r#"function: list_customer_contacts
variables:
  base_url: {}
  ixc_user_id: {}
secrets: [ixc_token]
auth:
  basic:
    username: "{{ vars.ixc_user_id }}"
    password: "{{ secrets.ixc_token }}"
steps:
  - id: customer
    request:
      method: POST
      url: "{{ vars.base_url }}/cliente?echo={{ secrets.ixc_token }}"
      headers: { ixcsoft: listar, x-note: "token {{ secrets.ixc_token }}" }
      json:
        qtype: cliente.cnpj_cpf
        query: "{{ input.customer_document_number | cpf_cnpj_format }}"
        oper: "="
        note: "sent with {{ secrets.ixc_token }} inside"
        ixc_token: "{{ secrets.ixc_token }}"
output: '[] | map({type: "email", value: .})'
"#;
    let a = automation(yaml);
    let out = run(
        &a,
        json!({"customer_document_number": customer.document}),
        &ixc_env(&sim),
    )
    .await;
    assert!(out.result.is_ok(), "{:?}", out.result);
    let text = serde_json::to_string(&out.trace()).unwrap();
    assert!(!text.contains(&token), "the secret leaked: {text}");
    assert!(text.contains("[REDACTED]"));
    // The ERP did get it (the simulator checks the credentials, and answered).
    assert_eq!(out.trace().steps[0].requests[0].status, Some(200));
}

#[tokio::test]
async fn an_integration_can_name_its_own_personal_fields() {
    let sim = simulator().await;
    let customer = rich_customer(&sim);
    let a = preset_automation(GET_CUSTOMER_INFO);
    // `obs` and `id_vendedor` are no personal data by default; this integration says
    // `id_vendedor` is.
    let rules = PrivacyRules::default().with(Category::Personal, ["ID_VENDEDOR"]);
    let env = ixc_env(&sim).with_privacy(std::sync::Arc::new(rules));
    let out = run(
        &a,
        json!({"customer_document_number": customer.document}),
        &env,
    )
    .await;
    let body = out.trace().steps[0].requests[0]
        .response_body
        .clone()
        .unwrap();
    assert!(body.contains("\"id_vendedor\":\"***\""), "{body}");
    let default = run(
        &a,
        json!({"customer_document_number": customer.document}),
        &ixc_env(&sim),
    )
    .await;
    let body = default.trace().steps[0].requests[0]
        .response_body
        .clone()
        .unwrap();
    assert!(!body.contains("\"id_vendedor\":\"***\""), "{body}");
}
