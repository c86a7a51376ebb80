//! The SGP (Sistema Gerenciador de Provedores) preset: the functions SGP's integrator API
//! (`/api/ura/...`) serves, the others declared unsupported with the reason.
//!
//! The files are `presets/sgp/<function>.yaml`; `COVERAGE.md` beside them is rendered from
//! [`SGP`]`.coverage` by this crate's tests.

use ponte_catalog::FunctionId;

use crate::{Coverage, Preset};

/// Embeds `presets/sgp/<name>.yaml` as the automation of one function.
macro_rules! automation {
    ($id:ident, $file:literal) => {
        (
            FunctionId::$id,
            $file,
            include_str!(concat!("../../../presets/sgp/", $file)),
        )
    };
}

static AUTOMATIONS: [(FunctionId, &str, &str); 14] = [
    automation!(ListResellers, "list_resellers.yaml"),
    automation!(ListProducts, "list_products.yaml"),
    automation!(ListDueDates, "list_due_dates.yaml"),
    automation!(ListInvoices, "list_invoices.yaml"),
    automation!(GetInvoice, "get_invoice.yaml"),
    automation!(GetBoletoPdf, "get_boleto_pdf.yaml"),
    automation!(SettleBoleto, "settle_boleto.yaml"),
    automation!(GetCustomerInfo, "get_customer_info.yaml"),
    automation!(ListCustomerContacts, "list_customer_contacts.yaml"),
    automation!(ListCustomerPlans, "list_customer_plans.yaml"),
    automation!(ListCustomerBlockedPlans, "list_customer_blocked_plans.yaml"),
    automation!(TrustUnlock, "trust_unlock.yaml"),
    automation!(CreateTicket, "create_ticket.yaml"),
    automation!(
        CreateOrderExistingCustomer,
        "create_order_existing_customer.yaml"
    ),
];

/// The shared steps, `presets/sgp/shared/<name>.yaml`: name, file and source.
static SHARED: [(&str, &str, &str); 1] = [(
    "customer_by_document",
    "presets/sgp/shared/customer_by_document.yaml",
    include_str!("../../../presets/sgp/shared/customer_by_document.yaml"),
)];

static COVERAGE: [Coverage; 21] = [
    Coverage {
        function: FunctionId::CreateOrder,
        supported: false,
        reason: "SGP documents `/api/precadastro/F` and `/J` (pre-registration with `plano_id`, `vencimento_id`, `vendedor_id`); not in this preset yet: its success answer (which id it returns) is not captured.",
    },
    Coverage {
        function: FunctionId::CreateOrderExistingCustomer,
        supported: true,
        reason: "An occurrence (`/api/ura/chamado/`) on the customer's first live contract, of the provider's type `order_occurrence_type` (refused with `order_not_configured` while unset).",
    },
    Coverage {
        function: FunctionId::CreateLead,
        supported: false,
        reason: "SGP documents `/api/precadastro/F` and `/J`; not in this preset yet: its success answer (which id it returns) is not captured.",
    },
    Coverage {
        function: FunctionId::ListResellers,
        supported: true,
        reason: "The sellers of `/api/precadastro/vendedor/list` (`{id, nome}`); SGP gives no document or e-mail of a seller.",
    },
    Coverage {
        function: FunctionId::ListProducts,
        supported: true,
        reason: "The plans of `/api/precadastro/plano/list` (`{id, descricao, valor}`).",
    },
    Coverage {
        function: FunctionId::ListDueDates,
        supported: true,
        reason: "The due days of `/api/precadastro/vencimento/list` (`{id, dia}`): the id is the code, the day the name.",
    },
    Coverage {
        function: FunctionId::ListCommercialOrigins,
        supported: false,
        reason: "SGP's API has no list of the \"como conheceu\" media (`midia_id`): none of the 237 endpoints of its collection lists them.",
    },
    Coverage {
        function: FunctionId::ListInvoices,
        supported: true,
        reason: "`/api/ura/titulos/` by CPF/CNPJ with `status=abertos`, every page, oldest due date first; `valor_final` is `valorCorrigido`, `juros` and `multa` stay empty (SGP does not split them).",
    },
    Coverage {
        function: FunctionId::GetInvoice,
        supported: true,
        reason: "One title of `/api/ura/titulos/` (`titulo_id`) whose `clienteId` is the customer's, whatever its status; `valor_final` is `valorCorrigido` while open, else `0.00`.",
    },
    Coverage {
        function: FunctionId::GetBoletoPdf,
        supported: true,
        reason: "The title's public link from `/api/ura/titulos/` (`titulo_id`), downloaded in its `.pdf` form (`pdf_link_style`).",
    },
    Coverage {
        function: FunctionId::SettleBoleto,
        supported: true,
        reason: "`/api/banco/titulo/{id}/baixar/`, after checking the title is the customer's and open; SGP's answers to it are not captured, so `status` 2 is taken as its refusal, like the rest of its API.",
    },
    Coverage {
        function: FunctionId::GetCustomerInfo,
        supported: true,
        reason: "consultacliente (`/api/ura/consultacliente/`) by CPF/CNPJ: the register and address carried by the first live contract.",
    },
    Coverage {
        function: FunctionId::UpdateCustomer,
        supported: false,
        reason: "SGP has no endpoint that edits a customer's name, address or birth date; only contacts can be added (`/api/ura/contato/add/`), which this preset does not do yet.",
    },
    Coverage {
        function: FunctionId::ListCustomerContacts,
        supported: true,
        reason: "consultacliente's `emails` and `telefones` (objects or plain strings).",
    },
    Coverage {
        function: FunctionId::GetInternalPendencyMessages,
        supported: false,
        reason: "SGP documents `/api/ura/cliente/anotacao/list`; not in this preset yet: its answer shape is not captured.",
    },
    Coverage {
        function: FunctionId::ListCustomerPlans,
        supported: true,
        reason: "consultacliente's live contracts (`contratoStatus`); `valor` stays empty (consultacliente carries no monthly value).",
    },
    Coverage {
        function: FunctionId::ListCustomerBlockedPlans,
        supported: true,
        reason: "consultacliente's live contracts whose `contratoStatus` is in `blocked_contract_statuses` (4 Suspenso, 7 reduced speed).",
    },
    Coverage {
        function: FunctionId::TrustUnlock,
        supported: true,
        reason: "`/api/ura/liberacaopromessa/` after checking the contract is the customer's: `status` 1 released until `data_promessa`, 2 refused with SGP's words, 0 not blocked.",
    },
    Coverage {
        function: FunctionId::CreateTicket,
        supported: true,
        reason: "An occurrence (`/api/ura/chamado/`) on the given or first live contract, of the provider's type `ticket_occurrence_type` (refused with `ticket_not_configured` while unset).",
    },
    Coverage {
        function: FunctionId::ListFiscalNotes,
        supported: false,
        reason: "SGP documents `/api/ura/nfe/list/` and the customer-area `nfcom/list`; not in this preset yet: their answer shapes are not captured.",
    },
    Coverage {
        function: FunctionId::GetFiscalNotePdf,
        supported: false,
        reason: "SGP documents `/api/central/nfcom/print/{numero}`; not in this preset yet: its answer shape is not captured.",
    },
];

/// The SGP preset.
pub(crate) static SGP: Preset = Preset {
    name: "sgp",
    erp: "SGP (Sistema Gerenciador de Provedores)",
    automations: &AUTOMATIONS,
    coverage: &COVERAGE,
    readme: include_str!("../../../presets/sgp/README.md"),
    shared: &SHARED,
};
