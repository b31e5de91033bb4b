//! Runs a lesson's pipeline with a trace, off the window's thread, and reads the timeline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use engine::operators::ConsoleCapture;
use engine::{JobHandle, PipelineSpec, RunOptions};

use super::timeline::{self, Timeline};

/// What a traced run gives: the timeline of the window asked for, and the console's lines.
#[derive(Clone, Debug)]
pub struct TracedOutcome {
    pub timeline: Timeline,
    pub console: Vec<String>,
    /// Each node's counts, for the canvas.
    pub metrics: std::collections::HashMap<String, engine::metrics::NodeMetrics>,
}

/// Runs `spec` to its end with a trace, reading relative paths against `base_dir`, and reads
/// the timeline of `window` fed by `source`. The pipeline must be bounded: lessons are.
pub fn run_traced(
    spec: &PipelineSpec,
    base_dir: &Path,
    source: &str,
    window: &str,
) -> Result<TracedOutcome, String> {
    if let Some(node) = spec.unbounded_source() {
        return Err(format!(
            "\"{}\" never ends: the timeline needs a bounded input",
            node.id
        ));
    }
    let analysis = engine::validate::analyze(spec);
    if let Some(problem) = analysis.errors().next() {
        return Err(problem.to_string());
    }
    let console = Arc::new(ConsoleCapture::new(1000));
    let options = RunOptions {
        base_dir: base_dir.to_path_buf(),
        console: console.clone(),
        trace: true,
        ..RunOptions::default()
    };
    let job = JobHandle::start(spec, options).map_err(|e| e.to_string())?;
    let trace = job.trace().expect("a traced run keeps a trace");
    let summary = job.wait().map_err(|e| e.to_string())?;
    if trace.is_cut_short() {
        return Err(format!(
            "the input is too large for the timeline (more than {} rows)",
            engine::runtime::TRACE_ROWS
        ));
    }
    let timeline = timeline::read(spec, &analysis, source, window, &trace)?;
    Ok(TracedOutcome {
        timeline,
        console: console.lines(),
        metrics: summary
            .nodes
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect(),
    })
}

/// Work on a thread of its own, and what it gave once done.
pub struct Background<T> {
    receiver: Option<Receiver<Result<T, String>>>,
    pub outcome: Option<Result<T, String>>,
}

impl<T: Send + 'static> Background<T> {
    pub fn start(name: &str, work: impl FnOnce() -> Result<T, String> + Send + 'static) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _ = sender.send(work());
            });
        match spawned {
            Ok(_) => Background {
                receiver: Some(receiver),
                outcome: None,
            },
            Err(e) => Background {
                receiver: None,
                outcome: Some(Err(format!("cannot start the run: {e}"))),
            },
        }
    }

    /// Takes the outcome when the work has ended; true when it just arrived.
    pub fn poll(&mut self) -> bool {
        let Some(receiver) = &self.receiver else {
            return false;
        };
        match receiver.try_recv() {
            Ok(outcome) => self.outcome = Some(outcome),
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => {
                self.outcome = Some(Err("the run ended without a result".into()))
            }
        }
        self.receiver = None;
        true
    }

    pub fn is_running(&self) -> bool {
        self.receiver.is_some()
    }
}

/// A traced run going on in the background, and what it gave once done.
pub struct TracedRun {
    /// The pipeline it runs, to tell whether the canvas has changed since.
    pub spec: PipelineSpec,
    pub source: String,
    pub window: String,
    run: Background<TracedOutcome>,
}

impl TracedRun {
    pub fn start(spec: PipelineSpec, base_dir: PathBuf, source: String, window: String) -> Self {
        let (to_run, from, of) = (spec.clone(), source.clone(), window.clone());
        let run = Background::start("lesson run", move || {
            run_traced(&to_run, &base_dir, &from, &of)
        });
        TracedRun {
            spec,
            source,
            window,
            run,
        }
    }

    /// Takes the outcome when the run has ended; true when it just arrived.
    pub fn poll(&mut self) -> bool {
        self.run.poll()
    }

    pub fn is_running(&self) -> bool {
        self.run.is_running()
    }

    pub fn outcome(&self) -> Option<&Result<TracedOutcome, String>> {
        self.run.outcome.as_ref()
    }

    pub fn timeline(&self) -> Option<&Timeline> {
        self.outcome()?.as_ref().ok().map(|o| &o.timeline)
    }
}
