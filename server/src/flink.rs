//! The job as Flink's REST API shows one: its state, its task vertices (chains of nodes) with
//! their plan and I/O, and the metrics of their subtasks, under Flink 2.x's field names.

use std::time::UNIX_EPOCH;

use engine::checkpoint::{CheckpointStats, CheckpointStatus};

use engine::JobStatus;
use engine::metrics::{InstanceSnapshot, MetricsSnapshot};
use engine::runtime::Partition;
use engine::spec::Category;
use serde_json::{Value, json};

use crate::ServedJob;
use crate::ids::vertex_id;

/// The version the overview reports: the Flink REST API these responses follow.
pub const FLINK_VERSION: &str = "2.0-streamlab";

/// A task vertex: a chain of nodes run by one task per parallel instance.
pub struct VertexInfo {
    pub id: String,
    /// As Flink names chains: `Source: gen -> filter -> Sink: out`.
    pub name: String,
    pub nodes: Vec<String>,
    pub parallelism: usize,
    /// The vertices feeding this one, with how rows are shipped.
    pub inputs: Vec<(usize, &'static str)>,
    /// Whether its last node is a sink (its latency is measured there).
    pub ends_in_sink: bool,
}

impl VertexInfo {
    pub fn head(&self) -> &str {
        &self.nodes[0]
    }

    pub fn tail(&self) -> &str {
        self.nodes.last().expect("a vertex has a node")
    }
}

/// The vertices of a job, in the order the engine runs them.
pub fn vertices(job: &ServedJob) -> Vec<VertexInfo> {
    let graph = job.monitor.graph();
    let category = |id: &str| {
        job.spec
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.kind.category())
    };
    graph
        .vertices
        .iter()
        .enumerate()
        .map(|(v, vertex)| {
            let name = vertex
                .nodes
                .iter()
                .map(|id| match category(id) {
                    Some(Category::Source) => format!("Source: {id}"),
                    Some(Category::Sink) => format!("Sink: {id}"),
                    _ => id.clone(),
                })
                .collect::<Vec<_>>()
                .join(" -> ");
            let inputs = graph
                .edges
                .iter()
                .filter(|e| e.to == v)
                .map(|e| {
                    let ship = match e.partition {
                        Partition::Forward => "FORWARD",
                        Partition::Rebalance => "REBALANCE",
                        Partition::Hash(_) => "HASH",
                    };
                    (e.from, ship)
                })
                .collect();
            VertexInfo {
                id: vertex_id(&vertex.nodes),
                name,
                nodes: vertex.nodes.clone(),
                parallelism: vertex.parallelism,
                inputs,
                ends_in_sink: vertex.nodes.last().and_then(|id| category(id))
                    == Some(Category::Sink),
            }
        })
        .collect()
}

/// A job's state in Flink's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    Running,
    Restarting,
    Cancelling,
    Canceled,
    Finished,
    Failed,
}

impl JobState {
    pub fn of(status: &JobStatus, cancel_requested: bool) -> JobState {
        match (status, cancel_requested) {
            (JobStatus::Running, false) => JobState::Running,
            (JobStatus::Running | JobStatus::Restarting, true) => JobState::Cancelling,
            (JobStatus::Restarting, false) => JobState::Restarting,
            (JobStatus::Failed(_), _) => JobState::Failed,
            (JobStatus::Finished | JobStatus::Stopped, true) => JobState::Canceled,
            (JobStatus::Finished | JobStatus::Stopped, false) => JobState::Finished,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            JobState::Running => "RUNNING",
            JobState::Restarting => "RESTARTING",
            JobState::Cancelling => "CANCELLING",
            JobState::Canceled => "CANCELED",
            JobState::Finished => "FINISHED",
            JobState::Failed => "FAILED",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Canceled | JobState::Finished | JobState::Failed
        )
    }

    /// The state of a task in a job in this state (tasks say CANCELING with one L).
    fn task_state(self) -> &'static str {
        match self {
            JobState::Running => "RUNNING",
            JobState::Restarting => "RESTARTING",
            JobState::Cancelling => "CANCELING",
            JobState::Canceled => "CANCELED",
            JobState::Finished => "FINISHED",
            JobState::Failed => "FAILED",
        }
    }
}

/// Flink's task states, in its order.
const TASK_STATES: [&str; 10] = [
    "CREATED",
    "SCHEDULED",
    "DEPLOYING",
    "RUNNING",
    "FINISHED",
    "CANCELING",
    "CANCELED",
    "FAILED",
    "RECONCILING",
    "INITIALIZING",
];

/// Flink's job states, in its order.
const JOB_STATES: [&str; 11] = [
    "INITIALIZING",
    "CREATED",
    "RUNNING",
    "FAILING",
    "FAILED",
    "CANCELLING",
    "CANCELED",
    "FINISHED",
    "RESTARTING",
    "SUSPENDED",
    "RECONCILING",
];

/// When the job started and ended, in epoch milliseconds, and how long it has run.
pub struct Times {
    pub start: i64,
    /// -1 while it runs, as Flink says.
    pub end: i64,
    pub duration: i64,
    pub now: i64,
    /// When a cancel was asked for, if it was.
    pub cancelled_at: Option<i64>,
}

impl Times {
    pub fn of(job: &ServedJob, state: JobState, cancelled_at: Option<i64>) -> Times {
        let start = job
            .monitor
            .started_at()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let duration = job.monitor.elapsed().as_millis() as i64;
        let now = std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Times {
            start,
            end: if state.is_terminal() {
                start + duration
            } else {
                -1
            },
            duration,
            now,
            cancelled_at,
        }
    }
}

/// Counts of a job's tasks by state, lower case, as `/jobs/overview` gives them.
fn task_counts_lower(state: JobState, total: usize) -> Value {
    let mut counts = serde_json::Map::new();
    counts.insert("total".into(), json!(total));
    for name in TASK_STATES {
        let n = if name == state.task_state() { total } else { 0 };
        counts.insert(name.to_lowercase(), json!(n));
    }
    // Flink 2 counts tasks waiting for resources as pending.
    counts.insert("pending".into(), json!(0));
    Value::Object(counts)
}

/// Counts of tasks by state, upper case, as a job's vertices and status counts give them.
fn task_counts_upper(state: JobState, total: usize) -> Value {
    let mut counts = serde_json::Map::new();
    for name in TASK_STATES {
        let n = if name == state.task_state() { total } else { 0 };
        counts.insert(name.into(), json!(n));
    }
    Value::Object(counts)
}

/// `GET /overview`: the cluster, which here is this one process running one job.
pub fn cluster_overview(state: JobState, slots: usize) -> Value {
    let count = |s: JobState| usize::from(state == s);
    json!({
        "taskmanagers": 1,
        "slots-total": slots,
        "slots-available": if state.is_terminal() { slots } else { 0 },
        "jobs-running": count(JobState::Running) + count(JobState::Cancelling),
        "jobs-finished": count(JobState::Finished),
        "jobs-cancelled": count(JobState::Canceled),
        "jobs-failed": count(JobState::Failed),
        "flink-version": FLINK_VERSION,
        "flink-commit": env!("CARGO_PKG_VERSION"),
    })
}

/// One entry of `GET /jobs/overview`.
pub fn job_overview(job: &ServedJob, vertices: &[VertexInfo], state: JobState, t: &Times) -> Value {
    let tasks: usize = vertices.iter().map(|v| v.parallelism).sum();
    json!({
        "jid": job.id,
        "name": job.name,
        "state": state.name(),
        "start-time": t.start,
        "end-time": t.end,
        "duration": t.duration,
        "last-modification": if t.end >= 0 { t.end } else { t.cancelled_at.unwrap_or(t.start) },
        "tasks": task_counts_lower(state, tasks),
    })
}

/// `GET /jobs/:id`: the job, its vertices with their I/O, and its plan.
pub fn job_details(
    job: &ServedJob,
    vertices: &[VertexInfo],
    state: JobState,
    t: &Times,
    sample: Option<&MetricsSnapshot>,
) -> Value {
    let max_parallelism = vertices.iter().map(|v| v.parallelism).max().unwrap_or(1);
    let mut timestamps = serde_json::Map::new();
    for name in JOB_STATES {
        let at = match name {
            "INITIALIZING" | "CREATED" | "RUNNING" => t.start,
            "CANCELLING" => t.cancelled_at.unwrap_or(0),
            _ if name == state.name() => t.end.max(0),
            _ => 0,
        };
        timestamps.insert(name.into(), json!(at));
    }
    let finished = state.is_terminal();
    let vertex_rows: Vec<Value> = vertices
        .iter()
        .map(|v| {
            let io = VertexIo::of(v, sample);
            json!({
                "id": v.id,
                "slotSharingGroupId": "default",
                "name": v.name,
                "maxParallelism": v.parallelism,
                "parallelism": v.parallelism,
                "status": state.task_state(),
                "start-time": t.start,
                "end-time": t.end,
                "duration": t.duration,
                "tasks": task_counts_upper(state, v.parallelism),
                "metrics": io.json(finished, t.duration),
            })
        })
        .collect();
    let plan_nodes: Vec<Value> = vertices
        .iter()
        .map(|v| {
            let inputs: Vec<Value> = v
                .inputs
                .iter()
                .enumerate()
                .map(|(num, (from, ship))| {
                    json!({
                        "num": num,
                        "id": vertices[*from].id,
                        "ship_strategy": ship,
                        "exchange": "pipelined_bounded",
                    })
                })
                .collect();
            let mut node = json!({
                "id": v.id,
                "parallelism": v.parallelism,
                "operator": "",
                "operator_strategy": "",
                "description": v.name,
                "optimizer_properties": {},
            });
            if !inputs.is_empty() {
                node["inputs"] = Value::Array(inputs);
            }
            node
        })
        .collect();
    json!({
        "jid": job.id,
        "name": job.name,
        "isStoppable": false,
        "state": state.name(),
        "job-type": "STREAMING",
        "start-time": t.start,
        "end-time": t.end,
        "duration": t.duration,
        "maxParallelism": max_parallelism,
        "now": t.now,
        "timestamps": timestamps,
        "vertices": vertex_rows,
        "status-counts": task_counts_upper(state, vertices.iter().map(|v| v.parallelism).sum()),
        "plan": {
            "jid": job.id,
            "name": job.name,
            "type": "STREAMING",
            "nodes": plan_nodes,
        },
    })
}

/// A vertex's I/O summed over its subtasks: what its head took in and its tail sent on.
struct VertexIo {
    /// Subtasks summed.
    tasks: i64,
    records_in: u64,
    records_out: u64,
    bytes_in: u64,
    bytes_out: u64,
    idle_ms: u64,
    backpressured_ms: u64,
}

impl VertexIo {
    fn of(v: &VertexInfo, sample: Option<&MetricsSnapshot>) -> VertexIo {
        Self::of_subtasks(v, sample, 0..v.parallelism)
    }

    fn of_subtasks(
        v: &VertexInfo,
        sample: Option<&MetricsSnapshot>,
        subtasks: std::ops::Range<usize>,
    ) -> VertexIo {
        let tasks = subtasks.len() as i64;
        let mut io = VertexIo {
            tasks,
            records_in: 0,
            records_out: 0,
            bytes_in: 0,
            bytes_out: 0,
            idle_ms: 0,
            backpressured_ms: 0,
        };
        for i in subtasks {
            if let Some(head) = instance(sample, v.head(), i) {
                io.records_in += head.records_in;
                io.bytes_in += head.bytes_in;
                io.idle_ms += head.idle_total_ms;
                io.backpressured_ms += head.backpressured_total_ms;
            }
            if let Some(tail) = instance(sample, v.tail(), i) {
                io.records_out += tail.records_out;
                io.bytes_out += tail.bytes_out;
            }
        }
        io
    }

    /// Flink's I/O metrics of a vertex or subtask that has run `duration_ms`.
    fn json(&self, finished: bool, duration_ms: i64) -> Value {
        let busy = duration_ms * self.tasks - self.backpressured_ms as i64 - self.idle_ms as i64;
        json!({
            "read-bytes": self.bytes_in,
            "read-bytes-complete": finished,
            "write-bytes": self.bytes_out,
            "write-bytes-complete": finished,
            "read-records": self.records_in,
            "read-records-complete": finished,
            "write-records": self.records_out,
            "write-records-complete": finished,
            "accumulated-backpressured-time": self.backpressured_ms,
            "accumulated-idle-time": self.idle_ms,
            "accumulated-busy-time": busy.max(0),
        })
    }
}

/// `GET /jobs/:id/vertices/:vid`: the vertex and each of its subtasks.
pub fn vertex_details(
    v: &VertexInfo,
    state: JobState,
    t: &Times,
    sample: Option<&MetricsSnapshot>,
) -> Value {
    let finished = state.is_terminal();
    let subtasks: Vec<Value> = (0..v.parallelism)
        .map(|i| {
            json!({
                "subtask": i,
                "status": state.task_state(),
                "attempt": 0,
                "endpoint": "localhost",
                "start-time": t.start,
                "start_time": t.start,
                "end-time": t.end,
                "duration": t.duration,
                "metrics": VertexIo::of_subtasks(v, sample, i..i + 1).json(finished, t.duration),
                "taskmanager-id": "streamlab",
                "status-duration": {},
            })
        })
        .collect();
    json!({
        "id": v.id,
        "name": v.name,
        "maxParallelism": v.parallelism,
        "parallelism": v.parallelism,
        "now": t.now,
        "subtasks": subtasks,
    })
}

/// Subtask `i` of node `id` in a sample.
pub fn instance<'a>(
    sample: Option<&'a MetricsSnapshot>,
    id: &str,
    i: usize,
) -> Option<&'a InstanceSnapshot> {
    sample?.node(id)?.instances.get(i)
}

/// Every metric of a vertex by Flink's names, with its value as a string (Flink's metric
/// values are strings): `{subtask}.{metric}` for the task and `{subtask}.{node}.{metric}` for
/// each node in the chain.
/// Rates (`…PerSecond`) are over the time from `before` (about a second earlier) to
/// `sample`, as Flink's meters average over a span rather than one sample.
pub fn vertex_metrics(
    v: &VertexInfo,
    sample: Option<&MetricsSnapshot>,
    before: Option<&MetricsSnapshot>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let per_second = |share: f64| format!("{}", (share * 1000.0).round() as i64);
    let seconds = match (sample, before) {
        (Some(s), Some(b)) => s.elapsed.as_secs_f64() - b.elapsed.as_secs_f64(),
        _ => 0.0,
    };
    for i in 0..v.parallelism {
        let head = instance(sample, v.head(), i).cloned().unwrap_or_default();
        let tail = instance(sample, v.tail(), i).cloned().unwrap_or_default();
        // Over the span when there is one; else the last sample's own rate.
        let rate =
            |now: u64, node: &str, then: fn(&InstanceSnapshot) -> u64, own: f64| match instance(
                before, node, i,
            )
            .filter(|_| seconds > 0.05)
            {
                Some(b) => now.saturating_sub(then(b)) as f64 / seconds,
                None => own,
            };
        let rate_in = rate(
            head.records_in,
            v.head(),
            |s| s.records_in,
            head.records_in_rate,
        );
        let rate_out = rate(
            tail.records_out,
            v.tail(),
            |s| s.records_out,
            tail.records_out_rate,
        );
        let mut push = |name: &str, value: String| out.push((format!("{i}.{name}"), value));
        push("numRecordsIn", head.records_in.to_string());
        push("numRecordsOut", tail.records_out.to_string());
        push("numRecordsInPerSecond", rate_in.to_string());
        push("numRecordsOutPerSecond", rate_out.to_string());
        push("numBytesIn", head.bytes_in.to_string());
        push("numBytesOut", tail.bytes_out.to_string());
        push(
            "currentInputWatermark",
            head.watermark.unwrap_or(i64::MIN).to_string(),
        );
        push("busyTimeMsPerSecond", per_second(head.busy));
        push("idleTimeMsPerSecond", per_second(head.idle));
        push(
            "backPressuredTimeMsPerSecond",
            per_second(head.backpressure),
        );
        push("buffers.inPoolUsage", head.queue_fill.to_string());
        let late: u64 = v
            .nodes
            .iter()
            .filter_map(|n| instance(sample, n, i))
            .map(|s| s.late_records)
            .sum();
        push("numLateRecordsDropped", late.to_string());
        for node in &v.nodes {
            let s = instance(sample, node, i).cloned().unwrap_or_default();
            push(&format!("{node}.numRecordsIn"), s.records_in.to_string());
            push(&format!("{node}.numRecordsOut"), s.records_out.to_string());
            push(
                &format!("{node}.currentOutputWatermark"),
                s.watermark.unwrap_or(i64::MIN).to_string(),
            );
        }
    }
    if v.ends_in_sink
        && let Some(latency) = sample
            .and_then(|s| s.node(v.tail()))
            .and_then(|n| n.latency)
    {
        let tail = v.tail();
        for (q, ms) in [
            ("p50", latency.p50_ms),
            ("p95", latency.p95_ms),
            ("p99", latency.p99_ms),
            ("max", latency.max_ms),
        ] {
            out.push((format!("{tail}.latency.{q}"), ms.to_string()));
        }
    }
    out
}

/// How Flink grades backpressure: ok up to 10% of the time, low up to 50%, then high.
pub fn backpressure_level(ratio: f64) -> &'static str {
    if ratio <= 0.10 {
        "ok"
    } else if ratio <= 0.5 {
        "low"
    } else {
        "high"
    }
}

/// `GET /jobs/:id/vertices/:vid/backpressure`: each subtask's shares of time over `samples`
/// (the last second).
pub fn backpressure(
    v: &VertexInfo,
    samples: &[std::sync::Arc<MetricsSnapshot>],
    now: i64,
) -> Value {
    let mean = |i: usize, f: fn(&InstanceSnapshot) -> f64| {
        let values: Vec<f64> = samples
            .iter()
            .filter_map(|s| instance(Some(s), v.head(), i).map(f))
            .collect();
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    let subtasks: Vec<(f64, Value)> = (0..v.parallelism)
        .map(|i| {
            let ratio = mean(i, |s| s.backpressure);
            let row = json!({
                "subtask": i,
                "attempt-number": 0,
                "backpressure-level": backpressure_level(ratio),
                "ratio": ratio,
                "idleRatio": mean(i, |s| s.idle),
                "busyRatio": mean(i, |s| s.busy),
            });
            (ratio, row)
        })
        .collect();
    let worst = subtasks.iter().map(|(r, _)| *r).fold(0.0, f64::max);
    json!({
        "status": "ok",
        "backpressure-level": backpressure_level(worst),
        "end-timestamp": now,
        "subtasks": subtasks.into_iter().map(|(_, row)| row).collect::<Vec<_>>(),
    })
}

/// `GET /jobs/:id/vertices/:vid/watermarks`: each subtask's input watermark.
pub fn watermarks(v: &VertexInfo, sample: Option<&MetricsSnapshot>) -> Value {
    let rows: Vec<Value> = (0..v.parallelism)
        .map(|i| {
            let w = instance(sample, v.head(), i)
                .and_then(|s| s.watermark)
                .unwrap_or(i64::MIN);
            json!({"id": format!("{i}.currentInputWatermark"), "value": w.to_string()})
        })
        .collect();
    Value::Array(rows)
}

fn epoch_ms(time: std::time::SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One checkpoint in Flink's words (`CheckpointStatistics`).
pub fn checkpoint(c: &CheckpointStats) -> Value {
    let (class, status) = match &c.status {
        CheckpointStatus::InProgress => ("in_progress", "IN_PROGRESS"),
        CheckpointStatus::Completed => ("completed", "COMPLETED"),
        CheckpointStatus::Failed(_) => ("failed", "FAILED"),
    };
    let triggered = epoch_ms(c.triggered_at);
    let mut value = json!({
        "className": class,
        "id": c.id,
        "status": status,
        "is_savepoint": c.manual,
        "savepoint_format": if c.manual { json!("CANONICAL") } else { Value::Null },
        "trigger_timestamp": triggered,
        "latest_ack_timestamp": triggered + c.duration.as_millis() as i64,
        "checkpointed_size": c.size,
        "state_size": c.size,
        "end_to_end_duration": c.duration.as_millis() as u64,
        "alignment_buffered": 0,
        "processed_data": 0,
        "persisted_data": 0,
        "num_subtasks": c.acknowledged.1,
        "num_acknowledged_subtasks": c.acknowledged.0,
        "checkpoint_type": if c.manual { "SAVEPOINT" } else { "CHECKPOINT" },
        "tasks": {},
        "external_path": c.path.as_ref().map(|p| p.display().to_string()),
        "discarded": false,
        // Beyond Flink's fields: how long alignment held inputs back, and where each
        // source was.
        "alignment_duration": c.alignment.as_millis() as u64,
        "source_positions": c.sources.iter().map(|(node, subtask, position)| {
            json!({"node": node, "subtask": subtask, "position": position})
        }).collect::<Vec<_>>(),
    });
    if let CheckpointStatus::Failed(reason) = &c.status {
        value["failure_timestamp"] = json!(triggered + c.duration.as_millis() as i64);
        value["failure_message"] = json!(reason);
    }
    value
}

/// min, max, avg and percentiles of `values`, as Flink's summaries.
fn summary(values: &[u64]) -> Value {
    if values.is_empty() {
        return json!({
            "min": 0, "max": 0, "avg": 0, "p50": 0.0, "p90": 0.0, "p95": 0.0, "p99": 0.0, "p999": 0.0,
        });
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize] as f64;
    json!({
        "min": sorted[0],
        "max": sorted[sorted.len() - 1],
        "avg": sorted.iter().sum::<u64>() / sorted.len() as u64,
        "p50": at(0.5), "p90": at(0.9), "p95": at(0.95), "p99": at(0.99), "p999": at(0.999),
    })
}

/// `GET /jobs/:id/checkpoints`: Flink's statistics of the job's checkpoints, newest first in
/// the history, as Flink lists them.
pub fn checkpoints(history: &[CheckpointStats], restored: Option<u64>) -> Value {
    let count = |status: fn(&CheckpointStatus) -> bool| {
        history.iter().filter(|c| status(&c.status)).count()
    };
    let completed: Vec<&CheckpointStats> = history
        .iter()
        .filter(|c| c.status == CheckpointStatus::Completed)
        .collect();
    let sizes: Vec<u64> = completed.iter().map(|c| c.size).collect();
    let durations: Vec<u64> = completed
        .iter()
        .map(|c| c.duration.as_millis() as u64)
        .collect();
    let latest = |pick: &dyn Fn(&CheckpointStats) -> bool| {
        history
            .iter()
            .rev()
            .find(|c| pick(c))
            .map_or(Value::Null, checkpoint)
    };
    json!({
        "counts": {
            "restored": u64::from(restored.is_some()),
            "total": history.len(),
            "in_progress": count(|s| *s == CheckpointStatus::InProgress),
            "completed": count(|s| *s == CheckpointStatus::Completed),
            "failed": count(|s| matches!(s, CheckpointStatus::Failed(_))),
        },
        "summary": {
            "checkpointed_size": summary(&sizes),
            "state_size": summary(&sizes),
            "end_to_end_duration": summary(&durations),
            "alignment_buffered": summary(&[]),
            "processed_data": summary(&[]),
            "persisted_data": summary(&[]),
        },
        "latest": {
            "completed": latest(&|c| c.status == CheckpointStatus::Completed && !c.manual),
            "savepoint": latest(&|c| c.status == CheckpointStatus::Completed && c.manual),
            "failed": latest(&|c| matches!(c.status, CheckpointStatus::Failed(_))),
            "restored": restored.map_or(Value::Null, |id| json!({
                "id": id, "is_savepoint": false, "restore_timestamp": 0, "external_path": null,
            })),
        },
        "history": history.iter().rev().map(checkpoint).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backpressure_levels_follow_flinks_thresholds() {
        let levels: Vec<_> = [0.0, 0.10, 0.11, 0.5, 0.51, 1.0]
            .into_iter()
            .map(backpressure_level)
            .collect();
        assert_eq!(levels, ["ok", "ok", "low", "low", "high", "high"]);
    }

    #[test]
    fn a_cancelled_job_is_cancelling_until_it_has_ended() {
        let stopped = JobStatus::Stopped;
        assert_eq!(
            JobState::of(&JobStatus::Running, true),
            JobState::Cancelling
        );
        assert_eq!(JobState::of(&stopped, true), JobState::Canceled);
        assert_eq!(JobState::of(&stopped, false), JobState::Finished);
        assert!(!JobState::Cancelling.is_terminal());
        assert_eq!(JobState::Cancelling.task_state(), "CANCELING");
    }
}
