//! The platform flows over real HTTP against the IXC simulator: orders routed by the
//! settings and idempotent by id, pendency judged by the rules, the catalog cache, and the
//! associations reaching the ERP.

mod common;

use common::ixc::IxcApp;
use ponte_core::model::{OrderProcedure, PendencyMatch, PendencyRule};
use ponte_core::store::Store;
use reqwest::Method;
use serde_json::{Value, json};

/// A valid CPF that is none of the seeded customers'.
const STRANGER: &str = "111.444.777-35";

fn order(id: &str, document: &str) -> Value {
    json!({
        "message": format!("Pedido {id}: FIBRA 300 MEGA"),
        "order": {
            "id": id,
            "customer": {"name": "Maria das Graças Souza", "document_number": document,
                         "email": "maria@example.com.br", "phone": "(47) 99123-4567"},
            "items": [{"product_id": "p-300", "name": "FIBRA 300 MEGA", "erp_product_code": "2",
                       "price": "99.90", "quantity": 1}]
        }
    })
}

/// The document of a seeded active customer.
fn customer_document(app: &IxcApp) -> String {
    let state = app.ixc().state();
    let id = state.fixtures().active.clone();
    state.customer(&id).unwrap().cnpj_cpf
}

#[tokio::test]
async fn a_buyer_who_is_not_a_customer_gets_create_order_and_a_prospect_in_the_erp() {
    let app = IxcApp::start(|_| {}).await;
    let before = app.ixc().state().rows("crm_canditados").len();
    let answer = app.post("/v1/orders", order("o-1", STRANGER)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["order_id"], "o-1");
    assert_eq!(body["path"], "create_order");
    assert_eq!(body["customer_found"], false);
    assert_eq!(body["output"]["is_issue"], false);
    let rows = app.ixc().state().rows("crm_canditados");
    assert_eq!(rows.len(), before + 1);
    let prospect = app
        .ixc()
        .state()
        .row(
            "crm_canditados",
            body["output"]["remote_id"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(prospect["cnpj_cpf"], STRANGER);
    assert!(app.ixc().requests("cliente") > 0, "the customer check ran");
}

#[tokio::test]
async fn a_customer_gets_create_order_by_default_and_a_ticket_with_create_ticket() {
    let app = IxcApp::start(|_| {}).await;
    let document = customer_document(&app);
    let answer = app.post("/v1/orders", order("o-2", &document)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["path"], "create_order");
    assert_eq!(body["customer_found"], true);

    let app = IxcApp::start(|i| i.settings.order_procedure = OrderProcedure::CreateTicket).await;
    let document = customer_document(&app);
    let tickets = app.ixc().state().rows("su_ticket").len();
    let answer = app.post("/v1/orders", order("o-3", &document)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["path"], "create_order_existing_customer");
    assert_eq!(body["customer_found"], true);
    assert_eq!(app.ixc().state().rows("su_ticket").len(), tickets + 1);
    // The wda_user was built from the order's customer: the ticket names the order.
    let ticket = app
        .ixc()
        .state()
        .row("su_ticket", body["output"]["remote_id"].as_str().unwrap())
        .unwrap();
    assert!(ticket["titulo"].contains("o-3"), "{ticket:?}");
}

#[tokio::test]
async fn a_customer_gets_a_lead_with_lead_for_existing_customer() {
    let app = IxcApp::start(|i| i.settings.lead_for_existing_customer = true).await;
    let document = customer_document(&app);
    let contacts = app.ixc().state().rows("contato").len();
    let prospects = app.ixc().state().rows("crm_canditados").len();
    let answer = app.post("/v1/orders", order("o-4", &document)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["path"], "create_lead");
    assert_eq!(body["customer_found"], true);
    assert_eq!(body["output"], Value::Null);
    let rows = app.ixc().state().rows("contato");
    assert_eq!(rows.len(), contacts + 1);
    assert_eq!(rows.last().unwrap()["nome"], "Maria das Graças Souza");
    assert_eq!(app.ixc().state().rows("crm_canditados").len(), prospects);
}

#[tokio::test]
async fn skip_customer_check_asks_nothing_and_always_creates_the_order() {
    let app = IxcApp::start(|i| {
        i.settings.skip_customer_check = true;
        i.settings.lead_for_existing_customer = true;
    })
    .await;
    let document = customer_document(&app);
    let answer = app.post("/v1/orders", order("o-5", &document)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["path"], "create_order");
    assert_eq!(body["customer_found"], false);
    assert_eq!(app.ixc().requests("cliente"), 0);
}

#[tokio::test]
async fn a_repeated_order_answers_the_first_answer_and_calls_nothing() {
    let app = IxcApp::start(|_| {}).await;
    let first = app.post("/v1/orders", order("o-6", STRANGER)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let requests = app.ixc().erp.requests().total();
    let prospects = app.ixc().state().rows("crm_canditados").len();
    // The same content with its fields in another order is the same order.
    let mut again = order("o-6", STRANGER);
    let message = again.as_object_mut().unwrap().remove("message").unwrap();
    again["message"] = message;
    let second = app.post("/v1/orders", again).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json(), first.json());
    assert_eq!(app.ixc().erp.requests().total(), requests);
    assert_eq!(app.ixc().state().rows("crm_canditados").len(), prospects);
}

#[tokio::test]
async fn the_same_order_id_with_other_content_is_order_conflict() {
    let app = IxcApp::start(|_| {}).await;
    let first = app.post("/v1/orders", order("o-7", STRANGER)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let requests = app.ixc().erp.requests().total();
    let mut other = order("o-7", STRANGER);
    other["order"]["items"][0]["price"] = json!("79.90");
    let answer = app.post("/v1/orders", other).await;
    let problem = answer.problem(409);
    assert_eq!(problem["code"], "order_conflict");
    assert!(problem["detail"].as_str().unwrap().contains("o-7"));
    assert_eq!(app.ixc().erp.requests().total(), requests);
}

#[tokio::test]
async fn an_order_the_erp_failed_can_be_sent_again() {
    use ponte_simulators::faults::{Fault, FaultRule};
    let app = IxcApp::start(|i| i.settings.skip_customer_check = true).await;
    app.ixc()
        .erp
        .faults()
        .add(FaultRule::times(1, Fault::MalformedJson).on_path("/webservice/v1/crm_canditados"));
    let failed = app.post("/v1/orders", order("o-8", STRANGER)).await;
    assert!(failed.status >= 500, "{}", failed.text);
    let retried = app.post("/v1/orders", order("o-8", STRANGER)).await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(retried.json()["path"], "create_order");
}

#[tokio::test]
async fn an_invalid_order_is_refused_before_the_erp_is_called() {
    let app = IxcApp::start(|_| {}).await;
    let mut bad = order("o-9", "123.456.789-00");
    bad["order"]["items"] = json!([]);
    let answer = app.post("/v1/orders", bad).await;
    let problem = answer.problem(422);
    assert_eq!(problem["code"], "invalid_document");
    assert_eq!(app.ixc().erp.requests().total(), 0);
    let answer = app.post("/v1/orders", json!([1])).await;
    assert_eq!(answer.problem(422)["code"], "invalid_input");
}

#[tokio::test]
async fn pendency_rules_judge_the_customers_notes_ignoring_case_and_accents() {
    let app = IxcApp::start(|i| {
        i.settings.pendency_rules = vec![
            PendencyRule {
                label: "débito".into(),
                kind: PendencyMatch::Keyword,
                pattern: "DEBITO".into(),
            },
            PendencyRule {
                label: "acordo".into(),
                kind: PendencyMatch::Regex,
                pattern: r"aguarda\s+acordo$".into(),
            },
        ];
    })
    .await;
    let state = app.ixc().state();
    let id = state.fixtures().two_contracts.clone();
    let customer = state.customer(&id).unwrap();
    let contracts = state.contracts_of(&id);
    app.erp_put(
        "cliente",
        &id,
        json!({"alerta": "Cliente com <b>débito</b> em negociação", "obs": "Prefere WhatsApp"}),
    )
    .await;
    app.erp_put(
        "cliente_contrato",
        &contracts[1].id,
        json!({"obs": "Bloqueado a pedido do financeiro<br>AGUARDA ACORDO"}),
    )
    .await;
    let answer = app
        .get(&format!("/v1/customers/{}/pendency", customer.document))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.json(),
        json!({
            "has_pendency": true,
            "matches": [
                {"message": "Cliente com débito em negociação", "rule": "débito"},
                {"message": "Bloqueado a pedido do financeiro AGUARDA ACORDO", "rule": "acordo"}
            ],
            "messages": [
                "Cliente com débito em negociação",
                "Prefere WhatsApp",
                "Bloqueado a pedido do financeiro AGUARDA ACORDO"
            ]
        })
    );

    // A customer without notes has none.
    let quiet = state.customer(&state.fixtures().active.clone()).unwrap();
    let answer = app
        .get(&format!("/v1/customers/{}/pendency", quiet.document))
        .await;
    assert_eq!(
        answer.json(),
        json!({"has_pendency": false, "matches": [], "messages": []})
    );

    let answer = app.get("/v1/customers/123.456.789-00/pendency").await;
    assert_eq!(answer.problem(422)["code"], "invalid_document");
}

#[tokio::test]
async fn a_pendency_rule_that_does_not_parse_is_pendency_rules_invalid() {
    let app = IxcApp::start(|i| {
        i.settings.pendency_rules = vec![PendencyRule {
            label: "quebrada".into(),
            kind: PendencyMatch::Regex,
            pattern: "(debito".into(),
        }];
    })
    .await;
    let answer = app
        .get(&format!(
            "/v1/customers/{}/pendency",
            customer_document(&app)
        ))
        .await;
    let problem = answer.problem(500);
    assert_eq!(problem["code"], "pendency_rules_invalid");
    assert!(problem["detail"].as_str().unwrap().contains("quebrada"));
    assert_eq!(app.ixc().erp.requests().total(), 0);
}

#[tokio::test]
async fn a_catalog_list_is_cached_within_its_ttl_and_clearing_the_cache_asks_the_erp_again() {
    let app = IxcApp::start(|_| {}).await;
    let key = app.ixc().key.clone();
    let first = app
        .post_as(&key, "/v1/functions/list_products", json!({}))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let after_first = app.ixc().erp.requests().total();
    assert!(after_first > 0);
    let second = app
        .post_as(&key, "/v1/functions/list_products", json!({}))
        .await;
    assert_eq!(second.status, 200);
    assert_eq!(second.json(), first.json());
    assert_eq!(
        app.ixc().erp.requests().total(),
        after_first,
        "a second call within the TTL makes no ERP request"
    );
    // Invalid input is still refused, cached or not.
    let answer = app
        .post_as(&key, "/v1/functions/list_products", json!({"x": 1}))
        .await;
    assert_eq!(answer.problem(422)["code"], "invalid_input");

    let cleared = app
        .admin(Method::DELETE, "/admin/v1/integrations/ixc/cache", None)
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.json(), json!({"cleared": 1}));
    let third = app
        .post_as(&key, "/v1/functions/list_products", json!({}))
        .await;
    assert_eq!(third.status, 200);
    assert_eq!(app.ixc().erp.requests().total(), after_first * 2);

    let unknown = app
        .admin(Method::DELETE, "/admin/v1/integrations/nope/cache", None)
        .await;
    assert_eq!(unknown.problem(404)["code"], "not_found");
}

#[tokio::test]
async fn with_a_ttl_of_zero_every_catalog_call_asks_the_erp() {
    let app = IxcApp::start(|i| i.settings.cache.lists_ttl_seconds = 0).await;
    let key = app.ixc().key.clone();
    app.post_as(&key, "/v1/functions/list_due_dates", json!({}))
        .await;
    let once = app.ixc().erp.requests().total();
    app.post_as(&key, "/v1/functions/list_due_dates", json!({}))
        .await;
    assert_eq!(app.ixc().erp.requests().total(), once * 2);
}

#[tokio::test]
async fn associations_are_replaced_read_back_and_reach_the_erp_through_create_order() {
    let app = IxcApp::start(|i| i.settings.skip_customer_check = true).await;
    let path = "/admin/v1/integrations/ixc/associations/products";
    let empty = app.admin(Method::GET, path, None).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.json(), json!([]));
    let version = app.store.config_version().await.unwrap();
    let set = app
        .admin(
            Method::PUT,
            path,
            Some(json!([
                {"platform_code": "p-300", "erp_code": "7", "label": "Fibra 300"},
                {"platform_code": "p-100", "erp_code": "5"}
            ])),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let expected = json!([
        {"platform_code": "p-100", "erp_code": "5", "label": ""},
        {"platform_code": "p-300", "erp_code": "7", "label": "Fibra 300"}
    ]);
    assert_eq!(set.json(), expected);
    assert_eq!(app.admin(Method::GET, path, None).await.json(), expected);
    assert!(
        app.store.config_version().await.unwrap() > version,
        "other processes see the change"
    );

    // The order names p-300 with erp_product_code 2; the association sends 7.
    let answer = app.post("/v1/orders", order("o-10", STRANGER)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let prospect = app
        .ixc()
        .state()
        .row(
            "crm_canditados",
            answer.json()["output"]["remote_id"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(prospect["id_vd_contrato_desejado"], "7");

    // A product without association is refused, naming the item; nothing is called.
    let requests = app.ixc().erp.requests().total();
    let mut unknown = order("o-11", STRANGER);
    unknown["order"]["items"][0]["product_id"] = json!("p-999");
    let problem = app.post("/v1/orders", unknown).await.problem(422);
    assert_eq!(problem["code"], "association_missing");
    assert_eq!(problem["errors"][0]["path"], "/order/items/0/product_id");
    assert_eq!(problem["errors"][0]["got"], "p-999");
    assert_eq!(app.ixc().erp.requests().total(), requests);

    // Kinds without associations pass codes through as sent.
    let mut reseller = order("o-12", STRANGER);
    reseller["order"]["reseller_code"] = json!("3");
    let answer = app.post("/v1/orders", reseller).await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    // An empty list removes them all.
    let cleared = app.admin(Method::PUT, path, Some(json!([]))).await;
    assert_eq!(cleared.json(), json!([]));
    let answer = app
        .post("/v1/orders", {
            let mut o = order("o-13", STRANGER);
            o["order"]["items"][0]["product_id"] = json!("p-999");
            o
        })
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

#[tokio::test]
async fn bad_associations_are_refused() {
    let app = IxcApp::start(|_| {}).await;
    let unknown_kind = app
        .admin(
            Method::GET,
            "/admin/v1/integrations/ixc/associations/planets",
            None,
        )
        .await;
    assert_eq!(unknown_kind.problem(404)["code"], "not_found");
    let unknown_integration = app
        .admin(
            Method::GET,
            "/admin/v1/integrations/nope/associations/products",
            None,
        )
        .await;
    assert_eq!(unknown_integration.problem(404)["code"], "not_found");
    let twice = app
        .admin(
            Method::PUT,
            "/admin/v1/integrations/ixc/associations/origins",
            Some(json!([
                {"platform_code": "a", "erp_code": "1"},
                {"platform_code": "a", "erp_code": "2"}
            ])),
        )
        .await;
    assert_eq!(twice.problem(422)["code"], "invalid_input");
    let shape = app
        .admin(
            Method::PUT,
            "/admin/v1/integrations/ixc/associations/origins",
            Some(json!({"a": "1"})),
        )
        .await;
    assert_eq!(shape.problem(422)["code"], "invalid_input");
    let no_token = reqwest::Client::new()
        .get(app.url("/admin/v1/integrations/ixc/associations/products"))
        .bearer_auth(&app.ixc().key)
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
}

/// A customer with open invoices in the seed, and the ids of those invoices.
fn customer_with_open_invoices(app: &IxcApp) -> (String, Vec<String>) {
    let state = app.ixc().state();
    state
        .customers()
        .into_iter()
        .map(|c| {
            let open: Vec<String> = state
                .invoices_of(&c.id)
                .into_iter()
                .filter(|i| i.liberado == "S" && (i.status == "A" || i.status == "P"))
                .map(|i| i.id)
                .collect();
            (c.document, open)
        })
        .find(|(_, open)| open.len() >= 2)
        .expect("the seed has a customer with open invoices")
}

fn receivers() -> Vec<ponte_core::model::PixReceiver> {
    vec![ponte_core::model::PixReceiver {
        identifier: "principal".into(),
        key: "pix@fibra.example.com.br".into(),
        merchant_name: "Fibra Exemplo Ltda".into(),
        merchant_city: "Blumenau".into(),
    }]
}

/// Draws the QR code's SVG (as `qrcode` writes it: one `M x y h w v h H x V y` per dark
/// rectangle) into a grey image and decodes it.
fn decode_qr_svg(svg: &str) -> String {
    let number = |text: &str, name: &str| -> usize {
        let start = text.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        text[start..].split('"').next().unwrap().parse().unwrap()
    };
    let (width, height) = (number(svg, "width"), number(svg, "height"));
    let mut pixels = vec![255u8; width * height];
    let d_start = svg.find(" d=\"").unwrap() + 4;
    let d = svg[d_start..].split('"').next().unwrap();
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for row in y..y + h {
            for col in x..x + w {
                pixels[row * width + col] = 0;
            }
        }
    }
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the SVG");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn invoices_come_with_a_valid_barcode_a_pix_code_and_links_that_work_without_the_key() {
    let app = IxcApp::start(|i| i.settings.pix = receivers()).await;
    let (document, open) = customer_with_open_invoices(&app);
    let answer = app.get(&format!("/v1/customers/{document}/invoices")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let invoices = answer.json();
    let invoices = invoices.as_array().unwrap();
    assert_eq!(invoices.len(), open.len());
    let client = reqwest::Client::new();
    for invoice in invoices {
        let pay = &invoice["pay"];
        assert_eq!(pay["problems"], json!([]), "{invoice}");
        assert_eq!(pay["linha_digitavel_valid"], true);
        let barcode = ponte_br::Barcode::parse(pay["barcode"].as_str().unwrap()).unwrap();
        assert_eq!(barcode.as_str().len(), 44);
        assert_eq!(
            barcode.to_linha().as_str(),
            invoice["linha_digitavel"].as_str().unwrap()
        );
        assert_eq!(pay["amount"], invoice["valor_final"]);
        assert_eq!(pay["due_date"], invoice["vencimento"]);
        // No PIX from the ERP: a static code for the receiver, with the invoice's amount.
        assert_eq!(pay["pix_generated"], true);
        assert_eq!(pay["pix_valid"], true);
        let pix_code = pay["pix_code"].as_str().unwrap();
        let pix = ponte_br::BrCode::parse(pix_code).unwrap();
        assert_eq!(pix.key(), Some("pix@fibra.example.com.br"));
        assert_eq!(
            pix.amount().unwrap().to_string(),
            invoice["valor_final"].as_str().unwrap()
        );
        let fatura = invoice["fatura"].as_str().unwrap();
        assert_eq!(pix.txid(), Some(format!("FAT{fatura}").as_str()));

        // The links work without the API key.
        let pdf_url = pay["pdf_url"].as_str().unwrap();
        if invoice["link_boleto"] == "" {
            let pdf = client.get(app.url(pdf_url)).send().await.unwrap();
            assert_eq!(pdf.status(), 200);
            assert_eq!(pdf.headers()["content-type"], "application/pdf");
            assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
        } else {
            assert_eq!(pdf_url, invoice["link_boleto"].as_str().unwrap());
        }
        let svg = client
            .get(app.url(pay["barcode_svg_url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(svg.status(), 200);
        assert_eq!(svg.headers()["content-type"], "image/svg+xml");
        assert_eq!(
            svg.text().await.unwrap(),
            ponte_br::itf::svg(barcode.as_str()).unwrap()
        );
        let qr = client
            .get(app.url(pay["pix_qr_svg_url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(qr.status(), 200);
        assert_eq!(decode_qr_svg(&qr.text().await.unwrap()), pix_code);
    }

    // With the key, the PDF is served as well.
    let boleto = invoices[0]["remote_id"].as_str().unwrap();
    let pdf = app.get(&format!("/v1/invoices/{boleto}/pdf")).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    // Neither key nor link.
    let bare = client
        .get(app.url(&format!("/v1/invoices/{boleto}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
}

#[tokio::test]
async fn a_tampered_link_is_link_invalid_and_calls_nothing() {
    let app = IxcApp::start(|i| i.settings.pix = receivers()).await;
    let (document, _) = customer_with_open_invoices(&app);
    let invoices = app
        .get(&format!("/v1/customers/{document}/invoices"))
        .await
        .json();
    let pay = &invoices[0]["pay"];
    let requests = app.ixc().erp.requests().total();
    let client = reqwest::Client::new();
    let qr = pay["pix_qr_svg_url"].as_str().unwrap();
    // Another amount in the code, the same signature.
    let tampered = qr.replacen("code=0", "code=1", 1);
    assert_ne!(tampered, qr);
    for url in [
        tampered,
        format!("{}0", pay["barcode_svg_url"].as_str().unwrap()),
        pay["barcode_svg_url"]
            .as_str()
            .unwrap()
            .replace("/v1/invoices/", "/v1/invoices/9"),
    ] {
        let answer = client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(answer.status(), 403, "{url}");
        let problem: Value = answer.json().await.unwrap();
        assert_eq!(problem["code"], "link_invalid", "{url}");
    }
    if invoices[0]["link_boleto"] == "" {
        let pdf = pay["pdf_url"].as_str().unwrap();
        let other = pdf.replacen("i=ixc", "i=other", 1);
        let answer = client.get(app.url(&other)).send().await.unwrap();
        assert_eq!(answer.status(), 403);
    }
    assert_eq!(app.ixc().erp.requests().total(), requests);
}

#[tokio::test]
async fn an_expired_link_is_link_expired() {
    let app = IxcApp::empty().await;
    let signer = app.ponte.links();
    let past = time::OffsetDateTime::now_utc() - time::Duration::days(2);
    let url = signer.link("/v1/invoices/5/barcode.svg", "ixc", "1", past);
    let answer = reqwest::Client::new()
        .get(app.url(&url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["code"], "link_expired");
}

#[tokio::test]
async fn a_corrupted_linha_or_pix_code_from_the_erp_is_listed_in_problems_not_passed_on() {
    let app = IxcApp::start(|i| i.settings.pix = receivers()).await;
    let (document, open) = customer_with_open_invoices(&app);
    let state = app.ixc().state();
    let seeded = state.invoice(&open[0]).unwrap();
    // The ERP is told to serve a linha with one digit changed.
    let mut digits: Vec<u8> = seeded
        .linha_digitavel
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect();
    digits[40] = if digits[40] == b'9' {
        b'0'
    } else {
        digits[40] + 1
    };
    let corrupted = String::from_utf8(digits).unwrap();
    app.erp_put(
        "fn_areceber",
        &open[0],
        json!({"linha_digitavel": corrupted}),
    )
    .await;
    let invoices = app
        .get(&format!("/v1/customers/{document}/invoices"))
        .await
        .json();
    let invoice = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["fatura"] == open[0].as_str())
        .unwrap();
    let pay = &invoice["pay"];
    assert_eq!(pay["linha_digitavel_valid"], false);
    assert_eq!(pay["barcode"], "");
    assert_eq!(pay["barcode_svg_url"], "");
    assert_eq!(pay["problems"][0]["field"], "linha_digitavel");
    assert_eq!(pay["problems"][0]["code"], "invalid_linha_digitavel");
    // The other invoices are untouched.
    let others: Vec<&Value> = invoices
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["fatura"] != open[0].as_str())
        .collect();
    assert!(!others.is_empty());
    assert!(
        others
            .iter()
            .all(|i| i["pay"]["linha_digitavel_valid"] == true)
    );

    // Without receivers, no PIX code is made up.
    let app = IxcApp::start(|_| {}).await;
    let (document, _) = customer_with_open_invoices(&app);
    let invoices = app
        .get(&format!("/v1/customers/{document}/invoices"))
        .await
        .json();
    let pay = &invoices[0]["pay"];
    assert_eq!(pay["pix_code"], "");
    assert_eq!(pay["pix_valid"], false);
    assert_eq!(pay["pix_qr_svg_url"], "");
    assert!(
        pay["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "pix_not_configured"),
        "{pay}"
    );
}

#[tokio::test]
async fn the_erps_own_pix_code_is_passed_on_when_valid() {
    let app = IxcApp::start(|i| {
        i.variables.insert("with_pix".into(), "S".into());
        i.settings.pix = receivers();
    })
    .await;
    let (document, _) = customer_with_open_invoices(&app);
    let invoices = app
        .get(&format!("/v1/customers/{document}/invoices"))
        .await
        .json();
    let with_erp_pix: Vec<&Value> = invoices
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["pix_code"] != "")
        .collect();
    assert!(!with_erp_pix.is_empty(), "{invoices}");
    for invoice in with_erp_pix {
        assert_eq!(invoice["pay"]["pix_code"], invoice["pix_code"]);
        assert_eq!(invoice["pay"]["pix_generated"], false);
        assert_eq!(invoice["pay"]["pix_valid"], true);
        ponte_br::BrCode::parse(invoice["pay"]["pix_code"].as_str().unwrap()).unwrap();
    }
}
