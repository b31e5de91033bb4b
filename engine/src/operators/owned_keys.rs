//! Which keys of a restored state an instance keeps: those the hash partitioner sends it
//! now, whatever the parallelism the state was taken at.

use super::Context;
use crate::runtime::owned_rows;
use crate::types::Batch;

/// One instance of a keyed operator, as far as owning keys goes.
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub subtask: usize,
    pub parallelism: usize,
}

impl Owner {
    pub fn of(ctx: &Context) -> Self {
        Owner {
            subtask: ctx.subtask,
            parallelism: ctx.parallelism.max(1),
        }
    }

    /// The rows of `batch` whose key, in columns `keys`, this instance owns: one pass over
    /// the columns, hashed as the partitioner hashes rows.
    pub fn owned(&self, batch: &Batch, keys: &[usize]) -> Vec<u32> {
        if self.parallelism == 1 {
            return (0..batch.num_rows() as u32).collect();
        }
        owned_rows(batch, keys, self.subtask, self.parallelism)
            .into_iter()
            .enumerate()
            .filter_map(|(i, owned)| owned.then_some(i as u32))
            .collect()
    }
}
