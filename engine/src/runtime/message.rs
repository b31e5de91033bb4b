use crate::types::Batch;

/// What travels on a channel between tasks: data, and control messages in band with it.
#[derive(Debug)]
pub enum Message {
    Batch(Batch),
    /// No row with an event time at or below this will follow on this channel.
    Watermark(i64),
    /// The sender has had no rows for its idle timeout: event time may pass it until it
    /// sends again.
    Idle,
    /// Marks a consistent cut of the stream for checkpoint `id`.
    Barrier(u64),
    /// The sender has finished; nothing follows.
    EndOfStream,
}
