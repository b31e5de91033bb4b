//! Starting a job and controlling it while it runs.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Sender, bounded};

use super::attempt::Attempt;
use super::build::{JobDefinition, build_attempt, chaos_for};
use super::plan::JobGraph;
use super::supervisor::{spawn_attempt, supervise};
use crate::checkpoint::{
    CheckpointOptions, CheckpointStats, Coordinator, CoordinatorSetup, NodeEntry, Restore,
    check_restorable, pipeline_hash, restore_plan, state_signature,
};
use crate::metrics::{
    LatencySummary, MetricsSnapshot, NodeCounters, NodeMetrics, SampledNode, Sampler, TaskCounters,
    Watched, now_ns, totals,
};
use crate::operators::{ConsoleWriter, JobReport, StdoutConsole, WrittenFile};
use crate::spec::{Category, PipelineSpec};
use crate::validate::{Problem, check_files, validate};

/// How to run a job, beyond what its pipeline says.
#[derive(Clone)]
pub struct RunOptions {
    /// Relative paths in the pipeline resolve against this folder: the pipeline file's.
    pub base_dir: PathBuf,
    /// Where console sinks print.
    pub console: Arc<dyn ConsoleWriter>,
    /// Where checkpoints go, and the one to start from; `None` takes none.
    pub checkpoints: Option<CheckpointOptions>,
    /// Keep a trace of every row and watermark (`JobHandle::trace`): for small inputs only.
    pub trace: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            base_dir: PathBuf::from("."),
            console: Arc::new(StdoutConsole::default()),
            checkpoints: None,
            trace: false,
        }
    }
}

/// Why a job did not run or did not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// The pipeline has validation errors.
    Invalid(Vec<Problem>),
    /// A node failed, while starting or while running.
    Failed { node: String, message: String },
    /// The job could not start: the system refused a resource (a thread).
    Start(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Invalid(problems) => {
                let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            JobError::Failed { node, message } => {
                write!(f, "node `{}`: {message}", crate::spec::quote_id(node))
            }
            JobError::Start(message) => write!(f, "cannot start the job: {message}"),
        }
    }
}

impl std::error::Error for JobError {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobStatus {
    Running,
    /// A task failed and the job is starting again from its last checkpoint.
    Restarting,
    /// Every source was drained and every task finished.
    Finished,
    /// Stopped on request; sinks were flushed.
    Stopped,
    Failed(JobError),
}

/// The outcome of a job that ended without failing.
#[derive(Clone, Debug)]
pub struct JobSummary {
    /// Rows produced by sources.
    pub records_in: u64,
    /// Rows taken in by sinks.
    pub records_out: u64,
    pub elapsed: Duration,
    pub stopped: bool,
    pub nodes: Vec<NodeMetrics>,
    /// The files sinks wrote, and where.
    pub files: Vec<WrittenFile>,
    /// End-to-end latency over the run, of all sinks together; `None` if no row reached one.
    pub latency: Option<LatencySummary>,
    /// Restarts after failures.
    pub restarts: u32,
}

/// A node's id, category and the counters of each of its instances.
type NodeCounterSet = (String, Category, Vec<Arc<NodeCounters>>);

/// State the tasks, the supervisor and the handle share, across attempts.
pub struct JobShared {
    /// The user asked the job to stop.
    stop: AtomicBool,
    /// How the input ended, and the files written; shared with the operators.
    report: Arc<JobReport>,
    /// Why the job failed, once it has given up.
    failure: Mutex<Option<JobError>>,
    /// Every failure of an attempt, with when it happened.
    failures: Mutex<Vec<(SystemTime, JobError)>>,
    /// The attempt running, if one is.
    current: Mutex<Option<Arc<Attempt>>>,
    restarts: AtomicU32,
    restarting: AtomicBool,
    finished: AtomicBool,
    started: Instant,
    /// The wall clock at the start.
    started_at: SystemTime,
    ended: Mutex<Option<Instant>>,
    counters: Vec<NodeCounterSet>,
    position: HashMap<String, usize>,
    task_counters: Vec<Vec<Arc<TaskCounters>>>,
    /// Samples of the counters, for anyone watching.
    watched: Arc<Watched>,
    /// Dropped when the job ends, which tells the sampler to take its last sample.
    sampler_alive: Mutex<Option<Sender<()>>>,
    /// Holds the sources back, or lets a number of rows through.
    pause: super::PauseControl,
    /// Each node's peeks, one per output port, shared by its instances.
    peeks: Vec<(String, Vec<Arc<super::Peek>>)>,
    coordinator: Option<Arc<Coordinator>>,
    trace: Option<Arc<super::Trace>>,
}

impl JobShared {
    /// The run's trace, if it keeps one.
    pub fn trace(&self) -> Option<&super::Trace> {
        self.trace.as_deref()
    }

    /// Whether the user asked the job to stop.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    pub fn pause(&self) -> &super::PauseControl {
        &self.pause
    }

    pub fn report(&self) -> Arc<JobReport> {
        self.report.clone()
    }

    pub fn peeks_of(&self, id: &str) -> Vec<Arc<super::Peek>> {
        self.peeks
            .iter()
            .find(|(n, _)| n == id)
            .map_or(Vec::new(), |(_, p)| p.clone())
    }

    /// The counters of instance `instance` of node `id`; they live as long as the job, so a
    /// restarted attempt counts on.
    pub fn counters_of(&self, id: &str, instance: usize) -> Arc<NodeCounters> {
        self.counters[self.position[id]].2[instance].clone()
    }

    pub fn task_counters(&self, vertex: usize, instance: usize) -> Arc<TaskCounters> {
        self.task_counters[vertex][instance].clone()
    }

    pub fn source_stopped_early(&self) {
        self.report.source_stopped_early();
    }

    /// Stops the job: its running attempt, and any restart to come.
    pub fn request_stop(&self) {
        // First: a checkpoint being written completes before any sink sees the stop (and
        // commits it), and none starts after.
        if let Some(c) = &self.coordinator {
            c.job_stopping();
        }
        self.stop.store(true, Ordering::Release);
        if let Some(attempt) = &*self.current.lock().unwrap() {
            attempt.stop.store(true, Ordering::Release);
        }
    }

    pub(super) fn set_current(&self, attempt: Option<Arc<Attempt>>) {
        let mut current = self.current.lock().unwrap();
        if let Some(a) = &attempt
            && self.stop_requested()
        {
            a.stop.store(true, Ordering::Release);
        }
        *current = attempt;
    }

    pub(super) fn record_failure(&self, error: &JobError) {
        self.failures
            .lock()
            .unwrap()
            .push((SystemTime::now(), error.clone()));
    }

    pub(super) fn give_up(&self, error: JobError) {
        self.failure.lock().unwrap().get_or_insert(error);
    }

    pub(super) fn set_restarting(&self, restarting: bool) {
        if restarting {
            self.restarts.fetch_add(1, Ordering::AcqRel);
        }
        self.restarting.store(restarting, Ordering::Release);
    }

    pub(super) fn coordinator(&self) -> Option<&Arc<Coordinator>> {
        self.coordinator.as_ref()
    }

    /// The last attempt has ended: time stops and the sampler takes its last sample.
    pub(super) fn job_ended(&self) {
        *self.ended.lock().unwrap() = Some(Instant::now());
        self.finished.store(true, Ordering::Release);
        self.sampler_alive.lock().unwrap().take();
    }
}

/// A running (or ended) job: the one way the CLI and the designer drive the engine. It
/// reads and stops the job through its [`JobMonitor`], which others may share.
pub struct JobHandle {
    monitor: JobMonitor,
    threads: Vec<JoinHandle<()>>,
}

/// A view of a job that any thread may hold: its status, counts, samples and plan, and the
/// way to stop it (the REST server holds one).
#[derive(Clone)]
pub struct JobMonitor {
    shared: Arc<JobShared>,
    graph: Arc<JobGraph>,
}

impl std::ops::Deref for JobHandle {
    type Target = JobMonitor;

    fn deref(&self) -> &JobMonitor {
        &self.monitor
    }
}

impl JobHandle {
    /// Validates, plans and starts a pipeline. Returns once every task thread is running.
    pub fn start(spec: &PipelineSpec, options: RunOptions) -> Result<JobHandle, JobError> {
        let analysis = validate(spec).map_err(JobError::Invalid)?;
        let file_problems: Vec<Problem> = check_files(spec, &options.base_dir)
            .into_iter()
            .filter(Problem::is_error)
            .collect();
        if !file_problems.is_empty() {
            return Err(JobError::Invalid(file_problems));
        }
        let mut restore = options.checkpoints.as_ref().and_then(|c| c.restore.clone());
        if let Some(r) = &mut restore {
            let drop = options
                .checkpoints
                .as_ref()
                .is_some_and(|c| c.drop_unmapped);
            if drop {
                let plan = restore_plan(r, spec, &analysis).map_err(JobError::Start)?;
                let dropped: Vec<String> = plan.dropped.into_iter().map(|(id, _)| id).collect();
                r.drop_states_of(&dropped);
            } else {
                check_restorable(r, spec, &analysis).map_err(JobError::Start)?;
            }
        }
        let graph = JobGraph::build(spec, &analysis);
        let topology = spec.topology();
        // One set of counters per parallel instance: no instance waits on another's atomics,
        // and the node's watermark is the least of its instances'.
        let counters: Vec<NodeCounterSet> = analysis
            .order
            .iter()
            .map(|id| {
                let node = topology.node(id).expect("analysed");
                let category = node.kind.category();
                let instances = (0..topology.parallelism_of(spec, node))
                    .map(|_| {
                        Arc::new(if category == Category::Sink {
                            NodeCounters::for_sink()
                        } else {
                            NodeCounters::default()
                        })
                    })
                    .collect();
                (id.clone(), node.kind.category(), instances)
            })
            .collect();
        let position: HashMap<String, usize> = counters
            .iter()
            .enumerate()
            .map(|(i, (id, _, _))| (id.clone(), i))
            .collect();
        let task_counters: Vec<Vec<Arc<TaskCounters>>> = graph
            .vertices
            .iter()
            .map(|v| (0..v.parallelism).map(|_| Arc::default()).collect())
            .collect();
        let sampled = sampled_nodes(&counters, &graph, &task_counters);
        let (sampler_alive, sampler_ended) = bounded(0);
        let coordinator = options.checkpoints.as_ref().map(|c| {
            let interval = c
                .interval
                .or(spec.job.checkpoint_interval_ms.map(Duration::from_millis));
            let nodes = analysis
                .order
                .iter()
                .map(|id| NodeEntry {
                    id: id.clone(),
                    parallelism: topology
                        .node(id)
                        .map_or(1, |n| topology.parallelism_of(spec, n) as usize),
                    signature: state_signature(spec, &analysis, id),
                })
                .collect();
            Coordinator::new(CoordinatorSetup {
                dir: c.dir.clone(),
                interval,
                timeout: Duration::from_millis(spec.job.checkpoint_timeout_ms),
                retain: spec.job.checkpoints_retained,
                job: spec.name.clone(),
                pipeline_hash: pipeline_hash(spec),
                nodes,
                restored: restore.as_ref().map(Restore::id),
            })
        });
        if let Some(c) = &options.checkpoints {
            std::fs::create_dir_all(&c.dir).map_err(|e| {
                JobError::Start(format!(
                    "cannot make the checkpoint folder {}: {e}",
                    c.dir.display()
                ))
            })?;
        }
        // Start the metrics clock before any batch is stamped with it.
        now_ns();
        let started = Instant::now();
        let shared = Arc::new(JobShared {
            stop: AtomicBool::new(false),
            report: Arc::new(JobReport::new(spec.unbounded_source().is_none())),
            failure: Mutex::new(None),
            failures: Mutex::new(Vec::new()),
            current: Mutex::new(None),
            restarts: AtomicU32::new(0),
            restarting: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            started,
            started_at: SystemTime::now(),
            ended: Mutex::new(None),
            counters: counters.clone(),
            position,
            task_counters,
            watched: Arc::default(),
            sampler_alive: Mutex::new(Some(sampler_alive)),
            pause: Default::default(),
            peeks: spec
                .nodes
                .iter()
                .map(|n| {
                    let ports = n.kind.outputs().len().max(1);
                    (n.id.clone(), (0..ports).map(|_| Arc::default()).collect())
                })
                .collect(),
            coordinator: coordinator.as_ref().map(|(c, _)| c.clone()),
            trace: options.trace.then(|| {
                let wall = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                Arc::new(super::Trace::new(started, wall))
            }),
        });
        if let Some((c, _)) = &coordinator {
            let weak = Arc::downgrade(&shared);
            c.set_on_stop(Box::new(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.request_stop();
                }
            }));
        }
        // A restart goes back to the checkpoint as it was taken up, states dropped included.
        let mut options = options;
        if let Some(c) = &mut options.checkpoints {
            c.restore = restore.clone();
        }
        let graph = Arc::new(graph);
        let def = Arc::new(JobDefinition {
            spec: spec.clone(),
            analysis,
            graph: graph.clone(),
            options,
            coordinator: coordinator.as_ref().map(|(c, _)| c.clone()),
        });

        let attempt = Arc::new(Attempt::new(0, chaos_for(spec, 0)));
        let tasks = build_attempt(&def, &shared, &attempt, restore.as_ref())?;
        let sampler = Sampler::new(sampled, shared.watched.clone(), shared.started);
        let mut threads = Vec::new();
        threads.push(
            std::thread::Builder::new()
                .name("metrics sampler".into())
                .spawn(move || sampler.run(sampler_ended))
                .map_err(|e| {
                    JobError::Start(format!("the system refused the metrics thread ({e})"))
                })?,
        );
        if let Some((c, acks)) = coordinator {
            let spawned = std::thread::Builder::new()
                .name("checkpoints".into())
                .spawn(move || c.run(acks));
            match spawned {
                Ok(thread) => threads.push(thread),
                Err(e) => {
                    shared.job_ended();
                    return Err(JobError::Start(format!(
                        "the system refused the checkpoint thread ({e})"
                    )));
                }
            }
        }
        let running = match spawn_attempt(tasks, &shared, &attempt) {
            Ok(running) => running,
            Err(e) => {
                if let Some(c) = shared.coordinator() {
                    c.attempt_ended(true);
                }
                shared.job_ended();
                return Err(e);
            }
        };
        let supervisor_shared = shared.clone();
        let supervisor = std::thread::Builder::new()
            .name("job supervisor".into())
            .spawn(move || supervise(def, supervisor_shared, attempt, running));
        match supervisor {
            Ok(thread) => threads.push(thread),
            Err(e) => {
                shared.request_stop();
                return Err(JobError::Start(format!(
                    "the system refused the supervisor thread ({e})"
                )));
            }
        }
        Ok(JobHandle {
            monitor: JobMonitor { shared, graph },
            threads,
        })
    }

    /// A view of the job to hand to another thread.
    pub fn monitor(&self) -> JobMonitor {
        self.monitor.clone()
    }

    /// Waits for the job to end.
    pub fn wait(mut self) -> Result<JobSummary, JobError> {
        for thread in std::mem::take(&mut self.threads) {
            let _ = thread.join();
        }
        let shared = &self.monitor.shared;
        if let Some(error) = shared.failure.lock().unwrap().clone() {
            return Err(error);
        }
        let nodes = self.metrics();
        let (records_in, records_out) = totals(&nodes);
        Ok(JobSummary {
            records_in,
            records_out,
            elapsed: self.elapsed(),
            stopped: shared.report.stopped_early(),
            nodes,
            files: shared.report.files(),
            latency: shared.watched.run_latency(),
            restarts: self.restarts(),
        })
    }
}

impl JobMonitor {
    /// Asks the job to stop: sources stop, in-flight rows drain, sinks flush. Returns at once.
    /// A job that takes checkpoints keeps in its sinks only what its last checkpoint covers;
    /// [`JobMonitor::stop_with_checkpoint`] takes one first.
    pub fn stop(&self) {
        self.shared.request_stop();
    }

    /// Takes a checkpoint and stops the job once it has completed (a savepoint). Returns the
    /// checkpoint's number at once; if it fails, the job runs on.
    pub fn stop_with_checkpoint(&self) -> Result<u64, String> {
        self.coordinator()?.trigger(true)
    }

    /// Takes a checkpoint now; returns its number at once. Its progress is in
    /// [`JobMonitor::checkpoints`].
    pub fn checkpoint(&self) -> Result<u64, String> {
        self.coordinator()?.trigger(false)
    }

    fn coordinator(&self) -> Result<&Arc<Coordinator>, String> {
        self.shared.coordinator().ok_or_else(|| {
            "the job takes no checkpoints: it was started without a checkpoint folder".into()
        })
    }

    /// The job's checkpoints, oldest first, with the one in flight; empty for a job that
    /// takes none.
    pub fn checkpoints(&self) -> Vec<CheckpointStats> {
        self.shared
            .coordinator()
            .map_or(Vec::new(), |c| c.history())
    }

    /// Where the job's checkpoints go, and how often, if it takes any.
    pub fn checkpoint_settings(&self) -> Option<(PathBuf, Option<Duration>)> {
        self.shared
            .coordinator()
            .map(|c| (c.dir().to_path_buf(), c.interval()))
    }

    /// The checkpoint the job started from, if it was restored.
    pub fn restored_from(&self) -> Option<u64> {
        self.shared.coordinator().and_then(|c| c.restored())
    }

    /// How many times the job has restarted after a failure.
    pub fn restarts(&self) -> u32 {
        self.shared.restarts.load(Ordering::Acquire)
    }

    /// Every failure of the job's attempts, oldest first, with when it happened.
    pub fn failures(&self) -> Vec<(SystemTime, JobError)> {
        self.shared.failures.lock().unwrap().clone()
    }

    pub fn is_finished(&self) -> bool {
        self.shared.finished.load(Ordering::Acquire)
    }

    /// Holds every source: no new row enters, so watermarks and windows stay where they are,
    /// while rows already in flight go on to the sinks.
    pub fn pause(&self) {
        self.shared.pause.pause();
    }

    /// Lets exactly `rows` more rows in from the sources (all together) while paused.
    pub fn step(&self, rows: u64) {
        self.shared.pause.step(rows);
    }

    pub fn resume(&self) {
        self.shared.pause.resume();
    }

    pub fn is_paused(&self) -> bool {
        self.shared.pause.is_paused()
    }

    /// The peek at output `port` of node `id`: open it to keep the last rows that cross.
    pub fn peek(&self, id: &str, port: usize) -> Option<Arc<super::Peek>> {
        self.shared.peeks_of(id).get(port).cloned()
    }

    /// The run's trace, when it was started with `RunOptions::trace`.
    pub fn trace(&self) -> Option<Arc<super::Trace>> {
        self.shared.trace.clone()
    }

    pub fn status(&self) -> JobStatus {
        if let Some(error) = self.shared.failure.lock().unwrap().clone() {
            return JobStatus::Failed(error);
        }
        if self.shared.restarting.load(Ordering::Acquire) {
            return JobStatus::Restarting;
        }
        match (self.is_finished(), self.shared.report.stopped_early()) {
            (false, _) => JobStatus::Running,
            (true, false) => JobStatus::Finished,
            (true, true) => JobStatus::Stopped,
        }
    }

    /// Time since the start, or the job's run time once it has ended.
    pub fn elapsed(&self) -> Duration {
        let end = self
            .shared
            .ended
            .lock()
            .unwrap()
            .unwrap_or_else(Instant::now);
        end - self.shared.started
    }

    /// Live counts of every node, in pipeline order.
    pub fn metrics(&self) -> Vec<NodeMetrics> {
        self.shared
            .counters
            .iter()
            .map(|(id, category, c)| NodeMetrics::read(id, *category, c))
            .collect()
    }

    /// The latest sample of the job's metrics; `None` before the first (within 100 ms).
    pub fn latest_sample(&self) -> Option<Arc<MetricsSnapshot>> {
        self.shared.watched.latest()
    }

    /// The samples so far, and the way to subscribe to those to come: what the monitor, the
    /// progress line, the REST server and the report read.
    pub fn watched(&self) -> Arc<Watched> {
        self.shared.watched.clone()
    }

    /// The files the job's sinks have written (they write when the job ends).
    pub fn files(&self) -> Vec<WrittenFile> {
        self.shared.report.files()
    }

    /// The tasks and channels the job runs.
    pub fn graph(&self) -> &JobGraph {
        &self.graph
    }

    /// The wall clock when the job started.
    pub fn started_at(&self) -> SystemTime {
        self.shared.started_at
    }
}

impl Drop for JobHandle {
    /// A handle dropped while its job runs stops the job rather than leaking its threads' work.
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.stop();
        }
    }
}

/// What the sampler reads: each node's instances, with the task each runs in.
fn sampled_nodes(
    counters: &[NodeCounterSet],
    graph: &JobGraph,
    tasks: &[Vec<Arc<TaskCounters>>],
) -> Vec<SampledNode> {
    counters
        .iter()
        .map(|(id, category, instances)| {
            let vertex = graph
                .vertices
                .iter()
                .position(|v| v.nodes.contains(id))
                .expect("every node is planned");
            SampledNode {
                id: id.clone(),
                category: *category,
                instances: instances.clone(),
                tasks: tasks[vertex].clone(),
            }
        })
        .collect()
}
