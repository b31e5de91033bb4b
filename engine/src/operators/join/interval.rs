//! Interval joins: a left row pairs with the right rows of its key whose time is within
//! `[t - after, t + before]` of its own (`l.time BETWEEN r.time - before AND r.time +
//! after`). Each side keeps its rows for as long as a row of the other can still match them.
//!
//! Rows are kept in arrival order. They come nearly in time order, so they leave from the
//! front as the watermark passes them; one that arrived out of order may stay a little
//! longer, but a match checks times, so it is never used late. A side is searched by
//! scanning while that costs little per row kept (the many bids that wait for one window
//! maximum in Nexmark Q7), and through an index by key once scans would cost more.

use std::collections::VecDeque;

use foldhash::HashMap;

use super::Pair;
use super::rows::{RowRef, RowStore};
use crate::operators::keys::Key;

/// A kept row: its key and time, the last time a row of the other side can match it, and
/// whether it has matched (for a left outer join).
pub(super) struct Kept {
    pub(super) row: RowRef,
    pub(super) key: Key,
    pub(super) time: i64,
    pub(super) last: i64,
    pub(super) matched: bool,
}

/// Rows compared per row kept beyond which a side keeps an index by key instead.
const SCANS_PER_ROW: u64 = 16;

/// One input's kept rows.
#[derive(Default)]
pub(super) struct Side {
    pub(super) rows: VecDeque<Kept>,
    /// The sequence number of `rows[0]`: rows are numbered as they are kept.
    first: u64,
    /// Sequence numbers of the kept rows by key, once scanning costs too much.
    pub(super) index: Option<HashMap<Key, Vec<u64>>>,
    kept: u64,
    scanned: u64,
}

impl Side {
    pub(super) fn keep(&mut self, kept: Kept) {
        let seq = self.first + self.rows.len() as u64;
        if let Some(index) = &mut self.index {
            index.entry(kept.key.clone()).or_default().push(seq);
        }
        self.rows.push_back(kept);
        self.kept += 1;
    }

    /// Calls `matched` on each kept row of `key` within `lo..=hi` that can still match.
    fn probe(
        &mut self,
        key: &Key,
        lo: i64,
        hi: i64,
        in_force: i64,
        mut matched: impl FnMut(&mut Kept),
    ) {
        let fits = |k: &Kept| &k.key == key && (lo..=hi).contains(&k.time) && k.last >= in_force;
        match &self.index {
            Some(index) => {
                for &seq in index.get(key).into_iter().flatten() {
                    let k = &mut self.rows[(seq - self.first) as usize];
                    if fits(k) {
                        matched(k);
                    }
                }
            }
            None => {
                self.scanned += self.rows.len() as u64;
                for k in self.rows.iter_mut().filter(|k| fits(k)) {
                    matched(k);
                }
                if self.scanned > SCANS_PER_ROW * self.kept + 1024 {
                    self.build_index();
                }
            }
        }
    }

    pub(super) fn build_index(&mut self) {
        let mut index: HashMap<Key, Vec<u64>> = HashMap::default();
        for (i, k) in self.rows.iter().enumerate() {
            index
                .entry(k.key.clone())
                .or_default()
                .push(self.first + i as u64);
        }
        self.index = Some(index);
    }

    /// The front row, if no later row can match it at `watermark`.
    fn pop_expired(&mut self, watermark: i64) -> Option<Kept> {
        if self.rows.front()?.last >= watermark {
            return None;
        }
        let gone = self.rows.pop_front()?;
        if let Some(index) = &mut self.index
            && let Some(seqs) = index.get_mut(&gone.key)
        {
            seqs.retain(|&s| s != self.first);
            if seqs.is_empty() {
                index.remove(&gone.key);
            }
        }
        self.first += 1;
        Some(gone)
    }
}

const LEFT: usize = 0;

pub struct IntervalJoin {
    pub(super) before: i64,
    pub(super) after: i64,
    pub(super) sides: [Side; 2],
}

impl IntervalJoin {
    pub fn new(before: i64, after: i64) -> Self {
        IntervalJoin {
            before,
            after,
            sides: Default::default(),
        }
    }

    /// The watermark rows output after `watermark` carry. An output has the left row's time,
    /// which can lie up to `before` below the watermark when a right row matches it (and a
    /// left outer row leaves once the watermark is past its time plus `before`): trailing by
    /// one more than that keeps every output after it, so none is late downstream.
    pub fn held_back(&self, watermark: i64) -> i64 {
        watermark.saturating_sub(self.before).saturating_sub(1)
    }

    /// A row of input `side` at time `t`, judged at `in_force`: its pairs with the rows of
    /// the other side, kept while a later row could still match it.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        side: usize,
        key: Key,
        row: RowRef,
        t: i64,
        in_force: i64,
        outer: bool,
        store: &mut RowStore,
    ) -> Vec<Pair> {
        let side = side.min(1);
        // The other side's times this row matches; the last is also when it stops matching.
        let (lo, hi) = if side == LEFT {
            (t.saturating_sub(self.after), t.saturating_add(self.before))
        } else {
            (t.saturating_sub(self.before), t.saturating_add(self.after))
        };
        let mut pairs = Vec::new();
        self.sides[1 - side].probe(&key, lo, hi, in_force, |other| {
            other.matched = true;
            let (left, right) = if side == LEFT {
                (row, other.row)
            } else {
                (other.row, row)
            };
            pairs.push(Pair {
                window: None,
                left,
                right: Some(right),
            });
        });
        let matched = !pairs.is_empty();
        // Later rows of the other side come after the watermark: they can match this one
        // only if its last matching time is beyond it.
        if hi > in_force {
            self.sides[side].keep(Kept {
                row,
                key,
                time: t,
                last: hi,
                matched,
            });
            store.hold(row);
        } else if side == LEFT && outer && !matched {
            pairs.push(Pair {
                window: None,
                left: row,
                right: None,
            });
        }
        pairs
    }

    /// Lets go of the rows no later row can match at `watermark`: those whose last matching
    /// time is below it (a row at the watermark may still come late and match, as in
    /// Flink). With `outer`, the left ones that never matched pair with nothing.
    pub fn expire(&mut self, watermark: i64, outer: bool, store: &mut RowStore) -> Vec<Pair> {
        let mut pairs = Vec::new();
        for (side, kept) in self.sides.iter_mut().enumerate() {
            while let Some(gone) = kept.pop_expired(watermark) {
                if side == LEFT && outer && !gone.matched {
                    pairs.push(Pair {
                        window: None,
                        left: gone.row,
                        right: None,
                    });
                }
                store.release(gone.row);
            }
        }
        pairs
    }
}
