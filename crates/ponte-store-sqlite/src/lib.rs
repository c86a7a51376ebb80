//! ponte-store-sqlite
