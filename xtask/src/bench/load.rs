//! The load generator: a closed loop of `clients` connections, each on its own keep-alive
//! HTTP/1.1 connection, sending its next request as soon as the previous answer has been read
//! in full. Written on hyper's connection API rather than a pooled client so that each client
//! is exactly one connection and the generator spends as little CPU as it can: it shares the
//! machine with the servers it measures.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Where the load goes and what it sends.
#[derive(Debug, Clone)]
pub struct Target {
    /// Shown in reports.
    pub name: &'static str,
    /// The server.
    pub addr: SocketAddr,
    /// The path of every request.
    pub path: String,
    /// `Bearer <key>`.
    pub authorization: HeaderValue,
    /// The JSON body of every request.
    pub body: Bytes,
}

/// What one run of the closed loop saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Latency of each answered request, microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Requests that failed (connection error or status other than 200).
    pub errors: u64,
    /// The first failure, described.
    pub first_error: Option<String>,
    /// From the start until the last client finished.
    pub elapsed: Duration,
}

impl Tally {
    /// Answered requests per second.
    #[must_use]
    pub fn rate(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// Nearest-rank percentile of the latencies, in milliseconds (NaN without any).
    #[must_use]
    pub fn percentile_ms(&self, p: f64) -> f64 {
        let sorted = &self.latencies_us;
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
    }

    fn fail(&mut self, why: String) {
        self.errors += 1;
        self.first_error.get_or_insert(why);
    }
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One request on `sender`; the status and the whole body.
async fn call(
    sender: &mut SendRequest<Full<Bytes>>,
    target: &Target,
    host: &HeaderValue,
) -> anyhow::Result<(StatusCode, Bytes)> {
    sender.ready().await?;
    let request = Request::builder()
        .method(Method::POST)
        .uri(target.path.as_str())
        .header(HOST, host)
        .header(CONTENT_TYPE, "application/json")
        .header(AUTHORIZATION, &target.authorization)
        .body(Full::new(target.body.clone()))?;
    let answer = sender.send_request(request).await?;
    let status = answer.status();
    let body = answer.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// One request on a fresh connection, for the checks before timing.
///
/// # Errors
/// When the server cannot be reached.
pub async fn once(target: &Target) -> anyhow::Result<(StatusCode, Bytes)> {
    let host = HeaderValue::from_str(&target.addr.to_string())?;
    let mut sender = connect(target.addr).await?;
    call(&mut sender, target, &host).await
}

/// `clients` connections, opened before the clock starts, each sending requests one after
/// the other until `duration` has passed. A request still in flight at the deadline is
/// waited for and counted.
///
/// # Errors
/// When a connection cannot be opened.
pub async fn closed_loop(
    target: &Target,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Tally> {
    let host = HeaderValue::from_str(&target.addr.to_string())?;
    let mut senders = Vec::with_capacity(clients);
    for _ in 0..clients {
        senders.push(connect(target.addr).await?);
    }
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(clients);
    for mut sender in senders {
        let target = target.clone();
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let sent = Instant::now();
                match call(&mut sender, &target, &host).await {
                    Ok((StatusCode::OK, _)) => tally
                        .latencies_us
                        .push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX)),
                    Ok((status, body)) => tally.fail(format!(
                        "HTTP {status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )),
                    Err(e) => {
                        tally.fail(format!("{e:#}"));
                        // The connection is gone; open another after a breath.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        match connect(target.addr).await {
                            Ok(fresh) => sender = fresh,
                            Err(e) => {
                                tally.fail(format!("{e:#}"));
                                break;
                            }
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await.context("a load client panicked")?;
        all.latencies_us.extend(tally.latencies_us);
        all.errors += tally.errors;
        if all.first_error.is_none() {
            all.first_error = tally.first_error;
        }
    }
    all.elapsed = start.elapsed();
    all.latencies_us.sort_unstable();
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let tally = Tally {
            latencies_us: (1..=100).map(|n| n * 1000).collect(),
            elapsed: Duration::from_secs(2),
            ..Tally::default()
        };
        assert_eq!(tally.percentile_ms(50.0), 50.0);
        assert_eq!(tally.percentile_ms(99.0), 99.0);
        assert_eq!(tally.percentile_ms(100.0), 100.0);
        assert_eq!(tally.rate(), 50.0);
        assert!(Tally::default().percentile_ms(50.0).is_nan());
    }

    #[tokio::test]
    async fn the_closed_loop_keeps_each_client_on_one_connection_and_counts_failures() {
        use std::collections::HashSet;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};

        use axum::extract::ConnectInfo;

        // A server that notes each caller's address and refuses every third request.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let peers = Arc::new(Mutex::new(HashSet::new()));
        let seen = peers.clone();
        let calls = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new().route(
            "/f",
            axum::routing::post(
                move |ConnectInfo(peer): ConnectInfo<SocketAddr>, body: Bytes| {
                    seen.lock().unwrap().insert(peer);
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    async move {
                        assert_eq!(&body[..], b"{}");
                        if n % 3 == 2 {
                            (axum::http::StatusCode::BAD_GATEWAY, "no")
                        } else {
                            (axum::http::StatusCode::OK, "[]")
                        }
                    }
                },
            ),
        );
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        let target = Target {
            name: "test",
            addr,
            path: "/f".into(),
            authorization: HeaderValue::from_static("Bearer k"),
            body: Bytes::from_static(b"{}"),
        };
        let tally = closed_loop(&target, 3, Duration::from_millis(300))
            .await
            .unwrap();
        let answered = tally.latencies_us.len() as u64;
        assert!(answered > 10, "{tally:?}");
        // Every third request fails: about half as many failures as answers.
        assert!(
            tally.errors * 2 + 3 >= answered && tally.errors * 2 <= answered + 3,
            "{tally:?}"
        );
        assert!(tally.first_error.unwrap().starts_with("HTTP 502"));
        assert_eq!(peers.lock().unwrap().len(), 3, "one connection per client");
    }
}
