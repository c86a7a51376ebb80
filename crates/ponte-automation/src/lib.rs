//! ponte-automation
