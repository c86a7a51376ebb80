//! The web console in a real headless Chromium, driven over WebDriver (chromedriver), against a
//! real `ponte serve` process and the IXC simulator.
//!
//! chromedriver is `/usr/bin/chromedriver` (Debian's `chromium-driver`) or `$CHROMEDRIVER`.
//! Without it the tests fail with a clear message when `PONTE_REQUIRE_BROWSER=1`
//! (as `.ci/run` sets) and are skipped with a note otherwise. With `PONTE_UPDATE_DOCS=1` each
//! test saves its screenshots to `docs/console/`, which `docs/console.md` shows.

mod harness;
mod scenario;
