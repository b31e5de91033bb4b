//! Interval joins: a left row pairs with the right rows of its key whose time is within
//! `[t - after, t + before]` of its own (`l.time BETWEEN r.time - before AND r.time +
//! after`). Each side keeps its rows for as long as a row of the other can still match them.

use std::collections::BTreeMap;

use foldhash::HashMap;

use super::Pair;
use super::rows::{RowRef, RowStore};
use crate::operators::keys::Key;

/// A kept row, its time, and whether it has matched (for a left outer join).
struct Kept {
    row: RowRef,
    time: i64,
    matched: bool,
}

const LEFT: usize = 0;

pub struct IntervalJoin {
    before: i64,
    after: i64,
    sides: [HashMap<Key, Vec<Kept>>; 2],
    /// When kept rows can match no more: the time, and the side and key to look at then.
    expiry: BTreeMap<i64, Vec<(usize, Key)>>,
}

impl IntervalJoin {
    pub fn new(before: i64, after: i64) -> Self {
        IntervalJoin {
            before,
            after,
            sides: Default::default(),
            expiry: BTreeMap::new(),
        }
    }

    /// Outputs carry the left rows' time, which can be up to `before` below the watermark
    /// when a right row matches them: the watermark after the join trails by that much.
    pub fn held_back(&self, watermark: i64) -> i64 {
        watermark.saturating_sub(self.before)
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
        // The other side's times this row matches, and how long it can match later rows.
        let (lo, hi, last) = if side == LEFT {
            (
                t.saturating_sub(self.after),
                t.saturating_add(self.before),
                t.saturating_add(self.before),
            )
        } else {
            (
                t.saturating_sub(self.before),
                t.saturating_add(self.after),
                t.saturating_add(self.after),
            )
        };
        let mut pairs = Vec::new();
        if let Some(others) = self.sides[1 - side].get_mut(&key) {
            for other in others.iter_mut().filter(|o| (lo..=hi).contains(&o.time)) {
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
            }
        }
        let matched = !pairs.is_empty();
        // Later rows of the other side come after the watermark: they can match this one
        // only if its last matching time is beyond it.
        if last > in_force {
            self.sides[side].entry(key.clone()).or_default().push(Kept {
                row,
                time: t,
                matched,
            });
            store.hold(row);
            self.expiry.entry(last).or_default().push((side, key));
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
        while let Some((&at, _)) = self.expiry.first_key_value() {
            if at >= watermark {
                break;
            }
            let (_, due) = self.expiry.pop_first().expect("just seen");
            for (side, key) in due {
                let (before, after) = (self.before, self.after);
                let last = |k: &Kept| {
                    if side == LEFT {
                        k.time.saturating_add(before)
                    } else {
                        k.time.saturating_add(after)
                    }
                };
                let Some(rows) = self.sides[side].get_mut(&key) else {
                    continue;
                };
                rows.retain(|k| {
                    if last(k) >= watermark {
                        return true;
                    }
                    if side == LEFT && outer && !k.matched {
                        pairs.push(Pair {
                            window: None,
                            left: k.row,
                            right: None,
                        });
                    }
                    store.release(k.row);
                    false
                });
                if rows.is_empty() {
                    self.sides[side].remove(&key);
                }
            }
        }
        pairs
    }
}
