//! Building one attempt of a job: its channels and its tasks with their operators, from a
//! checkpoint when there is one. Apart from control, so a restart builds the same way.

use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::bounded;

use super::attempt::{Attempt, Chaos};
use super::job::{JobError, JobShared, RunOptions};
use super::output::{OutEdge, Output};
use super::plan::{JobGraph, Partition};
use super::task::{Head, Input, Link, Task, TaskCheckpoints};
use super::task_state::{SourceTaskState, decode, restored_inputs};
use crate::checkpoint::{Coordinator, Restore, StatePart};
use crate::operators::{self, Context};
use crate::spec::{Category, LATE_OUTPUT, NodeSpec, PipelineSpec};
use crate::time::WatermarkAssigner;
use crate::validate::Analysis;

/// What every attempt of a job is built from.
pub struct JobDefinition {
    pub spec: PipelineSpec,
    pub analysis: Analysis,
    pub graph: Arc<JobGraph>,
    pub options: RunOptions,
    pub coordinator: Option<Arc<Coordinator>>,
}

/// The tasks of one attempt, each with its thread's name, ready to run.
pub fn build_attempt(
    def: &JobDefinition,
    shared: &Arc<JobShared>,
    attempt: &Arc<Attempt>,
    restore: Option<&Restore>,
) -> Result<Vec<(String, Task)>, JobError> {
    let spec = &def.spec;
    let analysis = &def.analysis;
    let graph = &def.graph;
    let topology = spec.topology();

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
                shared.task_counters(edge.from, i),
            ));
        }
    }

    // Then operators, built here so a missing file fails the start, not a thread.
    let timeout = Duration::from_millis(spec.job.buffer_timeout_ms);
    let chaos_node = attempt.chaos.as_ref().map(|c| c.node.clone());
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
                    base_dir: def.options.base_dir.clone(),
                    input_schema,
                    output_schema,
                    console: def.options.console.clone(),
                    report: shared.report(),
                    stop: attempt.stop.clone(),
                    checkpointing: def.coordinator.is_some(),
                    failed: attempt.failed.clone(),
                }
            };
            let head_id = &vertex.nodes[0];
            let head_node = topology.node(head_id).expect("planned");
            let mut chain_ids = &vertex.nodes[..];
            let head = if head_node.kind.category() == Category::Source {
                chain_ids = &vertex.nodes[1..];
                let mut source = operators::build_source(head_node, &context(head_id))
                    .map_err(|m| failed(head_id, m))?;
                let mut assigner = watermark_assigner(spec, analysis, head_node);
                let mut held = None;
                if let Some(restore) = restore
                    && let Some((_, bytes)) = restore
                        .states_of(head_id, StatePart::Source)
                        .into_iter()
                        .find(|(s, _)| *s == i)
                {
                    let state: SourceTaskState =
                        decode(bytes, "position").map_err(|m| failed(head_id, m))?;
                    source
                        .restore(&state.position)
                        .map_err(|m| failed(head_id, m))?;
                    if let Some(a) = &mut assigner {
                        a.restore((state.max_event_time, state.watermark));
                    }
                    if let Some(rows) = state.held {
                        let types: Vec<_> = analysis
                            .outputs
                            .get(head_id.as_str())
                            .map(|t| t.schema.fields.iter().map(|f| f.data_type).collect())
                            .unwrap_or_default();
                        let batch = rows.decode(&types).map_err(|m| {
                            failed(head_id, format!("the checkpoint's held rows: {m}"))
                        })?;
                        held = Some(batch);
                    }
                }
                Head::Source {
                    node: head_id.clone(),
                    source,
                    counters: shared.counters_of(head_id, i),
                    assigner,
                    peek: shared
                        .peeks_of(head_id)
                        .first()
                        .cloned()
                        .unwrap_or_default(),
                    held,
                }
            } else {
                let ports: Vec<usize> = inputs.iter().map(|input| input.port).collect();
                let restored = match restore {
                    Some(r) => {
                        restored_inputs(r, head_id, i, &ports).map_err(|m| failed(head_id, m))?
                    }
                    None => None,
                };
                Head::Inputs { inputs, restored }
            };
            let first = vertex.nodes.len() - chain_ids.len();
            let chain = chain_ids
                .iter()
                .enumerate()
                .map(|(k, id)| {
                    let node = topology.node(id).expect("planned");
                    let mut op =
                        operators::build_operator(node, &context(id)).map_err(|m| failed(id, m))?;
                    if let Some(restore) = restore {
                        let states: Vec<Vec<u8>> = restore
                            .states_of(id, StatePart::Operator)
                            .into_iter()
                            .map(|(_, b)| b.to_vec())
                            .collect();
                        if !states.is_empty() {
                            op.restore(&states).map_err(|m| failed(id, m))?;
                        }
                    }
                    Ok(Link {
                        node: id.clone(),
                        op,
                        counters: shared.counters_of(id, i),
                        next_port: vertex.ports.get(first + k + 1).copied().unwrap_or(0),
                        late_port: node.kind.outputs().iter().position(|p| *p == LATE_OUTPUT),
                        peeks: shared.peeks_of(id),
                        chaos: attempt
                            .chaos
                            .clone()
                            .filter(|_| chaos_node.as_deref() == Some(id.as_str())),
                    })
                })
                .collect::<Result<Vec<_>, JobError>>()?;
            let name = format!(
                "{} ({}/{})",
                vertex.nodes.join(" -> "),
                i + 1,
                vertex.parallelism
            );
            let index = tasks.len();
            let checkpoints = def.coordinator.as_ref().map(|c| TaskCheckpoints {
                coordinator: c.clone(),
                acks: c.acks(),
                index,
                last_barrier: 0,
                committed: c.completed(),
            });
            tasks.push((
                name,
                Task {
                    head,
                    chain,
                    output: Output::new(out_edges, spec.job.batch_size, timeout),
                    shared: shared.clone(),
                    attempt: attempt.clone(),
                    counters: shared.task_counters(v, i),
                    subtask: i,
                    checkpoints,
                },
            ));
        }
    }
    Ok(tasks)
}

/// The failure attempt `number` injects, if the job asks for one.
pub fn chaos_for(spec: &PipelineSpec, number: u32) -> Option<Arc<Chaos>> {
    spec.job
        .inject_failure
        .as_ref()
        .and_then(|f| Chaos::for_attempt(f, number))
}

/// The assigner that stamps a source's rows with event time, if the source has it.
fn watermark_assigner(
    spec: &PipelineSpec,
    analysis: &Analysis,
    source: &NodeSpec,
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

pub fn failed(node: &str, message: String) -> JobError {
    JobError::Failed {
        node: node.to_string(),
        message,
    }
}
