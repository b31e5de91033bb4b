//! Throttle: a step that takes 1/rate seconds a row, as a slow one would. It holds its
//! task up, so its input channels fill and the steps before it feel backpressure.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Context, OpResult, Operator, Outputs};
use crate::spec::ThrottleConfig;
use crate::types::Batch;

/// The longest it sleeps before it looks at the stop flag again.
const MAX_NAP: Duration = Duration::from_millis(20);

pub struct Throttle {
    /// This instance's share of the rate.
    per_second: f64,
    /// When the rows taken so far are done.
    busy_until: Option<Instant>,
    stop: Arc<AtomicBool>,
}

impl Throttle {
    pub fn new(config: &ThrottleConfig, ctx: &Context) -> Self {
        Throttle {
            per_second: ctx.share(config.rows_per_second).max(1) as f64,
            busy_until: None,
            stop: ctx.stop.clone(),
        }
    }
}

impl Operator for Throttle {
    fn process(&mut self, _port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        let now = Instant::now();
        let start = self.busy_until.map_or(now, |t| t.max(now));
        let done = start + Duration::from_secs_f64(batch.num_rows() as f64 / self.per_second);
        self.busy_until = Some(done);
        // A stopping job drains at full speed.
        while !self.stop.load(Ordering::Relaxed) {
            let left = done.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(MAX_NAP));
        }
        out.push(batch);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Column, Values};

    fn rows(n: usize) -> Batch {
        Batch::new(vec![Arc::new(Column::new(Values::Int64(vec![0; n])))], n)
    }

    #[test]
    fn each_row_takes_its_share_of_a_second() {
        let ctx = Context::default();
        let mut throttle = Throttle::new(
            &ThrottleConfig {
                rows_per_second: 1000,
            },
            &ctx,
        );
        let started = Instant::now();
        let mut out = Outputs::default();
        for _ in 0..3 {
            throttle.process(0, rows(50), &mut out).unwrap();
        }
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(150), "{took:?}");
        assert_eq!(out.take().len(), 3);
    }

    #[test]
    fn a_stopping_job_passes_rows_at_once() {
        let ctx = Context::default();
        ctx.stop.store(true, Ordering::Relaxed);
        let mut throttle = Throttle::new(&ThrottleConfig { rows_per_second: 1 }, &ctx);
        let started = Instant::now();
        let mut out = Outputs::default();
        throttle.process(0, rows(1000), &mut out).unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
