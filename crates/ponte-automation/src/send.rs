//! Sending a request under a policy: the host allow-list, redirects (each hop checked),
//! retries with backoff or `Retry-After`, per-request timeouts within the run's deadline.
//! Every attempt is recorded in the step's record as it went; nothing is redacted or copied
//! into text here (see [`crate::record`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use http::{HeaderMap, Method};
use url::Url;

use crate::compiled::RetryPolicy;
use crate::error::RunError;
use crate::record::{Attempt, Sent, StepRecord};
use crate::render::Rendered;
use crate::state::Run;
use crate::transport::{OutboundRequest, TransportError, is_internal};

/// A response after the engine's checks.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How a request is sent: its retries and its own timeout (the run's otherwise).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy<'p> {
    pub retry: &'p RetryPolicy,
    pub timeout_ms: Option<u64>,
}

/// How a URL's host passed the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostCheck {
    /// Named in `allowed_hosts` (or the host of `base_url`): any address, private ones too.
    Named,
    /// Let through only by the wildcard `*`: public addresses only.
    Public,
    /// Not allowed.
    Denied,
}

fn host_allowed(url: &Url, allowed: &[String]) -> HostCheck {
    let Some(host) = url.host_str() else {
        return HostCheck::Denied;
    };
    let port = url.port_or_known_default();
    let named = allowed.iter().any(|a| {
        a.eq_ignore_ascii_case(host)
            || port.is_some_and(|p| {
                a.rsplit_once(':').is_some_and(|(h, ap)| {
                    h.eq_ignore_ascii_case(host) && ap.parse::<u16>() == Ok(p)
                })
            })
    });
    if named {
        return HostCheck::Named;
    }
    if !allowed.iter().any(|a| a == "*") {
        return HostCheck::Denied;
    }
    // The wildcard never opens the private networks: an internal address must be named.
    match url.host() {
        Some(url::Host::Ipv4(ip)) if is_internal(ip.into()) => HostCheck::Denied,
        Some(url::Host::Ipv6(ip)) if is_internal(ip.into()) => HostCheck::Denied,
        Some(url::Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") => {
            HostCheck::Denied
        }
        _ => HostCheck::Public,
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate_parse(raw)?;
    Some(
        when.saturating_sub(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?,
        ),
    )
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate_parse(raw: &str) -> Option<Duration> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let dt = time::PrimitiveDateTime::parse(raw, format).ok()?;
    let secs = dt.assume_utc().unix_timestamp();
    u64::try_from(secs).ok().map(Duration::from_secs)
}

fn backoff(attempt: u32, base_ms: u64, max_ms: u64) -> Duration {
    let exp = base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(max_ms);
    // Jitter of up to a quarter spreads retries of concurrent runs.
    let jitter = if capped >= 4 {
        rand::random_range(0..capped / 4)
    } else {
        0
    };
    Duration::from_millis(capped - jitter)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

async fn pause(run: &Run<'_>, wait: Duration) {
    tokio::time::sleep(wait.min(run.remaining())).await;
}

/// Send `rendered` under `policy`. Every attempt is recorded in `record`.
pub(crate) async fn send(
    run: &Run<'_>,
    step: &str,
    policy: Policy<'_>,
    rendered: &Rendered,
    page: Option<u32>,
    record: &mut StepRecord,
) -> Result<Received, RunError> {
    let mut attempt = 0;
    let mut redirects = 0;
    let mut sent = Arc::new(Sent {
        method: rendered.method.clone(),
        url: rendered.url.clone(),
        headers: rendered.headers.clone(),
        body: rendered.body_bytes(),
    });
    let mut visited = vec![sent.url.clone()];
    loop {
        attempt += 1;
        let public_only = match host_allowed(&sent.url, &run.values.allowed_hosts) {
            HostCheck::Named => false,
            HostCheck::Public => true,
            HostCheck::Denied => {
                return Err(RunError::HostNotAllowed {
                    step: step.to_owned(),
                    host: sent.url.host_str().unwrap_or_default().to_owned(),
                });
            }
        };
        let remaining = run.remaining();
        if remaining.is_zero() {
            return Err(RunError::Timeout {
                step: step.to_owned(),
                after_ms: run.limits.total_timeout_ms,
            });
        }
        let timeout =
            Duration::from_millis(policy.timeout_ms.unwrap_or(run.limits.request_timeout_ms))
                .min(remaining);
        let started = Instant::now();
        let outcome = run
            .transport
            .send(OutboundRequest {
                method: sent.method.clone(),
                url: sent.url.clone(),
                headers: sent.headers.clone(),
                body: sent.body.clone(),
                timeout,
                max_response_bytes: run.limits.max_response_bytes,
                public_only,
            })
            .await;
        let mut entry = Attempt {
            sent: sent.clone(),
            attempt,
            page,
            duration_ms: millis(started.elapsed()),
            status: None,
            content_type: None,
            response: None,
            error: None,
        };
        let can_retry = attempt < policy.retry.attempts;
        let resp = match outcome {
            Err(e) => {
                entry.error = Some(e.to_string());
                record.requests.push(entry);
                if e.is_transient() && can_retry {
                    let retry = policy.retry;
                    pause(
                        run,
                        backoff(attempt, retry.backoff_ms, retry.max_backoff_ms),
                    )
                    .await;
                    continue;
                }
                return Err(match e {
                    TransportError::Timeout(d) => RunError::Timeout {
                        step: step.to_owned(),
                        after_ms: millis(d),
                    },
                    TransportError::TooLarge { limit } => RunError::LimitExceeded {
                        step: step.to_owned(),
                        message: format!("the response is larger than {limit} bytes"),
                    },
                    other => RunError::Unavailable {
                        step: step.to_owned(),
                        message: other.to_string(),
                    },
                });
            }
            Ok(resp) => resp,
        };
        entry.status = Some(resp.status);
        entry.content_type = resp.headers.get(CONTENT_TYPE).cloned();
        entry.response = Some(resp.body.clone());
        record.requests.push(entry);
        if (300..400).contains(&resp.status)
            && resp.status != 304
            && let Some(location) = resp.headers.get(LOCATION).and_then(|v| v.to_str().ok())
        {
            let next = sent
                .url
                .join(location)
                .map_err(|_| RunError::InvalidResponse {
                    step: step.to_owned(),
                    message: format!("redirect to an invalid address `{location}`"),
                })?;
            redirects += 1;
            if visited.contains(&next) || redirects > run.limits.max_redirects {
                return Err(RunError::InvalidResponse {
                    step: step.to_owned(),
                    message: format!(
                        "redirect loop (more than {} redirects or a repeated address)",
                        run.limits.max_redirects
                    ),
                });
            }
            visited.push(next.clone());
            let see_other = resp.status == 303;
            sent = Arc::new(Sent {
                method: if see_other {
                    Method::GET
                } else {
                    sent.method.clone()
                },
                url: next,
                headers: sent.headers.clone(),
                body: if see_other {
                    Bytes::new()
                } else {
                    sent.body.clone()
                },
            });
            attempt -= 1;
            continue;
        }
        if policy.retry.on_status.contains(&resp.status) && can_retry {
            let wait = match retry_after(&resp.headers) {
                Some(wait)
                    if wait.as_secs() > run.limits.max_retry_after_secs
                        || wait >= run.remaining() =>
                {
                    return Err(RunError::Unavailable {
                        step: step.to_owned(),
                        message: format!(
                            "the ERP asks to retry after {} s, longer than allowed",
                            wait.as_secs()
                        ),
                    });
                }
                Some(wait) => wait,
                None => backoff(
                    attempt,
                    policy.retry.backoff_ms,
                    policy.retry.max_backoff_ms,
                ),
            };
            pause(run, wait).await;
            continue;
        }
        return Ok(Received {
            status: resp.status,
            headers: resp.headers,
            body: resp.body,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str) -> Url {
        Url::parse(u).unwrap()
    }

    #[test]
    fn named_hosts_pass_with_or_without_their_port_and_the_wildcard_only_opens_public_ones() {
        let allowed = vec!["erp.example.com".to_owned(), "erp.lan:8080".to_owned()];
        assert_eq!(
            host_allowed(&url("https://ERP.example.com/x"), &allowed),
            HostCheck::Named
        );
        assert_eq!(
            host_allowed(&url("http://erp.lan:8080/x"), &allowed),
            HostCheck::Named
        );
        assert_eq!(
            host_allowed(&url("http://erp.lan:9090/x"), &allowed),
            HostCheck::Denied
        );
        let star = vec!["*".to_owned()];
        assert_eq!(
            host_allowed(&url("https://erp.example.com/"), &star),
            HostCheck::Public
        );
        for internal in [
            "http://10.0.0.5/",
            "http://localhost/",
            "http://240.0.0.1/",
            "http://198.18.0.1/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:a00:1::]/",
        ] {
            assert_eq!(
                host_allowed(&url(internal), &star),
                HostCheck::Denied,
                "{internal}"
            );
        }
    }
}
