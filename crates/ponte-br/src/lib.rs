//! ponte-br
