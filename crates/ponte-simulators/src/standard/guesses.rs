//! Every behaviour of the standard API that its one source leaves open.
//!
//! The source is the platform's wiki page "Exemplo Requests/Responses que esperamos de API"
//! (datacake.md §4.1, erps-addendum §7), readable only in part: it names five GET operations
//! (E1 customer, E2 open boletos, E3 fiscal notes, E4 financial statement, E5 debt-discharge
//! declarations), their parameters and most of their fields, in two field sets (current and
//! the older ≤ v18 one), and recommends a token in a request header. It gives no URL, no
//! header name, no not-found behaviour, no money or date format, no `code_fatura` separator
//! and no error shape (erps-addendum §7 "Open"). Each of those is a field of
//! [`StandardGuesses`], with the choice most APIs of this kind make as the default.
//!
//! The page announces POST and PUT operations (orders, leads, tickets, settlement, trust
//! unlock, plans, customer edit) that could not be read; the simulator has none of them, as a
//! preset must declare those functions unsupported (erps-addendum §7).
//!
//! Also guessed, as shapes: E5's items are `{ano, url_declaracao}` (the fields are cut from the
//! page); E3's `status` is the note's situation in words (`"Autorizada"`, `"Cancelada"`); the
//! links (`url_boleto`, `url_nota_fiscal`, `url_declaracao`) are public PDF URLs.

/// Which of the page's two field sets the answers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSet {
    /// The current set only (the newest page version).
    Current,
    /// The older (≤ v18) set only, which still carries contacts, alerts, the linha digitável
    /// and the boleto URL.
    Legacy,
    /// Both sets merged (an ERP that kept the old fields when it added the new ones).
    Both,
}

/// What an unknown document gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    /// HTTP 404 with `{"error": ...}`.
    Status404,
    /// HTTP 200 with an empty object (E1) or an empty list (the others).
    Empty,
}

/// How money is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyFormat {
    /// A JSON number of reais, `89.9`.
    Number,
    /// A decimal string with two places, `"89.90"`.
    Text,
}

/// The open choices of the standard API. See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardGuesses {
    /// The header that carries the token ("token in the request header" is recommended; the
    /// name is not given).
    pub token_header: String,
    /// The scheme before the token in that header (`Bearer`), or `None` for the bare token.
    pub token_scheme: Option<String>,
    /// The prefix of every route.
    pub base_path: String,
    /// E1 "Pegar infos de clientes", under [`StandardGuesses::base_path`].
    pub customer_path: String,
    /// E2 "Pegar boletos abertos/faturas".
    pub boletos_path: String,
    /// E3 "Pegar notas fiscais".
    pub notes_path: String,
    /// E4 "Extratos financeiros".
    pub statement_path: String,
    /// E5 "Pegar declaração de quitação de débitos".
    pub discharge_path: String,
    /// The field set of the answers.
    pub field_set: FieldSet,
    /// What an unknown document gets.
    pub not_found: NotFound,
    /// How money is written.
    pub money: MoneyFormat,
    /// Between the invoice id and the customer's document in `code_fatura` (the page says it
    /// combines the two, not how).
    pub code_fatura_separator: String,
    /// HTTP status of a missing or refused token.
    pub unauthorized_status: u16,
    /// The refusal of a missing token.
    pub text_token_missing: String,
    /// The refusal of a wrong, expired or revoked token.
    pub text_token_invalid: String,
    /// An unknown document.
    pub text_not_found: String,
    /// A request without its document parameter.
    pub text_missing_document: String,
    /// A document that fails its check digits.
    pub text_invalid_document: String,
}

impl Default for StandardGuesses {
    fn default() -> Self {
        let s = |text: &str| text.to_string();
        StandardGuesses {
            token_header: s("Authorization"),
            token_scheme: Some(s("Bearer")),
            base_path: s("/api"),
            customer_path: s("/clientes"),
            boletos_path: s("/boletos"),
            notes_path: s("/notas_fiscais"),
            statement_path: s("/extratos"),
            discharge_path: s("/declaracoes_quitacao"),
            field_set: FieldSet::Current,
            not_found: NotFound::Status404,
            money: MoneyFormat::Number,
            code_fatura_separator: s("-"),
            unauthorized_status: 401,
            text_token_missing: s("Token não informado"),
            text_token_invalid: s("Token inválido"),
            text_not_found: s("Cliente não encontrado"),
            text_missing_document: s("Informe o CPF/CNPJ"),
            text_invalid_document: s("CPF/CNPJ inválido"),
        }
    }
}
