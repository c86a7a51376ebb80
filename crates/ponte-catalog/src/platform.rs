//! The platform's own objects passed in as inputs: ORDER, LEAD, USER and TRANSACTION.
//!
//! Ponte checks the fields named here and hands every other field to the automation untouched,
//! so each struct keeps the rest in `extra`. Optional fields treat `""` and `null` as absent.

use std::num::NonZeroU32;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::values::{CalendarDate, DocumentNumber, Money, OrBlank, PlatformId, Timestamp, blank};

/// An order placed on the platform (ORDER).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Order {
    /// The platform's order id; orders are idempotent by it.
    pub id: PlatformId,
    /// When the order was placed (RFC 3339).
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Timestamp>")]
    pub created_at: Option<Timestamp>,
    /// The buyer.
    pub customer: OrderCustomer,
    /// Where the service is to be installed.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Address>")]
    pub address: Option<Address>,
    /// The products bought; at least one.
    #[schemars(length(min = 1))]
    pub items: Vec<OrderItem>,
    /// The ERP code of the chosen due date (from `list_due_dates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_code: Option<String>,
    /// The ERP code of the commercial origin (from `list_commercial_origins`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial_origin_code: Option<String>,
    /// The ERP code of the reseller (from `list_resellers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reseller_code: Option<String>,
    /// How the buyer chose to pay, in the platform's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// The order's total.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Money>")]
    pub total: Option<Money>,
    /// Free notes written by the buyer or the seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The buyer of an ORDER.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderCustomer {
    /// Full name, or company name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The buyer's CPF or CNPJ.
    pub document_number: DocumentNumber,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Birthday (`YYYY-MM-DD`).
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<CalendarDate>")]
    pub birth_date: Option<CalendarDate>,
    /// Identity card number (RG).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rg: Option<String>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A postal address, as the platform sends it in ORDER and LEAD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Address {
    /// Postal code (CEP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cep: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// House number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Complement (apartment, block...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complement: Option<String>,
    /// Neighbourhood (bairro).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighborhood: Option<String>,
    /// City name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State (UF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The city's IBGE code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ibge_code: Option<String>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One product line of an ORDER.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderItem {
    /// The platform's product id.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<PlatformId>")]
    pub product_id: Option<PlatformId>,
    /// Product name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The ERP product code associated with the product (from `list_products`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_product_code: Option<String>,
    /// Unit price.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Money>")]
    pub price: Option<Money>,
    /// How many units; at least one.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<NonZeroU32>")]
    pub quantity: Option<NonZeroU32>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A lead captured on the platform (LEAD), e.g. a visitor who asked for coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lead {
    /// The platform's lead id.
    pub id: PlatformId,
    /// When the lead was captured (RFC 3339).
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Timestamp>")]
    pub created_at: Option<Timestamp>,
    /// The person's or company's name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// CPF or CNPJ, when the visitor gave one.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<DocumentNumber>")]
    pub document_number: Option<DocumentNumber>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Postal code (CEP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cep: Option<String>,
    /// Address, as in ORDER.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<Address>")]
    pub address: Option<Address>,
    /// The ERP product code of interest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_product_code: Option<String>,
    /// The ERP code of the commercial origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial_origin_code: Option<String>,
    /// What the visitor wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The customer's user on the platform (USER, sent as `wda_user`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The platform's user id.
    pub id: PlatformId,
    /// The user's CPF or CNPJ.
    pub document_number: DocumentNumber,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Birthday (`YYYY-MM-DD`).
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<CalendarDate>")]
    pub birth_date: Option<CalendarDate>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How a payment was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionMethod {
    /// PIX with the bank integration.
    Pix,
    /// Credit card through TEF at the totem.
    TefCredit,
    /// Debit card through TEF at the totem.
    TefDebit,
    /// Cash.
    Cash,
    /// Anything else.
    Other,
}

impl TransactionMethod {
    /// The wire names, in declaration order.
    pub const NAMES: [&'static str; 5] = ["pix", "tef_credit", "tef_debit", "cash", "other"];
}

/// A payment received by the platform (TRANSACTION), to be written off in the ERP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transaction {
    /// Unique per payment: the idempotency key of a settlement.
    pub id: PlatformId,
    /// How the payment was received.
    #[serde(
        default,
        deserialize_with = "blank::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "OrBlank<TransactionMethod>")]
    pub method: Option<TransactionMethod>,
    /// The amount received.
    pub amount: Money,
    /// When the payment was received (RFC 3339).
    pub paid_at: Timestamp,
    /// The card acquirer's NSU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsu: Option<String>,
    /// The card authorisation code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
    /// The PIX txid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txid: Option<String>,
    /// The PIX end-to-end id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// The totem or terminal that took the payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_id: Option<String>,
    /// Every other field the platform sent, passed through untouched.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
