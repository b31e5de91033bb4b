//! A peek at the rows leaving a node's output port: the last rows that crossed it, kept only
//! while someone looks. Closed, it costs one relaxed load per batch.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::types::{Batch, Value};

/// Rows a peek keeps: the newest.
pub const PEEK_ROWS: usize = 50;

#[derive(Default)]
pub struct Peek {
    open: AtomicBool,
    rows: Mutex<VecDeque<Vec<Value>>>,
    /// Rows that crossed since it opened.
    seen: AtomicU64,
}

impl Peek {
    /// Starts keeping rows, from none.
    pub fn open(&self) {
        self.rows.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.seen.store(0, Ordering::Relaxed);
        self.open.store(true, Ordering::Relaxed);
    }

    /// Stops keeping rows and lets go of those kept.
    pub fn close(&self) {
        self.open.store(false, Ordering::Relaxed);
        self.rows.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Relaxed)
    }

    /// Keeps the last rows of `batch`, if open.
    pub fn record(&self, batch: &Batch) {
        if !self.is_open() {
            return;
        }
        let n = batch.num_rows();
        self.seen.fetch_add(n as u64, Ordering::Relaxed);
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        for i in n.saturating_sub(PEEK_ROWS)..n {
            if rows.len() == PEEK_ROWS {
                rows.pop_front();
            }
            rows.push_back(batch.row(i));
        }
    }

    /// The rows kept, oldest first, and how many crossed since it opened.
    pub fn rows(&self) -> (Vec<Vec<Value>>, u64) {
        let rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        (
            rows.iter().cloned().collect(),
            self.seen.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Column, Values};

    fn batch(from: i64, to: i64) -> Batch {
        Batch::from_columns(vec![Column::new(Values::Int64((from..to).collect()))])
    }

    #[test]
    fn a_peek_keeps_the_newest_rows_only_while_open() {
        let peek = Peek::default();
        peek.record(&batch(0, 10));
        assert_eq!(peek.rows().1, 0, "closed: nothing kept");
        peek.open();
        peek.record(&batch(0, 30));
        peek.record(&batch(30, 100));
        let (rows, seen) = peek.rows();
        assert_eq!(seen, 100);
        assert_eq!(rows.len(), PEEK_ROWS);
        assert_eq!(rows.first(), Some(&vec![Value::Int64(50)]));
        assert_eq!(rows.last(), Some(&vec![Value::Int64(99)]));
        peek.close();
        assert!(peek.rows().0.is_empty());
    }
}
