//! Window joins: rows of both inputs wait in the windows they fall in (their own, for a
//! windowed input); when a window fires, its rows of equal key pair up.

use std::collections::BTreeMap;

use foldhash::HashMap;

use super::Pair;
use super::rows::{RowRef, RowStore};
use crate::operators::keys::Key;
use crate::spec::WindowKind;
use crate::time::window_fired;

/// The rows of one window, by input and key.
#[derive(Default)]
pub(super) struct Bucket {
    pub(super) start: i64,
    pub(super) sides: [HashMap<Key, Vec<RowRef>>; 2],
}

pub struct WindowJoin {
    pub(super) size: i64,
    pub(super) slide: i64,
    /// Windows with rows, by end.
    pub(super) windows: BTreeMap<i64, Bucket>,
}

impl WindowJoin {
    pub fn new(window: WindowKind) -> Result<Self, String> {
        let millis = |v: u64| i64::try_from(v).map_err(|_| format!("{v} ms is too long"));
        let (size, slide) = match window {
            WindowKind::Tumbling { size_ms } => (millis(size_ms)?, millis(size_ms)?),
            WindowKind::Sliding { size_ms, slide_ms } => (millis(size_ms)?, millis(slide_ms)?),
            WindowKind::Session { .. } => return Err("a window join cannot use sessions".into()),
        };
        Ok(WindowJoin {
            size,
            slide,
            windows: BTreeMap::new(),
        })
    }

    /// Adds a row of input `side` at time `t` (or with its window's `bounds`) to each of its
    /// windows that has not fired at `in_force`; false if it is too late for all of them.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        side: usize,
        key: Key,
        row: RowRef,
        t: i64,
        bounds: Option<(i64, i64)>,
        in_force: i64,
        store: &mut RowStore,
    ) -> bool {
        let windows: Vec<(i64, i64)> = match bounds {
            Some(b) => vec![b],
            None => {
                let mut all = Vec::new();
                let mut start = t.div_euclid(self.slide) * self.slide;
                while start > t - self.size {
                    all.push((start, start + self.size));
                    start -= self.slide;
                }
                all
            }
        };
        let mut added = false;
        for (start, end) in windows {
            if window_fired(end, in_force) {
                continue;
            }
            let bucket = self.windows.entry(end).or_default();
            bucket.start = start;
            bucket.sides[side.min(1)]
                .entry(key.clone())
                .or_default()
                .push(row);
            store.hold(row);
            added = true;
        }
        added
    }

    /// Fires the windows that end by `watermark + 1`: each left row pairs with every right
    /// row of its key; with `outer`, a left row with none pairs with nothing.
    pub fn fire(&mut self, watermark: i64, outer: bool, store: &mut RowStore) -> Vec<Pair> {
        let mut pairs = Vec::new();
        while let Some((&end, _)) = self.windows.first_key_value() {
            if !window_fired(end, watermark) {
                break;
            }
            let (_, bucket) = self.windows.pop_first().expect("just seen");
            let window = Some((bucket.start, end));
            let [left, right] = &bucket.sides;
            for (key, lefts) in left {
                match right.get(key) {
                    Some(rights) => {
                        for &l in lefts {
                            for &r in rights {
                                pairs.push(Pair {
                                    window,
                                    left: l,
                                    right: Some(r),
                                });
                            }
                        }
                    }
                    None if outer => pairs.extend(lefts.iter().map(|&l| Pair {
                        window,
                        left: l,
                        right: None,
                    })),
                    None => {}
                }
            }
            // The rows stay readable until the pairs are output; the batches go after.
            for rows in bucket.sides.iter().flat_map(|s| s.values()) {
                for &r in rows {
                    store.release(r);
                }
            }
        }
        pairs
    }
}
