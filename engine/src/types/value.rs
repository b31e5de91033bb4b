use std::fmt;

use super::{DataType, format_timestamp};

/// One scalar: a literal in an expression, a cell when printing a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int64(i64),
    Float64(f64),
    Bool(bool),
    Utf8(String),
    Timestamp(i64),
}

impl Value {
    pub fn data_type(&self) -> Option<DataType> {
        match self {
            Value::Null => None,
            Value::Int64(_) => Some(DataType::Int64),
            Value::Float64(_) => Some(DataType::Float64),
            Value::Bool(_) => Some(DataType::Bool),
            Value::Utf8(_) => Some(DataType::Utf8),
            Value::Timestamp(_) => Some(DataType::Timestamp),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as JSON, for JSON Lines output and summaries.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Int64(v) => (*v).into(),
            Value::Float64(v) => serde_json::Number::from_f64(*v)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Bool(v) => (*v).into(),
            Value::Utf8(v) => v.clone().into(),
            Value::Timestamp(v) => format_timestamp(*v).into(),
        }
    }
}

impl fmt::Display for Value {
    /// The text form used by the console sink and CSV files (NULL prints as `NULL` here;
    /// file writers decide their own spelling of null).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int64(v) => write!(f, "{v}"),
            // As Java prints a double: `27.0`, not `27`.
            Value::Float64(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 => {
                write!(f, "{v:.1}")
            }
            Value::Float64(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{}", if *v { "TRUE" } else { "FALSE" }),
            Value::Utf8(v) => f.write_str(v),
            Value::Timestamp(v) => f.write_str(&format_timestamp(*v)),
        }
    }
}
