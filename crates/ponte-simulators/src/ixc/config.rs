//! What a simulated IXC is built from: the seed, the reference date, the credential, the
//! switches for behaviours that differ between IXC versions, and the leniencies.
//!
//! By default the simulator is as strict as the public sources describe the real IXC: a client
//! that works against it does not depend on anything a real IXC would refuse. Each way the
//! simulator used to be more forgiving is kept as one field of [`IxcLeniency`], off by default,
//! for tests that need to show what a lenient server would have let through.

use time::Date;

/// Configuration of one simulated IXC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IxcConfig {
    /// Seed of the generated data: the same seed and `today` give the same data.
    pub seed: u64,
    /// The simulator's "today" when it starts: decides what is overdue, the dates of new rows
    /// and the trust unlock periods. Fixed so tests are stable; tests that need days to pass
    /// move it with `IxcState::set_today`.
    pub today: Date,
    /// The API user id (the part before `:` of the IXC token).
    pub user_id: String,
    /// The token hash (the part after `:`).
    pub token: String,
    /// How many customers to seed (at least 50 are always seeded).
    pub customers: usize,
    /// Bank code of the seeded boletos.
    pub bank_code: String,
    /// PIX key of the provider, used in every PIX code.
    pub pix_key: String,
    /// Merchant name in the PIX codes (at most 25 characters).
    pub merchant_name: String,
    /// Merchant city in the PIX codes (at most 15 characters).
    pub merchant_city: String,
    /// Days a trust unlock lasts (an IXC setting).
    pub unlock_days: u32,
    /// Days after a trust unlock during which another one is refused with code 113 (an IXC
    /// setting; integrators usually think of it as "once a month").
    pub unlock_period_days: u32,
    /// Fine for late payment, percent, as IXC sends it in `get_pix` (`"2.00"`).
    pub fine_percent: String,
    /// Interest per day of delay, percent (`"0.03"`).
    pub interest_percent_per_day: String,
    /// Send `total` as a JSON number instead of a string (one vendor example does).
    pub total_as_number: bool,
    /// Answer inserts with the English message some versions send.
    pub insert_message_in_english: bool,
    /// Make `PUT` reset every column the body omits to its default, as some integrators
    /// report; off by default (omitted columns keep their values).
    pub partial_put_resets_omitted: bool,
    /// Answer `get_boleto` of a paid or cancelled invoice with an empty body (as for an
    /// unknown id) instead of IXC's error envelope. Which of the two a real IXC sends is not
    /// known; both are refusals (see [`super::guesses::PAID_BOLETO_MESSAGE`]).
    pub paid_boleto_empty: bool,
    /// Tables the API user may not access: every request on them answers IXC's permission
    /// refusal ([`super::guesses::forbidden`]). Empty by default. IXC grants access per table
    /// to each API user, so a real instance often refuses lookups a preset only uses for
    /// detail (`cidade`, `uf`, `vd_contratos_produtos`).
    pub forbidden_tables: Vec<String>,
    /// Ways to be more forgiving than a real IXC; all off by default.
    pub lenient: IxcLeniency,
}

/// Behaviours a real IXC refuses, each of which the simulator can be told to accept. All are
/// off by default; [`IxcLeniency::all`] turns every one on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IxcLeniency {
    /// Serve a `GET` without the `ixcsoft: listar` header as a listing. Strict: refused with
    /// IXC's error envelope (a listing needs the header, whatever the verb).
    pub get_without_header_lists: bool,
    /// Accept columns without their table's prefix (`cnpj_cpf` for `cliente.cnpj_cpf`), or with
    /// another table's, in `qtype`, `sortname` and `grid_param`. Strict: an SQL error naming
    /// the column.
    pub bare_columns: bool,
    /// Ignore columns an insert or an update names that the table does not have. Strict: an
    /// SQL error naming the column, and nothing is written.
    pub unknown_columns: bool,
    /// Accept a write-off without its required fields, with an unreadable date, or for more
    /// than the invoice still owes (the excess is swallowed). Strict: refused with IXC's
    /// error envelope, and nothing is written.
    pub writeoffs: bool,
    /// Let a trust unlock go through on a contract whose access is not blocked (awaiting
    /// signature, a pre-contract, a disabled access). Strict: refused with code 107, or 109
    /// for a disabled access.
    pub unlock_unblocked: bool,
    /// Print the boleto of a paid or cancelled invoice. Strict: refused (see
    /// [`IxcConfig::paid_boleto_empty`]).
    pub paid_boleto_pdf: bool,
}

impl IxcLeniency {
    /// Every leniency on: the simulator as forgiving as it can be.
    pub fn all() -> Self {
        IxcLeniency {
            get_without_header_lists: true,
            bare_columns: true,
            unknown_columns: true,
            writeoffs: true,
            unlock_unblocked: true,
            paid_boleto_pdf: true,
        }
    }
}

impl Default for IxcConfig {
    fn default() -> Self {
        IxcConfig {
            seed: 1,
            today: time::OffsetDateTime::now_utc().date(),
            user_id: "12".to_string(),
            token: "7c4a8d09ca3762af61e59520943dc26494f8941b3a1f2c5e8d7b6a5f4e3d2c1b".to_string(),
            customers: 60,
            bank_code: "341".to_string(),
            pix_key: "11222333000181".to_string(),
            merchant_name: "PONTE NET TELECOM".to_string(),
            merchant_city: "SAO PAULO".to_string(),
            unlock_days: 3,
            unlock_period_days: 30,
            fine_percent: "2.00".to_string(),
            interest_percent_per_day: "0.03".to_string(),
            total_as_number: false,
            insert_message_in_english: false,
            partial_put_resets_omitted: false,
            paid_boleto_empty: false,
            forbidden_tables: Vec::new(),
            lenient: IxcLeniency::default(),
        }
    }
}

impl IxcConfig {
    /// The default config with this seed and date.
    pub fn with(seed: u64, today: Date) -> Self {
        IxcConfig {
            seed,
            today,
            ..IxcConfig::default()
        }
    }

    /// The full token as IXC shows it (`userId:hash`), which clients base64-encode for Basic
    /// auth.
    pub fn credential(&self) -> String {
        format!("{}:{}", self.user_id, self.token)
    }

    /// Whether the API user may not access `table`.
    pub fn forbids(&self, table: &str) -> bool {
        self.forbidden_tables.iter().any(|t| t == table)
    }
}
