//! The story against the Hubsoft simulator and the `hubsoft` preset (OAuth2 password grant).
//! A contract is a service (`id_cliente_servico`), and the boleto id the preset gives is
//! `<id_fatura>-<id_cliente_servico>`. The catalogs are read from the simulator's own
//! answers, since its seed catalogs are not public.

use ponte_catalog::FunctionId;
use ponte_simulators::hubsoft::{self, FixtureCustomer, HubsoftConfig, RunningHubsoft};
use serde_json::{Value, json};

use crate::common::preset::PresetApp;
use crate::scenario::{self, Customer, Erp, Seed};

struct Hubsoft {
    erp: RunningHubsoft,
    /// The document the story's lead is registered with.
    lead_document: String,
}

/// A service Hubsoft offers at [`SERVED_CEP`], and that CEP: the catalog's examples name a
/// product and an address of their own, which Hubsoft checks.
const OFFERED_SERVICE: &str = "1302";
const SERVED_CEP: &str = "35560-098";

impl Erp for Hubsoft {
    fn invoice_open(&self, id: &str) -> bool {
        let id = id.split('-').next().unwrap().parse().unwrap();
        self.erp
            .state()
            .invoice(id)
            .is_some_and(|i| i.data_pagamento.is_none())
    }

    fn created(&self, function: FunctionId, remote_id: &str) -> bool {
        let state = self.erp.state();
        match function {
            FunctionId::CreateTicket | FunctionId::CreateOrderExistingCustomer => state
                .tickets()
                .iter()
                .any(|t| t.id_atendimento.to_string() == remote_id),
            FunctionId::CreateOrder => state
                .prospects()
                .iter()
                .any(|p| p.id_prospecto.to_string() == remote_id),
            FunctionId::CreateLead => state
                .prospects()
                .iter()
                .any(|p| p.cpf_cnpj.as_deref() == Some(self.lead_document.as_str())),
            _ => false,
        }
    }

    fn adapt(&self, function: FunctionId, input: &mut Value) {
        match function {
            FunctionId::CreateOrder => {
                input["order"]["items"][0]["erp_product_code"] = json!(OFFERED_SERVICE);
                input["order"]["address"]["cep"] = json!(SERVED_CEP);
                input["order"]
                    .as_object_mut()
                    .unwrap()
                    .remove("reseller_code");
            }
            FunctionId::CreateLead => {
                input["lead"]["erp_product_code"] = json!(OFFERED_SERVICE);
                input["lead"]["cep"] = json!(SERVED_CEP);
            }
            _ => {}
        }
    }
}

/// The simulator's own answer to `GET <path>`, with a token of its own.
async fn listed(erp: &RunningHubsoft, path: &str) -> Value {
    let config = erp.state().config().clone();
    let client = reqwest::Client::new();
    let token: Value = client
        .post(erp.token_url())
        .json(
            &json!({"grant_type": "password", "client_id": config.client_id,
                      "client_secret": config.client_secret, "username": config.username,
                      "password": config.password}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    client
        .get(format!("{}{path}", erp.api_url()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

async fn catalogs(erp: &RunningHubsoft) -> Vec<(FunctionId, Value)> {
    let products = listed(erp, "/configuracao/servico").await;
    let days = listed(erp, "/configuracao/vencimento").await;
    let sellers = listed(erp, "/configuracao/vendedor").await;
    let origins = listed(erp, "/configuracao/origem_cliente").await;
    let each = |list: &Value, key: &str, map: &dyn Fn(&Value) -> Value| {
        Value::Array(list[key].as_array().unwrap().iter().map(map).collect())
    };
    vec![
        (
            FunctionId::ListProducts,
            each(
                &products,
                "servicos",
                &|p| json!({"codigo": text(&p["id_servico"]), "nome": text(&p["descricao"])}),
            ),
        ),
        (
            FunctionId::ListDueDates,
            each(
                &days,
                "vencimentos",
                &|d| json!({"code": text(&d["id_vencimento"]), "name": text(&d["dia_vencimento"])}),
            ),
        ),
        (
            FunctionId::ListResellers,
            each(
                &sellers,
                "vendedores",
                &|s| json!({"code": text(&s["id"]), "name": text(&s["name"]), "taxvat": "", "email": ""}),
            ),
        ),
        (
            FunctionId::ListCommercialOrigins,
            each(
                &origins,
                "origens_cliente",
                &|o| json!({"code": text(&o["id_origem_cliente"]), "description": text(&o["descricao"])}),
            ),
        ),
    ]
}

async fn seed(erp: &RunningHubsoft) -> Seed {
    let state = erp.state();
    let fixtures = state.fixtures().clone();
    let today = state.today();
    let customer = |f: &FixtureCustomer| Customer {
        document: f.document.clone(),
        name: f.name.clone(),
        id: f.id_cliente.to_string(),
    };
    let two = &fixtures.two_contracts;
    let two_customer = state.customer_by_document(&two.document).unwrap();
    let services = state.services_of(two.id_cliente);
    let live: Vec<_> = services
        .iter()
        .filter(|s| s.status_prefixo != "cancelado" && s.status_prefixo != "inativo")
        .collect();
    let blocked = &fixtures.blocked;
    let overdue: Vec<String> = blocked
        .open_invoices
        .iter()
        .filter(|id| state.invoice(**id).unwrap().data_vencimento < today)
        .map(ToString::to_string)
        .collect();
    let tomorrow = today + time::Duration::days(1);
    let active = &fixtures.active;
    let company = &fixtures.company;
    Seed {
        cpf: customer(active),
        cnpj: customer(company),
        alphanumeric_cnpj: customer(&fixtures.alphanumeric_cnpj),
        unknown_document: fixtures.unknown_document.clone(),
        contacts: (
            two.document.clone(),
            [
                &two_customer.email_principal,
                &two_customer.email_secundario,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        ),
        plans: (
            two.document.clone(),
            live.iter()
                .map(|s| s.id_cliente_servico.to_string())
                .collect(),
            live.iter()
                .filter(|s| {
                    s.status_prefixo == "suspenso_debito"
                        || s.status_prefixo == "suspenso_parcialmente"
                })
                .map(|s| s.id_cliente_servico.to_string())
                .collect(),
        ),
        unlock: (
            blocked.document.clone(),
            blocked.id_cliente_servico.to_string(),
            // The simulator's refusal while the first release lasts (its words are a guess:
            // Hubsoft documents the refusal, not its text).
            format!(
                "O serviço já possui um desbloqueio em confiança ativo até a data {:02}/{:02}/{:04}",
                tomorrow.day(),
                u8::from(tomorrow.month()),
                tomorrow.year()
            ),
        ),
        invoices: (
            blocked.document.clone(),
            blocked
                .open_invoices
                .iter()
                .map(ToString::to_string)
                .collect(),
            overdue,
        ),
        pix: true,
        linha: true,
        write_off: (
            active.document.clone(),
            format!("{}-{}", active.open_invoices[0], active.id_cliente_servico),
        ),
        catalogs: catalogs(erp).await,
        notes: (
            company.document.clone(),
            state
                .notes_of(company.id_cliente)
                .iter()
                .map(|n| {
                    if n.nfse {
                        format!("nfse-{}", n.id)
                    } else {
                        n.id.to_string()
                    }
                })
                .collect(),
        ),
        ticket_contract: active.id_cliente_servico.to_string(),
    }
}

#[tokio::test]
async fn the_story_told_by_the_hubsoft_preset() {
    let config = HubsoftConfig::default();
    let erp = hubsoft::start(config.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = erp.base_url();
    let app = PresetApp::start(
        "hubsoft",
        &[
            ("client_secret", &config.client_secret),
            ("api_password", &config.password),
        ],
        |i| {
            i.variables.insert("base_url".into(), base);
            i.variables
                .insert("client_id".into(), config.client_id.clone());
            i.variables
                .insert("api_user".into(), config.username.clone());
            i.variables.insert("cash_box_id".into(), "150".into());
        },
    )
    .await;
    let seed = seed(&erp).await;
    let lead_document = seed.unknown_document.clone();
    scenario::tell("hubsoft", &app, &seed, &Hubsoft { erp, lead_document }).await;
}
