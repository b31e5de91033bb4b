//! The groups of a window: a slot per distinct key, found by hashing the key columns of
//! each row. One BIGINT or TIMESTAMP key (the common case) is looked up as a number; other
//! keys as the bytes that encode their values.

use std::hash::BuildHasher;

use foldhash::{HashMap, HashMapExt};

use crate::operators::keys::{Key, columns_of_keys, encode};
use crate::types::{Batch, Column, DataType, Values};

/// Slots of the distinct keys seen, and each slot's key.
#[derive(Debug)]
pub struct Groups {
    types: Vec<DataType>,
    lookup: Lookup,
    keys: Vec<Key>,
}

#[derive(Debug)]
enum Lookup {
    Global,
    /// Numbers by value; the NULL key has a slot of its own.
    Int {
        map: HashMap<i64, u32>,
        null: Option<u32>,
    },
    Bytes(HashMap<Box<[u8]>, u32>),
}

impl Groups {
    pub fn new(types: &[DataType]) -> Self {
        Self::with_capacity(types, 0)
    }

    /// Room for `groups` keys before the table grows.
    pub fn with_capacity(types: &[DataType], groups: usize) -> Self {
        let lookup = match types {
            [] => Lookup::Global,
            [DataType::Int64 | DataType::Timestamp] => Lookup::Int {
                map: HashMap::with_capacity(groups),
                null: None,
            },
            _ => Lookup::Bytes(HashMap::with_capacity(groups)),
        };
        Groups {
            types: types.to_vec(),
            lookup,
            keys: Vec::with_capacity(groups),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn key(&self, slot: u32) -> &Key {
        &self.keys[slot as usize]
    }

    /// The slot of `key`, if it has one.
    pub fn find(&self, key: &Key) -> Option<u32> {
        match (&self.lookup, key) {
            (Lookup::Global, _) => (!self.keys.is_empty()).then_some(0),
            (Lookup::Int { map, .. }, Key::Int(Some(k))) => map.get(k).copied(),
            (Lookup::Int { null, .. }, Key::Int(None)) => *null,
            (Lookup::Bytes(map), Key::Bytes(b)) => map.get(b).copied(),
            _ => None,
        }
    }

    /// The slot of `key`, added if new.
    pub fn slot_of(&mut self, key: &Key) -> u32 {
        let next = self.keys.len() as u32;
        let slot = match (&mut self.lookup, key) {
            (Lookup::Global, _) => 0,
            (Lookup::Int { map, .. }, Key::Int(Some(k))) => *map.entry(*k).or_insert(next),
            (Lookup::Int { null, .. }, Key::Int(None)) => *null.get_or_insert(next),
            (Lookup::Bytes(map), Key::Bytes(b)) => match map.get(b) {
                Some(&s) => s,
                None => {
                    map.insert(b.clone(), next);
                    next
                }
            },
            (_, other) => unreachable!("a {other:?} key in a table of {:?}", self.types),
        };
        if slot == next && (self.keys.is_empty() || !matches!(self.lookup, Lookup::Global)) {
            self.keys.push(key.clone());
        }
        slot
    }

    /// The slot of each of `rows` of `batch`, whose key columns are `columns`; new keys
    /// get new slots.
    pub fn slots(&mut self, batch: &Batch, columns: &[usize], rows: &[u32]) -> Vec<u32> {
        match &mut self.lookup {
            Lookup::Global => {
                if self.keys.is_empty() {
                    self.keys.push(Key::None);
                }
                vec![0; rows.len()]
            }
            Lookup::Int { map, null } => {
                let column = batch.column(columns[0]);
                let (Values::Int64(v) | Values::Timestamp(v)) = &column.values else {
                    unreachable!("a number key column")
                };
                let mut out = Vec::with_capacity(rows.len());
                // The hot loop of a keyed window: one lookup per row, an insert per new key.
                for &r in rows {
                    let r = r as usize;
                    let slot = if column.is_valid(r) {
                        match map.get(&v[r]) {
                            Some(&slot) => slot,
                            None => {
                                let slot = self.keys.len() as u32;
                                map.insert(v[r], slot);
                                self.keys.push(Key::Int(Some(v[r])));
                                slot
                            }
                        }
                    } else {
                        *null.get_or_insert_with(|| {
                            self.keys.push(Key::Int(None));
                            self.keys.len() as u32 - 1
                        })
                    };
                    out.push(slot);
                }
                out
            }
            Lookup::Bytes(map) => {
                let mut out = Vec::with_capacity(rows.len());
                let mut buffer = Vec::new();
                for &r in rows {
                    buffer.clear();
                    for &c in columns {
                        encode(batch.column(c), r as usize, &mut buffer);
                    }
                    let slot = match map.get(buffer.as_slice()) {
                        Some(&s) => s,
                        None => {
                            let s = self.keys.len() as u32;
                            let key: Box<[u8]> = buffer.as_slice().into();
                            map.insert(key.clone(), s);
                            self.keys.push(Key::Bytes(key));
                            s
                        }
                    };
                    out.push(slot);
                }
                out
            }
        }
    }

    /// Adds `rows` of `batch`, keyed by `columns`, to an empty table: their slots are the
    /// rows' positions in `rows`. For a restored state, whose keys are distinct; an error if
    /// one repeats. A large table is filled in the order of its buckets rather than at
    /// random, so that its memory is walked through once: what makes a window of a million
    /// keys quick to restore.
    pub fn fill(&mut self, batch: &Batch, columns: &[usize], rows: &[u32]) -> Result<(), String> {
        debug_assert!(self.keys.is_empty());
        if rows.is_empty() {
            return Ok(());
        }
        let repeated = || Err("a key is there twice".to_string());
        match &mut self.lookup {
            Lookup::Int { map, null } => {
                let column = batch.column(columns[0]);
                let (Values::Int64(v) | Values::Timestamp(v)) = &column.values else {
                    unreachable!("a number key column")
                };
                map.reserve(rows.len());
                // Slots in row order, the table in bucket order: the buckets of a table of
                // this size are the low bits of the hash, and the keys are put in by the
                // top ten of those, each part of the table small enough to stay in cache.
                let bits = (rows.len() * 8 / 7).next_power_of_two().trailing_zeros();
                let shift = bits.saturating_sub(10);
                let mask = (1u64 << bits) - 1;
                let hasher = map.hasher().clone();
                let mut part_of: Vec<u16> = Vec::with_capacity(rows.len());
                let mut starts = vec![0usize; (1 << (bits - shift)) + 1];
                for (slot, &r) in rows.iter().enumerate() {
                    let r = r as usize;
                    if column.is_valid(r) {
                        self.keys.push(Key::Int(Some(v[r])));
                        let part = ((hasher.hash_one(v[r]) & mask) >> shift) as u16;
                        part_of.push(part);
                        starts[part as usize + 1] += 1;
                    } else {
                        if null.replace(slot as u32).is_some() {
                            return repeated();
                        }
                        self.keys.push(Key::Int(None));
                        part_of.push(u16::MAX);
                    }
                }
                for p in 1..starts.len() {
                    starts[p] += starts[p - 1];
                }
                let mut ordered: Vec<(i64, u32)> = vec![(0, 0); starts[starts.len() - 1]];
                for (slot, (&r, &part)) in rows.iter().zip(&part_of).enumerate() {
                    if part != u16::MAX {
                        let at = &mut starts[part as usize];
                        ordered[*at] = (v[r as usize], slot as u32);
                        *at += 1;
                    }
                }
                for (key, slot) in ordered {
                    if map.insert(key, slot).is_some() {
                        return repeated();
                    }
                }
                Ok(())
            }
            _ => {
                self.slots(batch, columns, rows);
                if self.keys.len() == rows.len() {
                    Ok(())
                } else {
                    repeated()
                }
            }
        }
    }

    /// The key columns of `slots`, in that order, for output rows.
    pub fn key_columns(&self, slots: &[u32]) -> Vec<Column> {
        columns_of_keys(slots.iter().map(|&s| &self.keys[s as usize]), &self.types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    #[test]
    fn equal_keys_share_a_slot_and_come_back_out() {
        let batch = Batch::from_columns(vec![
            Column::with_validity(
                Values::Int64(vec![7, 8, 7, 0]),
                Some(vec![true, true, true, false]),
            ),
            Column::new(Values::Utf8(["a", "b", "a", "a"].into_iter().collect())),
        ]);
        let mut one = Groups::new(&[DataType::Int64]);
        assert_eq!(one.slots(&batch, &[0], &[0, 1, 2, 3]), [0, 1, 0, 2]);
        let keys = one.key_columns(&[2, 0]);
        assert_eq!(keys[0].value(0), Value::Null);
        assert_eq!(keys[0].value(1), Value::Int64(7));
        let mut two = Groups::new(&[DataType::Utf8, DataType::Int64]);
        assert_eq!(two.slots(&batch, &[1, 0], &[0, 1, 2, 3]), [0, 1, 0, 2]);
        let keys = two.key_columns(&[1, 2]);
        assert_eq!(keys[0].value(0), Value::Utf8("b".into()));
        assert_eq!(keys[1].value(1), Value::Null);
        // A key found in another table lands in the same slot here.
        let mut merged = Groups::new(&[DataType::Utf8, DataType::Int64]);
        assert_eq!(merged.slot_of(two.key(1)), 0);
        assert_eq!(merged.slot_of(two.key(0)), 1);
        assert_eq!(merged.slot_of(two.key(1)), 0);
        let mut global = Groups::new(&[]);
        assert_eq!(global.slots(&batch, &[], &[0, 1]), [0, 0]);
        assert_eq!(global.slot_of(&Key::None), 0);
        assert_eq!(global.len(), 1);
    }

    #[test]
    fn a_filled_table_gives_rows_their_positions_as_slots() {
        let keys: Vec<i64> = (0..5000).map(|k| k * 7919 % 10007).collect();
        let mut valid = vec![true; keys.len()];
        valid[42] = false;
        let batch = Batch::from_columns(vec![Column::with_validity(
            Values::Int64(keys.clone()),
            Some(valid),
        )]);
        let rows: Vec<u32> = (0..keys.len() as u32).collect();
        let mut filled = Groups::new(&[DataType::Int64]);
        filled.fill(&batch, &[0], &rows).unwrap();
        let mut grown = Groups::new(&[DataType::Int64]);
        assert_eq!(grown.slots(&batch, &[0], &rows), rows);
        for slot in rows {
            assert_eq!(filled.key(slot), grown.key(slot));
            assert_eq!(filled.find(grown.key(slot)), Some(slot));
        }
        let twice = Batch::from_columns(vec![Column::new(Values::Int64(vec![3, 4, 3]))]);
        let error = Groups::new(&[DataType::Int64]).fill(&twice, &[0], &[0, 1, 2]);
        assert_eq!(error, Err("a key is there twice".to_string()));
        let text = Batch::from_columns(vec![Column::new(Values::Utf8(
            ["a", "b", "a"].into_iter().collect(),
        ))]);
        assert!(
            Groups::new(&[DataType::Utf8])
                .fill(&text, &[0], &[0, 1, 2])
                .is_err()
        );
        assert!(
            Groups::new(&[DataType::Utf8])
                .fill(&text, &[0], &[0, 1])
                .is_ok()
        );
    }
}
