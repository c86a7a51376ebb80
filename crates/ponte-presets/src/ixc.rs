//! The IXC Provedor preset: one automation per catalog function, all 21 served.
//!
//! The files are `presets/ixc/<function>.yaml`; `COVERAGE.md` beside them is rendered from
//! [`IXC`]`.coverage` by this crate's tests.

use ponte_catalog::FunctionId;

use crate::{Coverage, Preset};

/// Embeds `presets/ixc/<name>.yaml` as the automation of one function.
macro_rules! automation {
    ($id:ident, $file:literal) => {
        (
            FunctionId::$id,
            $file,
            include_str!(concat!("../../../presets/ixc/", $file)),
        )
    };
}

static AUTOMATIONS: [(FunctionId, &str, &str); 21] = [
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
    automation!(UpdateCustomer, "update_customer.yaml"),
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

/// The shared steps, `presets/ixc/shared/<name>.yaml`: name, file and source.
static SHARED: [(&str, &str, &str); 1] = [(
    "customer_by_document",
    "presets/ixc/shared/customer_by_document.yaml",
    include_str!("../../../presets/ixc/shared/customer_by_document.yaml"),
)];

static COVERAGE: [Coverage; 21] = [
    Coverage {
        function: FunctionId::CreateOrder,
        supported: true,
        reason: "A prospect in the CRM (`crm_canditados`), the city looked up in `cidade`.",
    },
    Coverage {
        function: FunctionId::CreateOrderExistingCustomer,
        supported: true,
        reason: "A ticket (`su_ticket`) for the sales team on the existing customer.",
    },
    Coverage {
        function: FunctionId::CreateLead,
        supported: true,
        reason: "A CRM contact (`contato`) marked as lead.",
    },
    Coverage {
        function: FunctionId::ListResellers,
        supported: true,
        reason: "The active sellers of `vendedor`.",
    },
    Coverage {
        function: FunctionId::ListProducts,
        supported: true,
        reason: "The active sales plans of `vd_contratos`.",
    },
    Coverage {
        function: FunctionId::ListDueDates,
        supported: true,
        reason: "IXC has no confirmed table of due days: by default the distinct `dia_fixo_vencimento` of the newest active contracts; else the variable `due_days`, or a table named by `due_day_table`.",
    },
    Coverage {
        function: FunctionId::ListCommercialOrigins,
        supported: true,
        reason: "The sales channels behind `cliente.id_candato_tipo`, from the table named by `commercial_origin_table` (unconfirmed name).",
    },
    Coverage {
        function: FunctionId::ListInvoices,
        supported: true,
        reason: "Released, open `fn_areceber` rows of the customer (of a contract: naming it in `id_contrato` or `id_contrato_avulso`), with `get_pix` per invoice. `juros` and `multa` stay empty: the listing carries no computed interest.",
    },
    Coverage {
        function: FunctionId::GetInvoice,
        supported: true,
        reason: "One `fn_areceber` row of the customer, whatever its status, with `get_pix` when open.",
    },
    Coverage {
        function: FunctionId::GetBoletoPdf,
        supported: true,
        reason: "The `get_boleto` action, PDF bytes.",
    },
    Coverage {
        function: FunctionId::SettleBoleto,
        supported: true,
        reason: "`fn_areceber_recebimentos_baixas_novo`, after checking the invoice is the customer's and open.",
    },
    Coverage {
        function: FunctionId::GetCustomerInfo,
        supported: true,
        reason: "`cliente`, its contracts, and the names of its `cidade` and `uf` (empty when the API user may not read those tables).",
    },
    Coverage {
        function: FunctionId::UpdateCustomer,
        supported: true,
        reason: "GET, merge, `PUT cliente/<id>` with the whole record.",
    },
    Coverage {
        function: FunctionId::ListCustomerContacts,
        supported: true,
        reason: "The e-mail and phone columns of `cliente`.",
    },
    Coverage {
        function: FunctionId::GetInternalPendencyMessages,
        supported: true,
        reason: "The customer's `alerta` and `obs` and the contracts' `obs` (columns configurable).",
    },
    Coverage {
        function: FunctionId::ListCustomerPlans,
        supported: true,
        reason: "`cliente_contrato` with the sum of each contract's `vd_contratos_produtos` (empty when the API user may not read that table).",
    },
    Coverage {
        function: FunctionId::ListCustomerBlockedPlans,
        supported: true,
        reason: "`cliente_contrato` whose `status_internet` is a block (CM, CA, FA) or whose speed is reduced.",
    },
    Coverage {
        function: FunctionId::TrustUnlock,
        supported: true,
        reason: "The `desbloqueio_confianca` action, then the contract's `dt_retorno_desb_conf`.",
    },
    Coverage {
        function: FunctionId::CreateTicket,
        supported: true,
        reason: "An `su_ticket` (atendimento).",
    },
    Coverage {
        function: FunctionId::ListFiscalNotes,
        supported: true,
        reason: "`vd_saida` notes, with payments from the `fn_areceber` rows that name them.",
    },
    Coverage {
        function: FunctionId::GetFiscalNotePdf,
        supported: true,
        reason: "The `imprimir_nota` action (base64 text or PDF bytes).",
    },
];

/// The IXC Provedor preset.
pub(crate) static IXC: Preset = Preset {
    name: "ixc",
    erp: "IXC Provedor (IXCSoft)",
    automations: &AUTOMATIONS,
    coverage: &COVERAGE,
    readme: include_str!("../../../presets/ixc/README.md"),
    shared: &SHARED,
};
