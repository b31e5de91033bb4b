//! The runtime: one thread per task, bounded channels between tasks (a full channel blocks
//! its sender: backpressure), control messages in band with the data.

mod attempt;
mod build;
mod job;
mod message;
mod output;
mod partition;
mod pause;
mod peek;
mod plan;
mod supervisor;
mod task;
mod task_state;
mod trace;

pub use job::{JobError, JobHandle, JobMonitor, JobStatus, JobSummary, RunOptions};
pub use message::Message;
pub use partition::{hash_rows, owned_rows, split_by_key, stable_hash};
pub use pause::PauseControl;
pub use peek::{PEEK_ROWS, Peek};
pub use plan::{JobGraph, Partition, Vertex, VertexEdge};
pub use trace::{TRACE_ROWS, Trace, TraceEvent, Traced};
