//! The catalog itself: the 21 functions in the specification's order.

use std::sync::LazyLock;

use serde_json::Value;

use crate::examples;
use crate::inputs::{
    CreateLeadInput, CreateOrderExistingCustomerInput, CreateOrderInput, CreateTicketInput,
    CustomerContractInput, CustomerInput, GetBoletoPdfInput, GetFiscalNotePdfInput,
    GetInvoiceInput, NoInput, SettleBoletoInput, TrustUnlockInput, UpdateCustomerInput,
};
use crate::outputs::{
    ApiResultOutput, CommercialOrigin, Contact, CreateOrderOutput, Customer, DueDate, FiscalNote,
    Invoice, NoOutput, PdfOutput, Plan, Product, RemoteIdOutput, Reseller, TicketOutput,
    TrustUnlockOutput,
};
use crate::spec::{FunctionSpec, OutputKind, input_names, schema_of};
use crate::{FunctionId, FunctionId as F};

/// Builds one entry; schemas, input names and examples are computed on first use.
macro_rules! function {
    ($id:ident, $title:literal, $summary:literal, $kind:ident, $input:ty, $output:ty, $examples:path) => {
        FunctionSpec {
            id: F::$id,
            title: $title,
            summary: $summary,
            output_kind: OutputKind::$kind,
            input_schema: LazyLock::new(schema_of::<$input>),
            output_schema: LazyLock::new(schema_of::<$output>),
            input_fields: LazyLock::new(|| input_names(F::$id)),
            examples: LazyLock::new($examples),
        }
    };
}

static CATALOG: [FunctionSpec; 21] = [
    function!(
        CreateOrder,
        "Criação de pedido",
        "An order was placed and the buyer is not an ERP customer, or is one and the order \
         procedure is \"create order/prospect\". Creates the order or prospect in the ERP.",
        Json,
        CreateOrderInput,
        CreateOrderOutput,
        examples::create_order
    ),
    function!(
        CreateOrderExistingCustomer,
        "Criação de pedido para cliente já existente",
        "An order was placed by an existing ERP customer and the order procedure is \"create \
         ticket/attendance\" (plan change or migration). Opens the ticket or order in the ERP.",
        Json,
        CreateOrderExistingCustomerInput,
        RemoteIdOutput,
        examples::create_order_existing_customer
    ),
    function!(
        CreateLead,
        "Criação de lead",
        "A lead was captured on the platform (for example during checkout). Creates it in the \
         ERP; answers nothing.",
        None,
        CreateLeadInput,
        NoOutput,
        examples::create_lead
    ),
    function!(
        ListResellers,
        "Listar revendedores",
        "The configuration page associates the platform's resellers with the ERP's.",
        Json,
        NoInput,
        Vec<Reseller>,
        examples::list_resellers
    ),
    function!(
        ListProducts,
        "Listar produtos",
        "The configuration page associates the platform's products with the ERP's.",
        Json,
        NoInput,
        Vec<Product>,
        examples::list_products
    ),
    function!(
        ListDueDates,
        "Listar datas de vencimento",
        "The configuration page associates the platform's due dates with the ERP's.",
        Json,
        NoInput,
        Vec<DueDate>,
        examples::list_due_dates
    ),
    function!(
        ListCommercialOrigins,
        "Listar origens comerciais",
        "The configuration page associates the platform's commercial origins with the ERP's.",
        Json,
        NoInput,
        Vec<CommercialOrigin>,
        examples::list_commercial_origins
    ),
    function!(
        ListInvoices,
        "Listar faturas",
        "The invoice lists of the site, the app and the totem: the customer's open invoices, \
         optionally of one contract.",
        Json,
        CustomerContractInput,
        Vec<Invoice>,
        examples::list_invoices
    ),
    function!(
        GetInvoice,
        "Pegar uma fatura pelo ID",
        "The totem looks up one invoice, and a settlement checks it first. Answers the one \
         invoice in a list, or an empty list.",
        Json,
        GetInvoiceInput,
        Vec<Invoice>,
        examples::get_invoice
    ),
    function!(
        GetBoletoPdf,
        "Pegar pdf de um boleto",
        "A customer opens a boleto whose invoice has no link, so no client has to follow a link \
         out of the platform.",
        Json,
        GetBoletoPdfInput,
        PdfOutput,
        examples::get_boleto_pdf
    ),
    function!(
        SettleBoleto,
        "Baixa de boleto",
        "A boleto was paid through the platform (PIX with bank integration, or card by TEF at \
         the totem) and must be written off in the ERP.",
        Json,
        SettleBoletoInput,
        ApiResultOutput,
        examples::settle_boleto
    ),
    function!(
        GetCustomerInfo,
        "Informações do cliente",
        "The platform asks whether a document is an ERP customer, and shows the customer's \
         data. Answers null when the ERP has no such customer.",
        Json,
        CustomerInput,
        Option<Customer>,
        examples::get_customer_info
    ),
    function!(
        UpdateCustomer,
        "Editar dados do cliente",
        "A customer edits contact or address data on the site or in the app.",
        Json,
        UpdateCustomerInput,
        ApiResultOutput,
        examples::update_customer
    ),
    function!(
        ListCustomerContacts,
        "Pegar contatos do cliente",
        "The platform shares invoices or creates the customer's app account and needs the \
         e-mails and phones on file.",
        Json,
        CustomerInput,
        Vec<Contact>,
        examples::list_customer_contacts
    ),
    function!(
        GetInternalPendencyMessages,
        "Pegar texto para avaliar pendência interna",
        "The platform checks whether the customer already has a pendency with the ISP; the \
         texts are judged by the integration's pendency rules.",
        Json,
        CustomerInput,
        Vec<String>,
        examples::get_internal_pendency_messages
    ),
    function!(
        ListCustomerPlans,
        "Listar planos do cliente",
        "The site, the app and the totem show the customer's contracts.",
        Json,
        CustomerInput,
        Vec<Plan>,
        examples::list_customer_plans
    ),
    function!(
        ListCustomerBlockedPlans,
        "Listar planos bloqueados do cliente",
        "The platform offers a trust unlock for the contracts blocked for debt.",
        Json,
        CustomerInput,
        Vec<Plan>,
        examples::list_customer_blocked_plans
    ),
    function!(
        TrustUnlock,
        "Desbloqueio de confiança",
        "A customer asks to release a contract blocked for debt until a promised date.",
        Json,
        TrustUnlockInput,
        TrustUnlockOutput,
        examples::trust_unlock
    ),
    function!(
        CreateTicket,
        "Criação de chamado",
        "A customer opens a support ticket on the site, the app or the totem.",
        Json,
        CreateTicketInput,
        TicketOutput,
        examples::create_ticket
    ),
    function!(
        ListFiscalNotes,
        "Listagem de nota fiscal",
        "The site and the app list the customer's fiscal notes, optionally of one contract.",
        Json,
        CustomerContractInput,
        Vec<FiscalNote>,
        examples::list_fiscal_notes
    ),
    function!(
        GetFiscalNotePdf,
        "PDF da nota fiscal",
        "A customer opens the PDF of one fiscal note.",
        Json,
        GetFiscalNotePdfInput,
        PdfOutput,
        examples::get_fiscal_note_pdf
    ),
];

/// All 21 functions, in the specification's order.
pub fn catalog() -> &'static [FunctionSpec] {
    &CATALOG
}

/// The function with this wire identifier, if the catalog has it.
pub fn function(id: &str) -> Option<&'static FunctionSpec> {
    CATALOG.iter().find(|spec| spec.id.as_str() == id)
}

impl FunctionId {
    /// This function's entry in the catalog.
    pub fn spec(self) -> &'static FunctionSpec {
        // CATALOG lists FunctionId::ALL in the same order; a unit test holds that invariant.
        &CATALOG[self as usize]
    }
}

/// The whole catalog as JSON: each function's id, names, output kind and schemas, for
/// `GET /v1/functions` and the documentation.
pub fn catalog_json() -> Value {
    Value::Array(
        CATALOG
            .iter()
            .map(|spec| {
                serde_json::json!({
                    "id": spec.id,
                    "title": spec.title,
                    "summary": spec.summary,
                    "output_kind": spec.output_kind,
                    "inputs": spec.input_fields(),
                    "input_schema": spec.input_schema(),
                    "output_schema": spec.output_schema(),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_the_order_of_function_ids() {
        for (index, id) in FunctionId::ALL.into_iter().enumerate() {
            assert_eq!(CATALOG[index].id, id);
            assert_eq!(id.spec().id, id);
        }
    }
}
