//! The Nexmark source: the standard person/auction/bid generator, one stream at a time.

pub mod generator;
mod source;

pub use source::NexmarkSource;
