//! Every behaviour of the Hubsoft simulator that the vendor documentation does not pin down, in
//! one place.
//!
//! Hubsoft is the best-documented ERP Ponte speaks to (erps.md §6: the vendor's own docs and
//! Postman collection), so most of the simulator follows a cited section. What follows is the
//! rest: texts never captured, rules that live in the provider's admin panel, and shapes only
//! implied. Each is a plausible choice; where a test may want the other behaviour it is a field
//! of [`super::HubsoftConfig`], whose default is the choice below.
//!
//! Switches in [`super::HubsoftConfig`] (default first):
//!
//! | field | default | what is open |
//! |---|---|---|
//! | `refresh_grant` | on | the answer carries a `refresh_token`, its grant is undocumented (addendum §2) |
//! | `refresh_token_lifetime_secs` | 60 days | not documented |
//! | `pdf_link_requires_token` | off | whether `/pdf/...` links need the Bearer token (erps.md §6.5, §12) |
//! | `misspelt_success` | on | the samples of `cliente/financeiro`, `cliente/atendimento` and `cliente/ordem_servico` all say `"suscess"` |
//! | `unknown_customer` | empty list | the answer for a document nobody has |
//! | `masked_document_matches` | off | documents are stored bare (addendum §2); whether a masked term still matches |
//! | `hide_inactive_by_default` | on | `inativo` defaults to "não"; what an inactive record is |
//! | `unlock_max_days` | 3 | the admin rule; the doc's example is 3 (erps.md §6.4) |
//! | `unlock_period_days` | 30 | the "once per period" rule (addendum §2, Open) |
//! | `unlock_status` | `servico_habilitado` | the service status while an unlock lasts (addendum §2, Open) |
//! | `overpayment` | refused above the amount due | whether `liquidar` takes more than is owed |
//! | `partial_payment` | keeps the rest open | whether `liquidar` below the balance settles the invoice |
//! | `pix_on_paid_invoices` | off | whether settled invoices keep their `pix_copia_cola` |
//! | `nota_fiscal_requires_dates` | off | `cliente/nota_fiscal` with no dates (addendum §2, Open) |
//!
//! The texts below are the other guesses. Where a documented message of the same family
//! exists, the guess copies its style (`"<Coisa> de ID <n> não encontrado"`, Laravel's
//! Portuguese validation messages, the `"Favor preencher..."` envelope).

/// `msg` of every validation failure, with the list of problems in `errors` (documented).
pub const VALIDATION_MESSAGE: &str =
    "Favor preencher os campos obrigatórios de acordo com as especificações";

/// A required field is missing. Documented: "O campo pagina é obrigatório.", "O campo id
/// produto é obrigatório." (underscores read as spaces, Laravel's habit).
pub fn required(field: &str) -> String {
    format!("O campo {} é obrigatório.", field.replace('_', " "))
}

/// A field that must be a whole number is not (documented for route ids).
pub fn not_integer(field: &str) -> String {
    format!("O campo {field} deve ser do tipo integer")
}

/// A field outside its list of values (documented: "O campo documento não possui um valor
/// válido.").
pub fn invalid_value(field: &str) -> String {
    format!("O campo {field} não possui um valor válido.")
}

/// A number below its minimum (Laravel's Portuguese text).
pub fn below_min(field: &str, min: u64) -> String {
    format!(
        "O campo {} deve ser no mínimo {min}.",
        field.replace('_', " ")
    )
}

/// A number above its maximum (Laravel's Portuguese text).
pub fn above_max(field: &str, max: u64) -> String {
    format!(
        "O campo {} não pode ser superior a {max}.",
        field.replace('_', " ")
    )
}

/// A date that does not read as `YYYY-MM-DD` (Laravel's Portuguese text).
pub fn not_a_date(field: &str) -> String {
    format!("O campo {} não é uma data válida.", field.replace('_', " "))
}

/// A value that must be digits only is not (addendum §2 says `cep`, `telefone`, `cpf_cnpj`,
/// `numero` must be digits; the text is a guess).
pub fn digits_only(field: &str) -> String {
    format!("O campo {field} deve conter apenas números.")
}

/// A `busca` outside its list. The style is documented for the stock endpoints.
pub fn invalid_search(kind: &str, accepted: &[&str]) -> String {
    format!(
        "O tipo de busca ({kind}) não é válido | Valores aceitos para esse campo: {}",
        accepted.join(",")
    )
}

/// The body of a 401 for a missing, wrong, expired or revoked Bearer token (Laravel's answer
/// to an unauthenticated JSON request; only the status is documented).
pub const UNAUTHENTICATED_BODY: &str = r#"{"message":"Unauthenticated."}"#;

/// The 401 of `/oauth/token` for a wrong client id or secret (the OAuth2 server's usual text;
/// only `invalid_credentials` is documented).
pub const INVALID_CLIENT: (&str, &str) = ("invalid_client", "Client authentication failed");

/// The 400 of `/oauth/token` for a grant it does not support.
pub const UNSUPPORTED_GRANT: (&str, &str) = (
    "unsupported_grant_type",
    "The authorization grant type is not supported by the authorization server.",
);

/// The 400 of `/oauth/token` when a parameter is missing.
pub const INVALID_REQUEST: (&str, &str) = (
    "invalid_request",
    "The request is missing a required parameter, includes an invalid parameter value, \
     includes a parameter more than once, or is otherwise malformed.",
);

/// The 401 of `/oauth/token` for an unknown, used, expired or revoked refresh token.
pub const INVALID_REFRESH: (&str, &str) = ("invalid_request", "The refresh token is invalid.");

/// The answer to a path no route serves.
pub const NOT_FOUND_BODY: &str = r#"{"message":"Not Found"}"#;

/// `msg` of a lookup that found nobody, when [`super::config::UnknownCustomer::Error`].
pub const CUSTOMER_NOT_FOUND: &str = "Nenhum cliente foi encontrado com os dados informados";

/// A service id that does not exist.
pub fn service_not_found(id: u64) -> String {
    format!("Serviço de ID {id} não encontrado")
}

/// A customer id that does not exist (`cliente/nota_fiscal`).
pub fn customer_not_found(id: &str) -> String {
    format!("Cliente de ID {id} não encontrado")
}

/// An invoice id that does not exist (`liquidar`).
pub fn invoice_not_found(id: u64) -> String {
    format!("Fatura de ID {id} não encontrada")
}

/// A cash box id that does not exist or is inactive (`liquidar`).
pub fn cash_box_not_found(id: u64) -> String {
    format!("Caixa Financeiro de ID {id} não encontrado")
}

/// A payment method prefix that is not registered (`liquidar`).
pub fn unknown_payment_method(prefix: &str) -> String {
    format!("Meio de pagamento ({prefix}) não encontrado")
}

/// An amount above what the invoice owes (`liquidar`, with [`super::config::Overpayment`]).
pub fn overpaid(id: u64, paid: &str, due: &str) -> String {
    format!("O valor pago (R$ {paid}) é superior ao valor devido da fatura de ID {id} (R$ {due})")
}

/// A zero or negative amount (`liquidar`).
pub const NON_POSITIVE_PAYMENT: &str = "O valor pago deve ser maior que zero";

/// More trust-unlock days than the admin rule allows (the doc describes the refusal but not
/// its words).
pub fn unlock_too_many_days(asked: u64, max: u32) -> String {
    format!(
        "A quantidade de dias informada ({asked}) não é permitida, pois ultrapassa o limite de \
         {max} dia(s) configurado para o desbloqueio em confiança"
    )
}

/// A trust unlock asked for a service that is not suspended for debt.
pub fn unlock_not_suspended(status: &str) -> String {
    format!(
        "O serviço não está suspenso por débito (status atual: {status}), portanto não é \
         possível realizar o desbloqueio em confiança"
    )
}

/// A second trust unlock inside the period.
pub fn unlock_already_used(used_br: &str, again_br: &str) -> String {
    format!(
        "O desbloqueio em confiança já foi utilizado em {used_br}. Um novo desbloqueio só \
         poderá ser realizado a partir de {again_br}"
    )
}

/// A service whose customer the provider excluded from trust unlocks.
pub const UNLOCK_NOT_ALLOWED: &str =
    "O desbloqueio em confiança não está habilitado para este cliente";

/// A trust unlock on a service whose unlock is still running.
pub fn unlock_running(until_br: &str) -> String {
    format!("O serviço já possui um desbloqueio em confiança ativo até a data {until_br}")
}

/// `financeiro/fatura` without `busca` over more than the allowed period (the cap is in the
/// addendum, the text is not).
pub fn period_too_long(max_days: u32) -> String {
    format!(
        "O período informado não pode ser superior a {max_days} dias quando não for informado \
         o tipo de busca"
    )
}

/// `data_fim` before `data_inicio`.
pub const PERIOD_REVERSED: &str = "A data final deve ser maior ou igual à data inicial";

/// `cliente/nota_fiscal` with a range above 60 days (the limit is documented, the text is not).
pub const NOTA_RANGE_TOO_LONG: &str =
    "O intervalo entre data_inicio e data_fim não pode ser superior a 60 dias";

/// The attendance type a ticket gets when none is sent (documented: "SAC").
pub const DEFAULT_TICKET_TYPE: &str = "SAC";

/// The status of a new ticket (the documented sample shows it).
pub const NEW_TICKET_STATUS: &str = "Aguardando Análise";

/// An e-mail that does not look like one (Laravel's Portuguese text).
pub fn not_an_email(field: &str) -> String {
    format!("O campo {field} deve ser um endereço de e-mail válido.")
}

/// An attendance type id that does not exist.
pub fn ticket_type_not_found(id: u64) -> String {
    format!("Tipo de Atendimento de ID {id} não encontrado")
}

/// A service id that does not exist (`prospecto`).
pub fn plan_not_found(id: u64) -> String {
    format!("Serviço de ID {id} não encontrado")
}

/// `pdf/...` with a token that names nothing.
pub const PDF_NOT_FOUND_BODY: &str = "Fatura não encontrada";

/// Who opens the records created through the API (the documented sample shows the provider's
/// name).
pub const API_USER_NAME: &str = "PONTE NET";
