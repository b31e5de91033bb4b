//! Metrics: counters the tasks update once per batch, and the snapshots a sampler takes of
//! them ten times a second for anyone to watch (the designer, the command line, the REST
//! server), with a history so a chart opened late still shows the past.

mod clock;
mod counters;
mod latency;
mod sampler;
mod snapshot;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use clock::{now_ns, ns_at};
pub use counters::{NodeCounters, TaskCounters};
pub use latency::{Latency, LatencySummary};
pub use sampler::{History, SAMPLE_INTERVAL, SampledNode, Sampler, Watched};
pub use snapshot::{InstanceSnapshot, MetricsSnapshot, NodeSnapshot};

use crate::spec::Category;

/// One node's counts at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMetrics {
    pub id: String,
    pub category: Category,
    pub records_in: u64,
    pub records_out: u64,
    /// Rows too late for their window.
    pub late_records: u64,
    pub watermark: Option<i64>,
}

impl NodeMetrics {
    /// Sums the counts of a node's instances. Its watermark is the least of theirs, as event
    /// time downstream cannot pass the slowest instance; `None` until every instance has one.
    pub fn read(id: &str, category: Category, instances: &[Arc<NodeCounters>]) -> Self {
        let sum = |f: fn(&NodeCounters) -> &AtomicU64| {
            instances.iter().map(|c| f(c).load(Ordering::Relaxed)).sum()
        };
        let watermark = instances
            .iter()
            .map(|c| c.watermark.load(Ordering::Relaxed))
            .min()
            .unwrap_or(i64::MIN);
        NodeMetrics {
            id: id.to_string(),
            category,
            records_in: sum(|c| &c.records_in),
            records_out: sum(|c| &c.records_out),
            late_records: sum(|c| &c.late_records),
            watermark: (watermark != i64::MIN).then_some(watermark),
        }
    }
}

/// Records produced by sources and records taken in by sinks, summed over nodes.
pub fn totals(nodes: &[NodeMetrics]) -> (u64, u64) {
    let produced = nodes
        .iter()
        .filter(|n| n.category == Category::Source)
        .map(|n| n.records_out)
        .sum();
    let consumed = nodes
        .iter()
        .filter(|n| n.category == Category::Sink)
        .map(|n| n.records_in)
        .sum();
    (produced, consumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_sums_its_instances_and_trails_the_slowest() {
        let instances: Vec<Arc<NodeCounters>> = (0..2).map(|_| Arc::default()).collect();
        instances[0].add_in(3);
        instances[1].add_in(4);
        instances[0].set_watermark(5000);
        let read = || NodeMetrics::read("n", Category::Transform, &instances);
        assert_eq!(read().records_in, 7);
        assert_eq!(read().watermark, None, "instance 1 has no watermark yet");
        instances[1].set_watermark(3000);
        assert_eq!(read().watermark, Some(3000));
    }
}
