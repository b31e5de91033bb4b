use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::generator::{Event, EventKind, GeneratorConfig, NexmarkGenerator};
use crate::operators::rate::{Allowance, RateLimiter};
use crate::operators::{Context, OpResult, Source, SourceEvent, SourcePosition};
use crate::spec::{NexmarkConfig, NexmarkStream};
use crate::types::{Batch, ColumnBuilder, parse_timestamp};

/// The most events of the whole stream one poll looks at, so that a poll is short even when
/// few of them belong to this instance's stream (a Person is one event in 50).
const SCAN_LIMIT: usize = 1 << 16;

/// One parallel instance of a Nexmark source. Every instance walks the whole event sequence
/// (skipping an event costs a few nanoseconds) and builds every `parallelism`-th event of the
/// chosen stream, so each gets its share of that stream and together they emit exactly the
/// events of a single generator.
pub struct NexmarkSource {
    generator: NexmarkGenerator,
    stream: NexmarkStream,
    builders: Vec<ColumnBuilder>,
    batch_size: usize,
    rate: Option<RateLimiter>,
    /// Events of the chosen stream seen so far, this instance's and the others'.
    seen: u64,
    subtask: u64,
    parallelism: u64,
    /// The generator's settings, kept to rebuild it at a checkpoint's base time.
    generator_config: GeneratorConfig,
}

/// Where a Nexmark instance is: its base time (the wall clock at the first start, unless
/// set) and its place in the event sequence.
#[derive(serde::Serialize, serde::Deserialize)]
struct Position {
    base_time_ms: i64,
    next_index: u64,
    events_so_far: u64,
    seen: u64,
}

impl NexmarkSource {
    pub fn new(config: &NexmarkConfig, ctx: &Context) -> OpResult<Self> {
        let base_time_ms = match &config.base_time {
            Some(text) => parse_timestamp(text)
                .ok_or_else(|| format!("base time `{text}` is not a timestamp"))?,
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64),
        };
        let generator_config = GeneratorConfig {
            first_event_rate: config.events_per_second.unwrap_or(10_000),
            base_time_ms,
            max_events: config.events,
            seed: config.seed,
            ..GeneratorConfig::default()
        };
        let generator = NexmarkGenerator::new(generator_config.clone());
        let schema = config.stream.schema();
        let batch_size = ctx.job.batch_size.max(1);
        let timeout = Duration::from_millis(ctx.job.buffer_timeout_ms);
        Ok(NexmarkSource {
            generator,
            stream: config.stream,
            builders: schema
                .fields
                .iter()
                .map(|f| ColumnBuilder::new(f.data_type, batch_size))
                .collect(),
            batch_size,
            // Every instance walks the whole stream, so each paces it at the whole rate.
            rate: config
                .events_per_second
                .map(|r| RateLimiter::new(r.max(1), timeout)),
            seen: 0,
            subtask: ctx.subtask as u64,
            parallelism: ctx.parallelism.max(1) as u64,
            generator_config,
        })
    }

    fn wanted(&self) -> EventKind {
        match self.stream {
            NexmarkStream::Person => EventKind::Person,
            NexmarkStream::Auction => EventKind::Auction,
            NexmarkStream::Bid => EventKind::Bid,
        }
    }

    /// Appends one event's row, column by column in the stream's schema order.
    fn push(&mut self, event: Event) {
        enum Cell<'a> {
            Int(i64),
            Text(&'a str),
        }
        use Cell::{Int, Text};
        let mut write = |cells: &[Cell]| {
            for (builder, cell) in self.builders.iter_mut().zip(cells) {
                match cell {
                    Int(v) => builder.push_i64(*v),
                    Text(s) => builder.push_str(s),
                }
            }
        };
        match &event {
            Event::Person(p) => write(&[
                Int(p.id),
                Text(&p.name),
                Text(&p.email_address),
                Text(&p.credit_card),
                Text(&p.city),
                Text(&p.state),
                Int(p.date_time),
                Text(&p.extra),
            ]),
            Event::Auction(a) => write(&[
                Int(a.id),
                Text(&a.item_name),
                Text(&a.description),
                Int(a.initial_bid),
                Int(a.reserve),
                Int(a.date_time),
                Int(a.expires),
                Int(a.seller),
                Int(a.category),
                Text(&a.extra),
            ]),
            Event::Bid(b) => write(&[
                Int(b.auction),
                Int(b.bidder),
                Int(b.price),
                Text(&b.channel),
                Text(&b.url),
                Int(b.date_time),
                Text(&b.extra),
            ]),
        }
    }
}

impl Source for NexmarkSource {
    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        let (next_index, events_so_far) = self.generator.position();
        let position = Position {
            base_time_ms: self.generator_config.base_time_ms,
            next_index,
            events_so_far,
            seen: self.seen,
        };
        Ok(Some(SourcePosition {
            state: postcard::to_allocvec(&position).map_err(|e| e.to_string())?,
            describe: format!("event {next_index}"),
        }))
    }

    fn restore(&mut self, state: &[u8]) -> OpResult {
        let position: Position = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's Nexmark position is not readable: {e}"))?;
        self.generator_config.base_time_ms = position.base_time_ms;
        self.generator = NexmarkGenerator::new(self.generator_config.clone());
        self.generator
            .set_position((position.next_index, position.events_so_far));
        self.seen = position.seen;
        Ok(())
    }

    fn poll(&mut self) -> OpResult<SourceEvent> {
        if !self.generator.has_next() {
            return Ok(SourceEvent::Finished);
        }
        // The rate counts events of all three streams, as Nexmark's does. Ask for about as
        // many as a batch of this instance's share needs, within the scan limit.
        let wanted = self
            .batch_size
            .saturating_mul(self.parallelism as usize)
            .clamp(1, SCAN_LIMIT);
        let now = Instant::now();
        let allowed = match &mut self.rate {
            None => SCAN_LIMIT,
            Some(rate) => match rate.allowance(wanted, now) {
                Allowance::Rows(n) => n,
                Allowance::Wait(d) => return Ok(SourceEvent::Idle(d)),
            },
        };
        // A paced source's rows were made when they fell due, so latency counts their wait.
        let made = self.rate.as_ref().map(|r| r.next_due(now));
        let wanted_kind = self.wanted();
        let mut scanned = 0;
        while scanned < allowed && self.builders[0].len() < self.batch_size {
            let Some(kind) = self.generator.next_kind() else {
                break;
            };
            scanned += 1;
            let mine = kind == wanted_kind && {
                self.seen += 1;
                (self.seen - 1) % self.parallelism == self.subtask
            };
            if !mine {
                self.generator.skip();
                continue;
            }
            if let Some(event) = self.generator.next_event() {
                self.push(event);
            }
        }
        if let Some(rate) = &mut self.rate {
            rate.emitted(scanned, now);
        }
        let rows = self.builders[0].len();
        if rows == 0 {
            return Ok(if self.generator.has_next() {
                SourceEvent::Idle(Duration::ZERO)
            } else {
                SourceEvent::Finished
            });
        }
        let columns = self
            .builders
            .iter_mut()
            .map(|b| Arc::new(b.take_column()))
            .collect();
        let mut batch = Batch::new(columns, rows);
        if let Some(made) = made {
            batch.set_created(crate::metrics::ns_at(made));
        }
        Ok(SourceEvent::Batch(batch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::JobSettings;
    use crate::types::Value;

    fn ctx(subtask: usize, parallelism: usize) -> Context {
        Context {
            node_id: "bids".into(),
            subtask,
            parallelism,
            job: JobSettings {
                batch_size: 64,
                ..JobSettings::default()
            },
            ..Context::default()
        }
    }

    fn config(stream: NexmarkStream, events: Option<u64>) -> NexmarkConfig {
        NexmarkConfig {
            stream,
            events,
            events_per_second: None,
            base_time: Some("2024-01-01 00:00:00".into()),
            ..NexmarkConfig::default()
        }
    }

    fn drain(source: &mut NexmarkSource) -> Vec<Vec<Value>> {
        let mut rows = Vec::new();
        loop {
            match source.poll().unwrap() {
                SourceEvent::Batch(b) => rows.extend(b.rows()),
                SourceEvent::Idle(_) => {}
                SourceEvent::Finished => return rows,
            }
        }
    }

    #[test]
    fn every_instance_gets_its_share_of_a_sparse_stream() {
        // Persons are one event in 50: with the events split by position, an instance whose
        // positions never hold a Person would get none.
        let c = config(NexmarkStream::Person, Some(10_000));
        let single = drain(&mut NexmarkSource::new(&c, &ctx(0, 1)).unwrap());
        assert_eq!(single.len(), 200);
        for p in [2, 3, 50] {
            let mut all = Vec::new();
            for i in 0..p {
                let rows = drain(&mut NexmarkSource::new(&c, &ctx(i, p)).unwrap());
                let share = 200 / p;
                assert!(
                    (share..=share + 1).contains(&rows.len()),
                    "instance {i} of {p} has {} persons",
                    rows.len()
                );
                all.extend(rows);
            }
            all.sort_by_key(|r| format!("{r:?}"));
            let mut expected = single.clone();
            expected.sort_by_key(|r| format!("{r:?}"));
            assert_eq!(all, expected, "parallelism {p}");
        }
    }

    #[test]
    fn a_poll_returns_after_bounded_work_on_an_endless_stream() {
        // The last of 50 instances of an endless Person stream: every poll must come back,
        // with rows or idle, so the task can see a stop request.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let c = config(NexmarkStream::Person, None);
            let mut source = NexmarkSource::new(&c, &ctx(49, 50)).unwrap();
            let mut rows = 0;
            for _ in 0..100 {
                if let SourceEvent::Batch(b) = source.poll().unwrap() {
                    rows += b.num_rows();
                }
            }
            let _ = tx.send(rows);
        });
        let rows = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("100 polls came back");
        assert!(rows > 0, "the last instance got no Person");
    }
}
