//! How SGP writes the story's records: the contract items of consultacliente (a real answer of
//! the vendor's demo instance, erps.md §3.3 [MEAS]), the camelCase titles of `/api/ura/titulos/`
//! (erps-addendum §3 [MEAS]), the lower-case titles of `/api/central/titulos/` [DOC-3P, CODE],
//! and the public links of boletos.

use axum::http::HeaderMap;
use serde_json::{Value, json};
use time::Date;

use super::auth::Caller;
use super::config::SgpConfig;
use super::guesses::{PdfLink, SgpGuesses};
use super::story::codes::{late_charges, mask_linha};
use super::story::model::{Contact, Contract, Title, TitleStatus};
use super::story::values::{br, iso, reais, same_month};
use super::story::{Story, catalog, clock};
use super::wire::boolean;

/// What every handler needs besides the data.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    pub config: &'a SgpConfig,
    pub guesses: &'a SgpGuesses,
    pub today: Date,
    /// `https://host` of the links.
    pub base: String,
    pub caller: Caller,
}

impl Ctx<'_> {
    /// Whether the caller may see this customer's records.
    pub fn may_see(&self, customer_id: u64) -> bool {
        match self.caller {
            Caller::Integration => true,
            Caller::Customer(own) => own == customer_id,
        }
    }

    /// A boolean as this instance writes it.
    pub fn boolean(&self, value: bool) -> Value {
        boolean(self.guesses, value)
    }
}

/// The address links point at: the configured public URL, or the host the request came to.
pub(crate) fn public_base(config: &SgpConfig, headers: &HeaderMap) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The value due `today`: the open face value plus fine and interest once overdue.
pub(crate) fn corrected_cents(config: &SgpConfig, title: &Title, today: Date) -> i64 {
    let open = title.open_cents();
    let (interest, fine) = late_charges(&config.story(), open, title.due, today);
    open + interest + fine
}

/// The boleto's public link, `https://<host>/boleto/<id>-<code>/` (erps-addendum §3
/// [DOC-3P]; the id in it is not the title id [MEAS]), or its PDF form.
pub(crate) fn link(ctx: &Ctx<'_>, title: &Title, pdf: bool) -> String {
    let page = format!("{}/boleto/{}-{}/", ctx.base, title.link_id, title.link_code);
    if !pdf {
        return page;
    }
    match ctx.guesses.pdf_link {
        PdfLink::ReplaceSlash => format!("{}.pdf", page.trim_end_matches('/')),
        PdfLink::Append => format!("{page}.pdf"),
    }
}

fn contacts(guesses: &SgpGuesses, list: &[Contact], phones: bool) -> Value {
    Value::Array(
        list.iter()
            .map(|c| {
                if !guesses.contacts_as_objects {
                    Value::String(c.value.clone())
                } else if phones {
                    json!({"inscricoes": [], "tipoContato": c.kind, "contato": c.value})
                } else {
                    json!({"tipoContato": c.kind, "contato": c.value})
                }
            })
            .collect(),
    )
}

/// One item of consultacliente's `contratos`.
pub(crate) fn contract(ctx: &Ctx<'_>, story: &Story, contract: &Contract) -> Value {
    let customer = story.customer(contract.customer_id);
    let plan = catalog::plan(contract.plan_id);
    let plan_name = plan.map(|p| p.name).unwrap_or("");
    let pop = catalog::POPS
        .iter()
        .find(|(id, _)| *id == contract.pop_id)
        .map(|(_, name)| *name)
        .unwrap_or("");
    let open: Vec<&Title> = story
        .titles_of_contract(contract.id)
        .filter(|t| t.status == TitleStatus::Open)
        .collect();
    let open_cents: i64 = open.iter().map(|t| t.open_cents()).sum();
    let promises = contract
        .promises
        .iter()
        .filter(|d| same_month(**d, ctx.today))
        .count();
    let display = if ctx.guesses.status_display_leading_space {
        format!(" {}", contract.status.name())
    } else {
        contract.status.name().to_string()
    };
    let empty = Vec::new();
    let (phones, emails) = customer.map_or((&empty, &empty), |c| (&c.phones, &c.emails));
    let address = customer.map(|c| c.address.clone()).unwrap_or_default();
    let stamp = |(date, seconds): (Date, u32)| format!("{} {}", br(date), clock(seconds));
    let head = json!({
        "contratoId": contract.id,
        "clienteId": contract.customer_id,
        "razaoSocial": customer.map(|c| c.name.clone()),
        "cpfCnpj": customer.map(|c| c.stored_document.clone()),
        "dataNascimento": customer.and_then(|c| c.birth).map(iso),
        "dataCadastro": customer.map(|c| stamp(c.registered)),
        "dataAlteracao": customer.map(|c| stamp(c.changed)),
        "contratoStatus": contract.status.code(),
        "contratoStatusDisplay": display,
        "contratoStatusModo": 1,
        "contratoValorAberto": reais(open_cents),
        "contratoTitulosAReceber": open.len(),
        "promessasPagamentoMes": promises,
    });
    // One `json!` this size exceeds the macro's recursion limit, so the item is built in parts.
    let service = json!({
        "servico_plano": plan_name,
        "planointernet": plan_name,
        "servico_login": contract.login,
        "servico_senha": contract.service_password,
        "servico_mac": contract.mac,
        "servico_mac2": "",
        "servico_vlan": "None",
        "servico_grupo": "fibra",
        "servico_tipo_conexao": "PPPoE",
        "servico_wifi_ssid": "",
        "servico_wifi_password": "",
        "servico_wifi_channel": "auto",
        "servico_wifi_ssid_5": "",
        "servico_wifi_password_5": "",
        "servico_wifi_channel_5": "auto",
    });
    let rest = json!({
        "contratoCentralLogin": contract.central_login,
        "contratoCentralSenha": contract.central_password,
        "popId": contract.pop_id,
        "popNome": pop,
        "telefones": contacts(ctx.guesses, phones, true),
        "emails": contacts(ctx.guesses, emails, false),
        "telefones_cargos": phones
            .iter()
            .map(|p| json!({"cargo": null, "contato": p.value, "nome": null}))
            .collect::<Vec<_>>(),
        "tags": [],
        "endereco_logradouro": address.street,
        "endereco_numero": address.number,
        "endereco_complemento": (!address.complement.is_empty()).then_some(address.complement),
        "endereco_bairro": address.district,
        "endereco_cidade": address.city,
        "endereco_uf": address.uf,
        "endereco_cep": address.cep,
        "endereco_pontoreferencia": address.reference,
        "endereco_ll": "",
        "cobPermuta": ctx.boolean(false),
        "cobIsento": 0,
        "link_quitacao": format!(
            "{}/api/declaracao/quitacao/{}/{}/{}",
            ctx.base,
            contract.id,
            contract.central_password,
            ctx.today.year() - 1
        ),
    });
    let mut item = head;
    for part in [service, rest] {
        if let (Value::Object(into), Value::Object(from)) = (&mut item, part) {
            into.extend(from);
        }
    }
    item
}

fn status_word(status: TitleStatus) -> &'static str {
    match status {
        TitleStatus::Open => "aberto",
        TitleStatus::Paid => "pago",
        TitleStatus::Cancelled => "cancelado",
    }
}

/// One item of `/api/ura/titulos/`.
pub(crate) fn title_ura(ctx: &Ctx<'_>, title: &Title) -> Value {
    let overdue_days = if title.overdue(ctx.today) {
        (ctx.today - title.due).whole_days()
    } else {
        0
    };
    let corrected = match title.status {
        TitleStatus::Open => corrected_cents(ctx.config, title, ctx.today),
        _ => title.cents,
    };
    json!({
        "id": title.id,
        "numeroDocumento": title.document_number,
        "clienteId": title.customer_id,
        "clienteContrato": title.contract_id,
        "valor": reais(title.cents),
        "valorCorrigido": reais(corrected),
        "valorPago": reais(title.paid_cents()),
        "dataDocumento": iso(title.issued),
        "dataVencimento": iso(title.due),
        "dataPagamento": title.paid_on().map(iso),
        "dataCancelamento": title.cancelled_on.map(iso),
        "diasAtraso": overdue_days,
        "status": status_word(title.status),
        "linhaDigitavel": mask_linha(&title.linha),
        "codigoBarras": title.barcode,
        "codigoPix": title.pix,
        "link": link(ctx, title, false),
        "link_cobranca": format!("{}cobranca/", link(ctx, title, false)),
    })
}

/// One item of `/api/central/titulos/`.
pub(crate) fn title_central(ctx: &Ctx<'_>, title: &Title) -> Value {
    let (word, id) = match title.status {
        TitleStatus::Open => (ctx.guesses.central_open_word.as_str(), 1),
        TitleStatus::Paid => ("Pago", 2),
        TitleStatus::Cancelled => ("Cancelado", 3),
    };
    let overdue = title.overdue(ctx.today);
    let corrected = match title.status {
        TitleStatus::Open => corrected_cents(ctx.config, title, ctx.today),
        _ => title.cents,
    };
    let page = link(ctx, title, false);
    json!({
        "id": title.id,
        "status": word,
        "statusid": id,
        "numero_documento": title.document_number,
        "valor": reais(title.cents),
        "valorcorrigido": reais(corrected),
        "vencimento": iso(title.due),
        "vencimento_atualizado": iso(if overdue { ctx.today } else { title.due }),
        "data_pagamento": title.paid_on().map(iso),
        "linhadigitavel": mask_linha(&title.linha),
        "codigopix": title.pix,
        "gerapix": ctx.boolean(true),
        "link": page,
        "link_completo": format!("{page}completo/"),
        "idtransacao": null,
        "recibo": null,
        "pagarcartao": ctx.boolean(false),
        "pagarcartaodebito": ctx.boolean(false),
        "pagarcartaocheckout": ctx.boolean(false),
    })
}
