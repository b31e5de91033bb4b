//! Validation: checks a pipeline's wiring and configuration and propagates a typed schema
//! along every edge, so each problem is found before a job starts and names its node.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::fmt;
use std::sync::Arc;

mod files;
mod join;
mod resources;
mod servers;
mod sources;
mod transport;
mod window;

pub use files::check_files;
pub use join::{JoinLayout, join_layout};
use resources::check_resources;
pub use resources::plural;
pub use servers::{PROBE_TIMEOUT, check_servers, server_urls};
use sources::{NULL_LITERAL_IS_CSV, check_datagen, check_file_source, check_nexmark};
use transport::{check_nats_sink, check_nats_source, check_redis_sink, check_redis_source};

use crate::expr::{ExprError, Predicate, SelectItem};
use crate::spec::*;
use crate::types::{DataType, Field, Schema, SchemaRef};

/// Something wrong with a pipeline, placed on the node (and column) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// The node at fault; `None` for the job settings or the pipeline as a whole.
    pub node: Option<String>,
    /// The column at fault, where one is.
    pub column: Option<String>,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The pipeline can run, but probably not as meant.
    Warning,
    /// The pipeline cannot run.
    Error,
}

impl Problem {
    fn error(node: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            node: node.map(str::to_string),
            column: None,
            message: message.into(),
        }
    }

    fn warning(node: &str, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(Some(node), message)
        }
    }

    fn with_column(mut self, column: Option<String>) -> Self {
        self.column = column;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        match &self.node {
            Some(node) => write!(f, "node `{}`: {}", quote_id(node), self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The type of the rows on a port: the schema, the key when the stream is partitioned by
/// key (the designer colours keyed pins differently), its event time, the windows its rows
/// belong to, and whether it is a changelog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortType {
    pub schema: SchemaRef,
    pub keys: Option<Vec<String>>,
    /// Where a row's event time is, on a stream with event time (watermarks).
    pub time: Option<TimeAttr>,
    /// The windows rows belong to, by their `window_start` and `window_end` columns.
    pub window: Option<WindowKind>,
    /// Rows carry change kinds: a window that updates results for late rows.
    pub changelog: bool,
}

/// A stream's event time: the value of `column` plus `shift_ms`. A Window's output has the
/// time of `window_end - 1`, its last millisecond (Flink's `window_time`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeAttr {
    pub column: String,
    pub shift_ms: i64,
}

impl TimeAttr {
    pub fn column(name: impl Into<String>) -> Self {
        TimeAttr {
            column: name.into(),
            shift_ms: 0,
        }
    }
}

impl PortType {
    pub fn plain(schema: Schema) -> Self {
        PortType {
            schema: Arc::new(schema),
            keys: None,
            time: None,
            window: None,
            changelog: false,
        }
    }
}

/// What a node gives on its outputs: `out`, and a Window's `late`.
#[derive(Default)]
struct Typed {
    out: Option<PortType>,
    late: Option<PortType>,
}

impl Typed {
    fn out(t: PortType) -> Self {
        Typed {
            out: Some(t),
            late: None,
        }
    }
}

/// What validation learnt about a pipeline: the type of each node's output, and its problems.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Output type of each node whose inputs and configuration are valid, by node id.
    pub outputs: std::collections::HashMap<String, PortType>,
    /// The type of a Window's `late` output, by node id.
    pub late: std::collections::HashMap<String, PortType>,
    /// Node ids, sources first, each after all of its inputs (empty when there is a cycle).
    pub order: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Analysis {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }

    /// The problems of one node.
    pub fn problems_of<'a>(&'a self, node: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems
            .iter()
            .filter(move |p| p.node.as_deref() == Some(node))
    }

    /// The type of the rows on output `port` of node `id`.
    pub fn port_type(&self, id: &str, port: &str) -> Option<&PortType> {
        port_type(&self.outputs, &self.late, id, port)
    }

    /// The type of the rows an edge carries.
    pub fn edge_type(&self, edge: &EdgeSpec) -> Option<&PortType> {
        self.port_type(&edge.from, &edge.from_port)
    }

    /// The type arriving at node `id` (the first edge's, for a union).
    pub fn input_type(&self, topology: &Topology, id: &str) -> Option<&PortType> {
        topology
            .inputs_of(id)
            .iter()
            .find_map(|e| self.edge_type(e))
    }

    /// The schema arriving at node `id` (the first edge's, for a union).
    pub fn input_schema(&self, topology: &Topology, id: &str) -> Option<SchemaRef> {
        self.input_type(topology, id).map(|t| t.schema.clone())
    }
}

type Types = std::collections::HashMap<String, PortType>;

fn port_type<'a>(
    outputs: &'a Types,
    late: &'a Types,
    id: &str,
    port: &str,
) -> Option<&'a PortType> {
    match port {
        LATE_OUTPUT => late.get(id),
        _ => outputs.get(id),
    }
}

/// Validates a pipeline, returning its analysis when it has no errors (warnings allowed).
pub fn validate(spec: &PipelineSpec) -> Result<Analysis, Vec<Problem>> {
    let analysis = analyze(spec);
    if analysis.is_valid() {
        Ok(analysis)
    } else {
        Err(analysis.errors().cloned().collect())
    }
}

/// Checks everything and collects every problem; never stops at the first. Linear in nodes,
/// edges and columns, since the designer runs it on every edit.
pub fn analyze(spec: &PipelineSpec) -> Analysis {
    let mut analysis = Analysis::default();
    let problems = &mut analysis.problems;
    check_job(&spec.job, problems);
    let nodes = check_nodes(spec, problems);
    if let Some(failure) = &spec.job.inject_failure
        && !nodes.contains_key(failure.node.as_str())
    {
        problems.push(Problem::error(
            None,
            format!(
                "the injected failure names node `{}`, which the pipeline does not have",
                failure.node
            ),
        ));
    }
    // From here on only well-formed edges count, so a bad edge is one problem, not several.
    let edges = check_edges(spec, &nodes, problems);
    check_has_sink(spec, problems);
    let wired = spec.topology();
    let valid = Topology::of(&spec.nodes, edges.iter().copied());
    let Some(order) = topological_order(spec, &nodes, &edges, &valid, problems) else {
        return analysis;
    };
    let mut conditions = ConditionMemo::default();
    for id in &order {
        let node = nodes[id.as_str()];
        let inputs = valid.inputs_of(id);
        check_connections(&wired, node, inputs, &mut analysis.problems);
        // A node is typed only once all its inputs are: no cascade of errors downstream.
        let input_types: Option<Vec<&PortType>> = inputs
            .iter()
            .map(|e| port_type(&analysis.outputs, &analysis.late, &e.from, &e.from_port))
            .collect();
        let Some(input_types) = input_types else {
            continue;
        };
        if node.kind.category() != Category::Source && input_types.is_empty() {
            continue;
        }
        match output_type(spec, node, inputs, &input_types, &mut conditions) {
            Ok(typed) => {
                if let Some(t) = typed.out {
                    analysis.outputs.insert(id.clone(), t);
                }
                if let Some(t) = typed.late {
                    analysis.late.insert(id.clone(), t);
                }
            }
            Err(mut found) => {
                analysis.problems.append(&mut found);
                // A Filter's rows keep their columns whatever its condition says, so the
                // nodes after it can still be checked.
                if let NodeKind::Filter(_) = node.kind {
                    analysis.outputs.insert(id.clone(), input_types[0].clone());
                }
            }
        }
    }
    analysis.order = order;
    if analysis.is_valid() {
        let graph = crate::runtime::JobGraph::plan(spec, &analysis, &wired);
        let mut found = Vec::new();
        check_resources(spec, &analysis, &graph, &mut found);
        analysis.problems.append(&mut found);
    }
    analysis
}

fn check_has_sink(spec: &PipelineSpec, problems: &mut Vec<Problem>) {
    if spec.nodes.is_empty() {
        problems.push(Problem::error(None, "the pipeline has no nodes"));
    } else if !spec
        .nodes
        .iter()
        .any(|n| n.kind.category() == Category::Sink)
    {
        problems.push(Problem::error(
            None,
            "the pipeline has no sink: add a sink node (Console, FileSink, Blackhole, or a \
             stream's: RedisSink, NatsSink)",
        ));
    }
}

/// Upper bounds that keep a typo (an extra zero or three) from exhausting memory or threads.
pub const MAX_PARALLELISM: u32 = 256;
pub const MAX_BATCH_SIZE: usize = 1 << 20;
pub const MAX_CHANNEL_CAPACITY: usize = 1 << 16;

fn check_job(job: &JobSettings, problems: &mut Vec<Problem>) {
    let mut in_range = |what: &str, value: u64, max: u64| {
        if !(1..=max).contains(&value) {
            problems.push(Problem::error(
                None,
                format!("job {what} is {value}; it must be between 1 and {max}"),
            ));
        }
    };
    in_range(
        "parallelism",
        job.parallelism as u64,
        MAX_PARALLELISM as u64,
    );
    in_range("batch size", job.batch_size as u64, MAX_BATCH_SIZE as u64);
    in_range(
        "channel capacity",
        job.channel_capacity as u64,
        MAX_CHANNEL_CAPACITY as u64,
    );
    in_range(
        "checkpoints retained",
        job.checkpoints_retained as u64,
        1000,
    );
    if let Some(ms) = job.checkpoint_interval_ms
        && ms < MIN_CHECKPOINT_INTERVAL_MS
    {
        problems.push(Problem::error(
            None,
            format!(
                "job checkpoint interval is {ms} ms; it must be at least \
                 {MIN_CHECKPOINT_INTERVAL_MS} ms"
            ),
        ));
    }
    if job.checkpoint_timeout_ms == 0 {
        problems.push(Problem::error(
            None,
            "job checkpoint timeout must be above 0 ms",
        ));
    }
    if let Some(failure) = &job.inject_failure
        && (failure.after_rows == 0 || failure.times == 0)
    {
        problems.push(Problem::error(
            None,
            "an injected failure needs at least 1 row and 1 time",
        ));
    }
}

/// Checkpoints closer than this would spend the job's time on barriers.
pub const MIN_CHECKPOINT_INTERVAL_MS: u64 = 10;

/// The longest string a Datagen field may generate: a batch of them must fit in memory.
pub const MAX_STRING_LENGTH: usize = 1 << 20;
/// The longest node id: ids appear in every message about their node.
pub const MAX_ID_LENGTH: usize = 200;

/// Node ids must be present and unique; returns the nodes by id.
fn check_nodes<'a>(
    spec: &'a PipelineSpec,
    problems: &mut Vec<Problem>,
) -> HashMap<&'a str, &'a NodeSpec> {
    let mut nodes = HashMap::with_capacity(spec.nodes.len());
    for node in &spec.nodes {
        if node.id.trim().is_empty() {
            problems.push(Problem::error(
                None,
                format!("a {} node has an empty id", node.kind.name()),
            ));
            continue;
        }
        if node.id.chars().any(char::is_control) {
            problems.push(Problem::error(
                None,
                format!(
                    "the id {:?} of a {} node contains a control character",
                    quote_id(&node.id),
                    node.kind.name()
                ),
            ));
            continue;
        }
        if node.id.chars().count() > MAX_ID_LENGTH {
            problems.push(Problem::error(
                Some(&node.id),
                format!("the id is longer than {MAX_ID_LENGTH} characters"),
            ));
        }
        if nodes.insert(node.id.as_str(), node).is_some() {
            problems.push(Problem::error(
                Some(&node.id),
                "two nodes have this id; ids must be unique",
            ));
        }
        if let Some(p) = node.parallelism
            && !(1..=MAX_PARALLELISM).contains(&p)
        {
            problems.push(Problem::error(
                Some(&node.id),
                format!("parallelism is {p}; it must be between 1 and {MAX_PARALLELISM}"),
            ));
        }
        if node.kind.runs_single() && spec.parallelism_of(node) > 1 {
            problems.push(Problem::error(
                Some(&node.id),
                format!(
                    "a {} runs with parallelism 1; set its parallelism to 1",
                    node.kind.name()
                ),
            ));
        }
    }
    nodes
}

/// Every edge must join an existing output port to an existing input port.
/// Returns the edges without a problem.
fn check_edges<'a>(
    spec: &'a PipelineSpec,
    nodes: &HashMap<&str, &NodeSpec>,
    problems: &mut Vec<Problem>,
) -> Vec<&'a EdgeSpec> {
    let mut seen = HashSet::new();
    let mut valid = Vec::new();
    for edge in &spec.edges {
        let known = problems.len();
        let wire = format!("edge `{}` → `{}`", quote_id(&edge.from), quote_id(&edge.to));
        let (from, to) = (nodes.get(edge.from.as_str()), nodes.get(edge.to.as_str()));
        for (end, id) in [(from, &edge.from), (to, &edge.to)] {
            if end.is_none() {
                // Name the end that exists, so the problem shows on a node the user can see.
                let other = if id == &edge.from { to } else { from };
                problems.push(Problem::error(
                    other.map(|n| n.id.as_str()),
                    format!("{wire} is dangling: there is no node `{}`", quote_id(id)),
                ));
            }
        }
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if !from.kind.outputs().contains(&edge.from_port.as_str()) {
            problems.push(Problem::error(
                Some(&from.id),
                match from.kind.outputs() {
                    [] => format!("{wire}: a {} has no output", from.kind.name()),
                    ports => format!(
                        "{wire}: no output port `{}` (ports: {})",
                        quote_id(&edge.from_port),
                        ports.join(", ")
                    ),
                },
            ));
        }
        if !to.kind.inputs().iter().any(|p| p.name == edge.to_port) {
            problems.push(Problem::error(
                Some(&to.id),
                match to.kind.inputs() {
                    [] => format!("{wire}: a {} takes no input", to.kind.name()),
                    ports => format!(
                        "{wire}: no input port `{}` (ports: {})",
                        quote_id(&edge.to_port),
                        ports.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                    ),
                },
            ));
        }
        if edge.from == edge.to {
            problems.push(Problem::error(
                Some(&from.id),
                format!("{wire} connects the node to itself"),
            ));
        }
        if !seen.insert(edge) {
            problems.push(Problem::error(
                Some(&to.id),
                format!("{wire} appears twice"),
            ));
        }
        if problems.len() == known {
            valid.push(edge);
        }
    }
    valid
}

/// Kahn's algorithm; reports a cycle by naming the nodes on it. Linear in nodes and edges.
fn topological_order(
    spec: &PipelineSpec,
    nodes: &HashMap<&str, &NodeSpec>,
    edges: &[&EdgeSpec],
    valid: &Topology,
    problems: &mut Vec<Problem>,
) -> Option<Vec<String>> {
    let mut indegree: HashMap<&str, usize> = nodes.keys().map(|id| (*id, 0)).collect();
    for edge in edges {
        *indegree.get_mut(edge.to.as_str()).unwrap() += 1;
    }
    // Sources first, then the file's order among nodes that are ready at the same time.
    let mut seen = HashSet::new();
    let mut ready: Vec<&str> = spec
        .nodes
        .iter()
        .filter(|n| indegree.get(n.id.as_str()) == Some(&0) && seen.insert(n.id.as_str()))
        .map(|n| n.id.as_str())
        .collect();
    ready.sort_by_key(|id| nodes[id].kind.category() != Category::Source);
    let mut order = Vec::with_capacity(nodes.len());
    let mut next = 0;
    while next < ready.len() {
        let id = ready[next];
        next += 1;
        order.push(id.to_string());
        for e in valid.outputs_of(id) {
            let d = indegree.get_mut(e.to.as_str()).unwrap();
            *d -= 1;
            if *d == 0 {
                ready.push(e.to.as_str());
            }
        }
    }
    if order.len() == nodes.len() {
        return Some(order);
    }
    // Left over are the cycles and what lies downstream of them. Peel off, from the far
    // end, nodes that lead nowhere within the leftovers until only the cycles remain: the
    // same algorithm run backwards, each node and edge visited once.
    let stuck: HashSet<&str> = indegree
        .iter()
        .filter(|(_, d)| **d > 0)
        .map(|(id, _)| *id)
        .collect();
    let mut inputs_within: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut outdegree: HashMap<&str, usize> = stuck.iter().map(|id| (*id, 0)).collect();
    for edge in edges {
        let (from, to) = (edge.from.as_str(), edge.to.as_str());
        if stuck.contains(from) && stuck.contains(to) {
            *outdegree.get_mut(from).unwrap() += 1;
            inputs_within.entry(to).or_default().push(from);
        }
    }
    let mut dead_ends: Vec<&str> = outdegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(id, _)| *id)
        .collect();
    while let Some(id) = dead_ends.pop() {
        outdegree.remove(id);
        for from in inputs_within.get(id).into_iter().flatten() {
            if let Some(d) = outdegree.get_mut(from) {
                *d -= 1;
                if *d == 0 {
                    dead_ends.push(from);
                }
            }
        }
    }
    let cycle: Vec<&str> = spec
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .filter(|id| outdegree.contains_key(id))
        .collect();
    // Name a few of a large cycle's nodes, not thousands on every one of them.
    const NAMED: usize = 8;
    let mut among: Vec<String> = cycle.iter().take(NAMED).map(|id| quote_id(id)).collect();
    if cycle.len() > NAMED {
        among.push(format!("and {} more", cycle.len() - NAMED));
    }
    let among = among.join(", ");
    for id in &cycle {
        problems.push(Problem::error(
            Some(id),
            format!("part of a cycle among {among}; pipelines must not loop"),
        ));
    }
    None
}

/// Inputs and outputs a node needs: a transform or sink needs its input, a single input port
/// takes one edge, and an output that goes nowhere is worth a warning.
fn check_connections(
    topology: &Topology,
    node: &NodeSpec,
    inputs: &[&EdgeSpec],
    problems: &mut Vec<Problem>,
) {
    let ports = node.kind.inputs();
    for port in ports {
        let count = inputs.iter().filter(|e| e.to_port == port.name).count();
        // A wire with a bad port was already reported; don't add "no input" on top of it.
        let wired = if ports.len() == 1 {
            !topology.inputs_of(&node.id).is_empty()
        } else {
            topology
                .inputs_of(&node.id)
                .iter()
                .any(|e| e.to_port == port.name)
        };
        if count == 0 && !wired {
            let what = match node.kind.category() {
                Category::Sink => "sink",
                _ => "node",
            };
            problems.push(Problem::error(
                Some(&node.id),
                format!(
                    "this {what} has no input: connect a stream to its `{}` port",
                    port.name
                ),
            ));
        } else if count > 1 && port.arity == Arity::One {
            problems.push(Problem::error(
                Some(&node.id),
                format!(
                    "input `{}` takes one stream but {count} are connected; merge them with a Union first",
                    port.name
                ),
            ));
        }
    }
    if !node.kind.outputs().is_empty() && topology.outputs_of(&node.id).is_empty() {
        problems.push(Problem::warning(
            &node.id,
            "its output is not connected, so its rows are dropped",
        ));
    }
}

pub(super) fn expr_problem(node: &NodeSpec, what: &str, e: ExprError) -> Problem {
    Problem::error(Some(&node.id), format!("{what}: {}", e.message)).with_column(e.column)
}

/// The output type of a node given its input types, or the problems of its configuration.
/// Filter conditions already checked against a schema during one analysis: a condition
/// repeated along a chain of Filters (whose schema is one shared `Arc`) is parsed once.
#[derive(Default)]
struct ConditionMemo<'a> {
    checked: HashMap<(&'a str, *const Schema), Result<(), ExprError>>,
}

impl<'a> ConditionMemo<'a> {
    fn check(&mut self, condition: &'a str, schema: &SchemaRef) -> Result<(), ExprError> {
        // The pointer is only a key: every schema keyed here lives in the analysis's outputs
        // until it ends, so no two schemas share an address meanwhile.
        self.checked
            .entry((condition, Arc::as_ptr(schema)))
            .or_insert_with(|| Predicate::compile(condition, schema).map(|_| ()))
            .clone()
    }
}

fn output_type<'a>(
    spec: &PipelineSpec,
    node: &'a NodeSpec,
    edges: &[&EdgeSpec],
    inputs: &[&PortType],
    conditions: &mut ConditionMemo<'a>,
) -> Result<Typed, Vec<Problem>> {
    let id = node.id.as_str();
    let err = |message: String| vec![Problem::error(Some(id), message)];
    let input = inputs.first().map(|t| t.schema.clone()).unwrap_or_default();
    let source = |schema: Schema| source_type(id, &node.kind, schema).map(Typed::out);
    match &node.kind {
        NodeKind::Datagen(config) => source(check_datagen(id, config)?),
        NodeKind::FileSource(config) => source(check_file_source(id, config)?),
        NodeKind::Nexmark(config) => source(check_nexmark(id, config)?),
        NodeKind::RedisSource(config) => source(check_redis_source(id, config)?),
        NodeKind::RedisSink(config) => check_redis_sink(id, config).map(|()| Typed::default()),
        NodeKind::NatsSource(config) => source(check_nats_source(id, config)?),
        NodeKind::NatsSink(config) => check_nats_sink(id, config).map(|()| Typed::default()),
        NodeKind::Filter(config) => match conditions.check(&config.condition, &input) {
            Ok(()) => Ok(Typed::out((*inputs[0]).clone())),
            Err(e) => Err(vec![expr_problem(node, "condition", e)]),
        },
        NodeKind::Map(config) => map_type(node, config, inputs[0]).map(Typed::out),
        NodeKind::Throttle(config) => {
            if config.rows_per_second == 0 {
                return Err(err("rows_per_second must be at least 1".into()));
            }
            Ok(Typed::out((*inputs[0]).clone()))
        }
        NodeKind::KeyBy(config) => {
            if config.columns.is_empty() {
                return Err(err("a KeyBy needs at least one key column".into()));
            }
            let mut problems = Vec::new();
            let mut keys = Vec::new();
            for name in &config.columns {
                match input.field(name) {
                    Some(f) if keys.contains(&f.name) => problems.push(
                        Problem::error(
                            Some(id),
                            format!("key column `{}` is listed twice", f.name),
                        )
                        .with_column(Some(f.name.clone())),
                    ),
                    Some(f) => keys.push(f.name.clone()),
                    None => problems.push(unknown_column(id, "key column", name, &input)),
                }
            }
            if problems.is_empty() {
                Ok(Typed::out(PortType {
                    keys: Some(keys),
                    ..(*inputs[0]).clone()
                }))
            } else {
                Err(problems)
            }
        }
        NodeKind::Union(_) => {
            for (edge, t) in edges.iter().zip(inputs).skip(1) {
                if *t.schema != *input {
                    return Err(err(format!(
                        "all inputs of a Union need the same columns: `{}` gives {} but `{}` gives {}",
                        quote_id(&edges[0].from),
                        input,
                        quote_id(&edge.from),
                        t.schema
                    )));
                }
            }
            // Event time and windows survive only where every input agrees on them.
            let agreed = |f: fn(&PortType) -> &Option<_>| {
                let first = f(inputs[0]);
                inputs
                    .iter()
                    .all(|t| f(t) == first)
                    .then(|| first.clone())
                    .flatten()
            };
            Ok(Typed::out(PortType {
                time: agreed(|t| &t.time),
                window: inputs
                    .iter()
                    .all(|t| t.window == inputs[0].window)
                    .then_some(inputs[0].window)
                    .flatten(),
                changelog: inputs.iter().any(|t| t.changelog),
                ..PortType::plain((*input).clone())
            }))
        }
        NodeKind::Window(config) => window::window_type(spec, node, config, inputs[0]),
        NodeKind::Join(config) => {
            let side = |port: &str| {
                edges
                    .iter()
                    .zip(inputs)
                    .find(|(e, _)| e.to_port == port)
                    .map(|(_, t)| *t)
            };
            match (side(LEFT_INPUT), side(RIGHT_INPUT)) {
                (Some(left), Some(right)) => join::join_type(spec, node, config, left, right),
                // A missing input is reported with the connections.
                _ => Ok(Typed::default()),
            }
        }
        NodeKind::FileSink(config) => {
            if config.path.trim().is_empty() {
                return Err(err("the file path is empty".into()));
            }
            if config.null_literal.is_some() && config.format != FileFormat::Csv {
                return Err(err(NULL_LITERAL_IS_CSV.into()));
            }
            Ok(Typed::default())
        }
        NodeKind::Console(_) | NodeKind::Blackhole(_) => Ok(Typed::default()),
    }
}

/// A Map's output: one column per item. Event time and windows follow the columns that
/// carry them when those pass through unchanged (renamed or not).
fn map_type(
    node: &NodeSpec,
    config: &MapConfig,
    input: &PortType,
) -> Result<PortType, Vec<Problem>> {
    let id = node.id.as_str();
    if config.columns.is_empty() {
        return Err(vec![Problem::error(
            Some(id),
            "a Map needs at least one column expression",
        )]);
    }
    let mut problems = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    let mut names = HashSet::new();
    // Where each input column went: input name → output name.
    let mut passed: HashMap<String, String> = HashMap::new();
    for (i, text) in config.columns.iter().enumerate() {
        match SelectItem::compile(text, i, &input.schema) {
            Ok(item) => {
                if !names.insert(item.name.to_ascii_lowercase()) {
                    problems.push(
                        Problem::error(
                            Some(id),
                            format!(
                                "column {}: the name `{}` is used twice; rename one with AS",
                                i + 1,
                                item.name
                            ),
                        )
                        .with_column(Some(item.name.clone())),
                    );
                }
                if let Some(from) = item.expr.as_column() {
                    passed.entry(from.to_string()).or_insert(item.name.clone());
                }
                fields.push(Field::new(item.name, item.expr.data_type()));
            }
            Err(e) => problems.push(expr_problem(node, &format!("column {}", i + 1), e)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let time = input.time.as_ref().and_then(|t| {
        passed.get(&t.column).map(|to| TimeAttr {
            column: to.clone(),
            shift_ms: t.shift_ms,
        })
    });
    let kept = |name: &str| passed.get(name).is_some_and(|to| to == name);
    let window = input
        .window
        .filter(|_| kept("window_start") && kept("window_end"));
    Ok(PortType {
        time,
        window,
        changelog: input.changelog,
        ..PortType::plain(Schema::new(fields))
    })
}

/// A source's output: its schema, and its event time where it declares one.
fn source_type(id: &str, kind: &NodeKind, schema: Schema) -> Result<PortType, Vec<Problem>> {
    let Some(time) = kind.source_time() else {
        return Ok(PortType::plain(schema));
    };
    let name = time.column;
    match schema.field(name) {
        Some(f) if matches!(f.data_type, DataType::Timestamp | DataType::Int64) => {
            let column = f.name.clone();
            Ok(PortType {
                time: Some(TimeAttr::column(column)),
                ..PortType::plain(schema)
            })
        }
        Some(f) => Err(vec![
            Problem::error(
                Some(id),
                format!(
                    "event time column `{name}` is {}, not TIMESTAMP(3) or BIGINT (epoch milliseconds)",
                    f.data_type
                ),
            )
            .with_column(Some(name.to_string())),
        ]),
        None => Err(vec![unknown_column(id, "event time column", name, &schema)]),
    }
}

/// `unknown key column `x`; available columns: a, b`, placed on the column.
pub(super) fn unknown_column(id: &str, what: &str, name: &str, schema: &Schema) -> Problem {
    Problem::error(
        Some(id),
        format!(
            "unknown {what} `{name}`; available columns: {}",
            columns_list(schema)
        ),
    )
    .with_column(Some(name.to_string()))
}

pub(super) fn columns_list(schema: &Schema) -> String {
    if schema.is_empty() {
        return "none".into();
    }
    schema.names().collect::<Vec<_>>().join(", ")
}

/// A DECIMAL field of a source must have a precision of 1 to 38 and a scale of at most
/// that, as Flink's do.
pub(super) fn check_field_types<'a>(
    id: &str,
    fields: impl Iterator<Item = (&'a str, DataType)>,
    problems: &mut Vec<Problem>,
) {
    for (name, t) in fields {
        if let DataType::Decimal { precision, scale } = t
            && let Err(e) = crate::types::DecimalType::new(u32::from(precision), u32::from(scale))
        {
            problems.push(
                Problem::error(Some(id), format!("field `{name}`: {e}"))
                    .with_column(Some(name.to_string())),
            );
        }
    }
}

pub(super) fn check_field_names<'a>(
    id: &str,
    names: impl Iterator<Item = &'a str>,
    problems: &mut Vec<Problem>,
) {
    let mut seen = HashSet::new();
    for name in names {
        if name.trim().is_empty() {
            problems.push(Problem::error(Some(id), "a field has an empty name"));
        } else if !seen.insert(name.to_ascii_lowercase()) {
            problems.push(
                Problem::error(Some(id), format!("the field name `{name}` is used twice"))
                    .with_column(Some(name.to_string())),
            );
        }
    }
}
