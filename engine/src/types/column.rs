use std::sync::Arc;

use super::{DataType, DecimalType, Value};

/// Text values stored back to back, Arrow style: no allocation per value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Utf8Values {
    /// `offsets[i]..offsets[i + 1]` is value `i`; always one longer than the number of values.
    offsets: Vec<u32>,
    bytes: String,
}

impl Utf8Values {
    pub fn with_capacity(values: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(values + 1);
        offsets.push(0);
        Utf8Values {
            offsets,
            bytes: String::with_capacity(bytes),
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of text held, all values together.
    pub fn text_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn get(&self, i: usize) -> &str {
        &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    pub fn push(&mut self, value: &str) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.bytes.push_str(value);
        self.offsets.push(self.bytes.len() as u32);
    }

    /// Appends a value written in place by `write`, avoiding a temporary `String`.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        write(&mut self.bytes);
        self.offsets.push(self.bytes.len() as u32);
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

impl<S: AsRef<str>> FromIterator<S> for Utf8Values {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut values = Utf8Values::with_capacity(0, 0);
        for v in iter {
            values.push(v.as_ref());
        }
        values
    }
}

/// The values of one column, one vector per type.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Int64(Vec<i64>),
    Float64(Vec<f64>),
    Bool(Vec<bool>),
    Utf8(Utf8Values),
    Timestamp(Vec<i64>),
    Int32(Vec<i32>),
    /// Unscaled values: `v` stands for `v / 10^scale`.
    Decimal(DecimalType, Vec<i128>),
}

impl Values {
    pub fn data_type(&self) -> DataType {
        match self {
            Values::Int32(_) => DataType::Int32,
            Values::Int64(_) => DataType::Int64,
            Values::Float64(_) => DataType::Float64,
            Values::Bool(_) => DataType::Bool,
            Values::Utf8(_) => DataType::Utf8,
            Values::Timestamp(_) => DataType::Timestamp,
            Values::Decimal(t, _) => DataType::decimal(*t),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Int64(v) | Values::Timestamp(v) => v.len(),
            Values::Int32(v) => v.len(),
            Values::Float64(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Utf8(v) => v.len(),
            Values::Decimal(_, v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn with_capacity(data_type: DataType, capacity: usize) -> Values {
        match data_type {
            DataType::Int32 => Values::Int32(Vec::with_capacity(capacity)),
            DataType::Int64 => Values::Int64(Vec::with_capacity(capacity)),
            DataType::Float64 => Values::Float64(Vec::with_capacity(capacity)),
            DataType::Bool => Values::Bool(Vec::with_capacity(capacity)),
            DataType::Utf8 => Values::Utf8(Utf8Values::with_capacity(capacity, capacity * 8)),
            DataType::Timestamp => Values::Timestamp(Vec::with_capacity(capacity)),
            DataType::Decimal { precision, scale } => Values::Decimal(
                DecimalType { precision, scale },
                Vec::with_capacity(capacity),
            ),
        }
    }
}

/// A column of a batch: values plus an optional validity mask (`None` means no nulls).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub values: Values,
    /// `validity[i] == false` marks row `i` as NULL.
    pub validity: Option<Vec<bool>>,
}

/// Columns are shared, not copied, when an operator passes them through unchanged.
pub type ColumnRef = Arc<Column>;

impl Column {
    pub fn new(values: Values) -> Self {
        Column {
            values,
            validity: None,
        }
    }

    pub fn with_validity(values: Values, validity: Option<Vec<bool>>) -> Self {
        // A mask without a single null is dropped so kernels can take their fast path.
        let validity = validity.filter(|v| v.iter().any(|valid| !valid));
        Column { values, validity }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn data_type(&self) -> DataType {
        self.values.data_type()
    }

    pub fn is_valid(&self, i: usize) -> bool {
        self.validity.as_ref().is_none_or(|v| v[i])
    }

    /// The bytes the values take: 4 an INT, 8 a BIGINT or DOUBLE, 16 a DECIMAL, 1 a boolean, a string's text and its offset;
    /// what metrics count as bytes in and out.
    pub fn byte_size(&self) -> usize {
        match &self.values {
            Values::Int64(v) | Values::Timestamp(v) => v.len() * 8,
            Values::Int32(v) => v.len() * 4,
            Values::Float64(v) => v.len() * 8,
            Values::Bool(v) => v.len(),
            Values::Utf8(v) => v.text_bytes() + v.len() * 4,
            Values::Decimal(_, v) => v.len() * 16,
        }
    }

    pub fn null_count(&self) -> usize {
        self.validity
            .as_ref()
            .map_or(0, |v| v.iter().filter(|valid| !**valid).count())
    }

    /// A column of `len` copies of `value` (`NULL` needs the type to build).
    pub fn repeat(value: &Value, data_type: DataType, len: usize) -> Column {
        let values = match (value, data_type) {
            (Value::Int32(v), _) => Values::Int32(vec![*v; len]),
            (Value::Int64(v), _) => Values::Int64(vec![*v; len]),
            (Value::Float64(v), _) => Values::Float64(vec![*v; len]),
            (Value::Bool(v), _) => Values::Bool(vec![*v; len]),
            (Value::Timestamp(v), _) => Values::Timestamp(vec![*v; len]),
            (Value::Utf8(v), _) => Values::Utf8((0..len).map(|_| v.as_str()).collect()),
            (Value::Decimal(v, t), _) => Values::Decimal(*t, vec![*v; len]),
            (Value::Null, t) => {
                let mut b = ColumnBuilder::new(t, len);
                for _ in 0..len {
                    b.push_null();
                }
                return b.finish();
            }
        };
        Column::new(values)
    }

    /// The value at row `i`.
    pub fn value(&self, i: usize) -> Value {
        if !self.is_valid(i) {
            return Value::Null;
        }
        match &self.values {
            Values::Int32(v) => Value::Int32(v[i]),
            Values::Int64(v) => Value::Int64(v[i]),
            Values::Float64(v) => Value::Float64(v[i]),
            Values::Bool(v) => Value::Bool(v[i]),
            Values::Utf8(v) => Value::Utf8(v.get(i).to_string()),
            Values::Timestamp(v) => Value::Timestamp(v[i]),
            Values::Decimal(t, v) => Value::Decimal(v[i], *t),
        }
    }

    /// The rows at `indices`, in that order.
    pub fn take(&self, indices: &[u32]) -> Column {
        fn pick<T: Copy>(v: &[T], indices: &[u32]) -> Vec<T> {
            indices.iter().map(|&i| v[i as usize]).collect()
        }
        let values = match &self.values {
            Values::Int32(v) => Values::Int32(pick(v, indices)),
            Values::Int64(v) => Values::Int64(pick(v, indices)),
            Values::Float64(v) => Values::Float64(pick(v, indices)),
            Values::Bool(v) => Values::Bool(pick(v, indices)),
            Values::Timestamp(v) => Values::Timestamp(pick(v, indices)),
            Values::Decimal(t, v) => Values::Decimal(*t, pick(v, indices)),
            Values::Utf8(v) => {
                let mut out = Utf8Values::with_capacity(indices.len(), indices.len() * 8);
                for &i in indices {
                    out.push(v.get(i as usize));
                }
                Values::Utf8(out)
            }
        };
        let validity = self.validity.as_ref().map(|v| pick(v, indices));
        Column::with_validity(values, validity)
    }

    /// Rows `start..start + len`.
    pub fn slice(&self, start: usize, len: usize) -> Column {
        let indices: Vec<u32> = (start as u32..(start + len) as u32).collect();
        self.take(&indices)
    }
}

/// Builds a column value by value, for sources that parse text.
#[derive(Debug)]
pub struct ColumnBuilder {
    values: Values,
    validity: Vec<bool>,
    has_null: bool,
}

impl ColumnBuilder {
    pub fn new(data_type: DataType, capacity: usize) -> Self {
        ColumnBuilder {
            values: Values::with_capacity(data_type, capacity),
            validity: Vec::with_capacity(capacity),
            has_null: false,
        }
    }

    pub fn data_type(&self) -> DataType {
        self.values.data_type()
    }

    pub fn len(&self) -> usize {
        self.validity.len()
    }

    pub fn is_empty(&self) -> bool {
        self.validity.is_empty()
    }

    pub fn push_null(&mut self) {
        self.has_null = true;
        self.validity.push(false);
        match &mut self.values {
            Values::Int64(v) | Values::Timestamp(v) => v.push(0),
            Values::Int32(v) => v.push(0),
            Values::Float64(v) => v.push(0.0),
            Values::Bool(v) => v.push(false),
            Values::Utf8(v) => v.push(""),
            Values::Decimal(_, v) => v.push(0),
        }
    }

    /// Appends an integer to a BIGINT or TIMESTAMP column.
    pub fn push_i64(&mut self, value: i64) {
        match &mut self.values {
            Values::Int64(v) | Values::Timestamp(v) => v.push(value),
            other => panic!("an integer pushed into a {} column", other.data_type()),
        }
        self.validity.push(true);
    }

    /// Appends text to a STRING column.
    pub fn push_str(&mut self, value: &str) {
        match &mut self.values {
            Values::Utf8(v) => v.push(value),
            other => panic!("text pushed into a {} column", other.data_type()),
        }
        self.validity.push(true);
    }

    /// Appends `value`, which must be NULL or of the builder's type.
    pub fn push(&mut self, value: &Value) {
        match (&mut self.values, value) {
            (_, Value::Null) => return self.push_null(),
            (Values::Int32(v), Value::Int32(x)) => v.push(*x),
            (Values::Int64(v), Value::Int64(x)) => v.push(*x),
            (Values::Float64(v), Value::Float64(x)) => v.push(*x),
            (Values::Float64(v), Value::Int64(x)) => v.push(*x as f64),
            (Values::Bool(v), Value::Bool(x)) => v.push(*x),
            (Values::Utf8(v), Value::Utf8(x)) => v.push(x),
            (Values::Timestamp(v), Value::Timestamp(x) | Value::Int64(x)) => v.push(*x),
            (Values::Decimal(t, v), Value::Decimal(x, xt)) if t == xt => v.push(*x),
            (values, value) => panic!(
                "a {:?} value pushed into a {} column",
                value,
                values.data_type()
            ),
        }
        self.validity.push(true);
    }

    /// Appends row `i` of `column`, which must have the builder's type.
    pub fn push_from(&mut self, column: &Column, i: usize) {
        if !column.is_valid(i) {
            return self.push_null();
        }
        match (&mut self.values, &column.values) {
            (Values::Int64(v), Values::Int64(c)) | (Values::Timestamp(v), Values::Timestamp(c)) => {
                v.push(c[i])
            }
            (Values::Int32(v), Values::Int32(c)) => v.push(c[i]),
            (Values::Float64(v), Values::Float64(c)) => v.push(c[i]),
            (Values::Bool(v), Values::Bool(c)) => v.push(c[i]),
            (Values::Utf8(v), Values::Utf8(c)) => v.push(c.get(i)),
            (Values::Decimal(t, v), Values::Decimal(ct, c)) if t == ct => v.push(c[i]),
            (values, other) => panic!(
                "a {} column appended to a {} column",
                other.data_type(),
                values.data_type()
            ),
        }
        self.validity.push(true);
    }

    /// Appends every row of `column`, which must have the builder's type.
    pub fn extend_from(&mut self, column: &Column) {
        match (&mut self.values, &column.values) {
            (Values::Int64(v), Values::Int64(c)) | (Values::Timestamp(v), Values::Timestamp(c)) => {
                v.extend_from_slice(c)
            }
            (Values::Int32(v), Values::Int32(c)) => v.extend_from_slice(c),
            (Values::Float64(v), Values::Float64(c)) => v.extend_from_slice(c),
            (Values::Bool(v), Values::Bool(c)) => v.extend_from_slice(c),
            (Values::Utf8(v), Values::Utf8(c)) => c.iter().for_each(|s| v.push(s)),
            (Values::Decimal(t, v), Values::Decimal(ct, c)) if t == ct => v.extend_from_slice(c),
            (values, other) => panic!(
                "a {} column appended to a {} column",
                other.data_type(),
                values.data_type()
            ),
        }
        match &column.validity {
            Some(valid) => {
                self.has_null = true;
                self.validity.extend_from_slice(valid);
            }
            None => self
                .validity
                .resize(self.validity.len() + column.len(), true),
        }
    }

    /// Appends rows `rows` of `column`, which must have the builder's type.
    pub fn extend_from_rows(&mut self, column: &Column, rows: &[u32]) {
        fn pick<T: Copy>(out: &mut Vec<T>, values: &[T], rows: &[u32]) {
            out.extend(rows.iter().map(|&r| values[r as usize]));
        }
        match (&mut self.values, &column.values) {
            (Values::Int64(v), Values::Int64(c)) | (Values::Timestamp(v), Values::Timestamp(c)) => {
                pick(v, c, rows)
            }
            (Values::Int32(v), Values::Int32(c)) => pick(v, c, rows),
            (Values::Float64(v), Values::Float64(c)) => pick(v, c, rows),
            (Values::Bool(v), Values::Bool(c)) => pick(v, c, rows),
            (Values::Decimal(t, v), Values::Decimal(ct, c)) if t == ct => pick(v, c, rows),
            (Values::Utf8(v), Values::Utf8(c)) => {
                rows.iter().for_each(|&r| v.push(c.get(r as usize)))
            }
            (values, other) => panic!(
                "a {} column appended to a {} column",
                other.data_type(),
                values.data_type()
            ),
        }
        match &column.validity {
            Some(valid) => {
                self.has_null = true;
                pick(&mut self.validity, valid, rows);
            }
            None => self.validity.resize(self.validity.len() + rows.len(), true),
        }
    }

    pub fn finish(self) -> Column {
        let validity = self.has_null.then_some(self.validity);
        Column::with_validity(self.values, validity)
    }

    /// Finishes the column built so far and starts an empty one of the same type.
    pub fn take_column(&mut self) -> Column {
        let capacity = self.validity.capacity();
        let fresh = ColumnBuilder::new(self.data_type(), capacity);
        std::mem::replace(self, fresh).finish()
    }
}
