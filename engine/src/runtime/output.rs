//! A task's output: routes batches to downstream channels by each edge's partitioning, and
//! gathers small batches into full ones until the buffer timeout.

use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use super::message::Message;
use super::partition::split_by_key;
use super::plan::Partition;
use crate::types::{Batch, SchemaRef};

/// The receiving side has gone away: the job is stopping after a failure.
#[derive(Debug)]
pub struct Disconnected;

/// One downstream channel with its not-yet-sent rows.
struct Channel {
    tx: Sender<Message>,
    pending: Vec<Batch>,
    pending_rows: usize,
    /// When the oldest pending row arrived.
    since: Option<Instant>,
}

impl Channel {
    fn send(&self, message: Message) -> Result<(), Disconnected> {
        self.tx.send(message).map_err(|_| Disconnected)
    }

    fn flush(&mut self, schema: &SchemaRef) -> Result<(), Disconnected> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = Batch::concat(schema, &self.pending);
        self.pending.clear();
        self.pending_rows = 0;
        self.since = None;
        self.send(Message::Batch(batch))
    }

    fn push(
        &mut self,
        batch: Batch,
        schema: &SchemaRef,
        batch_size: usize,
    ) -> Result<(), Disconnected> {
        if batch.is_empty() {
            return Ok(());
        }
        if self.pending.is_empty() && batch.num_rows() >= batch_size {
            return self.send(Message::Batch(batch));
        }
        self.pending_rows += batch.num_rows();
        self.pending.push(batch);
        self.since.get_or_insert_with(Instant::now);
        if self.pending_rows >= batch_size {
            self.flush(schema)?;
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
    ) -> Self {
        let first = instance % senders.len().max(1);
        let channels = senders
            .into_iter()
            .map(|tx| Channel {
                tx,
                pending: Vec::new(),
                pending_rows: 0,
                since: None,
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
        for edge in self.edges.iter_mut().filter(|e| e.from_port == port) {
            // Columns are shared, so a copy per edge costs a few reference counts.
            let batch = batch.clone();
            match &edge.partition {
                Partition::Forward => {
                    edge.channels[0].push(batch, &edge.schema, self.batch_size)?
                }
                Partition::Rebalance => {
                    let n = edge.channels.len();
                    edge.channels[edge.next].push(batch, &edge.schema, self.batch_size)?;
                    edge.next = (edge.next + 1) % n;
                }
                Partition::Hash(keys) => {
                    let n = edge.channels.len();
                    if n == 1 {
                        edge.channels[0].push(batch, &edge.schema, self.batch_size)?;
                        continue;
                    }
                    for (target, rows) in split_by_key(&batch, keys, n).into_iter().enumerate() {
                        if !rows.is_empty() {
                            edge.channels[target].push(
                                batch.take(&rows),
                                &edge.schema,
                                self.batch_size,
                            )?;
                        }
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
                channel.flush(&edge.schema)?;
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
                    channel.flush(&edge.schema)?;
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
