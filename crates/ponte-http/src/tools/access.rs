//! Who may use `/v1/tools/` and how often: a rate limit per client address, and optionally an
//! integration's API key. The tools need no ERP, so they are the cheapest routes to call and
//! the dearest to serve (a QR code or a barcode is drawn per request); the limit keeps one
//! client from taking the CPU of everyone else.
//!
//! The limit is a GCRA from `governor`, keyed by the client's IP address (IPv6 addresses by
//! their /64, the block one machine usually holds). Behind a reverse proxy, name the header it
//! writes the client's address in, or every client shares the proxy's address.

// A refusal is a `Problem`, built once per refused request and turned into the response at
// once; boxing it would add an allocation to every refusal and save nothing.
#![allow(clippy::result_large_err)]

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ponte_core::service::{CallError, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::extract::Authenticated;
use crate::{AppState, Problem};

/// The options of `/v1/tools/` (`[tools]` in the configuration file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ToolsConfig {
    /// Requests per minute one client address may send to `/v1/tools/`, once its burst is
    /// spent; `0` turns the limit off.
    pub requests_per_minute: u32,
    /// Requests one client address may send at once before the rate applies (at least 1).
    pub burst: u32,
    /// Whether the tools take an integration's API key (`Authorization: Bearer`) like
    /// `/v1/functions`; without one they are open to anyone who reaches the server.
    pub require_api_key: bool,
    /// The request header a reverse proxy writes the client's address in (`X-Forwarded-For`,
    /// whose last address is the one the proxy saw, or `X-Real-IP`). Unset: the address of the
    /// connection. Set it only behind such a proxy: clients can write the header themselves.
    pub client_ip_header: Option<String>,
}

impl Default for ToolsConfig {
    fn default() -> Self {
        Self {
            requests_per_minute: 300,
            burst: 60,
            require_api_key: false,
            client_ip_header: None,
        }
    }
}

impl ToolsConfig {
    /// Checks the options as [`AppState::with_tools`] applies them.
    ///
    /// # Errors
    /// `client_ip_header` is not a header name.
    pub fn check(&self) -> Result<(), InvalidToolsConfig> {
        ToolsGuard::new(self).map(drop)
    }
}

/// A [`ToolsConfig`] that cannot be applied.
#[derive(Debug, thiserror::Error)]
#[error("tools.client_ip_header: `{0}` is not a header name")]
pub struct InvalidToolsConfig(String);

/// How often the limiter forgets the clients that are back to a full burst, in checks.
const FORGET_EVERY: u64 = 4096;

/// The configuration in force: the limiter and who may pass.
#[derive(Debug)]
pub(crate) struct ToolsGuard {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
    require_api_key: bool,
    client_ip_header: Option<HeaderName>,
}

impl ToolsGuard {
    pub(crate) fn new(config: &ToolsConfig) -> Result<Self, InvalidToolsConfig> {
        let client_ip_header = config
            .client_ip_header
            .as_deref()
            .map(|name| {
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| InvalidToolsConfig(name.to_owned()))
            })
            .transpose()?;
        Ok(Self::with_header(config, client_ip_header))
    }

    /// The guard of `config`, the header name already parsed.
    pub(crate) fn with_header(config: &ToolsConfig, client_ip_header: Option<HeaderName>) -> Self {
        let limiter = NonZeroU32::new(config.requests_per_minute).map(|rate| {
            let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))
        });
        Self {
            limiter,
            checks: AtomicU64::new(0),
            require_api_key: config.require_api_key,
            client_ip_header,
        }
    }

    /// Lets the request through, or answers `rate_limited` with the seconds to wait.
    fn admit(&self, parts: &Parts) -> Result<(), Problem> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        // Clients that have been quiet long enough hold no state worth keeping; dropping
        // them now and then keeps the table as small as the set of recent clients.
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        let client = self.client(parts);
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let problem = CallError {
                retry_after_secs: Some(seconds.max(1)),
                ..CallError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "This address sent more requests to /v1/tools/ than its rate allows; \
                         try again in {} s.",
                        seconds.max(1)
                    ),
                )
            };
            Problem::from(problem)
        })
    }

    /// The client's address: from the proxy's header when one is named and holds an address,
    /// else the connection's; IPv6 addresses cut to their /64.
    fn client(&self, parts: &Parts) -> IpAddr {
        let from_header = self.client_ip_header.as_ref().and_then(|name| {
            let last = parts.headers.get_all(name).iter().next_back()?;
            let last = last.to_str().ok()?.rsplit(',').next()?.trim();
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
        });
        let ip = from_header
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip())
            })
            // Without connection information (an app driven without `serve`), every client
            // is one client: the limit still bounds the work.
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    IpAddr::V6(Ipv6Addr::from(prefix))
                }
            },
            v4 @ IpAddr::V4(_) => v4,
        }
    }
}

/// Leave to use a tool: the client is within its rate and, when `tools.require_api_key` is
/// set, sent a valid API key. Checked before anything else of the request is read.
#[derive(Debug)]
pub struct ToolsAccess(());

impl FromRequestParts<AppState> for ToolsAccess {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        state.tools.admit(parts)?;
        if state.tools.require_api_key {
            Authenticated::from_request_parts(parts, state).await?;
        }
        Ok(ToolsAccess(()))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn parts(header: Option<(&str, &str)>, peer: &str) -> Parts {
        let mut request = Request::builder().uri("/v1/tools/qr.svg");
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        parts
    }

    fn guard(header: Option<&str>) -> ToolsGuard {
        ToolsGuard::new(&ToolsConfig {
            client_ip_header: header.map(str::to_owned),
            ..ToolsConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn the_client_is_the_peer_unless_a_proxy_header_is_named() {
        let forwarded = Some(("x-forwarded-for", "203.0.113.9, 198.51.100.7"));
        let ip = |g: &ToolsGuard, p: &Parts| g.client(p).to_string();
        assert_eq!(
            ip(&guard(None), &parts(forwarded, "10.0.0.1:5000")),
            "10.0.0.1"
        );
        // The last address is the one the proxy saw; earlier ones are the client's to write.
        assert_eq!(
            ip(
                &guard(Some("x-forwarded-for")),
                &parts(forwarded, "10.0.0.1:5000")
            ),
            "198.51.100.7"
        );
        // A header holding no address falls back to the peer.
        assert_eq!(
            ip(
                &guard(Some("x-real-ip")),
                &parts(Some(("x-real-ip", "nonsense")), "10.0.0.1:5000")
            ),
            "10.0.0.1"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let g = guard(None);
        let a = g.client(&parts(None, "[2001:db8:1:2:aaaa::1]:443"));
        let b = g.client(&parts(None, "[2001:db8:1:2:bbbb::2]:443"));
        let other = g.client(&parts(None, "[2001:db8:1:3::1]:443"));
        assert_eq!(a, b);
        assert_ne!(a, other);
        let mapped = g.client(&parts(None, "[::ffff:192.0.2.4]:443"));
        assert_eq!(mapped.to_string(), "192.0.2.4");
    }

    #[test]
    fn a_header_name_that_cannot_be_one_is_refused() {
        let config = ToolsConfig {
            client_ip_header: Some("not a header".into()),
            ..ToolsConfig::default()
        };
        let err = ToolsGuard::new(&config).unwrap_err().to_string();
        assert!(err.contains("not a header"), "{err}");
    }
}
