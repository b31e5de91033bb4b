//! A compact form of columns for checkpoints: values as they are stored, NULLs as one bit a
//! row, text as lengths and one string. Decoding checks what it reads, so that a damaged
//! state is an error when it is read rather than a column that panics later.

use serde::{Deserialize, Serialize};

use super::{Batch, Column, DataType, DecimalType, Utf8Values, Values};

/// A column as a checkpoint keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnState {
    values: ValuesState,
    /// Bit `i % 8` of byte `i / 8` is set where row `i` is NULL; `None` when no row is.
    nulls: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum ValuesState {
    Int64(Vec<i64>),
    Float64(Vec<f64>),
    Bool(Vec<bool>),
    /// Each value's length in bytes, and the values back to back.
    Utf8 {
        lengths: Vec<u32>,
        text: String,
    },
    Timestamp(Vec<i64>),
    Int32(Vec<i32>),
    Decimal {
        precision: u8,
        scale: u8,
        values: Vec<i128>,
    },
}

impl ValuesState {
    fn len(&self) -> usize {
        match self {
            ValuesState::Int64(v) | ValuesState::Timestamp(v) => v.len(),
            ValuesState::Int32(v) => v.len(),
            ValuesState::Float64(v) => v.len(),
            ValuesState::Bool(v) => v.len(),
            ValuesState::Utf8 { lengths, .. } => lengths.len(),
            ValuesState::Decimal { values, .. } => values.len(),
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            ValuesState::Int32(_) => DataType::Int32,
            ValuesState::Int64(_) => DataType::Int64,
            ValuesState::Float64(_) => DataType::Float64,
            ValuesState::Bool(_) => DataType::Bool,
            ValuesState::Utf8 { .. } => DataType::Utf8,
            ValuesState::Timestamp(_) => DataType::Timestamp,
            ValuesState::Decimal {
                precision, scale, ..
            } => DataType::Decimal {
                precision: *precision,
                scale: *scale,
            },
        }
    }
}

impl From<Values> for ValuesState {
    fn from(values: Values) -> Self {
        match values {
            Values::Int32(v) => ValuesState::Int32(v),
            Values::Int64(v) => ValuesState::Int64(v),
            Values::Float64(v) => ValuesState::Float64(v),
            Values::Bool(v) => ValuesState::Bool(v),
            Values::Timestamp(v) => ValuesState::Timestamp(v),
            Values::Decimal(t, values) => ValuesState::Decimal {
                precision: t.precision,
                scale: t.scale,
                values,
            },
            Values::Utf8(v) => {
                let mut text = String::with_capacity(v.text_bytes());
                let lengths = v
                    .iter()
                    .map(|s| {
                        text.push_str(s);
                        s.len() as u32
                    })
                    .collect();
                ValuesState::Utf8 { lengths, text }
            }
        }
    }
}

impl ColumnState {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn data_type(&self) -> DataType {
        self.values.data_type()
    }

    /// The column again; an error says what does not hold together.
    pub fn decode(self) -> Result<Column, String> {
        let rows = self.len();
        let validity = match self.nulls {
            None => None,
            Some(bits) => {
                if bits.len() != rows.div_ceil(8) {
                    return Err(format!(
                        "a column of {rows} rows has {} bytes of NULL marks",
                        bits.len()
                    ));
                }
                Some(
                    (0..rows)
                        .map(|i| bits[i / 8] & (1 << (i % 8)) == 0)
                        .collect(),
                )
            }
        };
        let values = match self.values {
            ValuesState::Int32(v) => Values::Int32(v),
            ValuesState::Int64(v) => Values::Int64(v),
            ValuesState::Float64(v) => Values::Float64(v),
            ValuesState::Bool(v) => Values::Bool(v),
            ValuesState::Timestamp(v) => Values::Timestamp(v),
            ValuesState::Decimal {
                precision,
                scale,
                values,
            } => {
                let t = DecimalType::new(u32::from(precision), u32::from(scale))?;
                // Flink's text casts may round one digit past the type (9999.995 is
                // 10000.00 as DECIMAL(6, 2)), so up to 10^precision is kept.
                let limit = crate::types::decimal::POW10[usize::from(t.precision)].unsigned_abs();
                if let Some(bad) = values.iter().find(|&&v| v.unsigned_abs() > limit) {
                    return Err(format!(
                        "a DECIMAL({precision}, {scale}) column holds {bad}, which has more digits"
                    ));
                }
                Values::Decimal(t, values)
            }
            ValuesState::Utf8 { lengths, text } => {
                let mut values = Utf8Values::with_capacity(lengths.len(), text.len());
                let mut at = 0usize;
                for len in lengths {
                    let end = at.saturating_add(len as usize);
                    let value = text
                        .get(at..end)
                        .ok_or("a text column's lengths do not fit its text")?;
                    values.push(value);
                    at = end;
                }
                if at != text.len() {
                    return Err("a text column's lengths do not fit its text".into());
                }
                Values::Utf8(values)
            }
        };
        Ok(Column::with_validity(values, validity))
    }
}

impl From<Column> for ColumnState {
    fn from(column: Column) -> Self {
        let nulls = column.validity.as_ref().map(|valid| {
            let mut bits = vec![0u8; valid.len().div_ceil(8)];
            for (i, _) in valid.iter().enumerate().filter(|(_, ok)| !**ok) {
                bits[i / 8] |= 1 << (i % 8);
            }
            bits
        });
        ColumnState {
            values: column.values.into(),
            nulls,
        }
    }
}

impl From<&Column> for ColumnState {
    fn from(column: &Column) -> Self {
        column.clone().into()
    }
}

/// The columns of some rows, as a checkpoint keeps them: no watermarks or kinds, which only
/// matter to rows in flight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnsState {
    /// Rows, kept apart from the columns for rows without any (a window over the whole
    /// stream has no key columns).
    rows: u64,
    columns: Vec<ColumnState>,
}

impl ColumnsState {
    /// `columns`, each `rows` long.
    pub fn new(columns: Vec<Column>, rows: usize) -> Self {
        debug_assert!(columns.iter().all(|c| c.len() == rows));
        ColumnsState {
            rows: rows as u64,
            columns: columns.into_iter().map(ColumnState::from).collect(),
        }
    }

    pub fn rows(&self) -> usize {
        self.rows as usize
    }

    /// The rows as a batch, whose columns must be of `types`.
    pub fn decode(self, types: &[DataType]) -> Result<Batch, String> {
        let found: Vec<DataType> = self.columns.iter().map(ColumnState::data_type).collect();
        if found != types {
            let names = |t: &[DataType]| {
                let names: Vec<String> = t.iter().map(|t| t.sql_name()).collect();
                format!("({})", names.join(", "))
            };
            return Err(format!(
                "columns {} where {} were expected",
                names(&found),
                names(types)
            ));
        }
        let rows = self.rows();
        let columns = self
            .columns
            .into_iter()
            .map(|c| {
                if c.len() != rows {
                    return Err(format!("a column of {} rows among {rows}", c.len()));
                }
                c.decode()
            })
            .collect::<Result<Vec<Column>, String>>()?;
        Ok(Batch::new(
            columns.into_iter().map(std::sync::Arc::new).collect(),
            rows,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    fn round_trip(column: Column) -> Column {
        let bytes = postcard::to_allocvec(&ColumnState::from(&column)).unwrap();
        postcard::from_bytes::<ColumnState>(&bytes)
            .unwrap()
            .decode()
            .unwrap()
    }

    #[test]
    fn every_type_and_its_nulls_come_back() {
        let columns = [
            Column::with_validity(
                Values::Int64(vec![1, -2, 0, i64::MAX, 5, 6, 7, 8, 9]),
                Some(vec![true, true, false, true, true, true, true, true, false]),
            ),
            Column::new(Values::Float64(vec![-0.0, f64::NAN, 1.5])),
            Column::with_validity(
                Values::Int32(vec![i32::MIN, 0, i32::MAX]),
                Some(vec![true, false, true]),
            ),
            Column::new(Values::Bool(vec![true, false])),
            Column::with_validity(
                Values::Utf8(["é", "", "tail"].into_iter().collect()),
                Some(vec![true, false, true]),
            ),
            Column::new(Values::Timestamp(vec![1_700_000_000_000])),
            Column::new(Values::Utf8(Utf8Values::default())),
            Column::with_validity(
                Values::Decimal(
                    DecimalType::new(38, 10).unwrap(),
                    vec![-(10i128.pow(38) - 1), 0, 150],
                ),
                Some(vec![true, false, true]),
            ),
        ];
        for column in columns {
            let back = round_trip(column.clone());
            assert_eq!(back.data_type(), column.data_type());
            assert_eq!(back.validity, column.validity);
            let text = |c: &Column| {
                (0..c.len())
                    .map(|i| format!("{:?}", c.value(i)))
                    .collect::<Vec<_>>()
            };
            assert_eq!(text(&back), text(&column));
        }
        assert_eq!(
            round_trip(Column::new(Values::Float64(vec![-0.0]))).value(0),
            Value::Float64(-0.0)
        );
    }

    #[test]
    fn a_decimal_wider_than_its_type_is_an_error() {
        let bad = ColumnState {
            values: ValuesState::Decimal {
                precision: 3,
                scale: 1,
                values: vec![1001],
            },
            nulls: None,
        };
        assert!(bad.decode().unwrap_err().contains("DECIMAL(3, 1)"));
    }

    #[test]
    fn lengths_that_do_not_fit_the_text_are_an_error() {
        let bad = ColumnState {
            values: ValuesState::Utf8 {
                lengths: vec![1, 1],
                text: "é".into(),
            },
            nulls: None,
        };
        assert!(bad.decode().is_err());
        let short_nulls = ColumnState {
            values: ValuesState::Int64(vec![0; 9]),
            nulls: Some(vec![0]),
        };
        assert!(short_nulls.decode().is_err());
        let mistyped = ColumnsState::new(vec![Column::new(Values::Int64(vec![1]))], 1);
        let error = mistyped.decode(&[DataType::Utf8]).unwrap_err();
        assert_eq!(error, "columns (BIGINT) where (STRING) were expected");
    }
}
