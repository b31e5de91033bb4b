//! The checkpoint coordinator: triggers checkpoints (on an interval or on demand), collects
//! every task's acknowledgement, writes the states in its own thread (tasks only copy them)
//! and marks the checkpoint completed, which lets sinks commit. One checkpoint is in flight
//! at a time, as Flink's default; a checkpoint that fails is recorded and the job goes on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};

use super::storage::{self, CheckpointMetadata, NodeEntry, SourceEntry, StateBytes};
use super::{CheckpointStats, CheckpointStatus};

/// What one task took at a barrier, or when it finished.
#[derive(Clone, Debug, Default)]
pub struct TaskStates {
    pub states: Vec<StateBytes>,
    pub sources: Vec<SourceEntry>,
    /// How long the task held inputs back for the barrier.
    pub alignment: Duration,
}

/// A task's answer to a checkpoint.
pub enum Ack {
    /// Task `task` of attempt `attempt` took its states at the barrier of checkpoint `id`.
    Barrier {
        attempt: u32,
        task: usize,
        id: u64,
        states: TaskStates,
    },
    /// The task has finished: its last states stand for it in every later checkpoint.
    Finished {
        attempt: u32,
        task: usize,
        states: TaskStates,
    },
    /// The task could not take checkpoint `id`.
    Declined {
        attempt: u32,
        id: u64,
        reason: String,
    },
}

struct Pending {
    id: u64,
    manual: bool,
    stop_after: bool,
    triggered: Instant,
    triggered_at: SystemTime,
    acks: HashMap<usize, TaskStates>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    /// The attempt running, with its task count; `None` between attempts.
    attempt: Option<(u32, usize)>,
    /// Tasks of the running attempt that have finished, with their last states.
    finished: HashMap<usize, TaskStates>,
    pending: Option<Pending>,
    /// A checkpoint asked for while another was in flight: (`stop_after`).
    queued: Option<bool>,
    history: Vec<CheckpointStats>,
    ended: bool,
    /// A completed checkpoint is being written: an attempt must not end meanwhile, or a
    /// restart would go back to the one before while sinks may commit this one.
    writing: bool,
    /// The checkpoint being written, as the history shows it meanwhile.
    being_written: Option<CheckpointStats>,
    /// The job was asked to stop: no checkpoint starts any more.
    stopping: bool,
}

/// Settings and identity of the job whose checkpoints these are.
pub struct CoordinatorSetup {
    pub dir: PathBuf,
    pub interval: Option<Duration>,
    pub timeout: Duration,
    pub retain: usize,
    pub job: String,
    pub pipeline_hash: String,
    pub nodes: Vec<NodeEntry>,
    /// The checkpoint the job started from, so numbering goes on after it.
    pub restored: Option<u64>,
}

pub struct Coordinator {
    setup: CoordinatorSetup,
    /// The checkpoint sources should inject next; 0 for none.
    requested: AtomicU64,
    /// The checkpoint a stop waits for; 0 for none. Sources past its barrier emit nothing
    /// more: the job stops once it completes, and rows after it would only be replayed.
    stop_barrier: AtomicU64,
    completed: AtomicU64,
    inner: Mutex<Inner>,
    /// Signalled when a checkpoint has been written.
    written: Condvar,
    acks: Sender<Ack>,
    /// Stops the job once a checkpoint asked to stop after it has completed.
    on_stop: OnceLock<Box<dyn Fn() + Send + Sync>>,
}

/// How often the coordinator looks at the clock when nothing arrives.
const TICK: Duration = Duration::from_millis(20);

impl Coordinator {
    /// The coordinator, and the receiving end its thread ([`Coordinator::run`]) reads.
    pub fn new(setup: CoordinatorSetup) -> (Arc<Coordinator>, Receiver<Ack>) {
        let next_id = storage::highest_id(&setup.dir).max(setup.restored.unwrap_or(0)) + 1;
        let (acks, rx) = unbounded();
        let coordinator = Coordinator {
            completed: AtomicU64::new(setup.restored.unwrap_or(0)),
            setup,
            requested: AtomicU64::new(0),
            stop_barrier: AtomicU64::new(0),
            inner: Mutex::new(Inner {
                next_id,
                ..Inner::default()
            }),
            written: Condvar::new(),
            acks,
            on_stop: OnceLock::new(),
        };
        (Arc::new(coordinator), rx)
    }

    pub fn set_on_stop(&self, stop: Box<dyn Fn() + Send + Sync>) {
        let _ = self.on_stop.set(stop);
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.setup.dir
    }

    /// The checkpoint the job started from, if any.
    pub fn restored(&self) -> Option<u64> {
        self.setup.restored
    }

    pub fn interval(&self) -> Option<Duration> {
        self.setup.interval
    }

    /// Where tasks send their acknowledgements.
    pub fn acks(&self) -> Sender<Ack> {
        self.acks.clone()
    }

    /// The checkpoint a source that has injected up to `last` should inject now.
    #[inline]
    pub fn barrier_due(&self, last: u64) -> Option<u64> {
        let id = self.requested.load(Ordering::Acquire);
        (id > last).then_some(id)
    }

    /// Whether a source that has injected up to `last` holds its rows back: it has passed
    /// the barrier of the checkpoint a stop waits for. Should that checkpoint fail, it goes
    /// on.
    #[inline]
    pub fn holds_sources(&self, last: u64) -> bool {
        let stop = self.stop_barrier.load(Ordering::Acquire);
        stop != 0 && last >= stop
    }

    /// The newest completed checkpoint (or the one restored); 0 for none.
    #[inline]
    pub fn completed(&self) -> u64 {
        self.completed.load(Ordering::Acquire)
    }

    /// Checkpoints so far, oldest first, with the one in flight.
    pub fn history(&self) -> Vec<CheckpointStats> {
        let inner = self.inner.lock().unwrap();
        let mut history = inner.history.clone();
        history.extend(inner.being_written.clone());
        if let Some(p) = &inner.pending {
            let tasks = inner.attempt.map_or(0, |(_, t)| t);
            history.push(in_progress(p, &inner.finished, tasks));
            // One asked for meanwhile has its number already: it follows this one.
            if inner.queued.is_some() {
                let mut next = in_progress(p, &HashMap::new(), tasks);
                next.id = p.id + 1;
                next.manual = true;
                next.acknowledged = (0, tasks);
                next.size = 0;
                next.alignment = Duration::ZERO;
                next.duration = Duration::ZERO;
                history.push(next);
            }
        }
        history
    }

    /// Takes a checkpoint now; with `stop_after`, the job stops once it has completed.
    /// Returns its number. One in flight already: this one follows it.
    pub fn trigger(&self, stop_after: bool) -> Result<u64, String> {
        let mut inner = self.inner.lock().unwrap();
        if inner.ended {
            return Err("the job has ended".into());
        }
        if inner.stopping {
            return Err("the job is stopping".into());
        }
        if inner.attempt.is_none() {
            return Err("the job is restarting; try again once it runs".into());
        }
        if let Some(p) = &inner.pending {
            let id = p.id + 1;
            if let Some(queued) = &mut inner.queued {
                *queued |= stop_after;
            } else {
                inner.queued = Some(stop_after);
            }
            return Ok(id);
        }
        Ok(self.start(&mut inner, true, stop_after))
    }

    fn start(&self, inner: &mut Inner, manual: bool, stop_after: bool) -> u64 {
        let id = inner.next_id;
        inner.next_id += 1;
        inner.pending = Some(Pending {
            id,
            manual,
            stop_after,
            triggered: Instant::now(),
            triggered_at: SystemTime::now(),
            acks: HashMap::new(),
        });
        if stop_after {
            self.stop_barrier.store(id, Ordering::Release);
        }
        self.requested.store(id, Ordering::Release);
        id
    }

    /// A new attempt of `tasks` tasks runs: a checkpoint of the last one cannot complete.
    pub fn attempt_started(&self, attempt: u32, tasks: usize) {
        let inner = self.inner.lock().unwrap();
        let mut inner = self.written.wait_while(inner, |i| i.writing).unwrap();
        self.fail_pending(&mut inner, "the job restarted before it completed".into());
        inner.attempt = Some((attempt, tasks));
        inner.finished.clear();
        self.requested.store(0, Ordering::Release);
    }

    /// The attempt has ended (finished, stopped or failed).
    pub fn attempt_ended(&self, last: bool) {
        let inner = self.inner.lock().unwrap();
        let mut inner = self.written.wait_while(inner, |i| i.writing).unwrap();
        self.fail_pending(&mut inner, "the job ended before it completed".into());
        inner.attempt = None;
        inner.queued = None;
        inner.ended |= last;
    }

    fn fail_pending(&self, inner: &mut Inner, reason: String) {
        if let Some(p) = inner.pending.take() {
            if p.stop_after {
                self.stop_barrier.store(0, Ordering::Release);
            }
            let tasks = inner.attempt.map_or(0, |(_, t)| t);
            let mut stats = in_progress(&p, &inner.finished, tasks);
            stats.status = CheckpointStatus::Failed(reason);
            stats.duration = p.triggered.elapsed();
            inner.history.push(stats);
        }
    }

    /// The coordinator's thread: until the job has ended.
    pub fn run(self: Arc<Self>, acks: Receiver<Ack>) {
        let mut last_trigger = Instant::now();
        loop {
            match acks.recv_timeout(TICK) {
                Ok(ack) => self.receive(ack),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if self.inner.lock().unwrap().ended {
                return;
            }
            self.expire();
            if let Some(interval) = self.setup.interval
                && last_trigger.elapsed() >= interval
            {
                let mut inner = self.inner.lock().unwrap();
                if inner.attempt.is_some()
                    && inner.pending.is_none()
                    && !inner.ended
                    && !inner.stopping
                {
                    self.start(&mut inner, false, false);
                    last_trigger = Instant::now();
                }
            }
        }
    }

    fn receive(&self, ack: Ack) {
        let mut inner = self.inner.lock().unwrap();
        let running = inner.attempt.map(|(a, _)| a);
        match ack {
            Ack::Barrier {
                attempt,
                task,
                id,
                states,
            } => {
                if Some(attempt) == running
                    && let Some(p) = inner.pending.as_mut().filter(|p| p.id == id)
                {
                    p.acks.insert(task, states);
                }
            }
            Ack::Finished {
                attempt,
                task,
                states,
            } => {
                if Some(attempt) == running {
                    inner.finished.insert(task, states);
                }
            }
            Ack::Declined {
                attempt,
                id,
                reason,
            } => {
                if Some(attempt) == running && inner.pending.as_ref().is_some_and(|p| p.id == id) {
                    self.fail_pending(&mut inner, reason);
                    self.start_queued(&mut inner);
                }
            }
        }
        self.complete_if_acknowledged(inner);
    }

    fn start_queued(&self, inner: &mut Inner) {
        if let Some(stop_after) = inner.queued.take()
            && inner.attempt.is_some()
            && !inner.stopping
        {
            self.start(inner, true, stop_after);
        }
    }

    fn expire(&self) {
        let mut inner = self.inner.lock().unwrap();
        let Some(p) = &inner.pending else { return };
        if p.triggered.elapsed() < self.setup.timeout {
            return;
        }
        let tasks = inner.attempt.map_or(0, |(_, t)| t);
        let (acked, _) = in_progress(p, &inner.finished, tasks).acknowledged;
        let reason = format!(
            "expired after {} ms with {acked} of {tasks} tasks acknowledged",
            self.setup.timeout.as_millis()
        );
        self.fail_pending(&mut inner, reason);
        self.start_queued(&mut inner);
    }

    fn complete_if_acknowledged(&self, mut inner: std::sync::MutexGuard<'_, Inner>) {
        let Some((_, tasks)) = inner.attempt else {
            return;
        };
        let Some(p) = &inner.pending else { return };
        let done = (0..tasks).all(|t| p.acks.contains_key(&t) || inner.finished.contains_key(&t));
        if !done {
            return;
        }
        let mut p = inner.pending.take().expect("pending");
        let being = in_progress(&p, &inner.finished, tasks);
        let all: Vec<TaskStates> = (0..tasks)
            .map(|t| {
                p.acks
                    .remove(&t)
                    .or_else(|| inner.finished.get(&t).cloned())
                    .expect("acknowledged")
            })
            .collect();
        // Written with the lock released: the job and the monitor go on meanwhile.
        inner.being_written = Some(being);
        inner.writing = true;
        drop(inner);
        let stats = self.write(&p, all);
        let mut inner = self.inner.lock().unwrap();
        inner.writing = false;
        inner.being_written = None;
        self.written.notify_all();
        let completed = stats.status == CheckpointStatus::Completed;
        inner.history.push(stats);
        let stop_now = completed && p.stop_after;
        if p.stop_after && !completed {
            self.stop_barrier.store(0, Ordering::Release);
        }
        if completed {
            self.completed.store(p.id, Ordering::Release);
            storage::retain(&self.setup.dir, self.setup.retain);
        }
        if stop_now {
            // Nothing after the final checkpoint: the stop follows at once.
            inner.stopping = true;
            inner.queued = None;
        }
        self.start_queued(&mut inner);
        drop(inner);
        if stop_now && let Some(stop) = self.on_stop.get() {
            stop();
        }
    }

    /// The job is stopping: a checkpoint in flight cannot complete (its sources stop short of
    /// its barrier), and no new one starts.
    pub fn job_stopping(&self) {
        let inner = self.inner.lock().unwrap();
        let mut inner = self.written.wait_while(inner, |i| i.writing).unwrap();
        inner.stopping = true;
        inner.queued = None;
        self.fail_pending(&mut inner, "the job was stopped before it completed".into());
    }

    fn write(&self, p: &Pending, all: Vec<TaskStates>) -> CheckpointStats {
        let tasks = all.len();
        let alignment = all.iter().map(|t| t.alignment).max().unwrap_or_default();
        let mut states = Vec::new();
        let mut sources = Vec::new();
        for task in all {
            states.extend(task.states);
            sources.extend(task.sources);
        }
        let size = states.iter().map(|s| s.bytes.len() as u64).sum();
        let triggered_ms = p
            .triggered_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let mut metadata = CheckpointMetadata {
            format: 1,
            id: p.id,
            job: self.setup.job.clone(),
            pipeline_hash: self.setup.pipeline_hash.clone(),
            triggered_at_ms: triggered_ms,
            triggered_at: crate::types::format_timestamp(triggered_ms),
            duration_ms: 0,
            alignment_ms: alignment.as_millis() as u64,
            nodes: self.setup.nodes.clone(),
            files: Vec::new(),
            sources: sources.clone(),
        };
        // The duration covers writing all but the metadata itself.
        metadata.duration_ms = p.triggered.elapsed().as_millis() as u64;
        let written = storage::write(&self.setup.dir, &mut metadata, &states);
        CheckpointStats {
            id: p.id,
            status: match &written {
                Ok(_) => CheckpointStatus::Completed,
                Err(e) => CheckpointStatus::Failed(e.clone()),
            },
            manual: p.manual,
            triggered_at: p.triggered_at,
            duration: p.triggered.elapsed(),
            alignment,
            size,
            acknowledged: (tasks, tasks),
            sources: sources
                .into_iter()
                .map(|s| (s.node, s.subtask, s.position))
                .collect(),
            path: written.ok(),
        }
    }
}

fn in_progress(
    p: &Pending,
    finished: &HashMap<usize, TaskStates>,
    tasks: usize,
) -> CheckpointStats {
    let acked = (0..tasks)
        .filter(|t| p.acks.contains_key(t) || finished.contains_key(t))
        .count();
    CheckpointStats {
        id: p.id,
        status: CheckpointStatus::InProgress,
        manual: p.manual,
        triggered_at: p.triggered_at,
        duration: p.triggered.elapsed(),
        alignment: p
            .acks
            .values()
            .map(|t| t.alignment)
            .max()
            .unwrap_or_default(),
        size: p
            .acks
            .values()
            .flat_map(|t| &t.states)
            .map(|s| s.bytes.len() as u64)
            .sum(),
        acknowledged: (acked, tasks),
        sources: Vec::new(),
        path: None,
    }
}
