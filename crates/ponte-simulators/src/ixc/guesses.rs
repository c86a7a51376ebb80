//! Every behaviour of the IXC simulator that public sources do not pin down, in one place.
//!
//! Each constant is a plausible choice, documented with what is known. When a real instance
//! shows otherwise, change it here; nothing else in the simulator repeats these values.
//! Behaviours worth switching per test live in [`super::IxcConfig`] instead.

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

/// Message when `qtype`, `sortname` or a `grid_param` names a column the table does not have.
pub fn unknown_column(column: &str) -> String {
    format!("Coluna {column} não encontrada!<br />")
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

/// `get_pix` on a paid or cancelled invoice.
pub const PIX_CLOSED: &str = "Não é possível gerar PIX para uma parcela recebida ou cancelada.";

/// Table of commercial origins ("canal de vendas", `cliente.id_candato_tipo`). The name was
/// not confirmed.
pub const COMMERCIAL_ORIGIN_TABLE: &str = "crm_candato_tipo";

/// Table of due-day options. IXC has no confirmed table for this; the simulator offers one so
/// `list_due_dates` has something to read.
pub const DUE_DAY_TABLE: &str = "fn_vencimento";

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

/// Whether a `GET` without the `ixcsoft: listar` header is served as a listing (it is never an
/// insert; the vendor collection always sends the header).
pub const GET_WITHOUT_HEADER_LISTS: bool = true;
