use std::fmt;

use super::{DataType, DecimalType, decimal, format_timestamp};

/// One scalar: a literal in an expression, a cell when printing a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int64(i64),
    Float64(f64),
    Bool(bool),
    Utf8(String),
    Timestamp(i64),
    Int32(i32),
    /// An unscaled value and its type: `Decimal(150, DECIMAL(3, 2))` is 1.50.
    Decimal(i128, DecimalType),
}

impl Value {
    pub fn data_type(&self) -> Option<DataType> {
        match self {
            Value::Null => None,
            Value::Int32(_) => Some(DataType::Int32),
            Value::Int64(_) => Some(DataType::Int64),
            Value::Float64(_) => Some(DataType::Float64),
            Value::Bool(_) => Some(DataType::Bool),
            Value::Utf8(_) => Some(DataType::Utf8),
            Value::Timestamp(_) => Some(DataType::Timestamp),
            Value::Decimal(_, t) => Some(DataType::decimal(*t)),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as JSON, for JSON Lines output and summaries.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Int32(v) => (*v).into(),
            Value::Int64(v) => (*v).into(),
            Value::Float64(v) => serde_json::Number::from_f64(*v)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Bool(v) => (*v).into(),
            Value::Utf8(v) => v.clone().into(),
            Value::Timestamp(v) => format_timestamp(*v).into(),
            // A JSON value holds no more than a double; the file sink writes the digits.
            Value::Decimal(v, t) => serde_json::Number::from_f64(decimal::to_f64(*v, t.scale))
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
        }
    }
}

impl fmt::Display for Value {
    /// The text form used by the console sink and CSV files (NULL prints as `NULL` here;
    /// file writers decide their own spelling of null).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int32(v) => write!(f, "{v}"),
            Value::Int64(v) => write!(f, "{v}"),
            Value::Float64(v) => write_double(f, *v),
            Value::Bool(v) => write!(f, "{}", if *v { "TRUE" } else { "FALSE" }),
            Value::Utf8(v) => f.write_str(v),
            Value::Timestamp(v) => f.write_str(&format_timestamp(*v)),
            Value::Decimal(v, t) => decimal::write(f, *v, t.scale),
        }
    }
}

/// Writes a DOUBLE as Java (and so Flink) prints it: `27.0`, `0.001`, `1.0E20`, `1.0E-4`,
/// `Infinity`, `NaN`, with the shortest digits that read back to the same value.
pub fn write_double(out: &mut impl fmt::Write, v: f64) -> fmt::Result {
    if v.is_nan() {
        return out.write_str("NaN");
    }
    if v.is_infinite() {
        return out.write_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    }
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = format!("{v}");
        out.write_str(&text)?;
        if !text.contains('.') {
            out.write_str(".0")?;
        }
        return Ok(());
    }
    let text = format!("{v:e}");
    let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    let dot = if mantissa.contains('.') { "" } else { ".0" };
    write!(out, "{mantissa}{dot}E{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_in_java() {
        let text = |v: f64| Value::Float64(v).to_string();
        assert_eq!(text(27.0), "27.0");
        assert_eq!(text(-0.5), "-0.5");
        assert_eq!(text(0.0), "0.0");
        assert_eq!(text(0.001), "0.001");
        assert_eq!(text(1234567.5), "1234567.5");
        assert_eq!(text(1e7), "1.0E7");
        assert_eq!(text(1e20), "1.0E20");
        assert_eq!(text(1.5e-6), "1.5E-6");
        assert_eq!(text(-2.25e-4), "-2.25E-4");
        assert_eq!(text(f64::INFINITY), "Infinity");
        assert_eq!(text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(text(f64::NAN), "NaN");
    }
}
