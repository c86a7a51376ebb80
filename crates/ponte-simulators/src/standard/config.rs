//! What a simulated standard API is built from: the story's seed and date, the token, and the
//! open choices in [`StandardGuesses`].

use std::time::Duration;

use time::Date;

use super::guesses::StandardGuesses;
use crate::sgp::story::StoryConfig;

/// Configuration of one simulated standard API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardConfig {
    /// Seed of the story (the same seed tells the same story as the SGP simulator).
    pub seed: u64,
    /// The simulator's "today" when it starts.
    pub today: Date,
    /// How many customers to seed (at least 50).
    pub customers: usize,
    /// The token the ERP issued to the platform.
    pub token: String,
    /// How long the token works; the page says nothing of expiry, so `None` by default.
    pub token_lifetime: Option<Duration>,
    /// The address written into links; by default the address the request came to.
    pub public_url: Option<String>,
    /// Late fine in hundredths of a percent.
    pub fine_bp: i64,
    /// Interest per month of delay in hundredths of a percent, counted per day.
    pub interest_monthly_bp: i64,
    /// The behaviours no source settles.
    pub guesses: StandardGuesses,
}

impl Default for StandardConfig {
    fn default() -> Self {
        let story = StoryConfig::default();
        StandardConfig {
            seed: story.seed,
            today: time::OffsetDateTime::now_utc().date(),
            customers: story.customers,
            token: "c0ffee00-5ca1-4ab1-9e57-0123456789ab".to_string(),
            token_lifetime: None,
            public_url: None,
            fine_bp: story.fine_bp,
            interest_monthly_bp: story.interest_monthly_bp,
            guesses: StandardGuesses::default(),
        }
    }
}

impl StandardConfig {
    /// The default config with this seed and date.
    pub fn with(seed: u64, today: Date) -> Self {
        StandardConfig {
            seed,
            today,
            ..StandardConfig::default()
        }
    }

    /// The part of the config the story depends on.
    pub fn story(&self) -> StoryConfig {
        StoryConfig {
            seed: self.seed,
            today: self.today,
            customers: self.customers,
            fine_bp: self.fine_bp,
            interest_monthly_bp: self.interest_monthly_bp,
            ..StoryConfig::default()
        }
    }
}
