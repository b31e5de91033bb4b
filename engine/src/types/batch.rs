use std::sync::Arc;

use super::{Column, ColumnBuilder, ColumnRef, RowKind, Schema, Value};

/// The unit of data on a channel: equally long columns, in the order of the stream's schema.
/// The schema itself is known from the plan and not carried along.
///
/// Two things may travel with the rows. On a stream with event time, the watermark in force
/// before each row (what Flink would have sent ahead of it with a watermark after every
/// row): operators decide lateness per row with it, so batching never changes which rows are
/// late. On a changelog stream, each row's kind (`+I`, `-U`, `+U`).
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    columns: Vec<ColumnRef>,
    rows: usize,
    watermarks: Option<Arc<[i64]>>,
    kinds: Option<Arc<[RowKind]>>,
    /// When the oldest of its rows was made (a source read it, a window computed it), on the
    /// metrics clock; 0 if unknown. Sinks measure latency from it.
    created: u64,
}

impl Batch {
    /// A batch of `rows` rows; every column must have that length.
    pub fn new(columns: Vec<ColumnRef>, rows: usize) -> Self {
        debug_assert!(columns.iter().all(|c| c.len() == rows));
        Batch {
            columns,
            rows,
            watermarks: None,
            kinds: None,
            created: 0,
        }
    }

    /// When the oldest row was made, on the metrics clock (`metrics::clock`); 0 if unknown.
    pub fn created(&self) -> u64 {
        self.created
    }

    pub fn set_created(&mut self, created: u64) {
        self.created = created;
    }

    /// The bytes its values take (see `Column::byte_size`).
    pub fn byte_size(&self) -> usize {
        self.columns.iter().map(|c| c.byte_size()).sum()
    }

    /// The same rows with other columns (a projection): watermarks and kinds stay.
    pub fn with_columns(&self, columns: Vec<ColumnRef>) -> Batch {
        debug_assert!(columns.iter().all(|c| c.len() == self.rows));
        Batch {
            columns,
            rows: self.rows,
            watermarks: self.watermarks.clone(),
            kinds: self.kinds.clone(),
            created: self.created,
        }
    }

    /// The watermark in force before each row, where the stream has event time.
    pub fn watermarks(&self) -> Option<&[i64]> {
        self.watermarks.as_deref()
    }

    pub fn set_watermarks(&mut self, watermarks: Option<Arc<[i64]>>) {
        debug_assert!(watermarks.as_ref().is_none_or(|w| w.len() == self.rows));
        self.watermarks = watermarks;
    }

    /// Each row's change kind on a changelog stream; `None` is all inserts.
    pub fn kinds(&self) -> Option<&[RowKind]> {
        self.kinds.as_deref()
    }

    pub fn with_kinds(mut self, kinds: Option<Arc<[RowKind]>>) -> Batch {
        debug_assert!(kinds.as_ref().is_none_or(|k| k.len() == self.rows));
        self.kinds = kinds;
        self
    }

    /// Row `i`'s kind.
    pub fn kind(&self, i: usize) -> RowKind {
        self.kinds.as_ref().map_or(RowKind::Insert, |k| k[i])
    }

    pub fn from_columns(columns: Vec<Column>) -> Self {
        let rows = columns.first().map_or(0, Column::len);
        Batch::new(columns.into_iter().map(Arc::new).collect(), rows)
    }

    pub fn empty(schema: &Schema) -> Self {
        let columns = schema
            .fields
            .iter()
            .map(|f| Arc::new(ColumnBuilder::new(f.data_type, 0).finish()))
            .collect();
        Batch::new(columns, 0)
    }

    pub fn num_rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn columns(&self) -> &[ColumnRef] {
        &self.columns
    }

    pub fn column(&self, i: usize) -> &ColumnRef {
        &self.columns[i]
    }

    pub fn into_columns(self) -> Vec<ColumnRef> {
        self.columns
    }

    /// The rows at `indices`, in that order.
    pub fn take(&self, indices: &[u32]) -> Batch {
        let columns = self
            .columns
            .iter()
            .map(|c| Arc::new(c.take(indices)))
            .collect();
        fn pick<T: Copy>(values: &Option<Arc<[T]>>, indices: &[u32]) -> Option<Arc<[T]>> {
            values
                .as_ref()
                .map(|v| indices.iter().map(|&i| v[i as usize]).collect())
        }
        Batch {
            columns,
            rows: indices.len(),
            watermarks: pick(&self.watermarks, indices),
            kinds: pick(&self.kinds, indices),
            created: self.created,
        }
    }

    /// The rows where `keep` is true.
    pub fn filter(&self, keep: &[bool]) -> Batch {
        let indices: Vec<u32> = keep
            .iter()
            .enumerate()
            .filter_map(|(i, &k)| k.then_some(i as u32))
            .collect();
        if indices.len() == self.rows {
            return self.clone();
        }
        self.take(&indices)
    }

    /// Rows `start..start + len`.
    pub fn slice(&self, start: usize, len: usize) -> Batch {
        if start == 0 && len == self.rows {
            return self.clone();
        }
        let columns = self
            .columns
            .iter()
            .map(|c| Arc::new(c.slice(start, len)))
            .collect();
        fn part<T: Copy>(values: &Option<Arc<[T]>>, start: usize, len: usize) -> Option<Arc<[T]>> {
            values.as_ref().map(|v| v[start..start + len].into())
        }
        Batch {
            columns,
            rows: len,
            watermarks: part(&self.watermarks, start, len),
            kinds: part(&self.kinds, start, len),
            created: self.created,
        }
    }

    /// The values of row `i`, for printing.
    pub fn row(&self, i: usize) -> Vec<Value> {
        self.columns.iter().map(|c| c.value(i)).collect()
    }

    /// All rows as values, for tests and small outputs.
    pub fn rows(&self) -> Vec<Vec<Value>> {
        (0..self.rows).map(|i| self.row(i)).collect()
    }

    /// Appends the rows of several batches of one schema into one batch. Rows of a batch
    /// without watermarks take the lowest (none known); rows without kinds are inserts.
    pub fn concat(schema: &Schema, batches: &[Batch]) -> Batch {
        if let [only] = batches {
            return only.clone();
        }
        let rows = batches.iter().map(Batch::num_rows).sum();
        let columns = schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut b = ColumnBuilder::new(f.data_type, rows);
                for batch in batches {
                    b.extend_from(batch.column(i));
                }
                Arc::new(b.finish())
            })
            .collect();
        let watermarks = batches.iter().any(|b| b.watermarks.is_some()).then(|| {
            let mut all = Vec::with_capacity(rows);
            for b in batches {
                match &b.watermarks {
                    Some(w) => all.extend_from_slice(w),
                    None => all.extend(std::iter::repeat_n(i64::MIN, b.rows)),
                }
            }
            all.into()
        });
        let kinds = batches.iter().any(|b| b.kinds.is_some()).then(|| {
            let mut all = Vec::with_capacity(rows);
            for b in batches {
                match &b.kinds {
                    Some(k) => all.extend_from_slice(k),
                    None => all.extend(std::iter::repeat_n(RowKind::Insert, b.rows)),
                }
            }
            all.into()
        });
        Batch {
            columns,
            rows,
            watermarks,
            kinds,
            created: oldest_created(batches.iter().map(Batch::created)),
        }
    }
}

/// The earliest known creation time of `times` (0 where unknown).
pub fn oldest_created(times: impl Iterator<Item = u64>) -> u64 {
    times.filter(|t| *t > 0).min().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{DataType, Field, Values};

    fn sample() -> Batch {
        let ids = Column::new(Values::Int64(vec![1, 2, 3]));
        let names = Column::with_validity(
            Values::Utf8(["a", "", "c"].into_iter().collect()),
            Some(vec![true, false, true]),
        );
        Batch::from_columns(vec![ids, names])
    }

    #[test]
    fn filter_keeps_rows_and_nulls() {
        let b = sample().filter(&[true, true, false]);
        assert_eq!(
            b.rows(),
            vec![
                vec![Value::Int64(1), Value::Utf8("a".into())],
                vec![Value::Int64(2), Value::Null]
            ]
        );
    }

    #[test]
    fn concat_appends_in_order() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64),
            Field::new("name", DataType::Utf8),
        ]);
        let b = Batch::concat(&schema, &[sample().slice(2, 1), sample().slice(0, 2)]);
        assert_eq!(b.num_rows(), 3);
        assert_eq!(b.row(0)[0], Value::Int64(3));
        assert_eq!(b.row(2)[1], Value::Null);
        assert_eq!(b.column(1).null_count(), 1);
    }
}
