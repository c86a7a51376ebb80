//! The catalogs under `/configuracao/` (erps.md §6.7, addendum §2), each with the root key and
//! the `msg` of its vendor sample: plans (`servico`), due days (`vencimento`, where a day can be
//! `"ultimo_dia"`), sellers (`vendedor`, `{id, name}`), customer origins (`origem_cliente`),
//! hiring reasons, cash boxes, payment methods, service statuses, ticket types, companies and
//! technologies.

use axum::extract::Query;
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::seed::catalog::{
    CASH_BOXES, COMPANY, DUE_DAYS, HIRING_REASONS, ORIGINS, PAYMENT_METHODS, PLANS, SELLERS,
    STATUSES, TECHNOLOGIES, TICKET_TYPES, technology,
};
use super::wire::success;

/// `GET /configuracao/servico[?id_servico_tecnologia=]`: the plans on sale.
pub(crate) async fn plans(Query(query): Query<HashMap<String, String>>) -> Response {
    let technology_filter = query
        .get("id_servico_tecnologia")
        .and_then(|t| t.trim().parse::<u64>().ok());
    let servicos: Vec<Value> = PLANS
        .iter()
        .filter(|p| p.ativo)
        .filter(|p| technology_filter.is_none_or(|t| t == p.tecnologia))
        .map(|p| {
            json!({
                "id_servico": p.id,
                "descricao": p.descricao,
                "id_servico_tecnologia": p.tecnologia,
                "servico_tecnologia": {
                    "id_servico_tecnologia": p.tecnologia,
                    "descricao": technology(p.tecnologia),
                },
            })
        })
        .collect();
    success(
        "Serviços Ativos consultados com sucesso",
        json!({"servicos": servicos}),
    )
}

/// `GET /configuracao/vencimento`.
pub(crate) async fn due_days() -> Response {
    let list: Vec<Value> = DUE_DAYS
        .iter()
        .map(|(id, day)| {
            json!({
                "id_vencimento": id,
                "dia_vencimento": day.map_or(json!("ultimo_dia"), |d| json!(d)),
            })
        })
        .collect();
    success(
        "Vencimentos consultados com sucesso",
        json!({"vencimentos": list}),
    )
}

/// `GET /configuracao/vendedor`.
pub(crate) async fn sellers() -> Response {
    let list: Vec<Value> = SELLERS
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    success(
        "Vendedores consultados com sucesso",
        json!({"vendedores": list}),
    )
}

/// `GET /configuracao/origem_cliente`.
pub(crate) async fn origins() -> Response {
    let list: Vec<Value> = ORIGINS
        .iter()
        .map(|(id, d)| json!({"id_origem_cliente": id, "descricao": d}))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"origens_cliente": list, "encrypted": false}),
    )
}

/// `GET /configuracao/motivo_contratacao`.
pub(crate) async fn hiring_reasons() -> Response {
    let list: Vec<Value> = HIRING_REASONS
        .iter()
        .map(|(id, d)| json!({"id_motivo_contratacao": id, "descricao": d}))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"motivos_contratacao": list, "encrypted": false}),
    )
}

/// `GET /configuracao/caixa_financeiro`.
pub(crate) async fn cash_boxes() -> Response {
    let list: Vec<Value> = CASH_BOXES
        .iter()
        .map(|(id, d)| json!({"id_caixa_financeiro": id, "descricao": d}))
        .collect();
    success(
        "Caixas Finaceiros consultados com sucesso",
        json!({"caixas_financeiro": list}),
    )
}

/// `GET /configuracao/meio_pagamento`.
pub(crate) async fn payment_methods() -> Response {
    let list: Vec<Value> = PAYMENT_METHODS
        .iter()
        .map(|(d, prefix)| json!({"descricao": d, "prefixo": prefix}))
        .collect();
    success(
        "Meios de Pagamento consultados com sucesso",
        json!({"meios_pagamento": list}),
    )
}

/// `GET /configuracao/servico_status`.
pub(crate) async fn statuses() -> Response {
    let list: Vec<Value> = STATUSES
        .iter()
        .map(|(id, d, prefix)| json!({"id_servico_status": id, "descricao": d, "prefixo": prefix}))
        .collect();
    success(
        "Dados consultados com sucesso.",
        json!({"servico_status": list}),
    )
}

/// `GET /configuracao/tipo_atendimento`.
pub(crate) async fn ticket_types() -> Response {
    let list: Vec<Value> = TICKET_TYPES
        .iter()
        .map(|(id, d)| json!({"id_tipo_atendimento": id, "descricao": d}))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"tipos_atendimento": list}),
    )
}

/// `GET /configuracao/empresa`.
pub(crate) async fn companies() -> Response {
    success(
        "Empresas consultados com sucesso",
        json!({"empresas": [{
            "id_empresa": COMPANY.id,
            "nome_razaosocial": COMPANY.razao,
            "cnpj": COMPANY.cnpj,
            "display": format!("{} (CNPJ: {})", COMPANY.razao, COMPANY.display_cnpj),
        }]}),
    )
}

/// `GET /configuracao/servico_tecnologia`.
pub(crate) async fn technologies() -> Response {
    let list: Vec<Value> = TECHNOLOGIES
        .iter()
        .map(|(id, d)| json!({"id_servico_tecnologia": id, "descricao": d}))
        .collect();
    success(
        "Dados consultados com sucesso",
        json!({"servicos_tecnologia": list}),
    )
}
