//! The one outbound HTTP path. The engine only sees the [`Transport`] trait, so it is tested
//! offline with a scripted transport and served in production by [`ReqwestTransport`].
//!
//! The engine itself enforces the host allow-list and follows redirects (checking every hop),
//! so those rules hold whatever transport is plugged in; a transport only moves bytes, with a
//! deadline and a cap on the response size.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, Method};
use url::Url;

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL, query included.
    pub url: Url,
    /// Headers, auth included (mark them sensitive; traces redact them anyway).
    pub headers: HeaderMap,
    /// Body bytes (empty for none).
    pub body: Bytes,
    /// Deadline for the whole exchange.
    pub timeout: Duration,
    /// Largest response body accepted.
    pub max_response_bytes: u64,
    /// The host was allowed only by the wildcard `*`: connect only to public addresses,
    /// whatever the name resolves to (see [`is_internal`]).
    pub public_only: bool,
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct InboundResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

/// Why an exchange produced no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The deadline passed.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection could not be made.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The connection broke during the exchange.
    #[error("the connection was dropped: {0}")]
    Dropped(String),
    /// The response body is larger than allowed.
    #[error("the response is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Anything else (a malformed URL for the client, a TLS failure...).
    #[error("{0}")]
    Other(String),
}

impl TransportError {
    /// Worth retrying for an idempotent request.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Connect(_) | Self::Dropped(_))
    }
}

/// Sends requests. Implementations must be cheap to share across runs.
#[async_trait]
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Send one request and read the whole response, within `request.timeout`.
    async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError>;
}

/// Whether `ip` lies in a network an automation must not reach unless the host is named in
/// the allow-list: loopback, private (RFC 1918, IPv6 unique-local), link-local (cloud metadata
/// endpoints live there), carrier-grade NAT, the benchmarking network (198.18.0.0/15), the
/// reserved 240.0.0.0/4 (broadcast included), unspecified, multicast, and IPv6 addresses that
/// carry an IPv4 one: mapped (`::ffff:0:0/96`, judged by the address they carry), NAT64
/// (`64:ff9b::/96`) and 6to4 (`2002::/16`), whose gateways would forward to any IPv4 address,
/// internal ones included.
#[must_use]
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                // 100.64.0.0/10, shared address space (carrier-grade NAT).
                || (a == 100 && (64..128).contains(&b))
                // 198.18.0.0/15, benchmarking of network devices.
                || (a == 198 && (b & 0xfe) == 18)
                // 240.0.0.0/4, reserved.
                || a >= 240
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
                    // 64:ff9b::/96, NAT64.
                    || (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0])
                    // 2002::/16, 6to4.
                    || s[0] == 0x2002
            }
        },
    }
}

/// A resolver that keeps only public addresses, for hosts let through by the wildcard: a name
/// that resolves to an internal address (by design or by DNS rebinding) fails to connect
/// instead of reaching the private network. The check is made on the addresses the connection
/// will use, so no second lookup can change the answer.
#[derive(Debug)]
struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| !is_internal(addr.ip()))
                .collect();
            if public.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> = format!(
                    "`{host}` resolves only to internal addresses; name it in allowed_hosts to \
                     reach it"
                )
                .into();
                return Err(refused);
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// The production transport, over reqwest with rustls. Redirects are not followed here: the
/// engine follows them itself so that every hop passes the allow-list.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// The same client, connecting only to public addresses.
    public_client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport; `allow_insecure_tls` skips certificate checks (an integration setting,
    /// discouraged and logged by the caller).
    ///
    /// # Errors
    /// When the TLS stack cannot be initialised.
    pub fn new(allow_insecure_tls: bool) -> Result<Self, TransportError> {
        // The only place reqwest clients are built (house rule: one outbound path).
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .tls_danger_accept_invalid_certs(allow_insecure_tls)
                .pool_idle_timeout(Duration::from_secs(60))
                .user_agent(concat!("ponte/", env!("CARGO_PKG_VERSION")))
        };
        let build = |builder: reqwest::ClientBuilder| {
            builder
                .build()
                .map_err(|e| TransportError::Other(e.to_string()))
        };
        Ok(Self {
            client: build(builder())?,
            public_client: build(builder().dns_resolver(Arc::new(PublicOnlyResolver)))?,
        })
    }
}

fn classify(e: &reqwest::Error, timeout: Duration) -> TransportError {
    if e.is_timeout() {
        TransportError::Timeout(timeout)
    } else if e.is_connect() {
        TransportError::Connect(root_cause(e))
    } else if e.is_body() || e.is_request() || e.is_decode() {
        TransportError::Dropped(root_cause(e))
    } else {
        TransportError::Other(root_cause(e))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: OutboundRequest) -> Result<InboundResponse, TransportError> {
        let timeout = request.timeout;
        let limit = request.max_response_bytes;
        let exchange = async {
            let client = if request.public_only {
                &self.public_client
            } else {
                &self.client
            };
            let response = client
                .request(request.method, request.url)
                .headers(request.headers)
                .body(request.body)
                .send()
                .await
                .map_err(|e| classify(&e, timeout))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(TransportError::TooLarge { limit });
            }
            // Read in chunks so an endless or huge body is cut at the limit, not buffered.
            let mut body = Vec::new();
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| classify(&e, timeout))?;
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(TransportError::TooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(InboundResponse {
                status,
                headers,
                body: Bytes::from(body),
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(TransportError::Timeout(timeout)))
    }
}
