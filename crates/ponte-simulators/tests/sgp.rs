//! The SGP simulator over real HTTP: auth and its refusals, every endpoint's shape, pagination,
//! every refusal, state changes, faults and determinism. One test binary, split by subject.

#[path = "sgp/common.rs"]
mod common;

#[path = "sgp/auth.rs"]
mod auth;
#[path = "sgp/customers.rs"]
mod customers;
#[path = "sgp/faults.rs"]
mod faults;
#[path = "sgp/promise.rs"]
mod promise;
#[path = "sgp/sales.rs"]
mod sales;
#[path = "sgp/settle.rs"]
mod settle;
#[path = "sgp/titles.rs"]
mod titles;
