//! The Window operator: aggregates per window (and key) in event time or processing time,
//! with late rows to the `late` output or, within the allowed lateness, updating results.
//!
//! In event time every row is judged against the watermark in force before it (carried on
//! the batch), and a window fires before the first row whose watermark reaches its last
//! millisecond. So the rows in each window, the late rows and the updates are those of a
//! watermark after every row, whatever the batching.

mod accumulators;
mod cascade;
mod groups;
mod sessions;
mod slices;
mod state;
#[cfg(test)]
mod state_tests;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::operators::keys::key_of_row;
use crate::operators::owned_keys::Owner;
use cascade::CascadeWindows;
use sessions::{Placed, SessionResult, SessionWindows};
use slices::{SliceWindows, WindowResult};

use super::{Context, OpResult, Operator, Outputs};
use crate::expr::Aggregate;
use crate::spec::{TimeKind, WindowConfig, WindowKind};
use crate::time::{last_millisecond, window_fired};
use crate::types::{Batch, Column, ColumnBuilder, ColumnRef, DataType, RowKind, Values};

/// The `late` output port.
const LATE: usize = 1;

/// Where a row of a tumbling or sliding window goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    OnTime,
    /// Late for some of its windows but not all, or within the allowed lateness.
    Update,
    /// Too late for every window it falls in.
    Late,
}

enum State {
    Slices(SliceWindows),
    Sessions(SessionWindows),
    /// Over a stream windowed the same way: the columns of each row's window bounds.
    Cascade(CascadeWindows, (usize, usize)),
}

/// One window's result rows: its bounds, then key and aggregate columns.
type Rows = (i64, i64, Vec<Column>);

/// How result batches look: watermarks carried in event time, kinds on a changelog.
#[derive(Clone, Copy)]
struct Shape {
    event_time: bool,
    changelog: bool,
}

impl Shape {
    /// Results of several windows as one batch; every row of `kind`, carrying `carried`.
    fn batch(self, results: Vec<Rows>, kind: RowKind, carried: i64) -> Batch {
        let rows: usize = results.iter().map(|(_, _, c)| rows_of(c)).sum();
        let mut starts = Vec::with_capacity(rows);
        let mut ends = Vec::with_capacity(rows);
        let mut parts = Vec::with_capacity(results.len());
        for (start, end, columns) in results {
            let n = rows_of(&columns);
            starts.extend(std::iter::repeat_n(start, n));
            ends.extend(std::iter::repeat_n(end, n));
            parts.push(columns);
        }
        let width = parts.first().map_or(0, Vec::len);
        let mut columns: Vec<ColumnRef> = vec![
            Arc::new(Column::new(Values::Timestamp(starts))),
            Arc::new(Column::new(Values::Timestamp(ends))),
        ];
        for c in 0..width {
            let pieces: Vec<&Column> = parts.iter().map(|p| &p[c]).collect();
            columns.push(Arc::new(concat(&pieces)));
        }
        let mut batch = Batch::new(columns, rows);
        if self.event_time {
            batch.set_watermarks(Some(vec![carried; rows].into()));
        }
        if self.changelog {
            batch = batch.with_kinds(Some(vec![kind; rows].into()));
        }
        batch
    }
}

/// Rows of a result: a global window without aggregates still has one.
fn rows_of(columns: &[Column]) -> usize {
    columns.first().map_or(1, Column::len)
}

fn concat(pieces: &[&Column]) -> Column {
    if let [only] = pieces {
        return (*only).clone();
    }
    let rows = pieces.iter().map(|p| p.len()).sum();
    let mut builder = ColumnBuilder::new(pieces[0].data_type(), rows);
    for p in pieces {
        builder.extend_from(p);
    }
    builder.finish()
}

pub struct Window {
    shape: Shape,
    lateness: i64,
    key_columns: Vec<usize>,
    key_types: Vec<DataType>,
    /// The time column and the shift that makes its value a row's event time.
    time: Option<(usize, i64)>,
    aggregates: Vec<Aggregate>,
    state: State,
    /// The watermark reached: every window whose last millisecond is at or before it fired.
    watermark: i64,
    /// Which keys of a restored state are this instance's.
    owner: Owner,
}

/// The wall clock in epoch milliseconds.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Window {
    pub fn new(config: &WindowConfig, ctx: &Context) -> OpResult<Self> {
        let input = ctx
            .inputs
            .first()
            .ok_or("a Window needs its input's type")?;
        let schema = &input.schema;
        let key_columns: Vec<usize> = input
            .keys
            .iter()
            .flatten()
            .filter_map(|k| schema.index_of(k))
            .collect();
        let key_types: Vec<DataType> = key_columns
            .iter()
            .map(|&i| schema.fields[i].data_type)
            .collect();
        let first_aggregate = 2 + key_columns.len();
        let aggregates = config
            .aggregates
            .iter()
            .enumerate()
            .map(|(i, text)| Aggregate::compile(text, first_aggregate + i, schema))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let event_time = config.time == TimeKind::EventTime;
        let time = input
            .time
            .as_ref()
            .and_then(|t| Some((schema.index_of(&t.column)?, t.shift_ms)));
        if event_time && time.is_none() {
            return Err("a Window in event time needs a stream with event time".into());
        }
        let millis = |v: u64| i64::try_from(v).map_err(|_| format!("{v} ms is too long"));
        let bounds = (
            schema.index_of("window_start"),
            schema.index_of("window_end"),
        );
        let cascade = match (input.window, bounds) {
            (Some(w), (Some(s), Some(e))) if event_time && w == config.window => Some((s, e)),
            _ => None,
        };
        let state = match config.window {
            _ if cascade.is_some() => State::Cascade(
                CascadeWindows::new(key_types.clone(), aggregates.clone()),
                cascade.expect("just matched"),
            ),
            WindowKind::Tumbling { size_ms } => {
                let size = millis(size_ms)?;
                State::Slices(SliceWindows::new(
                    size,
                    size,
                    key_types.clone(),
                    aggregates.clone(),
                ))
            }
            WindowKind::Sliding { size_ms, slide_ms } => State::Slices(SliceWindows::new(
                millis(size_ms)?,
                millis(slide_ms)?,
                key_types.clone(),
                aggregates.clone(),
            )),
            WindowKind::Session { gap_ms } => State::Sessions(SessionWindows::new(
                millis(gap_ms)?,
                key_types.clone(),
                aggregates.clone(),
            )),
        };
        Ok(Window {
            shape: Shape {
                event_time,
                changelog: config.allowed_lateness_ms > 0,
            },
            lateness: millis(config.allowed_lateness_ms)?,
            key_columns,
            key_types,
            time,
            aggregates,
            state,
            watermark: i64::MIN,
            owner: Owner::of(ctx),
        })
    }

    /// Each aggregate's argument over the batch.
    fn args(&self, batch: &Batch) -> OpResult<Vec<Option<ColumnRef>>> {
        self.aggregates
            .iter()
            .map(|a| {
                a.arg
                    .as_ref()
                    .map(|arg| {
                        arg.eval(batch)
                            .map_err(|e| format!("aggregate `{}`: {e}", a.name))
                    })
                    .transpose()
            })
            .collect()
    }

    /// Event time reaches `watermark`: windows whose last millisecond it passes fire, their
    /// results carrying `carried(end)`, the watermark in force just before they fired.
    fn advance(&mut self, watermark: i64, carried: &dyn Fn(i64) -> i64, out: &mut Outputs) {
        if watermark <= self.watermark {
            return;
        }
        let shape = self.shape;
        match &mut self.state {
            State::Slices(windows) => {
                // One batch per watermark in force, as each row carries its own.
                let mut results: Vec<Rows> = Vec::new();
                let mut current = None;
                for end in windows.fire(watermark) {
                    let Some(WindowResult { start, columns }) = windows.result(end) else {
                        continue;
                    };
                    let c = carried(end);
                    if let Some(previous) = current.filter(|p| *p != c) {
                        out.push(shape.batch(
                            std::mem::take(&mut results),
                            RowKind::Insert,
                            previous,
                        ));
                    }
                    current = Some(c);
                    results.push((start, end, columns));
                }
                if let Some(c) = current {
                    out.push(shape.batch(results, RowKind::Insert, c));
                }
                windows.expire(watermark, self.lateness);
            }
            State::Sessions(sessions) => {
                for SessionResult {
                    start,
                    end,
                    columns,
                } in sessions.fire(watermark, self.lateness)
                {
                    out.push(shape.batch(
                        vec![(start, end, columns)],
                        RowKind::Insert,
                        carried(end),
                    ));
                }
            }
            State::Cascade(windows, _) => {
                for (end, WindowResult { start, columns }) in windows.fire(watermark) {
                    out.push(shape.batch(
                        vec![(start, end, columns)],
                        RowKind::Insert,
                        carried(end),
                    ));
                }
            }
        }
        self.watermark = watermark;
    }

    fn process_event_time(&mut self, batch: Batch, out: &mut Outputs) -> OpResult {
        let rows = batch.num_rows();
        let (column, shift) = self.time.expect("checked when built");
        let time_column = batch.column(column).clone();
        let (Values::Int64(values) | Values::Timestamp(values)) = &time_column.values else {
            return Err("the event time column is not in milliseconds".into());
        };
        let shifted: Vec<i64>;
        let times: &[i64] = if shift == 0 {
            values
        } else {
            shifted = values.iter().map(|t| t.saturating_add(shift)).collect();
            &shifted
        };
        // The watermark in force before each row: what it carries, never below what this
        // operator has reached.
        let before = self.watermark;
        let mut in_force = Vec::with_capacity(rows);
        let mut w = before;
        match batch.watermarks() {
            Some(carried) => {
                for &c in carried {
                    w = w.max(c);
                    in_force.push(w);
                }
            }
            None => in_force.resize(rows, w),
        }
        let carried_at = |end: i64| -> i64 {
            // Just before the first row whose watermark fired the window ending at `end`.
            let k = in_force.partition_point(|&w| !window_fired(end, w));
            if k == 0 { before } else { in_force[k - 1] }
        };
        let args = self.args(&batch)?;
        let mut late: Vec<u32> = Vec::new();
        if let State::Cascade(windows, (start_column, end_column)) = &mut self.state {
            // Each row keeps its window: late only once that window has fired.
            let bound = |c: usize, k: usize| match &batch.column(c).values {
                Values::Timestamp(v) | Values::Int64(v) => v[k],
                _ => 0,
            };
            let bounds: Vec<(i64, i64)> = (0..rows)
                .map(|k| (bound(*start_column, k), bound(*end_column, k)))
                .collect();
            let (on_time, too_late): (Vec<u32>, Vec<u32>) = (0..rows as u32)
                .partition(|&k| !window_fired(bounds[k as usize].1, in_force[k as usize]));
            windows.insert(&batch, &self.key_columns, &bounds, &on_time, &args);
            late = too_late;
        } else if matches!(self.state, State::Slices(_)) {
            let State::Slices(windows) = &self.state else {
                unreachable!()
            };
            let mut on_time: Vec<u32> = Vec::new();
            let mut updates: Vec<u32> = Vec::new();
            // The times that share the window ends of the last time looked at, and the last
            // milliseconds of its first and last windows (plus the allowed lateness): a row
            // is late once the watermark in force reaches them.
            let (mut lo, mut hi) = (0, 0);
            let (mut first_due, mut last_due) = (0, 0);
            let lateness = self.lateness;
            let mut class = |k: usize| -> Class {
                let t = times[k];
                if t < lo || t >= hi {
                    // A time whose windows do not fit in 64 bits has none to join.
                    let Some(((first_end, last_end), same)) = windows.window_ends_around(t) else {
                        (lo, hi) = (0, 0);
                        return Class::Late;
                    };
                    (lo, hi) = same;
                    first_due = last_millisecond(first_end);
                    last_due = last_millisecond(last_end.saturating_add(lateness));
                }
                let w = in_force[k];
                if last_due <= w || !time_column.is_valid(k) {
                    Class::Late
                } else if first_due <= w {
                    // Late for some of its windows: those fire first, so the slice it joins
                    // does not reach into them (unless it updates them).
                    Class::Update
                } else {
                    Class::OnTime
                }
            };
            // Most batches are all on time: count first, and list rows only when they differ.
            if (0..rows).all(|k| class(k) == Class::OnTime) {
                on_time = (0..rows as u32).collect();
            } else {
                for k in 0..rows {
                    match class(k) {
                        Class::OnTime => on_time.push(k as u32),
                        Class::Update => updates.push(k as u32),
                        Class::Late => late.push(k as u32),
                    }
                }
            }
            // Rows in order; a row late for some windows after those have fired.
            let mut next = 0;
            for &u in &updates {
                let run_end = next + on_time[next..].partition_point(|&r| r < u);
                self.insert(&batch, times, &on_time[next..run_end], &args);
                next = run_end;
                self.advance(in_force[u as usize], &carried_at, out);
                self.update(&batch, times, u, &args, in_force[u as usize], out);
            }
            self.insert(&batch, times, &on_time[next..], &args);
        } else {
            for k in 0..rows {
                self.advance(in_force[k], &carried_at, out);
                if !time_column.is_valid(k) {
                    late.push(k as u32);
                    continue;
                }
                if !self.place_in_session(&batch, k as u32, times[k], &args, in_force[k], out) {
                    late.push(k as u32);
                }
            }
        }
        if !late.is_empty() {
            out.push_to(LATE, batch.take(&late));
        }
        if let Some(&last) = in_force.last() {
            self.advance(last, &carried_at, out);
        }
        Ok(())
    }

    fn insert(&mut self, batch: &Batch, times: &[i64], rows: &[u32], args: &[Option<ColumnRef>]) {
        if let State::Slices(windows) = &mut self.state
            && !rows.is_empty()
        {
            windows.insert(batch, &self.key_columns, times, rows, args, self.watermark);
        }
    }

    /// Row `row`, late for some of its windows, joins its slice after those fired; in each
    /// of them still within the allowed lateness, its key's old result goes (`-U`) and the
    /// new one comes (`+U`; `+I` if the key had no row there).
    fn update(
        &mut self,
        batch: &Batch,
        times: &[i64],
        row: u32,
        args: &[Option<ColumnRef>],
        in_force: i64,
        out: &mut Outputs,
    ) {
        let shape = self.shape;
        let key = key_of_row(batch, &self.key_columns, &self.key_types, row as usize);
        let State::Slices(windows) = &mut self.state else {
            return;
        };
        let t = times[row as usize];
        let lateness = self.lateness;
        let fired: Vec<i64> = windows
            .ends_of(t)
            .filter(|e| {
                window_fired(*e, in_force) && !window_fired(e.saturating_add(lateness), in_force)
            })
            .collect();
        let old: Vec<Option<WindowResult>> =
            fired.iter().map(|&e| windows.key_result(e, &key)).collect();
        windows.insert(batch, &self.key_columns, times, &[row], args, in_force);
        for (&end, old) in fired.iter().zip(old) {
            let Some(new) = windows.key_result(end, &key) else {
                continue;
            };
            let kind = match old {
                Some(old) => {
                    out.push(shape.batch(
                        vec![(old.start, end, old.columns)],
                        RowKind::UpdateBefore,
                        in_force,
                    ));
                    RowKind::UpdateAfter
                }
                None => RowKind::Insert,
            };
            out.push(shape.batch(vec![(new.start, end, new.columns)], kind, in_force));
        }
    }

    /// Places a row in its key's sessions and emits what changed; false if it is too late.
    fn place_in_session(
        &mut self,
        batch: &Batch,
        row: u32,
        t: i64,
        args: &[Option<ColumnRef>],
        in_force: i64,
        out: &mut Outputs,
    ) -> bool {
        let shape = self.shape;
        let State::Sessions(sessions) = &mut self.state else {
            return true;
        };
        match sessions.place(
            batch,
            &self.key_columns,
            row,
            t,
            args,
            in_force,
            self.lateness,
        ) {
            Placed::Open => true,
            Placed::TooLate => false,
            Placed::Changed { retracted, merged } => {
                // Merged sessions that had fired give way: updated if the merged one has
                // fired too, deleted if it is still open.
                let (gone, new) = match (retracted.is_empty(), merged.is_some()) {
                    (true, _) => (RowKind::Delete, RowKind::Insert),
                    (false, true) => (RowKind::UpdateBefore, RowKind::UpdateAfter),
                    (false, false) => (RowKind::Delete, RowKind::Insert),
                };
                for r in retracted {
                    out.push(shape.batch(vec![(r.start, r.end, r.columns)], gone, in_force));
                }
                if let Some(m) = merged {
                    out.push(shape.batch(vec![(m.start, m.end, m.columns)], new, in_force));
                }
                true
            }
        }
    }

    fn process_processing_time(&mut self, batch: Batch, out: &mut Outputs) -> OpResult {
        // A row's time is the clock when it arrives: windows that ended before fire first,
        // and no row is late.
        let now = now_ms();
        let before = self.watermark;
        self.advance(now - 1, &|_| before, out);
        let times = vec![now; batch.num_rows()];
        let rows: Vec<u32> = (0..batch.num_rows() as u32).collect();
        let args = self.args(&batch)?;
        match &mut self.state {
            State::Slices(windows) => {
                windows.insert(&batch, &self.key_columns, &times, &rows, &args, now - 1)
            }
            State::Sessions(sessions) => {
                for &r in &rows {
                    sessions.place(&batch, &self.key_columns, r, now, &args, now - 1, 0);
                }
            }
            State::Cascade(..) => unreachable!("a cascade is in event time"),
        }
        Ok(())
    }
}

impl Operator for Window {
    fn process(&mut self, _port: usize, batch: Batch, out: &mut Outputs) -> OpResult {
        if batch.is_empty() {
            return Ok(());
        }
        if self.shape.event_time {
            self.process_event_time(batch, out)
        } else {
            self.process_processing_time(batch, out)
        }
    }

    fn on_watermark(&mut self, watermark: i64, out: &mut Outputs) -> OpResult {
        if self.shape.event_time {
            let before = self.watermark;
            self.advance(watermark, &|_| before, out);
        }
        Ok(())
    }

    fn next_timer(&self) -> Option<Instant> {
        if self.shape.event_time {
            return None;
        }
        let end = match &self.state {
            State::Slices(w) => w.next_end(),
            State::Sessions(s) => s.next_end(),
            State::Cascade(..) => None,
        }?;
        let wait = end.saturating_sub(now_ms()).max(0) as u64;
        Some(Instant::now() + Duration::from_millis(wait))
    }

    fn on_timer(&mut self, _now: Instant, out: &mut Outputs) -> OpResult {
        let before = self.watermark;
        self.advance(now_ms() - 1, &|_| before, out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Outputs) -> OpResult {
        // A drained input has sent the last watermark already; in processing time the end
        // of the input closes every window.
        if !self.shape.event_time {
            let before = self.watermark;
            self.advance(i64::MAX, &|_| before, out);
        }
        Ok(())
    }

    fn snapshot(&mut self, _checkpoint: u64) -> OpResult<Option<Vec<u8>>> {
        self.snapshot_state().map(Some)
    }

    fn restore(&mut self, states: &[Vec<u8>]) -> OpResult {
        self.restore_states(states)
    }
}
