//! ponte-catalog
