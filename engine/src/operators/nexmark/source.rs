use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::generator::{Event, EventKind, GeneratorConfig, NexmarkGenerator};
use crate::operators::rate::{Allowance, RateLimiter};
use crate::operators::{Context, OpResult, Source, SourceEvent};
use crate::spec::{NexmarkConfig, NexmarkStream};
use crate::types::{Batch, ColumnBuilder, parse_timestamp};

/// One parallel instance of a Nexmark source. Instances split the event sequence, so together
/// they emit exactly the events of a single generator.
pub struct NexmarkSource {
    generator: NexmarkGenerator,
    stream: NexmarkStream,
    builders: Vec<ColumnBuilder>,
    batch_size: usize,
    rate: Option<RateLimiter>,
    watermark_delay: i64,
    max_event_time: Option<i64>,
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
        let generator = NexmarkGenerator::with_split(
            generator_config,
            ctx.subtask as u64,
            ctx.parallelism as u64,
        );
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
            rate: config
                .events_per_second
                .map(|r| RateLimiter::new(ctx.share(r).max(1), timeout)),
            watermark_delay: i64::try_from(config.watermark_delay_ms).unwrap_or(i64::MAX),
            max_event_time: None,
        })
    }

    fn wanted(&self) -> EventKind {
        match self.stream {
            NexmarkStream::Person => EventKind::Person,
            NexmarkStream::Auction => EventKind::Auction,
            NexmarkStream::Bid => EventKind::Bid,
        }
    }

    /// Appends one event's row, column by column in the stream's schema order; returns its
    /// event time.
    fn push(&mut self, event: Event) -> i64 {
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
        event.date_time()
    }
}

impl Source for NexmarkSource {
    fn poll(&mut self) -> OpResult<SourceEvent> {
        if !self.generator.has_next() {
            return Ok(SourceEvent::Finished);
        }
        // The rate counts events of all three streams, as Nexmark's does.
        let mut events = usize::MAX;
        if let Some(rate) = &mut self.rate {
            let now = Instant::now();
            match rate.allowance(self.batch_size, now) {
                Allowance::Rows(n) => {
                    events = n;
                    rate.emitted(n, now);
                }
                Allowance::Wait(d) => return Ok(SourceEvent::Idle(d)),
            }
        }
        let wanted = self.wanted();
        let mut max_time = None;
        while events > 0 && self.builders[0].len() < self.batch_size {
            let Some(kind) = self.generator.next_kind() else {
                break;
            };
            events -= 1;
            if kind != wanted {
                self.generator.skip();
                continue;
            }
            if let Some(event) = self.generator.next_event() {
                let t = self.push(event);
                max_time = max_time.max(Some(t));
            }
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
        let watermark = max_time
            .filter(|t| self.max_event_time < Some(*t))
            .map(|t| {
                self.max_event_time = Some(t);
                crate::operators::watermark_after(t, self.watermark_delay)
            });
        Ok(SourceEvent::Batch(Batch::new(columns, rows), watermark))
    }
}
