//! Vectorized loops over whole columns. Every function here runs once per batch and loops
//! over plain slices; the per-row body is a monomorphized closure, never a dispatch.

use std::sync::Arc;

use crate::types::{Column, ColumnRef, DataType, Utf8Values, Value, Values};

use super::EvalError;

/// An operand of a kernel: a whole column or one value standing for every row.
#[derive(Clone, Debug)]
pub(crate) enum Datum {
    Array(ColumnRef),
    Scalar(Value),
}

impl Datum {
    pub(crate) fn array(values: Values, validity: Option<Vec<bool>>) -> Datum {
        Datum::Array(Arc::new(Column::with_validity(values, validity)))
    }

    pub(crate) fn null() -> Datum {
        Datum::Scalar(Value::Null)
    }

    pub(crate) fn is_null_scalar(&self) -> bool {
        matches!(self, Datum::Scalar(Value::Null))
    }

    /// The validity mask, `None` when every row is valid (a non-null scalar).
    pub(crate) fn validity(&self) -> Option<&[bool]> {
        match self {
            Datum::Array(c) => c.validity.as_deref(),
            Datum::Scalar(_) => None,
        }
    }

    /// Turns the datum into a column of `rows` rows.
    pub(crate) fn into_column(self, data_type: DataType, rows: usize) -> ColumnRef {
        match self {
            Datum::Array(c) => c,
            Datum::Scalar(v) => Arc::new(Column::repeat(&v, data_type, rows)),
        }
    }

    pub(crate) fn i64s(&self) -> Result<Side<'_, i64>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Int64(v) | Values::Timestamp(v) => Ok(Side::Arr(v)),
                other => Err(mismatch("BIGINT", other.data_type())),
            },
            Datum::Scalar(Value::Int64(x) | Value::Timestamp(x)) => Ok(Side::One(*x)),
            Datum::Scalar(v) => Err(scalar_mismatch("BIGINT", v)),
        }
    }

    pub(crate) fn i32s(&self) -> Result<Side<'_, i32>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Int32(v) => Ok(Side::Arr(v)),
                other => Err(mismatch("INT", other.data_type())),
            },
            Datum::Scalar(Value::Int32(x)) => Ok(Side::One(*x)),
            Datum::Scalar(v) => Err(scalar_mismatch("INT", v)),
        }
    }

    /// The unscaled values of a DECIMAL; the node's type says their scale.
    pub(crate) fn decimals(&self) -> Result<Side<'_, i128>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Decimal(_, v) => Ok(Side::Arr(v)),
                other => Err(mismatch("DECIMAL", other.data_type())),
            },
            Datum::Scalar(Value::Decimal(x, _)) => Ok(Side::One(*x)),
            Datum::Scalar(v) => Err(scalar_mismatch("DECIMAL", v)),
        }
    }

    pub(crate) fn f64s(&self) -> Result<Side<'_, f64>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Float64(v) => Ok(Side::Arr(v)),
                other => Err(mismatch("DOUBLE", other.data_type())),
            },
            Datum::Scalar(Value::Float64(x)) => Ok(Side::One(*x)),
            Datum::Scalar(v) => Err(scalar_mismatch("DOUBLE", v)),
        }
    }

    pub(crate) fn bools(&self) -> Result<Side<'_, bool>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Bool(v) => Ok(Side::Arr(v)),
                other => Err(mismatch("BOOLEAN", other.data_type())),
            },
            Datum::Scalar(Value::Bool(x)) => Ok(Side::One(*x)),
            Datum::Scalar(v) => Err(scalar_mismatch("BOOLEAN", v)),
        }
    }

    pub(crate) fn strs(&self) -> Result<StrSide<'_>, EvalError> {
        match self {
            Datum::Array(c) => match &c.values {
                Values::Utf8(v) => Ok(StrSide::Arr(v)),
                other => Err(mismatch("STRING", other.data_type())),
            },
            Datum::Scalar(Value::Utf8(x)) => Ok(StrSide::One(x)),
            Datum::Scalar(v) => Err(scalar_mismatch("STRING", v)),
        }
    }
}

// The type checker guarantees operand types; these only fire if a batch does not match the
// schema the expression was compiled against.
fn mismatch(expected: &str, found: DataType) -> EvalError {
    EvalError::new(format!(
        "expected a {expected} column but the batch has a {found} column; \
         does the batch match the schema the expression was compiled for?"
    ))
}

fn scalar_mismatch(expected: &str, found: &Value) -> EvalError {
    EvalError::new(format!(
        "internal error: expected a {expected} value, found {found:?}"
    ))
}

/// Typed view of a [`Datum`] for the loops.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Side<'a, T> {
    Arr(&'a [T]),
    One(T),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum StrSide<'a> {
    Arr(&'a Utf8Values),
    One(&'a str),
}

impl<'a> StrSide<'a> {
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &'a str {
        match *self {
            StrSide::Arr(v) => v.get(i),
            StrSide::One(s) => s,
        }
    }
}

/// Applies `f` row by row. Each shape gets its own loop so the compiler can vectorize it.
#[inline(always)]
pub(crate) fn map2<A: Copy, B: Copy, O: Clone>(
    l: Side<A>,
    r: Side<B>,
    rows: usize,
    f: impl Fn(A, B) -> O,
) -> Vec<O> {
    match (l, r) {
        (Side::Arr(a), Side::Arr(b)) => a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect(),
        (Side::Arr(a), Side::One(y)) => a.iter().map(|&x| f(x, y)).collect(),
        (Side::One(x), Side::Arr(b)) => b.iter().map(|&y| f(x, y)).collect(),
        (Side::One(x), Side::One(y)) => vec![f(x, y); rows],
    }
}

#[inline(always)]
pub(crate) fn map1<A: Copy, O: Clone>(a: Side<A>, rows: usize, f: impl Fn(A) -> O) -> Vec<O> {
    match a {
        Side::Arr(a) => a.iter().map(|&x| f(x)).collect(),
        Side::One(x) => vec![f(x); rows],
    }
}

/// Validity of a row-wise operation: valid where every input is valid.
pub(crate) fn and_validity(a: Option<&[bool]>, b: Option<&[bool]>) -> Option<Vec<bool>> {
    match (a, b) {
        (None, None) => None,
        (Some(v), None) | (None, Some(v)) => Some(v.to_vec()),
        (Some(a), Some(b)) => Some(a.iter().zip(b).map(|(&x, &y)| x & y).collect()),
    }
}

/// A number operand that double arithmetic reads without first materializing a cast.
pub(crate) trait ToF64: Copy {
    fn to_f64(self) -> f64;
}

impl ToF64 for i64 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl ToF64 for f64 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl ArithOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        }
    }
}

pub(crate) fn division_by_zero() -> EvalError {
    EvalError::new("division by zero")
}

/// A fixed-width integer type (INT, BIGINT) whose arithmetic wraps as Java's does.
pub(crate) trait WrappingInt: Copy + PartialEq {
    const ZERO: Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    fn div(self, other: Self) -> Self;
    fn rem(self, other: Self) -> Self;
}

macro_rules! wrapping_int {
    ($t:ty) => {
        impl WrappingInt for $t {
            const ZERO: Self = 0;
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                self.wrapping_add(other)
            }
            #[inline(always)]
            fn sub(self, other: Self) -> Self {
                self.wrapping_sub(other)
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                self.wrapping_mul(other)
            }
            #[inline(always)]
            fn div(self, other: Self) -> Self {
                self.wrapping_div(other)
            }
            #[inline(always)]
            fn rem(self, other: Self) -> Self {
                self.wrapping_rem(other)
            }
        }
    };
}

wrapping_int!(i32);
wrapping_int!(i64);

/// INT or BIGINT arithmetic. Overflow wraps (two's complement), like Java `int` and `long`
/// in Flink.
pub(crate) fn int_arith<T: WrappingInt>(
    op: ArithOp,
    l: Side<T>,
    r: Side<T>,
    validity: Option<&[bool]>,
    rows: usize,
) -> Result<Vec<T>, EvalError> {
    let zero = T::ZERO;
    match op {
        ArithOp::Add => Ok(map2(l, r, rows, T::add)),
        ArithOp::Sub => Ok(map2(l, r, rows, T::sub)),
        ArithOp::Mul => Ok(map2(l, r, rows, T::mul)),
        ArithOp::Div | ArithOp::Rem => {
            // A zero divisor is an error only on rows that are not NULL.
            let has_zero = match (r, validity) {
                (Side::One(d), valid) => d == zero && valid.is_none_or(|v| v.contains(&true)),
                (Side::Arr(d), None) => d.contains(&zero),
                (Side::Arr(d), Some(v)) => d.iter().zip(v).any(|(&d, &ok)| ok & (d == zero)),
            };
            if has_zero {
                return Err(division_by_zero());
            }
            // NULL rows with a zero divisor still need a value; the guard avoids the trap.
            Ok(if op == ArithOp::Div {
                map2(l, r, rows, |a, b| if b == zero { zero } else { a.div(b) })
            } else {
                map2(l, r, rows, |a, b| if b == zero { zero } else { a.rem(b) })
            })
        }
    }
}

/// DOUBLE arithmetic (IEEE: x / 0.0 is infinite or NaN, no error), on any mix of operands.
pub(crate) fn float_arith<A: ToF64, B: ToF64>(
    op: ArithOp,
    l: Side<A>,
    r: Side<B>,
    rows: usize,
) -> Vec<f64> {
    match op {
        ArithOp::Add => map2(l, r, rows, |a, b| a.to_f64() + b.to_f64()),
        ArithOp::Sub => map2(l, r, rows, |a, b| a.to_f64() - b.to_f64()),
        ArithOp::Mul => map2(l, r, rows, |a, b| a.to_f64() * b.to_f64()),
        ArithOp::Div => map2(l, r, rows, |a, b| a.to_f64() / b.to_f64()),
        ArithOp::Rem => map2(l, r, rows, |a, b| a.to_f64() % b.to_f64()),
    }
}

/// Integer division by a constant without a hardware divide (libdivide's unsigned
/// algorithm on magnitudes, sign restored afterwards). Results equal Rust's wrapping `/` and
/// `%`: truncation toward zero, and the remainder takes the sign of the dividend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ConstDivisor {
    divisor: i64,
    /// `|divisor|`.
    abs: u64,
    magic: u64,
    shift: u32,
    kind: DivKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DivKind {
    /// `|d|` is a power of two (including 1): a shift and a mask.
    Pow2,
    /// `q = mulhi(n, magic) >> shift`.
    Mul,
    /// The magic number needs 65 bits: `t = ((n - q) >> 1) + q; q = t >> shift`.
    MulAdd,
}

impl ConstDivisor {
    /// `None` for zero, which has no quotient.
    pub(crate) fn new(divisor: i64) -> Option<ConstDivisor> {
        if divisor == 0 {
            return None;
        }
        let abs = divisor.unsigned_abs();
        let k = 63 - abs.leading_zeros();
        if abs.is_power_of_two() {
            return Some(ConstDivisor {
                divisor,
                abs,
                magic: 0,
                shift: k,
                kind: DivKind::Pow2,
            });
        }
        // p = floor(2^(64+k) / d) fits in 64 bits because d > 2^k.
        let numerator = 1u128 << (64 + k);
        let p = (numerator / abs as u128) as u64;
        let rem = (numerator % abs as u128) as u64;
        let e = abs - rem;
        let (magic, kind) = if e < (1u64 << k) {
            (p.wrapping_add(1), DivKind::Mul)
        } else {
            let mut m = p.wrapping_add(p);
            let twice_rem = rem as u128 * 2;
            if twice_rem >= abs as u128 {
                m = m.wrapping_add(1);
            }
            (m.wrapping_add(1), DivKind::MulAdd)
        };
        Some(ConstDivisor {
            divisor,
            abs,
            magic,
            shift: k,
            kind,
        })
    }

    /// Applies `f(a, |a| / |d|)` to every value; one loop per divisor shape so the hot
    /// loop has no branch on the shape.
    #[inline(always)]
    fn map_quotient<O: Clone>(
        &self,
        a: Side<i64>,
        rows: usize,
        f: impl Fn(i64, u64, u64) -> O,
    ) -> Vec<O> {
        let (magic, shift) = (self.magic, self.shift);
        match self.kind {
            DivKind::Pow2 => map1(a, rows, |x| {
                let n = x.unsigned_abs();
                f(x, n, n >> shift)
            }),
            DivKind::Mul => map1(a, rows, |x| {
                let n = x.unsigned_abs();
                f(x, n, (mulhi(n, magic)) >> shift)
            }),
            DivKind::MulAdd => map1(a, rows, |x| {
                let n = x.unsigned_abs();
                let q = mulhi(n, magic);
                f(x, n, (((n - q) >> 1) + q) >> shift)
            }),
        }
    }

    /// `a % d` for every value.
    pub(crate) fn rem(&self, a: Side<i64>, rows: usize) -> Vec<i64> {
        let abs = self.abs;
        self.map_quotient(a, rows, |x, n, q| {
            let r = n.wrapping_sub(q.wrapping_mul(abs)) as i64;
            let sign = x >> 63;
            (r ^ sign).wrapping_sub(sign)
        })
    }

    /// `a / d` for every value (wrapping: `i64::MIN / -1 == i64::MIN`).
    pub(crate) fn div(&self, a: Side<i64>, rows: usize) -> Vec<i64> {
        let d_sign = self.divisor >> 63;
        self.map_quotient(a, rows, |x, _, q| {
            let sign = (x >> 63) ^ d_sign;
            (q as i64 ^ sign).wrapping_sub(sign)
        })
    }

    /// Which loop the divisor uses, so tests can show they cover all three.
    #[cfg(test)]
    pub(crate) fn shape(&self) -> &'static str {
        match self.kind {
            DivKind::Pow2 => "pow2",
            DivKind::Mul => "mul",
            DivKind::MulAdd => "mul-add",
        }
    }

    /// One value, for tests.
    #[cfg(test)]
    pub(crate) fn rem_one(&self, a: i64) -> i64 {
        self.rem(Side::One(a), 1)[0]
    }

    #[cfg(test)]
    pub(crate) fn div_one(&self, a: i64) -> i64 {
        self.div(Side::One(a), 1)[0]
    }
}

#[inline(always)]
fn mulhi(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) >> 64) as u64
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CmpOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "<>",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub(crate) fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::LtEq => CmpOp::GtEq,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::GtEq => CmpOp::LtEq,
            other => other,
        }
    }
}

/// Compares two typed sides; `T` is `i64`, `f64` or `bool` (mixed numbers come as `f64`).
pub(crate) fn compare<A: Copy, B: Copy, T: PartialOrd>(
    op: CmpOp,
    l: Side<A>,
    r: Side<B>,
    rows: usize,
    conv_a: impl Fn(A) -> T + Copy,
    conv_b: impl Fn(B) -> T + Copy,
) -> Vec<bool> {
    match op {
        CmpOp::Eq => map2(l, r, rows, |a, b| conv_a(a) == conv_b(b)),
        CmpOp::NotEq => map2(l, r, rows, |a, b| conv_a(a) != conv_b(b)),
        CmpOp::Lt => map2(l, r, rows, |a, b| conv_a(a) < conv_b(b)),
        CmpOp::LtEq => map2(l, r, rows, |a, b| conv_a(a) <= conv_b(b)),
        CmpOp::Gt => map2(l, r, rows, |a, b| conv_a(a) > conv_b(b)),
        CmpOp::GtEq => map2(l, r, rows, |a, b| conv_a(a) >= conv_b(b)),
    }
}

/// Compares strings by bytes (UTF-8 byte order equals code point order).
pub(crate) fn compare_str(op: CmpOp, l: StrSide, r: StrSide, rows: usize) -> Vec<bool> {
    #[inline(always)]
    fn run(l: StrSide, r: StrSide, rows: usize, f: impl Fn(&[u8], &[u8]) -> bool) -> Vec<bool> {
        (0..rows)
            .map(|i| f(l.get(i).as_bytes(), r.get(i).as_bytes()))
            .collect()
    }
    match op {
        CmpOp::Eq => run(l, r, rows, |a, b| a == b),
        CmpOp::NotEq => run(l, r, rows, |a, b| a != b),
        CmpOp::Lt => run(l, r, rows, |a, b| a < b),
        CmpOp::LtEq => run(l, r, rows, |a, b| a <= b),
        CmpOp::Gt => run(l, r, rows, |a, b| a > b),
        CmpOp::GtEq => run(l, r, rows, |a, b| a >= b),
    }
}

/// `x % d <op> k` in one pass, with no intermediate remainder column: the shape of the
/// hottest filters (`auction % 123 = 0`).
pub(crate) fn rem_compare(
    d: &ConstDivisor,
    op: CmpOp,
    k: i64,
    a: Side<i64>,
    rows: usize,
) -> Vec<bool> {
    let abs = d.abs;
    macro_rules! with_op {
        ($cmp:expr) => {
            d.map_quotient(a, rows, |x, n, q| {
                let r = n.wrapping_sub(q.wrapping_mul(abs)) as i64;
                let sign = x >> 63;
                $cmp((r ^ sign).wrapping_sub(sign), k)
            })
        };
    }
    match op {
        CmpOp::Eq => with_op!(|r: i64, k: i64| r == k),
        CmpOp::NotEq => with_op!(|r: i64, k: i64| r != k),
        CmpOp::Lt => with_op!(|r: i64, k: i64| r < k),
        CmpOp::LtEq => with_op!(|r: i64, k: i64| r <= k),
        CmpOp::Gt => with_op!(|r: i64, k: i64| r > k),
        CmpOp::GtEq => with_op!(|r: i64, k: i64| r >= k),
    }
}

/// SQL three-valued AND.
pub(crate) fn and(l: &Datum, r: &Datum, rows: usize) -> Result<Datum, EvalError> {
    logic(l, r, rows, false)
}

/// SQL three-valued OR.
pub(crate) fn or(l: &Datum, r: &Datum, rows: usize) -> Result<Datum, EvalError> {
    logic(l, r, rows, true)
}

/// AND (`dominant == false`) or OR (`dominant == true`): a valid operand equal to the
/// dominant value decides the row even when the other operand is NULL.
fn logic(l: &Datum, r: &Datum, rows: usize, dominant: bool) -> Result<Datum, EvalError> {
    // A scalar operand decides the shape of the whole result.
    for (s, other) in [(l, r), (r, l)] {
        match s {
            Datum::Scalar(Value::Bool(b)) if *b == dominant => return Ok(s.clone()),
            Datum::Scalar(Value::Bool(_)) => return Ok(other.clone()),
            Datum::Scalar(Value::Null) => {
                return Ok(match other {
                    Datum::Scalar(Value::Bool(b)) if *b == dominant => other.clone(),
                    Datum::Scalar(_) => Datum::null(),
                    Datum::Array(c) => {
                        // Decided rows keep the dominant value; every other row is NULL.
                        let Values::Bool(v) = &c.values else {
                            return Err(mismatch("BOOLEAN", c.data_type()));
                        };
                        let validity = match &c.validity {
                            None => v.iter().map(|&x| x == dominant).collect(),
                            Some(ok) => v
                                .iter()
                                .zip(ok)
                                .map(|(&x, &ok)| ok & (x == dominant))
                                .collect(),
                        };
                        Datum::array(Values::Bool(vec![dominant; rows]), Some(validity))
                    }
                });
            }
            Datum::Scalar(other) => return Err(scalar_mismatch("BOOLEAN", other)),
            Datum::Array(_) => {}
        }
    }
    let (Side::Arr(a), Side::Arr(b)) = (l.bools()?, r.bools()?) else {
        unreachable!("scalars handled above")
    };
    let values: Vec<bool> = if dominant {
        a.iter().zip(b).map(|(&x, &y)| x | y).collect()
    } else {
        a.iter().zip(b).map(|(&x, &y)| x & y).collect()
    };
    let validity = match (l.validity(), r.validity()) {
        (None, None) => None,
        (va, vb) => Some(
            (0..rows)
                .map(|i| {
                    let (oka, okb) = (va.is_none_or(|v| v[i]), vb.is_none_or(|v| v[i]));
                    (oka & okb) | (oka & (a[i] == dominant)) | (okb & (b[i] == dominant))
                })
                .collect(),
        ),
    };
    Ok(Datum::array(Values::Bool(values), validity))
}

/// SQL NOT (NULL stays NULL).
pub(crate) fn not(d: &Datum, rows: usize) -> Result<Datum, EvalError> {
    Ok(match d {
        Datum::Scalar(Value::Null) => Datum::null(),
        Datum::Scalar(Value::Bool(b)) => Datum::Scalar(Value::Bool(!b)),
        Datum::Scalar(other) => return Err(scalar_mismatch("BOOLEAN", other)),
        Datum::Array(c) => {
            let values = map1(d.bools()?, rows, |x| !x);
            Datum::array(Values::Bool(values), c.validity.clone())
        }
    })
}

/// `IS [NOT] NULL`: never NULL itself.
pub(crate) fn is_null(d: &Datum, negated: bool, rows: usize) -> Datum {
    match d {
        Datum::Scalar(v) => Datum::Scalar(Value::Bool(v.is_null() != negated)),
        Datum::Array(c) => {
            let values = match &c.validity {
                None => vec![negated; rows],
                Some(ok) => ok.iter().map(|&ok| ok == negated).collect(),
            };
            Datum::array(Values::Bool(values), None)
        }
    }
}

/// `IS [NOT] TRUE` / `IS [NOT] FALSE`: never NULL; NULL is neither TRUE nor FALSE.
pub(crate) fn is_bool(d: &Datum, value: bool, negated: bool) -> Result<Datum, EvalError> {
    Ok(match d {
        Datum::Scalar(Value::Null) => Datum::Scalar(Value::Bool(negated)),
        Datum::Scalar(Value::Bool(b)) => Datum::Scalar(Value::Bool((*b == value) != negated)),
        Datum::Scalar(other) => return Err(scalar_mismatch("BOOLEAN", other)),
        Datum::Array(c) => {
            let Side::Arr(v) = d.bools()? else {
                unreachable!("an array")
            };
            let values = match &c.validity {
                None => v.iter().map(|&x| (x == value) != negated).collect(),
                Some(ok) => v
                    .iter()
                    .zip(ok)
                    .map(|(&x, &ok)| (ok & (x == value)) != negated)
                    .collect(),
            };
            Datum::array(Values::Bool(values), None)
        }
    })
}

/// Rows where a condition is TRUE (NULL counts as false).
pub(crate) fn true_mask(d: Datum, rows: usize) -> Result<Vec<bool>, EvalError> {
    match d {
        Datum::Scalar(Value::Bool(b)) => Ok(vec![b; rows]),
        Datum::Scalar(Value::Null) => Ok(vec![false; rows]),
        Datum::Scalar(other) => Err(scalar_mismatch("BOOLEAN", &other)),
        Datum::Array(c) => {
            // A column built just for this condition is reused instead of copied.
            let column = Arc::try_unwrap(c).unwrap_or_else(|shared| (*shared).clone());
            let Values::Bool(mut values) = column.values else {
                return Err(mismatch("BOOLEAN", column.values.data_type()));
            };
            if let Some(ok) = column.validity {
                values.iter_mut().zip(&ok).for_each(|(v, &ok)| *v &= ok);
            }
            Ok(values)
        }
    }
}
