//! `CAST(x AS type)`: which conversions exist, and their kernels.

use std::fmt::Write;

use crate::types::{
    DataType, DecimalType, Utf8Values, Value, Values, decimal, format_timestamp, parse_timestamp,
};

use super::EvalError;
use super::decimal_kernels::{map1_nullable, to_f64};
use super::kernels::{Datum, Side, map1};

/// Whether `CAST` from `from` to `to` is allowed. TIMESTAMP converts only to and from text:
/// Flink reads a number as seconds in some versions and milliseconds in others.
pub(crate) fn castable(from: DataType, to: DataType) -> bool {
    use DataType::*;
    from == to
        || to == Utf8
        || from == Utf8
        || matches!(
            (from, to),
            (
                Int32 | Int64 | Float64 | Bool | Decimal { .. },
                Int32 | Int64 | Float64 | Bool | Decimal { .. }
            )
        )
}

pub(crate) fn cast(
    d: Datum,
    from: DataType,
    to: DataType,
    lenient: bool,
    rows: usize,
) -> Result<Datum, EvalError> {
    use DataType::*;
    if from == to {
        return Ok(d);
    }
    let column = match d {
        Datum::Scalar(v) => return cast_value(&v, to, lenient).map(Datum::Scalar),
        Datum::Array(c) => c,
    };
    let d = Datum::Array(column.clone());
    let own = column.validity.clone();
    if to != Utf8 && from != Utf8 && (from.as_decimal().is_some() || to.as_decimal().is_some()) {
        let mut valid = own.unwrap_or_else(|| vec![true; rows]);
        let values = cast_numbers(&d, from, to, lenient, &mut valid)?;
        return Ok(Datum::array(values, Some(valid)));
    }
    let values = match (from, to) {
        (Int32, Int64) => Values::Int64(map1(d.i32s()?, rows, i64::from)),
        // Narrowing keeps the low 32 bits, as Java's `(int)` does.
        (Int64, Int32) => Values::Int32(map1(d.i64s()?, rows, |x| x as i32)),
        (Int32, Float64) => Values::Float64(map1(d.i32s()?, rows, f64::from)),
        (Int64, Float64) => Values::Float64(map1(d.i64s()?, rows, |x| x as f64)),
        // `as` truncates toward zero and saturates (NaN becomes 0), as Java's casts do.
        (Float64, Int32) => Values::Int32(map1(d.f64s()?, rows, |x| x as i32)),
        (Float64, Int64) => Values::Int64(map1(d.f64s()?, rows, |x| x as i64)),
        (Int32, Bool) => Values::Bool(map1(d.i32s()?, rows, |x| x != 0)),
        (Bool, Int32) => Values::Int32(map1(d.bools()?, rows, i32::from)),
        (Int64, Bool) => Values::Bool(map1(d.i64s()?, rows, |x| x != 0)),
        (Float64, Bool) => Values::Bool(map1(d.f64s()?, rows, |x| x != 0.0)),
        (Bool, Int64) => Values::Int64(map1(d.bools()?, rows, i64::from)),
        (Bool, Float64) => Values::Float64(map1(d.bools()?, rows, |x| f64::from(u8::from(x)))),
        (_, Utf8) => Values::Utf8(format_column(&column.values)),
        (Utf8, _) => {
            let Values::Utf8(text) = &column.values else {
                return Err(EvalError::new("internal error: expected a STRING column"));
            };
            return parse_column(text, column.validity.as_deref(), to, lenient);
        }
        _ => {
            return Err(EvalError::new(format!("cannot cast {from} to {to}")));
        }
    };
    Ok(Datum::array(values, own))
}

/// The text of every value (NULL rows get some text; the validity mask hides it).
fn format_column(values: &Values) -> Utf8Values {
    let mut out = Utf8Values::with_capacity(values.len(), values.len() * 8);
    match values {
        Values::Int32(v) => v.iter().for_each(|x| out.push_with(|s| write_int(s, *x))),
        Values::Int64(v) => v.iter().for_each(|x| out.push_with(|s| write_int(s, *x))),
        Values::Float64(v) => v.iter().for_each(|x| out.push_with(|s| write_float(s, *x))),
        Values::Bool(v) => v.iter().for_each(|&x| out.push(bool_text(x))),
        Values::Timestamp(v) => v.iter().for_each(|&x| out.push(&format_timestamp(x))),
        Values::Decimal(t, v) => v
            .iter()
            .for_each(|x| out.push_with(|s| _ = decimal::write(s, *x, t.scale))),
        Values::Utf8(v) => return v.clone(),
    }
    out
}

/// Casts between DECIMAL and the other numbers (and BOOLEAN). A value that does not fit
/// the target DECIMAL is NULL; NaN or an infinity to DECIMAL fails, as in Flink.
fn cast_numbers(
    d: &Datum,
    from: DataType,
    to: DataType,
    lenient: bool,
    valid: &mut [bool],
) -> Result<Values, EvalError> {
    let internal = || EvalError::new(format!("internal error: no cast from {from} to {to}"));
    if let Some(t) = to.as_decimal() {
        let fit = move |x: i128| Ok(decimal::fit(x, 0, t));
        let values = match from {
            DataType::Int32 => map1_nullable(d.i32s()?, valid, |x| fit(i128::from(x)))?,
            DataType::Int64 => map1_nullable(d.i64s()?, valid, |x| fit(i128::from(x)))?,
            DataType::Bool => map1_nullable(d.bools()?, valid, |x| fit(i128::from(x)))?,
            DataType::Float64 => {
                map1_nullable(d.f64s()?, valid, |x| match decimal::from_f64(x, t) {
                    Ok(v) => Ok(v),
                    Err(_) if lenient => Ok(None),
                    Err(_) => Err(EvalError::new(format!(
                        "cannot cast {} to {to}",
                        Value::Float64(x)
                    ))),
                })?
            }
            DataType::Decimal { scale, .. } => {
                map1_nullable(d.decimals()?, valid, |x| Ok(decimal::fit(x, scale, t)))?
            }
            _ => return Err(internal()),
        };
        return Ok(Values::Decimal(t, values));
    }
    let Some(DecimalType { scale, .. }) = from.as_decimal() else {
        return Err(internal());
    };
    let v: Side<i128> = d.decimals()?;
    let rows = valid.len();
    // To an integer: the whole part, then its low bits, as Java's narrowing does.
    Ok(match to {
        DataType::Int32 => Values::Int32(map1(v, rows, |x| decimal::trunc(x, scale) as i32)),
        DataType::Int64 => Values::Int64(map1(v, rows, |x| decimal::trunc(x, scale) as i64)),
        DataType::Float64 => Values::Float64(map1(v, rows, |x| to_f64(x, scale))),
        DataType::Bool => Values::Bool(map1(v, rows, |x| x != 0)),
        _ => return Err(internal()),
    })
}

fn write_int(s: &mut String, x: impl std::fmt::Display) {
    let _ = write!(s, "{x}");
}

fn write_float(s: &mut String, x: f64) {
    let _ = crate::types::write_double(s, x);
}

fn bool_text(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

fn parse_column(
    text: &Utf8Values,
    validity: Option<&[bool]>,
    to: DataType,
    lenient: bool,
) -> Result<Datum, EvalError> {
    let rows = text.len();
    let mut ok: Vec<bool> = validity.map_or_else(|| vec![true; rows], <[bool]>::to_vec);
    // Parses each non-NULL row; a failure is an error, or NULL under TRY_CAST.
    fn run<T: Copy + Default>(
        text: &Utf8Values,
        ok: &mut [bool],
        to: DataType,
        lenient: bool,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, EvalError> {
        let mut out = Vec::with_capacity(text.len());
        for (i, valid) in ok.iter_mut().enumerate() {
            let value = if *valid {
                let s = text.get(i);
                match parse(s) {
                    Some(v) => v,
                    None if lenient => {
                        *valid = false;
                        T::default()
                    }
                    None => return Err(bad_text(s, to)),
                }
            } else {
                T::default()
            };
            out.push(value);
        }
        Ok(out)
    }
    let values = match to {
        DataType::Int32 => Values::Int32(run(text, &mut ok, to, lenient, parse_int)?),
        DataType::Int64 => Values::Int64(run(text, &mut ok, to, lenient, parse_int)?),
        DataType::Float64 => Values::Float64(run(text, &mut ok, to, lenient, parse_float)?),
        DataType::Bool => Values::Bool(run(text, &mut ok, to, lenient, parse_bool)?),
        DataType::Timestamp => Values::Timestamp(run(text, &mut ok, to, lenient, parse_timestamp)?),
        DataType::Utf8 => Values::Utf8(text.clone()),
        DataType::Decimal { precision, scale } => {
            let t = DecimalType { precision, scale };
            Values::Decimal(t, parse_decimals(text, &mut ok, t, lenient)?)
        }
    };
    Ok(Datum::array(values, Some(ok)))
}

/// Text to DECIMAL: text that is no number, or a number with more digits than the type
/// holds, fails (NULL under TRY_CAST), as in Flink.
fn parse_decimals(
    text: &Utf8Values,
    ok: &mut [bool],
    t: DecimalType,
    lenient: bool,
) -> Result<Vec<i128>, EvalError> {
    let mut out = Vec::with_capacity(text.len());
    for (i, valid) in ok.iter_mut().enumerate() {
        let s = text.get(i);
        out.push(match (*valid, parse_decimal(s, t)) {
            (false, _) => 0,
            (true, Ok(v)) => v,
            (true, Err(_)) if lenient => {
                *valid = false;
                0
            }
            (true, Err(e)) => return Err(e),
        });
    }
    Ok(out)
}

fn parse_decimal(s: &str, t: DecimalType) -> Result<i128, EvalError> {
    decimal::parse(s, t).map_err(|e| match e {
        decimal::ParseError::NotANumber => bad_text(s, DataType::decimal(t)),
        decimal::ParseError::Overflow => EvalError::new(format!(
            "cannot cast '{s}' to {}: it has more digits than the type holds",
            DataType::decimal(t)
        )),
    })
}

fn bad_text(s: &str, to: DataType) -> EvalError {
    EvalError::new(format!("cannot cast '{s}' to {to}"))
}

/// Text to an integer as Flink reads it: spaces around it, a sign, digits, and a fraction
/// that is dropped (`'1.9'` is 1, `'-0.5'` is 0); an exponent, hex, or a value out of the
/// type's range does not convert.
fn parse_int<T: TryFrom<i64>>(s: &str) -> Option<T> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Accumulated negatively so that the most negative value fits.
    let mut value: i64 = 0;
    for b in whole.bytes() {
        value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    let value = if negative {
        value
    } else {
        value.checked_neg()?
    };
    T::try_from(value).ok()
}

/// Text to a DOUBLE as Java's `Double.parseDouble` (and so Flink) reads it: spaces around
/// it, `NaN` and `Infinity` spelt so, an `f` or `d` suffix, and hexadecimal `0x1p3`.
fn parse_float(s: &str) -> Option<f64> {
    let s = s.trim();
    let (sign, body) = match s.as_bytes().first()? {
        b'-' => (-1.0, &s[1..]),
        b'+' => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return parse_hex_float(hex).map(|v| sign * v);
    }
    // Rust would also read `inf` and `nan`, which Java does not.
    let plain = body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !plain {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// The part after `0x` of a hexadecimal float: hex digits with an optional point, then a
/// binary exponent `p<n>`, which Java requires.
fn parse_hex_float(hex: &str) -> Option<f64> {
    let (mantissa, exponent) = hex.split_once(['p', 'P'])?;
    let exponent: i32 = exponent.parse().ok()?;
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in whole.chars().chain(fraction.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exponent.checked_sub(4 * fraction.len() as i32)?;
    Some(value * 2f64.powi(shift))
}

/// Flink's words for a BOOLEAN, in any case but without spaces around them.
fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// One value; used for literals and constant folding.
pub(crate) fn cast_value(v: &Value, to: DataType, lenient: bool) -> Result<Value, EvalError> {
    let parsed = |s: &str, parse: &dyn Fn(&str) -> Option<Value>| match parse(s) {
        Some(v) => Ok(v),
        None if lenient => Ok(Value::Null),
        None => Err(bad_text(s, to)),
    };
    Ok(match (v, to) {
        (Value::Null, _) => Value::Null,
        (v, to) if v.data_type() == Some(to) => v.clone(),
        (Value::Decimal(x, t), DataType::Utf8) => Value::Utf8(decimal::to_string(*x, t.scale)),
        (Value::Utf8(s), DataType::Decimal { precision, scale }) => {
            let t = DecimalType { precision, scale };
            match parse_decimal(s, t) {
                Ok(x) => Value::Decimal(x, t),
                Err(_) if lenient => Value::Null,
                Err(e) => return Err(e),
            }
        }
        (v, to)
            if v.data_type().is_some_and(|from| castable(from, to))
                && (to.as_decimal().is_some() || matches!(v, Value::Decimal(..))) =>
        {
            let from = v.data_type().expect("not NULL");
            let column = crate::types::Column::repeat(v, from, 1);
            let mut valid = [true];
            let values = cast_numbers(
                &Datum::Array(std::sync::Arc::new(column)),
                from,
                to,
                lenient,
                &mut valid,
            )?;
            crate::types::Column::with_validity(values, Some(valid.to_vec())).value(0)
        }
        (Value::Int32(x), DataType::Int64) => Value::Int64(i64::from(*x)),
        (Value::Int64(x), DataType::Int32) => Value::Int32(*x as i32),
        (Value::Int32(x), DataType::Float64) => Value::Float64(f64::from(*x)),
        (Value::Float64(x), DataType::Int32) => Value::Int32(*x as i32),
        (Value::Int32(x), DataType::Bool) => Value::Bool(*x != 0),
        (Value::Bool(x), DataType::Int32) => Value::Int32(i32::from(*x)),
        (Value::Int32(x), DataType::Utf8) => Value::Utf8(x.to_string()),
        (Value::Utf8(s), DataType::Int32) => parsed(s, &|s| parse_int(s).map(Value::Int32))?,
        (Value::Int64(x), DataType::Float64) => Value::Float64(*x as f64),
        (Value::Int64(x), DataType::Bool) => Value::Bool(*x != 0),
        (Value::Float64(x), DataType::Int64) => Value::Int64(*x as i64),
        (Value::Float64(x), DataType::Bool) => Value::Bool(*x != 0.0),
        (Value::Bool(x), DataType::Int64) => Value::Int64(i64::from(*x)),
        (Value::Bool(x), DataType::Float64) => Value::Float64(f64::from(u8::from(*x))),
        (Value::Int64(x), DataType::Utf8) => Value::Utf8(x.to_string()),
        (Value::Float64(x), DataType::Utf8) => Value::Utf8(Value::Float64(*x).to_string()),
        (Value::Bool(x), DataType::Utf8) => Value::Utf8(bool_text(*x).to_string()),
        (Value::Timestamp(x), DataType::Utf8) => Value::Utf8(format_timestamp(*x)),
        (Value::Utf8(s), DataType::Int64) => parsed(s, &|s| parse_int(s).map(Value::Int64))?,
        (Value::Utf8(s), DataType::Float64) => parsed(s, &|s| parse_float(s).map(Value::Float64))?,
        (Value::Utf8(s), DataType::Bool) => parsed(s, &|s| parse_bool(s).map(Value::Bool))?,
        (Value::Utf8(s), DataType::Timestamp) => {
            parsed(s, &|s| parse_timestamp(s).map(Value::Timestamp))?
        }
        (v, to) => {
            return Err(EvalError::new(format!(
                "cannot cast {} to {to}",
                v.data_type().map_or("NULL".into(), DataType::sql_name)
            )));
        }
    })
}
