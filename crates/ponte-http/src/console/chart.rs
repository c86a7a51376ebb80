//! A small SVG chart per function, drawn on the server: calls per hour as bars, the hour's p95
//! latency as a line, over the last 24 hours.

use std::fmt::Write as _;

use super::health::Bucket;
use super::text::Text;

const WIDTH: u32 = 480;
const HEIGHT: u32 = 120;
const PAD: u32 = 24;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart of one function's buckets (oldest first), as an `<svg>` element.
#[must_use]
#[allow(clippy::cast_precision_loss)] // small counts and durations
pub fn svg(function: &str, buckets: &[Bucket], text: Text) -> String {
    let max_calls = buckets
        .iter()
        .map(|b| b.figures.calls)
        .max()
        .unwrap_or(0)
        .max(1);
    let max_ms = buckets
        .iter()
        .filter_map(|b| b.figures.p95_ms)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = f64::from(WIDTH - 2 * PAD);
    let plot_h = f64::from(HEIGHT - 2 * PAD);
    let slot = plot_w / buckets.len().max(1) as f64;
    let title = escape(function);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>"#
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{PAD}" y1="{y}" x2="{x2}" y2="{y}"/>"#,
        y = HEIGHT - PAD,
        x2 = WIDTH - PAD
    );
    let mut points = Vec::new();
    for (n, bucket) in buckets.iter().enumerate() {
        let x = f64::from(PAD) + slot * n as f64;
        let calls = bucket.figures.calls;
        if calls > 0 {
            let h = plot_h * calls as f64 / max_calls as f64;
            let _ = write!(
                svg,
                r#"<rect class="calls" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{calls} · {ago} h</title></rect>"#,
                y = f64::from(HEIGHT - PAD) - h,
                w = (slot - 2.0).max(1.0),
                ago = bucket.hours_ago,
            );
        }
        if let Some(ms) = bucket.figures.p95_ms {
            let y = f64::from(HEIGHT - PAD) - plot_h * ms as f64 / max_ms as f64;
            points.push(format!("{:.1},{y:.1}", x + slot / 2.0));
        }
    }
    if !points.is_empty() {
        let _ = write!(
            svg,
            r#"<polyline class="latency" points="{}"/>"#,
            points.join(" ")
        );
    }
    let _ = write!(
        svg,
        r#"<text class="legend" x="{PAD}" y="14">{calls}: {max_calls} máx. · {p95}: {max_ms} ms máx.</text>"#,
        calls = escape(text.get("integrations.calls")),
        p95 = escape(text.get("integrations.p95")),
    );
    let _ = write!(
        svg,
        r#"<text class="legend" x="{PAD}" y="{y}">−24 h</text><text class="legend" x="{x}" y="{y}" text-anchor="end">0 h</text></svg>"#,
        y = HEIGHT - 6,
        x = WIDTH - PAD,
    );
    svg
}
