//! How a transport node waits for a server that does not answer: tries again after 50 ms,
//! doubling the pause up to 2 s, until the node's retry time has run out since the first
//! failure. Any answer starts the count again.

use std::time::{Duration, Instant};

/// The first pause after a failure; each next one doubles, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const MAX_PAUSE: Duration = Duration::from_secs(2);

pub struct Backoff {
    retry_for: Duration,
    /// Since when every try has failed, and the pause before the next.
    failing: Option<(Instant, Duration)>,
}

impl Backoff {
    pub fn new(retry_for_ms: u64) -> Self {
        Backoff {
            retry_for: Duration::from_millis(retry_for_ms),
            failing: None,
        }
    }

    /// A try failed for want of the server: the pause before the next, or `None` once the
    /// retry time has run out.
    pub fn failed(&mut self) -> Option<Duration> {
        let now = Instant::now();
        let (since, pause) = match self.failing {
            Some((since, pause)) => (since, (pause * 2).min(MAX_PAUSE)),
            None => (now, FIRST_PAUSE),
        };
        if now.duration_since(since) >= self.retry_for {
            return None;
        }
        self.failing = Some((since, pause));
        Some(pause)
    }

    /// The server answered; true if it had not before.
    pub fn answered(&mut self) -> bool {
        self.failing.take().is_some()
    }

    /// Whether the last try failed.
    pub fn is_failing(&self) -> bool {
        self.failing.is_some()
    }

    /// How long the server is tried before the node fails, in ms, as messages say it.
    pub fn retry_for_ms(&self) -> u128 {
        self.retry_for.as_millis()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_until_the_retry_time_runs_out() {
        let mut backoff = Backoff::new(60_000);
        assert_eq!(backoff.failed(), Some(FIRST_PAUSE));
        assert_eq!(backoff.failed(), Some(FIRST_PAUSE * 2));
        for _ in 0..10 {
            backoff.failed();
        }
        assert_eq!(backoff.failed(), Some(MAX_PAUSE));
        assert!(backoff.answered());
        assert!(!backoff.answered());
        assert_eq!(Backoff::new(0).failed(), None);
    }
}
