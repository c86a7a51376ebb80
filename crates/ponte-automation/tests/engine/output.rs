//! The output contract, conditions, `set`, `return`, `fail` and `continue_on_error`.

use axum::Router;
use axum::routing::post;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn an_output_that_breaks_the_contract_names_the_field_and_the_value() {
    let yaml = r#"function: list_resellers
steps:
  - id: s
    set: '[{code: 12, name: "A", taxvat: "", email: ""}, {code: "2", name: "B", taxvat: ""}]'
output: .steps.s
"#;
    let err = run(&automation(yaml), json!({}), &env("http://127.0.0.1:9"))
        .await
        .result
        .unwrap_err();
    assert_eq!(err.code(), "erp_invalid_response");
    let ponte_automation::RunError::OutputInvalid(list) = &err else {
        panic!("{err:?}")
    };
    assert!(
        list.iter().any(|m| m.path == "/0/code" && m.got == "12"),
        "{list:?}"
    );
    assert!(
        list.iter()
            .any(|m| m.path == "/1" && m.expected.contains("email")),
        "{list:?}"
    );
}

#[tokio::test]
async fn when_skips_a_step_and_return_ends_the_run_early() {
    let yaml = r#"function: list_resellers
steps:
  - id: none
    when: '.input | length == 0'
    return: '[.none[]? | {code, name, taxvat, email}]'
  - id: never
    fail: { code: should_not_run, message: "unreachable" }
"#;
    let out = run(&automation(yaml), json!({}), &env("http://127.0.0.1:9")).await;
    assert_eq!(out.result.unwrap(), json!([]));
    let yaml2 = yaml.replace("length == 0", "length > 0");
    let out = run(&automation(&yaml2), json!({}), &env("http://127.0.0.1:9")).await;
    assert!(out.trace().steps[0].skipped);
    let err = out.result.unwrap_err();
    assert_eq!(err.code(), "should_not_run");
}

#[tokio::test]
async fn a_fail_step_ends_the_run_with_its_code_and_rendered_message() {
    let yaml = r#"function: get_customer_info
steps:
  - id: refuse
    fail:
      code: customer_blocked
      message: "customer {{ input.customer_document_number }} is blocked"
output: |
  {nome_completo, aniversario, data_registro, ativo, id_remoto, id_contrato, rua_endereco,
   numero_endereco, cep_endereco, cidade_endereco, complemento_endereco, bairro_endereco,
   estado_endereco}
"#;
    let err = run(
        &automation(yaml),
        json!({"customer_document_number": "52998224725"}),
        &env("http://127.0.0.1:9"),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(err.code(), "customer_blocked");
    assert_eq!(err.to_string(), "customer 52998224725 is blocked");
}

#[tokio::test]
async fn continue_on_error_hands_a_refusal_to_the_mapping() {
    // IXC's trust unlock answers refusals with {"tipo":"erro"}: a normal business answer.
    let e = erp(Router::new().route(
        "/desbloqueio_confianca",
        post(|| async {
            ([("content-type", "text/html")], r#"{"tipo":"erro","codigo":"107","mensagem":"O contrato j\u00e1 encontra-se ativo"}"#)
        }),
    ))
    .await;
    let yaml = r#"function: trust_unlock
variables:
  base_url: {}
steps:
  - id: unlock
    request:
      method: POST
      url: "{{ vars.base_url }}/desbloqueio_confianca"
      json: { id: "{{ input.contract_id }}" }
      success: '.tipo == "sucesso"'
      error_message: .mensagem
      continue_on_error: true
output: |
  {success: .steps.unlock.ok, message: (.steps.unlock.body.mensagem // ""), unlocked_until: "",
   api_response: .steps.unlock.body}
"#;
    let out = run(
        &automation(yaml),
        json!({"customer_document_number": "52998224725", "contract_id": "2309"}),
        &env(&e.base),
    )
    .await;
    let v = out.result.unwrap();
    assert_eq!(v["success"], false);
    assert_eq!(v["message"], "O contrato já encontra-se ativo");
    assert_eq!(v["api_response"]["codigo"], "107");
}

#[tokio::test]
async fn a_function_without_output_answers_null() {
    let e = erp(Router::new().route(
        "/contato",
        post(|| async { axum::Json(json!({"type": "success", "id": "9"})) }),
    ))
    .await;
    let yaml = r#"function: create_lead
variables:
  base_url: {}
steps:
  - id: lead
    request:
      method: POST
      url: "{{ vars.base_url }}/contato"
      json: { nome: "{{ input.lead.name }}", origem: "{{ input.lead.commercial_origin_code }}", extra: "{{ input.lead.utm_source }}" }
      success: '.type == "success"'
"#;
    let out = run(
        &automation(yaml),
        json!({"lead": {"id": "L1", "name": "João", "commercial_origin_code": "4", "utm_source": "site"}}),
        &env(&e.base),
    )
    .await;
    assert_eq!(out.result.as_ref().unwrap(), &serde_json::Value::Null);
    let body = out.trace().steps[0].requests[0].body.clone().unwrap();
    assert!(
        body.contains("\"extra\":\"site\""),
        "platform fields pass through: {body}"
    );
}

#[tokio::test]
async fn an_output_that_may_be_null_names_the_field_at_fault() {
    let yaml = r#"function: get_customer_info
steps:
  - id: s
    set: '{nome_completo: "Maria", aniversario: "16/04/1987", data_registro: "", ativo: true,
           id_remoto: "1", id_contrato: "", rua_endereco: "", numero_endereco: "",
           cep_endereco: "", cidade_endereco: "", complemento_endereco: "",
           bairro_endereco: "", estado_endereco: ""}'
output: .steps.s
"#;
    let err = run(
        &automation(yaml),
        json!({"customer_document_number": "52998224725"}),
        &env("http://127.0.0.1:9"),
    )
    .await
    .result
    .unwrap_err();
    let ponte_automation::RunError::OutputInvalid(list) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].path, "/aniversario");
    assert_eq!(list[0].got, "\"16/04/1987\"");
    assert!(!list[0].expected.contains("anyOf"), "{list:?}");
    // null itself is still a valid answer.
    let yaml = yaml.replace("steps:\n", "steps:\n  - id: none\n    return: 'null'\n");
    let out = run(
        &automation(&yaml),
        json!({"customer_document_number": "52998224725"}),
        &env("http://127.0.0.1:9"),
    )
    .await;
    assert_eq!(out.result.unwrap(), serde_json::Value::Null);
}

#[tokio::test]
async fn a_variable_missing_at_run_time_is_named() {
    let yaml = r#"function: list_resellers
variables:
  base_url: {}
  ixc_user_id: {}
secrets: [token]
auth:
  basic:
    username: "{{ vars.ixc_user_id }}"
    password: "{{ secrets.token }}"
steps:
  - id: r
    request: { url: "{{ vars.base_url }}/r" }
output: '[{code: "1", name: "", taxvat: "", email: ""}]'
"#;
    let err = run(&automation(yaml), json!({}), &env("http://127.0.0.1:9"))
        .await
        .result
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("auth: variable `ixc_user_id` is not set"),
        "{err}"
    );
}
