//! What a failure did to a job's output: the lesson's pipeline runs once without its injected
//! failure (the reference) and once as it is, with its checkpoints and restarts, and the
//! rows its file sink committed are compared with the reference's, as multisets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use engine::checkpoint::{CheckpointOptions, CheckpointStatus};
use engine::operators::ConsoleCapture;
use engine::spec::{NodeKind, RestartStrategy};
use engine::{JobHandle, PipelineSpec, RunOptions};

/// The two runs going on in the background, and what they gave once done.
pub struct RecoveryRun {
    /// The pipeline run, to tell whether the canvas has changed since.
    pub spec: PipelineSpec,
    run: super::run::Background<RecoveryOutcome>,
}

impl RecoveryRun {
    pub fn start(spec: PipelineSpec, base_dir: PathBuf, sink: String) -> Self {
        let to_run = spec.clone();
        let run = super::run::Background::start("lesson recovery", move || {
            run_recovery(&to_run, &base_dir, &sink)
        });
        RecoveryRun { spec, run }
    }

    pub fn poll(&mut self) -> bool {
        self.run.poll()
    }

    pub fn is_running(&self) -> bool {
        self.run.is_running()
    }

    pub fn outcome(&self) -> Option<&Result<RecoveryOutcome, String>> {
        self.run.outcome.as_ref()
    }
}

/// One run's output against the reference's.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryOutcome {
    /// Rows of the run without a failure.
    pub reference: usize,
    /// Rows the sink's file holds after this run.
    pub written: usize,
    /// Reference rows the file lacks.
    pub missing: usize,
    /// Rows the file holds more often than the reference does.
    pub duplicated: usize,
    pub restarts: u32,
    pub checkpoints_completed: usize,
    /// Why each attempt failed, in order.
    pub failures: Vec<String>,
    /// Why the job gave up, if it did.
    pub failed: Option<String>,
}

/// Runs `spec` twice as the module says; `sink` names its file sink.
pub fn run_recovery(
    spec: &PipelineSpec,
    base_dir: &Path,
    sink: &str,
) -> Result<RecoveryOutcome, String> {
    let mut reference = spec.clone();
    reference.job.inject_failure = None;
    reference.job.restart = RestartStrategy::None;
    let (expected, ..) = run_once(&reference, base_dir, sink)?;
    if let Some(failed) = expected.1 {
        return Err(format!(
            "the pipeline fails even without its failure: {failed}"
        ));
    }
    let ((written, failed), restarts, checkpoints_completed, failures) =
        run_once(spec, base_dir, sink)?;
    let (missing, duplicated) = compare(&expected.0, &written);
    Ok(RecoveryOutcome {
        reference: expected.0.len(),
        written: written.len(),
        missing,
        duplicated,
        restarts,
        checkpoints_completed,
        failures,
        failed,
    })
}

/// The rows of `sink`'s file, and why the job failed if it did; restarts, completed
/// checkpoints and each attempt's failure.
type Ran = ((Vec<String>, Option<String>), u32, usize, Vec<String>);

fn run_once(spec: &PipelineSpec, base_dir: &Path, sink: &str) -> Result<Ran, String> {
    let folder = Scratch::new();
    let mut spec = spec.clone();
    let mut file = None;
    // Sinks write into a folder of the run's own, never among the lesson's files.
    for node in &mut spec.nodes {
        if let NodeKind::FileSink(c) = &mut node.kind {
            let name = Path::new(&c.path)
                .file_name()
                .map_or_else(|| node.id.clone().into(), |n| n.to_owned());
            let path = folder
                .0
                .join(format!("{}-{}", node.id, name.to_string_lossy()));
            c.path = path.to_string_lossy().into_owned();
            if node.id == sink {
                file = Some(path);
            }
        }
    }
    let file = file.ok_or_else(|| format!("\"{sink}\" is not a file sink"))?;
    let checkpoints = spec
        .job
        .checkpoint_interval_ms
        .is_some()
        .then(|| CheckpointOptions {
            dir: folder.0.join("checkpoints"),
            interval: None,
            restore: None,
            drop_unmapped: false,
        });
    let options = RunOptions {
        base_dir: base_dir.to_path_buf(),
        console: Arc::new(ConsoleCapture::new(100)),
        checkpoints,
        ..RunOptions::default()
    };
    let job = JobHandle::start(&spec, options).map_err(|e| e.to_string())?;
    let monitor = job.monitor();
    let outcome = job.wait();
    let restarts = monitor.restarts();
    let completed = monitor
        .checkpoints()
        .iter()
        .filter(|c| c.status == CheckpointStatus::Completed)
        .count();
    let failures = monitor
        .failures()
        .into_iter()
        .map(|(_, e)| e.to_string())
        .collect();
    let rows = match std::fs::read_to_string(&file) {
        Ok(text) => text.lines().skip(1).map(str::to_string).collect(),
        Err(_) => Vec::new(),
    };
    Ok((
        (rows, outcome.err().map(|e| e.to_string())),
        restarts,
        completed,
        failures,
    ))
}

/// Reference rows missing from `written`, and rows `written` has beyond the reference's.
fn compare(reference: &[String], written: &[String]) -> (usize, usize) {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for row in reference {
        *counts.entry(row).or_default() += 1;
    }
    for row in written {
        *counts.entry(row).or_default() -= 1;
    }
    let missing = counts.values().filter(|c| **c > 0).sum::<i64>() as usize;
    let duplicated = counts.values().filter(|c| **c < 0).map(|c| -c).sum::<i64>() as usize;
    (missing, duplicated)
}

/// A folder of one run's own, removed after it.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "streamlab-recovery-{}-{}",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::create_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::compare;

    #[test]
    fn rows_are_compared_as_multisets() {
        let rows = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            compare(&rows(&["a", "b", "b"]), &rows(&["b", "a", "b"])),
            (0, 0)
        );
        assert_eq!(compare(&rows(&["a", "b", "b"]), &rows(&["a", "b"])), (1, 0));
        assert_eq!(
            compare(&rows(&["a", "b"]), &rows(&["a", "a", "b", "c"])),
            (0, 2)
        );
    }
}
