//! The two invoice listings, which differ in almost everything (erps.md §6.5, addendum §2):
//!
//! - `GET /cliente/financeiro`: one customer's invoices, `limit` ≤ 50 (default 20), pending
//!   only by default, dates `dd/mm/yyyy`, `valor` a JSON number, the PIX as `pix_copia_cola`;
//! - `GET /financeiro/fatura`: every invoice, page by page (`pagina` from 0,
//!   `itens_por_pagina` ≤ 500, default 50) with `paginacao`, dates ISO, `valor` a string without
//!   trailing zeros, the PIX as `pix_copia_e_cola` and only when asked for, and by default only
//!   the last 10 days on the chosen date.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::{Date, Duration};

use super::cliente::{AddressStyle, addresses, pagination, service_summary};
use super::config::{HubsoftConfig, UnknownCustomer};
use super::guesses::{CUSTOMER_NOT_FOUND, PERIOD_REVERSED, invalid_search, period_too_long};
use super::model::{Customer, Invoice};
use super::seed::catalog::{BILLING_FORM, CASH_BOXES, COMPANY, status_name};
use super::state::{Db, HubsoftState};
use super::values::{br, iso, iso_datetime, money_number, money_text};
use super::wire::{Params, envelope, error, origin, query, success};

/// The PIX code `cliente/financeiro` shows: for the open balance, none once settled unless the
/// config keeps it.
pub(crate) fn pix_of(config: &HubsoftConfig, invoice: &Invoice) -> Option<String> {
    let cents = if invoice.is_open() {
        invoice.open_cents()
    } else if config.pix_on_paid_invoices {
        invoice.valor_cents
    } else {
        return None;
    };
    super::codes::pix(config, u64::try_from(cents).ok()?, &invoice.pix_txid)
}

/// Fine and interest, in cents, owed on an invoice paid on `day`: the `forma_cobranca` rates,
/// the fine once, the monthly interest pro rata die.
pub(crate) fn late_charges(config: &HubsoftConfig, invoice: &Invoice, day: Date) -> (i64, i64) {
    let open = invoice.open_cents();
    if day <= invoice.data_vencimento || open <= 0 {
        return (0, 0);
    }
    let days = (day - invoice.data_vencimento).whole_days();
    let fine = open * i64::from(config.fine_basis_points) / 10_000;
    let interest = open * i64::from(config.interest_basis_points_per_month) * days / (30 * 10_000);
    (fine, interest)
}

fn company() -> Value {
    json!({"documento": COMPANY.cnpj, "nome_razaosocial": COMPANY.razao,
           "nome_fantasia": COMPANY.fantasia})
}

fn link(base: &str, invoice: &Invoice) -> String {
    format!("{base}/pdf/fatura/{}", invoice.link_token)
}

/// One invoice as `cliente/financeiro` lists it.
fn client_invoice(config: &HubsoftConfig, db: &Db, base: &str, invoice: &Invoice) -> Value {
    let customer = db.customer(invoice.id_cliente);
    let mut cliente = Map::new();
    cliente.insert(
        "codigo_cliente".into(),
        json!(customer.map(|c| c.codigo_cliente)),
    );
    cliente.insert(
        "nome_razaosocial".into(),
        json!(customer.map(|c| &c.nome_razaosocial)),
    );
    cliente.insert("cpf_cnpj".into(), json!(customer.map(|c| &c.cpf_cnpj)));
    if let Some(service) = db.service(invoice.id_cliente_servico) {
        let mut servico = service_summary(service);
        servico.extend(addresses(db, service, AddressStyle::Invoice));
        cliente.insert("servico".into(), Value::Object(servico));
    }
    let (issued, _) = invoice.data_cadastro;
    let nosso_dv = format!(
        "{:07}-{}",
        invoice.nosso_numero.parse::<u64>().unwrap_or(0),
        invoice.id_fatura % 10
    );
    json!({
        "id_fatura": invoice.id_fatura,
        "nosso_numero": invoice.nosso_numero,
        "nosso_numero_dv": nosso_dv,
        "linha_digitavel": invoice.linha_digitavel,
        "codigo_barras": invoice.codigo_barras,
        "link": link(base, invoice),
        "agencia_codigo_beneficiario": "3166 / 67261",
        "beneficiario": format!("{} / CNPJ: {}", COMPANY.razao, COMPANY.display_cnpj),
        "numero_documento": invoice.id_fatura,
        "especie": "DS",
        "especie_dinheiro": "R$",
        "aceite": "N",
        "local_pagamento": "PAGÁVEL EM QUALQUER BANCO ATÉ O VENCIMENTO",
        "carteira": "1",
        "tipo_cobranca": "boleto_bancario",
        "valor": money_number(invoice.valor_cents),
        "data_vencimento": br(invoice.data_vencimento),
        "data_cadastro": br(issued),
        "data_pagamento": invoice.data_pagamento.map(br),
        "data_documento": br(issued),
        "data_processamento": br(issued),
        "empresa": company(),
        "pix_copia_cola": pix_of(config, invoice),
        "detalhamento": invoice.itens.iter()
            .map(|(_, d, c)| json!({"descricao": d, "valor": money_number(*c)}))
            .collect::<Vec<_>>(),
        "cliente": cliente,
    })
}

/// The customers a `busca`/`termo_busca` pair names; a masked document matches only when the
/// config says so, as in `cliente`.
fn customers_for<'a>(
    config: &HubsoftConfig,
    db: &'a Db,
    kind: &str,
    term: &str,
) -> Vec<&'a Customer> {
    let bare = super::values::bare_document(term);
    db.customers
        .iter()
        .filter(|c| match kind {
            "cpf_cnpj" => {
                c.cpf_cnpj == term || (config.masked_document_matches && c.cpf_cnpj == bare)
            }
            "codigo_cliente" => c.codigo_cliente.to_string() == term,
            "id_cliente" => c.id_cliente.to_string() == term,
            "id_cliente_servico" => db
                .services_of(c.id_cliente)
                .any(|s| s.id_cliente_servico.to_string() == term),
            _ => false,
        })
        .collect()
}

/// `GET /api/v1/integracao/cliente/financeiro`.
pub(crate) async fn by_customer(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    const SEARCHES: [&str; 3] = ["cpf_cnpj", "codigo_cliente", "id_cliente_servico"];
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    let term = p.required("termo_busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return error(&invalid_search(kind, &SEARCHES));
    }
    let limit = p.bounded("limit", 1, 50, 20);
    let pending_only = p.yes_no("apenas_pendente", true);
    let order_by = p.choice(
        "order_by",
        &[
            "data_vencimento",
            "data_pagamento",
            "data_cadastro",
            "valor",
        ],
        "data_vencimento",
    );
    let descending = p.choice("order_type", &["asc", "desc"], "asc") == "desc";
    let from = p.date("data_inicio");
    let to = p.date("data_fim");
    // `tipo_data` is only validated when a date is given (documented).
    let date_kind = if from.is_some() || to.is_some() {
        p.choice(
            "tipo_data",
            &["data_vencimento", "data_pagamento", "data_cadastro"],
            "data_vencimento",
        )
    } else {
        "data_vencimento".to_string()
    };
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (Some(kind), Some(term)) = (kind, term) else {
        return error(CUSTOMER_NOT_FOUND);
    };
    let config = state.config();
    let inner = state.lock();
    let db = &inner.db;
    let owners = customers_for(config, db, &kind, &term);
    if owners.is_empty() && config.unknown_customer == UnknownCustomer::Error {
        return error(CUSTOMER_NOT_FOUND);
    }
    let service_filter = (kind == "id_cliente_servico").then(|| term.clone());
    let mut list: Vec<&Invoice> = db
        .invoices
        .iter()
        .filter(|i| owners.iter().any(|c| c.id_cliente == i.id_cliente))
        .filter(|i| {
            service_filter
                .as_deref()
                .is_none_or(|s| i.id_cliente_servico.to_string() == s)
        })
        .filter(|i| !pending_only || i.is_open())
        .filter(|i| in_period(i, &date_kind, from, to))
        .collect();
    sort(&mut list, &order_by, descending);
    let base = origin(&headers);
    let faturas: Vec<Value> = list
        .iter()
        .take(usize::try_from(limit).unwrap_or(20))
        .map(|i| client_invoice(config, db, &base, i))
        .collect();
    // Every vendor sample of this endpoint spells the success value "suscess".
    let word = if config.misspelt_success {
        "suscess"
    } else {
        "success"
    };
    envelope(
        word,
        "Dados consultados com sucesso",
        json!({"faturas": faturas}),
    )
}

fn date_of(invoice: &Invoice, kind: &str) -> Option<Date> {
    match kind {
        "data_pagamento" => invoice.data_pagamento,
        "data_cadastro" => Some(invoice.data_cadastro.0),
        _ => Some(invoice.data_vencimento),
    }
}

fn in_period(invoice: &Invoice, kind: &str, from: Option<Date>, to: Option<Date>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    date_of(invoice, kind).is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
}

fn sort(list: &mut [&Invoice], by: &str, descending: bool) {
    match by {
        "valor" => list.sort_by_key(|i| (i.valor_cents, i.id_fatura)),
        "data_pagamento" => list.sort_by_key(|i| (i.data_pagamento, i.id_fatura)),
        "data_cadastro" => list.sort_by_key(|i| (i.data_cadastro, i.id_fatura)),
        _ => list.sort_by_key(|i| (i.data_vencimento, i.id_fatura)),
    }
    if descending {
        list.reverse();
    }
}

/// One invoice as `financeiro/fatura` lists it.
fn listed_invoice(
    config: &HubsoftConfig,
    db: &Db,
    base: &str,
    invoice: &Invoice,
    detailed: bool,
    pix: bool,
) -> Value {
    let customer = db.customer(invoice.id_cliente);
    let paid = invoice.paid_cents();
    let last_receipt = invoice.recibos.last();
    let mut map = Map::new();
    map.insert("id_fatura".into(), Value::from(invoice.id_fatura));
    if detailed {
        map.insert("id_carne".into(), Value::Null);
        map.insert(
            "id_cliente_servico".into(),
            Value::from(invoice.id_cliente_servico),
        );
    }
    let (date, seconds) = invoice.data_cadastro;
    for (key, value) in [
        ("nosso_numero", json!(invoice.nosso_numero)),
        ("data_vencimento", json!(iso(invoice.data_vencimento))),
        ("data_pagamento", json!(invoice.data_pagamento.map(iso))),
        (
            "data_credito",
            json!(
                invoice
                    .data_pagamento
                    .and(last_receipt)
                    .map(|r| iso(r.data_credito))
            ),
        ),
        ("data_cadastro", json!(iso_datetime(date, seconds))),
        ("valor", json!(money_text(invoice.valor_cents))),
        (
            "valor_pago",
            if paid > 0 {
                json!(money_text(paid))
            } else {
                Value::Null
            },
        ),
        ("valor_juros_pago", Value::Null),
        ("valor_desconto", json!(0)),
        ("linha_digitavel", json!(invoice.linha_digitavel)),
        ("codigo_barras", json!(invoice.codigo_barras)),
        ("tipo_cobranca", json!("boleto_bancario")),
        ("link", json!(link(base, invoice))),
        ("empresa", company()),
    ] {
        map.insert(key.into(), value);
    }
    if let Some(c) = customer {
        let (registered, at) = c.data_cadastro;
        map.insert(
            "cliente".into(),
            json!({
                "id_cliente": c.id_cliente,
                "codigo_cliente": c.codigo_cliente,
                "nome_razaosocial": c.nome_razaosocial,
                "nome_fantasia": c.nome_fantasia,
                "tipo_pessoa": c.tipo_pessoa,
                "cpf_cnpj": c.cpf_cnpj,
                "data_nascimento": c.data_nascimento.map(iso),
                "telefone_primario": c.telefone_primario,
                "telefone_secundario": c.telefone_secundario,
                "telefone_terciario": c.telefone_terciario,
                "email_principal": c.email_principal,
                "email_secundario": c.email_secundario,
                "data_cadastro": iso_datetime(registered, at),
                "ativo": c.ativo,
            }),
        );
    }
    if detailed && let Some(service) = db.service(invoice.id_cliente_servico) {
        let mut install = addresses(db, service, AddressStyle::Invoice);
        map.insert(
            "servico".into(),
            json!({
                "numero_plano": service.numero_plano,
                "descricao": service.nome,
                "servico_status": status_name(&service.status_prefixo),
                "endereco_instalacao": install.remove("endereco_instalacao"),
            }),
        );
    }
    map.insert(
        "forma_cobranca".into(),
        json!({
            "id_forma_cobranca": BILLING_FORM.0,
            "descricao": BILLING_FORM.1,
            "numero_banco": config.bank_code,
            "agencia": "3166",
            "agencia_digito": "0",
            "conta": "0067261",
            "conta_digito": "0",
            "convenio": "67261",
            "juros": money_number(i64::from(config.interest_basis_points_per_month)),
            "multa": money_number(i64::from(config.fine_basis_points)),
            "tipo_juros": "percentual_mensal",
            "tipo_multa": "percentual",
        }),
    );
    // The PIX key is `pix_copia_e_cola` here, filled only when asked for (addendum §2).
    map.insert(
        "pix_copia_e_cola".into(),
        if pix {
            json!(pix_of(config, invoice))
        } else {
            Value::Null
        },
    );
    if detailed {
        map.insert(
            "cobrancas".into(),
            json!(invoice.itens.iter()
            .map(|(id, d, c)| json!({"id_cobranca": id, "descricao": d, "valor": money_number(*c)}))
            .collect::<Vec<_>>()),
        );
        map.insert("recibos".into(), json!(invoice.recibos.iter().map(|r| {
            let caixa = CASH_BOXES.iter().find(|(id, _)| *id == r.id_caixa_financeiro).map_or("", |(_, d)| d);
            json!({
                "id_recibo": r.id_recibo,
                "numero_recibo": r.numero_recibo,
                "caixa_financeiro": {"id_caixa_financeiro": r.id_caixa_financeiro, "descricao": caixa},
                "valor": money_number(r.valor_cents),
                "data_pagamento": iso(r.data_pagamento),
                "data_cadastro": iso_datetime(r.data_cadastro.0, r.data_cadastro.1),
                "cobrancas": invoice.itens.first().map(|(id, _, _)| vec![json!({"id_cobranca": id, "valor": money_number(r.valor_cents)})]).unwrap_or_default(),
            })
        }).collect::<Vec<_>>()));
    }
    Value::Object(map)
}

/// `GET /api/v1/integracao/financeiro/fatura`.
pub(crate) async fn listing(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    const SEARCHES: [&str; 4] = [
        "id_cliente",
        "codigo_cliente",
        "cpf_cnpj",
        "id_cliente_servico",
    ];
    let config = state.config();
    let today = state.today();
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let page = p.bounded("pagina", 0, u64::from(u32::MAX), 0);
    let per_page = p.bounded("itens_por_pagina", 1, 500, 50);
    let company_doc = p.text("documento");
    if company_doc
        .as_deref()
        .is_some_and(|d| !super::values::is_digits(d) || d.len() != 14)
    {
        p.fail(super::guesses::invalid_value("documento"));
    }
    let kind = p.text("busca");
    let term = p.text("termo_busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return error(&invalid_search(kind, &SEARCHES));
    }
    if kind.is_some() && term.is_none() {
        p.fail(super::guesses::required("termo_busca"));
    }
    let date_kind = p.choice(
        "tipo_data",
        &["data_vencimento", "data_pagamento", "data_cadastro"],
        "data_vencimento",
    );
    let detailed = p.choice(
        "tipo_resultado",
        &["simplificado", "detalhado"],
        "simplificado",
    ) == "detalhado";
    let from = p.date("data_inicio");
    let to = p.date("data_fim");
    let only_paid = p.yes_no("apenas_quitado", false);
    let only_open = p.yes_no("apenas_em_aberto", false);
    let zero_value = p.yes_no("valor_zerado", false);
    let pix = p.yes_no("exibir_pix_copia_cola", false);
    let record_status = p.choice(
        "status_cadastro_cliente",
        &["ativo", "inativo", "todos"],
        "todos",
    );
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    // No period means the last 10 days up to today (addendum §2).
    let from = from.unwrap_or(today - Duration::days(10));
    let to = to.unwrap_or(today);
    if to < from {
        return error(PERIOD_REVERSED);
    }
    let max_days = 30;
    if kind.is_none() && (to - from).whole_days() > i64::from(max_days) {
        return error(&period_too_long(max_days));
    }
    let inner = state.lock();
    let db = &inner.db;
    let owners: Option<Vec<&Customer>> = kind
        .as_deref()
        .zip(term.as_deref())
        .map(|(k, t)| customers_for(config, db, k, t));
    let service_filter = (kind.as_deref() == Some("id_cliente_servico"))
        .then(|| term.clone())
        .flatten();
    let mut list: Vec<&Invoice> = db
        .invoices
        .iter()
        .filter(|i| {
            owners
                .as_ref()
                .is_none_or(|o| o.iter().any(|c| c.id_cliente == i.id_cliente))
        })
        .filter(|i| {
            service_filter
                .as_deref()
                .is_none_or(|s| i.id_cliente_servico.to_string() == s)
        })
        .filter(|_| company_doc.as_deref().is_none_or(|d| d == COMPANY.cnpj))
        .filter(|i| !only_paid || !i.is_open())
        .filter(|i| !only_open || i.is_open())
        .filter(|i| zero_value || i.valor_cents > 0)
        .filter(|i| match record_status.as_str() {
            "ativo" => db.customer(i.id_cliente).is_some_and(|c| c.ativo),
            "inativo" => db.customer(i.id_cliente).is_some_and(|c| !c.ativo),
            _ => true,
        })
        .filter(|i| in_period(i, &date_kind, Some(from), Some(to)))
        .collect();
    list.sort_by_key(|i| i.id_fatura);
    let total = list.len();
    let base = origin(&headers);
    let start = usize::try_from(page.saturating_mul(per_page)).unwrap_or(usize::MAX);
    let faturas: Vec<Value> = list
        .iter()
        .skip(start)
        .take(usize::try_from(per_page).unwrap_or(50))
        .map(|i| listed_invoice(config, db, &base, i, detailed, pix))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"paginacao": pagination(total, page, per_page), "faturas": faturas}),
    )
}
