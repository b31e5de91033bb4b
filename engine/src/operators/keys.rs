//! Keys of rows, as windows and joins keep them: a number for one BIGINT or TIMESTAMP key
//! column (the common case), else bytes that encode the values of every key column.

use crate::types::{Batch, Column, ColumnBuilder, DataType, DecimalType, Value, Values};

/// A row's key: its number, or its encoded bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// No key (a window over the whole stream).
    None,
    Int(Option<i64>),
    Bytes(Box<[u8]>),
}

/// The key of row `row` of `batch`, keyed by `columns` of `types`.
pub fn key_of_row(batch: &Batch, columns: &[usize], types: &[DataType], row: usize) -> Key {
    match types {
        [] => Key::None,
        [DataType::Int64 | DataType::Timestamp] => {
            let column = batch.column(columns[0]);
            let (Values::Int64(v) | Values::Timestamp(v)) = &column.values else {
                unreachable!("a number key column")
            };
            Key::Int(column.is_valid(row).then(|| v[row]))
        }
        _ => {
            let mut bytes = Vec::new();
            for &c in columns {
                encode(batch.column(c), row, &mut bytes);
            }
            Key::Bytes(bytes.into())
        }
    }
}

/// The columns of `keys`, each of `types`, one row a key: how keys are output and how they
/// are kept in a checkpoint.
pub fn columns_of_keys<'k>(
    keys: impl ExactSizeIterator<Item = &'k Key>,
    types: &[DataType],
) -> Vec<Column> {
    let mut builders: Vec<ColumnBuilder> = types
        .iter()
        .map(|t| ColumnBuilder::new(*t, keys.len()))
        .collect();
    for key in keys {
        match key {
            Key::None => {}
            Key::Int(Some(v)) => builders[0].push_i64(*v),
            Key::Int(None) => builders[0].push_null(),
            Key::Bytes(bytes) => decode(bytes, types, &mut builders),
        }
    }
    builders.into_iter().map(ColumnBuilder::finish).collect()
}

/// Appends row `i` of `column` to `out`: a tag byte, then the value.
pub fn encode(column: &Column, i: usize, out: &mut Vec<u8>) {
    if !column.is_valid(i) {
        out.push(0);
        return;
    }
    out.push(1);
    match &column.values {
        Values::Int64(v) | Values::Timestamp(v) => out.extend_from_slice(&v[i].to_le_bytes()),
        Values::Int32(v) => out.extend_from_slice(&v[i].to_le_bytes()),
        // One column has one scale, so equal decimals have equal unscaled values.
        Values::Decimal(_, v) => out.extend_from_slice(&v[i].to_le_bytes()),
        // Equal numbers are one key: -0.0 and 0.0 alike.
        Values::Float64(v) => out.extend_from_slice(&(v[i] + 0.0).to_bits().to_le_bytes()),
        Values::Bool(v) => out.push(v[i] as u8),
        Values::Utf8(v) => {
            let s = v.get(i);
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

pub fn decode(mut bytes: &[u8], types: &[DataType], builders: &mut [ColumnBuilder]) {
    let mut take = |n: usize| {
        let (head, rest) = bytes.split_at(n);
        bytes = rest;
        head
    };
    for (t, b) in types.iter().zip(builders) {
        if take(1)[0] == 0 {
            b.push_null();
            continue;
        }
        let word = |raw: &[u8]| u64::from_le_bytes(raw.try_into().expect("8 bytes"));
        match t {
            DataType::Int64 | DataType::Timestamp => b.push_i64(word(take(8)) as i64),
            DataType::Int32 => b.push(&Value::Int32(i32::from_le_bytes(
                take(4).try_into().expect("4 bytes"),
            ))),
            DataType::Float64 => b.push(&Value::Float64(f64::from_bits(word(take(8))))),
            DataType::Bool => b.push(&Value::Bool(take(1)[0] == 1)),
            DataType::Decimal { precision, scale } => b.push(&Value::Decimal(
                i128::from_le_bytes(take(16).try_into().expect("16 bytes")),
                DecimalType {
                    precision: *precision,
                    scale: *scale,
                },
            )),
            DataType::Utf8 => {
                let len = u32::from_le_bytes(take(4).try_into().expect("4 bytes")) as usize;
                b.push_str(std::str::from_utf8(take(len)).expect("encoded from a str"));
            }
        }
    }
}
