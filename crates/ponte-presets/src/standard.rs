//! The standard API preset: the functions served by the generic "standard API" contract an ISP
//! platform expects from an ERP or a middleware (five documented GET operations with a token
//! in a header), the others declared unsupported with the reason.
//!
//! The files are `presets/standard/<function>.yaml`; `COVERAGE.md` beside them is rendered
//! from [`STANDARD`]`.coverage` by this crate's tests.

use ponte_catalog::FunctionId;

use crate::{Coverage, Preset};

/// Embeds `presets/standard/<name>.yaml` as the automation of one function.
macro_rules! automation {
    ($id:ident, $file:literal) => {
        (
            FunctionId::$id,
            $file,
            include_str!(concat!("../../../presets/standard/", $file)),
        )
    };
}

static AUTOMATIONS: [(FunctionId, &str, &str); 7] = [
    automation!(ListInvoices, "list_invoices.yaml"),
    automation!(GetInvoice, "get_invoice.yaml"),
    automation!(GetCustomerInfo, "get_customer_info.yaml"),
    automation!(ListCustomerContacts, "list_customer_contacts.yaml"),
    automation!(
        GetInternalPendencyMessages,
        "get_internal_pendency_messages.yaml"
    ),
    automation!(ListFiscalNotes, "list_fiscal_notes.yaml"),
    automation!(GetFiscalNotePdf, "get_fiscal_note_pdf.yaml"),
];

/// The shared steps, `presets/standard/shared/<name>.yaml`: name, file and source.
static SHARED: [(&str, &str, &str); 1] = [(
    "customer_by_document",
    "presets/standard/shared/customer_by_document.yaml",
    include_str!("../../../presets/standard/shared/customer_by_document.yaml"),
)];

/// Why the announced writes are not served.
const UNREAD_WRITE: &str = "The platform's page announces POST/PUT operations (orders, leads, tickets, settlement, trust unlock, plans, customer edit) but their requests and answers could not be read; the standard API documents only five GET operations.";

/// Why the catalogues are not served.
const NO_CATALOGUE: &str =
    "The standard API has no catalogue operation: its five GET operations are all per customer.";

static COVERAGE: [Coverage; 21] = [
    Coverage {
        function: FunctionId::CreateOrder,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::CreateOrderExistingCustomer,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::CreateLead,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::ListResellers,
        supported: false,
        reason: NO_CATALOGUE,
    },
    Coverage {
        function: FunctionId::ListProducts,
        supported: false,
        reason: NO_CATALOGUE,
    },
    Coverage {
        function: FunctionId::ListDueDates,
        supported: false,
        reason: NO_CATALOGUE,
    },
    Coverage {
        function: FunctionId::ListCommercialOrigins,
        supported: false,
        reason: NO_CATALOGUE,
    },
    Coverage {
        function: FunctionId::ListInvoices,
        supported: true,
        reason: "E2 \"Pegar boletos abertos/faturas\" by `document` (and `id_contrato`): the invoice's id is `id_fatura`, `valor_final` is `valor_atual`; due dates, `linha_digitavel` and `url_boleto` only where the ERP still answers the older field set, and no field set has a PIX code.",
    },
    Coverage {
        function: FunctionId::GetInvoice,
        supported: true,
        reason: "The boleto of E2 whose `id_fatura` is the id asked for; E2 lists open boletos only, so a paid invoice is not found.",
    },
    Coverage {
        function: FunctionId::GetBoletoPdf,
        supported: false,
        reason: "No operation finds a boleto by its id alone; its PDF is reachable only through `url_boleto` of E2's older field set, which needs the customer's document the function does not take.",
    },
    Coverage {
        function: FunctionId::SettleBoleto,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::GetCustomerInfo,
        supported: true,
        reason: "E1 \"Pegar infos de clientes\" by `cnpj_cpf`, in the current field set or the older one (no contract id there).",
    },
    Coverage {
        function: FunctionId::UpdateCustomer,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::ListCustomerContacts,
        supported: true,
        reason: "E1's `email`, `telefone_celular`, `whatsapp`, `fone`, `telefone_comercial`, which only the older field set carries: an ERP answering the current set alone gives none.",
    },
    Coverage {
        function: FunctionId::GetInternalPendencyMessages,
        supported: true,
        reason: "The lines of E1's `alerta` and `obs` (`pendency_fields`), which only the older field set carries: an ERP answering the current set alone gives none.",
    },
    Coverage {
        function: FunctionId::ListCustomerPlans,
        supported: false,
        reason: "No documented operation lists a customer's contracts: E1 gives one contract id (`id_contrato`) without plan, status or value; the plans operation announced for POST/PUT could not be read.",
    },
    Coverage {
        function: FunctionId::ListCustomerBlockedPlans,
        supported: false,
        reason: "No documented operation lists a customer's contracts or says which are blocked.",
    },
    Coverage {
        function: FunctionId::TrustUnlock,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::CreateTicket,
        supported: false,
        reason: UNREAD_WRITE,
    },
    Coverage {
        function: FunctionId::ListFiscalNotes,
        supported: true,
        reason: "E3 \"Pegar notas fiscais\" by `document`: its fields are the catalog's.",
    },
    Coverage {
        function: FunctionId::GetFiscalNotePdf,
        supported: true,
        reason: "The `url_nota_fiscal` of the customer's note in E3, downloaded (with the token only when `pdf_link_auth` is `token`).",
    },
];

/// The standard API preset.
pub(crate) static STANDARD: Preset = Preset {
    name: "standard",
    erp: "Standard API (the platform's generic ERP contract)",
    automations: &AUTOMATIONS,
    coverage: &COVERAGE,
    readme: include_str!("../../../presets/standard/README.md"),
    shared: &SHARED,
};
