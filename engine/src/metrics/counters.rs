//! The counters of one parallel instance of a node, and of a task (a chain of nodes in one
//! thread). Tasks update them once per batch with relaxed atomics; the sampler reads them.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use super::latency::Latency;

/// The counters of one parallel instance of a node.
pub struct NodeCounters {
    pub records_in: AtomicU64,
    pub records_out: AtomicU64,
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    /// Rows too late for their window (sent to its `late` output, wired or not).
    pub late_records: AtomicU64,
    /// The instance's watermark; `i64::MIN` before the first.
    pub watermark: AtomicI64,
    /// End-to-end latency of the rows a sink took in; `None` for other nodes.
    pub latency: Option<Latency>,
}

impl Default for NodeCounters {
    fn default() -> Self {
        NodeCounters {
            records_in: AtomicU64::new(0),
            records_out: AtomicU64::new(0),
            bytes_in: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            late_records: AtomicU64::new(0),
            watermark: AtomicI64::new(i64::MIN),
            latency: None,
        }
    }
}

impl NodeCounters {
    /// The counters of a sink, which also measure latency.
    pub fn for_sink() -> Self {
        NodeCounters {
            latency: Some(Latency::default()),
            ..NodeCounters::default()
        }
    }

    pub fn add_in(&self, rows: usize) {
        self.records_in.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub fn add_out(&self, rows: usize) {
        self.records_out.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub fn add_bytes_in(&self, bytes: usize) {
        self.bytes_in.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn add_bytes_out(&self, bytes: usize) {
        self.bytes_out.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn add_late(&self, rows: usize) {
        self.late_records.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub fn set_watermark(&self, watermark: i64) {
        self.watermark.store(watermark, Ordering::Relaxed);
    }
}

/// Where the time of one task instance goes, in nanoseconds: waiting for input (idle),
/// waiting for room in a full output channel (backpressured), and the rest (busy), as Flink's
/// `idleTimeMsPerSecond`, `backPressuredTimeMsPerSecond` and `busyTimeMsPerSecond`.
#[derive(Debug, Default)]
pub struct TaskCounters {
    pub idle_ns: AtomicU64,
    pub backpressured_ns: AtomicU64,
    /// How full its fullest input channel was when it last took a message, in thousandths.
    /// The task writes it, as only it may hold its channels: a channel held by anyone else
    /// would not tell its sender that the task has gone.
    pub queue_fill_permille: AtomicU64,
}

impl TaskCounters {
    pub fn add_idle(&self, nanos: u64) {
        self.idle_ns.fetch_add(nanos, Ordering::Relaxed);
    }

    pub fn add_backpressured(&self, nanos: u64) {
        self.backpressured_ns.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Records `waiting` messages in a channel of `capacity`, the fullest of the inputs.
    pub fn set_queue_fill(&self, waiting: usize, capacity: usize) {
        let permille = (waiting * 1000 / capacity.max(1)).min(1000) as u64;
        self.queue_fill_permille.store(permille, Ordering::Relaxed);
    }
}
