//! The test preset: one automation per behaviour, each bound to a different catalog function.

use ponte_catalog::FunctionId;
use ponte_core::service::InMemoryPresets;

pub const PRESET: &str = "fake";

/// The mapping of one PLAN.
const PLAN: &str =
    "{remote_id: .id, contract_name: .name, status: .status, blocked: false, valor: .valor}";

const HEAD: &str = r#"
variables:
  base_url: { description: the fake ERP }
secrets: [token]
auth:
  bearer:
    token: "{{ secrets.token }}"
"#;

fn get(id: &str, path: &str, extra: &str) -> String {
    format!(
        "  - id: {id}\n    request:\n      method: GET\n      url: \"{{{{ vars.base_url }}}}{path}\"\n{extra}"
    )
}

fn automation(function: &str, steps: &str, tail: &str) -> String {
    format!("function: {function}\n{HEAD}steps:\n{steps}{tail}")
}

/// The behaviours, by the function they are bound to.
pub fn presets() -> InMemoryPresets {
    sources()
        .into_iter()
        .fold(InMemoryPresets::new(), |presets, (function, source)| {
            presets.with(PRESET, function, format!("fake/{function}"), source)
        })
}

/// The automations' sources.
pub fn sources() -> Vec<(FunctionId, String)> {
    vec![
        // Works: a list.
        (
            FunctionId::ListProducts,
            automation(
                "list_products",
                &get("products", "/products", ""),
                "output: '[.steps.products.body[] | {codigo: .id, nome: .name}]'\n",
            ),
        ),
        // Works: no output (204).
        (
            FunctionId::CreateLead,
            automation(
                "create_lead",
                "  - id: lead\n    request:\n      method: POST\n      url: \"{{ vars.base_url }}/leads\"\n      json: { name: \"{{ input.lead.name }}\" }\n",
                "",
            ),
        ),
        // Works: reads the customer by document.
        (
            FunctionId::ListCustomerContacts,
            automation(
                "list_customer_contacts",
                &get("customer", "/customers/{{ input.customer_document_number }}", ""),
                "output: '[{type: \"email\", value: .steps.customer.body.email}]'\n",
            ),
        ),
        // erp_timeout: the ERP never answers within the request timeout.
        (
            FunctionId::ListResellers,
            automation(
                "list_resellers",
                &get("slow", "/slow", ""),
                "output: '[.steps.slow.body[] | {code: .id, name: .name, taxvat: \"\", email: \"\"}]'\n",
            ),
        ),
        // erp_unavailable: the ERP answers 503.
        (
            FunctionId::ListDueDates,
            automation(
                "list_due_dates",
                &get("down", "/down", ""),
                "output: '[.steps.down.body[] | {code: .id, name: .name}]'\n",
            ),
        ),
        // erp_rejected: HTTP 200 with an error envelope in HTML.
        (
            FunctionId::ListCommercialOrigins,
            automation(
                "list_commercial_origins",
                &get(
                    "refuse",
                    "/refuse",
                    "      success: '.type? != \"error\"'\n      error_message: .message\n",
                ),
                "output: '[.steps.refuse.body[] | {code: .id, description: .name}]'\n",
            ),
        ),
        // erp_invalid_response: a number where the contract wants a string.
        (
            FunctionId::GetInternalPendencyMessages,
            automation(
                "get_internal_pendency_messages",
                &get("numbers", "/numbers", ""),
                "output: '[.steps.numbers.body[] | .text]'\n",
            ),
        ),
        // erp_auth_failed: the ERP refuses the credentials.
        (
            FunctionId::ListCustomerPlans,
            automation(
                "list_customer_plans",
                &get("locked", "/locked", ""),
                &format!("output: '[.steps.locked.body[] | {PLAN}]'\n"),
            ),
        ),
        // host_not_allowed: a host outside the integration's allowed hosts.
        (
            FunctionId::ListCustomerBlockedPlans,
            "function: list_customer_blocked_plans\nsteps:\n  - id: elsewhere\n    request:\n      method: GET\n      url: \"http://internal.example.net/plans\"\n".to_owned()
                + &format!("output: '[.steps.elsewhere.body[] | {PLAN}]'\n"),
        ),
        // limit_exceeded: two steps under a limit of one.
        (
            FunctionId::ListFiscalNotes,
            automation(
                "list_fiscal_notes",
                &format!("{}{}", get("one", "/products", ""), get("two", "/products", "")),
                "limits: { max_steps: 1 }\noutput: '[.steps.two.body[] | {id_nota: .id, status: .id, valor: .id, valor_pago: .id, data_lancamento: .id, data_vencimento: .id, data_baixa: .id, url_nota_fiscal: .id}]'\n",
            ),
        ),
        // automation_error: the automation fails on this call's data.
        (
            FunctionId::CreateTicket,
            automation(
                "create_ticket",
                "  - id: broken\n    when: 'error(\"this automation is broken\")'\n    set: '1'\n",
                "output: '{remote_id: \"\", remote_message: \"\"}'\n",
            ),
        ),
        // Works, slowly: for the concurrency gate.
        (
            FunctionId::GetFiscalNotePdf,
            automation(
                "get_fiscal_note_pdf",
                &get("gate", "/gate", ""),
                "output: '{base_64: .steps.gate.body.pdf}'\n",
            ),
        ),
        // not_found_in_erp: the ERP answers, and the automation says it has no such record.
        (
            FunctionId::UpdateCustomer,
            automation(
                "update_customer",
                &format!(
                    "{}{}",
                    get("lookup", "/products", ""),
                    "  - id: unknown\n    fail:\n      code: customer_not_found\n      message: \"the ERP has no customer {{ input.customer_document_number }}\"\n      not_found: true\n"
                ),
                "output: '{success: true, api_response: \"\"}'\n",
            ),
        ),
        // a fail step with the automation's own code.
        (
            FunctionId::TrustUnlock,
            automation(
                "trust_unlock",
                "  - id: refuse\n    fail:\n      code: contract_not_blocked\n      message: \"contract {{ input.contract_id }} of {{ input.customer_document_number }} is not blocked\"\n",
                "output: '{success: true, message: \"\", unlocked_until: \"\", api_response: \"\"}'\n",
            ),
        ),
        // Serves payments (`POST /v1/payments`); the tests of this harness run no payment
        // worker, so it is never called.
        (
            FunctionId::SettleBoleto,
            automation(
                "settle_boleto",
                "  - id: refuse\n    fail:\n      code: not_called\n      message: \"no worker runs\"\n",
                "output: '{success: false, api_response: \"\"}'\n",
            ),
        ),
    ]
}
