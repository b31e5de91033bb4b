//! Operators: one file per node kind. Sources produce batches; every other node is an
//! `Operator` that turns input batches into output batches. Both are called once per batch,
//! never per record.

mod backoff;
mod blackhole;
mod checksum;
mod console;
mod datagen;
mod file_sink;
mod file_source;
mod filter;
mod join;
mod keys;
mod map;
pub mod nats_stream;
pub mod nexmark;
mod owned_keys;
mod rate;
pub mod redis_stream;
mod report;
mod run_token;
mod staged_file;
#[cfg(test)]
mod state_harness;
mod stream_payload;
mod text_value;
mod throttle;
mod two_phase_file;
mod window;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

pub use console::{ConsoleCapture, ConsoleWriter, StdoutConsole};
pub use file_sink::partial_path;
pub use report::{JobReport, WrittenFile};
pub use staged_file::{check_target, remove_all_staged};

use crate::spec::{JobSettings, NodeKind, NodeSpec};
use crate::types::{Batch, SchemaRef};
use crate::validate::PortType;

/// An operator failure, in words for the user. The runtime adds the node id.
pub type OpResult<T = ()> = Result<T, String>;

/// What an operator produces in one call: batches by output port (0 is `out`; a Window's
/// 1 is `late`). Empty batches are not kept.
#[derive(Debug, Default)]
pub struct Outputs {
    batches: Vec<(usize, Batch)>,
    /// Rows dropped as too late by an operator with no `late` output (a Join).
    late: usize,
}

impl Outputs {
    /// Rows for the main output, `out`.
    pub fn push(&mut self, batch: Batch) {
        self.push_to(0, batch);
    }

    pub fn push_to(&mut self, port: usize, batch: Batch) {
        if !batch.is_empty() {
            self.batches.push((port, batch));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Counts rows too late to be used, for an operator that has nowhere to send them.
    pub fn dropped_late(&mut self, rows: usize) {
        self.late += rows;
    }

    /// Rows counted as dropped late since the last call.
    pub fn take_late(&mut self) -> usize {
        std::mem::take(&mut self.late)
    }

    /// The batches produced, with their ports, in order.
    pub fn take(&mut self) -> Vec<(usize, Batch)> {
        std::mem::take(&mut self.batches)
    }
}

/// A transform or sink, called once per batch.
pub trait Operator: Send {
    /// Handles a batch arriving on input `port`, pushing any result into `out`.
    fn process(&mut self, port: usize, batch: Batch, out: &mut Outputs) -> OpResult;

    /// Event time has advanced to `watermark` on all inputs.
    fn on_watermark(&mut self, _watermark: i64, _out: &mut Outputs) -> OpResult {
        Ok(())
    }

    /// The watermark the operator's output may carry once its input has reached
    /// `watermark`: lower when it emits rows older than its input's watermark (an interval
    /// join), so they are not late downstream.
    fn watermark_out(&self, watermark: i64) -> i64 {
        watermark
    }

    /// When the operator next wants `on_timer` (processing-time windows), if ever.
    fn next_timer(&self) -> Option<Instant> {
        None
    }

    /// The wall clock has reached a time asked for by `next_timer`.
    fn on_timer(&mut self, _now: Instant, _out: &mut Outputs) -> OpResult {
        Ok(())
    }

    /// All inputs have ended: emit what is left and flush outputs.
    fn finish(&mut self, _out: &mut Outputs) -> OpResult {
        Ok(())
    }

    /// The operator's state at the barrier of checkpoint `checkpoint`, serialized compactly;
    /// `None` for an operator that keeps none. Called between batches, so the state is
    /// exactly that of the rows before the barrier. Only a copy: files are written elsewhere.
    fn snapshot(&mut self, _checkpoint: u64) -> OpResult<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Takes up the state of a checkpoint before the first batch: `states` holds the
    /// snapshot of every instance the node had then (their number may differ from today's
    /// parallelism). A keyed operator keeps the keys this instance owns now
    /// ([`crate::runtime::owned_rows`]).
    fn restore(&mut self, _states: &[Vec<u8>]) -> OpResult {
        Ok(())
    }

    /// Checkpoint `checkpoint` has completed: make visible what was pre-committed at its
    /// barrier (a two-phase-commit sink).
    fn commit(&mut self, _checkpoint: u64) -> OpResult {
        Ok(())
    }

    /// Whether pre-committed work waits for [`Operator::commit`].
    fn awaits_commit(&self) -> bool {
        false
    }
}

/// What a source produced on one poll.
pub enum SourceEvent {
    /// Rows. Event time, where the source has it, is stamped by the runtime.
    Batch(Batch),
    /// Nothing to emit for now; poll again after this long at the latest.
    Idle(Duration),
    /// The input is exhausted (a bounded source).
    Finished,
}

/// A source of rows.
pub trait Source: Send {
    fn poll(&mut self) -> OpResult<SourceEvent>;

    /// Where the source is in its input, for a checkpoint: what it takes to go on from
    /// exactly the next row. `None` for a source that cannot be replayed.
    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        Ok(None)
    }

    /// Goes back to a position taken by [`Source::snapshot`] of this same instance.
    fn restore(&mut self, _position: &[u8]) -> OpResult {
        Err("this source cannot go back to a checkpoint".into())
    }
}

/// A source's place in its input: the bytes to restore it, and the same in words for the
/// checkpoint's metadata (`byte 1024 (line 17)`).
#[derive(Clone, Debug, PartialEq)]
pub struct SourcePosition {
    pub state: Vec<u8>,
    pub describe: String,
}

/// Everything an operator instance needs to know about where it runs.
#[derive(Clone)]
pub struct Context {
    pub node_id: String,
    /// This instance's index, `0..parallelism`.
    pub subtask: usize,
    pub parallelism: usize,
    pub job: JobSettings,
    /// Relative file paths resolve against this folder (the pipeline file's).
    pub base_dir: PathBuf,
    pub input_schema: SchemaRef,
    pub output_schema: SchemaRef,
    /// The type arriving on each input port, in port order (the first edge's, for a Union).
    pub inputs: Vec<PortType>,
    pub console: Arc<dyn ConsoleWriter>,
    /// How the job ended, and where sinks report the files they wrote.
    pub report: Arc<JobReport>,
    /// Set when the job is asked to stop: an operator that waits looks at it.
    pub stop: Arc<AtomicBool>,
    /// The job takes checkpoints: sinks make rows visible as checkpoints complete.
    pub checkpointing: bool,
    /// Set when a task of this attempt has failed: sinks then publish nothing.
    pub failed: Arc<AtomicBool>,
}

impl Default for Context {
    /// A single instance with default job settings, for operators used on their own.
    fn default() -> Self {
        Context {
            node_id: String::new(),
            subtask: 0,
            parallelism: 1,
            job: JobSettings::default(),
            base_dir: PathBuf::from("."),
            input_schema: SchemaRef::default(),
            output_schema: SchemaRef::default(),
            inputs: Vec::new(),
            console: Arc::new(StdoutConsole::default()),
            report: Arc::default(),
            stop: Arc::default(),
            checkpointing: false,
            failed: Arc::default(),
        }
    }
}

impl Context {
    pub fn resolve(&self, path: &str) -> PathBuf {
        let path = PathBuf::from(path);
        if path.is_absolute() {
            path
        } else {
            self.base_dir.join(path)
        }
    }

    /// This instance's share of `total`, splitting the remainder over the first instances.
    pub fn share(&self, total: u64) -> u64 {
        let p = self.parallelism as u64;
        total / p + u64::from((self.subtask as u64) < total % p)
    }
}

/// Creates the source instance of a source node.
pub fn build_source(node: &NodeSpec, ctx: &Context) -> OpResult<Box<dyn Source>> {
    Ok(match &node.kind {
        NodeKind::Datagen(config) => Box::new(datagen::Datagen::new(config, ctx)),
        NodeKind::FileSource(config) => Box::new(file_source::FileSource::open(config, ctx)?),
        NodeKind::Nexmark(config) => Box::new(nexmark::NexmarkSource::new(config, ctx)?),
        NodeKind::RedisSource(config) => Box::new(redis_stream::RedisSource::new(config, ctx)?),
        NodeKind::NatsSource(config) => Box::new(nats_stream::NatsSource::new(config, ctx)?),
        other => return Err(format!("a {} is not a source", other.name())),
    })
}

/// Creates the operator instance of a transform or sink node.
pub fn build_operator(node: &NodeSpec, ctx: &Context) -> OpResult<Box<dyn Operator>> {
    Ok(match &node.kind {
        NodeKind::Filter(config) => Box::new(filter::Filter::new(config, ctx)?),
        NodeKind::Map(config) => Box::new(map::Map::new(config, ctx)?),
        // Partitioning happens on the edge; the node itself passes rows through.
        NodeKind::KeyBy(_) | NodeKind::Union(_) => Box::new(PassThrough),
        NodeKind::Window(config) => Box::new(window::Window::new(config, ctx)?),
        NodeKind::Join(config) => Box::new(join::Join::new(config, ctx)?),
        NodeKind::Throttle(config) => Box::new(throttle::Throttle::new(config, ctx)),
        NodeKind::FileSink(config) => Box::new(file_sink::FileSink::create(config, ctx)?),
        NodeKind::Console(config) => Box::new(console::Console::new(config, ctx)),
        NodeKind::Blackhole(_) => Box::new(blackhole::Blackhole),
        NodeKind::RedisSink(config) => Box::new(redis_stream::RedisSink::new(config, ctx)?),
        NodeKind::NatsSink(config) => Box::new(nats_stream::NatsSink::new(config, ctx)?),
        other => return Err(format!("a {} is not an operator", other.name())),
    })
}

/// Forwards batches unchanged: KeyBy and Union do their work in the wiring.
struct PassThrough;

impl Operator for PassThrough {
    fn process(&mut self, _port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        out.push(batch);
        Ok(())
    }
}
