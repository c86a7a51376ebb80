//! Ponte's core: the data model shared by every layer and the ports (traits) through which the
//! use cases reach the outside world.
//!
//! This crate knows nothing of SQL, HTTP servers or command lines. The store crates implement
//! [`store::Store`]; the binary chooses one implementation at start-up and hands it around as
//! `Arc<dyn Store>`.

pub mod clock;
pub mod crypto;
pub mod model;
pub mod password;
pub mod service;
pub mod store;
