//! A trace of a run: every row that leaves a node's output port and every watermark that
//! reaches a node, in the order the tasks saw them. It is what the lessons' event-time
//! timeline draws, so that everything it shows is something the engine did. Only a job asked
//! to trace keeps one (small inputs: each row is copied); others pay one branch per batch.

use std::sync::Mutex;
use std::time::Instant;

use crate::types::{Batch, RowKind, Value};

/// The most rows a trace keeps; past it the trace says it is cut short.
pub const TRACE_ROWS: usize = 100_000;

/// What happened, as the engine recorded it.
#[derive(Clone, Debug, PartialEq)]
pub enum Traced {
    /// Rows left output port `port` of the node, each with its change kind (`+I` but on a
    /// changelog).
    Rows {
        port: usize,
        rows: Vec<Vec<Value>>,
        kinds: Vec<RowKind>,
    },
    /// The node's event time advanced to this watermark (milliseconds): a source's own, or
    /// the watermark arriving at any other node's input.
    Watermark(i64),
}

/// One entry of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// Nanoseconds since the job started: when the task recorded it.
    pub at_ns: u64,
    pub node: String,
    pub subtask: usize,
    pub what: Traced,
}

pub struct Trace {
    started: Instant,
    /// The wall clock at the start, in epoch milliseconds: processing time is this plus
    /// an event's `at_ns`.
    started_at_ms: i64,
    recorded: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    events: Vec<TraceEvent>,
    rows: usize,
    cut_short: bool,
}

impl Trace {
    pub fn new(started: Instant, started_at_ms: i64) -> Self {
        Trace {
            started,
            started_at_ms,
            recorded: Mutex::default(),
        }
    }

    /// The wall clock when the job started, in epoch milliseconds.
    pub fn started_at_ms(&self) -> i64 {
        self.started_at_ms
    }

    /// Records the rows of `batch` leaving port `port` of `node`.
    pub fn rows(&self, node: &str, subtask: usize, port: usize, batch: &Batch) {
        let n = batch.num_rows();
        let mut recorded = self.lock();
        if recorded.rows + n > TRACE_ROWS {
            recorded.cut_short = true;
            return;
        }
        recorded.rows += n;
        let rows = (0..n).map(|i| batch.row(i)).collect();
        let kinds = (0..n).map(|i| batch.kind(i)).collect();
        self.push(
            &mut recorded,
            node,
            subtask,
            Traced::Rows { port, rows, kinds },
        );
    }

    /// Records that `node`'s event time reached `watermark`.
    pub fn watermark(&self, node: &str, subtask: usize, watermark: i64) {
        let mut recorded = self.lock();
        self.push(&mut recorded, node, subtask, Traced::Watermark(watermark));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }

    // The time is read under the lock, so times grow in the trace's order.
    fn push(&self, recorded: &mut Recorded, node: &str, subtask: usize, what: Traced) {
        let at_ns = self.started.elapsed().as_nanos() as u64;
        recorded.events.push(TraceEvent {
            at_ns,
            node: node.to_string(),
            subtask,
            what,
        });
    }

    /// Everything recorded so far, in order.
    pub fn events(&self) -> Vec<TraceEvent> {
        self.lock().events.clone()
    }

    /// Whether rows were left out because the trace was full.
    pub fn is_cut_short(&self) -> bool {
        self.lock().cut_short
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Column, Values};

    #[test]
    fn a_trace_keeps_rows_and_watermarks_in_order_until_full() {
        let trace = Trace::new(Instant::now(), 0);
        let batch =
            |n: i64| Batch::from_columns(vec![Column::new(Values::Int64((0..n).collect()))]);
        trace.rows("src", 0, 0, &batch(2));
        trace.watermark("win", 0, 1000);
        let events = trace.events();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].what,
            Traced::Rows {
                port: 0,
                rows: vec![vec![Value::Int64(0)], vec![Value::Int64(1)]],
                kinds: vec![RowKind::Insert; 2],
            }
        );
        assert_eq!(events[1].what, Traced::Watermark(1000));
        assert!(events[0].at_ns <= events[1].at_ns);
        assert!(!trace.is_cut_short());
        trace.rows("src", 0, 0, &batch(TRACE_ROWS as i64));
        assert!(trace.is_cut_short());
        assert_eq!(
            trace.events().len(),
            2,
            "a batch past the limit is left out whole"
        );
    }
}
