//! What a simulated SGP is built from: the seed and date of its story, its credentials, the
//! provider settings that shape payment promises and late charges, and the open choices in
//! [`SgpGuesses`].

use std::time::Duration;

use time::Date;

use super::guesses::SgpGuesses;
use super::story::StoryConfig;

/// Configuration of one simulated SGP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgpConfig {
    /// Seed of the generated data: the same seed and `today` give the same data.
    pub seed: u64,
    /// The simulator's "today" when it starts: decides what is overdue, the dates of new
    /// records and the promise periods. Tests move it with `POST /__sim/today`.
    pub today: Date,
    /// How many customers to seed (at least 50 are always seeded).
    pub customers: usize,
    /// The `app` name the token was created for (erps.md §3.2: "token created in SGP for an
    /// app name").
    pub app: String,
    /// The integration token.
    pub token: String,
    /// A user for HTTP Basic auth (`/api/ura/*` accepts it instead of token and app).
    pub basic_user: String,
    /// That user's password.
    pub basic_password: String,
    /// How long a token works after it is issued. SGP tokens are static until revoked in the
    /// panel [CODE], so the default is `None`; tests set it to watch a token expire.
    pub token_lifetime: Option<Duration>,
    /// The address written into boleto links (`https://<host>`); by default the address the
    /// request came to, so the links work against the simulator itself.
    pub public_url: Option<String>,
    /// Bank code of the boletos.
    pub bank_code: String,
    /// The provider's PIX key.
    pub pix_key: String,
    /// Merchant name in the PIX codes (at most 25 characters).
    pub merchant_name: String,
    /// Merchant city in the PIX codes (at most 15 characters).
    pub merchant_city: String,
    /// Late fine in hundredths of a percent (how `valorCorrigido` is computed is a provider
    /// setting, erps-addendum §3 Open).
    pub fine_bp: i64,
    /// Interest per month of delay in hundredths of a percent, counted per day.
    pub interest_monthly_bp: i64,
    /// Days a payment promise releases the access for (`liberado_dias`; 3 in every captured
    /// answer [CODE×2]).
    pub promise_days: u32,
    /// Promises a contract may use per calendar month (integrators describe "once a month"
    /// [CODE]; `promessasPagamentoMes` counts them).
    pub promises_per_month: u32,
    /// The behaviours no source settles.
    pub guesses: SgpGuesses,
}

impl Default for SgpConfig {
    fn default() -> Self {
        let story = StoryConfig::default();
        SgpConfig {
            seed: story.seed,
            today: time::OffsetDateTime::now_utc().date(),
            customers: story.customers,
            app: "ponte".to_string(),
            token: "4b6aae35-219a-4580-8c5c-dfb4efdbfae3".to_string(),
            basic_user: "integracao".to_string(),
            basic_password: "s3nh4-d4-4p1".to_string(),
            token_lifetime: None,
            public_url: None,
            bank_code: story.bank_code,
            pix_key: story.pix_key,
            merchant_name: story.merchant_name,
            merchant_city: story.merchant_city,
            fine_bp: story.fine_bp,
            interest_monthly_bp: story.interest_monthly_bp,
            promise_days: 3,
            promises_per_month: 1,
            guesses: SgpGuesses::default(),
        }
    }
}

impl SgpConfig {
    /// The default config with this seed and date.
    pub fn with(seed: u64, today: Date) -> Self {
        SgpConfig {
            seed,
            today,
            ..SgpConfig::default()
        }
    }

    /// The part of the config the seeded story depends on.
    pub fn story(&self) -> StoryConfig {
        StoryConfig {
            seed: self.seed,
            today: self.today,
            customers: self.customers,
            bank_code: self.bank_code.clone(),
            pix_key: self.pix_key.clone(),
            merchant_name: self.merchant_name.clone(),
            merchant_city: self.merchant_city.clone(),
            fine_bp: self.fine_bp,
            interest_monthly_bp: self.interest_monthly_bp,
        }
    }
}
