//! The operator's day in the console, in a real browser.

use crate::harness::{ADMIN_TOKEN, Console};

/// An IXC integration declared in the configuration file, on the simulator.
const PROVISIONED: &str = r#"
[[integrations]]
id = "acme-ixc"
name = "ACME Telecom"
preset = "ixc"

[integrations.variables]
base_url = "{IXC_URL}"
ixc_user_id = "{IXC_USER}"

[integrations.secrets]
ixc_token = "env:TEST_IXC_TOKEN"
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_signs_in_sees_the_integrations_runs_a_test_and_reads_its_trace() {
    let Some(console) = Console::start(PROVISIONED).await else {
        return;
    };
    // Without a session every page leads to the sign-in form; a wrong password is refused.
    console.sign_in("admin-token", "not-the-token").await;
    assert!(console.text("#sign-in-error").await.contains("incorretos"));
    console.screenshot("sign-in").await;
    console.sign_in("admin-token", ADMIN_TOKEN).await;
    console.wait_path("/console/integrations").await;
    assert!(!console.has("#sign-in-error").await);
    assert_eq!(console.text("#operator-name").await, "admin-token");
    let row = console.text("tr[data-integration='acme-ixc']").await;
    assert!(row.contains("ACME Telecom"), "{row}");
    assert!(row.contains("fechado"), "the circuit is closed: {row}");
    console.screenshot("integrations").await;

    // The integration's page: 21 functions, secrets by name only.
    console
        .click("a[href='/console/integrations/acme-ixc']")
        .await;
    let functions = console
        .browser
        .find_all(fantoccini::Locator::Css("#functions tbody tr"))
        .await
        .unwrap();
    assert_eq!(functions.len(), 21);
    let secrets = console.text("#secrets").await;
    assert!(secrets.contains("ixc_token"), "{secrets}");
    let page = console.browser.source().await.unwrap();
    assert!(
        !page.contains(&console.ixc_token),
        "a secret value is on the page"
    );

    // The test-run panel: list_invoices for a seeded customer shows the invoices and the trace.
    console.click("tr[data-function='list_invoices'] a").await;
    let customer = console
        .erp
        .state()
        .customer(&console.erp.state().fixtures().blocked)
        .unwrap();
    console.fill("#in-customer_document_number", "123").await;
    console.click("#run").await;
    let error = console.text("#error-customer_document_number").await;
    assert!(!error.is_empty(), "the field's error is beside it");
    console
        .fill("#in-customer_document_number", &customer.cnpj_cpf)
        .await;
    console.click("#run").await;
    let output = console.text("#output").await;
    let trace = console.text("#trace").await;
    assert!(
        output.contains("\"vencimento\"") && output.contains("linha_digitavel"),
        "{output}\n{trace}"
    );
    assert!(
        trace.contains("fn_areceber"),
        "the trace shows the ERP requests: {trace}"
    );
    let result = console
        .browser
        .find(fantoccini::Locator::Css("#result"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap();
    assert!(
        !result.contains(&console.ixc_token),
        "the ERP token is masked in the trace"
    );
    let digits: String = customer
        .cnpj_cpf
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert!(
        !result.contains(&customer.cnpj_cpf) && !result.contains(&digits),
        "the customer's document is masked in the output and the trace"
    );
    console.screenshot("test-run").await;

    // The run is listed among the executions, and its trace opens.
    console.open("/console/executions?test=only").await;
    let rows = console.text("#executions").await;
    assert!(rows.contains("list_invoices"), "{rows}");
    console.screenshot("executions").await;
    console.click("#executions tbody tr a").await;
    assert!(console.text("#trace").await.contains("fn_areceber"));

    // Signing out ends the session: the console is closed again.
    console.click("#sign-out").await;
    console.wait_path("/console/entrar").await;
    console.open("/console/integrations").await;
    assert_eq!(console.path().await, "/console/entrar");
    assert!(
        !console.log().contains(ADMIN_TOKEN),
        "the admin token reached the log"
    );
    console.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_creates_an_integration_from_the_ixc_preset_sets_its_secret_and_runs_it() {
    let Some(console) = Console::start("").await else {
        return;
    };
    console.sign_in("admin-token", ADMIN_TOKEN).await;
    console.wait_path("/console/integrations").await;
    console.click("#new-integration").await;
    console.wait_path("/console/integrations/novo").await;
    console.click("#choose-preset").await;
    let base_url = console.erp.base_url();
    // A form missing what the preset needs is refused beside each field, and creates nothing.
    console.text("#create-form").await;
    console.fill("#f-id", "provedor-ixc").await;
    console.click("#create").await;
    assert!(!console.text("#error-name").await.is_empty());
    assert!(!console.text("#error-var-base_url").await.is_empty());
    console.screenshot("create-errors").await;
    console.fill("#f-name", "Provedor IXC").await;
    console.fill("#var-base_url", &base_url).await;
    console.fill("#var-ixc_user_id", &console.ixc_user).await;
    console.click("#create").await;
    console
        .wait_path("/console/integrations/provedor-ixc")
        .await;

    // Its secret, set from the console; the value is never shown back.
    console.fill("#secret_name", "ixc_token").await;
    console.fill("#secret_value", &console.ixc_token).await;
    console.click("#set-secret").await;
    assert!(
        console
            .text("#secret-saved")
            .await
            .contains("Segredo definido")
    );
    assert!(console.text("#secrets").await.contains("ixc_token"));
    let page = console.browser.source().await.unwrap();
    assert!(
        !page.contains(&console.ixc_token),
        "the secret is on the page"
    );
    console.screenshot("integration").await;

    console.click("tr[data-function='list_invoices'] a").await;
    let customer = console
        .erp
        .state()
        .customer(&console.erp.state().fixtures().blocked)
        .unwrap();
    console
        .fill("#in-customer_document_number", &customer.cnpj_cpf)
        .await;
    console.click("#run").await;
    let output = console.text("#output").await;
    assert!(output.contains("linha_digitavel"), "{output}");
    assert!(console.text("#trace").await.contains("fn_areceber"));

    // A product association, its ERP code picked from the ERP's list.
    console
        .open("/console/integrations/provedor-ixc/associations")
        .await;
    console.fill("#products-platform-code", "plano-300").await;
    console
        .click("#products-erp-code option:nth-child(2)")
        .await;
    let erp_code = console.value("#products-erp-code").await;
    assert!(!erp_code.is_empty());
    console.click("#save-products").await;
    let row = console
        .text("#kind-products tr[data-platform-code='plano-300']")
        .await;
    assert!(row.contains(&erp_code), "{row}");
    console.screenshot("associations").await;

    // The changes are in the audit log, the secret's value nowhere.
    console.open("/console/audit").await;
    let audit = console.text("#audit").await;
    assert!(audit.contains("integration.create"), "{audit}");
    assert!(audit.contains("provedor-ixc"), "{audit}");
    assert!(audit.contains("associations.set"), "{audit}");
    let page = console.browser.source().await.unwrap();
    assert!(
        !page.contains(&console.ixc_token),
        "the secret is in the audit log"
    );
    console.screenshot("audit").await;
    assert!(
        !console.log().contains(&console.ixc_token),
        "the secret reached the log"
    );
    console.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automation_is_published_with_its_diagnostics_fixed_and_rolled_back_and_a_viewer_changes_nothing()
 {
    // Versions belong to integrations made through the admin API or the console: one the
    // configuration file declares is managed by the file.
    let Some(console) = Console::start("").await else {
        return;
    };
    let created = reqwest::Client::new()
        .post(format!("{}/admin/v1/integrations", console.base))
        .bearer_auth(ADMIN_TOKEN)
        .json(&serde_json::json!({
            "id": "acme-ixc",
            "name": "ACME Telecom",
            "preset": "ixc",
            "variables": {"base_url": console.erp.base_url(), "ixc_user_id": console.ixc_user},
            "secrets": {"ixc_token": console.ixc_token},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    console.sign_in("admin-token", ADMIN_TOKEN).await;
    console.wait_path("/console/integrations").await;
    let page = "/console/integrations/acme-ixc/functions/list_invoices";
    console.open(page).await;
    // The editor starts from the preset's automation.
    let preset = console.value("#source").await;
    assert!(preset.contains("steps"), "{preset}");

    // A version with a mistake: refused, with the diagnostic at its line, nothing stored.
    let target = "{{ vars.base_url }}/fn_areceber";
    let broken_line = preset
        .lines()
        .position(|line| line.contains(target))
        .expect("the preset lists fn_areceber")
        + 1;
    let broken = preset.replacen(target, "{{ vars.base_ur }}/fn_areceber", 1);
    console.set_text("#source", &broken).await;
    console.click("#publish").await;
    let diagnostics = console.text("#diagnostics").await;
    assert!(
        diagnostics.contains(&format!("linha {broken_line},")),
        "line {broken_line}: {diagnostics}"
    );
    let marked = console
        .text(&format!(".gutter .bad[data-line='{broken_line}']"))
        .await;
    assert_eq!(marked, broken_line.to_string());
    assert!(
        console
            .text("#editor-section")
            .await
            .contains("Nenhuma versão")
    );
    console.screenshot("editor-diagnostics").await;

    // Fixed, published twice, then rolled back to the first.
    for n in 1..=2 {
        let fixed = format!("# versão {n}\n{preset}");
        console.set_text("#source", &fixed).await;
        console.click("#publish").await;
        assert!(console.text("#notice").await.contains("publicada"));
        let serving = console.text("#versions tr[data-version] .badge").await;
        assert!(!serving.is_empty());
        assert!(
            console
                .text(&format!("#versions tr[data-version='{n}']"))
                .await
                .contains("em serviço")
        );
    }
    console.click("a[href*='de=1']").await;
    let diff = console.text("#diff-table").await;
    assert!(
        diff.contains("- # versão 1") && diff.contains("+ # versão 2"),
        "{diff}"
    );
    console.screenshot("versions-diff").await;
    console.click("#rollback").await;
    assert!(console.text("#notice").await.contains("restaurada"));
    assert!(
        console
            .text("#versions tr[data-version='1']")
            .await
            .contains("em serviço")
    );
    // The restored version serves: a test run still lists the invoices.
    let customer = console
        .erp
        .state()
        .customer(&console.erp.state().fixtures().blocked)
        .unwrap();
    console
        .fill("#in-customer_document_number", &customer.cnpj_cpf)
        .await;
    console.click("#run").await;
    assert!(console.text("#output").await.contains("linha_digitavel"));
    console.click("#sign-out").await;
    console.wait_path("/console/entrar").await;

    // A viewer sees everything but no button that changes anything; a forced change is refused.
    console.ponte(
        &["operators", "add", "vera", "--role", "viewer"],
        &[("PONTE_OPERATOR_PASSWORD", "uma-senha-longa-de-leitura")],
    );
    console.sign_in("vera", "uma-senha-longa-de-leitura").await;
    console.wait_path("/console/integrations").await;
    assert!(
        console
            .text("header .who")
            .await
            .contains("somente leitura")
    );
    assert!(!console.has("#new-integration").await);
    console.open("/console/integrations/acme-ixc").await;
    for button in ["#create-key", "#set-secret", "#edit-integration"] {
        assert!(!console.has(button).await, "a viewer sees {button}");
    }
    console.open(page).await;
    for button in ["#publish", "#rollback", "#run"] {
        assert!(!console.has(button).await, "a viewer sees {button}");
    }
    console.screenshot("viewer").await;
    console
        .browser
        .execute(
            "const form = document.createElement('form');
             form.method = 'post';
             form.action = '/console/integrations/acme-ixc/functions/list_invoices/rollback';
             const csrf = document.querySelector('input[name=csrf_token]').cloneNode();
             form.appendChild(csrf);
             document.body.appendChild(form);
             form.submit();",
            vec![],
        )
        .await
        .unwrap();
    let refused = console.text("#message").await;
    assert!(refused.contains("somente leitura"), "{refused}");
    console.open(page).await;
    assert!(
        console
            .text("#versions tr[data-version='1']")
            .await
            .contains("em serviço"),
        "the viewer's forced rollback changed the binding"
    );
    console.click("#sign-out").await;
    console.wait_path("/console/entrar").await;
    console.close().await;
}
