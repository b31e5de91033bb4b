//! Starting a job and controlling it while it runs.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Sender, bounded};

use super::output::{OutEdge, Output};
use super::plan::{JobGraph, Partition};
use super::task::{Head, Input, Link, Task, TaskFailure, panic_message};
use crate::metrics::{
    LatencySummary, MetricsSnapshot, NodeCounters, NodeMetrics, SampledNode, Sampler, TaskCounters,
    Watched, now_ns, totals,
};
use crate::operators::{self, ConsoleWriter, Context, JobReport, StdoutConsole, WrittenFile};
use crate::spec::{Category, LATE_OUTPUT, PipelineSpec};
use crate::time::WatermarkAssigner;
use crate::validate::{Problem, check_files, validate};

/// How to run a job, beyond what its pipeline says.
#[derive(Clone)]
pub struct RunOptions {
    /// Relative paths in the pipeline resolve against this folder: the pipeline file's.
    pub base_dir: PathBuf,
    /// Where console sinks print.
    pub console: Arc<dyn ConsoleWriter>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            base_dir: PathBuf::from("."),
            console: Arc::new(StdoutConsole::default()),
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
}

/// A node's id, category and the counters of each of its instances.
type NodeCounterSet = (String, Category, Vec<Arc<NodeCounters>>);

/// State the tasks and the handle share.
pub struct JobShared {
    stop: Arc<AtomicBool>,
    /// How the input ended, and the files written; shared with the operators.
    report: Arc<JobReport>,
    failure: Mutex<Option<JobError>>,
    running: AtomicUsize,
    started: Instant,
    /// The wall clock at the start.
    started_at: SystemTime,
    ended: Mutex<Option<Instant>>,
    counters: Vec<NodeCounterSet>,
    /// Samples of the counters, for anyone watching.
    watched: Arc<Watched>,
    /// Dropped when the last task ends, which tells the sampler to take its last sample.
    sampler_alive: Mutex<Option<Sender<()>>>,
    /// Holds the sources back, or lets a number of rows through.
    pause: super::PauseControl,
    /// Each node's peeks, one per output port, shared by its instances.
    peeks: Vec<(String, Vec<Arc<super::Peek>>)>,
}

impl JobShared {
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    pub fn pause(&self) -> &super::PauseControl {
        &self.pause
    }

    fn peeks_of(&self, id: &str) -> Vec<Arc<super::Peek>> {
        self.peeks
            .iter()
            .find(|(n, _)| n == id)
            .map_or(Vec::new(), |(_, p)| p.clone())
    }

    /// Records the first failure and asks every source to stop.
    fn fail(&self, error: JobError) {
        self.failure.lock().unwrap().get_or_insert(error);
        self.stop.store(true, Ordering::Relaxed);
    }

    pub fn source_stopped_early(&self) {
        self.report.source_stopped_early();
    }

    fn task_ended(&self) {
        if self.running.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.ended.lock().unwrap() = Some(Instant::now());
            self.sampler_alive.lock().unwrap().take();
        }
    }
}

/// A running (or ended) job: the one way the CLI and the designer drive the engine. It
/// reads and stops the job through its [`JobMonitor`], which others may share.
pub struct JobHandle {
    monitor: JobMonitor,
    threads: Vec<JoinHandle<()>>,
    sampler: Option<JoinHandle<()>>,
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
                let instances = (0..spec.parallelism_of(node))
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
        let position: HashMap<&str, usize> = counters
            .iter()
            .enumerate()
            .map(|(i, (id, _, _))| (id.as_str(), i))
            .collect();
        let counters_of = |id: &str, instance: usize| counters[position[id]].2[instance].clone();
        let task_counters: Vec<Vec<Arc<TaskCounters>>> = graph
            .vertices
            .iter()
            .map(|v| (0..v.parallelism).map(|_| Arc::default()).collect())
            .collect();
        let sampled = sampled_nodes(&counters, &graph, &task_counters);
        let (sampler_alive, sampler_ended) = bounded(0);
        // Start the metrics clock before any batch is stamped with it.
        now_ns();
        let shared = Arc::new(JobShared {
            stop: Arc::default(),
            report: Arc::new(JobReport::new(spec.unbounded_source().is_none())),
            failure: Mutex::new(None),
            running: AtomicUsize::new(graph.task_count()),
            started: Instant::now(),
            started_at: SystemTime::now(),
            ended: Mutex::new(None),
            counters: counters.clone(),
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
        });

        // Channels first: inputs[v][i] and senders[v][i][e] of instance i of vertex v.
        let mut inputs: Vec<Vec<Vec<Input>>> = graph
            .vertices
            .iter()
            .map(|v| (0..v.parallelism).map(|_| Vec::new()).collect())
            .collect();
        let mut senders: Vec<Vec<Vec<OutEdge>>> = graph
            .vertices
            .iter()
            .map(|v| (0..v.parallelism).map(|_| Vec::new()).collect())
            .collect();
        for edge in &graph.edges {
            let (p_from, p_to) = (
                graph.vertices[edge.from].parallelism,
                graph.vertices[edge.to].parallelism,
            );
            for (i, instance_senders) in senders[edge.from].iter_mut().enumerate().take(p_from) {
                let targets: Vec<usize> = match edge.partition {
                    Partition::Forward => vec![i],
                    _ => (0..p_to).collect(),
                };
                let mut txs = Vec::with_capacity(targets.len());
                for j in targets {
                    let (tx, rx) = bounded(spec.job.channel_capacity.max(1));
                    txs.push(tx);
                    inputs[edge.to][j].push(Input {
                        port: edge.port,
                        rx,
                    });
                }
                instance_senders.push(OutEdge::new(
                    i,
                    edge.from_port,
                    edge.partition.clone(),
                    edge.schema.clone(),
                    txs,
                    task_counters[edge.from][i].clone(),
                ));
            }
        }

        // Then operators, built here so a missing file fails the start, not a thread.
        let timeout = Duration::from_millis(spec.job.buffer_timeout_ms);
        let mut tasks = Vec::new();
        for (v, vertex) in graph.vertices.iter().enumerate() {
            for (i, (inputs, out_edges)) in std::mem::take(&mut inputs[v])
                .into_iter()
                .zip(std::mem::take(&mut senders[v]))
                .enumerate()
            {
                let context = |id: &str| {
                    let input_schema = analysis.input_schema(&topology, id).unwrap_or_default();
                    let output_schema = analysis
                        .outputs
                        .get(id)
                        .map(|t| t.schema.clone())
                        .unwrap_or_default();
                    let node = topology.node(id).expect("planned");
                    let edges = topology.inputs_of(id);
                    let inputs = node
                        .kind
                        .inputs()
                        .iter()
                        .filter_map(|port| {
                            edges
                                .iter()
                                .find(|e| e.to_port == port.name)
                                .and_then(|e| analysis.edge_type(e))
                                .cloned()
                        })
                        .collect();
                    Context {
                        inputs,
                        node_id: id.to_string(),
                        subtask: i,
                        parallelism: vertex.parallelism,
                        job: spec.job.clone(),
                        base_dir: options.base_dir.clone(),
                        input_schema,
                        output_schema,
                        console: options.console.clone(),
                        report: shared.report.clone(),
                        stop: shared.stop.clone(),
                    }
                };
                let head_id = &vertex.nodes[0];
                let head_node = topology.node(head_id).expect("planned");
                let mut chain_ids = &vertex.nodes[..];
                let head = if head_node.kind.category() == Category::Source {
                    chain_ids = &vertex.nodes[1..];
                    Head::Source {
                        node: head_id.clone(),
                        source: operators::build_source(head_node, &context(head_id))
                            .map_err(|m| failed(head_id, m))?,
                        counters: counters_of(head_id, i),
                        assigner: watermark_assigner(spec, &analysis, head_node),
                        peek: shared
                            .peeks_of(head_id)
                            .first()
                            .cloned()
                            .unwrap_or_default(),
                    }
                } else {
                    Head::Inputs(inputs)
                };
                let first = vertex.nodes.len() - chain_ids.len();
                let chain = chain_ids
                    .iter()
                    .enumerate()
                    .map(|(k, id)| {
                        let node = topology.node(id).expect("planned");
                        Ok(Link {
                            node: id.clone(),
                            op: operators::build_operator(node, &context(id))
                                .map_err(|m| failed(id, m))?,
                            counters: counters_of(id, i),
                            next_port: vertex.ports.get(first + k + 1).copied().unwrap_or(0),
                            late_port: node.kind.outputs().iter().position(|p| *p == LATE_OUTPUT),
                            peeks: shared.peeks_of(id),
                        })
                    })
                    .collect::<Result<Vec<_>, JobError>>()?;
                let name = format!(
                    "{} ({}/{})",
                    vertex.nodes.join(" -> "),
                    i + 1,
                    vertex.parallelism
                );
                tasks.push((
                    name,
                    Task {
                        head,
                        chain,
                        output: Output::new(out_edges, spec.job.batch_size, timeout),
                        shared: shared.clone(),
                        counters: task_counters[v][i].clone(),
                    },
                ));
            }
        }

        let sampler = Sampler::new(sampled, shared.watched.clone(), shared.started);
        let sampler = std::thread::Builder::new()
            .name("metrics sampler".into())
            .spawn(move || sampler.run(sampler_ended))
            .map_err(|e| JobError::Start(format!("the system refused the metrics thread ({e})")))?;
        let total = tasks.len();
        let mut threads = Vec::with_capacity(total);
        let mut tasks = tasks.into_iter();
        let mut refused = None;
        for (name, task) in tasks.by_ref() {
            let task_shared = shared.clone();
            let spawned = std::thread::Builder::new()
                .name(name.chars().filter(|c| !c.is_control()).take(60).collect())
                .spawn(move || run_task(task, &task_shared));
            match spawned {
                Ok(thread) => threads.push(thread),
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        // The tasks not started drop their channels here, so the started ones see their
        // neighbours gone and end; sources see the stop.
        drop(tasks);
        if let Some(e) = refused {
            shared.stop.store(true, Ordering::Relaxed);
            let started = threads.len();
            for thread in threads {
                let _ = thread.join();
            }
            shared.sampler_alive.lock().unwrap().take();
            let _ = sampler.join();
            return Err(JobError::Start(format!(
                "the system refused to start thread {} of the {total} the job needs \
                 ({e}); lower the parallelism or run fewer jobs at once",
                started + 1
            )));
        }
        Ok(JobHandle {
            monitor: JobMonitor {
                shared,
                graph: Arc::new(graph),
            },
            threads,
            sampler: Some(sampler),
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
        if let Some(sampler) = self.sampler.take() {
            let _ = sampler.join();
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
        })
    }
}

impl JobMonitor {
    /// Asks the job to stop: sources stop, in-flight rows drain, sinks flush. Returns at once.
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.shared.running.load(Ordering::Acquire) == 0
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

    pub fn status(&self) -> JobStatus {
        if let Some(error) = self.shared.failure.lock().unwrap().clone() {
            return JobStatus::Failed(error);
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

/// The assigner that stamps a source's rows with event time, if the source has it.
fn watermark_assigner(
    spec: &PipelineSpec,
    analysis: &crate::validate::Analysis,
    source: &crate::spec::NodeSpec,
) -> Option<WatermarkAssigner> {
    let time = source.kind.source_time()?;
    let column = analysis
        .outputs
        .get(&source.id)?
        .schema
        .index_of(time.column)?;
    Some(WatermarkAssigner::new(
        column,
        time.delay_ms,
        Duration::from_millis(spec.job.watermark_interval_ms),
        time.idle_timeout_ms.map(Duration::from_millis),
    ))
}

fn failed(node: &str, message: String) -> JobError {
    JobError::Failed {
        node: node.to_string(),
        message,
    }
}

fn run_task(task: Task, shared: &JobShared) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.run()));
    match result {
        Ok(Ok(())) | Ok(Err(TaskFailure::Disconnected)) => {}
        Ok(Err(TaskFailure::Failed { node, message })) => {
            shared.fail(JobError::Failed { node, message })
        }
        Err(panic) => {
            let what = panic_message(panic.as_ref());
            let node = std::thread::current().name().unwrap_or("task").to_string();
            shared.fail(JobError::Failed {
                node,
                message: format!("internal error: {what}"),
            });
        }
    }
    shared.task_ended();
}
