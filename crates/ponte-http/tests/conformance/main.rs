//! One conformance scenario for every preset: the same story, told over Ponte's HTTP API
//! against each preset's simulator, with the answers checked against the simulator's seed.
//! A step is skipped only when the preset's coverage declares its function unsupported, and
//! then the function must answer `function_not_configured`.
//!
//! Each ERP is one file that starts its simulator and Ponte, and says where the story's
//! characters live in that simulator's seed ([`scenario::Seed`]); adding an ERP is adding
//! its file and its `mod` line below.

#[path = "../common/mod.rs"]
mod common;
mod scenario;

mod hubsoft;
mod ixc;
mod sgp;
mod standard;
