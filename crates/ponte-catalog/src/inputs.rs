//! The typed inputs of every function.
//!
//! Top-level inputs reject unknown names (a misspelt input is a mistake, never data), while the
//! platform objects inside them keep every extra field. Several functions share one input type
//! when their inputs are the same.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::platform::{Lead, Order, Transaction, User};
use crate::values::{DocumentNumber, OrBlank, blank};

/// No inputs at all (the catalog lists).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// Inputs of `create_order`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderInput {
    /// The order placed by the buyer.
    pub order: Order,
    /// A human-readable summary of the order, usually written into an ERP notes field.
    #[schemars(length(min = 1))]
    pub message: String,
}

/// Inputs of `create_order_existing_customer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderExistingCustomerInput {
    /// The order placed by the buyer.
    pub order: Order,
    /// A human-readable summary of the order, usually written into an ERP notes field.
    #[schemars(length(min = 1))]
    pub message: String,
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
    /// The customer's user on the platform.
    pub wda_user: User,
}

/// Inputs of `create_lead`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeadInput {
    /// The lead captured on the platform.
    pub lead: Lead,
}

/// Inputs of the functions that take only the customer's document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
}

/// Inputs of the functions that take the customer's document and, optionally, one contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerContractInput {
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
    /// Restrict the answer to this contract (ERP id); absent or `""` means all contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
}

/// Inputs of `get_invoice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetInvoiceInput {
    /// The invoice's id in the ERP.
    #[schemars(length(min = 1))]
    pub customer_bill_id: String,
    /// The customer's CPF or CNPJ; the invoice must belong to this customer.
    pub customer_document_number: DocumentNumber,
}

/// Inputs of `get_boleto_pdf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetBoletoPdfInput {
    /// The boleto's id in the ERP (an invoice's `remote_id`).
    #[schemars(length(min = 1))]
    pub boleto_id: String,
}

/// Inputs of `settle_boleto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBoletoInput {
    /// The payment received.
    pub transaction: Transaction,
    /// The boleto paid, by its id in the ERP (an invoice's `remote_id`).
    #[schemars(length(min = 1))]
    pub boleto_id: String,
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
}

/// The customer data to change; any subset, at least one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct CustomerChanges {
    /// New e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// New phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// New postal code (CEP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cep: Option<String>,
    /// New street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// New house number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// New complement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complement: Option<String>,
    /// New neighbourhood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighborhood: Option<String>,
    /// New city name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// New state (UF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// Inputs of `update_customer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerInput {
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
    /// The customer's user on the platform.
    pub wda_user: User,
    /// What to change.
    pub changes: CustomerChanges,
}

/// Inputs of `trust_unlock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustUnlockInput {
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
    /// The blocked contract to release (ERP id).
    #[schemars(length(min = 1))]
    pub contract_id: String,
}

/// Inputs of `create_ticket`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicketInput {
    /// The customer's CPF or CNPJ.
    pub customer_document_number: DocumentNumber,
    /// The contract the ticket is about (ERP id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<String>,
    /// The ticket's subject.
    #[schemars(length(min = 1))]
    pub subject: String,
    /// The ticket's text.
    #[schemars(length(min = 1))]
    pub message: String,
    /// The customer's user on the platform, if known.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<User>")]
    pub wda_user: Option<User>,
}

/// Inputs of `get_fiscal_note_pdf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetFiscalNotePdfInput {
    /// The fiscal note's id in the ERP (an `id_nota` of `list_fiscal_notes`).
    #[schemars(length(min = 1))]
    pub nota_id: String,
    /// The customer's CPF or CNPJ; the note must belong to this customer.
    pub customer_document_number: DocumentNumber,
}
