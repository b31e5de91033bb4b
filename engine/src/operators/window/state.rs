//! The Window's state in a checkpoint, and how instances take it up again.
//!
//! The form is logical rather than the hash tables: per slice (or cascade window, or
//! session) its keys as columns and each aggregate's values by key. An instance keeps the
//! keys it owns now, found in one pass over those columns, so a state restores at any
//! parallelism, and the states of several instances merge.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::accumulators::Acc;
use super::cascade::Bucket;
use super::groups::Groups;
use super::sessions::{Session, SessionWindows};
use super::slices::{Slice, SliceWindows};
use super::{State, Window};
use crate::expr::Aggregate;
use crate::operators::keys::{Key, columns_of_keys, key_of_row};
use crate::operators::owned_keys::Owner;
use crate::operators::{OpResult, checksum};
use crate::types::{Batch, ColumnsState, DataType};

/// Changes when the form does, so that a state of another form is refused in words.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct PersistedWindow<'a> {
    format: u32,
    /// The watermark the instance had reached: every window it passed has fired.
    watermark: i64,
    key_types: Vec<DataType>,
    windows: PersistedWindows<'a>,
}

#[derive(Serialize, Deserialize)]
enum PersistedWindows<'a> {
    Slices {
        size: i64,
        slide: i64,
        /// By the slice's start.
        slices: Vec<PersistedGroups<'a>>,
        /// Ends of the windows with rows that have not fired.
        pending: Vec<i64>,
        /// Keys whose windows fired ahead of the watermark, with how far.
        fired_ahead: PersistedMarks,
    },
    Sessions {
        gap: i64,
        sessions: PersistedSessions,
        /// When each key's sessions are looked at again: session ends, and ends plus the
        /// allowed lateness for those that fired.
        ends: PersistedMarks,
    },
    Cascade {
        /// By the window's end.
        windows: Vec<PersistedGroups<'a>>,
    },
}

/// The groups of one slice or cascade window.
#[derive(Serialize, Deserialize)]
struct PersistedGroups<'a> {
    /// The slice's start, or the window's end.
    at: i64,
    /// The window's start (a slice's own start).
    start: i64,
    keys: ColumnsState,
    /// Each aggregate's values, a slot a key.
    accs: Cow<'a, [Acc]>,
}

/// Every session, a row each.
#[derive(Serialize, Deserialize)]
struct PersistedSessions {
    keys: ColumnsState,
    starts: Vec<i64>,
    ends: Vec<i64>,
    fired: Vec<bool>,
    /// Each aggregate's values, a slot a session.
    accs: Vec<Acc>,
}

/// Keys with a time each.
#[derive(Serialize, Deserialize)]
struct PersistedMarks {
    keys: ColumnsState,
    times: Vec<i64>,
}

fn persist_marks<'k>(
    marks: impl ExactSizeIterator<Item = (&'k Key, i64)>,
    types: &[DataType],
) -> PersistedMarks {
    let (keys, times): (Vec<&Key>, Vec<i64>) = marks.unzip();
    PersistedMarks {
        keys: ColumnsState::new(columns_of_keys(keys.iter().copied(), types), keys.len()),
        times,
    }
}

fn persist_groups<'a>(
    at: i64,
    start: i64,
    groups: &Groups,
    accs: &'a [Acc],
) -> PersistedGroups<'a> {
    let slots: Vec<u32> = (0..groups.len() as u32).collect();
    PersistedGroups {
        at,
        start,
        keys: ColumnsState::new(groups.key_columns(&slots), groups.len()),
        accs: Cow::Borrowed(accs),
    }
}

/// What a restoring instance needs to know of the operator.
struct Restoring<'w> {
    key_types: &'w [DataType],
    aggregates: &'w [Aggregate],
    owner: Owner,
}

/// The groups of a persisted slice or window that this instance owns.
struct OwnedGroups<'a> {
    keys: Batch,
    owned: Vec<u32>,
    accs: Cow<'a, [Acc]>,
}

impl Restoring<'_> {
    /// The key columns' positions in a batch of key columns.
    fn key_columns(&self) -> Vec<usize> {
        (0..self.key_types.len()).collect()
    }

    fn check_accs(&self, accs: &[Acc], slots: usize) -> Result<(), String> {
        let fit = accs.len() == self.aggregates.len()
            && accs
                .iter()
                .zip(self.aggregates)
                .all(|(a, g)| a.fits(g, slots));
        if fit {
            Ok(())
        } else {
            Err(format!(
                "its aggregates are not those of this window ({})",
                self.aggregates
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    fn owned_groups<'a>(&self, groups: PersistedGroups<'a>) -> Result<OwnedGroups<'a>, String> {
        let keys = groups.keys.decode(self.key_types)?;
        self.check_accs(&groups.accs, keys.num_rows())?;
        let owned = self.owner.owned(&keys, &self.key_columns());
        Ok(OwnedGroups {
            keys,
            owned,
            accs: groups.accs,
        })
    }

    /// Merges the owned groups into `groups` and `accs`; the slot each landed in.
    fn merge(
        &self,
        from: &OwnedGroups,
        groups: &mut Groups,
        accs: &mut [Acc],
    ) -> Result<Vec<u32>, String> {
        let columns = self.key_columns();
        let slots = if groups.is_empty() {
            // The common case, one state a slice: its keys fill the table at once.
            groups.fill(&from.keys, &columns, &from.owned)?;
            (0..from.owned.len() as u32).collect()
        } else {
            groups.slots(&from.keys, &columns, &from.owned)
        };
        for (acc, restored) in accs.iter_mut().zip(from.accs.iter()) {
            acc.grow(groups.len());
            for (&row, &slot) in from.owned.iter().zip(&slots) {
                acc.merge(slot, restored, row);
            }
        }
        Ok(slots)
    }

    /// The marks of the keys this instance owns.
    fn owned_marks(&self, marks: PersistedMarks) -> Result<Vec<(Key, i64)>, String> {
        let keys = marks.keys.decode(self.key_types)?;
        if marks.times.len() != keys.num_rows() {
            return Err("its keys and their times do not agree".into());
        }
        let columns = self.key_columns();
        Ok(self
            .owner
            .owned(&keys, &columns)
            .into_iter()
            .map(|r| {
                let key = key_of_row(&keys, &columns, self.key_types, r as usize);
                (key, marks.times[r as usize])
            })
            .collect())
    }
}

impl Window {
    /// The state as a checkpoint keeps it.
    pub(super) fn snapshot_state(&self) -> OpResult<Vec<u8>> {
        let windows = match &self.state {
            State::Slices(w) => PersistedWindows::Slices {
                size: w.size,
                slide: w.slide,
                slices: w
                    .slices
                    .iter()
                    .map(|(&start, s)| persist_groups(start, start, &s.groups, &s.accs))
                    .collect(),
                pending: w.pending.iter().copied().collect(),
                fired_ahead: persist_marks(
                    w.fired_ahead.iter().map(|(k, &t)| (k, t)),
                    &self.key_types,
                ),
            },
            State::Sessions(s) => persist_sessions(s),
            State::Cascade(c, _) => PersistedWindows::Cascade {
                windows: c
                    .windows
                    .iter()
                    .map(|(&end, b)| persist_groups(end, b.start, &b.groups, &b.accs))
                    .collect(),
            },
        };
        let persisted = PersistedWindow {
            format: FORMAT,
            watermark: self.watermark,
            key_types: self.key_types.clone(),
            windows,
        };
        postcard::to_allocvec(&persisted)
            .map(checksum::seal)
            .map_err(|e| format!("the state of this window could not be written: {e}"))
    }

    /// Takes up the states of every instance the window had at a checkpoint: each key where
    /// it is owned now, and the least of their watermarks.
    pub(super) fn restore_states(&mut self, states: &[Vec<u8>]) -> OpResult {
        let persisted = checksum::read_each(states, "window", |bytes| self.read(bytes))?;
        let Some(watermark) = persisted.iter().map(|p| p.watermark).min() else {
            return Ok(());
        };
        for (i, p) in persisted.into_iter().enumerate() {
            // Windows of an instance ahead fired there up to its watermark.
            let ahead = (p.watermark > watermark).then_some(p.watermark);
            self.take_up(p.windows, ahead, watermark)
                .map_err(|e| checksum::unreadable("window", i, states.len(), e))?;
        }
        if let State::Slices(w) = &mut self.state {
            // A window none of whose rows this instance owns does not fire here.
            let size = w.size;
            let slices = &w.slices;
            w.pending
                .retain(|&end| slices.range(end.saturating_sub(size)..end).next().is_some());
        }
        self.watermark = watermark;
        Ok(())
    }

    fn read<'b>(&self, bytes: &'b [u8]) -> Result<PersistedWindow<'b>, String> {
        let (p, rest): (PersistedWindow, _) =
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
        if p.key_types != self.key_types {
            let names = |types: &[DataType]| {
                let names: Vec<String> = types.iter().map(|t| t.sql_name()).collect();
                format!("({})", names.join(", "))
            };
            return Err(format!(
                "its keys are {}, not {}",
                names(&p.key_types),
                names(&self.key_types)
            ));
        }
        Ok(p)
    }

    fn take_up(
        &mut self,
        windows: PersistedWindows,
        ahead: Option<i64>,
        restored: i64,
    ) -> Result<(), String> {
        let restoring = Restoring {
            key_types: &self.key_types,
            aggregates: &self.aggregates,
            owner: self.owner,
        };
        match (&mut self.state, windows) {
            (
                State::Slices(w),
                PersistedWindows::Slices {
                    size,
                    slide,
                    slices,
                    pending,
                    fired_ahead,
                },
            ) => {
                if (size, slide) != (w.size, w.slide) {
                    return Err(format!(
                        "it was taken of windows of {size} ms every {slide} ms, not of {} ms \
                         every {} ms",
                        w.size, w.slide
                    ));
                }
                take_up_slices(w, &restoring, slices, pending, fired_ahead, ahead, restored)
            }
            (
                State::Sessions(s),
                PersistedWindows::Sessions {
                    gap,
                    sessions,
                    ends,
                },
            ) => {
                if gap != s.gap {
                    return Err(format!(
                        "it was taken of sessions with a gap of {gap} ms, not {} ms",
                        s.gap
                    ));
                }
                take_up_sessions(s, &restoring, sessions, ends)
            }
            (State::Cascade(c, _), PersistedWindows::Cascade { windows }) => {
                for persisted in windows {
                    let (end, start) = (persisted.at, persisted.start);
                    let owned = restoring.owned_groups(persisted)?;
                    if owned.owned.is_empty() {
                        continue;
                    }
                    let bucket = c.windows.entry(end).or_insert_with(|| Bucket {
                        start,
                        groups: Groups::with_capacity(restoring.key_types, owned.owned.len()),
                        accs: restoring.aggregates.iter().map(Acc::new).collect(),
                    });
                    restoring.merge(&owned, &mut bucket.groups, &mut bucket.accs)?;
                }
                Ok(())
            }
            _ => Err("it was taken of another kind of window".into()),
        }
    }
}

fn take_up_slices(
    w: &mut SliceWindows,
    restoring: &Restoring,
    slices: Vec<PersistedGroups>,
    pending: Vec<i64>,
    fired_ahead: PersistedMarks,
    ahead: Option<i64>,
    restored: i64,
) -> Result<(), String> {
    for persisted in slices {
        let start = persisted.at;
        let owned = restoring.owned_groups(persisted)?;
        if owned.owned.is_empty() {
            continue;
        }
        let slice = w.slices.entry(start).or_insert_with(|| Slice {
            groups: Groups::with_capacity(restoring.key_types, owned.owned.len()),
            accs: restoring.aggregates.iter().map(Acc::new).collect(),
        });
        let slots = restoring.merge(&owned, &mut slice.groups, &mut slice.accs)?;
        let keys: Vec<Key> = match ahead {
            Some(_) => slots.iter().map(|&s| slice.groups.key(s).clone()).collect(),
            None => Vec::new(),
        };
        w.groups_hint = w.groups_hint.max(slice.groups.len());
        for key in keys {
            mark_fired_ahead(w, key, ahead.unwrap_or(i64::MIN), restored);
        }
    }
    w.pending.extend(pending);
    for (key, fired_to) in restoring.owned_marks(fired_ahead)? {
        mark_fired_ahead(w, key, fired_to.max(ahead.unwrap_or(i64::MIN)), restored);
    }
    Ok(())
}

/// Notes that `key`'s windows fired up to `fired_to`, if that is beyond the watermark
/// `restored`: they must not fire again.
fn mark_fired_ahead(w: &mut SliceWindows, key: Key, fired_to: i64, restored: i64) {
    if fired_to > restored {
        let m = w.fired_ahead.entry(key).or_insert(fired_to);
        *m = (*m).max(fired_to);
        w.fired_ahead_until = w.fired_ahead_until.max(fired_to);
    }
}

fn persist_sessions(s: &SessionWindows) -> PersistedWindows<'static> {
    let all: Vec<(&Key, &Session)> = s
        .sessions
        .iter()
        .flat_map(|(key, sessions)| sessions.iter().map(move |session| (key, session)))
        .collect();
    let accs = s
        .aggregates
        .iter()
        .enumerate()
        .map(|(j, aggregate)| {
            let mut acc = Acc::new(aggregate);
            acc.grow(all.len());
            for (i, (_, session)) in all.iter().enumerate() {
                acc.merge(i as u32, &session.accs[j], 0);
            }
            acc
        })
        .collect();
    let ends: Vec<(&Key, i64)> = s
        .ends
        .iter()
        .flat_map(|(&end, keys)| keys.iter().map(move |k| (k, end)))
        .collect();
    PersistedWindows::Sessions {
        gap: s.gap,
        sessions: PersistedSessions {
            keys: ColumnsState::new(
                columns_of_keys(all.iter().map(|(k, _)| *k), &s.key_types),
                all.len(),
            ),
            starts: all.iter().map(|(_, s)| s.start).collect(),
            ends: all.iter().map(|(_, s)| s.end).collect(),
            fired: all.iter().map(|(_, s)| s.fired).collect(),
            accs,
        },
        ends: persist_marks(ends.into_iter(), &s.key_types),
    }
}

fn take_up_sessions(
    s: &mut SessionWindows,
    restoring: &Restoring,
    persisted: PersistedSessions,
    ends: PersistedMarks,
) -> Result<(), String> {
    let keys = persisted.keys.decode(restoring.key_types)?;
    let n = keys.num_rows();
    if [
        persisted.starts.len(),
        persisted.ends.len(),
        persisted.fired.len(),
    ] != [n; 3]
    {
        return Err("its sessions' keys and bounds do not agree".into());
    }
    restoring.check_accs(&persisted.accs, n)?;
    let columns = restoring.key_columns();
    for r in restoring.owner.owned(&keys, &columns) {
        let r = r as usize;
        let accs = restoring
            .aggregates
            .iter()
            .zip(&persisted.accs)
            .map(|(aggregate, restored)| {
                let mut acc = Acc::new(aggregate);
                acc.grow(1);
                acc.merge(0, restored, r as u32);
                acc
            })
            .collect();
        let session = Session {
            start: persisted.starts[r],
            end: persisted.ends[r],
            accs,
            fired: persisted.fired[r],
        };
        let key = key_of_row(&keys, &columns, restoring.key_types, r);
        let sessions = s.sessions.entry(key).or_default();
        let at = sessions.partition_point(|x| x.start < session.start);
        sessions.insert(at, session);
    }
    for (key, end) in restoring.owned_marks(ends)? {
        s.ends.entry(end).or_default().push(key);
    }
    Ok(())
}
