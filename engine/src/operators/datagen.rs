//! Flink's `datagen` connector: per-field sequences or random values, a row count, a rate.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::rate::{Allowance, RateLimiter};
use super::{Context, OpResult, Source, SourceEvent, SourcePosition};
use crate::spec::{DatagenConfig, DatagenField, FieldKind};
use crate::types::{Batch, Column, DataType, DecimalType, Utf8Values, Values, decimal};

/// SplitMix64: tiny, fast, and good enough for test data; one per field so fields are independent.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct SplitMix64(u64);

impl SplitMix64 {
    #[inline(always)]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=1` with 53 bits of precision.
    #[inline(always)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The benchmark's hot loop, kept out of line so its code does not depend on what the
/// compiler decides to inline around it: the state stays in a register, one multiply-shift
/// maps each value into `min..min + span` (`span == 0`: the full range).
#[inline(never)]
fn random_ints(rng: &mut SplitMix64, min: i64, span: u64, rows: usize) -> Vec<i64> {
    let mut generator = rng.clone();
    let mut out = Vec::with_capacity(rows);
    if span == 0 {
        out.extend((0..rows).map(|_| generator.next() as i64));
    } else {
        out.extend(
            (0..rows).map(|_| {
                min.wrapping_add(((generator.next() as u128 * span as u128) >> 64) as i64)
            }),
        );
    }
    *rng = generator;
    out
}

/// How one field's values are made.
enum Generator {
    /// `next, next + stride, …` while `<= end`; `stride` is the parallelism (Flink splits sequences so).
    Sequence {
        next: i64,
        end: i64,
        stride: i64,
    },
    /// `min + r * span / 2^64`: Lemire's multiply-shift, no division per value. `span == 0` is the full range.
    Int {
        rng: SplitMix64,
        min: i64,
        span: u64,
    },
    Float {
        rng: SplitMix64,
        min: f64,
        max: f64,
    },
    Bool {
        rng: SplitMix64,
    },
    Hex {
        rng: SplitMix64,
        length: usize,
    },
    /// Timestamps up to `max_past_ms` before now.
    Timestamp {
        rng: SplitMix64,
        max_past_ms: u64,
    },
}

/// One field: its generator, output type and NULL rate.
struct FieldGenerator {
    data_type: DataType,
    generator: Generator,
    nulls: Option<(SplitMix64, f64)>,
}

impl FieldGenerator {
    fn new(field: &DatagenField, index: usize, config: &DatagenConfig, ctx: &Context) -> Self {
        let seed = config.seed
            ^ (index as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407)
            ^ (ctx.subtask as u64 + 1).wrapping_mul(0x9FB2_1C65_1E98_DF25);
        let rng = SplitMix64(seed);
        let (generator, null_rate) = match &field.kind {
            FieldKind::Sequence { start, end } => (
                Generator::Sequence {
                    next: start.saturating_add(ctx.subtask as i64),
                    end: *end,
                    stride: ctx.parallelism as i64,
                },
                0.0,
            ),
            FieldKind::Random {
                min,
                max,
                length,
                max_past_ms,
                null_rate,
            } => {
                let generator = match field.data_type {
                    DataType::Int32 | DataType::Int64 => {
                        let (lowest, highest) = if field.data_type == DataType::Int32 {
                            (i64::from(i32::MIN), i64::from(i32::MAX))
                        } else {
                            (i64::MIN, i64::MAX)
                        };
                        let min = min.map_or(lowest, |v| (v as i64).clamp(lowest, highest));
                        let max = max.map_or(highest, |v| (v as i64).clamp(lowest, highest));
                        let span = (max as i128 - min as i128 + 1) as u128;
                        // A span of 2^64 (the full range) wraps to 0, which `next_int` reads as "all".
                        Generator::Int {
                            rng,
                            min,
                            span: span as u64,
                        }
                    }
                    DataType::Float64 => {
                        let min = min.unwrap_or(0.0);
                        Generator::Float {
                            rng,
                            min,
                            max: max.unwrap_or(1.0),
                        }
                    }
                    // Uniform doubles rounded to the scale, as Flink's datagen makes them;
                    // the range defaults to, and stays within, what the type holds.
                    DataType::Decimal { precision, scale } => {
                        let largest =
                            decimal::to_f64(decimal::POW10[usize::from(precision)] - 1, scale);
                        Generator::Float {
                            rng,
                            min: min.unwrap_or(-largest).clamp(-largest, largest),
                            max: max.unwrap_or(largest).clamp(-largest, largest),
                        }
                    }
                    DataType::Bool => Generator::Bool { rng },
                    DataType::Utf8 => Generator::Hex {
                        rng,
                        length: length.unwrap_or(100),
                    },
                    DataType::Timestamp => Generator::Timestamp {
                        rng,
                        max_past_ms: max_past_ms.unwrap_or(0),
                    },
                };
                (generator, *null_rate)
            }
        };
        FieldGenerator {
            data_type: field.data_type,
            generator,
            nulls: (null_rate > 0.0).then_some((SplitMix64(!seed), null_rate)),
        }
    }

    /// The one number that moves as values are made: the sequence's next value or the
    /// random generator's state; and the NULL generator's.
    fn position(&self) -> (u64, Option<u64>) {
        let word = match &self.generator {
            Generator::Sequence { next, .. } => *next as u64,
            Generator::Int { rng, .. }
            | Generator::Float { rng, .. }
            | Generator::Bool { rng }
            | Generator::Hex { rng, .. }
            | Generator::Timestamp { rng, .. } => rng.0,
        };
        (word, self.nulls.as_ref().map(|(rng, _)| rng.0))
    }

    fn set_position(&mut self, (word, nulls): (u64, Option<u64>)) {
        match &mut self.generator {
            Generator::Sequence { next, .. } => *next = word as i64,
            Generator::Int { rng, .. }
            | Generator::Float { rng, .. }
            | Generator::Bool { rng }
            | Generator::Hex { rng, .. }
            | Generator::Timestamp { rng, .. } => rng.0 = word,
        }
        if let (Some((rng, _)), Some(n)) = (&mut self.nulls, nulls) {
            rng.0 = n;
        }
    }

    /// Rows left in this field's sequence, if it is one.
    fn remaining(&self) -> Option<u64> {
        match &self.generator {
            Generator::Sequence { next, end, stride } if next > end => Some(0),
            Generator::Sequence { next, end, stride } => {
                // The whole BIGINT range holds 2^64 values, one more than a u64 counts.
                let left = (*end as i128 - *next as i128) / *stride as i128 + 1;
                Some(left.min(u64::MAX as i128) as u64)
            }
            _ => None,
        }
    }

    fn column(&mut self, rows: usize) -> Column {
        let values = match &mut self.generator {
            Generator::Sequence { next, stride, .. } => {
                let (first, stride) = (*next, *stride);
                *next = next.saturating_add(stride * rows as i64);
                let seq = (0..rows as i64).map(move |i| first + i * stride);
                match self.data_type {
                    DataType::Float64 => Values::Float64(seq.map(|v| v as f64).collect()),
                    DataType::Utf8 => {
                        let mut out = Utf8Values::with_capacity(rows, rows * 8);
                        for v in seq {
                            out.push_with(|s| {
                                use std::fmt::Write;
                                let _ = write!(s, "{v}");
                            });
                        }
                        Values::Utf8(out)
                    }
                    DataType::Timestamp => Values::Timestamp(seq.collect()),
                    // A sequence past the INT range wraps, as a cast of a BIGINT to INT does.
                    DataType::Int32 => Values::Int32(seq.map(|v| v as i32).collect()),
                    _ => Values::Int64(seq.collect()),
                }
            }
            Generator::Int { rng, min, span } => {
                let values = random_ints(rng, *min, *span, rows);
                if self.data_type == DataType::Int32 {
                    Values::Int32(values.into_iter().map(|v| v as i32).collect())
                } else {
                    Values::Int64(values)
                }
            }
            Generator::Float { rng, min, max } => {
                let (min, max) = (*min, *max);
                let width = max - min;
                if let DataType::Decimal { precision, scale } = self.data_type {
                    let t = DecimalType { precision, scale };
                    let largest = decimal::POW10[usize::from(precision)] - 1;
                    // A double rounded to the scale may round past the largest value.
                    Values::Decimal(
                        t,
                        (0..rows)
                            .map(|_| {
                                let x = min + rng.unit() * width;
                                decimal::from_f64(x, t)
                                    .ok()
                                    .flatten()
                                    .unwrap_or(if x < 0.0 { -largest } else { largest })
                            })
                            .collect(),
                    )
                } else if width.is_finite() {
                    Values::Float64((0..rows).map(|_| min + rng.unit() * width).collect())
                } else {
                    // A range wider than the largest double: weigh the two ends instead.
                    Values::Float64(
                        (0..rows)
                            .map(|_| {
                                let u = rng.unit();
                                min * (1.0 - u) + max * u
                            })
                            .collect(),
                    )
                }
            }
            Generator::Bool { rng } => {
                Values::Bool((0..rows).map(|_| rng.next() & 1 == 1).collect())
            }
            Generator::Hex { rng, length } => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let length = *length;
                let mut out = Utf8Values::with_capacity(rows, rows * length);
                for _ in 0..rows {
                    out.push_with(|s| {
                        let mut bits = 0;
                        for i in 0..length {
                            if i % 16 == 0 {
                                bits = rng.next();
                            }
                            s.push(HEX[(bits & 15) as usize] as char);
                            bits >>= 4;
                        }
                    });
                }
                Values::Utf8(out)
            }
            Generator::Timestamp { rng, max_past_ms } => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                let span = *max_past_ms + 1;
                Values::Timestamp(
                    (0..rows)
                        .map(|_| now - ((rng.next() as u128 * span as u128) >> 64) as i64)
                        .collect(),
                )
            }
        };
        let validity = self
            .nulls
            .as_mut()
            .map(|(rng, rate)| (0..rows).map(|_| rng.unit() >= *rate).collect());
        Column::with_validity(values, validity)
    }
}

/// One parallel instance of a datagen source.
pub struct Datagen {
    fields: Vec<FieldGenerator>,
    remaining: Option<u64>,
    /// Rows made so far, for the checkpoint's description of where it is.
    made: u64,
    batch_size: usize,
    rate: Option<RateLimiter>,
}

impl Datagen {
    pub fn new(config: &DatagenConfig, ctx: &Context) -> Self {
        let fields: Vec<FieldGenerator> = config
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| FieldGenerator::new(f, i, config, ctx))
            .collect();
        // Bounded by the row count, or by the shortest sequence, whichever ends first.
        let remaining = fields
            .iter()
            .filter_map(FieldGenerator::remaining)
            .chain(config.number_of_rows.map(|n| ctx.share(n)))
            .min();
        let timeout = Duration::from_millis(ctx.job.buffer_timeout_ms);
        let rate = config
            .rows_per_second
            .map(|r| RateLimiter::new(ctx.share(r).max(1), timeout));
        Datagen {
            fields,
            remaining,
            made: 0,
            batch_size: ctx.job.batch_size.max(1),
            rate,
        }
    }
}

/// Where a datagen instance is: each field's position and the rows left.
#[derive(serde::Serialize, serde::Deserialize)]
struct Position {
    fields: Vec<(u64, Option<u64>)>,
    remaining: Option<u64>,
    made: u64,
}

impl Source for Datagen {
    fn snapshot(&mut self) -> OpResult<Option<SourcePosition>> {
        let position = Position {
            fields: self.fields.iter().map(FieldGenerator::position).collect(),
            remaining: self.remaining,
            made: self.made,
        };
        Ok(Some(SourcePosition {
            state: postcard::to_allocvec(&position).map_err(|e| e.to_string())?,
            describe: format!("row {}", self.made),
        }))
    }

    fn restore(&mut self, state: &[u8]) -> OpResult {
        let position: Position = postcard::from_bytes(state)
            .map_err(|e| format!("the checkpoint's datagen position is not readable: {e}"))?;
        if position.fields.len() != self.fields.len() {
            return Err(format!(
                "the checkpoint's datagen position has {} fields where the source has {}",
                position.fields.len(),
                self.fields.len()
            ));
        }
        for (field, p) in self.fields.iter_mut().zip(position.fields) {
            field.set_position(p);
        }
        self.remaining = position.remaining;
        self.made = position.made;
        Ok(())
    }

    fn poll(&mut self) -> OpResult<SourceEvent> {
        let mut rows = self.batch_size;
        if let Some(remaining) = self.remaining {
            if remaining == 0 {
                return Ok(SourceEvent::Finished);
            }
            rows = rows.min(remaining as usize);
        }
        // A paced source's rows were made when they fell due, so latency counts their wait.
        let mut made = None;
        if let Some(rate) = &mut self.rate {
            let now = Instant::now();
            match rate.allowance(rows, now) {
                Allowance::Rows(n) => {
                    rows = n;
                    made = Some(rate.next_due(now));
                    rate.emitted(n, now);
                }
                Allowance::Wait(d) => return Ok(SourceEvent::Idle(d)),
            }
        }
        if let Some(remaining) = &mut self.remaining {
            *remaining -= rows as u64;
        }
        self.made += rows as u64;
        let columns = self
            .fields
            .iter_mut()
            .map(|f| Arc::new(f.column(rows)))
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
            node_id: "gen".into(),
            subtask,
            parallelism,
            job: JobSettings {
                batch_size: 4,
                ..JobSettings::default()
            },
            ..Context::default()
        }
    }

    fn field(name: &str, data_type: DataType, kind: FieldKind) -> DatagenField {
        DatagenField {
            name: name.into(),
            data_type,
            kind,
        }
    }

    fn random(min: f64, max: f64) -> FieldKind {
        FieldKind::Random {
            min: Some(min),
            max: Some(max),
            length: None,
            max_past_ms: None,
            null_rate: 0.0,
        }
    }

    fn drain(source: &mut Datagen) -> Vec<Vec<Value>> {
        let mut rows = Vec::new();
        loop {
            match source.poll().unwrap() {
                SourceEvent::Batch(b) => rows.extend(b.rows()),
                SourceEvent::Finished => return rows,
                SourceEvent::Idle(_) => panic!("an unthrottled source never idles"),
            }
        }
    }

    fn config(fields: Vec<DatagenField>, rows: Option<u64>) -> DatagenConfig {
        DatagenConfig {
            fields,
            rows_per_second: None,
            number_of_rows: rows,
            seed: 7,
            ..DatagenConfig::default()
        }
    }

    #[test]
    fn sequence_bounds_the_source_and_splits_across_instances() {
        let c = config(
            vec![field(
                "id",
                DataType::Int64,
                FieldKind::Sequence { start: 1, end: 10 },
            )],
            None,
        );
        let mut all: Vec<i64> = (0..3)
            .flat_map(|i| drain(&mut Datagen::new(&c, &ctx(i, 3))))
            .map(|r| match r[0] {
                Value::Int64(v) => v,
                _ => unreachable!(),
            })
            .collect();
        all.sort();
        assert_eq!(all, (1..=10).collect::<Vec<_>>());
    }

    #[test]
    fn random_values_stay_in_range_and_repeat_for_a_seed() {
        let c = config(
            vec![
                field("n", DataType::Int64, random(1000.0, 1999.0)),
                field("x", DataType::Float64, random(-1.0, 1.0)),
                field(
                    "s",
                    DataType::Utf8,
                    FieldKind::Random {
                        min: None,
                        max: None,
                        length: Some(20),
                        max_past_ms: None,
                        null_rate: 0.0,
                    },
                ),
            ],
            Some(1000),
        );
        let rows = drain(&mut Datagen::new(&c, &ctx(0, 1)));
        assert_eq!(rows.len(), 1000);
        for row in &rows {
            assert!(
                matches!(row[0], Value::Int64(v) if (1000..=1999).contains(&v)),
                "{row:?}"
            );
            assert!(
                matches!(row[1], Value::Float64(v) if (-1.0..=1.0).contains(&v)),
                "{row:?}"
            );
            assert!(
                matches!(&row[2], Value::Utf8(s) if s.len() == 20 && s.chars().all(|c| c.is_ascii_hexdigit()))
            );
        }
        assert_eq!(rows, drain(&mut Datagen::new(&c, &ctx(0, 1))));
        let other = DatagenConfig { seed: 8, ..c };
        assert_ne!(rows, drain(&mut Datagen::new(&other, &ctx(0, 1))));
    }

    #[test]
    fn null_rate_makes_some_rows_null() {
        let kind = FieldKind::Random {
            min: Some(0.0),
            max: Some(10.0),
            length: None,
            max_past_ms: None,
            null_rate: 0.5,
        };
        let c = config(vec![field("n", DataType::Int64, kind)], Some(2000));
        let nulls = drain(&mut Datagen::new(&c, &ctx(0, 1)))
            .iter()
            .filter(|r| r[0].is_null())
            .count();
        assert!((800..1200).contains(&nulls), "{nulls} nulls of 2000");
    }

    #[test]
    fn full_range_and_rate_limit() {
        let c = DatagenConfig {
            rows_per_second: Some(1_000_000),
            ..config(
                vec![field("n", DataType::Int64, FieldKind::default())],
                Some(8),
            )
        };
        let mut source = Datagen::new(&c, &ctx(0, 1));
        let mut rows = 0;
        loop {
            match source.poll().unwrap() {
                SourceEvent::Batch(b) => rows += b.num_rows(),
                SourceEvent::Idle(d) => std::thread::sleep(d),
                SourceEvent::Finished => break,
            }
        }
        assert_eq!(rows, 8);
    }

    #[test]
    fn the_widest_ranges_still_give_rows_and_finite_values() {
        let c = config(
            vec![
                field(
                    "n",
                    DataType::Int64,
                    FieldKind::Sequence {
                        start: i64::MIN,
                        end: i64::MAX,
                    },
                ),
                field("x", DataType::Float64, random(-1e308, 1e308)),
            ],
            Some(20),
        );
        let rows = drain(&mut Datagen::new(&c, &ctx(0, 1)));
        assert_eq!(
            rows.len(),
            20,
            "a sequence of 2^64 values is not an empty one"
        );
        assert_eq!(rows[0][0], Value::Int64(i64::MIN));
        for row in &rows {
            assert!(
                matches!(row[1], Value::Float64(v) if v.is_finite()),
                "{row:?}"
            );
        }
    }
}
