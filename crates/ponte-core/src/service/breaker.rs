//! A circuit breaker per integration, so a dead ERP is not hammered and its callers learn at
//! once instead of each waiting out the timeout.
//!
//! Closed: calls run; each one the ERP failed to answer (`erp_unavailable`, `erp_timeout`)
//! counts, any answer resets the count. After `failures` misses in a row the circuit opens:
//! calls are refused with `erp_circuit_open` and a `Retry-After` for `open_ms`. Then one call is
//! let through as a probe (half-open); its success closes the circuit, its failure opens it
//! again. An ERP that answers with a refusal or with garbage is up, so those outcomes close the
//! circuit too: the breaker is about reachability, not correctness.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::{BreakerSettings, IntegrationId};

use super::ErrorCode;

#[derive(Debug, Default)]
struct State {
    /// Misses in a row.
    failures: u32,
    /// Set while open: when the next probe may go.
    open_until: Option<Instant>,
    /// A probe is out; the others wait for its outcome.
    probing: bool,
}

/// The breakers of every integration.
#[derive(Debug, Default)]
pub(super) struct Breakers {
    states: Mutex<HashMap<IntegrationId, State>>,
}

/// Leave to run one call; [`Ticket::finish`] reports how it ended. A ticket dropped unfinished
/// (the caller went away mid-call) releases its probe, so the circuit never stays stuck waiting
/// for an outcome that will not come.
#[derive(Debug)]
pub(super) struct Ticket<'a> {
    breakers: &'a Breakers,
    integration: IntegrationId,
    settings: BreakerSettings,
    probe: bool,
    finished: bool,
}

/// Where an integration's circuit stands, as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls run.
    Closed,
    /// Calls are refused until the pause is over.
    Open,
    /// The pause is over: the next call is a probe whose outcome decides.
    HalfOpen,
}

impl CircuitState {
    /// The state's name: `closed`, `open`, `half_open`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

impl Breakers {
    /// Where `integration`'s circuit stands now, without changing it.
    pub(super) fn state(&self, integration: &IntegrationId) -> CircuitState {
        let Ok(states) = self.states.lock() else {
            return CircuitState::Closed;
        };
        match states.get(integration).and_then(|state| state.open_until) {
            None => CircuitState::Closed,
            Some(until) if Instant::now() < until => CircuitState::Open,
            Some(_) => CircuitState::HalfOpen,
        }
    }

    /// Leave for a call of `integration` to run now, or how long until the circuit is tried
    /// again.
    pub(super) fn admit(
        &self,
        integration: &IntegrationId,
        settings: BreakerSettings,
    ) -> Result<Ticket<'_>, Duration> {
        let ticket = |probe| Ticket {
            breakers: self,
            integration: integration.clone(),
            settings,
            probe,
            finished: false,
        };
        if settings.failures == 0 {
            return Ok(ticket(false));
        }
        let Ok(mut states) = self.states.lock() else {
            // A poisoned map means a panic elsewhere mid-update; letting calls run is safer
            // than refusing every one of them.
            return Ok(ticket(false));
        };
        let Some(state) = states.get_mut(integration) else {
            return Ok(ticket(false));
        };
        let Some(open_until) = state.open_until else {
            return Ok(ticket(false));
        };
        let now = Instant::now();
        if now < open_until {
            return Err(open_until - now);
        }
        if state.probing {
            // The probe has not come back yet.
            return Err(Duration::from_millis(settings.open_ms.clamp(1, 1_000)));
        }
        state.probing = true;
        Ok(ticket(true))
    }

    fn record(&self, ticket: &Ticket<'_>, outcome: Option<ErrorCode>) {
        let settings = ticket.settings;
        if settings.failures == 0 {
            return;
        }
        let Ok(mut states) = self.states.lock() else {
            return;
        };
        let integration = &ticket.integration;
        let missed = matches!(
            outcome,
            Some(ErrorCode::ErpUnavailable | ErrorCode::ErpTimeout)
        );
        if !missed {
            states.remove(integration);
            return;
        }
        let state = states.entry(integration.clone()).or_default();
        state.failures = state.failures.saturating_add(1);
        if ticket.probe || state.failures >= settings.failures {
            if state.open_until.is_none() || ticket.probe {
                tracing::warn!(
                    integration = integration.as_str(),
                    failures = state.failures,
                    open_ms = settings.open_ms,
                    "the ERP missed too many calls in a row; its circuit is open"
                );
            }
            state.open_until = Some(Instant::now() + Duration::from_millis(settings.open_ms));
        }
        if ticket.probe {
            state.probing = false;
        }
    }
}

impl Ticket<'_> {
    /// Reports the call's outcome: `None` for success, else the code the caller got.
    pub(super) fn finish(mut self, outcome: Option<ErrorCode>) {
        self.finished = true;
        self.breakers.record(&self, outcome);
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.probe
            && !self.finished
            && let Ok(mut states) = self.breakers.states.lock()
            && let Some(state) = states.get_mut(&self.integration)
        {
            state.probing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(open_ms: u64) -> BreakerSettings {
        BreakerSettings {
            failures: 3,
            open_ms,
        }
    }

    fn call(
        breakers: &Breakers,
        id: &IntegrationId,
        s: BreakerSettings,
        outcome: Option<ErrorCode>,
    ) {
        breakers.admit(id, s).expect("admitted").finish(outcome);
    }

    #[test]
    fn misses_in_a_row_open_the_circuit_and_an_answer_resets_the_count() {
        let breakers = Breakers::default();
        let id = IntegrationId::parse("acme").unwrap();
        let s = settings(60_000);
        for _ in 0..2 {
            call(&breakers, &id, s, Some(ErrorCode::ErpTimeout));
        }
        // A refusal is an answer: the ERP is up.
        call(&breakers, &id, s, Some(ErrorCode::ErpRejected));
        for _ in 0..3 {
            call(&breakers, &id, s, Some(ErrorCode::ErpUnavailable));
        }
        let wait = breakers.admit(&id, s).expect_err("open");
        assert!(wait > Duration::from_secs(50), "{wait:?}");
        let other = IntegrationId::parse("other").unwrap();
        assert!(breakers.admit(&other, s).is_ok());
    }

    #[test]
    fn after_the_pause_one_probe_goes_and_its_outcome_decides() {
        let breakers = Breakers::default();
        let id = IntegrationId::parse("acme").unwrap();
        let s = settings(0);
        for _ in 0..3 {
            call(&breakers, &id, s, Some(ErrorCode::ErpTimeout));
        }
        // The pause (0 ms here) is over: one probe, the next call waits for it.
        let probe = breakers.admit(&id, s).expect("the probe");
        assert!(breakers.admit(&id, s).is_err());
        // The probe failed: open again, and a new probe after the pause.
        probe.finish(Some(ErrorCode::ErpTimeout));
        let probe = breakers.admit(&id, s).expect("a new probe");
        assert!(breakers.admit(&id, s).is_err());
        // The probe succeeded: closed, every call runs.
        probe.finish(None);
        assert!(breakers.admit(&id, s).is_ok());
        assert!(breakers.admit(&id, s).is_ok());
    }

    #[test]
    fn a_probe_dropped_unfinished_lets_the_next_call_probe() {
        let breakers = Breakers::default();
        let id = IntegrationId::parse("acme").unwrap();
        let s = settings(0);
        for _ in 0..3 {
            call(&breakers, &id, s, Some(ErrorCode::ErpUnavailable));
        }
        drop(breakers.admit(&id, s).expect("the probe"));
        assert!(breakers.admit(&id, s).is_ok());
    }

    #[test]
    fn zero_failures_switches_the_breaker_off() {
        let breakers = Breakers::default();
        let id = IntegrationId::parse("acme").unwrap();
        let off = BreakerSettings {
            failures: 0,
            open_ms: 60_000,
        };
        for _ in 0..10 {
            call(&breakers, &id, off, Some(ErrorCode::ErpTimeout));
        }
        assert!(breakers.admit(&id, off).is_ok());
    }
}
