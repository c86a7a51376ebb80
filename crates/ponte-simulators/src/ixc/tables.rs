//! Inserts (`POST` without the listing header), updates (`PUT table/id`) and deletes
//! (`DELETE table/id`) on any table, with the checks and generated columns of the tables that
//! have them (customers, contracts, tickets, service orders, leads, prospects).
//!
//! A body naming a column the table does not have is the database's "unknown column" error and
//! writes nothing, unless [`IxcLeniency::unknown_columns`](super::IxcLeniency) says to ignore
//! such columns.

use axum::response::Response;
use serde_json::Value;

use super::guesses::{
    CUSTOMER_NOT_FOUND_MESSAGE, Clause, DELETED_MESSAGE, DUPLICATE_DOCUMENT_MESSAGE,
    INSERTED_MESSAGE, INSERTED_MESSAGE_EN, NOT_FOUND_MESSAGE, UPDATED_MESSAGE, required_field,
    unknown_column, unknown_resource,
};
use super::model::bare_document;
use super::schema::{ColumnKind, Row, blank_row, columns};
use super::state::{Db, IxcState};
use super::values::{iso, to_iso_if_br};
use super::wire::{Fields, error, success};

/// Fields an insert must carry (non-empty), per table.
fn required(table: &str) -> &'static [&'static str] {
    match table {
        "cliente" => &[
            "razao",
            "tipo_pessoa",
            "cnpj_cpf",
            "ativo",
            "contribuinte_icms",
        ],
        "cliente_contrato" => &[
            "tipo",
            "id_cliente",
            "id_vd_contrato",
            "contrato",
            "id_filial",
            "data",
        ],
        "su_ticket" => &["tipo", "id_cliente", "id_assunto", "titulo", "menssagem"],
        "su_oss_chamado" => &[
            "tipo",
            "id_assunto",
            "id_cliente",
            "id_filial",
            "origem_endereco",
            "prioridade",
            "setor",
            "status",
        ],
        "contato" => &["nome", "data_cadastro"],
        "crm_canditados" => &[
            "razao",
            "status_prospeccao",
            "tipo_pessoa",
            "ativo",
            "telefone_celular",
            "cidade",
            "crm",
        ],
        _ => &[],
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The first column of the body the table does not have (`id` is always allowed: updates
/// send the whole record back).
fn unknown_field(table: &str, body: &Fields) -> Option<String> {
    let known = columns(table).unwrap_or_default();
    body.keys()
        .find(|key| key.as_str() != "id" && !known.iter().any(|c| c.name == key.as_str()))
        .cloned()
}

/// Refuses a body with a column the table does not have, unless the config ignores them.
fn check_columns(state: &IxcState, table: &str, body: &Fields) -> Result<(), String> {
    if state.config().lenient.unknown_columns {
        return Ok(());
    }
    match unknown_field(table, body) {
        Some(column) => Err(unknown_column(&column, Clause::FieldList)),
        None => Ok(()),
    }
}

/// Copies the body's known columns into `row`, storing `dd/mm/yyyy` dates as ISO.
fn apply(table: &str, row: &mut Row, body: &Fields) {
    for column in columns(table).unwrap_or_default() {
        if column.name == "id" {
            continue;
        }
        if let Some(value) = body.get(column.name) {
            let mut text = value_text(value);
            if column.kind != ColumnKind::Text {
                text = to_iso_if_br(&text);
            }
            row.insert(column.name.to_string(), text);
        }
    }
}

fn check(db: &Db, table: &str, row: &Row, own_id: Option<&str>) -> Result<(), String> {
    for field in required(table) {
        if row.get(*field).is_none_or(|v| v.trim().is_empty()) {
            return Err(required_field(field));
        }
    }
    let get = |k: &str| row.get(k).map(String::as_str).unwrap_or("");
    match table {
        "contato" => {
            let reachable = [
                "fone_celular",
                "fone_whatsapp",
                "fone_residencial",
                "fone_comercial",
                "email",
            ]
            .iter()
            .any(|k| !get(k).trim().is_empty());
            if !reachable {
                return Err(required_field("fone_celular"));
            }
        }
        "cliente" => {
            let wanted = bare_document(get("cnpj_cpf"));
            let duplicate = db.rows("cliente").iter().any(|other| {
                other.get("id").map(String::as_str) != own_id
                    && other
                        .get("cnpj_cpf")
                        .is_some_and(|d| bare_document(d) == wanted)
            });
            if duplicate {
                return Err(DUPLICATE_DOCUMENT_MESSAGE.to_string());
            }
        }
        "cliente_contrato" | "su_ticket" | "su_oss_chamado"
            if db.get("cliente", get("id_cliente")).is_none() =>
        {
            return Err(CUSTOMER_NOT_FOUND_MESSAGE.to_string());
        }
        _ => {}
    }
    Ok(())
}

/// Columns IXC fills itself on insert.
fn generate(db: &Db, state: &IxcState, table: &str, row: &mut Row) {
    let today = state.today();
    let stamp = format!("{} 09:00:00", iso(today));
    let protocol = || {
        let seq = db.rows("su_ticket").len() + db.rows("su_oss_chamado").len() + 1;
        format!("{}{:06}", iso(today).replace('-', ""), seq)
    };
    let mut set_if_empty = |key: &str, value: String| {
        let empty = row
            .get(key)
            .is_none_or(|v| v.is_empty() || v.starts_with("0000-00-00"));
        if empty {
            row.insert(key.to_string(), value);
        }
    };
    match table {
        "cliente" => {
            set_if_empty("data_cadastro", iso(today));
            set_if_empty("ultima_atualizacao", stamp);
        }
        "cliente_contrato" => set_if_empty("ultima_atualizacao", stamp),
        "su_ticket" => {
            set_if_empty("protocolo", protocol());
            set_if_empty("data_criacao", stamp.clone());
            set_if_empty("data_ultima_alteracao", stamp);
        }
        "su_oss_chamado" => {
            set_if_empty("protocolo", protocol());
            set_if_empty("data_abertura", stamp);
        }
        "crm_canditados" => set_if_empty("data_cadastro", iso(today)),
        _ => {}
    }
}

/// `POST /webservice/v1/<table>` without the listing header.
pub(crate) fn insert(state: &IxcState, table: &str, body: &Fields) -> Response {
    let Some(mut row) = blank_row(table) else {
        return error(unknown_resource(table));
    };
    if let Err(message) = check_columns(state, table, body) {
        return error(message);
    }
    apply(table, &mut row, body);
    let mut db = state.db();
    if let Err(message) = check(&db, table, &row, None) {
        return error(message);
    }
    generate(&db, state, table, &mut row);
    let id = db.insert(table, row);
    let message = if state.config().insert_message_in_english {
        INSERTED_MESSAGE_EN
    } else {
        INSERTED_MESSAGE
    };
    success(message, &id)
}

/// `PUT /webservice/v1/<table>/<id>`.
pub(crate) fn update(state: &IxcState, table: &str, id: &str, body: &Fields) -> Response {
    let Some(blank) = blank_row(table) else {
        return error(unknown_resource(table));
    };
    if let Err(message) = check_columns(state, table, body) {
        return error(message);
    }
    let mut db = state.db();
    let Some(current) = db.get(table, id).cloned() else {
        return error(NOT_FOUND_MESSAGE);
    };
    let mut row = if state.config().partial_put_resets_omitted {
        blank
    } else {
        current
    };
    apply(table, &mut row, body);
    row.insert("id".to_string(), id.to_string());
    if let Err(message) = check(&db, table, &row, Some(id)) {
        return error(message);
    }
    if row.contains_key("ultima_atualizacao") {
        row.insert(
            "ultima_atualizacao".into(),
            format!("{} 09:00:00", iso(state.today())),
        );
    }
    if let Some(slot) = db.get_mut(table, id) {
        *slot = row;
    }
    success(UPDATED_MESSAGE, id)
}

/// `DELETE /webservice/v1/<table>/<id>`.
pub(crate) fn delete(state: &IxcState, table: &str, id: &str) -> Response {
    let mut db = state.db();
    if !db.has_table(table) {
        return error(unknown_resource(table));
    }
    match db.remove(table, id) {
        Some(_) => success(DELETED_MESSAGE, id),
        None => error(NOT_FOUND_MESSAGE),
    }
}
