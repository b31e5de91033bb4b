use std::io::IsTerminal;
use std::time::{Duration, Instant};

use engine::JobHandle;
use engine::metrics::{MetricsSnapshot, totals};

use super::terminal::{err, err_raw};
use super::{rate, thousands};

/// Progress of a long run on standard error: rewritten in place on a terminal, a line every
/// few seconds in a log. Short runs print nothing. It reads the job's metric samples.
pub struct Progress {
    terminal: bool,
    last: Instant,
    last_records: u64,
    /// The width of the line shown, to blank it fully when it shrinks.
    shown: usize,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            terminal: std::io::stderr().is_terminal(),
            last: Instant::now(),
            last_records: 0,
            shown: 0,
        }
    }

    fn interval(&self) -> Duration {
        if self.terminal {
            Duration::from_millis(500)
        } else {
            Duration::from_secs(5)
        }
    }

    pub fn update(&mut self, job: &JobHandle) {
        let now = Instant::now();
        let since = now - self.last;
        if since < self.interval() {
            return;
        }
        let (records_in, records_out) = totals(&job.metrics());
        let per_second = (records_in - self.last_records) as f64 / since.as_secs_f64();
        let mut line = format!(
            "{:>7.1} s  {} records in  {} out  {} records/s",
            job.elapsed().as_secs_f64(),
            thousands(records_in),
            thousands(records_out),
            rate(per_second)
        );
        if let Some(sample) = job.latest_sample() {
            line.push_str(&timing(&sample));
        }
        if self.terminal {
            let width = self.shown.max(line.len());
            err_raw(format!("\r{line:<width$}"));
        } else {
            err(&line);
        }
        self.last = now;
        self.last_records = records_in;
        self.shown = line.len();
    }

    /// Leaves the terminal line clean for the summary.
    pub fn clear(&self) {
        if self.terminal && self.shown > 0 {
            err_raw(format!("\r{:width$}\r", "", width = self.shown));
        }
    }
}

/// `  p99 3.2 ms  watermark lag 2.1 s`: the slowest sink's latency over the last sample and
/// the sink furthest behind in event time, when there are such.
fn timing(sample: &MetricsSnapshot) -> String {
    let sinks = || {
        sample
            .nodes
            .iter()
            .filter(|n| n.category == Some(engine::spec::Category::Sink))
    };
    let mut text = String::new();
    if let Some(p99) = sinks()
        .filter_map(|n| n.latency.map(|l| l.p99_ms))
        .max_by(f64::total_cmp)
    {
        text.push_str(&format!("  p99 {}", crate::format::millis(p99)));
    }
    if let Some(lag) = sinks().filter_map(|n| n.watermark_lag_ms).max() {
        text.push_str(&format!(
            "  watermark lag {}",
            crate::format::millis(lag as f64)
        ));
    }
    text
}
