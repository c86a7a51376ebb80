//! The simulator's data behind one lock: the story, the current "today" and the credentials.
//! Tests read the story through [`SgpState::story`] to compare answers with the seeded truth.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use time::Date;

use super::config::SgpConfig;
use super::credentials::Credentials;
use super::story::{Fixtures, Story};

/// Everything that changes.
#[derive(Debug)]
pub(crate) struct Inner {
    pub story: Story,
    pub today: Date,
    pub credentials: Credentials,
}

#[derive(Debug)]
struct Shared {
    config: SgpConfig,
    fixtures: Fixtures,
    inner: Mutex<Inner>,
}

/// The state of one simulated SGP. Cloning shares it.
#[derive(Debug, Clone)]
pub struct SgpState {
    shared: Arc<Shared>,
}

fn fresh(config: &SgpConfig) -> (Inner, Fixtures) {
    let (story, fixtures) = Story::seed(&config.story());
    let credentials = Credentials::new(
        &config.token,
        &config.app,
        config.token_lifetime,
        &config.basic_user,
        &config.basic_password,
        config.seed,
    );
    (
        Inner {
            story,
            today: config.today,
            credentials,
        },
        fixtures,
    )
}

impl SgpState {
    /// Seeds a fresh state from the config (same seed and date, same data).
    pub fn new(config: SgpConfig) -> Self {
        let (inner, fixtures) = fresh(&config);
        SgpState {
            shared: Arc::new(Shared {
                config,
                fixtures,
                inner: Mutex::new(inner),
            }),
        }
    }

    /// The config the state was built from.
    pub fn config(&self) -> &SgpConfig {
        &self.shared.config
    }

    /// The customers seeded for specific situations.
    pub fn fixtures(&self) -> &Fixtures {
        &self.shared.fixtures
    }

    /// Throws away every change (data, date, issued and revoked credentials) and seeds again.
    pub fn reset(&self) {
        let (inner, _) = fresh(&self.shared.config);
        *self.lock() = inner;
    }

    /// The simulator's current "today".
    pub fn today(&self) -> Date {
        self.lock().today
    }

    /// Moves the clock: payment promises whose last day has passed end, and a contract that
    /// still owes is blocked again.
    pub fn set_today(&self, today: Date) {
        let mut inner = self.lock();
        inner.today = today;
        inner.story.advance_to(today);
    }

    /// A copy of the whole story as it is now.
    pub fn story(&self) -> Story {
        self.lock().story.clone()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Handlers change the data with plain assignments and never hold the lock across an
        // await, so the data stays consistent even after a panic elsewhere.
        self.shared
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
