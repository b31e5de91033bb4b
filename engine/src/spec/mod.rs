//! `PipelineSpec`: the pipeline as a user describes it and as it is saved to a RON file.

mod file;
mod nodes;
mod topology;
mod transport;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use file::{SpecError, load_file, parse, to_ron};
pub use nodes::*;
pub use topology::Topology;
pub use transport::*;

/// The pipeline file format this build writes and reads. Older versions are read; newer ones
/// are refused with a message naming both versions.
pub const SPEC_VERSION: u32 = 1;

/// A pipeline: nodes joined by edges, job settings, and the designer's layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    pub version: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub nodes: Vec<NodeSpec>,
    #[serde(default)]
    pub edges: Vec<EdgeSpec>,
    #[serde(default)]
    pub job: JobSettings,
    /// Positions of nodes in the designer. The engine ignores it.
    #[serde(default, skip_serializing_if = "Layout::is_empty")]
    pub layout: Layout,
}

impl PipelineSpec {
    pub fn new(name: impl Into<String>) -> Self {
        PipelineSpec {
            version: SPEC_VERSION,
            name: name.into(),
            description: String::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            job: JobSettings::default(),
            layout: Layout::default(),
        }
    }

    /// The node with this id. A linear search: for many lookups, use [`PipelineSpec::topology`].
    pub fn node(&self, id: &str) -> Option<&NodeSpec> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The parallelism a node runs with: its own setting, else the job's; file nodes, which
    /// read or write one file, run single unless told otherwise (and then validation objects).
    /// A KeyBy only picks the instance each row goes to next, so unless told otherwise it
    /// runs in its input's instances: a hop of its own would deal rows round-robin between
    /// them, and what follows would see their watermarks interleave differently each run.
    /// Finds the input by a scan of the edges; [`Topology::parallelism_of`] looks it up.
    pub fn parallelism_of(&self, node: &NodeSpec) -> u32 {
        self.parallelism_with(node, |n| {
            let edge = self.edges.iter().find(|e| e.to == n.id)?;
            self.node(&edge.from)
        })
    }

    /// [`PipelineSpec::parallelism_of`], with `upstream` giving a node's input node.
    pub(crate) fn parallelism_with<'a>(
        &'a self,
        node: &'a NodeSpec,
        upstream: impl Fn(&NodeSpec) -> Option<&'a NodeSpec>,
    ) -> u32 {
        // Past this many KeyBys in a row (which key nothing more), the job's parallelism.
        const MOST_KEYBYS: usize = 64;
        let mut at = node;
        for _ in 0..MOST_KEYBYS {
            if at.parallelism.is_some() || !matches!(at.kind, NodeKind::KeyBy(_)) {
                return self.own_parallelism(at);
            }
            match upstream(at) {
                Some(input) => at = input,
                None => break,
            }
        }
        self.own_parallelism(if at.parallelism.is_some() { at } else { node })
    }

    fn own_parallelism(&self, node: &NodeSpec) -> u32 {
        let single = node.kind.runs_single();
        let default = if single { 1 } else { self.job.parallelism };
        node.parallelism.unwrap_or(default).max(1)
    }

    /// The first source that never ends by itself, if any: with none, the job is a batch job.
    pub fn unbounded_source(&self) -> Option<&NodeSpec> {
        self.nodes.iter().find(|n| !n.kind.is_bounded())
    }

    /// An index of nodes by id and edges by their ends, for lookups in constant time.
    pub fn topology(&self) -> Topology<'_> {
        Topology::new(self)
    }
}

/// A node id (or any name from a file) as messages quote it: whole when short, its start
/// when long, so a megabyte-long id cannot flood every message about its node.
pub fn quote_id(id: &str) -> String {
    const MAX: usize = 60;
    if id.chars().count() <= MAX {
        id.to_string()
    } else {
        format!("{}…", id.chars().take(MAX).collect::<String>())
    }
}

/// One node: a stable id, its kind with the kind's configuration, and optionally its own
/// parallelism.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    pub kind: NodeKind,
}

impl NodeSpec {
    pub fn new(id: impl Into<String>, kind: NodeKind) -> Self {
        NodeSpec {
            id: id.into(),
            parallelism: None,
            kind,
        }
    }
}

/// The default name of a node's single input and output port.
pub const DEFAULT_PORT: &str = "in";
pub const DEFAULT_OUTPUT: &str = "out";

fn default_input() -> String {
    DEFAULT_PORT.to_string()
}

fn default_output() -> String {
    DEFAULT_OUTPUT.to_string()
}

fn is_default_input(port: &str) -> bool {
    port == DEFAULT_PORT
}

fn is_default_output(port: &str) -> bool {
    port == DEFAULT_OUTPUT
}

/// A wire from an output port of one node to an input port of another.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeSpec {
    pub from: String,
    #[serde(default = "default_output", skip_serializing_if = "is_default_output")]
    pub from_port: String,
    pub to: String,
    #[serde(default = "default_input", skip_serializing_if = "is_default_input")]
    pub to_port: String,
}

impl EdgeSpec {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        EdgeSpec {
            from: from.into(),
            from_port: default_output(),
            to: to.into(),
            to_port: default_input(),
        }
    }
}

/// Settings that apply to the whole job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobSettings {
    /// Parallelism of nodes that do not set their own.
    pub parallelism: u32,
    /// Rows per batch. 1 is event-at-a-time; larger batches trade latency for throughput.
    pub batch_size: usize,
    /// The longest a partly filled batch waits before it is sent on, in milliseconds.
    pub buffer_timeout_ms: u64,
    /// Batches a channel holds before its sender blocks (backpressure).
    pub channel_capacity: usize,
    /// How often a source sends its watermark on its own, in milliseconds (Flink's
    /// `pipeline.auto-watermark-interval`); 0 sends one after every batch that raises it.
    /// Results do not depend on it: every row carries the watermark in force before it.
    pub watermark_interval_ms: u64,
    /// How often a checkpoint is taken, in milliseconds (Flink's
    /// `execution.checkpointing.interval`); `None` takes them only on demand. Checkpoints are
    /// written to the run's checkpoint folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_interval_ms: Option<u64>,
    /// Completed checkpoints kept in the folder; older ones are removed.
    pub checkpoints_retained: usize,
    /// A checkpoint not completed within this many milliseconds fails, and the job goes on.
    pub checkpoint_timeout_ms: u64,
    /// What happens when a task fails.
    pub restart: RestartStrategy,
    /// Fails a node on purpose, to see the job recover (tests and lessons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject_failure: Option<FailureInjection>,
}

/// What the job does when a task fails (Flink's `restart-strategy`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum RestartStrategy {
    /// The job fails with the task.
    #[default]
    None,
    /// Restarts from the last completed checkpoint (or from the start when there is none),
    /// up to `attempts` times, waiting `delay_ms` before each.
    FixedDelay { attempts: u32, delay_ms: u64 },
}

/// A failure of node `node` once `after_rows` rows have reached it in an attempt, or with a
/// `seed`, at a random point within that many rows; `times` failures in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureInjection {
    pub node: String,
    pub after_rows: u64,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

fn one() -> u32 {
    1
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            parallelism: 1,
            batch_size: 1024,
            buffer_timeout_ms: 100,
            channel_capacity: 8,
            watermark_interval_ms: 200,
            checkpoint_interval_ms: None,
            checkpoints_retained: 3,
            checkpoint_timeout_ms: 60_000,
            restart: RestartStrategy::None,
            inject_failure: None,
        }
    }
}

/// Where the designer placed each node, by node id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    pub nodes: BTreeMap<String, Position>,
}

impl Layout {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f32,
    pub y: f32,
}
