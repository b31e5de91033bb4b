//! The Join's state in a checkpoint, and how instances take it up again.
//!
//! Each input's held rows are kept once, as columns, and the windows (or an interval
//! join's kept rows) refer to them by position. Keys are not kept: they are the rows' own
//! key columns, from which an instance also finds the rows it owns now, so a state restores
//! at any parallelism and the states of several instances merge.

use std::collections::VecDeque;

use foldhash::HashMap;
use serde::{Deserialize, Serialize};

use super::interval::Kept;
use super::rows::{RowRef, RowStore};
use super::window::Bucket;
use super::{Join, State};
use crate::operators::keys::Key;
use crate::operators::{OpResult, checksum};
use crate::types::{ColumnBuilder, ColumnsState, DataType};

/// Changes when the form does, so that a state of another form is refused in words.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct PersistedJoin {
    format: u32,
    /// The watermark the instance had reached.
    watermark: i64,
    /// The rows held of each input; the matching state refers to them by position.
    rows: [ColumnsState; 2],
    matching: PersistedMatching,
}

#[derive(Serialize, Deserialize)]
enum PersistedMatching {
    Window {
        size: i64,
        slide: i64,
        windows: Vec<PersistedWindow>,
    },
    Interval {
        before: i64,
        after: i64,
        sides: [PersistedKept; 2],
    },
}

/// The rows waiting in one window, by input.
#[derive(Serialize, Deserialize)]
struct PersistedWindow {
    start: i64,
    end: i64,
    rows: [Vec<u32>; 2],
}

/// One input's rows kept by an interval join, in the order kept.
#[derive(Serialize, Deserialize)]
struct PersistedKept {
    rows: Vec<u32>,
    times: Vec<i64>,
    /// The last time a row of the other input can match each.
    lasts: Vec<i64>,
    /// Whether each has matched: a left outer join pads those that never do.
    matched: Vec<bool>,
    /// The side was searched through an index by key.
    indexed: bool,
}

/// The distinct rows a state refers to, in the order first referred to.
#[derive(Default)]
struct Gathered {
    positions: HashMap<RowRef, u32>,
    rows: Vec<RowRef>,
}

impl Gathered {
    fn position(&mut self, row: RowRef) -> u32 {
        let next = self.rows.len() as u32;
        let position = *self.positions.entry(row).or_insert(next);
        if position == next {
            self.rows.push(row);
        }
        position
    }

    fn columns(&self, store: &RowStore, types: &[DataType]) -> ColumnsState {
        let mut builders: Vec<ColumnBuilder> = types
            .iter()
            .map(|t| ColumnBuilder::new(*t, self.rows.len()))
            .collect();
        for &row in &self.rows {
            let batch = store.batch(row);
            for (builder, column) in builders.iter_mut().zip(batch.columns()) {
                builder.push_from(column, row.row as usize);
            }
        }
        let columns = builders.into_iter().map(ColumnBuilder::finish).collect();
        ColumnsState::new(columns, self.rows.len())
    }
}

/// One input's restored rows: by position in the state, the row and its key where this
/// instance owns it.
struct Restored {
    batch: u64,
    rows: Vec<Option<(RowRef, Key)>>,
}

impl Restored {
    fn get(&self, position: u32) -> Result<Option<&(RowRef, Key)>, String> {
        match self.rows.get(position as usize) {
            Some(row) => Ok(row.as_ref()),
            None => Err(format!(
                "it refers to row {position} of {} kept",
                self.rows.len()
            )),
        }
    }
}

impl Join {
    /// The state as a checkpoint keeps it.
    pub(super) fn snapshot_state(&self) -> OpResult<Vec<u8>> {
        let mut gathered = [Gathered::default(), Gathered::default()];
        let matching = match &self.state {
            State::Window(j) => {
                let mut windows = Vec::with_capacity(j.windows.len());
                for (&end, bucket) in &j.windows {
                    let mut rows: [Vec<u32>; 2] = Default::default();
                    for (side, rows) in rows.iter_mut().enumerate() {
                        for &row in bucket.sides[side].values().flatten() {
                            rows.push(gathered[side].position(row));
                        }
                    }
                    windows.push(PersistedWindow {
                        start: bucket.start,
                        end,
                        rows,
                    });
                }
                PersistedMatching::Window {
                    size: j.size,
                    slide: j.slide,
                    windows,
                }
            }
            State::Interval(j) => PersistedMatching::Interval {
                before: j.before,
                after: j.after,
                sides: [0, 1].map(|side| {
                    let kept = &j.sides[side];
                    let rows = &kept.rows;
                    PersistedKept {
                        rows: rows
                            .iter()
                            .map(|k| gathered[side].position(k.row))
                            .collect(),
                        times: rows.iter().map(|k| k.time).collect(),
                        lasts: rows.iter().map(|k| k.last).collect(),
                        matched: rows.iter().map(|k| k.matched).collect(),
                        indexed: kept.index.is_some(),
                    }
                }),
            },
        };
        let [left, right] = &gathered;
        let persisted = PersistedJoin {
            format: FORMAT,
            watermark: self.watermark,
            rows: [
                left.columns(&self.store, &self.sides[0].types),
                right.columns(&self.store, &self.sides[1].types),
            ],
            matching,
        };
        postcard::to_allocvec(&persisted)
            .map(checksum::seal)
            .map_err(|e| format!("the state of this join could not be written: {e}"))
    }

    /// Takes up the states of every instance the join had at a checkpoint: each row where
    /// its key is owned now, and the least of their watermarks.
    pub(super) fn restore_states(&mut self, states: &[Vec<u8>]) -> OpResult {
        let persisted = checksum::read_each(states, "join", |bytes| self.read(bytes))?;
        let Some(watermark) = persisted.iter().map(|p| p.watermark).min() else {
            return Ok(());
        };
        // An interval join's kept rows, per input and instance, to interleave at the end.
        let mut runs: [Vec<Vec<Kept>>; 2] = Default::default();
        let mut indexed = [false; 2];
        for (i, p) in persisted.into_iter().enumerate() {
            self.take_up(p, &mut runs, &mut indexed)
                .map_err(|e| checksum::unreadable("join", i, states.len(), e))?;
        }
        if let State::Interval(j) = &mut self.state {
            for ((side, runs), indexed) in j.sides.iter_mut().zip(runs).zip(indexed) {
                for kept in interleave(runs) {
                    side.keep(kept);
                }
                if indexed {
                    side.build_index();
                }
            }
        }
        self.store.sweep();
        self.watermark = watermark;
        Ok(())
    }

    fn read(&self, bytes: &[u8]) -> Result<PersistedJoin, String> {
        let (p, rest): (PersistedJoin, _) =
            postcard::take_from_bytes(checksum::open(bytes)?).map_err(|e| e.to_string())?;
        if !rest.is_empty() {
            return Err(format!("it has {} bytes beyond its end", rest.len()));
        }
        if p.format != FORMAT {
            return Err(format!(
                "it is of format {}, and this version reads format {FORMAT}",
                p.format
            ));
        }
        match (&self.state, &p.matching) {
            (State::Window(j), PersistedMatching::Window { size, slide, .. }) => {
                if (*size, *slide) != (j.size, j.slide) {
                    return Err(format!(
                        "it was taken of windows of {size} ms every {slide} ms, not of {} ms \
                         every {} ms",
                        j.size, j.slide
                    ));
                }
            }
            (State::Interval(j), PersistedMatching::Interval { before, after, .. }) => {
                if (*before, *after) != (j.before, j.after) {
                    return Err(format!(
                        "it was taken of an interval of {before} ms before and {after} ms \
                         after, not {} ms and {} ms",
                        j.before, j.after
                    ));
                }
            }
            _ => return Err("it was taken of another kind of join".into()),
        }
        Ok(p)
    }

    /// Keeps the rows of input `side` this instance owns.
    fn take_up_rows(&mut self, side: usize, rows: ColumnsState) -> Result<Restored, String> {
        let input = &self.sides[side];
        let batch = rows.decode(&input.types)?;
        let owned = self.owner.owned(&batch, &input.keys);
        let id = self.store.keep(batch.take(&owned));
        let mut rows = vec![None; batch.num_rows()];
        for (at, &r) in owned.iter().enumerate() {
            let row = RowRef {
                batch: id,
                row: at as u32,
            };
            rows[r as usize] = Some((row, input.key(&batch, r as usize)));
        }
        Ok(Restored { batch: id, rows })
    }

    fn take_up(
        &mut self,
        p: PersistedJoin,
        runs: &mut [Vec<Vec<Kept>>; 2],
        indexed: &mut [bool; 2],
    ) -> Result<(), String> {
        let [left, right] = p.rows;
        let restored = [self.take_up_rows(0, left)?, self.take_up_rows(1, right)?];
        match (&mut self.state, p.matching) {
            (State::Window(j), PersistedMatching::Window { windows, .. }) => {
                for w in windows {
                    for (side, positions) in w.rows.iter().enumerate() {
                        for &position in positions {
                            let Some((row, key)) = restored[side].get(position)? else {
                                continue;
                            };
                            let bucket = j.windows.entry(w.end).or_insert_with(|| Bucket {
                                start: w.start,
                                sides: Default::default(),
                            });
                            bucket.sides[side]
                                .entry(key.clone())
                                .or_default()
                                .push(*row);
                            self.store.hold(*row);
                        }
                    }
                }
            }
            (State::Interval(_), PersistedMatching::Interval { sides, .. }) => {
                for (side, kept) in sides.into_iter().enumerate() {
                    let n = kept.rows.len();
                    if [kept.times.len(), kept.lasts.len(), kept.matched.len()] != [n; 3] {
                        return Err("its kept rows and their times do not agree".into());
                    }
                    let mut run = Vec::new();
                    for (k, &position) in kept.rows.iter().enumerate() {
                        let Some((row, key)) = restored[side].get(position)? else {
                            continue;
                        };
                        self.store.hold(*row);
                        run.push(Kept {
                            row: *row,
                            key: key.clone(),
                            time: kept.times[k],
                            last: kept.lasts[k],
                            matched: kept.matched[k],
                        });
                    }
                    runs[side].push(run);
                    indexed[side] |= kept.indexed;
                }
            }
            _ => return Err("it was taken of another kind of join".into()),
        }
        for r in &restored {
            self.store.unpin(r.batch);
        }
        Ok(())
    }
}

/// The kept rows of several instances as one sequence, each instance's in its own order:
/// the next is always the front that leaves first, so rows still leave from the front in
/// about the order of their times.
fn interleave(runs: Vec<Vec<Kept>>) -> Vec<Kept> {
    let total = runs.iter().map(Vec::len).sum();
    let mut runs: Vec<VecDeque<Kept>> = runs.into_iter().map(VecDeque::from).collect();
    let mut all = Vec::with_capacity(total);
    while let Some((_, next)) = runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| run.front().map(|k| (k.last, i)))
        .min()
    {
        all.extend(runs[next].pop_front());
    }
    all
}
