//! ponte-store-postgres
