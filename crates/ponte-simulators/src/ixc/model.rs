//! Typed read-only views of the seeded rows, for tests that compare Ponte's output with the
//! simulator's truth field by field. Each view keeps the whole row as well.

use time::Date;

use super::schema::Row;
use super::values::{parse_date, parse_money};

fn col(row: &Row, name: &str) -> String {
    row.get(name).cloned().unwrap_or_default()
}

/// A `cliente` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// `id`.
    pub id: String,
    /// `razao`: full name or company name.
    pub razao: String,
    /// `cnpj_cpf` exactly as stored (usually masked, sometimes bare digits).
    pub cnpj_cpf: String,
    /// The document without punctuation, upper-case.
    pub document: String,
    /// `tipo_pessoa`: `F` or `J`.
    pub tipo_pessoa: String,
    /// `ativo == "S"`.
    pub active: bool,
    /// `email`.
    pub email: String,
    /// `telefone_celular`.
    pub telefone_celular: String,
    /// `whatsapp`.
    pub whatsapp: String,
    /// `fone`.
    pub fone: String,
    /// `endereco`.
    pub endereco: String,
    /// `numero`.
    pub numero: String,
    /// `complemento`.
    pub complemento: String,
    /// `bairro`.
    pub bairro: String,
    /// `cep`.
    pub cep: String,
    /// The name of the city whose id is in `cidade`.
    pub cidade: String,
    /// The acronym of the state whose id is in `uf` (`SP`).
    pub uf: String,
    /// `data_nascimento` (`0000-00-00` when unknown).
    pub data_nascimento: String,
    /// `data_cadastro`.
    pub data_cadastro: String,
    /// The whole row.
    pub row: Row,
}

impl Customer {
    pub(crate) fn from_row(row: &Row, city: String, state: String) -> Self {
        let cnpj_cpf = col(row, "cnpj_cpf");
        Customer {
            id: col(row, "id"),
            razao: col(row, "razao"),
            document: bare_document(&cnpj_cpf),
            cnpj_cpf,
            tipo_pessoa: col(row, "tipo_pessoa"),
            active: col(row, "ativo") == "S",
            email: col(row, "email"),
            telefone_celular: col(row, "telefone_celular"),
            whatsapp: col(row, "whatsapp"),
            fone: col(row, "fone"),
            endereco: col(row, "endereco"),
            numero: col(row, "numero"),
            complemento: col(row, "complemento"),
            bairro: col(row, "bairro"),
            cep: col(row, "cep"),
            cidade: city,
            uf: state,
            data_nascimento: col(row, "data_nascimento"),
            data_cadastro: col(row, "data_cadastro"),
            row: row.clone(),
        }
    }
}

/// A document without its mask, upper-cased (alphanumeric CNPJs keep their letters).
pub fn bare_document(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The contract an `fn_areceber` row belongs to: `id_contrato`, or, for an invoice issued
/// apart from the contract's billing, `id_contrato_avulso` (the vendor's own example carries
/// the contract there, with `id_contrato` empty).
pub fn contract_of(row: &Row) -> String {
    ["id_contrato", "id_contrato_avulso"]
        .iter()
        .map(|k| col(row, k))
        .find(|v| !v.is_empty() && v != "0")
        .unwrap_or_default()
}

/// `status_internet` values that mean the access is blocked.
pub const BLOCKED_ACCESS: [&str; 3] = ["CM", "CA", "FA"];

/// A `cliente_contrato` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// `id`.
    pub id: String,
    /// `id_cliente`.
    pub id_cliente: String,
    /// `contrato`: the plan name.
    pub contrato: String,
    /// `id_vd_contrato`: the sales plan.
    pub id_vd_contrato: String,
    /// `status`: A, I, P, N, D.
    pub status: String,
    /// `status_internet`: A, D, CM, CA, FA, AA.
    pub status_internet: String,
    /// `status_velocidade`.
    pub status_velocidade: String,
    /// Whether `status_internet` is CM, CA or FA.
    pub blocked: bool,
    /// The monthly value of the plan (`vd_contratos.valor_contrato`), as `"89.90"`.
    pub valor: String,
    /// `desbloqueio_confianca`: S, N (or P).
    pub desbloqueio_confianca: String,
    /// `desbloqueio_confianca_ativo`.
    pub desbloqueio_confianca_ativo: String,
    /// `dt_ult_desb_conf`.
    pub dt_ult_desb_conf: String,
    /// `dt_retorno_desb_conf`.
    pub dt_retorno_desb_conf: String,
    /// The whole row.
    pub row: Row,
}

impl Contract {
    pub(crate) fn from_row(row: &Row, valor: String) -> Self {
        let status_internet = col(row, "status_internet");
        Contract {
            id: col(row, "id"),
            id_cliente: col(row, "id_cliente"),
            contrato: col(row, "contrato"),
            id_vd_contrato: col(row, "id_vd_contrato"),
            status: col(row, "status"),
            blocked: BLOCKED_ACCESS.contains(&status_internet.as_str()),
            status_internet,
            status_velocidade: col(row, "status_velocidade"),
            valor,
            desbloqueio_confianca: col(row, "desbloqueio_confianca"),
            desbloqueio_confianca_ativo: col(row, "desbloqueio_confianca_ativo"),
            dt_ult_desb_conf: col(row, "dt_ult_desb_conf"),
            dt_retorno_desb_conf: col(row, "dt_retorno_desb_conf"),
            row: row.clone(),
        }
    }
}

/// An `fn_areceber` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// `id`.
    pub id: String,
    /// `id_cliente`.
    pub id_cliente: String,
    /// `id_contrato` (empty for an invoice issued apart from the contract's billing).
    pub id_contrato: String,
    /// `id_contrato_avulso`: the contract of an invoice issued apart from its billing.
    pub id_contrato_avulso: String,
    /// The contract the invoice belongs to, from either column (see [`contract_of`]).
    pub contract: String,
    /// `status`: A open, P partly paid, R received, C cancelled.
    pub status: String,
    /// `liberado`: S visible, N hidden.
    pub liberado: String,
    /// `data_emissao`.
    pub data_emissao: String,
    /// `data_vencimento`.
    pub data_vencimento: String,
    /// `valor`.
    pub valor: String,
    /// `valor_aberto`.
    pub valor_aberto: String,
    /// `valor_recebido`.
    pub valor_recebido: String,
    /// `linha_digitavel` as stored.
    pub linha_digitavel: String,
    /// The 44-digit barcode behind the linha digitável (not an IXC column).
    pub barcode: String,
    /// The PIX copy-and-paste code `get_pix` returns for it (not an IXC column).
    pub pix_code: String,
    /// Open or partly paid, visible, and due before the simulator's "today".
    pub overdue: bool,
    /// The whole row.
    pub row: Row,
}

impl Invoice {
    pub(crate) fn from_row(row: &Row, today: Date, barcode: String, pix_code: String) -> Self {
        let status = col(row, "status");
        let due = parse_date(&col(row, "data_vencimento"));
        let open = matches!(status.as_str(), "A" | "P") && col(row, "liberado") == "S";
        Invoice {
            id: col(row, "id"),
            id_cliente: col(row, "id_cliente"),
            id_contrato: col(row, "id_contrato"),
            id_contrato_avulso: col(row, "id_contrato_avulso"),
            contract: contract_of(row),
            overdue: open && due.is_some_and(|d| d < today),
            status,
            liberado: col(row, "liberado"),
            data_emissao: col(row, "data_emissao"),
            data_vencimento: col(row, "data_vencimento"),
            valor: col(row, "valor"),
            valor_aberto: col(row, "valor_aberto"),
            valor_recebido: col(row, "valor_recebido"),
            linha_digitavel: col(row, "linha_digitavel"),
            barcode,
            pix_code,
            row: row.clone(),
        }
    }

    /// `valor_aberto` in cents.
    pub fn open_cents(&self) -> i64 {
        parse_money(&self.valor_aberto).unwrap_or(0)
    }
}
