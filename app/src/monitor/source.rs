//! Where the monitor's samples come from: the embedded engine's job today, a REST endpoint
//! (`streamlab run --serve`, later a Flink cluster) through the same trait.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use engine::JobMonitor;
use engine::checkpoint::CheckpointStats;
use engine::metrics::{MetricsSnapshot, Watched};

/// A job's metric samples, oldest first, and its checkpoints.
pub trait MetricsSource {
    /// The newest sample, if any yet.
    fn latest(&self) -> Option<Arc<MetricsSnapshot>>;
    /// Every sample kept.
    fn history(&self) -> Vec<Arc<MetricsSnapshot>>;
    /// The job's checkpoints, oldest first; empty for a job that takes none.
    fn checkpoints(&self) -> Vec<CheckpointStats> {
        Vec::new()
    }
    /// Where checkpoints go and how often, for a job that takes them.
    fn checkpoint_settings(&self) -> Option<(PathBuf, Option<Duration>)> {
        None
    }
    /// Takes a checkpoint now; its number.
    fn checkpoint_now(&self) -> Result<u64, String> {
        Err("this job takes no checkpoints".into())
    }
    /// Restarts after failures so far.
    fn restarts(&self) -> u32 {
        0
    }
}

impl MetricsSource for Watched {
    fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        Watched::latest(self)
    }

    fn history(&self) -> Vec<Arc<MetricsSnapshot>> {
        Watched::history(self)
    }
}

impl MetricsSource for JobMonitor {
    fn latest(&self) -> Option<Arc<MetricsSnapshot>> {
        self.latest_sample()
    }

    fn history(&self) -> Vec<Arc<MetricsSnapshot>> {
        self.watched().history()
    }

    fn checkpoints(&self) -> Vec<CheckpointStats> {
        JobMonitor::checkpoints(self)
    }

    fn checkpoint_settings(&self) -> Option<(PathBuf, Option<Duration>)> {
        JobMonitor::checkpoint_settings(self)
    }

    fn checkpoint_now(&self) -> Result<u64, String> {
        self.checkpoint()
    }

    fn restarts(&self) -> u32 {
        JobMonitor::restarts(self)
    }
}
