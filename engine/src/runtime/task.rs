//! A task: one thread running a chain of operators, fed by a source or by input channels.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Select, Sender};

use super::attempt::{Attempt, Chaos};
use super::job::JobShared;
use super::message::Message;
use super::output::{Disconnected, Output};
use super::task_state::{InputsState, SourceTaskState, encode};
use crate::checkpoint::{Ack, Coordinator, StatePart, TaskStates};
use crate::checkpoint::{SourceEntry, StateBytes};
use crate::metrics::{NodeCounters, TaskCounters, now_ns};
use crate::operators::{OpResult, Operator, Outputs, Source, SourceEvent};
use crate::time::{InputWatermarks, WatermarkAssigner};
use crate::types::{Batch, ColumnsState, oldest_created};

/// Why a task ended early.
#[derive(Debug)]
pub enum TaskFailure {
    /// An operator failed: the job fails with this message.
    Failed { node: String, message: String },
    /// A neighbour went away because the job is already failing: end quietly.
    Disconnected,
}

impl From<Disconnected> for TaskFailure {
    fn from(_: Disconnected) -> Self {
        TaskFailure::Disconnected
    }
}

/// One operator of the chain with its node's counters.
pub struct Link {
    pub node: String,
    pub op: Box<dyn Operator>,
    pub counters: Arc<NodeCounters>,
    /// The output port that feeds the next link of the chain.
    pub next_port: usize,
    /// The output port whose rows are late rows (a Window's `late`), counted as such.
    pub late_port: Option<usize>,
    /// A peek at each output port's rows.
    pub peeks: Vec<Arc<super::Peek>>,
    /// The failure to inject into this node, if this attempt has one.
    pub chaos: Option<Arc<Chaos>>,
}

/// One input channel and the head's input port it feeds.
pub struct Input {
    pub port: usize,
    pub rx: Receiver<Message>,
}

pub enum Head {
    Source {
        node: String,
        source: Box<dyn Source>,
        counters: Arc<NodeCounters>,
        /// Stamps rows with event time, where the source has it.
        assigner: Option<WatermarkAssigner>,
        /// A peek at the rows it sends.
        peek: Arc<super::Peek>,
        /// Rows a pause held back when the checkpoint restored was taken.
        held: Option<Batch>,
    },
    Inputs {
        inputs: Vec<Input>,
        /// Each input's watermark and the combined one, from a checkpoint.
        restored: Option<(Vec<i64>, i64)>,
    },
}

pub struct Task {
    pub head: Head,
    pub chain: Vec<Link>,
    pub output: Output,
    pub shared: Arc<JobShared>,
    pub attempt: Arc<Attempt>,
    /// Where the task's time goes, and how full its inputs are.
    pub counters: Arc<TaskCounters>,
    /// The task's instance index within its chain's parallelism.
    pub subtask: usize,
    /// Where its checkpoints go, if the job takes any.
    pub checkpoints: Option<TaskCheckpoints>,
}

/// A task's part in checkpoints.
pub struct TaskCheckpoints {
    pub coordinator: Arc<Coordinator>,
    pub acks: Sender<Ack>,
    /// This task's number in the attempt.
    pub index: usize,
    /// The last barrier this task passed on, and the last checkpoint it committed.
    pub last_barrier: u64,
    pub committed: u64,
}

/// How often a task whose sink waits to commit looks for a completed checkpoint.
const COMMIT_POLL: Duration = Duration::from_millis(20);

/// The longest a throttled source sleeps before it looks at the stop flag again.
const MAX_NAP: Duration = Duration::from_millis(20);
/// How often a paused source looks for a step or a resume.
const PAUSED_NAP: Duration = Duration::from_millis(5);

impl Task {
    pub fn run(mut self) -> Result<(), TaskFailure> {
        let empty = Head::Inputs {
            inputs: Vec::new(),
            restored: None,
        };
        match std::mem::replace(&mut self.head, empty) {
            Head::Source {
                node,
                source,
                counters,
                assigner,
                peek,
                held,
            } => self.run_source(&node, source, &counters, assigner, &peek, held),
            Head::Inputs { inputs, restored } => self.run_inputs(inputs, restored),
        }
    }

    fn run_source(
        &mut self,
        node: &str,
        mut source: Box<dyn Source>,
        counters: &NodeCounters,
        mut assigner: Option<WatermarkAssigner>,
        peek: &super::Peek,
        mut held: Option<Batch>,
    ) -> Result<(), TaskFailure> {
        // Rows polled but not yet let through while paused go first.
        let shared = self.shared.clone();
        let finished = loop {
            if self.attempt.stopping() {
                if self.shared.stop_requested() {
                    self.shared.source_stopped_early();
                }
                break false;
            }
            if let Some(id) = self.barrier_due() {
                self.source_checkpoint(id, node, source.as_mut(), assigner.as_ref(), &held)?;
            }
            self.commit_completed()?;
            let pause = shared.pause();
            if !pause.may_emit() || self.held_for_stop() {
                // Paused, or past the barrier a stop waits for: nothing new enters. A watermark due for rows already let through
                // still goes, and partly filled batches still leave on their timeout.
                let now = Instant::now();
                std::thread::sleep(PAUSED_NAP);
                self.counters.add_idle(now.elapsed().as_nanos() as u64);
                let now = Instant::now();
                if let Some(w) = assigner.as_mut().and_then(|a| a.due(now)) {
                    self.source_watermark(node, counters, w)?;
                }
                self.fire_timers(now)?;
                self.output.flush_expired(now)?;
                continue;
            }
            let event = match held.take() {
                Some(batch) => SourceEvent::Batch(batch),
                None => guarded(node, || source.poll())?,
            };
            match event {
                SourceEvent::Batch(mut batch) => {
                    if batch.created() == 0 {
                        batch.set_created(now_ns());
                    }
                    let rows = batch.num_rows();
                    let through = pause.take(rows);
                    if through < rows {
                        held = Some(batch.slice(through, rows - through));
                        batch = batch.slice(0, through);
                    }
                    // Stamped as they go, so rows held back do not move event time yet.
                    if !batch.is_empty() {
                        if let Some(assigner) = &mut assigner {
                            assigner.stamp(&mut batch);
                        }
                        counters.add_out(batch.num_rows());
                        counters.add_bytes_out(batch.byte_size());
                        peek.record(&batch);
                        if let Some(trace) = self.shared.trace() {
                            trace.rows(node, self.subtask, 0, &batch);
                        }
                        self.push(0, 0, vec![batch])?;
                    }
                }
                SourceEvent::Idle(wait) => {
                    let now = Instant::now();
                    let mut until = now + wait.min(MAX_NAP);
                    let deadlines = [
                        self.output.next_deadline(),
                        self.next_timer(),
                        assigner.as_ref().and_then(WatermarkAssigner::idle_deadline),
                    ];
                    for deadline in deadlines.into_iter().flatten() {
                        until = until.min(deadline);
                    }
                    std::thread::sleep(until.saturating_duration_since(now));
                    self.counters.add_idle(now.elapsed().as_nanos() as u64);
                }
                SourceEvent::Finished => break true,
            }
            let now = Instant::now();
            if let Some(assigner) = &mut assigner {
                if let Some(w) = assigner.due(now) {
                    self.source_watermark(node, counters, w)?;
                } else if !shared.pause().is_paused() && assigner.becomes_idle(now) {
                    // A paused source is not idle: its rows are only held back.
                    self.output.broadcast(|| Message::Idle)?;
                }
            }
            self.fire_timers(now)?;
            self.output.flush_expired(now)?;
        };
        // A drained bounded input closes event time, so everything waiting on it completes.
        if finished {
            self.source_watermark(node, counters, i64::MAX)?;
        }
        // What completed checkpoints cover is committed before a stop drops the rest.
        self.commit_completed()?;
        self.finish()?;
        // Only a drained source stands for later checkpoints; a stopped one is short of them.
        if self.checkpoints.is_some() && finished {
            let (states, sources) =
                self.source_states(node, source.as_mut(), assigner.as_ref(), &None)?;
            self.acknowledge_finished(states, sources)?;
        }
        Ok(())
    }

    /// The source's own event time reached `watermark`: it goes down the chain and out.
    fn source_watermark(
        &mut self,
        node: &str,
        counters: &NodeCounters,
        watermark: i64,
    ) -> Result<(), TaskFailure> {
        counters.set_watermark(watermark);
        if let Some(trace) = self.shared.trace() {
            trace.watermark(node, self.subtask, watermark);
        }
        self.advance_watermark(watermark)
    }

    /// The checkpoint whose barrier this task should pass on now, if any.
    fn barrier_due(&self) -> Option<u64> {
        let c = self.checkpoints.as_ref()?;
        c.coordinator.barrier_due(c.last_barrier)
    }

    /// Whether this source has passed the barrier of the checkpoint a stop waits for.
    fn held_for_stop(&self) -> bool {
        self.checkpoints
            .as_ref()
            .is_some_and(|c| c.coordinator.holds_sources(c.last_barrier))
    }

    /// A source task's part of checkpoint `id`: its position, then its chain, then the
    /// barrier to every output.
    fn source_checkpoint(
        &mut self,
        id: u64,
        node: &str,
        source: &mut dyn Source,
        assigner: Option<&WatermarkAssigner>,
        held: &Option<Batch>,
    ) -> Result<(), TaskFailure> {
        match self.source_states(node, source, assigner, held) {
            Ok((states, sources)) => self.checkpoint_chain(id, states, sources, Duration::ZERO),
            Err(TaskFailure::Failed { message, .. }) => {
                self.decline(id, message);
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    fn source_states(
        &mut self,
        node: &str,
        source: &mut dyn Source,
        assigner: Option<&WatermarkAssigner>,
        held: &Option<Batch>,
    ) -> Result<(Vec<StateBytes>, Vec<SourceEntry>), TaskFailure> {
        let Some(position) = guarded(node, || source.snapshot())? else {
            return Err(TaskFailure::Failed {
                node: node.to_string(),
                message: format!("source `{node}` cannot go back to a position"),
            });
        };
        let (max_event_time, watermark) = assigner.map_or((None, i64::MIN), |a| a.position());
        // Rows made but held back by a pause are after the barrier: they go in the state.
        let held = held.as_ref().map(|b| {
            let columns = b.columns().iter().map(|c| (**c).clone()).collect();
            ColumnsState::new(columns, b.num_rows())
        });
        let state = SourceTaskState {
            position: position.state,
            max_event_time,
            watermark,
            held,
        };
        let states = vec![StateBytes {
            node: node.to_string(),
            subtask: self.subtask,
            part: StatePart::Source,
            bytes: encode(&state),
        }];
        let sources = vec![SourceEntry {
            node: node.to_string(),
            subtask: self.subtask,
            position: position.describe,
        }];
        Ok((states, sources))
    }

    fn decline(&mut self, id: u64, reason: String) {
        if let Some(c) = &mut self.checkpoints {
            c.last_barrier = id;
            let _ = c.acks.send(Ack::Declined {
                attempt: self.attempt.number,
                id,
                reason,
            });
        }
    }

    /// Snapshots every operator of the chain, acknowledges checkpoint `id` with `states`
    /// (the task's own) and passes the barrier on, behind the rows before it.
    fn checkpoint_chain(
        &mut self,
        id: u64,
        mut states: Vec<StateBytes>,
        sources: Vec<SourceEntry>,
        alignment: Duration,
    ) -> Result<(), TaskFailure> {
        self.snapshot_chain(id, &mut states)?;
        let Some(c) = &mut self.checkpoints else {
            return Ok(());
        };
        c.last_barrier = id;
        let _ = c.acks.send(Ack::Barrier {
            attempt: self.attempt.number,
            task: c.index,
            id,
            states: TaskStates {
                states,
                sources,
                alignment,
            },
        });
        self.output.broadcast(|| Message::Barrier(id))?;
        Ok(())
    }

    fn snapshot_chain(&mut self, id: u64, states: &mut Vec<StateBytes>) -> Result<(), TaskFailure> {
        for link in &mut self.chain {
            if let Some(bytes) = guarded(&link.node, || link.op.snapshot(id))? {
                states.push(StateBytes {
                    node: link.node.clone(),
                    subtask: self.subtask,
                    part: StatePart::Operator,
                    bytes,
                });
            }
        }
        Ok(())
    }

    /// The task has finished: its last states stand for it in later checkpoints.
    fn acknowledge_finished(
        &mut self,
        mut states: Vec<StateBytes>,
        sources: Vec<SourceEntry>,
    ) -> Result<(), TaskFailure> {
        self.snapshot_chain(u64::MAX, &mut states)?;
        if let Some(c) = &self.checkpoints {
            let _ = c.acks.send(Ack::Finished {
                attempt: self.attempt.number,
                task: c.index,
                states: TaskStates {
                    states,
                    sources,
                    alignment: Duration::ZERO,
                },
            });
        }
        Ok(())
    }

    /// Lets sinks commit what they pre-committed for checkpoints completed since last time.
    fn commit_completed(&mut self) -> Result<(), TaskFailure> {
        let Some(c) = &mut self.checkpoints else {
            return Ok(());
        };
        let done = c.coordinator.completed();
        if done <= c.committed {
            return Ok(());
        }
        c.committed = done;
        for link in &mut self.chain {
            if link.op.awaits_commit() {
                guarded(&link.node, || link.op.commit(done))?;
            }
        }
        Ok(())
    }

    /// When to look for a completed checkpoint, while a sink of the chain waits for one.
    fn commit_deadline(&self) -> Option<Instant> {
        let waiting = self.checkpoints.is_some() && self.chain.iter().any(|l| l.op.awaits_commit());
        waiting.then(|| Instant::now() + COMMIT_POLL)
    }

    fn run_inputs(
        &mut self,
        inputs: Vec<Input>,
        restored: Option<(Vec<i64>, i64)>,
    ) -> Result<(), TaskFailure> {
        let mut open = vec![true; inputs.len()];
        let mut watermarks = InputWatermarks::new(inputs.len());
        if let Some((latest, combined)) = restored {
            watermarks.restore(&latest, combined);
        }
        // Inputs whose barrier has arrived wait for the others' (aligned checkpoints).
        let mut blocked = vec![false; inputs.len()];
        let mut aligning: Option<(u64, Instant)> = None;
        while open.iter().any(|o| *o) {
            let deadline = [
                self.output.next_deadline(),
                self.next_timer(),
                self.commit_deadline(),
            ]
            .into_iter()
            .flatten()
            .min();
            // While aligning, inputs whose barrier came are not read.
            let aligned: Vec<bool>;
            let readable = if aligning.is_some() {
                aligned = open.iter().zip(&blocked).map(|(o, b)| *o && !b).collect();
                &aligned
            } else {
                &open
            };
            let waiting = Instant::now();
            let received = receive(&inputs, readable, deadline);
            self.counters.add_idle(waiting.elapsed().as_nanos() as u64);
            record_queue_fill(&self.counters, &inputs, &open);
            let Some((i, message)) = received else {
                let now = Instant::now();
                self.fire_timers(now)?;
                self.output.flush_expired(now)?;
                self.commit_completed()?;
                continue;
            };
            let advanced = match message {
                Some(Message::Batch(mut batch)) => {
                    watermarks.active(i);
                    if inputs.len() > 1 {
                        judge_against_others(&mut batch, &mut watermarks, i);
                    }
                    self.push(0, inputs[i].port, vec![batch])?;
                    None
                }
                Some(Message::Watermark(w)) => watermarks.advance(i, w),
                Some(Message::Idle) => watermarks.idle(i),
                Some(Message::Barrier(id)) => {
                    match aligning {
                        Some((current, _)) if id < current => {}
                        Some((current, _)) if id == current => blocked[i] = true,
                        // A newer checkpoint replaces one that failed on the way.
                        _ => {
                            blocked.fill(false);
                            blocked[i] = true;
                            aligning = Some((id, Instant::now()));
                        }
                    }
                    None
                }
                Some(Message::EndOfStream) => {
                    open[i] = false;
                    blocked[i] = false;
                    watermarks.close(i)
                }
                // A healthy sender always says EndOfStream first: a bare hang-up is a failure.
                None => return Err(TaskFailure::Disconnected),
            };
            // Every open input has brought the barrier: the chain's state is that of the rows
            // before it on all of them.
            if let Some((id, since)) = aligning
                && open.iter().any(|o| *o)
                && (0..inputs.len()).all(|j| !open[j] || blocked[j])
            {
                let state = InputsState {
                    inputs: inputs
                        .iter()
                        .map(|input| input.port)
                        .zip(watermarks.position().0)
                        .collect(),
                    combined: watermarks.position().1,
                };
                let head = self
                    .chain
                    .first()
                    .map(|l| l.node.clone())
                    .unwrap_or_default();
                let states = vec![StateBytes {
                    node: head,
                    subtask: self.subtask,
                    part: StatePart::Inputs,
                    bytes: encode(&state),
                }];
                self.checkpoint_chain(id, states, Vec::new(), since.elapsed())?;
                blocked.fill(false);
                aligning = None;
            }
            // Event time of a task is the least of its open, active inputs' watermarks.
            if let Some(w) = advanced {
                self.advance_watermark(w)?;
            }
            let now = Instant::now();
            self.fire_timers(now)?;
            self.output.flush_expired(now)?;
            self.commit_completed()?;
        }
        self.commit_completed()?;
        self.finish()?;
        if self.checkpoints.is_some() && !self.attempt.stopping() {
            self.acknowledge_finished(Vec::new(), Vec::new())?;
        }
        Ok(())
    }

    /// Runs `batches` arriving on `port` through the chain from link `start` on, then out.
    fn push(&mut self, start: usize, port: usize, batches: Vec<Batch>) -> Result<(), TaskFailure> {
        let mut input: Vec<(usize, Batch)> = batches.into_iter().map(|b| (port, b)).collect();
        let last = self.chain.len().saturating_sub(1);
        for (i, link) in self.chain.iter_mut().enumerate().skip(start) {
            if input.is_empty() {
                return Ok(());
            }
            let mut out = Outputs::default();
            let made = oldest_created(input.iter().map(|(_, b)| b.created()));
            for (port, batch) in input {
                if let Some(chaos) = &link.chaos {
                    chaos
                        .check(batch.num_rows())
                        .map_err(|message| TaskFailure::Failed {
                            node: link.node.clone(),
                            message,
                        })?;
                }
                link.counters.add_in(batch.num_rows());
                link.counters.add_bytes_in(batch.byte_size());
                if let Some(latency) = &link.counters.latency
                    && batch.created() > 0
                {
                    latency.record(now_ns().saturating_sub(batch.created()), batch.num_rows());
                }
                guarded(&link.node, || link.op.process(port, batch, &mut out))?;
            }
            input = link.hand_on(out, i == last, made, self.shared.trace(), self.subtask);
        }
        for (port, batch) in input {
            self.output.emit(port, batch)?;
        }
        Ok(())
    }

    /// Hands what link `i` produced (outside `process`) to the rest of the chain.
    fn push_produced(&mut self, i: usize, out: Outputs) -> Result<(), TaskFailure> {
        let last = i + 1 == self.chain.len();
        // Rows made outside `process` (a window firing) are made now.
        let produced =
            self.chain[i].hand_on(out, last, now_ns(), self.shared.trace(), self.subtask);
        if last {
            for (port, batch) in produced {
                self.output.emit(port, batch)?;
            }
            return Ok(());
        }
        let batches = produced.into_iter().map(|(_, b)| b).collect();
        self.push(i + 1, 0, batches)
    }

    fn advance_watermark(&mut self, watermark: i64) -> Result<(), TaskFailure> {
        // Each operator may hold the watermark back for what it emits after.
        let mut watermark = watermark;
        for i in 0..self.chain.len() {
            let mut out = Outputs::default();
            let link = &mut self.chain[i];
            link.counters.set_watermark(watermark);
            if let Some(trace) = self.shared.trace() {
                trace.watermark(&link.node, self.subtask, watermark);
            }
            guarded(&link.node, || link.op.on_watermark(watermark, &mut out))?;
            watermark = self.chain[i].op.watermark_out(watermark);
            self.push_produced(i, out)?;
        }
        self.output.broadcast(|| Message::Watermark(watermark))?;
        Ok(())
    }

    /// When the next operator of the chain wants its timer.
    fn next_timer(&self) -> Option<Instant> {
        self.chain.iter().filter_map(|l| l.op.next_timer()).min()
    }

    fn fire_timers(&mut self, now: Instant) -> Result<(), TaskFailure> {
        for i in 0..self.chain.len() {
            if self.chain[i].op.next_timer().is_none_or(|t| t > now) {
                continue;
            }
            let mut out = Outputs::default();
            let link = &mut self.chain[i];
            guarded(&link.node, || link.op.on_timer(now, &mut out))?;
            self.push_produced(i, out)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), TaskFailure> {
        for i in 0..self.chain.len() {
            let mut out = Outputs::default();
            let link = &mut self.chain[i];
            guarded(&link.node, || link.op.finish(&mut out))?;
            self.push_produced(i, out)?;
        }
        self.output.broadcast(|| Message::EndOfStream)?;
        Ok(())
    }
}

impl Link {
    /// Counts what the operator produced and keeps what goes on: for the last link of the
    /// chain every port's batches (the output routes them by port), else those of the port
    /// that feeds the next link, as its input 0. Rows of unconnected ports end here. Batches
    /// the operator built anew are taken as made at `made`. A traced run records them all.
    fn hand_on(
        &self,
        mut out: Outputs,
        last: bool,
        made: u64,
        trace: Option<&super::Trace>,
        subtask: usize,
    ) -> Vec<(usize, Batch)> {
        self.counters.add_late(out.take_late());
        let mut produced = out.take();
        for (port, batch) in &mut produced {
            if batch.created() == 0 {
                batch.set_created(made);
            }
            if let Some(peek) = self.peeks.get(*port) {
                peek.record(batch);
            }
            if let Some(trace) = trace {
                trace.rows(&self.node, subtask, *port, batch);
            }
            if Some(*port) == self.late_port {
                self.counters.add_late(batch.num_rows());
            } else {
                self.counters.add_out(batch.num_rows());
                self.counters.add_bytes_out(batch.byte_size());
            }
        }
        if !last {
            produced.retain(|(port, _)| *port == self.next_port);
            for (port, _) in &mut produced {
                *port = 0;
            }
        }
        produced
    }
}

/// A row of input `i` is judged against the watermark in force before it on its own input
/// and the latest of every other active input, as a task's event time is the least of its
/// inputs'.
fn judge_against_others(batch: &mut Batch, watermarks: &mut InputWatermarks, i: usize) {
    let Some(own) = batch.watermarks() else {
        return;
    };
    if let Some(&last) = own.last() {
        watermarks.saw(i, last);
    }
    let others = watermarks.others(i);
    if own.iter().any(|&w| w > others) {
        let judged: Arc<[i64]> = own.iter().map(|&w| w.min(others)).collect();
        batch.set_watermarks(Some(judged));
    }
}

/// Notes how full the fullest open input is, for the sampler.
fn record_queue_fill(counters: &TaskCounters, inputs: &[Input], open: &[bool]) {
    let (waiting, capacity) = inputs
        .iter()
        .zip(open)
        .filter(|(_, open)| **open)
        .map(|(input, _)| (input.rx.len(), input.rx.capacity().unwrap_or(1)))
        .max_by(|a, b| (a.0 * b.1).cmp(&(b.0 * a.1)))
        .unwrap_or((0, 1));
    counters.set_queue_fill(waiting, capacity);
}

/// Calls into an operator of `node`, turning its error, or a panic, into a failure of that node.
fn guarded<T>(node: &str, call: impl FnOnce() -> OpResult<T>) -> Result<T, TaskFailure> {
    let failed = |message| TaskFailure::Failed {
        node: node.to_string(),
        message,
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)) {
        Ok(result) => result.map_err(failed),
        Err(panic) => Err(failed(format!(
            "internal error: {}",
            panic_message(panic.as_ref())
        ))),
    }
}

/// The text a panic was raised with.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown cause".into())
}

/// The next message from any open input, or `None` when the deadline passes first.
/// A message of `None` means that input's sender is gone.
fn receive(
    inputs: &[Input],
    open: &[bool],
    deadline: Option<Instant>,
) -> Option<(usize, Option<Message>)> {
    let live: Vec<usize> = (0..inputs.len()).filter(|i| open[*i]).collect();
    if let [i] = live[..] {
        let rx = &inputs[i].rx;
        return match deadline {
            None => Some((i, rx.recv().ok())),
            Some(d) => match rx.recv_deadline(d) {
                Ok(m) => Some((i, Some(m))),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some((i, None)),
            },
        };
    }
    let mut select = Select::new();
    for &i in &live {
        select.recv(&inputs[i].rx);
    }
    let operation = match deadline {
        None => select.select(),
        Some(d) => select.select_deadline(d).ok()?,
    };
    let i = live[operation.index()];
    Some((i, operation.recv(&inputs[i].rx).ok()))
}
