//! Node kinds and their typed configurations.

use serde::{Deserialize, Serialize};

use super::transport::{NatsSinkConfig, NatsSourceConfig, RedisSinkConfig, RedisSourceConfig};
use crate::types::{DataType, Field};

/// What a node does, with its configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    Datagen(DatagenConfig),
    FileSource(FileSourceConfig),
    Nexmark(NexmarkConfig),
    Filter(FilterConfig),
    Map(MapConfig),
    KeyBy(KeyByConfig),
    Union(UnionConfig),
    Window(WindowConfig),
    Join(JoinConfig),
    Throttle(ThrottleConfig),
    FileSink(FileSinkConfig),
    Console(ConsoleConfig),
    Blackhole(BlackholeConfig),
    RedisSource(RedisSourceConfig),
    RedisSink(RedisSinkConfig),
    NatsSource(NatsSourceConfig),
    NatsSink(NatsSinkConfig),
}

/// Where a node kind sits in the palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Source,
    Transform,
    Sink,
}

/// How many edges an input port takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    One,
    Many,
}

/// An input port of a node kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputPort {
    pub name: &'static str,
    pub arity: Arity,
}

const SINGLE_INPUT: &[InputPort] = &[InputPort {
    name: super::DEFAULT_PORT,
    arity: Arity::One,
}];
/// A Join's two inputs.
pub const LEFT_INPUT: &str = "left";
pub const RIGHT_INPUT: &str = "right";
const JOIN_INPUTS: &[InputPort] = &[
    InputPort {
        name: LEFT_INPUT,
        arity: Arity::One,
    },
    InputPort {
        name: RIGHT_INPUT,
        arity: Arity::One,
    },
];
const MANY_INPUTS: &[InputPort] = &[InputPort {
    name: super::DEFAULT_PORT,
    arity: Arity::Many,
}];
const OUTPUT: &[&str] = &[super::DEFAULT_OUTPUT];
/// The name of a Window's output for rows too late for their window.
pub const LATE_OUTPUT: &str = "late";
const WINDOW_OUTPUTS: &[&str] = &[super::DEFAULT_OUTPUT, LATE_OUTPUT];

/// A source's event time: the column and the watermark strategy over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceTime<'a> {
    pub column: &'a str,
    /// Bounded out-of-orderness: watermark = largest event time seen - this.
    pub delay_ms: u64,
    /// An instance without rows for this long stops holding event time back.
    pub idle_timeout_ms: Option<u64>,
}

impl NodeKind {
    /// Every kind with its default configuration, in palette order.
    pub fn all() -> Vec<NodeKind> {
        vec![
            NodeKind::Datagen(DatagenConfig::default()),
            NodeKind::FileSource(FileSourceConfig::default()),
            NodeKind::Nexmark(NexmarkConfig::default()),
            NodeKind::Filter(FilterConfig::default()),
            NodeKind::Map(MapConfig::default()),
            NodeKind::KeyBy(KeyByConfig::default()),
            NodeKind::Union(UnionConfig::default()),
            NodeKind::Window(WindowConfig::default()),
            NodeKind::Join(JoinConfig::default()),
            NodeKind::Throttle(ThrottleConfig::default()),
            NodeKind::FileSink(FileSinkConfig::default()),
            NodeKind::Console(ConsoleConfig::default()),
            NodeKind::Blackhole(BlackholeConfig::default()),
            NodeKind::RedisSource(RedisSourceConfig::default()),
            NodeKind::RedisSink(RedisSinkConfig::default()),
            NodeKind::NatsSource(NatsSourceConfig::default()),
            NodeKind::NatsSink(NatsSinkConfig::default()),
        ]
    }

    /// The name used in pipeline files, e.g. `Datagen`.
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Datagen(_) => "Datagen",
            NodeKind::FileSource(_) => "FileSource",
            NodeKind::Nexmark(_) => "Nexmark",
            NodeKind::Filter(_) => "Filter",
            NodeKind::Map(_) => "Map",
            NodeKind::KeyBy(_) => "KeyBy",
            NodeKind::Union(_) => "Union",
            NodeKind::Window(_) => "Window",
            NodeKind::Join(_) => "Join",
            NodeKind::Throttle(_) => "Throttle",
            NodeKind::FileSink(_) => "FileSink",
            NodeKind::Console(_) => "Console",
            NodeKind::Blackhole(_) => "Blackhole",
            NodeKind::RedisSource(_) => "RedisSource",
            NodeKind::RedisSink(_) => "RedisSink",
            NodeKind::NatsSource(_) => "NatsSource",
            NodeKind::NatsSink(_) => "NatsSink",
        }
    }

    /// A one-line description for the palette.
    pub fn description(&self) -> &'static str {
        match self {
            NodeKind::Datagen(_) => "Generates rows from per-field sequences or random values",
            NodeKind::FileSource(_) => "Reads a CSV or JSON Lines file with a declared schema",
            NodeKind::Nexmark(_) => "Nexmark auction benchmark events: persons, auctions or bids",
            NodeKind::Filter(_) => "Keeps the rows for which a SQL condition is true",
            NodeKind::Map(_) => "Computes new columns from SQL expressions (expr AS name)",
            NodeKind::KeyBy(_) => "Partitions the stream by key columns across parallel tasks",
            NodeKind::Union(_) => "Merges streams with the same schema into one",
            NodeKind::Window(_) => {
                "Aggregates rows per key over tumbling, sliding or session windows of time"
            }
            NodeKind::Join(_) => {
                "Joins two streams by key within a window, or within an interval of time"
            }
            NodeKind::Throttle(_) => {
                "Passes at most so many rows a second: a slow step, to see backpressure"
            }
            NodeKind::FileSink(_) => "Writes rows to a CSV or JSON Lines file",
            NodeKind::Console(_) => "Prints rows to the console",
            NodeKind::Blackhole(_) => "Discards rows (for benchmarks)",
            NodeKind::RedisSource(_) => {
                "Reads a Redis stream from an entry id on, replayable from checkpoints"
            }
            NodeKind::RedisSink(_) => {
                "Appends rows to a Redis stream, exactly once with checkpoints"
            }
            NodeKind::NatsSource(_) => {
                "Reads a NATS JetStream stream from a sequence on, replayable from checkpoints"
            }
            NodeKind::NatsSink(_) => {
                "Publishes rows to a NATS JetStream subject, exactly once with checkpoints"
            }
        }
    }

    pub fn category(&self) -> Category {
        match self {
            NodeKind::Datagen(_)
            | NodeKind::FileSource(_)
            | NodeKind::Nexmark(_)
            | NodeKind::RedisSource(_)
            | NodeKind::NatsSource(_) => Category::Source,
            NodeKind::Filter(_)
            | NodeKind::Map(_)
            | NodeKind::KeyBy(_)
            | NodeKind::Union(_)
            | NodeKind::Window(_)
            | NodeKind::Join(_)
            | NodeKind::Throttle(_) => Category::Transform,
            NodeKind::FileSink(_)
            | NodeKind::Console(_)
            | NodeKind::Blackhole(_)
            | NodeKind::RedisSink(_)
            | NodeKind::NatsSink(_) => Category::Sink,
        }
    }

    pub fn inputs(&self) -> &'static [InputPort] {
        match self.category() {
            Category::Source => &[],
            _ if matches!(self, NodeKind::Union(_)) => MANY_INPUTS,
            _ if matches!(self, NodeKind::Join(_)) => JOIN_INPUTS,
            _ => SINGLE_INPUT,
        }
    }

    /// Whether the node's input ends by itself. Only sources can be unbounded.
    pub fn is_bounded(&self) -> bool {
        match self {
            NodeKind::Datagen(c) => {
                c.number_of_rows.is_some()
                    || c.fields
                        .iter()
                        .any(|f| matches!(f.kind, FieldKind::Sequence { .. }))
            }
            NodeKind::Nexmark(c) => c.events.is_some(),
            NodeKind::RedisSource(c) => c.bounded,
            NodeKind::NatsSource(c) => c.bounded,
            _ => true,
        }
    }

    /// Whether the node talks to a message transport (the palette's Transport group).
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            NodeKind::RedisSource(_)
                | NodeKind::RedisSink(_)
                | NodeKind::NatsSource(_)
                | NodeKind::NatsSink(_)
        )
    }

    /// Whether the node reads or writes one thing in order (a file, a stream), and so runs
    /// as one instance.
    pub fn runs_single(&self) -> bool {
        matches!(
            self,
            NodeKind::FileSource(_)
                | NodeKind::FileSink(_)
                | NodeKind::RedisSource(_)
                | NodeKind::RedisSink(_)
                | NodeKind::NatsSource(_)
                | NodeKind::NatsSink(_)
        )
    }

    pub fn outputs(&self) -> &'static [&'static str] {
        match self {
            NodeKind::Window(_) => WINDOW_OUTPUTS,
            _ if self.category() == Category::Sink => &[],
            _ => OUTPUT,
        }
    }

    /// How a source gives its rows event time, if it does.
    pub fn source_time(&self) -> Option<SourceTime<'_>> {
        let (column, delay_ms, idle_timeout_ms) = match self {
            NodeKind::Datagen(c) => (
                c.event_time.as_deref()?,
                c.watermark_delay_ms,
                c.idle_timeout_ms,
            ),
            NodeKind::FileSource(c) => (
                c.event_time.as_deref()?,
                c.watermark_delay_ms,
                c.idle_timeout_ms,
            ),
            NodeKind::Nexmark(c) => ("dateTime", c.watermark_delay_ms, c.idle_timeout_ms),
            NodeKind::RedisSource(c) => (
                c.event_time.as_deref()?,
                c.watermark_delay_ms,
                c.idle_timeout_ms,
            ),
            NodeKind::NatsSource(c) => (
                c.event_time.as_deref()?,
                c.watermark_delay_ms,
                c.idle_timeout_ms,
            ),
            _ => return None,
        };
        Some(SourceTime {
            column,
            delay_ms,
            idle_timeout_ms,
        })
    }
}

/// Flink's `datagen` connector: each field is a sequence or random values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatagenConfig {
    pub fields: Vec<DatagenField>,
    /// Rows per second over all parallel instances; `None` generates as fast as possible.
    pub rows_per_second: Option<u64>,
    /// Total rows; `None` is unbounded unless a sequence field ends sooner.
    pub number_of_rows: Option<u64>,
    /// Seed of the random fields: the same seed gives the same rows.
    pub seed: u64,
    /// A `TIMESTAMP(3)` or `BIGINT` (epoch ms) field that carries event time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// How far event time may run out of order: watermark = max event time seen - this.
    #[serde(skip_serializing_if = "is_zero_u64")]
    pub watermark_delay_ms: u64,
    /// An instance without rows for this long stops holding event time back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_ms: Option<u64>,
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

impl Default for DatagenConfig {
    fn default() -> Self {
        DatagenConfig {
            fields: vec![
                DatagenField {
                    name: "id".into(),
                    data_type: DataType::Int64,
                    kind: FieldKind::Sequence {
                        start: 1,
                        end: 1000,
                    },
                },
                DatagenField {
                    name: "value".into(),
                    data_type: DataType::Int64,
                    kind: FieldKind::Random {
                        min: Some(0.0),
                        max: Some(100.0),
                        length: None,
                        max_past_ms: None,
                        null_rate: 0.0,
                    },
                },
            ],
            rows_per_second: Some(10_000),
            number_of_rows: None,
            seed: 0,
            event_time: None,
            watermark_delay_ms: 0,
            idle_timeout_ms: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatagenField {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: DataType,
    #[serde(default)]
    pub kind: FieldKind,
}

/// How a datagen field is filled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldKind {
    /// Uniform random values. Numbers fall in `min..=max` (defaults: the type's range),
    /// strings are `length` hex characters (default 100), timestamps lie up to `max_past_ms`
    /// before now (default 0), and `null_rate` of the rows are NULL.
    Random {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        length: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_past_ms: Option<u64>,
        #[serde(default, skip_serializing_if = "is_zero")]
        null_rate: f64,
    },
    /// `start, start + 1, …, end`: the source is bounded by the sequence.
    Sequence { start: i64, end: i64 },
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Default for FieldKind {
    fn default() -> Self {
        FieldKind::Random {
            min: None,
            max: None,
            length: None,
            max_past_ms: None,
            null_rate: 0.0,
        }
    }
}

/// The text format of a file source or sink.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileFormat {
    /// Comma-separated values with a header row.
    #[default]
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// Reads a file with a declared schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSourceConfig {
    /// Relative paths resolve against the pipeline file's folder.
    pub path: String,
    pub format: FileFormat,
    /// CSV: the first line names the columns (in any order). Without a header, the columns
    /// are the schema's, in order, as Flink's csv format reads them.
    #[serde(skip_serializing_if = "is_true")]
    pub header: bool,
    pub schema: Vec<Field>,
    /// A `TIMESTAMP(3)` or `BIGINT` (epoch ms) column that carries event time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// How far event time may run out of order: watermark = max event time seen - this.
    pub watermark_delay_ms: u64,
    /// The source without rows for this long stops holding event time back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_ms: Option<u64>,
    /// CSV: a cell with exactly this text is NULL (Flink's `csv.null-literal`); `""` reads
    /// empty cells as NULL. Unset, no cell is NULL: as in Flink, an empty STRING cell is the
    /// empty string, and an empty cell of another type is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_literal: Option<String>,
    /// Rows a second to replay the file at, as if they arrived live; `None` reads it as
    /// fast as it goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_per_second: Option<u64>,
}

fn is_true(v: &bool) -> bool {
    *v
}

impl Default for FileSourceConfig {
    fn default() -> Self {
        FileSourceConfig {
            path: String::new(),
            format: FileFormat::Csv,
            header: true,
            schema: Vec::new(),
            event_time: None,
            watermark_delay_ms: 0,
            idle_timeout_ms: None,
            null_literal: None,
            rows_per_second: None,
        }
    }
}

/// Which of the Nexmark streams a source emits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NexmarkStream {
    Person,
    Auction,
    #[default]
    Bid,
}

/// The Nexmark benchmark generator (persons, auctions and bids of an online auction).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NexmarkConfig {
    pub stream: NexmarkStream,
    /// Events generated over all three streams; `None` is unbounded.
    pub events: Option<u64>,
    /// Events per second over all three streams; `None` generates as fast as possible.
    /// Event timestamps are spaced by this rate (10,000 per second when unset).
    pub events_per_second: Option<u64>,
    pub seed: u64,
    /// Event time of the first event, as `2024-01-02 09:30:00`; `None` is the start time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_time: Option<String>,
    /// Watermark delay behind the largest event time seen, as in the Nexmark DDL (4 s).
    pub watermark_delay_ms: u64,
    /// An instance without rows for this long stops holding event time back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout_ms: Option<u64>,
}

impl Default for NexmarkConfig {
    fn default() -> Self {
        NexmarkConfig {
            stream: NexmarkStream::Bid,
            events: Some(100_000),
            events_per_second: Some(10_000),
            seed: 0,
            base_time: None,
            watermark_delay_ms: 4000,
            idle_timeout_ms: None,
        }
    }
}

/// Keeps rows for which `condition` (a SQL boolean expression) is true.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilterConfig {
    pub condition: String,
}

/// Projects each row: one SQL expression per output column, `expr AS name`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MapConfig {
    pub columns: Vec<String>,
}

/// Hash-partitions the stream by the values of `columns`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyByConfig {
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionConfig {}

/// The windows a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowKind {
    /// Back-to-back windows of one size: `[0, size)`, `[size, 2 * size)`, …
    Tumbling { size_ms: u64 },
    /// Windows of `size_ms` starting every `slide_ms`: a row is in `size / slide` of them.
    Sliding { size_ms: u64, slide_ms: u64 },
    /// Per key, rows closer than `gap_ms` to each other form one window.
    Session { gap_ms: u64 },
}

impl Default for WindowKind {
    fn default() -> Self {
        WindowKind::Tumbling { size_ms: 10_000 }
    }
}

/// Which clock places rows in windows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeKind {
    /// The time a row carries, with watermarks: results depend only on the data.
    #[default]
    EventTime,
    /// The wall clock when a row arrives: lowest latency, results depend on timing.
    ProcessingTime,
}

/// Aggregates rows per window (and per key, after a KeyBy), as Flink SQL's window table
/// functions: output columns `window_start`, `window_end`, the key columns, the aggregates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindowConfig {
    pub window: WindowKind,
    pub time: TimeKind,
    /// `COUNT(*) AS n`, `SUM(price) AS total`, … (COUNT, SUM, MIN, MAX, AVG).
    pub aggregates: Vec<String>,
    /// How long after a window fires a late row still updates it (`-U`/`+U`); later rows
    /// go to the `late` output.
    pub allowed_lateness_ms: u64,
}

/// How a Join matches rows in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinKind {
    /// Rows of both inputs in the same window (tumbling or sliding) match; a windowed input
    /// (a Window's output of that window) keeps its rows' windows.
    Window { window: WindowKind },
    /// A left row matches right rows whose time is within this interval of its own:
    /// `l.time BETWEEN r.time - before_ms AND r.time + after_ms`.
    Interval { before_ms: u64, after_ms: u64 },
}

impl Default for JoinKind {
    fn default() -> Self {
        JoinKind::Window {
            window: WindowKind::default(),
        }
    }
}

/// Which rows a Join gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinType {
    /// Pairs that match.
    #[default]
    Inner,
    /// Pairs that match, and each left row that matched none, with NULL right columns.
    LeftOuter,
}

/// A column of the left input equal to a column of the right one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinKey {
    pub left: String,
    pub right: String,
}

/// Joins the `left` and `right` inputs in event time, on equal keys, as Flink SQL's window
/// join and interval join. Output: for a window join `window_start`, `window_end`, then the
/// left columns and the right ones; a right column named like a left one gets a `0` after
/// its name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JoinConfig {
    pub kind: JoinKind,
    pub join_type: JoinType,
    pub keys: Vec<JoinKey>,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig {
            window: WindowKind::default(),
            time: TimeKind::EventTime,
            aggregates: vec!["COUNT(*) AS n".into()],
            allowed_lateness_ms: 0,
        }
    }
}

/// Writes rows to a file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSinkConfig {
    /// Relative paths resolve against the pipeline file's folder.
    pub path: String,
    pub format: FileFormat,
    /// CSV: how a NULL is written (Flink's `csv.null-literal`); unset, as an empty cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_literal: Option<String>,
}

/// Prints rows like Flink's print connector: `+I[1, apple, 2.5]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// Printed before each row, as Flink's `print-identifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub print_identifier: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackholeConfig {}

/// Holds rows back to at most `rows_per_second` (over all instances, each taking its
/// share), as a slow step would: the steps before it see backpressure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleConfig {
    pub rows_per_second: u64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            rows_per_second: 1000,
        }
    }
}

impl NexmarkStream {
    /// The columns of the stream, as in the Nexmark benchmark's Flink DDL.
    pub fn schema(self) -> crate::types::Schema {
        use DataType::*;
        let fields: &[(&str, DataType)] = match self {
            NexmarkStream::Person => &[
                ("id", Int64),
                ("name", Utf8),
                ("emailAddress", Utf8),
                ("creditCard", Utf8),
                ("city", Utf8),
                ("state", Utf8),
                ("dateTime", Timestamp),
                ("extra", Utf8),
            ],
            NexmarkStream::Auction => &[
                ("id", Int64),
                ("itemName", Utf8),
                ("description", Utf8),
                ("initialBid", Int64),
                ("reserve", Int64),
                ("dateTime", Timestamp),
                ("expires", Timestamp),
                ("seller", Int64),
                ("category", Int64),
                ("extra", Utf8),
            ],
            NexmarkStream::Bid => &[
                ("auction", Int64),
                ("bidder", Int64),
                ("price", Int64),
                ("channel", Utf8),
                ("url", Utf8),
                ("dateTime", Timestamp),
                ("extra", Utf8),
            ],
        };
        crate::types::Schema::new(fields.iter().map(|(n, t)| Field::new(*n, *t)).collect())
    }
}
