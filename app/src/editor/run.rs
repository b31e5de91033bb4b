//! Running the pipeline on the embedded engine, in the background: status, live counts per
//! node and the console sinks' output.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use engine::checkpoint::{CheckpointOptions, Restore};
use engine::metrics::{MetricsSnapshot, NodeMetrics, Watched};
use engine::operators::ConsoleCapture;
use engine::spec::RestartStrategy;
use engine::{JobError, JobHandle, JobMonitor, JobStatus, PipelineSpec, RunOptions};

use super::canvas::short_count;
use super::outputs::{self, OutputFile};
use super::runs::RunRecord;

/// Samples the canvas's rates are over: a second and the one before it.
const RECENT: usize = 11;

/// Console lines kept for the bottom panel; older ones scroll away.
const CONSOLE_LINES: usize = 5_000;

#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    Idle,
    Running,
    /// Stop was asked; the tasks are flushing.
    Stopping,
    Finished {
        records: u64,
        seconds: f64,
    },
    Stopped {
        records: u64,
        seconds: f64,
    },
    Failed(String),
}

impl RunState {
    /// The state in a few words, for the status bar and the run history.
    pub fn describe(&self) -> String {
        match self {
            RunState::Idle => "Ready".into(),
            RunState::Running => "Running…".into(),
            RunState::Stopping => "Stopping…".into(),
            RunState::Finished { records, seconds } => {
                format!(
                    "Finished: {} records in {seconds:.1} s",
                    short_count(*records)
                )
            }
            RunState::Stopped { records, seconds } => {
                format!(
                    "Stopped: {} records in {seconds:.1} s",
                    short_count(*records)
                )
            }
            RunState::Failed(message) => format!("Failed: {message}"),
        }
    }
}

pub struct Runner {
    job: Option<JobHandle>,
    console: Arc<ConsoleCapture>,
    lines: Vec<String>,
    lines_total: u64,
    pub state: RunState,
    /// Counts by node id, live while running and kept after.
    pub metrics: HashMap<String, NodeMetrics>,
    /// The node the run failed on, and why.
    pub error: Option<(String, String)>,
    /// The run's pipeline name and its file sinks' files, by node id.
    pipeline: String,
    sinks: Vec<(String, PathBuf)>,
    /// The run that just ended, until the window files it in the history.
    ended: Option<RunRecord>,
    /// The run's metric samples, kept after it ends so its charts stay readable.
    pub watched: Option<Arc<Watched>>,
    /// The newest of them, over about the last second, oldest first.
    pub recent: Vec<Arc<MetricsSnapshot>>,
    /// The job, for its samples and checkpoints while its outcome is shown.
    pub job_monitor: Option<JobMonitor>,
    /// The last job that took checkpoints: its history stays readable (and restorable)
    /// after it ends, and after the pipeline is edited.
    pub checkpointed: Option<JobMonitor>,
    /// Where this window keeps its runs' checkpoints (per pipeline below it).
    checkpoint_root: Option<PathBuf>,
    /// The final checkpoint a stop waits for; if it fails, the job runs on.
    savepoint: Option<u64>,
    /// Something the user should know about the run that is not its state.
    pub notice: Option<String>,
}

impl Default for Runner {
    fn default() -> Self {
        Runner {
            job: None,
            console: Arc::new(ConsoleCapture::new(CONSOLE_LINES)),
            lines: Vec::new(),
            lines_total: 0,
            state: RunState::Idle,
            metrics: HashMap::new(),
            error: None,
            pipeline: String::new(),
            sinks: Vec::new(),
            ended: None,
            watched: None,
            recent: Vec::new(),
            job_monitor: None,
            checkpointed: None,
            checkpoint_root: outputs::user_checkpoint_root(),
            savepoint: None,
            notice: None,
        }
    }
}

impl Runner {
    /// Keeps this window's runs' checkpoints below `root` (tests keep them apart).
    pub fn set_checkpoint_root(&mut self, root: PathBuf) {
        self.checkpoint_root = Some(root);
    }

    pub fn is_active(&self) -> bool {
        self.job.is_some()
    }

    /// Starts `spec`; relative paths resolve against `base_dir`. A pipeline that cannot start
    /// (invalid, a missing input file) leaves the reason in `state` and on its node.
    /// `restore` is a checkpoint to start from, and whether to start the nodes whose state
    /// it cannot map empty.
    pub fn start(
        &mut self,
        spec: &PipelineSpec,
        base_dir: PathBuf,
        restore: Option<(Restore, bool)>,
    ) {
        if self.job.is_some() {
            return;
        }
        let checkpoint_root = self.checkpoint_root.take();
        let checkpointed = self.checkpointed.take();
        *self = Runner::default();
        self.checkpoint_root = checkpoint_root;
        self.checkpointed = checkpointed;
        self.pipeline = spec.name.clone();
        self.sinks = outputs::sink_files(spec, &base_dir);
        let missing = engine::validate::check_files(spec, &base_dir);
        if let Some(problem) = missing.first() {
            self.fail_on(problem.node.clone(), problem.message.clone());
            return;
        }
        // A job takes checkpoints when its settings ask for them, or to start from one.
        let wants = spec.job.checkpoint_interval_ms.is_some()
            || spec.job.restart != RestartStrategy::None
            || restore.is_some();
        let checkpoints = match (&self.checkpoint_root, wants) {
            (Some(root), true) => {
                let drop_unmapped = restore.as_ref().is_some_and(|(_, drop)| *drop);
                Some(CheckpointOptions {
                    dir: outputs::folder_for(root, &spec.name),
                    interval: None,
                    restore: restore.map(|(r, _)| r),
                    drop_unmapped,
                })
            }
            _ => None,
        };
        let options = RunOptions {
            base_dir,
            console: self.console.clone(),
            checkpoints,
            ..RunOptions::default()
        };
        match JobHandle::start(spec, options) {
            Ok(job) => {
                self.watched = Some(job.watched());
                self.job_monitor = Some(job.monitor());
                if job.checkpoint_settings().is_some() {
                    self.checkpointed = Some(job.monitor());
                }
                self.job = Some(job);
                self.state = RunState::Running;
            }
            Err(JobError::Invalid(problems)) => {
                let count = problems.iter().filter(|p| p.is_error()).count();
                let first = problems.iter().find(|p| p.is_error());
                if let Some(p) = first {
                    self.error = p.node.clone().map(|n| (n, p.message.clone()));
                }
                self.end(RunState::Failed(format!(
                    "cannot run: {count} problem{} (see Problems)",
                    if count == 1 { "" } else { "s" }
                )));
            }
            Err(JobError::Failed { node, message }) => self.fail_on(Some(node), message),
            Err(e @ JobError::Start(_)) => self.fail_on(None, e.to_string()),
        }
    }

    fn fail_on(&mut self, node: Option<String>, message: String) {
        let state = RunState::Failed(match &node {
            Some(n) => format!("`{n}`: {message}"),
            None => message.clone(),
        });
        self.error = node.map(|n| (n, message));
        self.end(state);
    }

    /// Ends the run in `state` and notes it for the history.
    fn end(&mut self, state: RunState) {
        let outputs = if matches!(state, RunState::Failed(_)) {
            Vec::new() // a failed run commits no file: the previous ones stay
        } else {
            self.outputs()
        };
        self.ended = Some(RunRecord {
            number: 0,
            pipeline: self.pipeline.clone(),
            state: state.clone(),
            outputs,
        });
        self.state = state;
    }

    /// The run that ended since the last call, once.
    pub fn take_ended(&mut self) -> Option<RunRecord> {
        self.ended.take()
    }

    /// The files the file sinks write (or wrote), with the rows each took in so far.
    pub fn outputs(&self) -> Vec<OutputFile> {
        self.sinks
            .iter()
            .map(|(node, path)| OutputFile {
                node: node.clone(),
                path: path.clone(),
                rows: self.metrics.get(node).map_or(0, |m| m.records_in),
            })
            .collect()
    }

    /// Forgets the last run's outcome (its state, error, counts and files): the pipeline
    /// changed, so they describe a graph that is no longer there. The history keeps them.
    pub fn clear_outcome(&mut self) {
        if self.job.is_none() {
            self.state = RunState::Idle;
            self.error = None;
            self.metrics.clear();
            self.sinks.clear();
            self.watched = None;
            self.recent.clear();
            self.job_monitor = None;
        }
    }

    /// Holds the job's sources (`true`) or lets them go on.
    pub fn set_paused(&mut self, paused: bool) {
        if let Some(job) = &self.job {
            if paused {
                job.pause();
            } else {
                job.resume();
            }
        }
    }

    pub fn is_paused(&self) -> bool {
        self.job.as_ref().is_some_and(|j| j.is_paused())
    }

    /// The running job's peek at output `port` of node `id`.
    pub fn peek(&self, id: &str, port: usize) -> Option<Arc<engine::runtime::Peek>> {
        self.job.as_ref()?.peek(id, port)
    }

    /// Lets `rows` more rows in while paused.
    pub fn step(&mut self, rows: u64) {
        if let Some(job) = &self.job {
            job.step(rows);
        }
    }

    pub fn stop(&mut self) {
        if let Some(job) = &self.job {
            job.stop();
            self.state = RunState::Stopping;
        }
    }

    /// Whether the running job takes checkpoints.
    pub fn takes_checkpoints(&self) -> bool {
        self.job
            .as_ref()
            .is_some_and(|j| j.checkpoint_settings().is_some())
    }

    /// Stops the job once a final checkpoint has completed; says why not if it cannot.
    pub fn stop_with_checkpoint(&mut self) -> Result<u64, String> {
        let job = self.job.as_ref().ok_or("no job runs")?;
        let id = job.stop_with_checkpoint()?;
        self.state = RunState::Stopping;
        self.savepoint = Some(id);
        Ok(id)
    }

    /// Restarts after failures so far, and whether the job is restarting now.
    pub fn restarts(&self) -> (u32, bool) {
        self.job_monitor.as_ref().map_or((0, false), |m| {
            (m.restarts(), m.status() == JobStatus::Restarting)
        })
    }

    /// Reads counts and console lines; ends the run when its tasks are done.
    pub fn poll(&mut self) {
        let Some(job) = &self.job else {
            return;
        };
        self.metrics = job
            .metrics()
            .into_iter()
            .map(|m| (m.id.clone(), m))
            .collect();
        self.recent = job.watched().last(RECENT);
        if self.console.total() != self.lines_total {
            (self.lines, self.lines_total) = self.console.lines_and_total();
        }
        if let Some(id) = self.savepoint {
            let failed = job
                .checkpoints()
                .into_iter()
                .find(|c| c.id == id)
                .and_then(|c| match c.status {
                    engine::checkpoint::CheckpointStatus::Failed(why) => Some(why),
                    _ => None,
                });
            if let Some(why) = failed {
                self.savepoint = None;
                self.state = RunState::Running;
                self.error = None;
                self.notice = Some(format!(
                    "The final checkpoint {id} failed, so the job runs on: {why}"
                ));
            }
        }
        if !job.is_finished() {
            return;
        }
        let job = self.job.take().expect("checked above");
        let state = match job.wait() {
            Ok(summary) => {
                let records = summary.records_in;
                let seconds = summary.elapsed.as_secs_f64();
                self.metrics = summary
                    .nodes
                    .into_iter()
                    .map(|m| (m.id.clone(), m))
                    .collect();
                if summary.stopped {
                    RunState::Stopped { records, seconds }
                } else {
                    RunState::Finished { records, seconds }
                }
            }
            Err(JobError::Failed { node, message }) => {
                self.error = Some((node.clone(), message.clone()));
                RunState::Failed(format!("`{node}`: {message}"))
            }
            Err(e) => RunState::Failed(e.to_string()),
        };
        (self.lines, self.lines_total) = self.console.lines_and_total();
        // The sampler's last sample, with the final counts, is in once `wait` returns.
        self.recent = self.watched.as_ref().map_or(Vec::new(), |w| w.last(RECENT));
        self.end(state);
    }

    pub fn console_lines(&self) -> &[String] {
        &self.lines
    }

    /// Lines printed in all, including those no longer kept.
    pub fn console_total(&self) -> u64 {
        self.lines_total
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            job.stop();
            let _ = job.wait();
        }
    }
}
