//! Black-box tests of the engine over real HTTP on loopback: a small axum server plays the ERP,
//! the production reqwest transport talks to it. Each module covers one feature and fails when
//! that feature breaks.

mod auth;
mod bodies;
mod limits;
mod output;
mod pagination;
mod privacy;
mod resilience;
mod shared;
mod support;
mod trace;
