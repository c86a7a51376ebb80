//! The Hubsoft preset: every function Hubsoft's integration API (`/api/v1/integracao/...`,
//! OAuth2 password grant) can serve; `update_customer`, which it has no endpoint for, is
//! declared unsupported with the reason.
//!
//! The files are `presets/hubsoft/<function>.yaml`; `COVERAGE.md` beside them is rendered from
//! [`HUBSOFT`]`.coverage` by this crate's tests.

use ponte_catalog::FunctionId;

use crate::{Coverage, Preset};

/// Embeds `presets/hubsoft/<name>.yaml` as the automation of one function.
macro_rules! automation {
    ($id:ident, $file:literal) => {
        (
            FunctionId::$id,
            $file,
            include_str!(concat!("../../../presets/hubsoft/", $file)),
        )
    };
}

/// Embeds `presets/hubsoft/shared/<name>.yaml`.
macro_rules! shared {
    ($name:literal) => {
        (
            $name,
            concat!("presets/hubsoft/shared/", $name, ".yaml"),
            include_str!(concat!("../../../presets/hubsoft/shared/", $name, ".yaml")),
        )
    };
}

static AUTOMATIONS: [(FunctionId, &str, &str); 20] = [
    automation!(CreateOrder, "create_order.yaml"),
    automation!(
        CreateOrderExistingCustomer,
        "create_order_existing_customer.yaml"
    ),
    automation!(CreateLead, "create_lead.yaml"),
    automation!(ListResellers, "list_resellers.yaml"),
    automation!(ListProducts, "list_products.yaml"),
    automation!(ListDueDates, "list_due_dates.yaml"),
    automation!(ListCommercialOrigins, "list_commercial_origins.yaml"),
    automation!(ListInvoices, "list_invoices.yaml"),
    automation!(GetInvoice, "get_invoice.yaml"),
    automation!(GetBoletoPdf, "get_boleto_pdf.yaml"),
    automation!(SettleBoleto, "settle_boleto.yaml"),
    automation!(GetCustomerInfo, "get_customer_info.yaml"),
    automation!(ListCustomerContacts, "list_customer_contacts.yaml"),
    automation!(
        GetInternalPendencyMessages,
        "get_internal_pendency_messages.yaml"
    ),
    automation!(ListCustomerPlans, "list_customer_plans.yaml"),
    automation!(ListCustomerBlockedPlans, "list_customer_blocked_plans.yaml"),
    automation!(TrustUnlock, "trust_unlock.yaml"),
    automation!(CreateTicket, "create_ticket.yaml"),
    automation!(ListFiscalNotes, "list_fiscal_notes.yaml"),
    automation!(GetFiscalNotePdf, "get_fiscal_note_pdf.yaml"),
];

/// The shared steps, `presets/hubsoft/shared/<name>.yaml`: name, file and source.
static SHARED: [(&str, &str, &str); 3] = [
    shared!("customer_by_document"),
    shared!("fiscal_notes"),
    shared!("invoices"),
];

static COVERAGE: [Coverage; 21] = [
    Coverage {
        function: FunctionId::CreateOrder,
        supported: true,
        reason: "A prospect (`POST /prospecto`) with the order's address, first item (`erp_product_code`, its price), due day, origin and seller; the id is `id_prospecto`.",
    },
    Coverage {
        function: FunctionId::CreateOrderExistingCustomer,
        supported: true,
        reason: "An attendance (`POST /atendimento`) on the customer's first live service, of type `order_ticket_type_id` (Hubsoft's SAC when unset); the id is `id_atendimento`.",
    },
    Coverage {
        function: FunctionId::CreateLead,
        supported: true,
        reason: "A prospect (`POST /prospecto`) with the lead's product (or `lead_service_id`), priced from the plans Hubsoft offers at its CEP (`GET /prospecto/create`).",
    },
    Coverage {
        function: FunctionId::ListResellers,
        supported: true,
        reason: "The sellers of `/configuracao/vendedor` (`{id, name}`); Hubsoft gives no document or e-mail of a seller.",
    },
    Coverage {
        function: FunctionId::ListProducts,
        supported: true,
        reason: "The active services of `/configuracao/servico` (`{id_servico, descricao}`).",
    },
    Coverage {
        function: FunctionId::ListDueDates,
        supported: true,
        reason: "The due days of `/configuracao/vencimento` (`{id_vencimento, dia_vencimento}`); `ultimo_dia` is named by `last_day_name`.",
    },
    Coverage {
        function: FunctionId::ListCommercialOrigins,
        supported: true,
        reason: "The origins of `/configuracao/origem_cliente` (`{id_origem_cliente, descricao}`).",
    },
    Coverage {
        function: FunctionId::ListInvoices,
        supported: true,
        reason: "`/cliente/financeiro` by CPF/CNPJ, pending only, oldest due date first (at most 50, Hubsoft's cap); `juros` and `multa` stay empty (the listing has none); `remote_id` is `<id_fatura>-<id_cliente_servico>`.",
    },
    Coverage {
        function: FunctionId::GetInvoice,
        supported: true,
        reason: "The invoice of `/cliente/financeiro` by CPF/CNPJ (paid ones included, the newest 50) whose `id_fatura` is asked; `valor_final` is `0.00` once paid.",
    },
    Coverage {
        function: FunctionId::GetBoletoPdf,
        supported: true,
        reason: "The invoice's tokenised `link`, found through its service (`busca=id_cliente_servico`, named in the boleto id), downloaded.",
    },
    Coverage {
        function: FunctionId::SettleBoleto,
        supported: true,
        reason: "`/financeiro/fatura/liquidar` in the cash box `cash_box_id` (refused with `settlement_not_configured` while unset), after checking the invoice is the customer's; a paid invoice is refused with Hubsoft's words.",
    },
    Coverage {
        function: FunctionId::GetCustomerInfo,
        supported: true,
        reason: "`/cliente` by CPF/CNPJ: the register and the `endereco_cadastral` of the first live service.",
    },
    Coverage {
        function: FunctionId::UpdateCustomer,
        supported: false,
        reason: "Hubsoft documents no endpoint that edits a customer's data (its integration API only reads customers).",
    },
    Coverage {
        function: FunctionId::ListCustomerContacts,
        supported: true,
        reason: "`/cliente`'s `email_principal`, `email_secundario` and three phones.",
    },
    Coverage {
        function: FunctionId::GetInternalPendencyMessages,
        supported: true,
        reason: "`/cliente`'s `alerta_mensagens`, the alerts the provider registers on a customer.",
    },
    Coverage {
        function: FunctionId::ListCustomerPlans,
        supported: true,
        reason: "`/cliente`'s live services (`status_prefixo` not in `dead_service_statuses`), with their monthly value.",
    },
    Coverage {
        function: FunctionId::ListCustomerBlockedPlans,
        supported: true,
        reason: "`/cliente`'s live services whose `status_prefixo` is in `blocked_service_statuses` (suspended for debt, fully or partially).",
    },
    Coverage {
        function: FunctionId::TrustUnlock,
        supported: true,
        reason: "`/cliente/desbloqueio_confianca` for `unlock_days` days, after checking the service is the customer's: released until the date in Hubsoft's message, or refused with its words.",
    },
    Coverage {
        function: FunctionId::CreateTicket,
        supported: true,
        reason: "An attendance (`POST /atendimento`) on the given or first live service, of type `ticket_type_id` (Hubsoft's SAC when unset).",
    },
    Coverage {
        function: FunctionId::ListFiscalNotes,
        supported: true,
        reason: "`/cliente/nota_fiscal` by `id_cliente`: telecom notes, NF-e (`nfe-<id>`) and NFS-e (`nfse-<id>`); notes name no service, so `contract_id` does not narrow them.",
    },
    Coverage {
        function: FunctionId::GetFiscalNotePdf,
        supported: true,
        reason: "The note's link from `/cliente/nota_fiscal` (`link` or `link_pdf`), downloaded.",
    },
];

/// The Hubsoft preset.
pub(crate) static HUBSOFT: Preset = Preset {
    name: "hubsoft",
    erp: "Hubsoft",
    automations: &AUTOMATIONS,
    coverage: &COVERAGE,
    readme: include_str!("../../../presets/hubsoft/README.md"),
    shared: &SHARED,
};
