//! Reads a JetStream stream in order through an ordered consumer (no acks: the consumer
//! follows the stream sequence and the source keeps it). The last sequence read is the
//! position a checkpoint keeps, so a restore reads on from exactly the next message. A
//! bounded source notes the stream's last sequence when it first reads (kept in
//! checkpoints too) and ends there. A message whose payload does not decode is skipped,
//! counted and logged with its sequence: one bad message must not stop a pipeline.
//!
//! When the connection drops, the consumer is dropped with it and made again from the
//! position once the server answers, so a restarted server is read on from where the
//! source was, not after the consumer's own heartbeats time out.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::pull::{Ordered, OrderedConfig};
use async_nats::jetstream::{self, ErrorCode};
use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};

use super::super::console::ConsoleWriter;
use super::super::stream_payload::{Decoder, RowBuilder, should_log_skip};
use super::super::{Context, OpResult, Source, SourceEvent, SourcePosition};
use super::connection::Connection;
use super::parse_sequence;
use crate::spec::{NatsSourceConfig, StreamStart};
use crate::types::{DataType, Schema, Value, parse_timestamp};

/// How long one poll waits for a first message before the source reports itself idle.
const WAIT: Duration = Duration::from_millis(10);
/// How long to wait before looking again for a stream that is not there yet.
const NO_STREAM_WAIT: Duration = Duration::from_millis(200);

/// Where the source is in the stream.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Position {
    /// Whether the configured start has been turned into a sequence (or a time).
    resolved: bool,
    /// The last sequence read; `None` while a start at a time has found no message yet.
    after: Option<u64>,
    /// A bounded source's last sequence.
    end: Option<u64>,
    /// Messages skipped because their payload did not decode.
    skipped: u64,
}

pub struct NatsSource {
    node: String,
    stream: String,
    subject: String,
    start: StreamStart,
    bounded: bool,
    connection: Connection,
    messages: Option<Ordered>,
    /// Whether "waiting for the stream" has been logged.
    told_no_stream: bool,
    decoder: Decoder,
    /// The types of the output columns: the payload's, then the message time if asked for.
    types: Vec<DataType>,
    message_time: bool,
    batch_size: usize,
    position: Position,
    console: Arc<dyn ConsoleWriter>,
}

/// What opening the consumer gave.
enum Opened {
    Reading,
    /// Nothing to read: a bounded source at its end.
    AtEnd,
    /// Try again after this long.
    Wait(Duration),
}

impl NatsSource {
    pub fn new(config: &NatsSourceConfig, ctx: &Context) -> OpResult<Self> {
        let schema = Schema::new(config.schema.clone());
        let mut types: Vec<DataType> = schema.fields.iter().map(|f| f.data_type).collect();
        if config.message_time_column.is_some() {
            types.push(DataType::Timestamp);
        }
        Ok(NatsSource {
            node: ctx.node_id.clone(),
            stream: config.stream.trim().to_string(),
            subject: config.subject.trim().to_string(),
            start: config.start.clone(),
            bounded: config.bounded,
            connection: Connection::open(
                &config.url,
                config.retry_for_ms,
                &ctx.node_id,
                ctx.console.clone(),
            )?,
            messages: None,
            told_no_stream: false,
            decoder: Decoder::new(schema, config.format),
            types,
            message_time: config.message_time_column.is_some(),
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

    fn error(&self, e: impl std::fmt::Display) -> String {
        format!("reading stream `{}`: {e}", self.stream)
    }

    fn at_end(&self) -> bool {
        matches!((self.position.after, self.position.end), (Some(a), Some(e)) if a >= e)
    }

    /// Finds the stream, turns the start into a sequence the first time, and makes an
    /// ordered consumer from the position on.
    fn open(&mut self) -> OpResult<Opened> {
        let name = self.stream.clone();
        let found = self.connection.block_on({
            let jetstream = self.connection.jetstream.clone();
            async move { jetstream.get_stream(&name).await }
        });
        let stream = match found {
            Ok(stream) => stream,
            Err(e) => {
                use async_nats::jetstream::context::GetStreamErrorKind;
                if let GetStreamErrorKind::JetStream(js) = e.kind()
                    && js.error_code() == ErrorCode::STREAM_NOT_FOUND
                {
                    self.connection.answered();
                    if self.bounded {
                        return Err(self.error(format!(
                            "NATS at {} has no stream `{}`",
                            self.connection.address(),
                            self.stream
                        )));
                    }
                    if !self.told_no_stream {
                        self.told_no_stream = true;
                        self.log(format!(
                            "NATS at {} has no stream `{}` yet; waiting for it",
                            self.connection.address(),
                            self.stream
                        ));
                    }
                    return Ok(Opened::Wait(NO_STREAM_WAIT));
                }
                let pause = self.connection.unanswered(&e.to_string());
                return pause.map(Opened::Wait).map_err(|e| self.error(e));
            }
        };
        self.connection.answered();
        if !self.position.resolved {
            let last = stream.cached_info().state.last_sequence;
            self.position.after = match &self.start {
                StreamStart::Beginning => Some(0),
                StreamStart::AtId(sequence) => Some(parse_sequence(sequence)? - 1),
                StreamStart::AtTime(_) => None,
                StreamStart::NewOnly => Some(last),
            };
            if self.bounded {
                self.position.end = Some(last);
            }
            self.position.resolved = true;
        }
        if self.at_end() {
            return Ok(Opened::AtEnd);
        }
        let deliver_policy = match (self.position.after, &self.start) {
            (Some(after), _) => DeliverPolicy::ByStartSequence {
                start_sequence: after + 1,
            },
            (None, StreamStart::AtTime(time)) => {
                let ms = parse_timestamp(time)
                    .ok_or_else(|| format!("`{time}` is not a time like 2024-01-02 09:30:00"))?;
                DeliverPolicy::ByStartTime {
                    start_time: time::OffsetDateTime::from_unix_timestamp_nanos(
                        ms as i128 * 1_000_000,
                    )
                    .map_err(|e| format!("start `{time}`: {e}"))?,
                }
            }
            (None, _) => DeliverPolicy::All,
        };
        let config = OrderedConfig {
            filter_subject: self.subject.clone(),
            deliver_policy,
            ..Default::default()
        };
        let opened = self.connection.block_on(async move {
            let consumer = stream
                .create_consumer(config)
                .await
                .map_err(|e| e.to_string())?;
            let pending = consumer.cached_info().num_pending;
            let messages = consumer.messages().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((pending, messages))
        });
        match opened {
            Ok((pending, messages)) => {
                if self.bounded && pending == 0 {
                    // Nothing of the subject's is left up to the end.
                    self.position.end = Some(self.position.after.unwrap_or(0));
                    self.position.after.get_or_insert(0);
                    return Ok(Opened::AtEnd);
                }
                self.messages = Some(messages);
                Ok(Opened::Reading)
            }
            Err(e) if self.connection.is_connected() => Err(self.error(e)),
            Err(e) => self
                .connection
                .unanswered(&e)
                .map(Opened::Wait)
                .map_err(|e| self.error(e)),
        }
    }

    /// The messages ready now, up to a batch: waits a moment for the first.
    fn take_ready(&mut self) -> Vec<Result<jetstream::Message, String>> {
        let Some(messages) = self.messages.as_mut() else {
            return Vec::new();
        };
        let batch_size = self.batch_size;
        self.connection.block_on(async move {
            let mut taken = Vec::new();
            let first = tokio::time::timeout(WAIT, messages.next()).await;
            let mut next = match first {
                Ok(next) => next,
                Err(_) => return taken,
            };
            loop {
                match next {
                    Some(Ok(message)) => taken.push(Ok(message)),
                    Some(Err(e)) => {
                        taken.push(Err(e.to_string()));
                        break;
                    }
                    None => {
                        taken.push(Err("the consumer ended".into()));
                        break;
                    }
                }
                if taken.len() >= batch_size {
                    break;
                }
                match messages.next().now_or_never() {
                    Some(more) => next = more,
                    None => break,
                }
            }
            taken
        })
    }

    /// One message as a row, or why it cannot be one.
    fn decode(
        &self,
        message: &jetstream::Message,
        published_ms: i64,
    ) -> Result<Vec<Value>, String> {
        let mut row = self.decoder.decode(&message.payload)?;
        if self.message_time {
            row.push(Value::Timestamp(published_ms));
        }
        Ok(row)
    }

    fn skip(&mut self, sequence: u64, reason: &str) {
        self.position.skipped += 1;
        let skipped = self.position.skipped;
        if should_log_skip(skipped) {
            self.log(format!(
                "skipped message {sequence} of stream `{}`: {reason} ({skipped} skipped so far)",
                self.stream
            ));
        }
    }
}

impl Source for NatsSource {
    fn poll(&mut self) -> OpResult<SourceEvent> {
        if self.at_end() {
            return Ok(SourceEvent::Finished);
        }
        if !self.connection.is_connected() {
            // Made again from the position once the server is back.
            self.messages = None;
            let pause = self.connection.unanswered("the connection is down");
            return pause.map(SourceEvent::Idle).map_err(|e| self.error(e));
        }
        if self.messages.is_none() {
            match self.open()? {
                Opened::Reading => {}
                Opened::AtEnd => return Ok(SourceEvent::Finished),
                Opened::Wait(pause) => return Ok(SourceEvent::Idle(pause)),
            }
        }
        let taken = self.take_ready();
        let mut rows = RowBuilder::new(&self.types, taken.len());
        for message in taken {
            let message = match message {
                Ok(message) => message,
                Err(e) => {
                    // Made again from the position on the next poll.
                    self.messages = None;
                    self.log(format!(
                        "the consumer of stream `{}` failed ({e}); making it again",
                        self.stream
                    ));
                    break;
                }
            };
            let info = message.info().map_err(|e| self.error(e))?;
            let (sequence, pending) = (info.stream_sequence, info.pending);
            let published_ms = (info.published.unix_timestamp_nanos() / 1_000_000) as i64;
            if let Some(end) = self.position.end
                && sequence > end
            {
                self.position.after = Some(end);
                break;
            }
            match self.decode(&message, published_ms) {
                Ok(row) => rows.push(&row),
                Err(reason) => self.skip(sequence, &reason),
            }
            self.position.after = Some(sequence);
            if self.bounded && pending == 0 {
                // The subject has nothing more up to the end.
                self.position.end = Some(sequence);
                break;
            }
        }
        self.connection.answered();
        Ok(match rows.finish() {
            Some(batch) => SourceEvent::Batch(batch),
            None if self.at_end() => SourceEvent::Finished,
            None => SourceEvent::Idle(Duration::ZERO),
        })
    }

    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        let describe = match self.position.after {
            Some(after) => format!("after sequence {after} of stream `{}`", self.stream),
            None => format!("before the first message of stream `{}`", self.stream),
        };
        Ok(Some(SourcePosition {
            state: postcard::to_allocvec(&self.position).map_err(|e| e.to_string())?,
            describe,
        }))
    }

    fn restore(&mut self, state: &[u8]) -> OpResult {
        self.position = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's stream position is not readable: {e}"))?;
        self.messages = None;
        Ok(())
    }
}
