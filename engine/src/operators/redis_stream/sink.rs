//! Appends rows to a Redis stream, one entry a row (`XADD stream * field payload`).
//!
//! In a job that takes checkpoints the sink is exactly-once by two-phase commit: rows wait
//! in memory until the barrier of their checkpoint, which makes them pending (they are in
//! the checkpoint's state); when the checkpoint completes they are written in one
//! `MULTI`/`EXEC` together with a marker key that names the checkpoint. A commit whose
//! checkpoint the marker already holds is skipped, so a restore that commits the pending
//! rows again (the job failed before or after the first commit, or while its answer was on
//! the way) writes nothing twice. The marker holds a token of the run, so a new run of the
//! same pipeline, counting checkpoints from 1 again, is not taken for the old one.
//!
//! Without checkpoints rows are written as they arrive, a `MULTI` a batch: a restart from
//! the start writes them again (at least once).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use super::super::console::ConsoleWriter;
use super::super::report::JobReport;
use super::super::run_token::new_token;
use super::super::stream_payload::Encoder;
use super::super::{Context, OpResult, Operator, Outputs};
use super::connection::Connection;
use crate::spec::RedisSinkConfig;
use crate::types::Batch;

/// Rows pre-committed at a checkpoint's barrier, waiting for it to complete.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    checkpoint: u64,
    payloads: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct State {
    /// Tells this run's commits from another run's in the marker.
    token: u64,
    pending: Vec<Pending>,
    /// The checkpoint this state was taken at.
    checkpoint: Option<u64>,
}

pub struct RedisSink {
    node: String,
    stream: String,
    field: String,
    /// Where the last committed checkpoint is noted, beside the stream.
    marker: String,
    connection: Connection,
    encoder: Encoder,
    checkpointing: bool,
    /// Rows since the last barrier, in a job with checkpoints.
    open: Vec<String>,
    state: State,
    report: Arc<JobReport>,
    failed: Arc<AtomicBool>,
    console: Arc<dyn ConsoleWriter>,
}

/// The key that notes which checkpoint of which run a sink node last wrote to `stream`.
pub fn marker_key(stream: &str, node: &str) -> String {
    format!("{stream}:streamlab-committed:{node}")
}

/// The marker's text: the run's token and the checkpoint.
fn marker_text(token: u64, checkpoint: u64) -> String {
    format!("{token:016x} {checkpoint}")
}

/// The checkpoint a marker notes for run `token`, if it is that run's.
fn marked_checkpoint(marker: Option<&str>, token: u64) -> Option<u64> {
    let (t, c) = marker?.split_once(' ')?;
    (u64::from_str_radix(t, 16).ok()? == token)
        .then(|| c.parse().ok())
        .flatten()
}

impl RedisSink {
    pub fn new(config: &RedisSinkConfig, ctx: &Context) -> OpResult<Self> {
        let changelog = ctx.inputs.first().is_some_and(|t| t.changelog);
        Ok(RedisSink {
            node: ctx.node_id.clone(),
            stream: config.stream.clone(),
            field: config.field.clone(),
            marker: marker_key(&config.stream, &ctx.node_id),
            connection: Connection::new(&config.url, config.retry_for_ms)?,
            encoder: Encoder::new(&ctx.input_schema, config.format, changelog),
            checkpointing: ctx.checkpointing,
            open: Vec::new(),
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

    fn error(&self, e: String) -> String {
        format!("writing stream `{}`: {e}", self.stream)
    }

    /// Appends `payloads` in one transaction; with a checkpoint, only if the marker does not
    /// hold it yet, and the marker with them.
    fn write(&mut self, payloads: &[String], checkpoint: Option<u64>) -> OpResult {
        let (stream, field, marker, token) = (
            self.stream.clone(),
            self.field.clone(),
            self.marker.clone(),
            self.state.token,
        );
        let result = self.connection.run(|c| {
            if let Some(checkpoint) = checkpoint {
                let noted: Option<String> = redis::cmd("GET").arg(&marker).query(c)?;
                if marked_checkpoint(noted.as_deref(), token).is_some_and(|m| m >= checkpoint) {
                    return Ok(());
                }
            }
            let mut pipe = redis::pipe();
            pipe.atomic();
            for payload in payloads {
                pipe.cmd("XADD")
                    .arg(&stream)
                    .arg("*")
                    .arg(&field)
                    .arg(payload)
                    .ignore();
            }
            if let Some(checkpoint) = checkpoint {
                pipe.cmd("SET")
                    .arg(&marker)
                    .arg(marker_text(token, checkpoint))
                    .ignore();
            }
            pipe.query::<()>(c)
        });
        result.map_err(|e| self.error(e))
    }

    /// Writes the rows of checkpoints up to `upto`, oldest first.
    fn commit_upto(&mut self, upto: u64) -> OpResult {
        while let Some(first) = self.state.pending.first().filter(|p| p.checkpoint <= upto) {
            let Pending {
                checkpoint,
                payloads,
            } = first.clone();
            self.write(&payloads, Some(checkpoint))?;
            self.state.pending.remove(0);
        }
        Ok(())
    }

    fn pre_commit(&mut self, checkpoint: u64) {
        if !self.open.is_empty() {
            self.state.pending.push(Pending {
                checkpoint,
                payloads: std::mem::take(&mut self.open),
            });
        }
    }
}

impl Operator for RedisSink {
    fn process(&mut self, _port: usize, batch: Batch, _out: &mut Outputs) -> OpResult {
        let payloads = (0..batch.num_rows()).map(|row| self.encoder.encode(&batch, row));
        if self.checkpointing {
            self.open.extend(payloads);
            return Ok(());
        }
        let payloads: Vec<String> = payloads.collect();
        self.write(&payloads, None)
    }

    /// With checkpoints: the input ended, so every row is written; after a stop or another
    /// task's failure only the completed checkpoints' rows stay.
    fn finish(&mut self, _out: &mut Outputs) -> OpResult {
        if !self.checkpointing {
            return Ok(());
        }
        if self.report.stopped_early() || self.failed.load(Ordering::Relaxed) {
            self.open.clear();
            self.state.pending.clear();
            return Ok(());
        }
        self.pre_commit(u64::MAX);
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

    /// Commits what the checkpoint had pending (skipped where the marker says it was), and
    /// goes on with the checkpoint's run token, so later commits are judged the same way.
    fn restore(&mut self, states: &[Vec<u8>]) -> OpResult {
        let [state] = states else {
            return Err(format!(
                "a Redis sink runs as one instance, but the checkpoint has {} states of it",
                states.len()
            ));
        };
        self.state = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's state of the sink is not readable: {e}"))?;
        self.commit_upto(u64::MAX)?;
        // Restoring a checkpoint older than the marker's: the rows written after it stay in
        // the stream (entries cannot be taken back), and are written again under a new run.
        let marker = self.marker.clone();
        let noted: Option<String> = self
            .connection
            .run(|c| redis::cmd("GET").arg(&marker).query(c))
            .map_err(|e| self.error(e))?;
        let marked = marked_checkpoint(noted.as_deref(), self.state.token);
        if let (Some(marked), Some(restored)) = (marked, self.state.checkpoint)
            && marked > restored
        {
            self.state.token = new_token(&self.node);
            let _ = self.console.write_lines(&[format!(
                "{}: stream `{}` already holds rows committed after checkpoint {restored}; \
                 they stay, and the rows after it are written again",
                self.node, self.stream
            )]);
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
    fn a_marker_counts_only_for_its_own_run() {
        let text = marker_text(0xabc, 7);
        assert_eq!(marked_checkpoint(Some(&text), 0xabc), Some(7));
        assert_eq!(marked_checkpoint(Some(&text), 0xabd), None);
        assert_eq!(marked_checkpoint(Some("junk"), 0xabc), None);
        assert_eq!(marked_checkpoint(None, 0xabc), None);
    }
}
