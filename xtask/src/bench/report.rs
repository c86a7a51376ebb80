//! The benchmark's figures: each run, the medians over runs, the ratios Ponte / baseline, and
//! their two renderings — a table for people and JSON for machines.

use std::fmt::Write as _;

use serde::Serialize;

/// One timed run of one target.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Answered requests (status 200).
    pub requests: usize,
    /// Failed requests.
    pub errors: u64,
    /// Answered requests per second.
    pub req_per_s: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Requests the static ERP answered per call made.
    pub erp_requests_per_call: f64,
    /// Growth of the SQLite files (db + wal) per call, bytes (Ponte only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_growth_bytes_per_call: Option<f64>,
    /// Bytes the process sent to storage per call (`write_bytes`; Ponte only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_bytes_per_call: Option<f64>,
}

/// One target at one concurrency: the medians of its runs.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Median of the runs' requests per second.
    pub req_per_s: f64,
    /// Median of the runs' p50.
    pub p50_ms: f64,
    /// Median of the runs' p99.
    pub p99_ms: f64,
    /// Failed requests over all runs.
    pub errors: u64,
    /// Resident memory after the last run, KiB.
    pub rss_kib: Option<u64>,
    /// Median database growth per call, bytes (Ponte only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_growth_bytes_per_call: Option<f64>,
    /// Median storage writes per call, bytes (Ponte only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_bytes_per_call: Option<f64>,
    /// Every run, in order.
    pub runs: Vec<Run>,
}

/// The median: the middle value, or the mean of the two middle ones.
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn median_of(runs: &[Run], field: impl Fn(&Run) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = runs.iter().filter_map(&field).collect();
    (!values.is_empty()).then(|| median(&values))
}

impl Summary {
    /// The medians of `runs`, with the memory read after them.
    #[must_use]
    pub fn of(runs: Vec<Run>, rss_kib: Option<u64>) -> Summary {
        let m = |f: fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        Summary {
            req_per_s: m(|r| r.req_per_s),
            p50_ms: m(|r| r.p50_ms),
            p99_ms: m(|r| r.p99_ms),
            errors: runs.iter().map(|r| r.errors).sum(),
            rss_kib,
            db_growth_bytes_per_call: median_of(&runs, |r| r.db_growth_bytes_per_call),
            write_bytes_per_call: median_of(&runs, |r| r.write_bytes_per_call),
            runs,
        }
    }
}

/// Ponte / baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    /// Below 1: Ponte answers fewer requests per second.
    pub req_per_s: f64,
    /// Above 1: Ponte's median call takes longer.
    pub p50: f64,
    /// Above 1: Ponte's slow calls are slower.
    pub p99: f64,
}

/// Both targets at one concurrency.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    /// Closed-loop clients, one connection each.
    pub clients: usize,
    /// Ponte.
    pub ponte: Summary,
    /// The hand-written baseline.
    pub baseline: Summary,
    /// Ponte / baseline of the medians.
    pub ratio: Ratio,
}

impl Level {
    /// The level with its ratios.
    #[must_use]
    pub fn new(clients: usize, ponte: Summary, baseline: Summary) -> Level {
        let ratio = Ratio {
            req_per_s: ponte.req_per_s / baseline.req_per_s,
            p50: ponte.p50_ms / baseline.p50_ms,
            p99: ponte.p99_ms / baseline.p99_ms,
        };
        Level {
            clients,
            ponte,
            baseline,
            ratio,
        }
    }
}

/// The machine the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Cores available.
    pub cpus: usize,
    /// `model name` of `/proc/cpuinfo`.
    pub cpu_model: String,
    /// 1-, 5- and 15-minute load averages before the parts started.
    pub load_before: [f64; 3],
    /// The same after the last run.
    pub load_after: [f64; 3],
}

/// How the benchmark ran.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Timed runs per target and concurrency.
    pub runs: usize,
    /// Seconds per timed run.
    pub seconds: u64,
    /// Seconds of warm-up per target and concurrency.
    pub warmup_seconds: u64,
    /// The integration's `limits.max_concurrent_requests`.
    pub gate: u32,
    /// Whether the gate is the product's default.
    pub gate_is_default: bool,
}

/// Everything measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// When, RFC 3339, UTC.
    pub date: String,
    /// Where.
    pub machine: Machine,
    /// How.
    pub settings: Settings,
    /// The function called.
    pub function: &'static str,
    /// INVOICEs in each answer (checked identical for both targets).
    pub invoices_per_answer: usize,
    /// ERP requests per call, checked equal for both targets before timing.
    pub erp_requests_per_call: f64,
    /// One entry per concurrency.
    pub levels: Vec<Level>,
}

/// Bytes as people read them: whole bytes below 10 KiB (where a per-call budget in bytes is
/// judged), KiB above.
fn kib(bytes: Option<f64>) -> String {
    bytes.map_or_else(
        || "?".to_owned(),
        |b| {
            if b < 10.0 * 1024.0 {
                format!("{b:.0} B")
            } else {
                format!("{:.1} KiB", b / 1024.0)
            }
        },
    )
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "?".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn spread(runs: &[Run]) -> String {
    let rates: Vec<f64> = runs.iter().map(|r| r.req_per_s).collect();
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let max = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.0}–{max:.0}")
}

impl Report {
    /// The table for people.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let s = &self.settings;
        let load = |l: [f64; 3]| format!("{:.2} {:.2} {:.2}", l[0], l[1], l[2]);
        let _ = writeln!(
            out,
            "{} over HTTP, each part its own process: `ponte serve` (SQLite, IXC preset, \
             with_pix = N) against a hand-written axum + reqwest server, both in front of a \
             static ERP",
            self.function
        );
        let _ = writeln!(
            out,
            "{} INVOICEs per answer and {:.2} ERP requests per call for both (checked before \
             timing)",
            self.invoices_per_answer, self.erp_requests_per_call
        );
        let _ = writeln!(
            out,
            "{}, {} × {}; load average {} before, {} after",
            self.date,
            m.cpus,
            m.cpu_model,
            load(m.load_before),
            load(m.load_after)
        );
        let _ = writeln!(
            out,
            "{} runs of {} s per target and concurrency, alternating, after {} s of warm-up; \
             medians; gate {}{}\n",
            s.runs,
            s.seconds,
            s.warmup_seconds,
            s.gate,
            if s.gate_is_default {
                " (the product's default)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "{:>7}  {:<8}  {:>9}  {:>11}  {:>8}  {:>8}  {:>6}",
            "clients", "target", "req/s", "runs' req/s", "p50 ms", "p99 ms", "errors"
        );
        for level in &self.levels {
            for (name, t) in [("ponte", &level.ponte), ("baseline", &level.baseline)] {
                let clients = if name == "ponte" {
                    level.clients.to_string()
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "{clients:>7}  {name:<8}  {:>9.1}  {:>11}  {:>8.2}  {:>8.2}  {:>6}",
                    t.req_per_s,
                    spread(&t.runs),
                    t.p50_ms,
                    t.p99_ms,
                    t.errors
                );
            }
            let r = &level.ratio;
            let _ = writeln!(
                out,
                "{:>7}  {:<8}  {:>8.2}x  {:>11}  {:>7.2}x  {:>7.2}x",
                "", "ratio", r.req_per_s, "", r.p50, r.p99
            );
            let _ = writeln!(
                out,
                "{:>7}  Ponte after the runs: RSS {} (baseline {}); per call {} of database \
                 growth (db + wal), {} written to storage (write_bytes)\n",
                "",
                mib(level.ponte.rss_kib),
                mib(level.baseline.rss_kib),
                kib(level.ponte.db_growth_bytes_per_call),
                kib(level.ponte.write_bytes_per_call),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rate: f64, p50: f64) -> Run {
        Run {
            requests: 10,
            errors: 1,
            req_per_s: rate,
            p50_ms: p50,
            p99_ms: p50 * 2.0,
            erp_requests_per_call: 2.0,
            db_growth_bytes_per_call: None,
            write_bytes_per_call: Some(rate),
        }
    }

    #[test]
    fn medians_take_the_middle_run_or_the_mean_of_the_two_middle_ones() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
        let s = Summary::of(
            vec![run(100.0, 5.0), run(300.0, 1.0), run(200.0, 9.0)],
            None,
        );
        assert_eq!(
            (s.req_per_s, s.p50_ms, s.p99_ms, s.errors),
            (200.0, 5.0, 10.0, 3)
        );
        assert_eq!(s.write_bytes_per_call, Some(200.0));
        assert_eq!(s.db_growth_bytes_per_call, None);
    }

    #[test]
    fn ratios_are_ponte_over_baseline() {
        let ponte = Summary::of(vec![run(100.0, 10.0)], Some(2048));
        let baseline = Summary::of(vec![run(500.0, 2.0)], Some(1024));
        let level = Level::new(32, ponte, baseline);
        assert_eq!(level.ratio.req_per_s, 0.2);
        assert_eq!(level.ratio.p50, 5.0);
        let report = Report {
            date: "2026-12-06T12:00:00Z".into(),
            machine: Machine {
                cpus: 2,
                cpu_model: "CPU".into(),
                load_before: [0.1, 0.2, 0.3],
                load_after: [1.0, 1.0, 1.0],
            },
            settings: Settings {
                runs: 1,
                seconds: 1,
                warmup_seconds: 1,
                gate: 8,
                gate_is_default: true,
            },
            function: "list_invoices",
            invoices_per_answer: 24,
            erp_requests_per_call: 2.0,
            levels: vec![level],
        };
        let text = report.text();
        assert!(text.contains("0.20x"), "{text}");
        assert!(text.contains("RSS 2.0 MiB (baseline 1.0 MiB)"), "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["levels"][0]["ratio"]["p50"], 5.0);
        assert_eq!(json["levels"][0]["ponte"]["runs"][0]["requests"], 10);
    }
}
