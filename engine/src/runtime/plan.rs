//! The job graph: nodes grouped into chains that run in one task, and the edges between
//! chains with their partitioning.

use std::fmt;

use crate::spec::{NodeKind, PipelineSpec, Topology};
use crate::types::SchemaRef;
use crate::validate::Analysis;

/// How rows of an edge are spread over the receiving node's parallel instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Partition {
    /// Instance `i` sends to instance `i` (equal parallelism).
    Forward,
    /// Batches go round-robin to all instances.
    Rebalance,
    /// Each row goes to the instance that owns its key (these column positions).
    Hash(Vec<usize>),
}

/// A chain of nodes run by one task per parallel instance; the head is first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vertex {
    pub nodes: Vec<String>,
    /// `ports[i]` is the output port of `nodes[i - 1]` that feeds `nodes[i]` (0 for the head).
    pub ports: Vec<usize>,
    pub parallelism: usize,
}

/// A channel bundle from the last node of one vertex to the head of another.
#[derive(Clone, Debug)]
pub struct VertexEdge {
    pub from: usize,
    pub to: usize,
    /// Output port index of the sending vertex's last node.
    pub from_port: usize,
    /// Input port index of the receiving head node.
    pub port: usize,
    pub partition: Partition,
    pub schema: SchemaRef,
}

#[derive(Clone, Debug, Default)]
pub struct JobGraph {
    pub vertices: Vec<Vertex>,
    pub edges: Vec<VertexEdge>,
}

impl JobGraph {
    /// Builds the graph of a validated pipeline. A node joins its input's chain when the edge
    /// between them is the only way in and out (forward, same parallelism, not after a KeyBy
    /// that spreads keys over several instances): chained operators pass batches by a
    /// function call instead of a channel.
    pub fn build(spec: &PipelineSpec, analysis: &Analysis) -> JobGraph {
        Self::plan(spec, analysis, &spec.topology())
    }

    /// As [`JobGraph::build`], with the pipeline's index already at hand.
    pub fn plan(spec: &PipelineSpec, analysis: &Analysis, topology: &Topology) -> JobGraph {
        let mut graph = JobGraph::default();
        let mut vertex_of: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
        vertex_of.reserve(analysis.order.len());
        for id in &analysis.order {
            let node = topology.node(id).expect("analysed nodes exist");
            let parallelism = topology.parallelism_of(spec, node) as usize;
            let inputs = topology.inputs_of(id);
            let chained_to = match inputs {
                [edge] => {
                    let upstream = topology.node(&edge.from).expect("validated edge");
                    let v: usize = vertex_of[edge.from.as_str()];
                    // After a KeyBy rows change instance by key, unless there is only one.
                    let keyed_hop = matches!(upstream.kind, NodeKind::KeyBy(_)) && parallelism > 1;
                    // A Throttle stands for a slow task of its own, so the steps before it
                    // feel backpressure rather than run slowly themselves.
                    let throttle = matches!(node.kind, NodeKind::Throttle(_));
                    let chainable = topology.outputs_of(&edge.from).len() == 1
                        && !keyed_hop
                        && !throttle
                        && graph.vertices[v].parallelism == parallelism
                        && graph.vertices[v].nodes.last() == Some(&edge.from);
                    chainable.then_some(v)
                }
                _ => None,
            };
            match chained_to {
                Some(v) => {
                    let upstream = topology.node(&inputs[0].from).expect("validated edge");
                    graph.vertices[v].nodes.push(id.clone());
                    graph.vertices[v]
                        .ports
                        .push(output_port(&upstream.kind, &inputs[0].from_port));
                    vertex_of.insert(id, v);
                }
                None => {
                    let v = graph.vertices.len();
                    graph.vertices.push(Vertex {
                        nodes: vec![id.clone()],
                        ports: vec![0],
                        parallelism,
                    });
                    vertex_of.insert(id, v);
                    for edge in inputs {
                        let from = vertex_of[edge.from.as_str()];
                        let upstream = topology.node(&edge.from).expect("validated edge");
                        let output = analysis.edge_type(edge).expect("typed edge");
                        let same_parallelism = graph.vertices[from].parallelism == parallelism;
                        // A keyed stream stays keyed: forward keeps each key on its instance
                        // only when nothing re-partitions; otherwise hash again.
                        let partition = match &output.keys {
                            Some(keys)
                                if matches!(upstream.kind, NodeKind::KeyBy(_))
                                    || !same_parallelism =>
                            {
                                Partition::Hash(
                                    keys.iter()
                                        .filter_map(|k| output.schema.index_of(k))
                                        .collect(),
                                )
                            }
                            _ if same_parallelism => Partition::Forward,
                            _ => Partition::Rebalance,
                        };
                        let port = node
                            .kind
                            .inputs()
                            .iter()
                            .position(|p| p.name == edge.to_port)
                            .unwrap_or(0);
                        graph.edges.push(VertexEdge {
                            from,
                            to: v,
                            from_port: output_port(&upstream.kind, &edge.from_port),
                            port,
                            partition,
                            schema: output.schema.clone(),
                        });
                    }
                }
            }
        }
        graph
    }

    /// Number of threads the job runs.
    pub fn task_count(&self) -> usize {
        self.vertices.iter().map(|v| v.parallelism).sum()
    }
}

/// The index of a node kind's output port by name (0, `out`, when unknown).
pub fn output_port(kind: &NodeKind, name: &str) -> usize {
    kind.outputs().iter().position(|p| *p == name).unwrap_or(0)
}

impl fmt::Display for JobGraph {
    /// One line per task group, e.g. `gen -> filter -> map  (parallelism 2)`, then the edges.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.vertices.iter().enumerate() {
            writeln!(
                f,
                "  task {}: {}  (parallelism {})",
                i + 1,
                v.nodes.join(" -> "),
                v.parallelism
            )?;
        }
        for e in &self.edges {
            let how = match &e.partition {
                Partition::Forward => "forward".to_string(),
                Partition::Rebalance => "rebalance".to_string(),
                Partition::Hash(keys) => {
                    let names: Vec<_> = keys
                        .iter()
                        .map(|k| e.schema.fields[*k].name.as_str())
                        .collect();
                    format!("hash({})", names.join(", "))
                }
            };
            writeln!(
                f,
                "  channel: task {} -> task {}  ({how})",
                e.from + 1,
                e.to + 1
            )?;
        }
        Ok(())
    }
}
