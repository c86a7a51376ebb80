//! How the benchmark's own servers (the static ERP and the baseline) run as processes: on
//! 127.0.0.1, on a multi-threaded tokio runtime as `ponte serve` uses, printing their address
//! on the first line of standard output, and stopping on Ctrl-C, SIGTERM or, when asked, when
//! standard input closes — which happens when the process that started them dies, however it
//! dies.

use std::io::Write as _;
use std::time::Duration;

use anyhow::Context;
use axum::Router;

/// How long open connections may take to finish once a stop is asked for.
const GRACE: Duration = Duration::from_secs(2);

/// Serves `router` until a stop is asked for.
///
/// # Errors
/// When the runtime cannot start or the port cannot be bound.
pub fn serve(name: &str, port: u16, stop_on_stdin_eof: bool, router: Router) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("{name}: cannot listen on 127.0.0.1:{port}"))?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{}", listener.local_addr()?)?;
        out.flush()?;
        drop(out);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        stop_requested(stop_on_stdin_eof).await;
        let _ = stop.send(());
        // Connections still open after the grace period are cut by the process's end.
        if let Ok(served) = tokio::time::timeout(GRACE, server).await {
            served??;
        }
        anyhow::Ok(())
    })
}

/// Resolves on Ctrl-C, SIGTERM, or the end of standard input when `stdin_eof` is set.
pub async fn stop_requested(stdin_eof: bool) {
    let stdin_closed = async {
        if stdin_eof {
            let _ = tokio::io::copy(&mut tokio::io::stdin(), &mut tokio::io::sink()).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = terminate() => {}
        () = stdin_closed => {}
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn terminate() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let sigterm = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            // Without a SIGTERM handler the default action (ending the process) still applies.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {}
        () = sigterm => {}
    }
}
