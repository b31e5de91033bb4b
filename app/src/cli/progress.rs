use std::io::IsTerminal;
use std::time::{Duration, Instant};

use engine::JobHandle;
use engine::metrics::totals;

use super::terminal::{err, err_raw};
use super::{rate, thousands};

/// Progress of a long run on standard error: rewritten in place on a terminal, a line every
/// few seconds in a log. Short runs print nothing.
pub struct Progress {
    terminal: bool,
    last: Instant,
    last_records: u64,
    shown: bool,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            terminal: std::io::stderr().is_terminal(),
            last: Instant::now(),
            last_records: 0,
            shown: false,
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
        let line = format!(
            "{:>7.1} s  {} records in  {} out  {} records/s",
            job.elapsed().as_secs_f64(),
            thousands(records_in),
            thousands(records_out),
            rate(per_second)
        );
        if self.terminal {
            err_raw(format!("\r{line:<78}"));
        } else {
            err(line);
        }
        self.last = now;
        self.last_records = records_in;
        self.shown = true;
    }

    /// Leaves the terminal line clean for the summary.
    pub fn clear(&self) {
        if self.terminal && self.shown {
            err_raw(format!("\r{:78}\r", ""));
        }
    }
}
