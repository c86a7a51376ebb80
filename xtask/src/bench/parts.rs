//! The benchmark's processes: each part is started as its own process, its output drained by
//! a thread into a short tail (shown when it fails), and killed when the guard is dropped —
//! at the end, on an error, on a panic or on Ctrl-C. The benchmark's own servers also stop
//! when their standard input closes, so they do not outlive a benchmark killed outright.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Lines of output kept per part for error messages.
const TAIL: usize = 30;

/// The last lines a part printed.
#[derive(Debug, Clone, Default)]
struct Tail(Arc<Mutex<VecDeque<String>>>);

impl Tail {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() == TAIL {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    fn text(&self) -> String {
        let lines = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        lines
            .iter()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    }
}

/// Reads `from` line by line on its own thread, keeping the tail; the first line also goes to
/// `first` when given. A thread, not a task, so that a chatty log never takes time from the
/// load generator's runtime.
fn drain(
    from: impl Read + Send + 'static,
    tail: Tail,
    first: Option<std::sync::mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut line = Vec::new();
        let mut first = first;
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line).trim_end().to_owned();
                    if let Some(sender) = first.take() {
                        let _ = sender.send(text.clone());
                    }
                    tail.push(text);
                }
            }
        }
    });
}

/// A running part of the benchmark.
#[derive(Debug)]
pub struct Part {
    name: &'static str,
    child: Child,
    tail: Tail,
    /// Held open so the part lives; dropping it tells the part to stop.
    _stdin: Option<ChildStdin>,
    first_line: Option<std::sync::mpsc::Receiver<String>>,
}

impl Part {
    /// Starts `command` with its output drained.
    ///
    /// # Errors
    /// When the program cannot be started.
    pub fn start(name: &'static str, mut command: Command) -> anyhow::Result<Part> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The program only: the command's environment holds keys that must not be printed.
        let mut child = command.spawn().with_context(|| {
            format!(
                "cannot start the {name} ({})",
                command.get_program().to_string_lossy()
            )
        })?;
        let tail = Tail::default();
        let (sender, receiver) = std::sync::mpsc::channel();
        if let Some(out) = child.stdout.take() {
            drain(out, tail.clone(), Some(sender));
        }
        if let Some(err) = child.stderr.take() {
            drain(err, tail.clone(), None);
        }
        Ok(Part {
            name,
            _stdin: child.stdin.take(),
            child,
            tail,
            first_line: Some(receiver),
        })
    }

    /// The process id, for `/proc`.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A failure of this part, with what it printed last.
    fn failure(&mut self, what: &str) -> anyhow::Error {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!(" (it exited: {status})"),
            _ => String::new(),
        };
        let tail = self.tail.text();
        let printed = if tail.is_empty() {
            "  it printed nothing".to_owned()
        } else {
            format!("  its last output:\n{tail}")
        };
        anyhow::anyhow!("the {} {what}{status}\n{printed}", self.name)
    }

    /// The `http://ADDR` the part printed on its first line (`listening on http://ADDR`).
    ///
    /// # Errors
    /// When the part exits or prints something else first, or nothing within `within`.
    pub async fn announced_address(&mut self, within: Duration) -> anyhow::Result<String> {
        let receiver = self
            .first_line
            .take()
            .context("the address was already read")?;
        let deadline = Instant::now() + within;
        loop {
            match receiver.try_recv() {
                Ok(line) => {
                    return line
                        .strip_prefix("listening on ")
                        .map(str::to_owned)
                        .ok_or_else(|| self.failure("did not announce its address"));
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    return Err(self.failure("closed its output before announcing its address"));
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
            if Instant::now() > deadline {
                return Err(self.failure(&format!(
                    "did not announce its address within {} s",
                    within.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `GET {base}/readyz` answers 2xx.
    ///
    /// # Errors
    /// When the part exits first, or is not ready within `within`.
    pub async fn ready(
        &mut self,
        client: &reqwest::Client,
        base: &str,
        within: Duration,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Err(self.failure("stopped while starting"));
            }
            if let Ok(answer) = client.get(format!("{base}/readyz")).send().await
                && answer.status().is_success()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.failure(&format!(
                    "was not ready at {base}/readyz within {} s",
                    within.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Fails when the part is no longer running.
    ///
    /// # Errors
    /// When it exited.
    pub fn alive(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            _ => Err(self.failure("stopped during the benchmark")),
        }
    }
}

impl Drop for Part {
    fn drop(&mut self) {
        // Killed, not asked: nothing of a benchmark run needs a graceful end, and a part must
        // never outlive the benchmark.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1, for a program that cannot announce the one it bound.
///
/// # Errors
/// When no port can be bound.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A `key:  value unit` line of a `/proc/<pid>/` file, as a number.
fn proc_field(pid: u32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Resident memory of a process, in KiB (`VmRSS`).
#[must_use]
pub fn rss_kib(pid: u32) -> Option<u64> {
    proc_field(pid, "status", "VmRSS")
}

/// Bytes a process caused to be sent to storage so far (`write_bytes` of `/proc/<pid>/io`).
#[must_use]
pub fn write_bytes(pid: u32) -> Option<u64> {
    proc_field(pid, "io", "write_bytes")
}

/// The output of a short command, trimmed; fails with its standard error.
///
/// # Errors
/// When it cannot start or exits with an error.
pub fn output_of(mut command: Command) -> anyhow::Result<String> {
    // Named by program and arguments only: never print a command's environment.
    let shown = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let out = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {shown}"))?;
    if !out.status.success() {
        bail!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_of_this_process_are_read_from_proc() {
        let me = std::process::id();
        assert!(rss_kib(me).unwrap() > 0);
        let before = write_bytes(me).unwrap();
        assert!(write_bytes(me).unwrap() >= before);
        assert_eq!(proc_field(me, "status", "NoSuchField"), None);
    }

    #[tokio::test]
    async fn a_part_that_fails_to_start_is_reported_with_what_it_printed() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'bad configuration: no key' >&2; exit 3"]);
        let mut part = Part::start("test part", command).unwrap();
        let err = part
            .announced_address(Duration::from_secs(5))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("the test part closed its output"), "{err}");
        // The stderr thread may still be reading when stdout closes; give it a moment.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let err = part.failure("failed").to_string();
        assert!(err.contains("bad configuration: no key"), "{err}");
        assert!(err.contains("exit status: 3"), "{err}");
    }

    #[test]
    fn a_program_that_cannot_start_is_named_without_its_environment() {
        let mut command = Command::new("/nonexistent/ponte");
        command.env("BENCH_MASTER_KEY", "secret-value");
        let err = format!("{:#}", Part::start("ponte serve", command).unwrap_err());
        assert!(
            err.contains("cannot start the ponte serve (/nonexistent/ponte)"),
            "{err}"
        );
        assert!(!err.contains("secret-value"), "{err}");
    }

    #[tokio::test]
    async fn a_part_is_killed_when_its_guard_is_dropped() {
        let mut command = Command::new("sleep");
        command.arg("600");
        let part = Part::start("sleeper", command).unwrap();
        let pid = part.pid();
        assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
        drop(part);
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }
}
