//! Exactly-once checkpoints: sources inject barriers, tasks align them and snapshot their
//! operators, the coordinator writes the snapshots and completes the checkpoint, and sinks
//! then commit. A job restores from a completed checkpoint after a failure, or on request.

mod compat;
mod coordinator;
mod storage;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

pub use compat::{RestorePlan, check_restorable, restore_plan, state_signature};
pub use coordinator::{Ack, Coordinator, CoordinatorSetup, TaskStates};
pub use storage::{
    CheckpointMetadata, NodeEntry, Restore, SourceEntry, StateBytes, StateFile, load, pipeline_hash,
};

/// Where checkpoints go, and which one the job starts from.
#[derive(Clone, Debug, Default)]
pub struct CheckpointOptions {
    /// The checkpoint folder: `chk-<n>/` per completed checkpoint.
    pub dir: PathBuf,
    /// Overrides the pipeline's `checkpoint_interval_ms`.
    pub interval: Option<Duration>,
    /// A checkpoint to start from, already loaded and checked.
    pub restore: Option<Restore>,
    /// Start nodes whose state cannot be mapped empty, rather than refuse (Flink's
    /// `--allowNonRestoredState`, for a pipeline edited since its savepoint).
    pub drop_unmapped: bool,
}

/// Which checkpoint to restore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreFrom {
    /// The newest complete checkpoint in the folder; broken ones are skipped.
    Latest,
    Id(u64),
    /// A `chk-<n>` folder, wherever it is.
    Path(PathBuf),
}

impl std::str::FromStr for RestoreFrom {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "latest" => RestoreFrom::Latest,
            _ => match s.parse::<u64>() {
                Ok(n) => RestoreFrom::Id(n),
                Err(_) => RestoreFrom::Path(PathBuf::from(s)),
            },
        })
    }
}

/// Which part of a task a state file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatePart {
    /// An operator's own state.
    Operator,
    /// A source's position and the event time it has reached.
    Source,
    /// The watermarks a task's inputs have reached.
    Inputs,
}

/// One checkpoint as the monitor and the REST API show it.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointStats {
    pub id: u64,
    pub status: CheckpointStatus,
    /// Asked for by the user (or a stop with a checkpoint) rather than by the interval.
    pub manual: bool,
    pub triggered_at: SystemTime,
    /// From the trigger to the last acknowledgement, written.
    pub duration: Duration,
    /// The longest any task held an input back waiting for the others' barriers.
    pub alignment: Duration,
    /// Bytes of state written.
    pub size: u64,
    /// Tasks that have acknowledged, of all.
    pub acknowledged: (usize, usize),
    /// Where each source instance was, in words.
    pub sources: Vec<(String, usize, String)>,
    /// The `chk-<n>` folder once written.
    pub path: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointStatus {
    InProgress,
    Completed,
    /// Failed with its root cause in words.
    Failed(String),
}

impl CheckpointStatus {
    pub fn name(&self) -> &'static str {
        match self {
            CheckpointStatus::InProgress => "in progress",
            CheckpointStatus::Completed => "completed",
            CheckpointStatus::Failed(_) => "failed",
        }
    }
}
