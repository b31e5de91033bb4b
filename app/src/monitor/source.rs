//! Where the monitor's samples come from: the embedded engine's job today, a REST endpoint
//! (`streamlab run --serve`, or a Flink cluster) through the same trait.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use engine::JobMonitor;
use engine::checkpoint::{CheckpointStats, CheckpointStatus};
use engine::metrics::{MetricsSnapshot, Watched};

/// Something that happened to the job, marked on the charts' time axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Marker {
    /// Seconds since the job started, as the samples' time.
    pub at_s: f64,
    pub kind: MarkerKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A checkpoint completed.
    Checkpoint,
    /// A checkpoint failed.
    FailedCheckpoint,
    /// A task failed: the job restarted (or ended).
    Failure,
}

impl MarkerKind {
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::Checkpoint => "checkpoint",
            MarkerKind::FailedCheckpoint => "failed checkpoint",
            MarkerKind::Failure => "failure",
        }
    }
}

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
    /// Asks for a checkpoint now; what to tell of it.
    fn checkpoint_now(&self) -> Result<String, String> {
        Err("this job takes no checkpoints".into())
    }
    /// What became of the last checkpoint asked for, where that is known only later (a
    /// remote job's); `None` where [`MetricsSource::checkpoint_now`] said it all.
    fn checkpoint_progress(&self) -> Option<String> {
        None
    }
    /// Restarts after failures so far.
    fn restarts(&self) -> u32 {
        0
    }
    /// Checkpoints and failures, in time order.
    fn markers(&self) -> Vec<Marker> {
        Vec::new()
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

    fn checkpoint_now(&self) -> Result<String, String> {
        self.checkpoint()
            .map(|id| format!("checkpoint {id} asked for"))
    }

    fn restarts(&self) -> u32 {
        JobMonitor::restarts(self)
    }

    fn markers(&self) -> Vec<Marker> {
        let failures: Vec<SystemTime> = self.failures().into_iter().map(|(at, _)| at).collect();
        markers_of(&JobMonitor::checkpoints(self), &failures, self.started_at())
    }
}

/// The markers of `checkpoints` (when each ended) and `failures`, in seconds since
/// `started`, in time order.
pub fn markers_of(
    checkpoints: &[CheckpointStats],
    failures: &[SystemTime],
    started: SystemTime,
) -> Vec<Marker> {
    let since = |at: SystemTime| at.duration_since(started).map_or(0.0, |d| d.as_secs_f64());
    let mut markers: Vec<Marker> = checkpoints
        .iter()
        .filter_map(|c| {
            let kind = match c.status {
                CheckpointStatus::Completed => MarkerKind::Checkpoint,
                CheckpointStatus::Failed(_) => MarkerKind::FailedCheckpoint,
                CheckpointStatus::InProgress => return None,
            };
            Some(Marker {
                at_s: since(c.triggered_at + c.duration),
                kind,
            })
        })
        .chain(failures.iter().map(|&at| Marker {
            at_s: since(at),
            kind: MarkerKind::Failure,
        }))
        .collect();
    markers.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    markers
}
