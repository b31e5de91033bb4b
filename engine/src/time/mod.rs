//! Event time: the watermark rule, the assigner that stamps each row with the watermark in
//! force before it, and how a task combines the watermarks of its inputs.
//!
//! Watermarks travel two ways. Each row of a stream with event time carries the watermark
//! in force before it, as if a watermark followed every row (Flink's
//! `pipeline.auto-watermark-interval: 0`): operators decide lateness and fire windows from
//! these values, so results are a pure function of the input order, whatever the batch size,
//! the watermark interval or the timing of a run. Watermark messages travel between batches,
//! at most once per watermark interval, so that time advances while no rows flow.

mod assigner;
mod inputs;

pub use assigner::WatermarkAssigner;
pub use inputs::InputWatermarks;

/// The watermark after seeing event times up to `max`: `max - delay`, Flink SQL's bounded
/// out-of-orderness (`WATERMARK FOR ts AS ts - INTERVAL …`).
pub fn watermark_for(max: i64, delay: i64) -> i64 {
    max.saturating_sub(delay)
}

/// A window `[start, end)` fires when the watermark reaches its last millisecond, `end - 1`,
/// as Flink SQL decides.
pub fn last_millisecond(end: i64) -> i64 {
    end.saturating_sub(1)
}

/// Whether a window ending at `end` has fired at `watermark`.
pub fn window_fired(end: i64, watermark: i64) -> bool {
    last_millisecond(end) <= watermark
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_sql_rules() {
        assert_eq!(watermark_for(10_000, 2_000), 8_000);
        assert_eq!(watermark_for(i64::MIN + 5, 10), i64::MIN);
        // [0, 10) fires once the watermark reaches 9, not before.
        assert!(!window_fired(10, 8));
        assert!(window_fired(10, 9));
        assert!(window_fired(10, i64::MAX));
    }
}
