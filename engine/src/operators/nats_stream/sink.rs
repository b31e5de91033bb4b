//! Publishes rows to a JetStream subject, one message a row, each with a message id
//! (`Nats-Msg-Id`) that names the run, the checkpoint and the row's place in it. JetStream
//! keeps the ids it has seen for the stream's duplicate window (2 minutes unless the stream
//! says otherwise) and drops a message whose id it has seen.
//!
//! In a job that takes checkpoints the sink is exactly-once by two-phase commit: rows wait
//! in memory until the barrier of their checkpoint, which makes them pending (they are in
//! the checkpoint's state); when the checkpoint completes they are published and the sink
//! waits for every acknowledgement. A restore publishes the pending rows again under the
//! same ids, so those the first commit stored are dropped. That holds while the restore
//! comes within the duplicate window; beyond it, the sink also looks at the subject's last
//! message: if it is one of this run's, the rows up to it are not published again.
//!
//! Without checkpoints rows are published as they arrive (at least once: a restart from the
//! start publishes them again). A batch whose acknowledgements do not come is published
//! again under the same ids, so a server that went away part way stores each row once.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_nats::jetstream::context::{PublishAckFuture, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, ErrorCode};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::super::console::ConsoleWriter;
use super::super::report::JobReport;
use super::super::run_token::new_token;
use super::super::stream_payload::Encoder;
use super::super::{Context, OpResult, Operator, Outputs};
use super::connection::Connection;
use super::subject_matches;
use crate::spec::NatsSinkConfig;
use crate::types::Batch;

/// Publishes sent before the oldest acknowledgement is waited for: below the client's
/// 5,000 acknowledgements in flight.
const IN_FLIGHT: usize = 1024;

/// Rows pre-committed at a checkpoint's barrier, waiting for it to complete.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    checkpoint: u64,
    payloads: Vec<String>,
    /// Rows of it already published (known from the subject's last message on restore).
    published: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct State {
    /// Tells this run's messages from another run's in their ids.
    token: u64,
    pending: Vec<Pending>,
    /// The checkpoint this state was taken at.
    checkpoint: Option<u64>,
}

pub struct NatsSink {
    node: String,
    stream: String,
    subject: String,
    connection: Connection,
    /// Whether the stream has been found (or made) and takes the subject.
    ready: bool,
    /// Whether the stream takes this subject only, so the sink's messages follow each
    /// other in it.
    owns_stream: bool,
    encoder: Encoder,
    checkpointing: bool,
    /// Rows since the last barrier, in a job with checkpoints.
    open: Vec<String>,
    /// Rows published without checkpoints, numbering their ids.
    published: u64,
    state: State,
    report: Arc<JobReport>,
    failed: Arc<AtomicBool>,
    console: Arc<dyn ConsoleWriter>,
}

/// The id of row `index` of checkpoint `checkpoint` of run `token` (checkpoint 0 for rows
/// published without checkpoints).
pub fn message_id(token: u64, checkpoint: u64, index: u64) -> String {
    format!("{token:016x}-{checkpoint}-{index}")
}

/// The checkpoint and index a message id names, if it is run `token`'s.
fn parse_message_id(id: &str, token: u64) -> Option<(u64, u64)> {
    let mut parts = id.split('-');
    let (t, c, i) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || u64::from_str_radix(t, 16).ok()? != token {
        return None;
    }
    Some((c.parse().ok()?, i.parse().ok()?))
}

/// Whether a publish failed for want of the server, so that publishing again may succeed.
fn is_unreachable(kind: PublishErrorKind) -> bool {
    matches!(
        kind,
        PublishErrorKind::TimedOut
            | PublishErrorKind::BrokenPipe
            | PublishErrorKind::StreamNotFound
            | PublishErrorKind::MaxAckPending
    )
}

impl NatsSink {
    pub fn new(config: &NatsSinkConfig, ctx: &Context) -> OpResult<Self> {
        let changelog = ctx.inputs.first().is_some_and(|t| t.changelog);
        Ok(NatsSink {
            node: ctx.node_id.clone(),
            stream: config.stream.trim().to_string(),
            subject: config.subject.trim().to_string(),
            connection: Connection::open(
                &config.url,
                config.retry_for_ms,
                &ctx.node_id,
                ctx.console.clone(),
            )?,
            ready: false,
            owns_stream: false,
            encoder: Encoder::new(&ctx.input_schema, config.format, changelog),
            checkpointing: ctx.checkpointing,
            open: Vec::new(),
            published: 0,
            state: State {
                token: new_token(&ctx.node_id),
                pending: Vec::new(),
                checkpoint: None,
            },
            report: ctx.report.clone(),
            failed: ctx.failed.clone(),
            console: ctx.console.clone(),
        })
    }

    fn error(&self, e: impl std::fmt::Display) -> String {
        format!("publishing to `{}`: {e}", self.subject)
    }

    fn log(&self, line: String) {
        let _ = self
            .console
            .write_lines(&[format!("{}: {line}", self.node)]);
    }

    /// Waits out one failure for want of the server, or fails once its retry time is over.
    fn wait_for_server(&mut self, reason: &str) -> OpResult {
        let pause = self
            .connection
            .unanswered(reason)
            .map_err(|e| self.error(e))?;
        std::thread::sleep(pause);
        Ok(())
    }

    /// Finds the stream, or makes it taking the subject; an error if it takes other
    /// subjects only.
    fn ensure_stream(&mut self) -> OpResult {
        while !self.ready {
            let (jetstream, name) = (self.connection.jetstream.clone(), self.stream.clone());
            let found = self
                .connection
                .block_on(async move { jetstream.get_stream(&name).await });
            match found {
                Ok(stream) => {
                    let subjects = stream.cached_info().config.subjects.clone();
                    if !subjects.iter().any(|s| subject_matches(s, &self.subject)) {
                        return Err(self.error(format!(
                            "stream `{}` takes the subjects {}, not `{}`",
                            self.stream,
                            subjects.join(", "),
                            self.subject
                        )));
                    }
                    self.connection.answered();
                    self.owns_stream = subjects == [self.subject.clone()];
                    self.ready = true;
                }
                Err(e) => {
                    use async_nats::jetstream::context::GetStreamErrorKind;
                    if let GetStreamErrorKind::JetStream(js) = e.kind()
                        && js.error_code() == ErrorCode::STREAM_NOT_FOUND
                    {
                        self.make_stream()?;
                    } else {
                        self.wait_for_server(&e.to_string())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn make_stream(&mut self) -> OpResult {
        let config = jetstream::stream::Config {
            name: self.stream.clone(),
            subjects: vec![self.subject.clone()],
            ..Default::default()
        };
        let jetstream = self.connection.jetstream.clone();
        let made = self
            .connection
            .block_on(async move { jetstream.create_stream(config).await.map(|_| ()) });
        match made {
            Ok(()) => {
                self.log(format!(
                    "made stream `{}` for subject `{}` on NATS at {}",
                    self.stream,
                    self.subject,
                    self.connection.address()
                ));
                Ok(())
            }
            // Made meanwhile by another node: found on the next look.
            Err(_) if self.connection.is_connected() => Ok(()),
            Err(e) => self.wait_for_server(&e.to_string()),
        }
    }

    /// Publishes `payloads` with the ids `checkpoint` and their index give (from `first`
    /// on), and waits for every acknowledgement; after a failure, again from the first one
    /// not acknowledged, under the same ids.
    ///
    /// Publishes are pipelined, and the client sends what it held while the connection was
    /// down once it is back, after the messages lost with the old connection. So that a
    /// later row is never stored before an earlier one, each message but an attempt's
    /// first expects its predecessor to be the stream's last (`Nats-Expected-Last-Msg-Id`):
    /// the server refuses it otherwise, and the next attempt goes on from the gap. That
    /// expectation is of the whole stream, so it is made only on a stream that takes the
    /// sink's subject alone.
    fn publish(&mut self, payloads: &[String], checkpoint: u64, first: u64) -> OpResult {
        self.ensure_stream()?;
        let messages: Vec<(String, Bytes)> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let id = message_id(self.state.token, checkpoint, first + i as u64);
                (id, Bytes::from(p.clone()))
            })
            .collect();
        let mut acknowledged = 0;
        while acknowledged < messages.len() {
            let (jetstream, subject) = (self.connection.jetstream.clone(), self.subject.clone());
            let chained = self.owns_stream;
            let attempt = messages[acknowledged..].to_vec();
            let (stored, result) = self.connection.block_on(async move {
                let mut acks: VecDeque<PublishAckFuture> = VecDeque::new();
                let mut stored = 0;
                let mut before: Option<String> = None;
                for (id, payload) in attempt {
                    if acks.len() >= IN_FLIGHT {
                        match acks.pop_front().expect("in flight").await {
                            Ok(_) => stored += 1,
                            Err(e) => return (stored, Err(e)),
                        }
                    }
                    let mut message = PublishMessage::build().payload(payload).message_id(&id);
                    if let Some(before) = before.filter(|_| chained) {
                        message = message.expected_last_message_id(before);
                    }
                    match jetstream.send_publish(subject.clone(), message).await {
                        Ok(ack) => acks.push_back(ack),
                        Err(e) => return (stored, Err(e)),
                    }
                    before = Some(id);
                }
                for ack in acks {
                    match ack.await {
                        Ok(_) => stored += 1,
                        Err(e) => return (stored, Err(e)),
                    }
                }
                (stored, Ok(()))
            });
            acknowledged += stored;
            match result {
                Ok(()) => self.connection.answered(),
                // A gap before it: the next attempt starts there.
                Err(e) if e.kind() == PublishErrorKind::WrongLastMessageId => {}
                Err(e) if is_unreachable(e.kind()) => self.wait_for_server(&e.to_string())?,
                Err(e) => return Err(self.error(e)),
            }
        }
        Ok(())
    }

    /// Publishes the rows of checkpoints up to `upto`, oldest first.
    fn commit_upto(&mut self, upto: u64) -> OpResult {
        while let Some(first) = self.state.pending.first().filter(|p| p.checkpoint <= upto) {
            let Pending {
                checkpoint,
                payloads,
                published,
            } = first.clone();
            self.publish(&payloads[published..], checkpoint, published as u64)?;
            self.state.pending.remove(0);
        }
        Ok(())
    }

    fn pre_commit(&mut self, checkpoint: u64) {
        if !self.open.is_empty() {
            self.state.pending.push(Pending {
                checkpoint,
                payloads: std::mem::take(&mut self.open),
                published: 0,
            });
        }
    }

    /// The checkpoint and index of this run's last message on the subject, if the subject's
    /// last message is one of this run's.
    fn last_published(&mut self) -> OpResult<Option<(u64, u64)>> {
        self.ensure_stream()?;
        let (jetstream, name, subject) = (
            self.connection.jetstream.clone(),
            self.stream.clone(),
            self.subject.clone(),
        );
        let last = self.connection.block_on(async move {
            let stream = jetstream.get_stream_no_info(&name).await.ok()?;
            stream.get_last_raw_message_by_subject(&subject).await.ok()
        });
        let token = self.state.token;
        Ok(last.and_then(|message| {
            let id = message.headers.get(async_nats::header::NATS_MESSAGE_ID)?;
            parse_message_id(id.as_str(), token)
        }))
    }
}

impl Operator for NatsSink {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Outputs) -> OpResult {
        let payloads = (0..batch.num_rows()).map(|row| self.encoder.encode(&batch, row));
        if self.checkpointing {
            self.open.extend(payloads);
            return Ok(());
        }
        let payloads: Vec<String> = payloads.collect();
        let first = self.published;
        self.publish(&payloads, 0, first)?;
        self.published += payloads.len() as u64;
        Ok(())
    }

    /// With checkpoints: the input ended, so every row is published; after a stop or
    /// another task's failure only the completed checkpoints' rows stay.
    fn finish(&mut self, _out: &mut Outputs) -> OpResult {
        if !self.checkpointing {
            return Ok(());
        }
        if self.report.stopped_early() || self.failed.load(Ordering::Relaxed) {
            self.open.clear();
            self.state.pending.clear();
            return Ok(());
        }
        // The checkpoint after every one a barrier can bring, so ids never repeat.
        let last = self.state.pending.last().map_or(0, |p| p.checkpoint);
        let checkpoint = self.state.checkpoint.unwrap_or(0).max(last) + 1;
        self.pre_commit(checkpoint);
        self.commit_upto(u64::MAX)
    }

    fn snapshot(&mut self, checkpoint: u64) -> OpResult<Option<Vec<u8>>> {
        if !self.checkpointing {
            return Ok(None);
        }
        self.pre_commit(checkpoint);
        self.state.checkpoint = Some(checkpoint);
        postcard::to_allocvec(&self.state)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    /// Publishes what the checkpoint had pending, from after the subject's last message of
    /// this run (the duplicate window drops the rest of what was stored), and goes on with
    /// the checkpoint's run token.
    fn restore(&mut self, states: &[Vec<u8>]) -> OpResult {
        let [state] = states else {
            return Err(format!(
                "a NATS sink runs as one instance, but the checkpoint has {} states of it",
                states.len()
            ));
        };
        self.state = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's state of the sink is not readable: {e}"))?;
        let last = self.last_published()?;
        if let Some((checkpoint, index)) = last {
            for pending in &mut self.state.pending {
                if pending.checkpoint < checkpoint {
                    pending.published = pending.payloads.len();
                } else if pending.checkpoint == checkpoint {
                    pending.published = (index as usize + 1).min(pending.payloads.len());
                }
            }
        }
        self.commit_upto(u64::MAX)?;
        // Restoring a checkpoint older than the subject's last message of this run: the
        // rows published after it stay in the stream, and are published again under a new
        // run.
        if let (Some((published, _)), Some(restored)) = (last, self.state.checkpoint)
            && published > restored
        {
            self.state.token = new_token(&self.node);
            self.log(format!(
                "stream `{}` already holds rows published after checkpoint {restored}; \
                 they stay, and the rows after it are published again",
                self.stream
            ));
        }
        Ok(())
    }

    fn commit(&mut self, checkpoint: u64) -> OpResult {
        self.commit_upto(checkpoint)
    }

    fn awaits_commit(&self) -> bool {
        !self.state.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_id_names_its_run_checkpoint_and_row() {
        let id = message_id(0xabc, 7, 41);
        assert_eq!(id, "0000000000000abc-7-41");
        assert_eq!(parse_message_id(&id, 0xabc), Some((7, 41)));
        assert_eq!(parse_message_id(&id, 0xabd), None);
        assert_eq!(parse_message_id("junk", 0xabc), None);
    }
}
