//! The stable identifiers of the catalog's functions.
//!
//! An identifier is part of the wire contract (`POST /v1/functions/{id}`, automation bindings),
//! so the spelling here never changes once released.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One function of the catalog, by its stable snake_case identifier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FunctionId {
    /// Criação de pedido.
    CreateOrder,
    /// Criação de pedido para cliente já existente.
    CreateOrderExistingCustomer,
    /// Criação de lead.
    CreateLead,
    /// Listar revendedores.
    ListResellers,
    /// Listar produtos.
    ListProducts,
    /// Listar datas de vencimento.
    ListDueDates,
    /// Listar origens comerciais.
    ListCommercialOrigins,
    /// Listar faturas.
    ListInvoices,
    /// Pegar uma fatura pelo ID.
    GetInvoice,
    /// Pegar pdf de um boleto.
    GetBoletoPdf,
    /// Baixa de boleto.
    SettleBoleto,
    /// Informações do cliente.
    GetCustomerInfo,
    /// Editar dados do cliente.
    UpdateCustomer,
    /// Pegar contatos do cliente.
    ListCustomerContacts,
    /// Pegar texto para avaliar pendência interna.
    GetInternalPendencyMessages,
    /// Listar planos do cliente.
    ListCustomerPlans,
    /// Listar planos bloqueados do cliente.
    ListCustomerBlockedPlans,
    /// Desbloqueio de confiança.
    TrustUnlock,
    /// Criação de chamado.
    CreateTicket,
    /// Listagem de nota fiscal.
    ListFiscalNotes,
    /// PDF da nota fiscal.
    GetFiscalNotePdf,
}

impl FunctionId {
    /// Every function, in the order of the specification's catalog.
    pub const ALL: [FunctionId; 21] = [
        FunctionId::CreateOrder,
        FunctionId::CreateOrderExistingCustomer,
        FunctionId::CreateLead,
        FunctionId::ListResellers,
        FunctionId::ListProducts,
        FunctionId::ListDueDates,
        FunctionId::ListCommercialOrigins,
        FunctionId::ListInvoices,
        FunctionId::GetInvoice,
        FunctionId::GetBoletoPdf,
        FunctionId::SettleBoleto,
        FunctionId::GetCustomerInfo,
        FunctionId::UpdateCustomer,
        FunctionId::ListCustomerContacts,
        FunctionId::GetInternalPendencyMessages,
        FunctionId::ListCustomerPlans,
        FunctionId::ListCustomerBlockedPlans,
        FunctionId::TrustUnlock,
        FunctionId::CreateTicket,
        FunctionId::ListFiscalNotes,
        FunctionId::GetFiscalNotePdf,
    ];

    /// The wire identifier, e.g. `"list_invoices"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FunctionId::CreateOrder => "create_order",
            FunctionId::CreateOrderExistingCustomer => "create_order_existing_customer",
            FunctionId::CreateLead => "create_lead",
            FunctionId::ListResellers => "list_resellers",
            FunctionId::ListProducts => "list_products",
            FunctionId::ListDueDates => "list_due_dates",
            FunctionId::ListCommercialOrigins => "list_commercial_origins",
            FunctionId::ListInvoices => "list_invoices",
            FunctionId::GetInvoice => "get_invoice",
            FunctionId::GetBoletoPdf => "get_boleto_pdf",
            FunctionId::SettleBoleto => "settle_boleto",
            FunctionId::GetCustomerInfo => "get_customer_info",
            FunctionId::UpdateCustomer => "update_customer",
            FunctionId::ListCustomerContacts => "list_customer_contacts",
            FunctionId::GetInternalPendencyMessages => "get_internal_pendency_messages",
            FunctionId::ListCustomerPlans => "list_customer_plans",
            FunctionId::ListCustomerBlockedPlans => "list_customer_blocked_plans",
            FunctionId::TrustUnlock => "trust_unlock",
            FunctionId::CreateTicket => "create_ticket",
            FunctionId::ListFiscalNotes => "list_fiscal_notes",
            FunctionId::GetFiscalNotePdf => "get_fiscal_note_pdf",
        }
    }
}

impl fmt::Display for FunctionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identifier named no function of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no function of the catalog is called {0:?}")]
pub struct UnknownFunction(pub String);

impl FromStr for FunctionId {
    type Err = UnknownFunction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FunctionId::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownFunction(s.to_owned()))
    }
}
