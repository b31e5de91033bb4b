//! A Window over a stream already windowed the same way (the output of a Window with the
//! same window): each row keeps the window it came from, and the results of one window are
//! aggregated again, as Flink SQL's window aggregation over a windowed table does. A
//! sliding window's row belongs to its one window here, not to every window its time falls
//! in.

use std::collections::BTreeMap;

use super::accumulators::Acc;
use super::groups::Groups;
use super::slices::WindowResult;
use crate::expr::Aggregate;
use crate::time::window_fired;
use crate::types::{Batch, ColumnRef, DataType};

pub(super) struct Bucket {
    pub(super) start: i64,
    pub(super) groups: Groups,
    pub(super) accs: Vec<Acc>,
}

pub struct CascadeWindows {
    pub(super) key_types: Vec<DataType>,
    pub(super) aggregates: Vec<Aggregate>,
    /// Windows with rows, by end.
    pub(super) windows: BTreeMap<i64, Bucket>,
}

impl CascadeWindows {
    pub fn new(key_types: Vec<DataType>, aggregates: Vec<Aggregate>) -> Self {
        CascadeWindows {
            key_types,
            aggregates,
            windows: BTreeMap::new(),
        }
    }

    /// Adds `rows` of `batch`, row `r` in window `bounds[r]`.
    pub fn insert(
        &mut self,
        batch: &Batch,
        key_columns: &[usize],
        bounds: &[(i64, i64)],
        rows: &[u32],
        args: &[Option<ColumnRef>],
    ) {
        let mut run_start = 0;
        while run_start < rows.len() {
            let (start, end) = bounds[rows[run_start] as usize];
            let run_end = run_start
                + 1
                + rows[run_start + 1..]
                    .iter()
                    .take_while(|&&r| bounds[r as usize] == (start, end))
                    .count();
            let run = &rows[run_start..run_end];
            let bucket = self.windows.entry(end).or_insert_with(|| Bucket {
                start,
                groups: Groups::new(&self.key_types),
                accs: self.aggregates.iter().map(Acc::new).collect(),
            });
            let slots = bucket.groups.slots(batch, key_columns, run);
            let groups = bucket.groups.len();
            for (acc, arg) in bucket.accs.iter_mut().zip(args) {
                acc.grow(groups);
                acc.update(arg.as_deref(), run, &slots);
            }
            run_start = run_end;
        }
    }

    /// The results of the windows that fired at `watermark`, in order of their ends.
    pub fn fire(&mut self, watermark: i64) -> Vec<(i64, WindowResult)> {
        let mut fired = Vec::new();
        while let Some((&end, _)) = self.windows.first_key_value() {
            if !window_fired(end, watermark) {
                break;
            }
            let (_, bucket) = self.windows.pop_first().expect("just seen");
            let slots: Vec<u32> = (0..bucket.groups.len() as u32).collect();
            let mut columns = bucket.groups.key_columns(&slots);
            for (acc, aggregate) in bucket.accs.iter().zip(&self.aggregates) {
                columns.push(acc.finish(&slots, aggregate.data_type));
            }
            fired.push((
                end,
                WindowResult {
                    start: bucket.start,
                    columns,
                },
            ));
        }
        fired
    }
}
