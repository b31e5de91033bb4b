//! Gathers rows of many batches (or picked rows of them) into one batch, copying each value
//! once: how a channel fills a batch to its size from the rows that go its way.

use std::sync::Arc;

use super::{Batch, ColumnBuilder, RowKind, Schema};

pub struct BatchBuilder {
    columns: Vec<ColumnBuilder>,
    watermarks: Option<Vec<i64>>,
    kinds: Option<Vec<RowKind>>,
    rows: usize,
    created: u64,
}

impl BatchBuilder {
    pub fn new(schema: &Schema, capacity: usize) -> Self {
        BatchBuilder {
            columns: schema
                .fields
                .iter()
                .map(|f| ColumnBuilder::new(f.data_type, capacity))
                .collect(),
            watermarks: None,
            kinds: None,
            rows: 0,
            created: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Appends the rows `rows` of `batch` (all of them for `None`), in that order.
    pub fn append(&mut self, batch: &Batch, rows: Option<&[u32]>) {
        let count = rows.map_or(batch.num_rows(), <[u32]>::len);
        for (builder, column) in self.columns.iter_mut().zip(batch.columns()) {
            match rows {
                Some(rows) => builder.extend_from_rows(column, rows),
                None => builder.extend_from(column),
            }
        }
        // Rows without a watermark take the lowest; rows without a kind are inserts.
        append_meta(
            &mut self.watermarks,
            batch.watermarks(),
            rows,
            count,
            self.rows,
            i64::MIN,
        );
        append_meta(
            &mut self.kinds,
            batch.kinds(),
            rows,
            count,
            self.rows,
            RowKind::Insert,
        );
        self.rows += count;
        self.created = super::batch::oldest_created([self.created, batch.created()].into_iter());
    }

    /// The batch gathered so far; the builder starts again empty.
    pub fn finish(&mut self) -> Batch {
        let columns = self
            .columns
            .iter_mut()
            .map(|b| Arc::new(b.take_column()))
            .collect();
        let mut batch = Batch::new(columns, std::mem::take(&mut self.rows));
        batch.set_created(std::mem::take(&mut self.created));
        batch.set_watermarks(self.watermarks.take().map(Arc::from));
        batch.with_kinds(self.kinds.take().map(Arc::from))
    }
}

fn append_meta<T: Copy>(
    gathered: &mut Option<Vec<T>>,
    values: Option<&[T]>,
    rows: Option<&[u32]>,
    count: usize,
    before: usize,
    missing: T,
) {
    match (gathered.as_mut(), values) {
        (None, None) => {}
        (Some(all), None) => all.resize(all.len() + count, missing),
        (all, Some(values)) => {
            let all = match all {
                Some(all) => all,
                None => gathered.insert(vec![missing; before]),
            };
            match rows {
                Some(rows) => all.extend(rows.iter().map(|&r| values[r as usize])),
                None => all.extend_from_slice(values),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Column, DataType, Field, Value, Values};

    #[test]
    fn gathers_picked_rows_with_their_watermarks_and_kinds() {
        let schema = Schema::new(vec![Field::new("n", DataType::Int64)]);
        let plain = Batch::from_columns(vec![Column::new(Values::Int64(vec![1, 2]))]);
        let mut stamped = Batch::from_columns(vec![Column::new(Values::Int64(vec![3, 4, 5]))]);
        stamped.set_watermarks(Some(vec![10, 20, 30].into()));
        let stamped = stamped.with_kinds(Some(vec![RowKind::UpdateBefore; 3].into()));
        let mut b = BatchBuilder::new(&schema, 8);
        b.append(&plain, None);
        b.append(&stamped, Some(&[2, 0]));
        let out = b.finish();
        assert_eq!(
            out.rows(),
            [
                [Value::Int64(1)],
                [Value::Int64(2)],
                [Value::Int64(5)],
                [Value::Int64(3)]
            ]
        );
        assert_eq!(out.watermarks().unwrap(), [i64::MIN, i64::MIN, 30, 10]);
        assert_eq!(out.kind(0), RowKind::Insert);
        assert_eq!(out.kind(2), RowKind::UpdateBefore);
        assert!(b.is_empty());
        b.append(&plain, Some(&[1]));
        let again = b.finish();
        assert!(again.watermarks().is_none() && again.kinds().is_none());
        assert_eq!(again.rows(), [[Value::Int64(2)]]);
    }
}
