//! What a simulated Hubsoft is built from: the seed, the reference date, the OAuth2 client and
//! user, and one switch for every behaviour the vendor documentation leaves open (each is
//! described, with its default, in [`super::guesses`]).

use time::Date;

/// How the customer and invoice lookups answer for a document, code or service nobody has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownCustomer {
    /// `status: success` with an empty list (`clientes: []`, `faturas: []`).
    EmptyList,
    /// `status: error` with [`super::guesses::CUSTOMER_NOT_FOUND`].
    Error,
}

/// Whether `financeiro/fatura/liquidar` accepts an amount above what the invoice owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overpayment {
    /// Refused when `valor_pago` is above the open balance plus the fine and the interest due on
    /// `data_pagamento` (the rates of the invoice's `forma_cobranca`).
    RefuseAboveDue,
    /// Any positive amount is accepted and recorded.
    Accept,
}

/// What `financeiro/fatura/liquidar` does with an amount below the open balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialPayment {
    /// A receipt is recorded and the rest stays open: the invoice is still pending.
    KeepsOpen,
    /// The invoice is settled for the amount paid, as if the difference were a discount.
    Settles,
}

/// Configuration of one simulated Hubsoft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubsoftConfig {
    /// Seed of the generated data: the same seed and `today` give the same data.
    pub seed: u64,
    /// The simulator's "today" when it starts: decides what is overdue, the dates of new
    /// records and the trust unlock periods. Moved with `HubsoftState::set_today`.
    pub today: Date,
    /// How many customers to seed (at least [`super::MIN_CUSTOMERS`] are always seeded).
    pub customers: usize,
    /// OAuth2 client id the provider's administrator hands out (erps.md §6.2).
    pub client_id: String,
    /// OAuth2 client secret.
    pub client_secret: String,
    /// The API user: always an e-mail address (erps.md §6.2).
    pub username: String,
    /// The API user's password.
    pub password: String,
    /// `expires_in` of an access token, in seconds: 2592000 (30 days) on the real server
    /// (erps.md §6.2). Tests shorten it to watch a token expire.
    pub token_lifetime_secs: u64,
    /// Whether `grant_type=refresh_token` works with the `refresh_token` the token answer carries
    /// (the grant is undocumented; addendum §2).
    pub refresh_grant: bool,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_token_lifetime_secs: u64,
    /// Whether `/pdf/...` links need the Bearer token (erps.md §6.5 tags "no" as a guess).
    pub pdf_link_requires_token: bool,
    /// Bank code of the seeded boletos (the vendor samples show Sicoob, 756).
    pub bank_code: String,
    /// PIX key of the provider, used in every PIX code.
    pub pix_key: String,
    /// Merchant name in the PIX codes (at most 25 characters).
    pub merchant_name: String,
    /// Merchant city in the PIX codes (at most 15 characters).
    pub merchant_city: String,
    /// Fine for late payment, in hundredths of a percent (`forma_cobranca.multa`, 2 in the
    /// vendor sample).
    pub fine_basis_points: u32,
    /// Interest per month of delay, in hundredths of a percent (`forma_cobranca.juros`, 1 in
    /// the vendor sample, `tipo_juros: percentual_mensal`).
    pub interest_basis_points_per_month: u32,
    /// Answer `"status":"suscess"` on `cliente/financeiro`, `cliente/atendimento` and
    /// `cliente/ordem_servico`, as every vendor sample of those endpoints does (erps.md §6.2).
    pub misspelt_success: bool,
    /// The answer for a customer nobody has.
    pub unknown_customer: UnknownCustomer,
    /// Whether a masked CPF/CNPJ in `termo_busca` finds the customer (documents are stored bare).
    pub masked_document_matches: bool,
    /// Whether `cliente` leaves customers whose record is inactive out unless `inativo` says
    /// otherwise (the documented default of `inativo` is "não").
    pub hide_inactive_by_default: bool,
    /// Most days a trust unlock may be asked for (an admin-panel rule; the documentation's
    /// example is 3).
    pub unlock_max_days: u32,
    /// Days after a trust unlock during which another one on the same service is refused.
    pub unlock_period_days: u32,
    /// `status_prefixo` of a service while its trust unlock lasts.
    pub unlock_status: String,
    /// What an amount above the balance does on settlement.
    pub overpayment: Overpayment,
    /// What an amount below the balance does on settlement.
    pub partial_payment: PartialPayment,
    /// Whether settled invoices still carry a PIX code in `cliente/financeiro`.
    pub pix_on_paid_invoices: bool,
    /// Whether `cliente/nota_fiscal` refuses a call without `data_inicio`/`data_fim` instead of
    /// listing every note.
    pub nota_fiscal_requires_dates: bool,
}

impl Default for HubsoftConfig {
    fn default() -> Self {
        HubsoftConfig {
            seed: 1,
            today: time::OffsetDateTime::now_utc().date(),
            customers: 60,
            client_id: "3".to_string(),
            client_secret: "ONe7Ns48Y30tBq2LkW8pZr5VxC1mH9dS".to_string(),
            username: "api@pontenet.example.com".to_string(),
            password: "s3nh4-d4-4p1".to_string(),
            token_lifetime_secs: 2_592_000,
            refresh_grant: true,
            refresh_token_lifetime_secs: 5_184_000,
            pdf_link_requires_token: false,
            bank_code: "756".to_string(),
            pix_key: "11222333000181".to_string(),
            merchant_name: "PONTE NET TELECOM".to_string(),
            merchant_city: "DIVINOPOLIS".to_string(),
            fine_basis_points: 200,
            interest_basis_points_per_month: 100,
            misspelt_success: true,
            unknown_customer: UnknownCustomer::EmptyList,
            masked_document_matches: false,
            hide_inactive_by_default: true,
            unlock_max_days: 3,
            unlock_period_days: 30,
            unlock_status: "servico_habilitado".to_string(),
            overpayment: Overpayment::RefuseAboveDue,
            partial_payment: PartialPayment::KeepsOpen,
            pix_on_paid_invoices: false,
            nota_fiscal_requires_dates: false,
        }
    }
}

impl HubsoftConfig {
    /// The default config with this seed and date.
    pub fn with(seed: u64, today: Date) -> Self {
        HubsoftConfig {
            seed,
            today,
            ..HubsoftConfig::default()
        }
    }
}
