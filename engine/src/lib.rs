//! Streamlab's embedded stream processor: pipeline specs, validation, SQL expressions,
//! operators and a threaded runtime with bounded channels.

pub mod checkpoint;
pub mod export;
pub mod expr;
pub mod limits;
pub mod metrics;
pub mod operators;
pub mod runtime;
pub mod spec;
pub mod time;
pub mod types;
pub mod validate;

pub use runtime::{JobError, JobHandle, JobMonitor, JobStatus, JobSummary, RunOptions};
pub use spec::PipelineSpec;
