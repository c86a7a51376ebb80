//! The typed outputs of every function.
//!
//! Outputs are strict: every field is required, no other field is allowed, and scalars are
//! strings (`""` when empty or unknown, never `null`) unless the contract says `bool`. The
//! automation engine validates each run's output against the schema generated from these types.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Money in an output: `"1234.50"`, or `""` when the ERP has no value. Anything else (`"1.234,56"`,
/// `"69.900000000"`) means the automation forgot to normalise it.
pub const MONEY_OR_EMPTY: &str = r"^([0-9]+\.[0-9]{2})?$";

/// A date in an output: `"2026-12-10"`, or `""` when unknown (the ERP's `"0000-00-00"` too).
pub const DATE_OR_EMPTY: &str = r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$";

/// Output of `create_order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderOutput {
    /// The order's or prospect's id in the ERP.
    pub remote_id: String,
    /// The ERP's answer in words, or `""`.
    pub remote_message: String,
    /// Whether the order was opened as a ticket instead.
    pub is_issue: bool,
}

/// Output of `create_order_existing_customer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteIdOutput {
    /// The ticket's or order's id in the ERP.
    pub remote_id: String,
}

/// One reseller of `list_resellers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reseller {
    /// The reseller's id in the ERP.
    pub code: String,
    /// The reseller's name.
    pub name: String,
    /// The reseller's CPF or CNPJ.
    pub taxvat: String,
    /// The reseller's e-mail address.
    pub email: String,
}

/// One product of `list_products`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The product's id in the ERP.
    pub codigo: String,
    /// The product's name.
    pub nome: String,
}

/// One due date option of `list_due_dates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DueDate {
    /// The due date option's id in the ERP.
    pub code: String,
    /// The day of the month.
    pub name: String,
}

/// One commercial origin of `list_commercial_origins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommercialOrigin {
    /// The origin's id in the ERP.
    pub code: String,
    /// The origin's name.
    pub description: String,
}

/// An open invoice (INVOICE) of `list_invoices` and `get_invoice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    /// The customer's CPF or CNPJ.
    pub document_number: String,
    /// The invoice's id.
    pub fatura: String,
    /// The customer's name.
    pub nome_cliente: String,
    /// The original value (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub valor_inicial: String,
    /// The value due today, with interest and fine (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub valor_final: String,
    /// Interest as of today (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub juros: String,
    /// Fine as of today (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub multa: String,
    /// Issue date (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub emissao: String,
    /// Due date (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub vencimento: String,
    /// The plan id or name the invoice refers to.
    pub historico: String,
    /// The boleto's URL; when empty the platform asks `get_boleto_pdf`.
    pub link_boleto: String,
    /// The typeable line (linha digitável); the totem draws the barcode from it.
    pub linha_digitavel: String,
    /// The invoice's code in the ERP.
    pub code_fatura: String,
    /// Which of the configured PIX receivers to use, when several exist.
    pub identifier: String,
    /// The boleto's id in the ERP (the `boleto_id` of `get_boleto_pdf` and `settle_boleto`).
    pub remote_id: String,
    /// The PIX copy-and-paste code; when empty the configured PIX is used.
    pub pix_code: String,
}

/// A PDF file, base64-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PdfOutput {
    /// The PDF, base64-encoded.
    pub base_64: String,
}

/// The outcome of a write in the ERP, with the ERP's whole answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiResultOutput {
    /// Whether the ERP accepted the write.
    pub success: bool,
    /// The ERP's complete answer (parsed JSON when it is JSON, else the text), whether or not
    /// it succeeded.
    pub api_response: Value,
}

/// A customer of the ERP (CUSTOMER), from `get_customer_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Full name, or company name.
    pub nome_completo: String,
    /// Birthday (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub aniversario: String,
    /// Registration date in the ERP (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub data_registro: String,
    /// Whether the customer is active in the ERP.
    pub ativo: bool,
    /// The customer's id in the ERP.
    pub id_remoto: String,
    /// The main contract's id in the ERP.
    pub id_contrato: String,
    /// Street.
    pub rua_endereco: String,
    /// House number.
    pub numero_endereco: String,
    /// Postal code (CEP).
    pub cep_endereco: String,
    /// City name (not an ERP id).
    pub cidade_endereco: String,
    /// Complement.
    pub complemento_endereco: String,
    /// Neighbourhood.
    pub bairro_endereco: String,
    /// State name or UF (not an ERP id).
    pub estado_endereco: String,
}

/// The kind of a customer contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactType {
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
}

// Written by hand: a plain string enum reads better in the docs than the derive's `oneOf`.
impl JsonSchema for ContactType {
    fn schema_name() -> Cow<'static, str> {
        "ContactType".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "enum": ["email", "phone"],
            "description": "`email` or `phone`."
        })
    }
}

/// One contact of `list_customer_contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// `email` or `phone`.
    #[serde(rename = "type")]
    pub kind: ContactType,
    /// The address or number.
    pub value: String,
}

/// A contract of the customer (PLAN), from `list_customer_plans`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The contract's id in the ERP.
    pub remote_id: String,
    /// The plan's name.
    pub contract_name: String,
    /// The ERP's status in words (`"Ativo"`, `"Bloqueado"`, `"Suspenso"`...).
    pub status: String,
    /// Whether internet access is blocked or reduced for debt.
    pub blocked: bool,
    /// The monthly value (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub valor: String,
}

/// Output of `trust_unlock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustUnlockOutput {
    /// Whether the contract was released.
    pub success: bool,
    /// The ERP's explanation in words, also on refusal.
    pub message: String,
    /// The date the release lasts to (`YYYY-MM-DD`), or `""`.
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub unlocked_until: String,
    /// The ERP's complete answer.
    pub api_response: Value,
}

/// Output of `create_ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketOutput {
    /// The ticket's id in the ERP.
    pub remote_id: String,
    /// The ERP's answer in words, or `""`.
    pub remote_message: String,
}

/// One fiscal note of `list_fiscal_notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FiscalNote {
    /// The note's id in the ERP.
    pub id_nota: String,
    /// The note's status in words.
    pub status: String,
    /// The note's value (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub valor: String,
    /// The amount paid (money).
    #[schemars(extend("pattern" = MONEY_OR_EMPTY))]
    pub valor_pago: String,
    /// Issue date (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub data_lancamento: String,
    /// Due date (`YYYY-MM-DD`).
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub data_vencimento: String,
    /// Payment date (`YYYY-MM-DD`), or `""`.
    #[schemars(extend("pattern" = DATE_OR_EMPTY))]
    pub data_baixa: String,
    /// The note's URL, or `""`.
    pub url_nota_fiscal: String,
}

/// `null`: the output of `create_lead`, whose HTTP answer is `204 No Content`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoOutput;
