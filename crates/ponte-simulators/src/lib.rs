//! Offline simulators of the ERP HTTP APIs that Ponte talks to.
//!
//! Each simulator speaks its ERP's real wire shapes (verbs, headers, envelopes, string-typed
//! columns, odd content types), keeps a seeded in-memory state that changes when a client writes
//! to it, and can be told to misbehave through [`faults`]. They serve the end-to-end tests, the
//! benchmarks and `ponte demo`; presets written against them are meant to work against the real
//! ERP unchanged.
//!
//! Every simulator also answers a small control API under `/__sim/`:
//! `POST`/`GET`/`DELETE /__sim/faults` and `GET`/`DELETE /__sim/requests` (see [`control`]);
//! the IXC, SGP, Hubsoft and standard API simulators add `GET /__sim/fixtures`,
//! `POST /__sim/reset` and `POST /__sim/today`, and Hubsoft its token revocations.

pub mod control;
pub mod faults;
pub mod hubsoft;
pub mod ixc;
pub mod pdf;
mod rng;
pub mod sgp;
pub mod standard;
