//! The configurations of nodes that read from and write to a message transport (Redis
//! Streams), where a stream outlives the job and can be read again from an offset.

use serde::{Deserialize, Serialize};

use crate::types::Field;

/// Where a stream source starts reading when it does not restore a checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamStart {
    /// The oldest entry the stream still holds.
    #[default]
    Beginning,
    /// The entry with this id (`1700000000000-0`, or just the milliseconds) and those after.
    AtId(String),
    /// The first entry added at or after this time (`2024-01-02 09:30:00`, UTC).
    AtTime(String),
    /// Only entries added after the job starts.
    NewOnly,
}

/// How a stream entry carries a row: in one field of the entry, as text.
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
