//! Throttling of sources that are given a rate.

use std::time::{Duration, Instant};

/// Lets a source emit at most `per_second` rows per second, in batches: a full batch when
/// enough rows are due, or what is due once the buffer timeout has passed since the last batch.
pub struct RateLimiter {
    per_second: u64,
    started: Option<Instant>,
    emitted: u64,
    last_emit: Option<Instant>,
    buffer_timeout: Duration,
}

/// What a throttled source may do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Allowance {
    Rows(usize),
    Wait(Duration),
}

impl RateLimiter {
    pub fn new(per_second: u64, buffer_timeout: Duration) -> Self {
        RateLimiter {
            per_second: per_second.max(1),
            started: None,
            emitted: 0,
            last_emit: None,
            buffer_timeout,
        }
    }

    /// How many of `wanted` rows may be emitted now. Call `emitted` with the count used.
    pub fn allowance(&mut self, wanted: usize, now: Instant) -> Allowance {
        let started = *self.started.get_or_insert(now);
        let last_emit = self.last_emit.unwrap_or(started);
        let due_total = (now - started).as_secs_f64() * self.per_second as f64;
        let due = (due_total as u64).saturating_sub(self.emitted) as usize;
        let timed_out = now - last_emit >= self.buffer_timeout;
        if due >= wanted || (due > 0 && timed_out) {
            return Allowance::Rows(due.min(wanted));
        }
        // Sleep until a full batch is due, the timeout passes, or (when nothing is due) the next row.
        let rows_needed = if due == 0 { 1 } else { wanted };
        let at = (self.emitted + rows_needed as u64) as f64 / self.per_second as f64;
        let until_due = Duration::from_secs_f64(at).saturating_sub(now - started);
        let until_timeout = self.buffer_timeout.saturating_sub(now - last_emit);
        let wait = if due == 0 {
            until_due
        } else {
            until_due.min(until_timeout)
        };
        Allowance::Wait(wait.max(Duration::from_micros(100)))
    }

    /// When the next row to emit became due: the moment it was, in a real source, made.
    pub fn next_due(&self, now: Instant) -> Instant {
        let started = self.started.unwrap_or(now);
        let at = started + Duration::from_secs_f64(self.emitted as f64 / self.per_second as f64);
        at.min(now)
    }

    pub fn emitted(&mut self, rows: usize, now: Instant) {
        self.emitted += rows as u64;
        self.last_emit = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_a_full_batch_until_the_timeout() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(1000, Duration::from_millis(100));
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(matches!(r.allowance(100, at(0)), Allowance::Wait(_)));
        match r.allowance(100, at(50)) {
            Allowance::Wait(d) => assert!(d <= Duration::from_millis(50), "{d:?}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.allowance(100, at(100)), Allowance::Rows(100));
    }

    #[test]
    fn a_slow_rate_sends_partial_batches_each_timeout() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(100, Duration::from_millis(100));
        let at = |ms| t0 + Duration::from_millis(ms);
        let _ = r.allowance(100, at(0));
        assert_eq!(r.allowance(100, at(100)), Allowance::Rows(10));
        r.emitted(10, at(100));
        assert!(matches!(r.allowance(100, at(150)), Allowance::Wait(_)));
        assert_eq!(r.allowance(100, at(200)), Allowance::Rows(10));
    }
}
