//! Loops over DECIMAL columns: arithmetic that may overflow to NULL, comparisons across
//! scales, and the one-argument functions. The values are unscaled `i128`s; the types that
//! give them their scale come from the checked tree.

use std::cmp::Ordering;

use crate::types::DecimalType;
use crate::types::decimal;

use super::EvalError;
use super::kernels::{ArithOp, CmpOp, Side, division_by_zero};

/// Applies `f` to each row still valid in `valid`; a `None` result makes the row NULL.
pub(crate) fn map2_nullable<A: Copy, B: Copy, O: Copy + Default>(
    l: Side<A>,
    r: Side<B>,
    valid: &mut [bool],
    f: impl Fn(A, B) -> Result<Option<O>, EvalError>,
) -> Result<Vec<O>, EvalError> {
    let at = |s: Side<A>, i: usize| match s {
        Side::Arr(v) => v[i],
        Side::One(x) => x,
    };
    let at_b = |s: Side<B>, i: usize| match s {
        Side::Arr(v) => v[i],
        Side::One(x) => x,
    };
    let mut out = Vec::with_capacity(valid.len());
    for (i, ok) in valid.iter_mut().enumerate() {
        if !*ok {
            out.push(O::default());
            continue;
        }
        match f(at(l, i), at_b(r, i))? {
            Some(v) => out.push(v),
            None => {
                *ok = false;
                out.push(O::default());
            }
        }
    }
    Ok(out)
}

/// Like [`map2_nullable`] for one argument.
pub(crate) fn map1_nullable<A: Copy, O: Copy + Default>(
    a: Side<A>,
    valid: &mut [bool],
    f: impl Fn(A) -> Result<Option<O>, EvalError>,
) -> Result<Vec<O>, EvalError> {
    map2_nullable(a, Side::One(()), valid, |x, ()| f(x))
}

/// `l op r` at type `out`; NULL where the result needs more digits, an error on a zero
/// divisor as in Flink.
pub(crate) fn arith(
    op: ArithOp,
    (l, lt): (Side<i128>, DecimalType),
    (r, rt): (Side<i128>, DecimalType),
    out: DecimalType,
    valid: &mut [bool],
) -> Result<Vec<i128>, EvalError> {
    match op {
        ArithOp::Add => map2_nullable(l, r, valid, |a, b| Ok(decimal::add(a, lt, b, rt, out))),
        ArithOp::Sub => map2_nullable(l, r, valid, |a, b| Ok(decimal::add(a, lt, -b, rt, out))),
        ArithOp::Mul => map2_nullable(l, r, valid, |a, b| Ok(decimal::mul(a, lt, b, rt, out))),
        ArithOp::Div => map2_nullable(l, r, valid, |a, b| {
            if b == 0 {
                return Err(division_by_zero());
            }
            Ok(decimal::div(a, lt, b, rt, out))
        }),
        ArithOp::Rem => map2_nullable(l, r, valid, |a, b| {
            if b == 0 {
                return Err(division_by_zero());
            }
            Ok(decimal::rem(a, lt, b, rt, out))
        }),
    }
}

/// Compares decimals by value whatever their scales.
pub(crate) fn compare(
    op: CmpOp,
    (l, ls): (Side<i128>, u8),
    (r, rs): (Side<i128>, u8),
    rows: usize,
) -> Vec<bool> {
    let test = move |o: Ordering| match op {
        CmpOp::Eq => o.is_eq(),
        CmpOp::NotEq => o.is_ne(),
        CmpOp::Lt => o.is_lt(),
        CmpOp::LtEq => o.is_le(),
        CmpOp::Gt => o.is_gt(),
        CmpOp::GtEq => o.is_ge(),
    };
    if ls == rs {
        // One scale: the unscaled values order as the numbers do.
        return super::kernels::map2(l, r, rows, |a: i128, b: i128| test(a.cmp(&b)));
    }
    super::kernels::map2(l, r, rows, |a, b| test(decimal::compare(a, ls, b, rs)))
}

/// A DECIMAL as a DOUBLE, correctly rounded: exactly one division when both parts are exact
/// doubles, else through the digits.
pub(crate) fn to_f64(v: i128, scale: u8) -> f64 {
    const EXACT: i128 = 1 << 53;
    if v.abs() < EXACT && scale <= 22 {
        v as f64 / decimal::POW10[usize::from(scale)] as f64
    } else {
        decimal::to_f64(v, scale)
    }
}
