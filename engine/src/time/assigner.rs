//! Stamps the rows a source produces with event-time watermarks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::watermark_for;
use crate::types::{Batch, Values};

/// Bounded out-of-orderness over one column of epoch milliseconds (BIGINT or TIMESTAMP(3)),
/// for one source instance. NULL event times do not move the watermark.
pub struct WatermarkAssigner {
    column: usize,
    delay: i64,
    /// The largest event time seen so far.
    max: Option<i64>,
    /// The watermark last sent as a message, and when.
    sent: i64,
    sent_at: Option<Instant>,
    interval: Duration,
    /// No rows for this long marks the instance idle, so it does not hold others back.
    idle_timeout: Option<Duration>,
    last_row: Instant,
    idle: bool,
}

impl WatermarkAssigner {
    pub fn new(
        column: usize,
        delay_ms: u64,
        interval: Duration,
        idle_timeout: Option<Duration>,
    ) -> Self {
        WatermarkAssigner {
            column,
            delay: i64::try_from(delay_ms).unwrap_or(i64::MAX),
            max: None,
            sent: i64::MIN,
            sent_at: None,
            interval,
            idle_timeout,
            last_row: Instant::now(),
            idle: false,
        }
    }

    /// The watermark after every row seen so far.
    pub fn current(&self) -> i64 {
        self.max.map_or(i64::MIN, |m| watermark_for(m, self.delay))
    }

    /// Sets each row's in-force watermark: the one after all rows before it.
    pub fn stamp(&mut self, batch: &mut Batch) {
        let column = batch.column(self.column);
        let times = match &column.values {
            Values::Int64(v) | Values::Timestamp(v) => v,
            _ => return,
        };
        let mut max = self.max.unwrap_or(i64::MIN);
        let mut seen = self.max.is_some();
        let delay = self.delay;
        let mut in_force: Vec<i64> = Vec::with_capacity(times.len());
        // A running maximum, one row at a time: the loop the compiler keeps in registers.
        match column.validity.as_deref() {
            None => {
                for &t in times {
                    in_force.push(if seen {
                        watermark_for(max, delay)
                    } else {
                        i64::MIN
                    });
                    max = max.max(t);
                    seen = true;
                }
            }
            Some(valid) => {
                for (&t, &ok) in times.iter().zip(valid) {
                    in_force.push(if seen {
                        watermark_for(max, delay)
                    } else {
                        i64::MIN
                    });
                    if ok {
                        max = max.max(t);
                        seen = true;
                    }
                }
            }
        }
        if seen {
            self.max = Some(max);
        }
        if !times.is_empty() {
            self.last_row = Instant::now();
            self.idle = false;
        }
        batch.set_watermarks(Some(Arc::from(in_force)));
    }

    /// The watermark to send now, if it advanced and the interval has passed since the last.
    pub fn due(&mut self, now: Instant) -> Option<i64> {
        let current = self.current();
        let interval_passed = self.sent_at.is_none_or(|at| now - at >= self.interval);
        (current > self.sent && interval_passed).then(|| {
            self.sent = current;
            self.sent_at = Some(now);
            current
        })
    }

    /// Whether the instance has just become idle: no rows for the idle timeout.
    pub fn becomes_idle(&mut self, now: Instant) -> bool {
        match self.idle_timeout {
            Some(timeout) if !self.idle && now - self.last_row >= timeout => {
                self.idle = true;
                true
            }
            _ => false,
        }
    }

    /// What a checkpoint keeps: the largest event time seen and the watermark last sent.
    pub fn position(&self) -> (Option<i64>, i64) {
        (self.max, self.sent)
    }

    /// Goes on from a checkpoint's [`WatermarkAssigner::position`]: rows after it are judged
    /// against the same watermarks as in a run that never stopped.
    pub fn restore(&mut self, (max, sent): (Option<i64>, i64)) {
        self.max = max;
        self.sent = sent;
    }

    /// When the instance would become idle, for a source that sleeps.
    pub fn idle_deadline(&self) -> Option<Instant> {
        self.idle_timeout
            .filter(|_| !self.idle)
            .map(|t| self.last_row + t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Column;

    fn batch(times: &[i64]) -> Batch {
        Batch::from_columns(vec![Column::new(Values::Int64(times.to_vec()))])
    }

    #[test]
    fn each_row_carries_the_watermark_of_the_rows_before_it() {
        let mut a = WatermarkAssigner::new(0, 100, Duration::ZERO, None);
        let mut b = batch(&[1000, 3000, 2000]);
        a.stamp(&mut b);
        assert_eq!(b.watermarks().unwrap(), [i64::MIN, 900, 2900]);
        let mut b = batch(&[2500, 5000]);
        a.stamp(&mut b);
        assert_eq!(b.watermarks().unwrap(), [2900, 2900]);
        assert_eq!(a.current(), 4900);
        let now = Instant::now();
        assert_eq!(a.due(now), Some(4900));
        assert_eq!(a.due(now), None, "sent once");
    }

    #[test]
    fn the_stamps_do_not_depend_on_how_rows_are_batched() {
        let times: Vec<i64> = (0..100).map(|i| (i * 37) % 101 * 10).collect();
        let stamped = |size: usize| {
            let mut a = WatermarkAssigner::new(0, 50, Duration::ZERO, None);
            times
                .chunks(size)
                .flat_map(|c| {
                    let mut b = batch(c);
                    a.stamp(&mut b);
                    b.watermarks().unwrap().to_vec()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(stamped(1), stamped(7));
        assert_eq!(stamped(1), stamped(100));
    }

    #[test]
    fn nulls_do_not_move_it_and_an_interval_spaces_messages() {
        let mut a = WatermarkAssigner::new(0, 0, Duration::from_secs(3600), None);
        let mut b = Batch::from_columns(vec![Column::with_validity(
            Values::Timestamp(vec![5, 99, 7]),
            Some(vec![true, false, true]),
        )]);
        a.stamp(&mut b);
        assert_eq!(b.watermarks().unwrap(), [i64::MIN, 5, 5]);
        let now = Instant::now();
        assert_eq!(a.due(now), Some(7));
        a.stamp(&mut batch(&[20]));
        assert_eq!(
            a.due(now + Duration::from_secs(1)),
            None,
            "within the interval"
        );
        assert_eq!(a.due(now + Duration::from_secs(3600)), Some(20));
    }
}
