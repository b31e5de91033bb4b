//! A task's output: routes batches to downstream channels by each edge's partitioning, and
//! gathers small batches into full ones until the buffer timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, TrySendError};

use super::message::Message;
use super::partition::split_by_key;
use super::plan::Partition;
use crate::metrics::TaskCounters;
use crate::types::{Batch, BatchBuilder, SchemaRef};

/// The receiving side has gone away: the job is stopping after a failure.
#[derive(Debug)]
pub struct Disconnected;

/// Rows waiting to fill a batch: a whole batch kept as it is, or rows copied together.
enum Pending {
    Empty,
    One(Batch),
    Gathering(BatchBuilder),
}

/// One downstream channel with its not-yet-sent rows.
struct Channel {
    tx: Sender<Message>,
    pending: Pending,
    /// When the oldest pending row arrived.
    since: Option<Instant>,
    /// The sending task's, to count the time it waits for room.
    counters: Arc<TaskCounters>,
}

impl Channel {
    /// Sends, waiting while the channel is full: that wait is backpressure.
    fn send(&self, message: Message) -> Result<(), Disconnected> {
        match self.tx.try_send(message) {
            Ok(()) => Ok(()),
            Err(TrySendError::Disconnected(_)) => Err(Disconnected),
            Err(TrySendError::Full(message)) => {
                let waiting = Instant::now();
                let sent = self.tx.send(message).map_err(|_| Disconnected);
                self.counters
                    .add_backpressured(waiting.elapsed().as_nanos() as u64);
                sent
            }
        }
    }

    fn pending_rows(&self) -> usize {
        match &self.pending {
            Pending::Empty => 0,
            Pending::One(b) => b.num_rows(),
            Pending::Gathering(b) => b.len(),
        }
    }

    fn flush(&mut self) -> Result<(), Disconnected> {
        let batch = match std::mem::replace(&mut self.pending, Pending::Empty) {
            Pending::Empty => return Ok(()),
            Pending::One(batch) => batch,
            Pending::Gathering(mut builder) => builder.finish(),
        };
        self.since = None;
        self.send(Message::Batch(batch))
    }

    /// Adds rows `rows` of `batch` (all of them for `None`); sends once `batch_size` are
    /// waiting. A whole batch that is full already goes as it is, without a copy.
    fn push(
        &mut self,
        batch: &Batch,
        rows: Option<&[u32]>,
        schema: &SchemaRef,
        batch_size: usize,
    ) -> Result<(), Disconnected> {
        let count = rows.map_or(batch.num_rows(), <[u32]>::len);
        if count == 0 {
            return Ok(());
        }
        match (&mut self.pending, rows) {
            (Pending::Empty, None) if count >= batch_size => {
                return self.send(Message::Batch(batch.clone()));
            }
            (Pending::Empty, None) => self.pending = Pending::One(batch.clone()),
            (Pending::Empty, Some(_)) | (Pending::One(_), _) => {
                // Room for a batch and one more part, so filling it never grows the buffers.
                let mut builder = BatchBuilder::new(schema, 2 * batch_size);
                if let Pending::One(first) = &self.pending {
                    builder.append(first, None);
                }
                builder.append(batch, rows);
                self.pending = Pending::Gathering(builder);
            }
            (Pending::Gathering(builder), _) => builder.append(batch, rows),
        }
        self.since.get_or_insert_with(Instant::now);
        if self.pending_rows() >= batch_size {
            self.flush()?;
        }
        Ok(())
    }
}

/// The channels of one outgoing edge.
pub struct OutEdge {
    /// The output port of the task's last operator that this edge carries.
    from_port: usize,
    partition: Partition,
    schema: SchemaRef,
    channels: Vec<Channel>,
    next: usize,
}

impl OutEdge {
    /// `senders[i]` goes to instance `i` of the receiver (a single sender for a forward edge).
    /// Round-robin starts at `instance`, so parallel senders do not all begin on the same receiver.
    pub fn new(
        instance: usize,
        from_port: usize,
        partition: Partition,
        schema: SchemaRef,
        senders: Vec<Sender<Message>>,
        counters: Arc<TaskCounters>,
    ) -> Self {
        let first = instance % senders.len().max(1);
        let channels = senders
            .into_iter()
            .map(|tx| Channel {
                tx,
                pending: Pending::Empty,
                since: None,
                counters: counters.clone(),
            })
            .collect();
        OutEdge {
            from_port,
            partition,
            schema,
            channels,
            next: first,
        }
    }
}

/// All outgoing edges of a task.
pub struct Output {
    edges: Vec<OutEdge>,
    batch_size: usize,
    timeout: Duration,
}

impl Output {
    pub fn new(edges: Vec<OutEdge>, batch_size: usize, timeout: Duration) -> Self {
        Output {
            edges,
            batch_size: batch_size.max(1),
            timeout,
        }
    }

    /// Sends rows of output `port` to the edges that carry it.
    pub fn emit(&mut self, port: usize, batch: Batch) -> Result<(), Disconnected> {
        let size = self.batch_size;
        for edge in self.edges.iter_mut().filter(|e| e.from_port == port) {
            let schema = &edge.schema;
            match &edge.partition {
                Partition::Forward => edge.channels[0].push(&batch, None, schema, size)?,
                Partition::Rebalance => {
                    let n = edge.channels.len();
                    edge.channels[edge.next].push(&batch, None, schema, size)?;
                    edge.next = (edge.next + 1) % n;
                }
                Partition::Hash(keys) => {
                    let n = edge.channels.len();
                    if n == 1 {
                        edge.channels[0].push(&batch, None, schema, size)?;
                        continue;
                    }
                    // Each row is copied once, straight into the batch its channel gathers.
                    for (target, rows) in split_by_key(&batch, keys, n).into_iter().enumerate() {
                        edge.channels[target].push(&batch, Some(&rows), schema, size)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Sends pending rows, then `message` to every downstream instance.
    pub fn broadcast(&mut self, message: impl Fn() -> Message) -> Result<(), Disconnected> {
        for edge in &mut self.edges {
            for channel in &mut edge.channels {
                channel.flush()?;
                channel.send(message())?;
            }
        }
        Ok(())
    }

    /// Sends pending rows that have waited for the buffer timeout.
    pub fn flush_expired(&mut self, now: Instant) -> Result<(), Disconnected> {
        for edge in &mut self.edges {
            for channel in &mut edge.channels {
                if channel.since.is_some_and(|t| now - t >= self.timeout) {
                    channel.flush()?;
                }
            }
        }
        Ok(())
    }

    /// When the oldest pending rows are due to be sent.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.edges
            .iter()
            .flat_map(|e| &e.channels)
            .filter_map(|c| c.since)
            .min()
            .map(|t| t + self.timeout)
    }
}
