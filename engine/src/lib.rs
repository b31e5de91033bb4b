//! Streamlab's embedded stream processor: pipeline specs, validation, SQL expressions,
//! operators and a threaded runtime with bounded channels.

pub mod types;
