//! Hash partitioning: which parallel instance each row's key goes to.

use crate::types::{Batch, Values};

/// Final mix of SplitMix64: spreads close integers far apart.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: stable across runs and platforms, unlike the std hasher's random keys.
fn hash_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// A hash of each row's key columns, computed column by column.
pub fn hash_rows(batch: &Batch, keys: &[usize]) -> Vec<u64> {
    let mut hashes = vec![0u64; batch.num_rows()];
    for &k in keys {
        let column = batch.column(k);
        let value_hash = |i: usize, h: u64| -> u64 {
            if !column.is_valid(i) {
                return mix(h ^ 0x5555);
            }
            let v = match &column.values {
                Values::Int64(v) | Values::Timestamp(v) => v[i] as u64,
                // Equal numbers hash equal: -0.0 and 0.0 are one key.
                Values::Float64(v) => (v[i] + 0.0).to_bits(),
                Values::Bool(v) => v[i] as u64,
                Values::Utf8(v) => hash_bytes(v.get(i).as_bytes()),
            };
            mix(h.rotate_left(5) ^ v)
        };
        for (i, h) in hashes.iter_mut().enumerate() {
            *h = value_hash(i, *h);
        }
    }
    hashes
}

/// Row indices per target instance: `result[t]` lists the rows for instance `t`.
pub fn split_by_key(batch: &Batch, keys: &[usize], targets: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); targets];
    for (i, h) in hash_rows(batch, keys).into_iter().enumerate() {
        out[(h % targets as u64) as usize].push(i as u32);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Column, Values};

    #[test]
    fn equal_keys_go_to_the_same_instance() {
        let keys = Column::new(Values::Int64(vec![1, 2, 1, 3, 2, 1]));
        let names = Column::new(Values::Utf8(
            ["a", "b", "a", "c", "b", "a"].into_iter().collect(),
        ));
        let batch = Batch::from_columns(vec![keys, names]);
        let parts = split_by_key(&batch, &[0, 1], 4);
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 6);
        let target_of = |row: u32| parts.iter().position(|p| p.contains(&row)).unwrap();
        assert_eq!(target_of(0), target_of(2));
        assert_eq!(target_of(0), target_of(5));
        assert_eq!(target_of(1), target_of(4));
    }

    #[test]
    fn many_keys_spread_over_instances() {
        let batch = Batch::from_columns(vec![Column::new(Values::Int64((0..1000).collect()))]);
        for part in split_by_key(&batch, &[0], 4) {
            assert!((150..350).contains(&part.len()), "{}", part.len());
        }
    }
}
