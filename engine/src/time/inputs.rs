//! A task's event time from its inputs: the least watermark of the inputs that are open and
//! active, as an idle input does not hold event time back.

/// The watermark of each input of one task.
pub struct InputWatermarks {
    latest: Vec<i64>,
    open: Vec<bool>,
    idle: Vec<bool>,
    /// The combined watermark last reached; it never goes back.
    combined: i64,
}

impl InputWatermarks {
    pub fn new(inputs: usize) -> Self {
        InputWatermarks {
            latest: vec![i64::MIN; inputs],
            open: vec![true; inputs],
            idle: vec![false; inputs],
            combined: i64::MIN,
        }
    }

    pub fn current(&self) -> i64 {
        self.combined
    }

    /// Input `i` reached `watermark` (a message, or a row stamped with it); returns the new
    /// combined watermark if it advanced.
    pub fn advance(&mut self, i: usize, watermark: i64) -> Option<i64> {
        self.latest[i] = self.latest[i].max(watermark);
        self.idle[i] = false;
        self.recompute()
    }

    /// Input `i` has sent rows stamped up to `watermark`: other inputs' rows are judged
    /// against it, though event time itself moves only with watermark messages.
    pub fn saw(&mut self, i: usize, watermark: i64) {
        self.latest[i] = self.latest[i].max(watermark);
    }

    /// Input `i` has rows again: it counts once more.
    pub fn active(&mut self, i: usize) {
        self.idle[i] = false;
    }

    /// Input `i` is idle (or ended): event time may pass it.
    pub fn idle(&mut self, i: usize) -> Option<i64> {
        self.idle[i] = true;
        self.recompute()
    }

    /// Input `i` has ended. One that drained sent the last watermark (`i64::MAX`) first; one
    /// stopped early keeps event time where it left it, so a stop fires no window.
    pub fn close(&mut self, i: usize) -> Option<i64> {
        self.open[i] = false;
        self.idle[i] = false;
        self.recompute()
    }

    /// Whether input `i` holds event time back: an idle input does not while it is open.
    fn counts(&self, i: usize) -> bool {
        !(self.open[i] && self.idle[i])
    }

    /// The least watermark of the inputs other than `i` that hold event time back: what a
    /// row of input `i` is judged against beside its own watermark. `i64::MAX` when none do.
    pub fn others(&self, i: usize) -> i64 {
        (0..self.latest.len())
            .filter(|&j| j != i && self.counts(j))
            .map(|j| self.latest[j])
            .min()
            .unwrap_or(i64::MAX)
    }

    /// What a checkpoint keeps: each input's watermark, and the combined one.
    pub fn position(&self) -> (Vec<i64>, i64) {
        (self.latest.clone(), self.combined)
    }

    /// Goes on from a checkpoint: `latest` per input in today's order.
    pub fn restore(&mut self, latest: &[i64], combined: i64) {
        for (mine, &w) in self.latest.iter_mut().zip(latest) {
            *mine = w;
        }
        self.combined = combined;
    }

    fn recompute(&mut self) -> Option<i64> {
        let least = (0..self.latest.len())
            .filter(|&j| self.counts(j))
            .map(|j| self.latest[j])
            .min()?;
        (least > self.combined).then(|| {
            self.combined = least;
            least
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_active_input_leads() {
        let mut w = InputWatermarks::new(2);
        assert_eq!(w.advance(0, 100), None, "input 1 has none yet");
        assert_eq!(w.advance(1, 50), Some(50));
        assert_eq!(w.others(0), 50);
        // An idle input no longer holds event time back; rows bring it back.
        assert_eq!(w.idle(1), Some(100));
        assert_eq!(w.others(0), i64::MAX);
        w.active(1);
        assert_eq!(w.advance(0, 200), None, "input 1 is at 50 again");
        assert_eq!(w.advance(1, 300), Some(200));
        // An input stopped early holds event time where it left it; a drained one sent the
        // last watermark before it ended.
        assert_eq!(w.close(0), None);
        assert_eq!(w.current(), 200);
        assert_eq!(w.advance(0, i64::MAX), Some(300));
    }
}
