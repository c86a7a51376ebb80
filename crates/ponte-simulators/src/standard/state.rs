//! The standard API's data behind one lock: the story, "today" and the credentials.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use time::Date;

use super::config::StandardConfig;
use crate::sgp::credentials::Credentials;
use crate::sgp::story::{Fixtures, Story};

#[derive(Debug)]
pub(crate) struct Inner {
    pub story: Story,
    pub today: Date,
    pub credentials: Credentials,
}

#[derive(Debug)]
struct Shared {
    config: StandardConfig,
    fixtures: Fixtures,
    inner: Mutex<Inner>,
}

/// The state of one simulated standard API. Cloning shares it.
#[derive(Debug, Clone)]
pub struct StandardState {
    shared: Arc<Shared>,
}

fn fresh(config: &StandardConfig) -> (Inner, Fixtures) {
    let (story, fixtures) = Story::seed(&config.story());
    let credentials = Credentials::new(
        &config.token,
        "",
        config.token_lifetime,
        "",
        "",
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

impl StandardState {
    /// Seeds a fresh state from the config.
    pub fn new(config: StandardConfig) -> Self {
        let (inner, fixtures) = fresh(&config);
        StandardState {
            shared: Arc::new(Shared {
                config,
                fixtures,
                inner: Mutex::new(inner),
            }),
        }
    }

    /// The config the state was built from.
    pub fn config(&self) -> &StandardConfig {
        &self.shared.config
    }

    /// The customers seeded for specific situations.
    pub fn fixtures(&self) -> &Fixtures {
        &self.shared.fixtures
    }

    /// Throws away every change and seeds again.
    pub fn reset(&self) {
        let (inner, _) = fresh(&self.shared.config);
        *self.lock() = inner;
    }

    /// The current "today".
    pub fn today(&self) -> Date {
        self.lock().today
    }

    /// Moves the clock.
    pub fn set_today(&self, today: Date) {
        let mut inner = self.lock();
        inner.today = today;
        inner.story.advance_to(today);
    }

    /// A copy of the story as it is now.
    pub fn story(&self) -> Story {
        self.lock().story.clone()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Handlers only read and never hold the lock across an await.
        self.shared
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
