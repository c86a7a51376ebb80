//! The store contract suite on PostgreSQL, each case on its own fresh database.

mod common;

ponte_core::store_contract_tests!(common::fresh);
