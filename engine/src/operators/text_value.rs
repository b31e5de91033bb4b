//! Values read from text or JSON into a declared column type, as Flink's csv and json
//! formats read them. Shared by the file source and the stream sources, which say where.

use serde_json::Value as J;

use crate::types::{DataType, DecimalType, Value, decimal, parse_timestamp};

/// Text as a value of `data_type`; text around a number, boolean or time may have spaces,
/// and such text that is empty is NULL.
pub fn from_text(data_type: DataType, text: &str) -> Result<Value, String> {
    let text = if data_type == DataType::Utf8 {
        text
    } else {
        text.trim()
    };
    if text.is_empty() && data_type != DataType::Utf8 {
        return Ok(Value::Null);
    }
    let value = match data_type {
        DataType::Int32 => text.parse().map(Value::Int32).ok(),
        DataType::Int64 => text.parse().map(Value::Int64).ok(),
        DataType::Float64 => text.parse().map(Value::Float64).ok(),
        DataType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        DataType::Utf8 => Some(Value::Utf8(text.to_string())),
        DataType::Timestamp => parse_timestamp(text).map(Value::Timestamp),
        DataType::Decimal { precision, scale } => {
            let t = DecimalType { precision, scale };
            match decimal::parse(text, t) {
                Ok(v) => Some(Value::Decimal(v, t)),
                Err(decimal::ParseError::NotANumber) => None,
                Err(decimal::ParseError::Overflow) => {
                    return Err(format!("`{text}` has more digits than a {data_type} holds"));
                }
            }
        }
    };
    value.ok_or_else(|| format!("`{text}` is not a {data_type}"))
}

/// A JSON value (or a missing one, which is NULL) as a value of `data_type`.
pub fn from_json(data_type: DataType, json: Option<&J>) -> Result<Value, String> {
    let value = match (json, data_type) {
        (None | Some(J::Null), _) => Some(Value::Null),
        (Some(J::Number(n)), DataType::Int32) => n
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map(Value::Int32),
        (Some(J::Number(n)), DataType::Int64) => n.as_i64().map(Value::Int64),
        (Some(J::Number(n)), DataType::Float64) => n.as_f64().map(Value::Float64),
        (Some(J::Number(n)), DataType::Timestamp) => n.as_i64().map(Value::Timestamp),
        (Some(J::Number(n)), DataType::Decimal { .. }) => {
            return from_text(data_type, &n.to_string());
        }
        (Some(J::Bool(b)), DataType::Bool) => Some(Value::Bool(*b)),
        (Some(J::String(s)), DataType::Utf8) => Some(Value::Utf8(s.clone())),
        (Some(J::String(s)), _) => return from_text(data_type, s),
        (Some(other), DataType::Utf8) => Some(Value::Utf8(other.to_string())),
        _ => None,
    };
    value.ok_or_else(|| {
        let shown = json.map_or("a missing value".into(), |v| format!("`{v}`"));
        format!("{shown} is not a {data_type}")
    })
}
