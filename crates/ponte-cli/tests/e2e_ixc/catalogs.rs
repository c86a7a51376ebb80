//! list_resellers, list_products, list_due_dates and list_commercial_origins.

use serde_json::{Value, json};

use crate::harness::{TestApp, col, digits};

#[tokio::test(flavor = "multi_thread")]
async fn list_resellers_returns_the_active_sellers() {
    let app = TestApp::start().await;
    let sellers = app.state().rows("vendedor");
    let expected: Vec<Value> = sellers
        .iter()
        .filter(|s| col(s, "status") == "A")
        .map(|s| {
            json!({"code": col(s, "id"), "name": col(s, "nome"),
                   "taxvat": digits(&col(s, "cnpj_cpf")), "email": col(s, "email")})
        })
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < sellers.len(),
        "active and inactive sellers are seeded"
    );
    let body = app.call("list_resellers", json!({})).await.ok();
    assert_eq!(body, json!(expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_products_returns_the_active_sales_plans() {
    let app = TestApp::start().await;
    let plans = app.state().rows("vd_contratos");
    let mut active: Vec<_> = plans.iter().filter(|p| col(p, "ativo") == "S").collect();
    // In name order, as a configuration page shows them.
    active.sort_by_key(|p| col(p, "nome"));
    let expected: Vec<Value> = active
        .iter()
        .map(|p| json!({"codigo": col(p, "id"), "nome": col(p, "nome")}))
        .collect();
    assert!(!expected.is_empty() && expected.len() < plans.len());
    let body = app.call("list_products", json!({})).await.ok();
    assert_eq!(body, json!(expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_due_dates_returns_the_due_days_the_active_contracts_use_without_an_invented_table() {
    let app = TestApp::start().await;
    let mut days: Vec<u32> = app
        .state()
        .rows("cliente_contrato")
        .iter()
        .filter(|k| col(k, "status") == "A")
        .filter_map(|k| col(k, "dia_fixo_vencimento").parse().ok())
        .collect();
    days.sort_unstable();
    days.dedup();
    assert!(days.len() > 1, "{days:?}");
    let expected: Vec<Value> = days
        .iter()
        .map(|d| json!({"code": d.to_string(), "name": d.to_string()}))
        .collect();
    let body = app.call("list_due_dates", json!({})).await.ok();
    assert_eq!(body, json!(expected));
    // Only tables the sources confirm were asked: the invented due-day table never was.
    let paths = app.erp.requests().snapshot();
    assert_eq!(
        paths.get("/webservice/v1/cliente_contrato"),
        Some(&1),
        "{paths:?}"
    );
    assert!(
        paths.keys().all(|p| !p.contains("fn_vencimento")),
        "{paths:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_due_dates_reads_a_table_of_options_when_the_integration_names_one() {
    let app = TestApp::start_with(|integration| {
        integration
            .variables
            .insert("due_day_table".into(), "fn_vencimento".into());
    })
    .await;
    let expected: Vec<Value> = app
        .state()
        .rows("fn_vencimento")
        .iter()
        .filter(|d| col(d, "ativo") != "N")
        .map(|d| json!({"code": col(d, "id"), "name": col(d, "dia")}))
        .collect();
    assert!(expected.len() > 1);
    let body = app.call("list_due_dates", json!({})).await.ok();
    assert_eq!(body, json!(expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_commercial_origins_returns_the_sales_channels() {
    let app = TestApp::start().await;
    let expected: Vec<Value> = app
        .state()
        .rows("crm_candato_tipo")
        .iter()
        .filter(|o| col(o, "ativo") != "N")
        .map(|o| json!({"code": col(o, "id"), "description": col(o, "descricao")}))
        .collect();
    assert_eq!(expected.len(), 6);
    let body = app.call("list_commercial_origins", json!({})).await.ok();
    assert_eq!(body, json!(expected));
    assert!(body.to_string().contains("Instagram"));
}
