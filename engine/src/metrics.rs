//! Live counters that tasks update once per batch and anyone may read while a job runs.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::spec::Category;

/// The counters of one node, shared by its parallel instances.
#[derive(Debug)]
pub struct NodeCounters {
    pub records_in: AtomicU64,
    pub records_out: AtomicU64,
    /// Highest watermark seen by any instance; `i64::MIN` before the first.
    pub watermark: AtomicI64,
}

impl Default for NodeCounters {
    fn default() -> Self {
        NodeCounters {
            records_in: AtomicU64::new(0),
            records_out: AtomicU64::new(0),
            watermark: AtomicI64::new(i64::MIN),
        }
    }
}

impl NodeCounters {
    pub fn add_in(&self, rows: usize) {
        self.records_in.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub fn add_out(&self, rows: usize) {
        self.records_out.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub fn set_watermark(&self, watermark: i64) {
        self.watermark.fetch_max(watermark, Ordering::Relaxed);
    }
}

/// One node's counts at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMetrics {
    pub id: String,
    pub category: Category,
    pub records_in: u64,
    pub records_out: u64,
    pub watermark: Option<i64>,
}

impl NodeMetrics {
    pub fn read(id: &str, category: Category, counters: &NodeCounters) -> Self {
        let watermark = counters.watermark.load(Ordering::Relaxed);
        NodeMetrics {
            id: id.to_string(),
            category,
            records_in: counters.records_in.load(Ordering::Relaxed),
            records_out: counters.records_out.load(Ordering::Relaxed),
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
