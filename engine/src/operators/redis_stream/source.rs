//! Reads a Redis stream from an entry id on (`XRANGE key (last-id +`), a batch a poll. The
//! last id read is the position a checkpoint keeps, so a restore reads on from exactly the
//! next entry. A bounded source notes the stream's last id when it first reads (kept in
//! checkpoints too) and ends there. An entry whose payload does not decode is skipped,
//! counted and logged with its id: one bad message must not stop a pipeline.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::super::console::ConsoleWriter;
use super::super::stream_payload::{Decoder, RowBuilder, should_log_skip};
use super::super::{Context, OpResult, Source, SourceEvent, SourcePosition};
use super::connection::{Connection, Tried};
use super::entry_id::EntryId;
use crate::spec::{RedisSourceConfig, StreamStart};
use crate::types::{DataType, Schema, Value, parse_timestamp};

/// How long to wait before looking again when the stream has nothing new.
const EMPTY_WAIT: Duration = Duration::from_millis(10);

/// Where the source is in the stream.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Position {
    /// The last entry read; `None` until the start is resolved against the stream.
    after: Option<EntryId>,
    /// A bounded source's last entry.
    end: Option<EntryId>,
    /// Entries skipped because their payload did not decode.
    skipped: u64,
}

pub struct RedisSource {
    node: String,
    stream: String,
    field: String,
    start: StreamStart,
    bounded: bool,
    connection: Connection,
    decoder: Decoder,
    /// The types of the output columns: the payload's, then the entry time if asked for.
    types: Vec<DataType>,
    entry_time: bool,
    batch_size: usize,
    position: Position,
    console: Arc<dyn ConsoleWriter>,
}

/// One entry as `XRANGE` gives it: the id and its fields, names and values in turn.
type Entry = (String, Vec<Vec<u8>>);

impl RedisSource {
    pub fn new(config: &RedisSourceConfig, ctx: &Context) -> OpResult<Self> {
        let schema = Schema::new(config.schema.clone());
        let mut types: Vec<DataType> = schema.fields.iter().map(|f| f.data_type).collect();
        if config.entry_time_column.is_some() {
            types.push(DataType::Timestamp);
        }
        Ok(RedisSource {
            node: ctx.node_id.clone(),
            stream: config.stream.clone(),
            field: config.field.clone(),
            start: config.start.clone(),
            bounded: config.bounded,
            connection: Connection::new(&config.url, config.retry_for_ms)?,
            decoder: Decoder::new(schema, config.format),
            types,
            entry_time: config.entry_time_column.is_some(),
            batch_size: ctx.job.batch_size.max(1),
            position: Position::default(),
            console: ctx.console.clone(),
        })
    }

    fn log(&self, line: String) {
        let _ = self
            .console
            .write_lines(&[format!("{}: {line}", self.node)]);
    }

    /// Runs one command against the stream; `None` while the server is being retried.
    fn run<T>(
        &mut self,
        command: impl FnMut(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> OpResult<Option<T>> {
        let was_failing = self.connection.is_failing();
        let stream = self.stream.clone();
        match self.connection.try_run(command) {
            Ok(Tried::Done(value)) => {
                if was_failing {
                    self.log(format!(
                        "Redis at {} answers again",
                        self.connection.address()
                    ));
                }
                Ok(Some(value))
            }
            Ok(Tried::Retry(pause)) => {
                if !was_failing {
                    self.log(format!(
                        "Redis at {} does not answer; retrying (next in {} ms)",
                        self.connection.address(),
                        pause.as_millis()
                    ));
                }
                Ok(None)
            }
            Err(e) => Err(format!("reading stream `{stream}`: {e}")),
        }
    }

    /// The stream's last entry id, `0-0` when it is empty or missing.
    fn last_id(&mut self) -> OpResult<Option<EntryId>> {
        let stream = self.stream.clone();
        let last: Option<Vec<Entry>> = self.run(|c| {
            redis::cmd("XREVRANGE")
                .arg(&stream)
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(1)
                .query(c)
        })?;
        match last {
            None => Ok(None),
            Some(entries) => match entries.first() {
                Some((id, _)) => EntryId::parse(id).map(Some),
                None => Ok(Some(EntryId::ZERO)),
            },
        }
    }

    /// Turns the configured start into the id reading goes on after; false while the
    /// server is being retried.
    fn resolve(&mut self) -> OpResult<bool> {
        let after = match &self.start {
            StreamStart::Beginning => EntryId::ZERO,
            StreamStart::AtId(id) => EntryId::parse(id)?.before(),
            StreamStart::AtTime(time) => {
                let ms = parse_timestamp(time)
                    .ok_or_else(|| format!("`{time}` is not a time like 2024-01-02 09:30:00"))?;
                EntryId {
                    ms: ms.max(0) as u64,
                    seq: 0,
                }
                .before()
            }
            StreamStart::NewOnly => match self.last_id()? {
                Some(last) => last,
                None => return Ok(false),
            },
        };
        if self.bounded {
            match self.last_id()? {
                Some(end) => self.position.end = Some(end),
                None => return Ok(false),
            }
        }
        self.position.after = Some(after);
        Ok(true)
    }

    /// Decodes an entry into the builders, or says why it cannot be a row.
    fn decode(&self, id: EntryId, fields: &[Vec<u8>]) -> Result<Vec<Value>, String> {
        let payload = fields
            .chunks(2)
            .find(|pair| pair[0] == self.field.as_bytes())
            .and_then(|pair| pair.get(1))
            .ok_or_else(|| format!("the entry has no field `{}`", self.field))?;
        let mut row = self.decoder.decode(payload)?;
        if self.entry_time {
            row.push(Value::Timestamp(id.ms.min(i64::MAX as u64) as i64));
        }
        Ok(row)
    }

    fn skip(&mut self, id: EntryId, reason: &str) {
        self.position.skipped += 1;
        let skipped = self.position.skipped;
        if should_log_skip(skipped) {
            self.log(format!(
                "skipped entry {id} of stream `{}`: {reason} ({skipped} skipped so far)",
                self.stream
            ));
        }
    }
}

impl Source for RedisSource {
    fn poll(&mut self) -> OpResult<SourceEvent> {
        if self.position.after.is_none() && !self.resolve()? {
            return Ok(SourceEvent::Idle(EMPTY_WAIT));
        }
        let after = self.position.after.unwrap_or_default();
        if let Some(end) = self.position.end
            && after >= end
        {
            return Ok(SourceEvent::Finished);
        }
        let stream = self.stream.clone();
        let upto = self.position.end.map_or("+".to_string(), |e| e.to_string());
        let count = self.batch_size;
        let entries: Option<Vec<Entry>> = self.run(|c| {
            redis::cmd("XRANGE")
                .arg(&stream)
                .arg(format!("({after}"))
                .arg(&upto)
                .arg("COUNT")
                .arg(count)
                .query(c)
        })?;
        let Some(entries) = entries else {
            return Ok(SourceEvent::Idle(EMPTY_WAIT));
        };
        if entries.is_empty() {
            // A bounded source whose last entries were deleted meanwhile has read them all.
            return Ok(match self.position.end {
                Some(_) => SourceEvent::Finished,
                None => SourceEvent::Idle(EMPTY_WAIT),
            });
        }
        let mut rows = RowBuilder::new(&self.types, entries.len());
        for (id, fields) in &entries {
            let id = EntryId::parse(id)?;
            match self.decode(id, fields) {
                Ok(row) => rows.push(&row),
                Err(reason) => self.skip(id, &reason),
            }
            self.position.after = Some(id);
        }
        Ok(match rows.finish() {
            Some(batch) => SourceEvent::Batch(batch),
            None => SourceEvent::Idle(Duration::ZERO),
        })
    }

    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        let describe = match self.position.after {
            Some(after) => format!("after entry {after} of stream `{}`", self.stream),
            None => format!("before the first read of stream `{}`", self.stream),
        };
        Ok(Some(SourcePosition {
            state: postcard::to_allocvec(&self.position).map_err(|e| e.to_string())?,
            describe,
        }))
    }

    fn restore(&mut self, state: &[u8]) -> OpResult {
        self.position = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's stream position is not readable: {e}"))?;
        Ok(())
    }
}
