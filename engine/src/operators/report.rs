//! What a job's operators tell each other and the user about how the job ended: whether the
//! input was read to its end, and which files the sinks wrote.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// A file a sink published when the job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    pub node: String,
    /// Where the rows are.
    pub path: PathBuf,
    pub rows: u64,
    /// The run stopped before its bounded input ended, so the rows went beside the target
    /// (`out.partial.csv`) and the target kept its previous content.
    pub partial: bool,
    /// A job with checkpoints was stopped: the target holds the rows of this checkpoint,
    /// the last completed, and a restore from it goes on from there.
    pub checkpoint: Option<u64>,
}

/// Shared by all operators of one job.
#[derive(Debug, Default)]
pub struct JobReport {
    /// Every source ends by itself: a run stopped before that has not seen all its input.
    pub bounded: bool,
    stopped_early: AtomicBool,
    files: Mutex<Vec<WrittenFile>>,
}

impl JobReport {
    pub fn new(bounded: bool) -> Self {
        JobReport {
            bounded,
            ..JobReport::default()
        }
    }

    /// A source stopped before its input ended (a stop request).
    pub fn source_stopped_early(&self) {
        // Seen by sinks after the end of stream that follows it through the channels.
        self.stopped_early.store(true, Ordering::Release);
    }

    pub fn stopped_early(&self) -> bool {
        self.stopped_early.load(Ordering::Acquire)
    }

    /// Whether the rows a sink holds are the complete result of a bounded input.
    pub fn incomplete(&self) -> bool {
        self.bounded && self.stopped_early()
    }

    pub fn add_file(&self, file: WrittenFile) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
    }

    /// The files written so far, in the order they were published.
    pub fn files(&self) -> Vec<WrittenFile> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
