//! A job on a real Apache Flink cluster, read through Flink's REST API into the monitor's
//! samples: each task vertex (a chain of operators, named as Flink names it) is one node,
//! each of its subtasks one instance.
//!
//! One request reads the job and its vertices (`GET /jobs/:id`), and one per vertex reads
//! every subtask's metrics (`GET /jobs/:id/vertices/:vid/metrics?get=0.numRecordsIn,…`).
//! That endpoint leaves out the names it does not know, where the aggregating
//! `…/subtasks/metrics?get=…&agg=sum` answers nothing at all as soon as one name is missing
//! (a source task has no `currentInputWatermark`), so it is the one read.

use std::time::Duration;

use engine::metrics::{InstanceSnapshot, MetricsSnapshot, NodeSnapshot};
use engine::spec::Category;
use serde_json::Value;

/// Flink refreshes the metrics it serves every `metrics.fetcher.update-interval` (10 s by
/// default): asking more often than every second reads the same values again.
pub const POLL: Duration = Duration::from_secs(1);

/// A sample is kept at least this often even while no count moves, so a stalled job's
/// charts go on to show it stalled.
const KEEP_UNCHANGED_EVERY: Duration = Duration::from_secs(10);

/// Netty, under Flink's REST server, refuses a request line longer than 4096 bytes.
const MAX_QUERY: usize = 3000;

/// Each subtask's metrics read, by Flink's names.
const METRICS: [&str; 15] = [
    "numRecordsIn",
    "numRecordsOut",
    "numRecordsInPerSecond",
    "numRecordsOutPerSecond",
    "numBytesIn",
    "numBytesOut",
    "numBytesInPerSecond",
    "numBytesOutPerSecond",
    "currentInputWatermark",
    "busyTimeMsPerSecond",
    "idleTimeMsPerSecond",
    "backPressuredTimeMsPerSecond",
    "accumulateIdleTimeMs",
    "accumulateBackPressuredTimeMs",
    "Shuffle.Netty.Input.Buffers.inPoolUsage",
];

/// A task vertex of the job.
#[derive(Clone, Debug, PartialEq)]
pub struct Vertex {
    pub id: String,
    /// Flink's name for it: its operators joined by ` -> ` when chained.
    pub name: String,
    pub parallelism: usize,
    /// A source when nothing feeds it, a sink when it feeds nothing.
    pub category: Category,
}

/// The vertices of `GET /jobs/:id`, in Flink's order.
pub fn vertices(job: &Value) -> Result<Vec<Vertex>, String> {
    let listed = job["vertices"]
        .as_array()
        .ok_or("the job's details list no vertices")?;
    let plan = job["plan"]["nodes"].as_array().cloned().unwrap_or_default();
    let inputs_of = |id: &str| -> Vec<String> {
        plan.iter()
            .find(|n| n["id"].as_str() == Some(id))
            .and_then(|n| n["inputs"].as_array())
            .map(|inputs| {
                inputs
                    .iter()
                    .filter_map(|i| i["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let fed: Vec<String> = listed
        .iter()
        .filter_map(|v| v["id"].as_str())
        .flat_map(inputs_of)
        .collect();
    let mut vertices: Vec<Vertex> = Vec::with_capacity(listed.len());
    for v in listed {
        let id = v["id"]
            .as_str()
            .ok_or_else(|| format!("a vertex of the job has no id: {v}"))?;
        let name = v["name"].as_str().unwrap_or(id);
        let parallelism = v["parallelism"]
            .as_u64()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("vertex {name:?} has no parallelism"))?;
        let category = if inputs_of(id).is_empty() {
            Category::Source
        } else if !fed.iter().any(|f| f == id) {
            Category::Sink
        } else {
            Category::Transform
        };
        // The nodes are told apart by name: a second vertex of the same name gets its id.
        let name = if vertices.iter().any(|known| known.name == name) {
            format!("{name} ({id})")
        } else {
            name.to_string()
        };
        vertices.push(Vertex {
            id: id.to_string(),
            name,
            parallelism: parallelism as usize,
            category,
        });
    }
    Ok(vertices)
}

/// The `get=` lists that ask for every subtask's metrics of `vertex`, each short enough for
/// one request.
pub fn metric_queries(vertex: &Vertex) -> Vec<String> {
    let mut queries = Vec::new();
    let mut query = String::new();
    for subtask in 0..vertex.parallelism {
        for metric in METRICS {
            let name = format!("{subtask}.{metric}");
            if !query.is_empty() && query.len() + name.len() + 1 > MAX_QUERY {
                queries.push(std::mem::take(&mut query));
            }
            if !query.is_empty() {
                query.push(',');
            }
            query.push_str(&name);
        }
    }
    queries.push(query);
    queries
}

/// One subtask's values by metric name, as Flink serves them: strings, or `NaN`.
#[derive(Default)]
struct SubtaskValues(Vec<(String, String)>);

impl SubtaskValues {
    fn raw(&self, metric: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == metric)
            .map(|(_, v)| v.as_str())
    }

    /// A metric as a number; `None` when Flink does not have it or has no value (`NaN`).
    fn number(&self, vertex: &str, metric: &str) -> Result<Option<f64>, String> {
        let Some(raw) = self.raw(metric) else {
            return Ok(None);
        };
        let value: f64 = raw
            .parse()
            .map_err(|_| format!("vertex {vertex:?}: metric {metric} is {raw:?}, not a number"))?;
        Ok(Some(value).filter(|v| v.is_finite()))
    }

    fn count(&self, vertex: &str, metric: &str) -> Result<u64, String> {
        Ok(self.number(vertex, metric)?.unwrap_or(0.0).max(0.0) as u64)
    }

    fn rate(&self, vertex: &str, metric: &str) -> Result<f64, String> {
        Ok(self.number(vertex, metric)?.unwrap_or(0.0).max(0.0))
    }

    /// A share of time from milliseconds per second.
    fn share(&self, vertex: &str, metric: &str) -> Result<Option<f64>, String> {
        Ok(self
            .number(vertex, metric)?
            .map(|ms| (ms / 1000.0).clamp(0.0, 1.0)))
    }

    /// The input watermark; Flink says `Long.MIN_VALUE` until there is one.
    fn watermark(&self, vertex: &str) -> Result<Option<i64>, String> {
        let Some(raw) = self.raw("currentInputWatermark") else {
            return Ok(None);
        };
        let ms: i64 = match raw.parse() {
            Ok(ms) => ms,
            // Read through a float in case a value ever comes as `1.7E12`.
            Err(_) => raw
                .parse::<f64>()
                .map(|f| f as i64)
                .map_err(|_| format!("vertex {vertex:?}: its watermark is {raw:?}, not a time"))?,
        };
        Ok(Some(ms).filter(|ms| *ms > i64::MIN))
    }
}

/// Splits `[{"id": "0.numRecordsIn", "value": "12"}, …]` by subtask.
fn by_subtask(vertex: &Vertex, answers: &[Value]) -> Result<Vec<SubtaskValues>, String> {
    let mut subtasks: Vec<SubtaskValues> = (0..vertex.parallelism)
        .map(|_| SubtaskValues::default())
        .collect();
    for answer in answers {
        let rows = answer.as_array().ok_or_else(|| {
            format!(
                "the metrics of vertex {:?} are not a list: {answer}",
                vertex.name
            )
        })?;
        for row in rows {
            let (Some(id), Some(value)) = (row["id"].as_str(), row["value"].as_str()) else {
                return Err(format!(
                    "a metric of vertex {:?} has no id or value: {row}",
                    vertex.name
                ));
            };
            let Some((subtask, metric)) = id
                .split_once('.')
                .and_then(|(i, m)| Some((i.parse::<usize>().ok()?, m)))
            else {
                return Err(format!(
                    "vertex {:?}: metric {id:?} is not `<subtask>.<name>`",
                    vertex.name
                ));
            };
            if let Some(values) = subtasks.get_mut(subtask) {
                values.0.push((metric.to_string(), value.to_string()));
            }
        }
    }
    Ok(subtasks)
}

/// One subtask as the monitor's instance.
fn instance(vertex: &str, values: &SubtaskValues) -> Result<InstanceSnapshot, String> {
    let idle = values.share(vertex, "idleTimeMsPerSecond")?.unwrap_or(0.0);
    let backpressure = values
        .share(vertex, "backPressuredTimeMsPerSecond")?
        .unwrap_or(0.0);
    // A source's task measures no busy time (`NaN`): it is busy when neither idle nor held.
    let busy = values
        .share(vertex, "busyTimeMsPerSecond")?
        .unwrap_or((1.0 - idle - backpressure).max(0.0));
    Ok(InstanceSnapshot {
        records_in: values.count(vertex, "numRecordsIn")?,
        records_out: values.count(vertex, "numRecordsOut")?,
        bytes_in: values.count(vertex, "numBytesIn")?,
        bytes_out: values.count(vertex, "numBytesOut")?,
        late_records: 0,
        records_in_rate: values.rate(vertex, "numRecordsInPerSecond")?,
        records_out_rate: values.rate(vertex, "numRecordsOutPerSecond")?,
        watermark: values.watermark(vertex)?,
        busy,
        idle,
        backpressure,
        queue_fill: values
            .number(vertex, "Shuffle.Netty.Input.Buffers.inPoolUsage")?
            .unwrap_or(0.0)
            .clamp(0.0, 1.0),
        idle_total_ms: values.count(vertex, "accumulateIdleTimeMs")?,
        backpressured_total_ms: values.count(vertex, "accumulateBackPressuredTimeMs")?,
    })
}

/// A vertex as the monitor's node, from the answers to its [`metric_queries`]: counts and
/// rates summed over its subtasks, the least watermark, the mean time shares.
pub fn node(vertex: &Vertex, answers: &[Value], wall_ms: i64) -> Result<NodeSnapshot, String> {
    let subtasks = by_subtask(vertex, answers)?;
    let byte_rates = subtasks.iter().try_fold((0.0, 0.0), |(i, o), values| {
        Ok::<_, String>((
            i + values.rate(&vertex.name, "numBytesInPerSecond")?,
            o + values.rate(&vertex.name, "numBytesOutPerSecond")?,
        ))
    })?;
    let instances = subtasks
        .iter()
        .map(|values| instance(&vertex.name, values))
        .collect::<Result<Vec<_>, String>>()?;
    let n = instances.len().max(1) as f64;
    let watermark = instances
        .iter()
        .map(|i| i.watermark)
        .collect::<Option<Vec<i64>>>()
        .and_then(|w| w.into_iter().min());
    Ok(NodeSnapshot {
        id: vertex.name.clone(),
        category: Some(vertex.category),
        records_in: instances.iter().map(|i| i.records_in).sum(),
        records_out: instances.iter().map(|i| i.records_out).sum(),
        bytes_in: instances.iter().map(|i| i.bytes_in).sum(),
        bytes_out: instances.iter().map(|i| i.bytes_out).sum(),
        late_records: 0,
        records_in_rate: instances.iter().map(|i| i.records_in_rate).sum(),
        records_out_rate: instances.iter().map(|i| i.records_out_rate).sum(),
        bytes_in_rate: byte_rates.0,
        bytes_out_rate: byte_rates.1,
        watermark,
        watermark_lag_ms: watermark.map(|w| wall_ms - w),
        busy: instances.iter().map(|i| i.busy).sum::<f64>() / n,
        idle: instances.iter().map(|i| i.idle).sum::<f64>() / n,
        backpressure: instances.iter().map(|i| i.backpressure).sum::<f64>() / n,
        queue_fill: instances.iter().map(|i| i.queue_fill).fold(0.0, f64::max),
        latency: None,
        instances,
    })
}

/// A sample of the job from `GET /jobs/:id` and each vertex's metric answers, in the order
/// of [`vertices`]; `previous` is the last sample kept, for the interval.
pub fn sample(
    job: &Value,
    vertices: &[Vertex],
    answers: &[Vec<Value>],
    previous: Option<&MetricsSnapshot>,
) -> Result<MetricsSnapshot, String> {
    let now = job["now"]
        .as_i64()
        .ok_or("the job's details carry no `now`")?;
    let started = job["start-time"]
        .as_i64()
        .ok_or("the job's details carry no `start-time`")?;
    let elapsed = Duration::from_millis((now - started).max(0) as u64);
    let nodes = vertices
        .iter()
        .zip(answers)
        .map(|(v, a)| node(v, a, now))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(MetricsSnapshot {
        elapsed,
        wall_ms: now,
        interval: previous.map_or(POLL, |p| elapsed.saturating_sub(p.elapsed)),
        nodes,
    })
}

/// Whether `next` says something `last` did not: a count moved, or it has been a while.
pub fn worth_keeping(last: Option<&MetricsSnapshot>, next: &MetricsSnapshot) -> bool {
    let Some(last) = last else {
        return true;
    };
    let counts = |s: &MetricsSnapshot| -> Vec<(u64, u64)> {
        s.nodes
            .iter()
            .map(|n| (n.records_in, n.records_out))
            .collect()
    };
    next.elapsed > last.elapsed
        && (counts(last) != counts(next)
            || next.elapsed - last.elapsed >= KEEP_UNCHANGED_EVERY
            || last.nodes.len() != next.nodes.len())
}

/// Reads a sample of the job at `job_url` (`http://host:port/jobs/<id>`) through `get`, and
/// the job's details it came from.
pub fn read(
    get: &dyn Fn(&str) -> Result<Value, String>,
    job_url: &str,
    previous: Option<&MetricsSnapshot>,
) -> Result<(MetricsSnapshot, Value), String> {
    let job = get(job_url)?;
    let vertices = vertices(&job).map_err(|e| format!("{job_url}: {e}"))?;
    let answers = vertices
        .iter()
        .map(|v| {
            metric_queries(v)
                .iter()
                .map(|q| get(&format!("{job_url}/vertices/{}/metrics?get={q}", v.id)))
                .collect::<Result<Vec<Value>, String>>()
        })
        .collect::<Result<Vec<_>, String>>()?;
    let sample =
        sample(&job, &vertices, &answers, previous).map_err(|e| format!("{job_url}: {e}"))?;
    Ok((sample, job))
}
