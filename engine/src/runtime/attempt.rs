//! One attempt at running a job: its tasks share a stop flag and the first failure. A job
//! that restarts after a failure runs a new attempt from its last completed checkpoint.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::JobError;
use crate::spec::FailureInjection;

pub struct Attempt {
    /// 0 for the first, counting restarts.
    pub number: u32,
    /// Asks the sources to stop: the user's stop, or a failure of a task.
    pub stop: Arc<AtomicBool>,
    /// Set with the first failure, for sinks that must not publish then.
    pub failed: Arc<AtomicBool>,
    failure: Mutex<Option<JobError>>,
    /// The failure this attempt injects, if one is due.
    pub chaos: Option<Arc<Chaos>>,
}

impl Attempt {
    pub fn new(number: u32, chaos: Option<Arc<Chaos>>) -> Attempt {
        Attempt {
            number,
            stop: Arc::default(),
            failed: Arc::default(),
            failure: Mutex::new(None),
            chaos,
        }
    }

    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Records the first failure and asks every source to stop.
    pub fn fail(&self, error: JobError) {
        self.failure.lock().unwrap().get_or_insert(error);
        self.failed.store(true, Ordering::Relaxed);
        self.stop.store(true, Ordering::Release);
    }

    pub fn failure(&self) -> Option<JobError> {
        self.failure.lock().unwrap().clone()
    }
}

/// An injected failure of one node in one attempt: the node fails when the rows reaching
/// it (over all its instances) pass `after_rows`.
pub struct Chaos {
    pub node: String,
    after_rows: u64,
    seen: AtomicU64,
    /// Which failure this is (1-based), and of how many.
    nth: (u32, u32),
}

impl Chaos {
    /// The failure attempt `attempt` injects: the settings' `times` failures go to the first
    /// attempts; with a seed each at its own random point within `after_rows`.
    pub fn for_attempt(injection: &FailureInjection, attempt: u32) -> Option<Arc<Chaos>> {
        if attempt >= injection.times {
            return None;
        }
        let after_rows = match injection.seed {
            None => injection.after_rows,
            Some(seed) => {
                let draw = super::partition::mix_seed(seed, attempt as u64);
                draw % injection.after_rows + 1
            }
        };
        Some(Arc::new(Chaos {
            node: injection.node.clone(),
            after_rows,
            seen: AtomicU64::new(0),
            nth: (attempt + 1, injection.times),
        }))
    }

    /// Counts `rows` about to reach the node: the failure, once they pass the point.
    pub fn check(&self, rows: usize) -> Result<(), String> {
        let before = self.seen.fetch_add(rows as u64, Ordering::Relaxed);
        if before < self.after_rows && before + rows as u64 >= self.after_rows {
            return Err(format!(
                "injected failure {} of {} after {} rows",
                self.nth.0, self.nth.1, self.after_rows
            ));
        }
        Ok(())
    }
}
