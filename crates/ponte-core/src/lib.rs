//! ponte-core
