//! Prospects: the leads and orders of buyers who are not customers yet (erps.md §6.7,
//! addendum §2). `GET /prospecto/create?cep=` lists the plans sold at a CEP, `POST /prospecto`
//! creates one (refusing a CPF/CNPJ already used by another prospect, with the documented
//! text), `GET /prospecto` searches and `GET /prospecto/all` lists them.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::guesses::{
    digits_only, invalid_search, invalid_value, not_an_email, plan_not_found, required,
};
use super::model::Prospect;
use super::seed::catalog::{DUE_DAYS, HIRING_REASONS, ORIGINS, PLANS, SELLERS, city_for_cep, plan};
use super::state::HubsoftState;
use super::values::{br, is_digits, iso_datetime, money_number, money_text};
use super::wire::{Fields, Params, body, error_bare, query, success};

/// Seconds of the day new prospects are stamped with.
const CREATED_AT: u32 = 10 * 3600 + 27 * 60;

/// `GET /api/v1/integracao/prospecto/create?cep=`: the documented refusals are bare.
pub(crate) async fn plans_at(uri: Uri) -> Response {
    let fields = query(&uri);
    let p = Params::new(&fields);
    let Some(cep) = p.text("cep") else {
        return error_bare("CEP não informado.");
    };
    if city_for_cep(&cep).is_none() {
        return error_bare("Nenhuma cidade foi encontrada com esse CEP.");
    }
    let servicos: Vec<Value> = PLANS
        .iter()
        .map(|plan| {
            let inactive = if plan.ativo { "" } else { " (INATIVO)" };
            json!({
                "id_servico": plan.id,
                "descricao": plan.descricao,
                "valor": money_number(plan.cents),
                "nome_radius": format!("HUBSOFT-SERVICE-{}", plan.id),
                "display": format!("{} - (R$ {}.{:02}){inactive}", plan.descricao, plan.cents / 100, plan.cents % 100),
                "velocidade_download": plan.download_kbps,
                "velocidade_upload": plan.upload_kbps,
            })
        })
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"servicos": servicos}),
    )
}

fn prospect_json(prospect: &Prospect) -> Value {
    let (date, seconds) = prospect.created_at;
    let stamp = iso_datetime(date, seconds);
    json!({
        "id_prospecto": prospect.id_prospecto,
        "nome_razaosocial": prospect.nome_razaosocial,
        "cpf_cnpj": prospect.cpf_cnpj,
        "email": prospect.email,
        "telefone": prospect.telefone,
        "observacao": prospect.observacao,
        "id_cliente": prospect.id_cliente,
        "id_endereco_numero": prospect.id_endereco_numero,
        "created_at": stamp,
        "updated_at": stamp,
        "tipo_pessoa": prospect.tipo_pessoa,
        "id_usuario": 1,
        "origem": prospect.origem,
        "id_vendedor": prospect.id_vendedor,
        "id_vencimento": prospect.id_vencimento,
        "created_at_br": br(date),
    })
}

/// An optional catalog id that must exist when given.
fn catalog_id(p: &mut Params<'_>, key: &str, known: &dyn Fn(u64) -> bool) -> Option<u64> {
    let id = p.id(key, false)?;
    if known(id) {
        Some(id)
    } else {
        p.fail(invalid_value(key));
        None
    }
}

/// A text field that must be digits only (addendum §2), required or not.
fn digits_field(p: &mut Params<'_>, key: &str, must: bool) -> Option<String> {
    let value = if must { p.required(key) } else { p.text(key) };
    if value.as_deref().is_some_and(|v| !is_digits(v)) {
        p.fail(digits_only(key));
    }
    value
}

/// `POST /api/v1/integracao/prospecto`.
pub(crate) async fn create(
    State(state): State<HubsoftState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let fields = body(&headers, &bytes);
    let servico: Fields = match fields.get("servico") {
        Some(Value::Object(map)) => map.clone(),
        _ => Fields::new(),
    };
    let mut p = Params::new(&fields);
    let mut s = Params::new(&servico);
    let plan_id = s.id("id_servico", false);
    let plan_value = s.money("valor", false);
    if s.value("id_servico").is_none() {
        p.fail(required("servico.id_servico"));
    }
    if s.value("valor").is_none() {
        p.fail(required("servico.valor"));
    }
    for problem in s.into_errors() {
        p.fail(problem);
    }
    let cep = digits_field(&mut p, "cep", true);
    let nome = p.required("nome_razaosocial");
    let telefone = digits_field(&mut p, "telefone", true);
    let tipo = p.required("tipo_pessoa");
    if tipo.as_deref().is_some_and(|t| t != "pf" && t != "pj") {
        p.fail(invalid_value("tipo_pessoa"));
    }
    let endereco = p.required("endereco");
    let numero = digits_field(&mut p, "numero", true);
    let bairro = p.required("bairro");
    let documento = digits_field(&mut p, "cpf_cnpj", false);
    if documento
        .as_deref()
        .is_some_and(|d| is_digits(d) && ponte_br::Document::parse(d).is_err())
    {
        p.fail(invalid_value("cpf_cnpj"));
    }
    let email = p.text("email");
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || !e.contains('.'))
    {
        p.fail(not_an_email("email"));
    }
    digits_field(&mut p, "telefone_secundario", false);
    p.date("data_nascimento");
    let origem = catalog_id(&mut p, "id_origem_cliente", &|id| {
        ORIGINS.iter().any(|(o, _)| *o == id)
    });
    let vendedor = catalog_id(&mut p, "id_vendedor", &|id| {
        SELLERS.iter().any(|(v, _)| *v == id)
    });
    let vencimento = catalog_id(&mut p, "id_vencimento", &|id| {
        DUE_DAYS.iter().any(|(v, _)| *v == id)
    });
    catalog_id(&mut p, "id_motivo_contratacao", &|id| {
        HIRING_REASONS.iter().any(|(m, _)| *m == id)
    });
    let observacao = p.text("observacao");
    let externo = p.text("id_externo");
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (
        Some(plan_id),
        Some(plan_value),
        Some(cep),
        Some(nome),
        Some(tipo),
        Some(endereco),
        Some(numero),
        Some(bairro),
    ) = (
        plan_id, plan_value, cep, nome, tipo, endereco, numero, bairro,
    )
    else {
        return error_bare(super::guesses::VALIDATION_MESSAGE);
    };
    if plan(plan_id).is_none() {
        return error_bare(&plan_not_found(plan_id));
    }
    if city_for_cep(&cep).is_none() {
        return error_bare("Nenhuma cidade foi encontrada com esse CEP.");
    }
    let mut inner = state.lock();
    let today = inner.today;
    let db = &mut inner.db;
    if let Some(doc) = &documento
        && let Some(earlier) = db
            .prospects
            .iter()
            .find(|x| x.cpf_cnpj.as_deref() == Some(doc.as_str()))
    {
        // The documented refusal (erps.md §6.7).
        return error_bare(&format!(
            "O CPF/CNPJ já foi cadastrado antes no prospecto {}",
            earlier.nome_razaosocial
        ));
    }
    let id_prospecto = db
        .prospects
        .iter()
        .map(|x| x.id_prospecto)
        .max()
        .unwrap_or(90)
        + 1;
    let prospect = Prospect {
        id_prospecto,
        nome_razaosocial: nome.to_uppercase(),
        cpf_cnpj: documento,
        email,
        telefone,
        observacao,
        tipo_pessoa: tipo,
        servico: Some((plan_id, plan_value)),
        cep,
        endereco,
        numero,
        bairro,
        id_origem_cliente: origem,
        id_vendedor: vendedor,
        id_vencimento: vencimento,
        id_externo: externo,
        origem: "API".to_string(),
        id_cliente: None,
        id_endereco_numero: 33_300 + id_prospecto,
        created_at: (today, CREATED_AT),
    };
    db.prospects.push(prospect.clone());
    let stamp = iso_datetime(today, CREATED_AT);
    success(
        "Prospecto adicionado com sucesso",
        json!({"prospecto": {
            "nome_razaosocial": prospect.nome_razaosocial,
            "telefone": prospect.telefone,
            "email": prospect.email,
            "observacao": prospect.observacao,
            "id_endereco_numero": prospect.id_endereco_numero,
            "tipo_pessoa": prospect.tipo_pessoa,
            "cpf_cnpj": prospect.cpf_cnpj,
            "id_usuario": 1,
            "origem": prospect.origem,
            "updated_at": stamp,
            "created_at": stamp,
            "id_prospecto": id_prospecto,
            "created_at_br": br(today),
            "prospecto_servico": {
                "id_prospecto_servico": id_prospecto - 1,
                "id_prospecto": id_prospecto,
                "id_servico": plan_id,
                "valor": money_text(plan_value),
            },
        }}),
    )
}

/// `GET /api/v1/integracao/prospecto?busca=&termo_busca=`.
pub(crate) async fn search(State(state): State<HubsoftState>, uri: Uri) -> Response {
    const SEARCHES: [&str; 5] = [
        "nome_razaosocial",
        "telefone",
        "origem",
        "email",
        "id_externo",
    ];
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let kind = p.required("busca");
    let term = p.required("termo_busca");
    if let Some(kind) = &kind
        && !SEARCHES.contains(&kind.as_str())
    {
        return super::wire::error(&invalid_search(kind, &SEARCHES));
    }
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let (kind, term) = (kind.unwrap_or_default(), term.unwrap_or_default());
    let lower = term.to_lowercase();
    let inner = state.lock();
    let found: Vec<Value> = inner
        .db
        .prospects
        .iter()
        .filter(|x| match kind.as_str() {
            "nome_razaosocial" => x.nome_razaosocial.to_lowercase().contains(&lower),
            "telefone" => x.telefone.as_deref() == Some(term.as_str()),
            "origem" => x.origem.eq_ignore_ascii_case(&term),
            "email" => x
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&term)),
            _ => x.id_externo.as_deref() == Some(term.as_str()),
        })
        .map(prospect_json)
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"prospectos": found}),
    )
}

/// `GET /api/v1/integracao/prospecto/all?convertido=`.
pub(crate) async fn all(State(state): State<HubsoftState>, uri: Uri) -> Response {
    let fields = query(&uri);
    let mut p = Params::new(&fields);
    let converted = p.yes_no("convertido", false);
    if let Some(refusal) = p.refusal() {
        return refusal;
    }
    let inner = state.lock();
    let list: Vec<Value> = inner
        .db
        .prospects
        .iter()
        .filter(|x| converted || x.id_cliente.is_none())
        .map(prospect_json)
        .collect();
    success("Dados consultados com sucesso", json!({"prospectos": list}))
}
