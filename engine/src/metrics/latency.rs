//! End-to-end latency as a histogram: at a sink, the time since each batch's oldest row was
//! made, counted once for each of its rows (an upper bound per row, exact at batch size 1).

use std::sync::Mutex;

use hdrhistogram::Histogram;

/// Microseconds, from 1 µs to an hour, at two significant digits.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 2).expect("valid bounds")
}

/// The latencies a sink instance recorded since the sampler last took them.
pub struct Latency {
    recent: Mutex<Histogram<u64>>,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            recent: Mutex::new(histogram()),
        }
    }
}

impl Latency {
    /// Records `rows` rows that took `nanos` from their making to this sink.
    pub fn record(&self, nanos: u64, rows: usize) {
        let micros = (nanos / 1000).clamp(1, 3_600_000_000);
        let mut h = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let _ = h.record_n(micros, rows as u64);
    }

    /// The latencies recorded since the last call, leaving none.
    pub fn take(&self) -> Histogram<u64> {
        let mut h = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *h, histogram())
    }
}

/// Percentiles of a histogram, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LatencySummary {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Rows measured.
    pub count: u64,
}

impl LatencySummary {
    pub fn of(h: &Histogram<u64>) -> Option<LatencySummary> {
        if h.is_empty() {
            return None;
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        Some(LatencySummary {
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
            count: h.len(),
        })
    }
}

/// A sink's latency over its last `len` samples: their sum, and each one with rows, to take
/// off the sum when it leaves the window.
pub struct LatencyWindow {
    sum: Histogram<u64>,
    parts: std::collections::VecDeque<Option<Histogram<u64>>>,
    len: usize,
}

impl LatencyWindow {
    pub fn new(len: usize) -> Self {
        LatencyWindow {
            sum: histogram(),
            parts: std::collections::VecDeque::with_capacity(len + 1),
            len: len.max(1),
        }
    }

    /// Adds one sample's latencies (`None`: no row reached the sink).
    pub fn push(&mut self, sample: Option<Histogram<u64>>) {
        if let Some(h) = &sample {
            let _ = self.sum.add(h);
        }
        self.parts.push_back(sample);
        if self.parts.len() > self.len
            && let Some(Some(old)) = self.parts.pop_front()
        {
            let _ = self.sum.subtract(&old);
        }
    }

    pub fn summary(&self) -> Option<LatencySummary> {
        LatencySummary::of(&self.sum)
    }
}

/// An empty histogram to merge others into.
pub fn empty() -> Histogram<u64> {
    histogram()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_in_milliseconds() {
        let l = Latency::default();
        l.record(1_000_000, 98);
        l.record(20_000_000, 2);
        let s = LatencySummary::of(&l.take()).unwrap();
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 1.0).abs() < 0.02, "{s:?}");
        assert!((s.p99_ms - 20.0).abs() < 0.3, "{s:?}");
        assert!(LatencySummary::of(&l.take()).is_none(), "taken");
    }

    fn of(micros: u64) -> Option<Histogram<u64>> {
        let mut h = histogram();
        h.record(micros).unwrap();
        Some(h)
    }

    #[test]
    fn a_window_keeps_its_last_samples_and_forgets_older_ones() {
        let mut window = LatencyWindow::new(2);
        assert_eq!(window.summary(), None);
        window.push(of(50_000));
        window.push(None);
        assert_eq!(window.summary().map(|s| s.count), Some(1));
        window.push(of(1_000));
        // 50 ms has left the window of two samples.
        let summary = window.summary().expect("a latency");
        assert_eq!(summary.count, 1);
        assert!((summary.max_ms - 1.0).abs() < 0.02, "{summary:?}");
        window.push(None);
        window.push(None);
        assert_eq!(window.summary(), None);
    }
}
