//! Rows a join keeps, left in the batches they came in: a batch stays while any of its
//! rows does, and no row is copied until it is output.

use foldhash::HashMap;

use crate::types::Batch;

/// A row of a kept batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RowRef {
    pub batch: u64,
    pub row: u32,
}

struct Kept {
    batch: Batch,
    /// Rows of it the join holds.
    live: usize,
    /// The batch is still being added: it stays even with no row held yet.
    pinned: bool,
}

#[derive(Default)]
pub struct RowStore {
    batches: HashMap<u64, Kept>,
    next: u64,
    /// Batches that may have no row left, dropped by `sweep`.
    dead: Vec<u64>,
}

impl RowStore {
    /// Keeps `batch` while its rows are added; `unpin` when done.
    pub fn keep(&mut self, batch: Batch) -> u64 {
        let id = self.next;
        self.next += 1;
        self.batches.insert(
            id,
            Kept {
                batch,
                live: 0,
                pinned: true,
            },
        );
        id
    }

    pub fn hold(&mut self, row: RowRef) {
        if let Some(k) = self.batches.get_mut(&row.batch) {
            k.live += 1;
        }
    }

    /// The join no longer holds `row`; its batch goes at the next sweep if none is held.
    pub fn release(&mut self, row: RowRef) {
        if let Some(k) = self.batches.get_mut(&row.batch) {
            k.live -= 1;
            if k.live == 0 && !k.pinned {
                self.dead.push(row.batch);
            }
        }
    }

    pub fn unpin(&mut self, id: u64) {
        if let Some(k) = self.batches.get_mut(&id) {
            k.pinned = false;
            if k.live == 0 {
                self.dead.push(id);
            }
        }
    }

    /// Drops the batches none of whose rows is held.
    pub fn sweep(&mut self) {
        for id in std::mem::take(&mut self.dead) {
            if self
                .batches
                .get(&id)
                .is_some_and(|k| k.live == 0 && !k.pinned)
            {
                self.batches.remove(&id);
            }
        }
    }

    pub fn batch(&self, row: RowRef) -> &Batch {
        &self.batches[&row.batch].batch
    }
}
