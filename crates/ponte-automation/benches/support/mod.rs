//! What the engine benchmarks share: the automations, an ERP answering from memory, the
//! integration's values, the input, and the hand-written baseline.

// Each benchmark uses a part of what is here.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use ponte_automation::{
    CompiledAutomation, InboundResponse, OutboundRequest, RunEnv, Transport, TransportError,
    filters,
};
use ponte_catalog::{FunctionId, ValidatedInput};
use secrecy::SecretString;
use serde_json::{Value, json};

pub const SOURCE: &str = include_str!("../../../../examples/ixc/list_invoices.yaml");
pub const PRESET: &str = include_str!("../../../../presets/ixc/list_invoices.yaml");
/// The shared steps the preset uses.
pub const CUSTOMER_BY_DOCUMENT: &str =
    include_str!("../../../../presets/ixc/shared/customer_by_document.yaml");

/// A loop: the 30 invoices listed, then one request per invoice (as the IXC preset asks for
/// each invoice's PIX code), four at a time. What a loop iteration costs over a context that
/// holds a page of results.
pub const LOOP: &str = r#"
function: list_invoices
variables:
  base_url: {}
  ixc_user_id: {}
secrets: [ixc_token]
steps:
  - id: invoices
    request:
      method: POST
      url: "{{ vars.base_url }}/fn_areceber"
      json: { qtype: fn_areceber.id_cliente, query: "{{ input.customer_document_number }}" }
  - id: pix
    for_each:
      items: .steps.invoices.body.registros
      max_items: 50
      concurrency: 4
    request:
      method: POST
      url: "{{ vars.base_url }}/get_pix"
      json: { id_areceber: "{{ item.id }}" }
output: |
  [ .steps.invoices.body.registros[] | {
      document_number: "52998224725", fatura: .id, nome_cliente: "", valor_inicial: "1.00",
      valor_final: "1.00", juros: "", multa: "", emissao: "2026-01-01", vencimento: "2026-01-01",
      historico: "", link_boleto: "", linha_digitavel: "", code_fatura: "", identifier: "",
      remote_id: .id, pix_code: ""
    } ]
"#;
pub const BASE: &str = "http://ixc.bench/webservice/v1";

/// Answers `cliente`, `fn_areceber` and `get_pix` from memory.
#[derive(Debug)]
pub struct Memory {
    customer: Bytes,
    invoices: Bytes,
}

impl Memory {
    pub fn new() -> Self {
        let customer = json!({"page": "1", "total": "1", "registros": [
            {"id": "2", "razao": "Maria das Graças Souza", "cnpj_cpf": "529.982.247-25", "ativo": "S"}
        ]});
        let rows: Vec<Value> = (0..30)
            .map(|i| {
                json!({
                    "id": format!("{}", 145_500 + i), "id_cliente": "2", "id_contrato": "2309",
                    "status": "A", "liberado": "S", "data_emissao": "2026-11-08",
                    "data_vencimento": format!("2026-12-{:02}", 1 + i % 28),
                    "valor": "99.900000000", "valor_aberto": "99.90", "valor_recebido": "0.00",
                    "documento": format!("{}", 72_000 + i), "nparcela": "1",
                    "linha_digitavel": "34191.79001 01043.510047 91020.150008 1 10010000009990",
                    "gateway_link": "", "pix_txid": "", "obs": "", "ultima_atualizacao": "2026-11-08 13:53:41"
                })
            })
            .collect();
        let invoices = json!({"page": "1", "total": "30", "registros": rows});
        Self {
            customer: Bytes::from(customer.to_string()),
            invoices: Bytes::from(invoices.to_string()),
        }
    }

    pub fn answer(&self, path: &str) -> Bytes {
        if path.ends_with("/get_pix") {
            Bytes::from_static(
                br#"{"type":"success","qrcode":"00020101021226850014br.gov.bcb.pix"}"#,
            )
        } else if path.ends_with("/cliente") {
            self.customer.clone()
        } else {
            self.invoices.clone()
        }
    }
}

#[async_trait]
impl Transport for Memory {
    async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError> {
        Ok(InboundResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: self.answer(request.url.path()),
        })
    }
}

/// The integration's values, built once and handed to every run as a caller would.
pub fn env() -> RunEnv {
    RunEnv::new("bench")
        .with_vars(BTreeMap::from([
            ("base_url".to_owned(), BASE.to_owned()),
            ("ixc_user_id".to_owned(), "7".to_owned()),
        ]))
        .with_secrets(BTreeMap::from([(
            "ixc_token".to_owned(),
            SecretString::from("0123456789abcdef"),
        )]))
}

/// The input as the catalog hands it over (validation is the caller's, not measured here).
pub fn input() -> ValidatedInput {
    ponte_catalog::validate_input(
        FunctionId::ListInvoices,
        &json!({"customer_document_number": "52998224725"}),
    )
    .expect("a valid input")
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

pub fn compile() -> CompiledAutomation {
    ponte_automation::compile("list_invoices.yaml", SOURCE).expect("the example compiles")
}

pub fn compile_loop() -> CompiledAutomation {
    ponte_automation::compile("loop.yaml", LOOP).expect("the loop compiles")
}

pub fn compile_preset() -> CompiledAutomation {
    let mut library = ponte_automation::SharedLibrary::new();
    library.add(
        "customer_by_document",
        "presets/ixc/shared/customer_by_document.yaml",
        CUSTOMER_BY_DOCUMENT,
    );
    ponte_automation::compile_with("presets/ixc/list_invoices.yaml", PRESET, &library)
        .expect("the preset compiles")
}

/// The same two calls and the same mapping, written by hand against the same transport.
pub async fn handwritten(transport: &Memory, document: &str) -> Value {
    let formatted = filters::cpf_cnpj_format(&json!(document)).unwrap_or_default();
    let body = json!({"qtype": "cliente.cnpj_cpf", "query": formatted, "oper": "=", "page": "1", "rp": "1"});
    let req = |path: &str, body: &Value| OutboundRequest {
        method: http::Method::POST,
        url: url::Url::parse(&format!("{BASE}/{path}")).expect("url"),
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_string()),
        timeout: Duration::from_secs(10),
        max_response_bytes: 10 << 20,
        public_only: false,
    };
    let customer = transport.send(req("cliente", &body)).await.expect("answer");
    let customer: Value = serde_json::from_slice(&customer.body).unwrap_or_default();
    let Some(c) = customer["registros"].get(0) else {
        return json!([]);
    };
    let body = json!({"qtype": "fn_areceber.id_cliente", "query": c["id"], "oper": "=", "page": "1", "rp": "200"});
    let invoices = transport
        .send(req("fn_areceber", &body))
        .await
        .expect("answer");
    let invoices: Value = serde_json::from_slice(&invoices.body).unwrap_or_default();
    let text = |v: &Value| filters::text(v);
    let out: Vec<Value> = invoices["registros"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            json!({
                "document_number": filters::document(&c["cnpj_cpf"]),
                "fatura": text(&r["id"]),
                "nome_cliente": text(&c["razao"]),
                "valor_inicial": filters::money(&r["valor"]).unwrap_or_default(),
                "valor_final": filters::money(&r["valor_aberto"]).unwrap_or_default(),
                "juros": "", "multa": "",
                "emissao": filters::date(&r["data_emissao"]).unwrap_or_default(),
                "vencimento": filters::date(&r["data_vencimento"]).unwrap_or_default(),
                "historico": text(&r["id_contrato"]),
                "link_boleto": text(&r["gateway_link"]),
                "linha_digitavel": filters::digits(&r["linha_digitavel"]),
                "code_fatura": text(&r["documento"]),
                "identifier": "", "remote_id": text(&r["id"]), "pix_code": "",
            })
        })
        .collect();
    Value::Array(out)
}
