//! Built-in scalar functions: names, and the kernels of those that are not rewritten into
//! other nodes (`MOD` becomes `%`, `COALESCE` a CASE, `FLOOR`/`CEIL` of a BIGINT the argument).

use crate::types::{DataType, DecimalType, Utf8Values, Value, Values, decimal};

use super::EvalError;
use super::kernels::{Datum, StrSide, and_validity, map1};

/// Every function name accepted, for the error on an unknown one.
pub(crate) const SUPPORTED: &[&str] = &[
    "ABS",
    "CEIL",
    "CEILING",
    "CHAR_LENGTH",
    "CHARACTER_LENGTH",
    "COALESCE",
    "CONCAT",
    "FLOOR",
    "LOWER",
    "MOD",
    "UPPER",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Abs,
    Floor,
    Ceil,
    Lower,
    Upper,
    CharLength,
    /// Every argument is already STRING.
    Concat,
}

/// The scale of a DECIMAL argument, which FLOOR and CEIL drop.
fn scale_of(d: &Datum) -> Result<u8, EvalError> {
    match d {
        Datum::Array(c) => match &c.values {
            Values::Decimal(t, _) => Ok(t.scale),
            other => Err(EvalError::new(format!(
                "internal error: a {} argument where a DECIMAL was expected",
                other.data_type()
            ))),
        },
        Datum::Scalar(Value::Decimal(_, t)) => Ok(t.scale),
        Datum::Scalar(v) => Err(EvalError::new(format!(
            "internal error: {v:?} where a DECIMAL was expected"
        ))),
    }
}

/// FLOOR (`ceil == false`) or CEIL of a DECIMAL, at scale 0 in the same precision.
fn round_decimal(d: &Datum, ceil: bool, rows: usize) -> Result<Vec<i128>, EvalError> {
    let scale = scale_of(d)?;
    Ok(map1(d.decimals()?, rows, |x| {
        decimal::floor_or_ceil(x, scale, ceil)
    }))
}

/// Runs `func`; any NULL argument makes the row NULL (Flink's CONCAT included).
pub(crate) fn call(
    func: Func,
    args: Vec<Datum>,
    ty: DataType,
    rows: usize,
) -> Result<Datum, EvalError> {
    if args.iter().any(Datum::is_null_scalar) {
        return Ok(Datum::null());
    }
    if args.iter().all(|a| matches!(a, Datum::Scalar(_))) {
        return call_scalar(func, &args, ty);
    }
    let validity = args.iter().fold(None, |acc: Option<Vec<bool>>, a| {
        and_validity(acc.as_deref(), a.validity())
    });
    let values = match (func, ty) {
        (Func::Abs, DataType::Int64) => {
            Values::Int64(map1(args[0].i64s()?, rows, i64::wrapping_abs))
        }
        (Func::Abs, DataType::Int32) => {
            Values::Int32(map1(args[0].i32s()?, rows, i32::wrapping_abs))
        }
        (Func::Abs, DataType::Decimal { precision, scale }) => Values::Decimal(
            DecimalType { precision, scale },
            map1(args[0].decimals()?, rows, i128::abs),
        ),
        (Func::Floor | Func::Ceil, DataType::Decimal { precision, scale }) => Values::Decimal(
            DecimalType { precision, scale },
            round_decimal(&args[0], func == Func::Ceil, rows)?,
        ),
        (Func::Abs, _) => Values::Float64(map1(args[0].f64s()?, rows, f64::abs)),
        (Func::Floor, _) => Values::Float64(map1(args[0].f64s()?, rows, f64::floor)),
        (Func::Ceil, _) => Values::Float64(map1(args[0].f64s()?, rows, f64::ceil)),
        (Func::Lower, _) => Values::Utf8(map_text(args[0].strs()?, rows, lower)),
        (Func::Upper, _) => Values::Utf8(map_text(args[0].strs()?, rows, upper)),
        (Func::CharLength, _) => {
            let text = args[0].strs()?;
            Values::Int32((0..rows).map(|i| char_length(text.get(i))).collect())
        }
        (Func::Concat, _) => {
            let parts = args
                .iter()
                .map(Datum::strs)
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Utf8Values::with_capacity(rows, rows * 16);
            for i in 0..rows {
                out.push_with(|s| parts.iter().for_each(|p| s.push_str(p.get(i))));
            }
            Values::Utf8(out)
        }
    };
    Ok(Datum::array(values, validity))
}

fn call_scalar(func: Func, args: &[Datum], ty: DataType) -> Result<Datum, EvalError> {
    let text = |i: usize| args[i].strs().map(|s| s.get(0));
    let value = match (func, ty) {
        (Func::Abs, DataType::Int64) => {
            Value::Int64(args[0].i64s().map(|s| first(s).wrapping_abs())?)
        }
        (Func::Abs, DataType::Int32) => {
            Value::Int32(args[0].i32s().map(|s| first(s).wrapping_abs())?)
        }
        (Func::Abs, DataType::Decimal { precision, scale }) => Value::Decimal(
            first(args[0].decimals()?).abs(),
            DecimalType { precision, scale },
        ),
        (Func::Floor | Func::Ceil, DataType::Decimal { precision, scale }) => Value::Decimal(
            round_decimal(&args[0], func == Func::Ceil, 1)?[0],
            DecimalType { precision, scale },
        ),
        (Func::Abs, _) => Value::Float64(first(args[0].f64s()?).abs()),
        (Func::Floor, _) => Value::Float64(first(args[0].f64s()?).floor()),
        (Func::Ceil, _) => Value::Float64(first(args[0].f64s()?).ceil()),
        (Func::Lower, _) => Value::Utf8(with_string(|s| {
            lower(s, text(0)?);
            Ok(())
        })?),
        (Func::Upper, _) => Value::Utf8(with_string(|s| {
            upper(s, text(0)?);
            Ok(())
        })?),
        (Func::CharLength, _) => Value::Int32(char_length(text(0)?)),
        (Func::Concat, _) => {
            let mut s = String::new();
            for i in 0..args.len() {
                s.push_str(text(i)?);
            }
            Value::Utf8(s)
        }
    };
    Ok(Datum::Scalar(value))
}

fn first<T: Copy>(side: super::kernels::Side<T>) -> T {
    match side {
        super::kernels::Side::One(x) => x,
        super::kernels::Side::Arr(v) => v[0],
    }
}

fn with_string(f: impl FnOnce(&mut String) -> Result<(), EvalError>) -> Result<String, EvalError> {
    let mut s = String::new();
    f(&mut s)?;
    Ok(s)
}

fn map_text(text: StrSide, rows: usize, f: impl Fn(&mut String, &str)) -> Utf8Values {
    let mut out = Utf8Values::with_capacity(rows, rows * 8);
    for i in 0..rows {
        out.push_with(|s| f(s, text.get(i)));
    }
    out
}

/// Appends `text` lowercased; ASCII text is converted in place without a temporary.
fn lower(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

fn upper(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_uppercase();
    } else {
        out.push_str(&text.to_uppercase());
    }
}

/// Characters, not bytes, as in Flink; an INT there too.
fn char_length(text: &str) -> i32 {
    text.chars().count() as i32
}
