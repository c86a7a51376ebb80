//! Every behaviour of the IXC simulator that public sources do not pin down, in one place.
//!
//! Each constant is a plausible choice, documented with what is known. When a real instance
//! shows otherwise, change it here; nothing else in the simulator repeats these values.
//! Behaviours worth switching per test live in [`super::IxcConfig`] instead, and the ways the
//! simulator can be told to be more forgiving than IXC in [`super::IxcLeniency`].
//!
//! The simulator also serves tables and columns no public source names, so that every catalog
//! function has data to read. They are listed in [`INVENTED_TABLES`] and [`INVENTED_COLUMNS`]:
//! a preset that reads one of them depends on a guess, and says so in its own documentation.

/// The body of the 401 answer to a wrong or missing credential. Only the status is known;
/// the body is sent as `text/html`, like every IXC error.
pub const UNAUTHORIZED_BODY: &str = r#"{"type":"error","message":"Usuário ou token inválido!"}"#;

/// Message for an unknown table (this text is documented).
pub fn unknown_resource(table: &str) -> String {
    format!("Recurso {table} não está disponível!")
}

/// Rows per page when the listing body has no `rp`.
pub const DEFAULT_ROWS_PER_PAGE: usize = 20;

/// Whether an empty `query` with `=` lists everything instead of matching empty columns.
/// Integrators rely on "no query means all rows".
pub const EMPTY_QUERY_MATCHES_ALL: bool = true;

/// Where an unknown column was named, as the database's error says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clause {
    /// `qtype` or a `grid_param` filter.
    Where,
    /// `sortname`.
    Order,
    /// A column of an insert or an update.
    FieldList,
}

/// The SQL error for a column the table does not have, or one written without its table's
/// prefix. IXC passes the database's error on in its error envelope; the exact wording is
/// MySQL's (IXC runs on MySQL), the envelope is documented, the pass-through is assumed.
pub fn unknown_column(column: &str, clause: Clause) -> String {
    let clause = match clause {
        Clause::Where => "where clause",
        Clause::Order => "order clause",
        Clause::FieldList => "field list",
    };
    format!("SQLSTATE[42S22]: Column not found: 1054 Unknown column '{column}' in '{clause}'")
}

/// A `GET` without the `ixcsoft: listar` header. The sources only say a listing carries the
/// header whatever the verb; what IXC answers without it was never captured.
pub const GET_WITHOUT_HEADER_MESSAGE: &str =
    "Requisição inválida: informe o cabeçalho ixcsoft: listar para listar registros.";

/// The refusal for a table the API user has no permission on. IXC grants access per table
/// to each API user; the text of its refusal was never captured. Presets that degrade on it
/// look for `permiss` in the message.
pub fn forbidden(table: &str) -> String {
    format!("Usuário sem permissão para acessar o recurso {table}!<br />")
}

/// Insert success message (the English variant is selectable in the config).
pub const INSERTED_MESSAGE: &str = "Registro inserido com sucesso!";
/// Insert success message of some IXC versions.
pub const INSERTED_MESSAGE_EN: &str = "Record successfully inserted!";
/// Update success message (documented).
pub const UPDATED_MESSAGE: &str = "Registro atualizado com sucesso!";
/// Delete success message.
pub const DELETED_MESSAGE: &str = "Registro excluído com sucesso!";
/// Update or delete of an id that does not exist.
pub const NOT_FOUND_MESSAGE: &str = "Registro não encontrado!";

/// A required field missing on insert.
pub fn required_field(field: &str) -> String {
    format!("O campo {field} é obrigatório!<br />")
}

/// Insert of a customer whose document already exists.
pub const DUPLICATE_DOCUMENT_MESSAGE: &str = "Já existe um cliente cadastrado com este CPF/CNPJ!";

/// `linha_digitavel` is stored with the usual mask (`34191.79001 01043.510047 ...`) rather
/// than as 47 bare digits. Clients should strip non-digits either way.
pub const LINHA_DIGITAVEL_MASKED: bool = true;

/// Code and text of a trust unlock that worked. The real text was never captured; it names
/// the date the release lasts to so a client can show it.
pub const UNLOCK_SUCCESS_CODE: &str = "100";
/// See [`UNLOCK_SUCCESS_CODE`].
pub fn unlock_success(until_br: &str) -> String {
    format!("Desbloqueio de confiança efetuado com sucesso! Contrato liberado até {until_br}.")
}

/// Refusal when the contract does not allow trust unlocks (`desbloqueio_confianca = N`). The
/// code is not documented.
pub const UNLOCK_NOT_ALLOWED_CODE: &str = "108";
/// See [`UNLOCK_NOT_ALLOWED_CODE`].
pub const UNLOCK_NOT_ALLOWED: &str =
    "O desbloqueio de confiança não está habilitado para este contrato.";

/// Message of code 106 (contract not found).
pub fn unlock_not_found(id: &str) -> String {
    format!("Contrato {id} não encontrado.")
}
/// Message of code 107 (documented text).
pub const UNLOCK_ALREADY_ACTIVE: &str =
    "O contrato já encontra-se ativo, não é necessário utilizar o desbloqueio de confiança.";
/// Message of code 109 (contract inactive).
pub const UNLOCK_INACTIVE: &str =
    "O contrato está inativo, não é possível utilizar o desbloqueio de confiança.";
/// Message of code 113 (already used in the period). The real one embeds the contract and
/// dates; this one does too.
pub fn unlock_used(contract: &str, used_br: &str, again_br: &str) -> String {
    format!(
        "Desbloqueio de confiança indisponível para o contrato {contract}: utilizado em {used_br}, \
         disponível novamente a partir de {again_br} ou após o pagamento do título em aberto."
    )
}

/// Settlement of an invoice that does not exist.
pub const SETTLE_NOT_FOUND: &str = "Parcela não encontrada!<br />";
/// Settlement of an invoice already paid or cancelled (documented text).
pub const SETTLE_CLOSED: &str = "Parcela já está recebida ou cancelada!<br />";
/// Settlement with a zero or unreadable amount.
pub const SETTLE_BAD_AMOUNT: &str = "Valor recebido inválido!<br />";
/// Settlement whose amount, less the addition (`vacrescimo`) and plus the discount
/// (`vdesconto`), is more than the invoice still owes.
pub const SETTLE_ABOVE_OPEN: &str =
    "O valor recebido não pode ser maior que o valor em aberto da parcela!<br />";
/// Settlement whose `data` is not a date.
pub const SETTLE_BAD_DATE: &str = "Data de recebimento inválida!<br />";
/// Fields a write-off must carry, non-empty. The vendor collection marks required fields, but
/// the sources read so far do not say which of the write-off's are; these are the ones without
/// which the write-off cannot be booked (the invoice, the company, the account, the date, the
/// kind of receipt and the amount). `id_conta` is left out: whether IXC needs it is open.
pub const WRITEOFF_REQUIRED: [&str; 6] = [
    "id_receber",
    "filial_id",
    "conta_",
    "data",
    "tipo_recebimento",
    "valor_total_recebido",
];

/// `get_pix` on a paid or cancelled invoice.
pub const PIX_CLOSED: &str = "Não é possível gerar PIX para uma parcela recebida ou cancelada.";

/// `get_boleto` on a paid or cancelled invoice. The sources only document the empty answer
/// for an unknown id; this refusal borrows the documented text IXC gives when a paid or
/// cancelled instalment is cancelled again. `IxcConfig::paid_boleto_empty` answers the empty
/// body instead.
pub const PAID_BOLETO_MESSAGE: &str = "Parcela já está recebida ou cancelada!<br />";

/// The trust unlock's answer for a contract whose access is not blocked but not active
/// either (awaiting signature, a pre-contract): the code of "already active", 107, which is
/// documented for an active access only, with its documented text.
pub const UNLOCK_NOT_BLOCKED_CODE: &str = "107";
/// The code for a disabled access (`status_internet = D`): the code of an inactive contract,
/// 109, documented for the contract's own status only.
pub const UNLOCK_DISABLED_CODE: &str = "109";

/// Table of commercial origins ("canal de vendas", `cliente.id_candato_tipo`). The name was
/// not confirmed.
pub const COMMERCIAL_ORIGIN_TABLE: &str = "crm_candato_tipo";

/// Table of due-day options. IXC has no confirmed table for this; the simulator offers one so
/// a preset told to read such a table has something to read. The preset's default reads the
/// due days of the contracts instead.
pub const DUE_DAY_TABLE: &str = "fn_vencimento";

/// Tables the simulator serves that no public source names, and why each exists.
pub const INVENTED_TABLES: [(&str, &str); 3] = [
    (
        "filial",
        "the company behind `filial_id`, named only as a column of other tables",
    ),
    (
        COMMERCIAL_ORIGIN_TABLE,
        "the sales channels behind `cliente.id_candato_tipo`; the sources guess this name",
    ),
    (
        DUE_DAY_TABLE,
        "due-day options; the sources know of no such table",
    ),
];

/// Columns the simulator gives a table that no public source names, per table. For
/// `fn_areceber_baixas` the documented columns are the fields of the write-off action's body,
/// which the simulator assumes the table stores; for `cliente_contrato` the cancellation
/// columns are the fields of the cancel action's body. Every column of the tables in
/// [`INVENTED_TABLES`] is invented too.
pub const INVENTED_COLUMNS: [(&str, &[&str]); 18] = [
    ("cliente", &["ie_identidade"]),
    (
        "cliente_contrato",
        &[
            "data_cancelamento",
            "motivo_cancelamento",
            "obs_cancelamento",
            "obs",
            "ultima_atualizacao",
        ],
    ),
    ("fn_areceber", &["filial_id", "pagamento_valor"]),
    ("fn_areceber_baixas", &["data_lancamento"]),
    ("vd_contratos", &["descricao", "id_filial", "tipo"]),
    ("vendedor", &["nome", "cnpj_cpf", "email", "telefone"]),
    ("cidade", &["nome", "uf", "cod_ibge"]),
    ("uf", &["sigla", "nome"]),
    ("fn_carteira_cobranca", &["descricao", "banco", "ativo"]),
    ("condicoes_pagamento", &["nome", "ativo"]),
    ("su_oss_assunto", &["assunto", "ativo"]),
    ("su_ticket_setor", &["setor", "ativo"]),
    ("vd_saida", &["id_contrato", "obs"]),
    ("su_ticket", &["data_criacao", "data_ultima_alteracao"]),
    (
        "su_oss_chamado",
        &[
            "protocolo",
            "id_ticket",
            "data_abertura",
            "data_agenda",
            "data_fechamento",
        ],
    ),
    ("contato", &["complemento", "ativo"]),
    (
        "crm_canditados",
        &["cnpj_cpf", "email", "obs", "data_cadastro"],
    ),
    ("radusuarios", &["ip", "ultima_conexao_inicial"]),
];

/// `status_velocidade` values: normal and reduced.
pub const SPEED_NORMAL: &str = "N";
/// See [`SPEED_NORMAL`].
pub const SPEED_REDUCED: &str = "R";

/// `get_boleto` with `tipo_boleto=dados`: the real shape was not captured.
pub const BOLETO_DATA_KEYS: [&str; 6] = [
    "id",
    "linha_digitavel",
    "codigo_barras",
    "valor",
    "data_vencimento",
    "nosso_numero",
];

/// Message for an operator outside the documented set.
pub fn unknown_operator(op: &str) -> String {
    format!("Operador {op} inválido!<br />")
}

/// Message for a body that is neither JSON nor a form.
pub const BAD_BODY_MESSAGE: &str = "Dados inválidos na requisição!";

/// Message when an insert points at a customer that does not exist.
pub const CUSTOMER_NOT_FOUND_MESSAGE: &str = "Cliente não encontrado!<br />";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ixc::schema::{columns, table_names};

    #[test]
    fn every_invented_table_and_column_is_one_the_simulator_serves() {
        let tables = table_names();
        for (table, _) in INVENTED_TABLES {
            assert!(tables.contains(&table), "{table}");
        }
        for (table, invented) in INVENTED_COLUMNS {
            let served = columns(table).unwrap_or_else(|| panic!("{table} is not served"));
            for column in invented {
                assert!(
                    served.iter().any(|c| c.name == *column),
                    "{table}.{column} is listed as invented but not served"
                );
            }
        }
    }
}
