//! Session windows: per key, rows closer than the gap form one window. A row opens
//! `[t, t + gap)`, which merges with every session of its key that it overlaps or touches,
//! as Flink's do.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use super::accumulators::Acc;
use super::groups::Groups;
use crate::expr::Aggregate;
use crate::operators::keys::{Key, key_of_row};
use crate::time::window_fired;
use crate::types::{Batch, Column, ColumnRef, DataType};

/// One session and its aggregates (one slot each).
#[derive(Clone, Debug)]
pub(super) struct Session {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) accs: Vec<Acc>,
    /// Emitted once; updates to it are changes of that result.
    pub(super) fired: bool,
}

/// What a row did to the sessions of its key, for the caller to emit.
pub enum Placed {
    /// It joined or opened a session that has not fired.
    Open,
    /// It is too late for any session (past the allowed lateness).
    TooLate,
    /// It changed sessions that had fired: their old results go, and the merged one comes
    /// now if it has fired too.
    Changed {
        retracted: Vec<SessionResult>,
        merged: Option<SessionResult>,
    },
}

/// A session's result row: bounds, key and aggregates.
pub struct SessionResult {
    pub start: i64,
    pub end: i64,
    /// Key columns, then aggregate columns, one row.
    pub columns: Vec<Column>,
}

pub struct SessionWindows {
    pub(super) gap: i64,
    pub(super) key_types: Vec<DataType>,
    pub(super) aggregates: Vec<Aggregate>,
    /// Each key's sessions, by start.
    pub(super) sessions: HashMap<Key, Vec<Session>>,
    /// When keys' sessions are looked at again: session ends, to fire them, and ends plus
    /// the allowed lateness, to drop them.
    pub(super) ends: BTreeMap<i64, Vec<Key>>,
}

impl SessionWindows {
    pub fn new(gap: i64, key_types: Vec<DataType>, aggregates: Vec<Aggregate>) -> Self {
        SessionWindows {
            gap,
            key_types,
            aggregates,
            sessions: HashMap::new(),
            ends: BTreeMap::new(),
        }
    }

    /// Places row `row` of `batch`, at time `t`, judged at watermark `watermark` with
    /// `lateness` allowed. `args[i]` is aggregate `i`'s argument over the batch.
    #[allow(clippy::too_many_arguments)]
    pub fn place(
        &mut self,
        batch: &Batch,
        key_columns: &[usize],
        row: u32,
        t: i64,
        args: &[Option<ColumnRef>],
        watermark: i64,
        lateness: i64,
    ) -> Placed {
        let key = key_of_row(batch, key_columns, &self.key_types, row as usize);
        let mut start = t;
        let mut end = t.saturating_add(self.gap);
        let sessions = self.sessions.entry(key.clone()).or_default();
        // Every session the new window overlaps or touches, and the merged bounds.
        let touching: Vec<usize> = (0..sessions.len())
            .filter(|&i| sessions[i].start <= end && sessions[i].end >= start)
            .collect();
        for &i in &touching {
            start = start.min(sessions[i].start);
            end = end.max(sessions[i].end);
        }
        if window_fired(end.saturating_add(lateness), watermark) {
            if sessions.is_empty() {
                self.sessions.remove(&key);
            }
            return Placed::TooLate;
        }
        let mut retracted = Vec::new();
        let mut merged = Session {
            start,
            end,
            accs: self
                .aggregates
                .iter()
                .map(|a| {
                    let mut acc = Acc::new(a);
                    acc.grow(1);
                    acc
                })
                .collect(),
            fired: false,
        };
        let mut any_fired = false;
        for &i in touching.iter().rev() {
            let old = sessions.remove(i);
            if old.fired {
                any_fired = true;
                retracted.push(result_of(&self.key_types, &self.aggregates, &key, &old));
            }
            for (into, part) in merged.accs.iter_mut().zip(&old.accs) {
                into.merge(0, part, 0);
            }
        }
        for (acc, arg) in merged.accs.iter_mut().zip(args) {
            acc.update(arg.as_deref(), &[row], &[0]);
        }
        let now_fired = window_fired(end, watermark);
        merged.fired = now_fired;
        let emitted =
            now_fired.then(|| result_of(&self.key_types, &self.aggregates, &key, &merged));
        let at = sessions.partition_point(|s| s.start < start);
        sessions.insert(at, merged);
        // Looked at again when it ends, to fire; if it has fired, once past the allowed
        // lateness, to be dropped.
        let due = if now_fired {
            end.saturating_add(lateness)
        } else {
            end
        };
        self.ends.entry(due).or_default().push(key);
        if any_fired || emitted.is_some() {
            Placed::Changed {
                retracted,
                merged: emitted,
            }
        } else {
            Placed::Open
        }
    }

    /// Fires the sessions that end at or before `watermark + 1`, in order of their ends, and
    /// drops those past `lateness` as well.
    pub fn fire(&mut self, watermark: i64, lateness: i64) -> Vec<SessionResult> {
        let mut results = Vec::new();
        let due: Vec<i64> = self
            .ends
            .range(..)
            .take_while(|(end, _)| window_fired(**end, watermark))
            .map(|(end, _)| *end)
            .collect();
        for end in due {
            let keys = self.ends.remove(&end).unwrap_or_default();
            for key in keys {
                let Some(sessions) = self.sessions.get_mut(&key) else {
                    continue;
                };
                let before = results.len();
                for s in sessions.iter_mut().filter(|s| s.end == end && !s.fired) {
                    s.fired = true;
                    results.push(result_of(&self.key_types, &self.aggregates, &key, s));
                }
                // Kept past firing only for the allowed lateness: look again then.
                if lateness > 0 && results.len() > before {
                    self.ends
                        .entry(end.saturating_add(lateness))
                        .or_default()
                        .push(key.clone());
                }
                sessions.retain(|s| {
                    !(s.fired && window_fired(s.end.saturating_add(lateness), watermark))
                });
                if sessions.is_empty() {
                    self.sessions.remove(&key);
                }
            }
        }
        results
    }

    /// The earliest session end, for a processing-time timer.
    pub fn next_end(&self) -> Option<i64> {
        self.ends.keys().next().copied()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}

fn result_of(
    key_types: &[DataType],
    aggregates: &[Aggregate],
    key: &Key,
    s: &Session,
) -> SessionResult {
    let mut groups = Groups::new(key_types);
    let slot = groups.slot_of(key);
    let mut columns = groups.key_columns(&[slot]);
    for (acc, aggregate) in s.accs.iter().zip(aggregates) {
        columns.push(acc.finish(&[0], aggregate.data_type));
    }
    SessionResult {
        start: s.start,
        end: s.end,
        columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Field, Schema, Value, Values};

    fn count_sessions(gap: i64) -> SessionWindows {
        let schema = Schema::new(vec![Field::new("k", DataType::Int64)]);
        let count = Aggregate::compile("COUNT(*) AS n", 3, &schema).unwrap();
        SessionWindows::new(gap, vec![DataType::Int64], vec![count])
    }

    #[test]
    fn rows_within_the_gap_merge_and_touching_sessions_join() {
        let mut s = count_sessions(10);
        let batch = Batch::from_columns(vec![Column::new(Values::Int64(vec![1, 1, 1, 2]))]);
        let times = [0, 25, 10, 3];
        for (row, &t) in times.iter().enumerate() {
            assert!(matches!(
                s.place(&batch, &[0], row as u32, t, &[None], i64::MIN, 0),
                Placed::Open
            ));
        }
        let fired = s.fire(i64::MAX, 0);
        let rows: Vec<(i64, i64, Value, Value)> = fired
            .iter()
            .map(|r| (r.start, r.end, r.columns[0].value(0), r.columns[1].value(0)))
            .collect();
        // Key 1: [0,10) and [10,20) touch and merge into [0,20); [25,35) stands apart.
        assert_eq!(
            rows,
            [
                (3, 13, Value::Int64(2), Value::Int64(1)),
                (0, 20, Value::Int64(1), Value::Int64(2)),
                (25, 35, Value::Int64(1), Value::Int64(1)),
            ]
        );
        assert!(s.is_empty());
    }

    /// Bounds and count of each result.
    fn counted(results: &[SessionResult]) -> Vec<(i64, i64, Value)> {
        results
            .iter()
            .map(|r| (r.start, r.end, r.columns[1].value(0)))
            .collect()
    }

    /// Flink keeps a session for the allowed lateness after its end and no longer: its
    /// window operator sets a cleanup timer at the last millisecond plus the lateness for
    /// every session a row makes or merges, and a row whose session would end before that
    /// is late. So a session that a late row makes fire at once, at watermark 15, is gone
    /// at watermark 40 (its last millisecond 14 plus 20), and a row that would have
    /// joined it opens a session of its own.
    #[test]
    fn a_session_that_fires_as_a_late_row_merges_is_dropped_after_the_lateness() {
        let mut s = count_sessions(10);
        let batch = Batch::from_columns(vec![Column::new(Values::Int64(vec![1, 1, 1]))]);
        assert!(matches!(
            s.place(&batch, &[0], 0, 0, &[None], i64::MIN, 20),
            Placed::Open
        ));
        assert_eq!(counted(&s.fire(15, 20)), [(0, 10, Value::Int64(1))]);
        // Within the lateness, [5, 15) joins [0, 10): the merged [0, 15) has fired already.
        let Placed::Changed { retracted, merged } = s.place(&batch, &[0], 1, 5, &[None], 15, 20)
        else {
            panic!("the fired session changes");
        };
        assert_eq!(counted(&retracted), [(0, 10, Value::Int64(1))]);
        assert_eq!(counted(&[merged.unwrap()]), [(0, 15, Value::Int64(2))]);
        // The watermark passes the end of [0, 15), then the end of [0, 10) plus the
        // lateness, then the end of [0, 15) plus the lateness.
        for watermark in [20, 32, 40] {
            assert!(s.fire(watermark, 20).is_empty());
        }
        assert!(s.is_empty(), "[0, 15) is past its lateness at watermark 40");
        // [14, 24) is within its own lateness, and alone: a new session, fired at once.
        let Placed::Changed { retracted, merged } = s.place(&batch, &[0], 2, 14, &[None], 40, 20)
        else {
            panic!("a session that fired at once");
        };
        assert!(counted(&retracted).is_empty(), "nothing to take back");
        assert_eq!(counted(&[merged.unwrap()]), [(14, 24, Value::Int64(1))]);
    }

    #[test]
    fn a_late_row_that_bridges_into_an_open_session_is_not_late() {
        let mut s = count_sessions(10);
        let batch = Batch::from_columns(vec![Column::new(Values::Int64(vec![1, 1]))]);
        assert!(matches!(
            s.place(&batch, &[0], 0, 10, &[None], i64::MIN, 0),
            Placed::Open
        ));
        // Alone, [2, 12) fired at watermark 15; merged with the open [10, 20) it has not.
        assert!(matches!(
            s.place(&batch, &[0], 1, 2, &[None], 15, 0),
            Placed::Open
        ));
        assert!(matches!(
            s.place(&batch, &[0], 1, -20, &[None], 15, 0),
            Placed::TooLate
        ));
    }
}
