//! The configurations of nodes that read from and write to a message transport (Redis
//! Streams, NATS JetStream), where a stream outlives the job and can be read again from an
//! offset.

use serde::{Deserialize, Serialize};

use crate::types::Field;

/// Where a stream source starts reading when it does not restore a checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamStart {
    /// The oldest entry the stream still holds.
    #[default]
    Beginning,
    /// The entry at this offset and those after: a Redis entry id (`1700000000000-0`, or
    /// just the milliseconds), or a JetStream stream sequence (`1` is the first message).
    AtId(String),
    /// The first entry added at or after this time (`2024-01-02 09:30:00`, UTC).
    AtTime(String),
    /// Only entries added after the job starts.
    NewOnly,
}

/// How a stream entry (a NATS message's payload, a Redis entry's field) carries a row, as
/// text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayloadFormat {
    /// A JSON object whose keys are the columns (as a JSON Lines file's lines).
    #[default]
    Json,
    /// One CSV record with the columns in schema order, without a header.
    Csv,
}

/// The entry field that holds the row unless told otherwise.
pub const DEFAULT_PAYLOAD_FIELD: &str = "data";
/// The server a transport node talks to unless told otherwise.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
/// How long a transport node keeps retrying an unreachable server before the job fails.
pub const DEFAULT_RETRY_FOR_MS: u64 = 30_000;

/// The NATS server a transport node talks to unless told otherwise.
pub const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

fn default_url() -> String {
    DEFAULT_REDIS_URL.into()
}

fn default_field() -> String {
    DEFAULT_PAYLOAD_FIELD.into()
}

/// Reads the entries of a Redis stream (`XRANGE` from the last entry id read), decoded to
/// the declared schema. The last id read is the source's position in checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisSourceConfig {
    /// `redis://host:port` (`redis://:password@host:port/db` with a password and database).
    pub url: String,
    /// The stream's key.
    pub stream: String,
    pub start: StreamStart,
    /// Reads up to the entry that was last when the job started, then ends; otherwise the
    /// source waits for new entries until the job is stopped.
    pub bounded: bool,
    /// The entry field holding the row.
    pub field: String,
    pub format: PayloadFormat,
    pub schema: Vec<Field>,
    /// A `TIMESTAMP(3)` column added after the schema's, holding the time Redis gave the
    /// entry (its id's milliseconds): event time when the payload has none of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_time_column: Option<String>,
    /// A `TIMESTAMP(3)` or `BIGINT` (epoch ms) column that carries event time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// How far event time may run out of order: watermark = max event time seen - this.
    pub watermark_delay_ms: u64,
    /// The source without rows for this long stops holding event time back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_ms: Option<u64>,
    /// How long an unreachable server is retried, with back-off, before the job fails.
    pub retry_for_ms: u64,
}

impl Default for RedisSourceConfig {
    fn default() -> Self {
        RedisSourceConfig {
            url: default_url(),
            stream: String::new(),
            start: StreamStart::Beginning,
            bounded: false,
            field: default_field(),
            format: PayloadFormat::Json,
            schema: Vec::new(),
            entry_time_column: None,
            event_time: None,
            watermark_delay_ms: 0,
            idle_timeout_ms: None,
            retry_for_ms: DEFAULT_RETRY_FOR_MS,
        }
    }
}

/// Appends rows to a Redis stream (`XADD`), one entry a row. In a job that takes
/// checkpoints, rows are written when their checkpoint completes, in one `MULTI`/`EXEC`
/// with a marker of the checkpoint, so a restore never writes a row twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisSinkConfig {
    pub url: String,
    pub stream: String,
    /// The entry field the row is written to.
    pub field: String,
    pub format: PayloadFormat,
    /// How long an unreachable server is retried, with back-off, before the job fails.
    pub retry_for_ms: u64,
}

impl Default for RedisSinkConfig {
    fn default() -> Self {
        RedisSinkConfig {
            url: default_url(),
            stream: String::new(),
            field: default_field(),
            format: PayloadFormat::Json,
            retry_for_ms: DEFAULT_RETRY_FOR_MS,
        }
    }
}

/// Reads a NATS JetStream stream in order from a stream sequence on (an ordered consumer of
/// the stream, filtered by subject), decoded to the declared schema. The last sequence read
/// is the source's position in checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NatsSourceConfig {
    /// `nats://host:port` (`nats://user:password@host:port` with a user).
    pub url: String,
    /// The JetStream stream's name.
    pub stream: String,
    /// Only the messages of these subjects (`readings.>`); empty for all of the stream's.
    pub subject: String,
    pub start: StreamStart,
    /// Reads up to the message that was last when the job started, then ends; otherwise the
    /// source waits for new messages until the job is stopped.
    pub bounded: bool,
    pub format: PayloadFormat,
    pub schema: Vec<Field>,
    /// A `TIMESTAMP(3)` column added after the schema's, holding the time JetStream stored
    /// the message: event time when the payload has none of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_time_column: Option<String>,
    /// A `TIMESTAMP(3)` or `BIGINT` (epoch ms) column that carries event time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// How far event time may run out of order: watermark = max event time seen - this.
    pub watermark_delay_ms: u64,
    /// The source without rows for this long stops holding event time back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_ms: Option<u64>,
    /// How long an unreachable server is retried, with back-off, before the job fails.
    pub retry_for_ms: u64,
}

impl Default for NatsSourceConfig {
    fn default() -> Self {
        NatsSourceConfig {
            url: DEFAULT_NATS_URL.into(),
            stream: String::new(),
            subject: String::new(),
            start: StreamStart::Beginning,
            bounded: false,
            format: PayloadFormat::Json,
            schema: Vec::new(),
            message_time_column: None,
            event_time: None,
            watermark_delay_ms: 0,
            idle_timeout_ms: None,
            retry_for_ms: DEFAULT_RETRY_FOR_MS,
        }
    }
}

/// Publishes rows to a subject of a NATS JetStream stream, one message a row, each with a
/// message id (`Nats-Msg-Id`). The stream is made, taking the subject, if there is none of
/// that name. In a job that takes checkpoints, rows are published when their checkpoint
/// completes, and their ids let JetStream drop the ones a restore publishes again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NatsSinkConfig {
    pub url: String,
    /// The JetStream stream the subject belongs to.
    pub stream: String,
    /// The subject each row is published to.
    pub subject: String,
    pub format: PayloadFormat,
    /// How long an unreachable server is retried, with back-off, before the job fails.
    pub retry_for_ms: u64,
}

impl Default for NatsSinkConfig {
    fn default() -> Self {
        NatsSinkConfig {
            url: DEFAULT_NATS_URL.into(),
            stream: String::new(),
            subject: String::new(),
            format: PayloadFormat::Json,
            retry_for_ms: DEFAULT_RETRY_FOR_MS,
        }
    }
}
