//! The Join operator: window joins and interval joins of two inputs in event time, on equal
//! keys, inner or left outer, as Flink SQL's.
//!
//! Rows wait in the batches they came in (kept whole while any of their rows waits), and
//! every row is judged against the watermark in force before it, as in a Window: the same
//! matches whatever the batching.

mod interval;
mod rows;
mod state;
#[cfg(test)]
mod state_tests;
mod window;

use std::sync::Arc;

use interval::IntervalJoin;
use rows::{RowRef, RowStore};
use window::WindowJoin;

use super::keys::{Key, key_of_row};
use super::owned_keys::Owner;
use super::{Context, OpResult, Operator, Outputs};
use crate::spec::{JoinConfig, JoinKind, JoinType};
use crate::types::{Batch, Column, ColumnBuilder, ColumnRef, DataType, Values};
use crate::validate::{JoinLayout, join_layout};

/// What a Join knows of one of its inputs.
struct Side {
    time: (usize, i64),
    keys: Vec<usize>,
    key_types: Vec<DataType>,
    /// The input's column types, which restored rows must have.
    types: Vec<DataType>,
    /// The window bounds of a windowed input: its rows keep their own window.
    bounds: Option<(usize, usize)>,
}

impl Side {
    fn key(&self, batch: &Batch, row: usize) -> Key {
        key_of_row(batch, &self.keys, &self.key_types, row)
    }
}

/// One output row: the window it matched in (window joins), and its left and right rows.
pub struct Pair {
    pub window: Option<(i64, i64)>,
    pub left: RowRef,
    pub right: Option<RowRef>,
}

enum State {
    Window(WindowJoin),
    Interval(IntervalJoin),
}

pub struct Join {
    sides: [Side; 2],
    layout: JoinLayout,
    outer: bool,
    store: RowStore,
    state: State,
    /// The watermark reached.
    watermark: i64,
    /// Which keys of a restored state are this instance's.
    owner: Owner,
}

impl Join {
    pub fn new(config: &JoinConfig, ctx: &Context) -> OpResult<Self> {
        let [left, right] = ctx.inputs.as_slice() else {
            return Err("a Join needs the types of both inputs".into());
        };
        let side = |t: &crate::validate::PortType, keys: Vec<&str>| -> OpResult<Side> {
            let time = t
                .time
                .as_ref()
                .ok_or("a Join needs inputs with event time")?;
            let time = (
                t.schema
                    .index_of(&time.column)
                    .ok_or("the time column is gone")?,
                time.shift_ms,
            );
            let keys: Vec<usize> = keys
                .iter()
                .map(|k| t.schema.index_of(k).ok_or(format!("no key column `{k}`")))
                .collect::<Result<_, _>>()?;
            let key_types = keys.iter().map(|&k| t.schema.fields[k].data_type).collect();
            let bounds = t.window.and_then(|_| {
                Some((
                    t.schema.index_of("window_start")?,
                    t.schema.index_of("window_end")?,
                ))
            });
            Ok(Side {
                time,
                keys,
                key_types,
                types: t.schema.fields.iter().map(|f| f.data_type).collect(),
                bounds,
            })
        };
        let sides = [
            side(left, config.keys.iter().map(|k| k.left.as_str()).collect())?,
            side(
                right,
                config.keys.iter().map(|k| k.right.as_str()).collect(),
            )?,
        ];
        let millis = |v: u64| i64::try_from(v).map_err(|_| format!("{v} ms is too long"));
        let state = match config.kind {
            JoinKind::Window { window } => State::Window(WindowJoin::new(window)?),
            JoinKind::Interval {
                before_ms,
                after_ms,
            } => State::Interval(IntervalJoin::new(millis(before_ms)?, millis(after_ms)?)),
        };
        Ok(Join {
            layout: join_layout(&config.kind, left, right),
            sides,
            outer: config.join_type == JoinType::LeftOuter,
            store: RowStore::default(),
            state,
            watermark: i64::MIN,
            owner: Owner::of(ctx),
        })
    }

    /// The output rows of `pairs`, each carrying `carried` as its watermark.
    fn output(&self, pairs: &[Pair], carried: i64) -> Batch {
        let rows = pairs.len();
        let mut columns: Vec<ColumnRef> = Vec::with_capacity(self.layout.schema.len());
        if self.layout.windowed {
            let bound = |f: fn(&(i64, i64)) -> i64| {
                let values = pairs
                    .iter()
                    .map(|p| p.window.as_ref().map_or(0, f))
                    .collect();
                Arc::new(Column::new(Values::Timestamp(values)))
            };
            columns.push(bound(|w| w.0));
            columns.push(bound(|w| w.1));
        }
        let out_types = &self.layout.schema.fields;
        let mut out = columns.len();
        for &c in &self.layout.left {
            let mut b = ColumnBuilder::new(out_types[out].data_type, rows);
            for p in pairs {
                b.push_from(self.store.batch(p.left).column(c), p.left.row as usize);
            }
            columns.push(Arc::new(b.finish()));
            out += 1;
        }
        for &c in &self.layout.right {
            let mut b = ColumnBuilder::new(out_types[out].data_type, rows);
            for p in pairs {
                match p.right {
                    Some(r) => b.push_from(self.store.batch(r).column(c), r.row as usize),
                    None => b.push_null(),
                }
            }
            columns.push(Arc::new(b.finish()));
            out += 1;
        }
        let mut batch = Batch::new(columns, rows);
        batch.set_watermarks(Some(vec![carried; rows].into()));
        batch
    }

    /// Emits `pairs`, then lets go of the batches whose rows the state no longer holds.
    fn emit(&mut self, pairs: Vec<Pair>, carried: i64, out: &mut Outputs) {
        if !pairs.is_empty() {
            out.push(self.output(&pairs, carried));
        }
        self.store.sweep();
    }

    /// Event time reaches `watermark`: windows fire, rows past their interval leave.
    fn advance(&mut self, watermark: i64, carried: i64, out: &mut Outputs) {
        if watermark <= self.watermark {
            return;
        }
        let pairs = match &mut self.state {
            State::Window(w) => w.fire(watermark, self.outer, &mut self.store),
            State::Interval(j) => j.expire(watermark, self.outer, &mut self.store),
        };
        let carried = match &self.state {
            State::Interval(j) => j.held_back(carried),
            State::Window(_) => carried,
        };
        self.emit(pairs, carried, out);
        self.watermark = watermark;
    }
}

impl Operator for Join {
    fn process(&mut self, port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(());
        }
        let side = &self.sides[port.min(1)];
        let (column, shift) = side.time;
        let time_column = batch.column(column).clone();
        let (Values::Int64(times) | Values::Timestamp(times)) = &time_column.values else {
            return Err("the event time column is not in milliseconds".into());
        };
        let id = self.store.keep(batch.clone());
        let mut late = 0;
        let mut w = self.watermark;
        for k in 0..rows {
            if let Some(carried) = batch.watermarks() {
                w = w.max(carried[k]);
            }
            let before = self.watermark;
            self.advance(w, before, out);
            if !time_column.is_valid(k) {
                late += 1;
                continue;
            }
            let side = &self.sides[port.min(1)];
            let t = times[k].saturating_add(shift);
            let key = side.key(&batch, k);
            let row = RowRef {
                batch: id,
                row: k as u32,
            };
            let bounds = side.bounds.map(|(s, e)| {
                let value = |c: usize| match &batch.column(c).values {
                    Values::Timestamp(v) | Values::Int64(v) => v[k],
                    _ => 0,
                };
                (value(s), value(e))
            });
            let pairs = match &mut self.state {
                State::Window(j) => {
                    if !j.add(port, key, row, t, bounds, w, &mut self.store) {
                        late += 1;
                    }
                    Vec::new()
                }
                State::Interval(j) => j.add(port, key, row, t, w, self.outer, &mut self.store),
            };
            let carried = match &self.state {
                State::Interval(j) => j.held_back(w),
                State::Window(_) => w,
            };
            self.emit(pairs, carried, out);
        }
        self.store.unpin(id);
        self.store.sweep();
        out.dropped_late(late);
        let before = self.watermark;
        self.advance(w, before, out);
        Ok(())
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Outputs) -> OpResult {
        let before = self.watermark;
        self.advance(watermark, before, out);
        Ok(())
    }

    fn watermark_out(&self, watermark: i64) -> i64 {
        match &self.state {
            State::Interval(j) => j.held_back(watermark),
            State::Window(_) => watermark,
        }
    }

    fn snapshot(&mut self, _checkpoint: u64) -> OpResult<Option<Vec<u8>>> {
        self.snapshot_state().map(Some)
    }

    fn restore(&mut self, states: &[Vec<u8>]) -> OpResult {
        self.restore_states(states)
    }
}
