//! What the sampler sees at one moment: every node's totals and rates, its watermark, where
//! its task's time goes, and its sinks' latency, with the same per parallel instance.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::latency::LatencySummary;
use crate::spec::Category;

/// One sample of a running job. In JSON (the REST stream) durations are milliseconds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    /// Time since the job started.
    #[serde(rename = "elapsed_ms", with = "milliseconds")]
    pub elapsed: Duration,
    /// The wall clock when taken, in epoch milliseconds (watermark lag is measured from it).
    pub wall_ms: i64,
    /// The length of the interval the rates and the latency are over.
    #[serde(rename = "interval_ms", with = "milliseconds")]
    pub interval: Duration,
    pub nodes: Vec<NodeSnapshot>,
}

/// A duration as fractional milliseconds.
mod milliseconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64() * 1000.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}

impl MetricsSnapshot {
    pub fn node(&self, id: &str) -> Option<&NodeSnapshot> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// One node, its instances summed (counts and rates) or combined (the least watermark, the
/// mean of the time shares, the fullest input queue).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeSnapshot {
    pub id: String,
    pub category: Option<Category>,
    pub records_in: u64,
    pub records_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub late_records: u64,
    /// Per second, over the last interval.
    pub records_in_rate: f64,
    pub records_out_rate: f64,
    pub bytes_in_rate: f64,
    pub bytes_out_rate: f64,
    /// The least watermark of its instances; `None` until each has one.
    pub watermark: Option<i64>,
    /// The wall clock minus the watermark, in milliseconds.
    pub watermark_lag_ms: Option<i64>,
    /// Shares of the last interval (0 to 1) its task spent working, waiting for input, and
    /// waiting for room downstream.
    pub busy: f64,
    pub idle: f64,
    pub backpressure: f64,
    /// How full its task's input channels are (0 to 1), at the fullest.
    pub queue_fill: f64,
    /// A sink's end-to-end latency over the last five seconds.
    pub latency: Option<LatencySummary>,
    pub instances: Vec<InstanceSnapshot>,
}

/// One parallel instance of a node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceSnapshot {
    pub records_in: u64,
    pub records_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub late_records: u64,
    pub records_in_rate: f64,
    pub records_out_rate: f64,
    pub watermark: Option<i64>,
    pub busy: f64,
    pub idle: f64,
    pub backpressure: f64,
    pub queue_fill: f64,
    /// Time its task has spent waiting for input, and for room downstream, since the start.
    pub idle_total_ms: u64,
    pub backpressured_total_ms: u64,
}
