//! ponte-simulators
