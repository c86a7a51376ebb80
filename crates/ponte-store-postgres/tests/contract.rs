//! The store contract suite on PostgreSQL, each case on its own fresh database. Without
//! `PONTE_TEST_POSTGRES_URL` at build time the cases are listed as ignored, with the reason.

mod common;

ponte_core::store_contract_tests!(
    common::fresh,
    #[cfg_attr(
        not(ponte_postgres_tests),
        ignore = "PONTE_TEST_POSTGRES_URL was not set when the tests were built"
    )]
);
