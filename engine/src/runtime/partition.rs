//! Hash partitioning: which parallel instance each row's key goes to.

use crate::types::{Batch, Values};

/// Final mix of SplitMix64: spreads close integers far apart.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A well-spread number from a seed and a counter, the same on every run.
pub fn mix_seed(seed: u64, n: u64) -> u64 {
    mix(seed ^ mix(n.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

/// FNV-1a: stable across runs and platforms, unlike the std hasher's random keys.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// Keys hash into this many groups, and each parallel instance owns a contiguous range of
/// them (as Flink's key groups under its max parallelism): the owner of a key is the same
/// function of its group at every parallelism, which is what lets keyed state move between
/// parallelisms.
pub const KEY_GROUPS: u64 = crate::validate::MAX_PARALLELISM as u64;

/// A hash of each row's key columns, computed column by column in tight loops.
pub fn hash_rows(batch: &Batch, keys: &[usize]) -> Vec<u64> {
    let mut hashes = vec![0u64; batch.num_rows()];
    for &k in keys {
        let column = batch.column(k);
        let before = column.validity.is_some().then(|| hashes.clone());
        let step = |h: &mut u64, v: u64| *h = mix(h.rotate_left(5) ^ v);
        match &column.values {
            Values::Int64(v) | Values::Timestamp(v) => hashes
                .iter_mut()
                .zip(v)
                .for_each(|(h, x)| step(h, *x as u64)),
            // An INT hashes as the BIGINT of the same value would.
            Values::Int32(v) => hashes
                .iter_mut()
                .zip(v)
                .for_each(|(h, x)| step(h, i64::from(*x) as u64)),
            Values::Decimal(_, v) => hashes
                .iter_mut()
                .zip(v)
                .for_each(|(h, x)| step(h, (*x as u64) ^ ((*x >> 64) as u64).rotate_left(17))),
            // Equal numbers hash equal: -0.0 and 0.0 are one key.
            Values::Float64(v) => hashes
                .iter_mut()
                .zip(v)
                .for_each(|(h, x)| step(h, (x + 0.0).to_bits())),
            Values::Bool(v) => hashes
                .iter_mut()
                .zip(v)
                .for_each(|(h, x)| step(h, *x as u64)),
            Values::Utf8(v) => hashes
                .iter_mut()
                .enumerate()
                .for_each(|(i, h)| step(h, stable_hash(v.get(i).as_bytes()))),
        }
        // A NULL hashes alike whatever its slot holds.
        if let (Some(valid), Some(before)) = (&column.validity, before) {
            for (i, ok) in valid.iter().enumerate() {
                if !ok {
                    hashes[i] = mix(before[i] ^ 0x5555);
                }
            }
        }
    }
    hashes
}

/// The parallel instance, of `targets`, that owns a key's hash.
#[inline]
pub fn instance_of(hash: u64, targets: usize) -> usize {
    let group = hash & (KEY_GROUPS - 1);
    (group * targets as u64 / KEY_GROUPS) as usize
}

/// Whether instance `subtask` of `parallelism` owns each row's key: what a keyed operator
/// keeps of restored state, whatever the parallelism that state was taken at.
pub fn owned_rows(batch: &Batch, keys: &[usize], subtask: usize, parallelism: usize) -> Vec<bool> {
    hash_rows(batch, keys)
        .into_iter()
        .map(|h| instance_of(h, parallelism) == subtask)
        .collect()
}

/// Row indices per target instance: `result[t]` lists the rows for instance `t`.
pub fn split_by_key(batch: &Batch, keys: &[usize], targets: usize) -> Vec<Vec<u32>> {
    let hashes = hash_rows(batch, keys);
    let expected = hashes.len() / targets.max(1) + hashes.len() / 8 + 8;
    let mut out: Vec<Vec<u32>> = (0..targets).map(|_| Vec::with_capacity(expected)).collect();
    for (i, h) in hashes.into_iter().enumerate() {
        out[instance_of(h, targets)].push(i as u32);
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
