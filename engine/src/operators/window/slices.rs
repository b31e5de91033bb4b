//! Tumbling and sliding windows over slices, as Flink SQL computes them: time is cut into
//! slices of `gcd(size, slide)`, each row updates the one slice it falls in, and a window is
//! the merge of its slices when it fires. A row is stored once, not once per window.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use super::accumulators::Acc;
use super::groups::Groups;
use crate::expr::Aggregate;
use crate::operators::keys::Key;
use crate::types::{Batch, Column, ColumnRef, DataType};

/// One slice's groups and aggregates.
#[derive(Debug)]
pub(super) struct Slice {
    pub(super) groups: Groups,
    pub(super) accs: Vec<Acc>,
}

/// The result of one window: its start, and a row per group.
pub struct WindowResult {
    pub start: i64,
    /// Key columns, then aggregate columns.
    pub columns: Vec<Column>,
}

/// Tumbling (`slide == size`) or sliding windows of one operator instance.
pub struct SliceWindows {
    pub(super) size: i64,
    pub(super) slide: i64,
    /// The slice length: the greatest common divisor of size and slide.
    slice: i64,
    pub(super) key_types: Vec<DataType>,
    pub(super) aggregates: Vec<Aggregate>,
    /// Slices with rows, by start.
    pub(super) slices: BTreeMap<i64, Slice>,
    /// Ends of windows with rows that have not fired.
    pub(super) pending: BTreeSet<i64>,
    /// Groups of the latest slice: the next one is made that large, not grown to it.
    pub(super) groups_hint: usize,
    /// Keys restored from an instance whose watermark was ahead of the one restored, with
    /// that watermark: their windows up to it fired there, so they do not fire again here.
    /// Empty but after a rescale, and again once the watermark passes them all.
    pub(super) fired_ahead: HashMap<Key, i64>,
    /// The highest watermark in `fired_ahead`.
    pub(super) fired_ahead_until: i64,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl SliceWindows {
    pub fn new(
        size: i64,
        slide: i64,
        key_types: Vec<DataType>,
        aggregates: Vec<Aggregate>,
    ) -> Self {
        SliceWindows {
            size,
            slide,
            slice: gcd(size, slide),
            key_types,
            aggregates,
            slices: BTreeMap::new(),
            pending: BTreeSet::new(),
            groups_hint: 0,
            fired_ahead: HashMap::default(),
            fired_ahead_until: i64::MIN,
        }
    }

    /// The end of the first and of the last window that contains time `t`; `None` if a
    /// window of `t` does not fit in 64-bit milliseconds.
    pub fn window_ends(&self, t: i64) -> Option<(i64, i64)> {
        Some(self.window_ends_around(t)?.0)
    }

    /// The ends of the first and last windows containing `t`, and the times `lo..hi` around
    /// it that have the same ones, so that a run of close times divides once. `None` if one
    /// of those windows would start before `i64::MIN` or end after `i64::MAX`: its bounds
    /// cannot be written, and the row is late.
    pub fn window_ends_around(&self, t: i64) -> Option<((i64, i64), (i64, i64))> {
        // Exact in 128 bits; what must fit is checked on the way back.
        let fit = |v: i128| i64::try_from(v).ok();
        let (t, size, slide) = (i128::from(t), i128::from(self.size), i128::from(self.slide));
        let last_start = t.div_euclid(slide) * slide;
        // The first start above `t - size`, a multiple of the slide.
        let below = (t - size).div_euclid(slide) * slide;
        let first_start = below + slide;
        fit(first_start)?;
        let lo = last_start.max(below + size);
        let hi = (last_start + slide).min(below + size + slide);
        Some((
            (fit(first_start + size)?, fit(last_start + size)?),
            (fit(lo)?, fit(hi)?),
        ))
    }

    /// Adds `rows` of `batch` at event times `times[row]`, times whose windows fit (see
    /// [`Self::window_ends_around`]). `args[i]` is aggregate `i`'s argument evaluated over
    /// the batch. Windows that already fired (at `watermark`) are not pending again: late
    /// rows in them are updates, made by the caller.
    pub fn insert(
        &mut self,
        batch: &Batch,
        key_columns: &[usize],
        times: &[i64],
        rows: &[u32],
        args: &[Option<ColumnRef>],
        watermark: i64,
    ) {
        // Rows of one slice together: in-order data makes a batch one or two runs.
        let mut run_start = 0;
        while run_start < rows.len() {
            // Within the row's windows, so in range.
            let t = times[rows[run_start] as usize];
            let slice_start = t - t.rem_euclid(self.slice);
            let slice_end = slice_start.saturating_add(self.slice);
            let in_slice = |r: u32| (slice_start..slice_end).contains(&times[r as usize]);
            let run_end = run_start
                + 1
                + rows[run_start + 1..]
                    .iter()
                    .take_while(|&&r| in_slice(r))
                    .count();
            let run = &rows[run_start..run_end];
            if !self.slices.contains_key(&slice_start) {
                let ends: Vec<i64> = self
                    .ends_of(slice_start)
                    .filter(|e| !crate::time::window_fired(*e, watermark))
                    .collect();
                self.pending.extend(ends);
                let slice = Slice {
                    groups: Groups::with_capacity(&self.key_types, self.groups_hint),
                    accs: self.aggregates.iter().map(Acc::new).collect(),
                };
                self.slices.insert(slice_start, slice);
            }
            let slice = self.slices.get_mut(&slice_start).expect("just made");
            let slots = slice.groups.slots(batch, key_columns, run);
            let groups = slice.groups.len();
            self.groups_hint = groups;
            for (acc, arg) in slice.accs.iter_mut().zip(args) {
                acc.grow(groups);
                acc.update(arg.as_deref(), run, &slots);
            }
            run_start = run_end;
        }
    }

    /// The result of the window ending at `end`, from its slices; `None` if it has no rows.
    pub fn result(&self, end: i64) -> Option<WindowResult> {
        let start = end.saturating_sub(self.size);
        let mut parts = self.slices.range(start..end).peekable();
        parts.peek()?;
        if self.size == self.slice {
            // A tumbling window is its one slice.
            let (_, slice) = parts.next()?;
            let slots: Vec<u32> = (0..slice.groups.len() as u32)
                .filter(|&s| !self.fired_for(slice.groups.key(s), end))
                .collect();
            if slots.is_empty() {
                return None;
            }
            return Some(self.finish(start, end, &slice.groups, &slice.accs, &slots));
        }
        let mut groups = Groups::new(&self.key_types);
        let mut accs: Vec<Acc> = self.aggregates.iter().map(Acc::new).collect();
        for (_, slice) in parts {
            for from in 0..slice.groups.len() as u32 {
                if self.fired_for(slice.groups.key(from), end) {
                    continue;
                }
                let into = groups.slot_of(slice.groups.key(from));
                for (acc, part) in accs.iter_mut().zip(&slice.accs) {
                    acc.grow(groups.len());
                    acc.merge(into, part, from);
                }
            }
        }
        if groups.is_empty() {
            return None;
        }
        let slots: Vec<u32> = (0..groups.len() as u32).collect();
        Some(self.finish(start, end, &groups, &accs, &slots))
    }

    /// Whether the window ending at `end` fired for `key` already, in the instance it was
    /// restored from.
    fn fired_for(&self, key: &Key, end: i64) -> bool {
        !self.fired_ahead.is_empty()
            && self
                .fired_ahead
                .get(key)
                .is_some_and(|&w| crate::time::window_fired(end, w))
    }

    /// The result of one key in the window ending at `end`; `None` if the key has no rows
    /// there.
    pub fn key_result(&self, end: i64, key: &Key) -> Option<WindowResult> {
        let start = end.saturating_sub(self.size);
        let mut groups = Groups::new(&self.key_types);
        let mut accs: Vec<Acc> = self.aggregates.iter().map(Acc::new).collect();
        for (_, slice) in self.slices.range(start..end) {
            if let Some(from) = slice.groups.find(key) {
                let into = groups.slot_of(key);
                for (acc, part) in accs.iter_mut().zip(&slice.accs) {
                    acc.grow(1);
                    acc.merge(into, part, from);
                }
            }
        }
        if groups.is_empty() {
            return None;
        }
        Some(self.finish(start, end, &groups, &accs, &[0]))
    }

    /// The ends of the windows containing time `t`, in order.
    pub fn ends_of(&self, t: i64) -> impl Iterator<Item = i64> + use<> {
        let slide = self.slide;
        self.window_ends(t)
            .into_iter()
            .flat_map(move |(first, last)| {
                std::iter::successors(Some(first), move |e| {
                    e.checked_add(slide).filter(|next| *next <= last)
                })
            })
    }

    fn finish(
        &self,
        start: i64,
        end: i64,
        groups: &Groups,
        accs: &[Acc],
        slots: &[u32],
    ) -> WindowResult {
        let mut columns = groups.key_columns(slots);
        for (acc, aggregate) in accs.iter().zip(&self.aggregates) {
            columns.push(acc.finish(slots, aggregate.data_type));
        }
        let _ = end;
        WindowResult { start, columns }
    }

    /// Pops the ends of the pending windows that have fired at `watermark`, in order.
    pub fn fire(&mut self, watermark: i64) -> Vec<i64> {
        let mut fired = Vec::new();
        while let Some(&end) = self.pending.first() {
            if !crate::time::window_fired(end, watermark) {
                break;
            }
            self.pending.pop_first();
            fired.push(end);
        }
        fired
    }

    /// Drops slices whose last window has fired and is past its allowed lateness.
    pub fn expire(&mut self, watermark: i64, lateness: i64) {
        if !self.fired_ahead.is_empty() && watermark >= self.fired_ahead_until {
            // Every window the restored keys had fired ahead has fired here too.
            self.fired_ahead = HashMap::default();
        }
        while let Some((&start, _)) = self.slices.first_key_value() {
            let done = self.window_ends(start).is_none_or(|(_, last_end)| {
                crate::time::window_fired(last_end.saturating_add(lateness), watermark)
            });
            if !done {
                break;
            }
            self.slices.pop_first();
        }
    }

    /// The earliest pending window end, for a processing-time timer.
    pub fn next_end(&self) -> Option<i64> {
        self.pending.first().copied()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.slices.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Field, Schema, Value, Values};

    fn windows(size: i64, slide: i64) -> SliceWindows {
        let schema = Schema::new(vec![Field::new("t", DataType::Int64)]);
        let count = Aggregate::compile("COUNT(*) AS n", 2, &schema).unwrap();
        SliceWindows::new(size, slide, vec![], vec![count])
    }

    #[test]
    fn window_ends_of_a_time() {
        let w = windows(10, 10);
        assert_eq!(w.window_ends(0), Some((10, 10)));
        assert_eq!(w.window_ends(9), Some((10, 10)));
        assert_eq!(w.window_ends(-1), Some((0, 0)));
        let w = windows(10, 4);
        // Windows [0,10), [4,14), [8,18) contain 9; [-4,6) does not.
        assert_eq!(w.window_ends(9), Some((10, 18)));
        assert_eq!(w.ends_of(8).collect::<Vec<_>>(), [10, 14, 18]);
    }

    #[test]
    fn windows_at_the_ends_of_time_fit_or_are_none() {
        const MIN: i64 = i64::MIN;
        const MAX: i64 = i64::MAX;
        let w = windows(10, 10);
        // MIN is 2 above a multiple of 10, MAX 7 above one.
        assert_eq!(w.window_ends(MIN), None);
        assert_eq!(w.window_ends(MIN + 7), None);
        assert_eq!(w.window_ends(MIN + 8), Some((MIN + 18, MIN + 18)));
        assert_eq!(w.window_ends(MAX - 8), Some((MAX - 7, MAX - 7)));
        assert_eq!(w.window_ends(MAX - 7), None);
        assert_eq!(w.window_ends(MAX), None);
        assert_eq!(w.ends_of(MAX).count(), 0);
        let mut w = windows(10, 4);
        // MIN is a multiple of 4: MIN + 9 is in [MIN, MIN + 10), [MIN + 4, …), [MIN + 8, …),
        // though `t - size` is below MIN; MIN + 5 is in [MIN - 4, MIN + 6) too.
        assert_eq!(w.window_ends(MIN + 9), Some((MIN + 10, MIN + 18)));
        assert_eq!(w.window_ends(MIN + 5), None);
        // The last window of MAX - 8 ends at MAX - 1, the next one after MAX.
        assert_eq!(w.ends_of(MAX - 8).collect::<Vec<_>>(), [MAX - 5, MAX - 1]);
        assert_eq!(w.window_ends(MAX - 7), None);
        let times = vec![MIN + 9, MAX - 8];
        let batch = Batch::from_columns(vec![Column::new(Values::Int64(times.clone()))]);
        w.insert(&batch, &[], &times, &[0, 1], &[None], MIN);
        let fired: Vec<(i64, i64)> = w
            .fire(MAX)
            .into_iter()
            .map(|end| (w.result(end).unwrap().start, end))
            .collect();
        assert_eq!(
            fired,
            [
                (MIN, MIN + 10),
                (MIN + 4, MIN + 14),
                (MIN + 8, MIN + 18),
                (MAX - 15, MAX - 5),
                (MAX - 11, MAX - 1)
            ]
        );
        w.expire(MAX, MAX);
        assert!(w.is_empty());
    }

    #[test]
    fn a_sliding_window_counts_its_slices_once_each() {
        let mut w = windows(10, 5);
        let times = vec![1, 4, 6, 12];
        let batch = Batch::from_columns(vec![Column::new(Values::Int64(times.clone()))]);
        w.insert(&batch, &[], &times, &[0, 1, 2, 3], &[None], i64::MIN);
        let counts: Vec<(i64, Value)> = w
            .fire(i64::MAX)
            .into_iter()
            .map(|end| (end, w.result(end).unwrap().columns[0].value(0)))
            .collect();
        // [-5,5): 1, 4; [0,10): 1, 4, 6; [5,15): 6, 12; [10,20): 12.
        assert_eq!(
            counts,
            [
                (5, Value::Int64(2)),
                (10, Value::Int64(3)),
                (15, Value::Int64(2)),
                (20, Value::Int64(1))
            ]
        );
        w.expire(i64::MAX, 0);
        assert!(w.is_empty());
    }
}
