//! `GET /metrics`: the latest sample in Prometheus's text format (OpenMetrics), one series per
//! node and subtask, read at scrape time.

use std::sync::Arc;

use engine::metrics::{InstanceSnapshot, MetricsSnapshot};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

/// What a scrape shows.
#[derive(Debug)]
struct Scrape {
    job_id: String,
    job_name: String,
    running: bool,
    uptime_seconds: f64,
    sample: Option<Arc<MetricsSnapshot>>,
}

/// The text of one scrape.
pub fn render(
    job_id: &str,
    job_name: &str,
    running: bool,
    uptime_seconds: f64,
    sample: Option<Arc<MetricsSnapshot>>,
) -> String {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Scrape {
        job_id: job_id.to_string(),
        job_name: job_name.to_string(),
        running,
        uptime_seconds,
        sample,
    }));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)
        .expect("writing to a String cannot fail");
    text
}

/// A series read from one instance.
type Read = fn(&InstanceSnapshot) -> Option<f64>;

/// The per-subtask series: name, help, unit, whether a counter, and how to read it.
const SERIES: &[(&str, &str, Option<Unit>, bool, Read)] = &[
    ("streamlab_records_in", "Rows taken in.", None, true, |s| {
        Some(s.records_in as f64)
    }),
    ("streamlab_records_out", "Rows sent on.", None, true, |s| {
        Some(s.records_out as f64)
    }),
    (
        "streamlab_bytes_in",
        "Bytes of the rows taken in.",
        None,
        true,
        |s| Some(s.bytes_in as f64),
    ),
    (
        "streamlab_bytes_out",
        "Bytes of the rows sent on.",
        None,
        true,
        |s| Some(s.bytes_out as f64),
    ),
    (
        "streamlab_late_records_dropped",
        "Rows too late for their window.",
        None,
        true,
        |s| Some(s.late_records as f64),
    ),
    (
        "streamlab_busy_ratio",
        "Share of the last interval its task spent working.",
        None,
        false,
        |s| Some(s.busy),
    ),
    (
        "streamlab_idle_ratio",
        "Share of the last interval its task waited for input.",
        None,
        false,
        |s| Some(s.idle),
    ),
    (
        "streamlab_backpressured_ratio",
        "Share of the last interval its task waited for room downstream.",
        None,
        false,
        |s| Some(s.backpressure),
    ),
    (
        "streamlab_input_queue_fill_ratio",
        "How full its task's input channels are.",
        None,
        false,
        |s| Some(s.queue_fill),
    ),
    (
        "streamlab_watermark",
        "Its current watermark, in epoch milliseconds.",
        None,
        false,
        |s| s.watermark.filter(|w| *w != i64::MAX).map(|w| w as f64),
    ),
];

impl Collector for Scrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let job = [
            ("job_id", self.job_id.clone()),
            ("job_name", self.job_name.clone()),
        ];
        let gauge = |encoder: &mut DescriptorEncoder,
                     name: &str,
                     help: &str,
                     unit: Option<&Unit>,
                     value: f64|
         -> Result<(), std::fmt::Error> {
            let mut family = encoder.encode_descriptor(name, help, unit, MetricType::Gauge)?;
            ConstGauge::new(value).encode(family.encode_family(&job.as_slice())?)
        };
        gauge(
            &mut encoder,
            "streamlab_job_running",
            "1 while the job runs, 0 once it has ended.",
            None,
            f64::from(u8::from(self.running)),
        )?;
        gauge(
            &mut encoder,
            "streamlab_job_uptime",
            "How long the job has run.",
            Some(&Unit::Seconds),
            self.uptime_seconds,
        )?;
        let Some(sample) = &self.sample else {
            return Ok(());
        };
        for (name, help, unit, counter, read) in SERIES {
            let kind = if *counter {
                MetricType::Counter
            } else {
                MetricType::Gauge
            };
            let mut family = encoder.encode_descriptor(name, help, unit.as_ref(), kind)?;
            for node in &sample.nodes {
                for (i, instance) in node.instances.iter().enumerate() {
                    let Some(value) = read(instance) else {
                        continue;
                    };
                    let labels = [
                        ("job_id", self.job_id.clone()),
                        ("job_name", self.job_name.clone()),
                        ("node", node.id.clone()),
                        ("subtask", i.to_string()),
                    ];
                    let labels = labels.as_slice();
                    let series = family.encode_family(&labels)?;
                    if *counter {
                        ConstCounter::new(value as u64).encode(series)?;
                    } else {
                        ConstGauge::new(value).encode(series)?;
                    }
                }
            }
        }
        let mut lag = encoder.encode_descriptor(
            "streamlab_watermark_lag",
            "The wall clock minus the node's watermark.",
            Some(&Unit::Seconds),
            MetricType::Gauge,
        )?;
        for node in &sample.nodes {
            if let Some(ms) = node.watermark_lag_ms {
                let labels = [
                    ("job_id", self.job_id.clone()),
                    ("job_name", self.job_name.clone()),
                    ("node", node.id.clone()),
                ];
                ConstGauge::new(ms as f64 / 1000.0)
                    .encode(lag.encode_family(&labels.as_slice())?)?;
            }
        }
        let mut latency = encoder.encode_descriptor(
            "streamlab_end_to_end_latency",
            "A sink's end-to-end latency over the last interval, by quantile.",
            Some(&Unit::Seconds),
            MetricType::Gauge,
        )?;
        for node in &sample.nodes {
            let Some(summary) = node.latency else {
                continue;
            };
            for (quantile, ms) in [
                ("0.5", summary.p50_ms),
                ("0.95", summary.p95_ms),
                ("0.99", summary.p99_ms),
                ("1", summary.max_ms),
            ] {
                let labels = [
                    ("job_id", self.job_id.clone()),
                    ("job_name", self.job_name.clone()),
                    ("node", node.id.clone()),
                    ("quantile", quantile.to_string()),
                ];
                ConstGauge::new(ms / 1000.0).encode(latency.encode_family(&labels.as_slice())?)?;
            }
        }
        Ok(())
    }
}
