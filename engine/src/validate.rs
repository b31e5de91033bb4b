//! Validation: checks a pipeline's wiring and configuration and propagates a typed schema
//! along every edge, so each problem is found before a job starts and names its node.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

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
            Some(node) => write!(f, "node `{node}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The type of the rows on a port: the schema, and the key when the stream is partitioned
/// by key (the designer colours keyed pins differently).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortType {
    pub schema: SchemaRef,
    pub keys: Option<Vec<String>>,
}

/// What validation learnt about a pipeline: the type of each node's output, and its problems.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Output type of each node whose inputs and configuration are valid, by node id.
    pub outputs: HashMap<String, PortType>,
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

    /// The schema arriving at input `port` of node `id` (the first edge's, for a union).
    pub fn input_schema(&self, spec: &PipelineSpec, id: &str) -> Option<SchemaRef> {
        spec.inputs_of(id)
            .find_map(|e| self.outputs.get(&e.from))
            .map(|t| t.schema.clone())
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

/// Checks everything and collects every problem; never stops at the first.
pub fn analyze(spec: &PipelineSpec) -> Analysis {
    let mut analysis = Analysis::default();
    let problems = &mut analysis.problems;
    check_job(&spec.job, problems);
    let nodes = check_nodes(spec, problems);
    // From here on only well-formed edges count, so a bad edge is one problem, not several.
    let edges = check_edges(spec, &nodes, problems);
    check_buffers(spec, &nodes, &edges, problems);
    check_has_sink(spec, problems);
    let Some(order) = topological_order(spec, &nodes, &edges, problems) else {
        return analysis;
    };
    for id in &order {
        let node = nodes[id.as_str()];
        let inputs: Vec<&EdgeSpec> = edges.iter().filter(|e| e.to == *id).copied().collect();
        check_connections(spec, node, &inputs, &mut analysis.problems);
        // A node is typed only once all its inputs are: no cascade of errors downstream.
        let input_types: Option<Vec<&PortType>> = inputs
            .iter()
            .map(|e| analysis.outputs.get(&e.from))
            .collect();
        let Some(input_types) = input_types else {
            continue;
        };
        if node.kind.category() != Category::Source && input_types.is_empty() {
            continue;
        }
        match output_type(node, &inputs, &input_types) {
            Ok(Some(t)) => {
                analysis.outputs.insert(id.clone(), t);
            }
            Ok(None) => {}
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
            "the pipeline has no sink: add a Console, FileSink or Blackhole node",
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
}

/// Batch slots all channels may hold together. Channels reserve their slots when the job
/// starts, so this is memory taken at once, not only under backpressure.
pub const MAX_CHANNEL_SLOTS: u64 = 1 << 21;
/// Rows all channels may hold together when every one is full (backpressure everywhere).
pub const MAX_BUFFERED_ROWS: u64 = 1 << 30;

/// Parallelism, channel capacity and batch size multiply: each edge between instances is a
/// channel of `channel_capacity` batches of up to `batch_size` rows. Refuse settings whose
/// buffers could not fit in memory, before they are allocated.
fn check_buffers(
    spec: &PipelineSpec,
    nodes: &BTreeMap<&str, &NodeSpec>,
    edges: &[&EdgeSpec],
    problems: &mut Vec<Problem>,
) {
    // Every instance of one end may send to every instance of the other: an upper bound, as
    // chained or forwarded edges use fewer channels.
    let channels: u64 = edges
        .iter()
        .map(|e| {
            let p = |id: &str| nodes.get(id).map_or(1, |n| spec.parallelism_of(n)) as u64;
            p(&e.from) * p(&e.to)
        })
        .sum();
    let slots = channels.saturating_mul(spec.job.channel_capacity as u64);
    let rows = slots.saturating_mul(spec.job.batch_size as u64);
    if slots > MAX_CHANNEL_SLOTS || rows > MAX_BUFFERED_ROWS {
        problems.push(Problem::error(
            None,
            format!(
                "these settings could buffer {slots} batches ({rows} rows) in {channels} channels, \
                 more than memory holds (at most {MAX_CHANNEL_SLOTS} batches, {MAX_BUFFERED_ROWS} rows); \
                 lower the parallelism, the channel capacity or the batch size"
            ),
        ));
    }
}

/// Node ids must be present and unique; returns the nodes by id.
fn check_nodes<'a>(
    spec: &'a PipelineSpec,
    problems: &mut Vec<Problem>,
) -> BTreeMap<&'a str, &'a NodeSpec> {
    let mut nodes = BTreeMap::new();
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
                    node.id,
                    node.kind.name()
                ),
            ));
            continue;
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
        let single = matches!(node.kind, NodeKind::FileSource(_) | NodeKind::FileSink(_));
        if single && spec.parallelism_of(node) > 1 {
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
    nodes: &BTreeMap<&str, &NodeSpec>,
    problems: &mut Vec<Problem>,
) -> Vec<&'a EdgeSpec> {
    let mut seen = HashSet::new();
    let mut valid = Vec::new();
    for edge in &spec.edges {
        let known = problems.len();
        let wire = format!("edge `{}` → `{}`", edge.from, edge.to);
        let (from, to) = (nodes.get(edge.from.as_str()), nodes.get(edge.to.as_str()));
        for (end, id) in [(from, &edge.from), (to, &edge.to)] {
            if end.is_none() {
                // Name the end that exists, so the problem shows on a node the user can see.
                let other = if id == &edge.from { to } else { from };
                problems.push(Problem::error(
                    other.map(|n| n.id.as_str()),
                    format!("{wire} is dangling: there is no node `{id}`"),
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
                        edge.from_port,
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
                        edge.to_port,
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

/// Kahn's algorithm; reports a cycle by naming the nodes on it.
fn topological_order(
    spec: &PipelineSpec,
    nodes: &BTreeMap<&str, &NodeSpec>,
    edges: &[&EdgeSpec],
    problems: &mut Vec<Problem>,
) -> Option<Vec<String>> {
    let mut indegree: HashMap<&str, usize> = nodes.keys().map(|id| (*id, 0)).collect();
    for e in edges {
        *indegree.get_mut(e.to.as_str()).unwrap() += 1;
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
        for e in edges.iter().filter(|e| e.from == id) {
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
    // Left over are the cycles and what lies downstream of them; peel off nodes that lead
    // nowhere within the leftovers until only the cycles remain.
    let mut stuck: HashSet<&str> = indegree
        .iter()
        .filter(|(_, d)| **d > 0)
        .map(|(id, _)| *id)
        .collect();
    loop {
        let dead_ends: Vec<&str> = stuck
            .iter()
            .copied()
            .filter(|id| {
                !edges
                    .iter()
                    .any(|e| e.from == *id && stuck.contains(e.to.as_str()))
            })
            .collect();
        if dead_ends.is_empty() {
            break;
        }
        for id in dead_ends {
            stuck.remove(id);
        }
    }
    let cycle: Vec<&str> = spec
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .filter(|id| stuck.contains(id))
        .collect();
    for id in &cycle {
        problems.push(Problem::error(
            Some(id),
            format!(
                "part of a cycle among {}; pipelines must not loop",
                cycle.join(", ")
            ),
        ));
    }
    None
}

/// Inputs and outputs a node needs: a transform or sink needs its input, a single input port
/// takes one edge, and an output that goes nowhere is worth a warning.
fn check_connections(
    spec: &PipelineSpec,
    node: &NodeSpec,
    inputs: &[&EdgeSpec],
    problems: &mut Vec<Problem>,
) {
    for port in node.kind.inputs() {
        let count = inputs.iter().filter(|e| e.to_port == port.name).count();
        // A wire with a bad port was already reported; don't add "no input" on top of it.
        let wired = spec.inputs_of(&node.id).next().is_some();
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
    if !node.kind.outputs().is_empty() && spec.outputs_of(&node.id).next().is_none() {
        problems.push(Problem::warning(
            &node.id,
            "its output is not connected, so its rows are dropped",
        ));
    }
}

fn expr_problem(node: &NodeSpec, what: &str, e: ExprError) -> Problem {
    Problem::error(Some(&node.id), format!("{what}: {}", e.message)).with_column(e.column)
}

fn plain(schema: Schema) -> PortType {
    PortType {
        schema: Arc::new(schema),
        keys: None,
    }
}

/// The output type of a node given its input types, or the problems of its configuration.
fn output_type(
    node: &NodeSpec,
    edges: &[&EdgeSpec],
    inputs: &[&PortType],
) -> Result<Option<PortType>, Vec<Problem>> {
    let id = node.id.as_str();
    let err = |message: String| vec![Problem::error(Some(id), message)];
    let input = inputs.first().map(|t| t.schema.clone()).unwrap_or_default();
    match &node.kind {
        NodeKind::Datagen(config) => check_datagen(id, config).map(|s| Some(plain(s))),
        NodeKind::FileSource(config) => check_file_source(id, config).map(|s| Some(plain(s))),
        NodeKind::Nexmark(config) => {
            let mut problems = Vec::new();
            if config.events == Some(0) {
                problems.push(Problem::error(
                    Some(id),
                    "events must be at least 1 (or unset for an endless stream)",
                ));
            }
            if config.events_per_second == Some(0) {
                problems.push(Problem::error(
                    Some(id),
                    "events per second must be at least 1 (or unset for full speed)",
                ));
            }
            if let Some(t) = &config.base_time
                && crate::types::parse_timestamp(t).is_none()
            {
                problems.push(Problem::error(
                    Some(id),
                    format!("base time `{t}` is not a timestamp like 2024-01-02 09:30:00"),
                ));
            }
            if problems.is_empty() {
                Ok(Some(plain(config.stream.schema())))
            } else {
                Err(problems)
            }
        }
        NodeKind::Filter(config) => match Predicate::compile(&config.condition, &input) {
            Ok(_) => Ok(Some((*inputs[0]).clone())),
            Err(e) => Err(vec![expr_problem(node, "condition", e)]),
        },
        NodeKind::Map(config) => {
            if config.columns.is_empty() {
                return Err(err("a Map needs at least one column expression".into()));
            }
            let mut problems = Vec::new();
            let mut fields: Vec<Field> = Vec::new();
            for (i, text) in config.columns.iter().enumerate() {
                match SelectItem::compile(text, i, &input) {
                    Ok(item) => {
                        if fields
                            .iter()
                            .any(|f| f.name.eq_ignore_ascii_case(&item.name))
                        {
                            problems.push(
                                Problem::error(
                                    Some(id),
                                    format!("column {}: the name `{}` is used twice; rename one with AS", i + 1, item.name),
                                )
                                .with_column(Some(item.name.clone())),
                            );
                        }
                        fields.push(Field::new(item.name, item.expr.data_type()));
                    }
                    Err(e) => problems.push(expr_problem(node, &format!("column {}", i + 1), e)),
                }
            }
            if problems.is_empty() {
                Ok(Some(plain(Schema::new(fields))))
            } else {
                Err(problems)
            }
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
                Ok(Some(PortType {
                    schema: input.clone(),
                    keys: Some(keys),
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
                        edges[0].from, input, edge.from, t.schema
                    )));
                }
            }
            Ok(Some(plain((*input).clone())))
        }
        NodeKind::FileSink(config) => {
            if config.path.trim().is_empty() {
                return Err(err("the file path is empty".into()));
            }
            Ok(None)
        }
        NodeKind::Console(_) | NodeKind::Blackhole(_) => Ok(None),
    }
}

/// `unknown key column `x`; available columns: a, b`, placed on the column.
fn unknown_column(id: &str, what: &str, name: &str, schema: &Schema) -> Problem {
    Problem::error(
        Some(id),
        format!(
            "unknown {what} `{name}`; available columns: {}",
            columns_list(schema)
        ),
    )
    .with_column(Some(name.to_string()))
}

fn columns_list(schema: &Schema) -> String {
    if schema.is_empty() {
        return "none".into();
    }
    schema.names().collect::<Vec<_>>().join(", ")
}

fn check_field_names<'a>(
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

fn check_datagen(id: &str, config: &DatagenConfig) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    if config.fields.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "a Datagen needs at least one field",
        ));
    }
    check_field_names(
        id,
        config.fields.iter().map(|f| f.name.as_str()),
        &mut problems,
    );
    if config.rows_per_second == Some(0) {
        problems.push(Problem::error(
            Some(id),
            "rows per second must be at least 1 (or unset for full speed)",
        ));
    }
    for field in &config.fields {
        let column = Some(field.name.clone());
        let mut bad = |message: String| {
            problems.push(Problem::error(Some(id), message).with_column(column.clone()))
        };
        let name = &field.name;
        match &field.kind {
            FieldKind::Sequence { start, end } => {
                if field.data_type == DataType::Bool || field.data_type == DataType::Timestamp {
                    bad(format!(
                        "field `{name}`: a sequence cannot fill a {} field",
                        field.data_type
                    ));
                }
                if start > end {
                    bad(format!(
                        "field `{name}`: the sequence start {start} is after its end {end}"
                    ));
                }
            }
            FieldKind::Random {
                min,
                max,
                null_rate,
                ..
            } => {
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    bad(format!(
                        "field `{name}`: min {min} is greater than max {max}"
                    ));
                }
                if !(0.0..=1.0).contains(null_rate) {
                    bad(format!(
                        "field `{name}`: null rate {null_rate} is not between 0 and 1"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Schema::new(
            config
                .fields
                .iter()
                .map(|f| Field::new(&f.name, f.data_type))
                .collect(),
        ))
    } else {
        Err(problems)
    }
}

fn check_file_source(id: &str, config: &FileSourceConfig) -> Result<Schema, Vec<Problem>> {
    let mut problems = Vec::new();
    if config.path.trim().is_empty() {
        problems.push(Problem::error(Some(id), "the file path is empty"));
    }
    if config.schema.is_empty() {
        problems.push(Problem::error(
            Some(id),
            "declare the file's columns in its schema",
        ));
    }
    check_field_names(
        id,
        config.schema.iter().map(|f| f.name.as_str()),
        &mut problems,
    );
    let schema = Schema::new(config.schema.clone());
    if let Some(name) = &config.event_time {
        match schema.field(name) {
            Some(f) if matches!(f.data_type, DataType::Timestamp | DataType::Int64) => {}
            Some(f) => problems.push(
                Problem::error(
                    Some(id),
                    format!(
                        "event time column `{name}` is {}, not TIMESTAMP(3) or BIGINT",
                        f.data_type
                    ),
                )
                .with_column(Some(name.clone())),
            ),
            None => problems.push(unknown_column(id, "event time column", name, &schema)),
        }
    }
    if problems.is_empty() {
        Ok(schema)
    } else {
        Err(problems)
    }
}

/// Problems only the file system can tell: input files of FileSource nodes that do not exist.
/// Relative paths resolve against `base_dir`, the pipeline file's folder.
pub fn check_files(spec: &PipelineSpec, base_dir: &std::path::Path) -> Vec<Problem> {
    spec.nodes
        .iter()
        .filter_map(|node| match &node.kind {
            NodeKind::FileSource(config) if !config.path.trim().is_empty() => {
                let path = base_dir.join(&config.path);
                (!path.is_file()).then(|| {
                    Problem::error(
                        Some(&node.id),
                        format!("input file {} does not exist", path.display()),
                    )
                })
            }
            _ => None,
        })
        .collect()
}
