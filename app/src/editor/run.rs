//! Running the pipeline on the embedded engine, in the background: status, live counts per
//! node and the console sinks' output.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use engine::metrics::NodeMetrics;
use engine::operators::ConsoleCapture;
use engine::{JobError, JobHandle, PipelineSpec, RunOptions};

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
        }
    }
}

impl Runner {
    pub fn is_active(&self) -> bool {
        self.job.is_some()
    }

    /// Starts `spec`; relative paths resolve against `base_dir`. A pipeline that cannot start
    /// (invalid, a missing input file) leaves the reason in `state` and on its node.
    pub fn start(&mut self, spec: &PipelineSpec, base_dir: PathBuf) {
        if self.job.is_some() {
            return;
        }
        *self = Runner::default();
        let missing = engine::validate::check_files(spec, &base_dir);
        if let Some(problem) = missing.first() {
            self.fail_on(problem.node.clone(), problem.message.clone());
            return;
        }
        let options = RunOptions {
            base_dir,
            console: self.console.clone(),
        };
        match JobHandle::start(spec, options) {
            Ok(job) => {
                self.job = Some(job);
                self.state = RunState::Running;
            }
            Err(JobError::Invalid(problems)) => {
                let count = problems.iter().filter(|p| p.is_error()).count();
                let first = problems.iter().find(|p| p.is_error());
                self.state = RunState::Failed(format!(
                    "cannot run: {count} problem{} (see Problems)",
                    if count == 1 { "" } else { "s" }
                ));
                if let Some(p) = first {
                    self.error = p.node.clone().map(|n| (n, p.message.clone()));
                }
            }
            Err(JobError::Failed { node, message }) => self.fail_on(Some(node), message),
            Err(e @ JobError::Start(_)) => self.fail_on(None, e.to_string()),
        }
    }

    fn fail_on(&mut self, node: Option<String>, message: String) {
        self.state = RunState::Failed(match &node {
            Some(n) => format!("`{n}`: {message}"),
            None => message.clone(),
        });
        self.error = node.map(|n| (n, message));
    }

    pub fn stop(&mut self) {
        if let Some(job) = &self.job {
            job.stop();
            self.state = RunState::Stopping;
        }
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
        let total = self.console.total();
        if total != self.lines_total {
            self.lines = self.console.lines();
            self.lines_total = total;
        }
        if !job.is_finished() {
            return;
        }
        let job = self.job.take().expect("checked above");
        self.state = match job.wait() {
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
        self.lines = self.console.lines();
        self.lines_total = self.console.total();
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
