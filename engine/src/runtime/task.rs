//! A task: one thread running a chain of operators, fed by a source or by input channels.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Select};

use super::job::JobShared;
use super::message::Message;
use super::output::{Disconnected, Output};
use crate::metrics::NodeCounters;
use crate::operators::{OpResult, Operator, Source, SourceEvent};
use crate::types::Batch;

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
    },
    Inputs(Vec<Input>),
}

pub struct Task {
    pub head: Head,
    pub chain: Vec<Link>,
    pub output: Output,
    pub shared: Arc<JobShared>,
}

/// The longest a throttled source sleeps before it looks at the stop flag again.
const MAX_NAP: Duration = Duration::from_millis(20);

impl Task {
    pub fn run(mut self) -> Result<(), TaskFailure> {
        match std::mem::replace(&mut self.head, Head::Inputs(Vec::new())) {
            Head::Source {
                node,
                source,
                counters,
            } => self.run_source(&node, source, &counters),
            Head::Inputs(inputs) => self.run_inputs(inputs),
        }
    }

    fn run_source(
        &mut self,
        node: &str,
        mut source: Box<dyn Source>,
        counters: &NodeCounters,
    ) -> Result<(), TaskFailure> {
        // Watermarks go out at most once per buffer timeout, like Flink's watermark interval:
        // one per batch would flush every partly filled output buffer each time.
        let interval = self.output.timeout();
        let mut pending_watermark: Option<i64> = None;
        let mut last_watermark = Instant::now();
        let finished = loop {
            if self.shared.stop_requested() {
                self.shared.source_stopped_early();
                break false;
            }
            match guarded(node, || source.poll())? {
                SourceEvent::Batch(batch, watermark) => {
                    counters.add_out(batch.num_rows());
                    self.push(0, 0, vec![batch])?;
                    if let Some(w) = watermark {
                        counters.set_watermark(w);
                        pending_watermark = Some(w);
                    }
                }
                SourceEvent::Idle(wait) => {
                    let now = Instant::now();
                    let mut until = now + wait.min(MAX_NAP);
                    if let Some(deadline) = self.output.next_deadline() {
                        until = until.min(deadline);
                    }
                    std::thread::sleep(until.saturating_duration_since(now));
                }
                SourceEvent::Finished => break true,
            }
            let now = Instant::now();
            if pending_watermark.is_some() && now - last_watermark >= interval {
                self.advance_watermark(pending_watermark.take().unwrap())?;
                last_watermark = now;
            }
            self.output.flush_expired(now)?;
        };
        // A drained bounded input closes event time, so everything waiting on it completes.
        if finished {
            counters.set_watermark(i64::MAX);
            self.advance_watermark(i64::MAX)?;
        }
        self.finish()
    }

    fn run_inputs(&mut self, inputs: Vec<Input>) -> Result<(), TaskFailure> {
        let mut open = vec![true; inputs.len()];
        let mut watermarks = vec![i64::MIN; inputs.len()];
        let mut current = i64::MIN;
        while open.iter().any(|o| *o) {
            let Some((i, message)) = receive(&inputs, &open, self.output.next_deadline()) else {
                self.output.flush_expired(Instant::now())?;
                continue;
            };
            match message {
                Some(Message::Batch(batch)) => self.push(0, inputs[i].port, vec![batch])?,
                Some(Message::Watermark(w)) => watermarks[i] = watermarks[i].max(w),
                Some(Message::Barrier(_)) => {}
                Some(Message::EndOfStream) => open[i] = false,
                // A healthy sender always says EndOfStream first: a bare hang-up is a failure.
                None => return Err(TaskFailure::Disconnected),
            }
            // Event time of a task is the least of its open inputs' watermarks.
            let least = (0..inputs.len())
                .filter(|j| open[*j])
                .map(|j| watermarks[j])
                .min();
            if let Some(least) = least
                && least > current
            {
                current = least;
                self.advance_watermark(current)?;
            }
            self.output.flush_expired(Instant::now())?;
        }
        self.finish()
    }

    /// Runs `batches` through the chain from link `start` on, then out.
    fn push(
        &mut self,
        start: usize,
        port: usize,
        mut batches: Vec<Batch>,
    ) -> Result<(), TaskFailure> {
        let mut port = port;
        for link in &mut self.chain[start..] {
            if batches.is_empty() {
                return Ok(());
            }
            let mut produced = Vec::new();
            for batch in batches {
                link.counters.add_in(batch.num_rows());
                guarded(&link.node, || link.op.process(port, batch, &mut produced))?;
            }
            count_out(link, &produced);
            batches = produced;
            port = 0;
        }
        for batch in batches {
            self.output.emit(batch)?;
        }
        Ok(())
    }

    fn advance_watermark(&mut self, watermark: i64) -> Result<(), TaskFailure> {
        for i in 0..self.chain.len() {
            let mut produced = Vec::new();
            let link = &mut self.chain[i];
            link.counters.set_watermark(watermark);
            guarded(&link.node, || {
                link.op.on_watermark(watermark, &mut produced)
            })?;
            count_out(link, &produced);
            self.push(i + 1, 0, produced)?;
        }
        self.output.broadcast(|| Message::Watermark(watermark))?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), TaskFailure> {
        for i in 0..self.chain.len() {
            let mut produced = Vec::new();
            let link = &mut self.chain[i];
            guarded(&link.node, || link.op.finish(&mut produced))?;
            count_out(link, &produced);
            self.push(i + 1, 0, produced)?;
        }
        self.output.broadcast(|| Message::EndOfStream)?;
        Ok(())
    }
}

fn count_out(link: &Link, produced: &[Batch]) {
    for batch in produced {
        link.counters.add_out(batch.num_rows());
    }
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
