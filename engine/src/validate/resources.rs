//! Whether the machine can hold a job: the memory its buffers may take and its threads.

use super::{Analysis, Problem};
use crate::spec::{FieldKind, NodeKind, PipelineSpec};
use crate::types::{DataType, Schema};

/// What a channel slot costs beside its rows: the message and the batch's column headers.
const SLOT_BYTES: u64 = 64;
/// The bytes a string value is assumed to take where nothing says more.
const STRING_BYTES: u64 = 64;

/// `1 channel`, `2 channels`, `1 batch`, `8 batches`.
pub fn plural(n: u64, word: &str) -> String {
    match (n, word.ends_with("ch") || word.ends_with('s')) {
        (1, _) => format!("{n} {word}"),
        (_, true) => format!("{n} {word}es"),
        (_, false) => format!("{n} {word}s"),
    }
}

/// The bytes one row of `schema` takes in a batch: values, offsets and validity.
fn row_bytes(schema: &Schema, string_bytes: u64) -> u64 {
    schema
        .fields
        .iter()
        .map(|f| match f.data_type {
            DataType::Utf8 => 9 + string_bytes,
            DataType::Bool => 2,
            _ => 9,
        })
        .sum::<u64>()
        .max(1)
}

/// Refuses a job that the machine cannot hold: the memory its channels and batches may take
/// when every channel is full (backpressure everywhere), and one thread per task instance.
/// Counts what the plan really makes: a chained pipeline has no channels at all.
pub(super) fn check_resources(
    spec: &PipelineSpec,
    analysis: &Analysis,
    graph: &crate::runtime::JobGraph,
    problems: &mut Vec<Problem>,
) {
    use crate::limits::{bytes, memory_budget, thread_budget};
    use crate::runtime::Partition;
    let threads = graph.task_count() as u64;
    let allowed = thread_budget();
    if threads > allowed {
        problems.push(Problem::error(
            None,
            format!(
                "the job needs {threads} threads (one per parallel instance of each task), \
                 more than the {allowed} this machine allows; lower the parallelism"
            ),
        ));
    }
    // Strings are assumed as long as the longest a Datagen makes, or a typical length.
    let string_bytes = spec
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Datagen(c) => c
                .fields
                .iter()
                .filter_map(|f| match f.kind {
                    FieldKind::Random { length, .. } => length,
                    _ => None,
                })
                .max(),
            _ => None,
        })
        .max()
        .map_or(STRING_BYTES, |l| (l as u64).max(STRING_BYTES));
    let batch = spec.job.batch_size as u64;
    let slots_per_channel = spec.job.channel_capacity as u64 + 1;
    let mut channels = 0u64;
    let mut total = 0u64;
    for edge in &graph.edges {
        let (from, to) = (
            graph.vertices[edge.from].parallelism as u64,
            graph.vertices[edge.to].parallelism as u64,
        );
        let count = match edge.partition {
            Partition::Forward => from,
            _ => from * to,
        };
        channels += count;
        let per_slot =
            SLOT_BYTES.saturating_add(batch.saturating_mul(row_bytes(&edge.schema, string_bytes)));
        total = total.saturating_add(
            count
                .saturating_mul(slots_per_channel)
                .saturating_mul(per_slot),
        );
    }
    // Each task instance holds a batch being built and one being handed on.
    for vertex in &graph.vertices {
        let widest = vertex
            .nodes
            .iter()
            .filter_map(|id| analysis.outputs.get(id))
            .map(|t| row_bytes(&t.schema, string_bytes))
            .max()
            .unwrap_or(1);
        total = total.saturating_add(
            (vertex.parallelism as u64 * 2).saturating_mul(batch.saturating_mul(widest)),
        );
    }
    let budget = memory_budget();
    if total > budget.bytes {
        problems.push(Problem::error(
            None,
            format!(
                "these settings could buffer about {} ({} of {} of {batch} rows, \
                 and the batches being built), more than the {} a job may use ({}); \
                 lower the batch size, the channel capacity or the parallelism",
                bytes(total),
                plural(channels, "channel"),
                plural(spec.job.channel_capacity as u64, "batch"),
                bytes(budget.bytes),
                budget.explain(),
            ),
        ));
    }
}
