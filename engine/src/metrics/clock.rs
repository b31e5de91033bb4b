//! The metrics clock: nanoseconds on one monotonic clock for the whole process, so a batch
//! stamped in one task can be timed in another.

use std::sync::OnceLock;
use std::time::Instant;

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Nanoseconds since the clock started; never 0, which means "unknown" on a batch.
pub fn now_ns() -> u64 {
    epoch().elapsed().as_nanos() as u64 + 1
}

/// The metrics clock's reading at `instant` (clamped to the clock's start).
pub fn ns_at(instant: Instant) -> u64 {
    instant.saturating_duration_since(epoch()).as_nanos() as u64 + 1
}
