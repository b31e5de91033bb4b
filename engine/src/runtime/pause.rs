//! Pausing a job's sources, and letting a number of rows through while paused: the
//! breakpoint and step of a debugger, for a stream. Operators go on (a partly filled batch
//! still leaves on its timeout), but nothing new enters, so event time stays where it is.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Default)]
pub struct PauseControl {
    paused: AtomicBool,
    /// Rows the sources may still let through while paused, all of them together.
    credit: AtomicU64,
}

impl PauseControl {
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
        self.credit.store(0, Ordering::SeqCst);
    }

    /// Lets `rows` more rows in while paused.
    pub fn step(&self, rows: u64) {
        if self.is_paused() {
            self.credit.fetch_add(rows, Ordering::SeqCst);
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    /// Whether a source may let any row through now.
    pub fn may_emit(&self) -> bool {
        !self.is_paused() || self.credit.load(Ordering::SeqCst) > 0
    }

    /// How many of `wanted` rows a source may let through now: all while running; while
    /// paused, as many as the credit has left, taken from it.
    pub fn take(&self, wanted: usize) -> usize {
        if !self.is_paused() {
            return wanted;
        }
        let mut credit = self.credit.load(Ordering::SeqCst);
        loop {
            let n = credit.min(wanted as u64);
            if n == 0 {
                return 0;
            }
            match self.credit.compare_exchange(
                credit,
                credit - n,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return n as usize,
                Err(now) => credit = now,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_job_lets_through_exactly_the_rows_stepped() {
        let pause = PauseControl::default();
        assert_eq!(pause.take(100), 100, "running: everything goes");
        pause.pause();
        assert!(!pause.may_emit());
        assert_eq!(pause.take(100), 0);
        pause.step(25);
        assert_eq!(pause.take(10), 10);
        assert_eq!(pause.take(100), 15);
        assert_eq!(pause.take(100), 0);
        pause.step(5);
        pause.resume();
        assert_eq!(pause.take(100), 100);
        pause.pause();
        assert_eq!(pause.take(100), 0, "credit left at resume is gone");
    }
}
