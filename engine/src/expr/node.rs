//! The typed, checked expression tree. Evaluation walks it once per batch; each node runs one
//! vectorized kernel over whole columns.

use std::sync::Arc;

use crate::types::{Column, ColumnRef, DataType, Value, Values};

use super::EvalError;
use super::cast::cast;
use super::decimal_kernels;
use super::functions::{Func, call};
use super::kernels::{
    self, ArithOp, CmpOp, ConstDivisor, Datum, Side, and_validity, compare, compare_str,
    float_arith, int_arith, map1, true_mask,
};

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Column {
        index: usize,
        ty: DataType,
    },
    Literal {
        value: Value,
        ty: DataType,
    },
    /// Numbers. An INT or BIGINT `ty` has operands of that very type; a DOUBLE one has
    /// DOUBLE or BIGINT operands (read as doubles without a cast); a DECIMAL one has DECIMAL
    /// operands of any precision and scale.
    Arith {
        op: ArithOp,
        left: Box<Node>,
        right: Box<Node>,
        ty: DataType,
    },
    /// BIGINT `/` or `%` by a non-zero constant, strength-reduced.
    DivConst {
        input: Box<Node>,
        divisor: ConstDivisor,
        rem: bool,
    },
    /// `x % d <op> k` fused into one loop.
    RemCompare {
        input: Box<Node>,
        divisor: ConstDivisor,
        op: CmpOp,
        k: i64,
    },
    Neg {
        input: Box<Node>,
        ty: DataType,
    },
    /// Operands have equal types, or are both numbers.
    Compare {
        op: CmpOp,
        left: Box<Node>,
        right: Box<Node>,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    IsNull {
        input: Box<Node>,
        negated: bool,
    },
    /// `IS [NOT] TRUE` / `IS [NOT] FALSE`.
    IsBool {
        input: Box<Node>,
        value: bool,
        negated: bool,
    },
    Case(Box<CaseNode>),
    Cast {
        input: Box<Node>,
        to: DataType,
        /// `TRY_CAST`: a value that does not convert becomes NULL instead of an error.
        lenient: bool,
    },
    Call {
        func: Func,
        args: Vec<Node>,
        ty: DataType,
    },
}

/// Searched CASE; the simple form is rewritten to this one. Results already have `ty`.
#[derive(Clone, Debug)]
pub(crate) struct CaseNode {
    pub whens: Vec<(Node, Node)>,
    pub otherwise: Option<Node>,
    pub ty: DataType,
    /// Input columns read by any branch: only these are gathered for a branch's rows.
    pub columns: Vec<usize>,
}

/// The columns of the batch being evaluated (or of the rows a CASE branch applies to).
pub(crate) struct Input<'a> {
    pub columns: &'a [ColumnRef],
    pub rows: usize,
}

impl Node {
    pub(crate) fn data_type(&self) -> DataType {
        match self {
            Node::Column { ty, .. }
            | Node::Literal { ty, .. }
            | Node::Arith { ty, .. }
            | Node::Neg { ty, .. }
            | Node::Call { ty, .. } => *ty,
            Node::Cast { to, .. } => *to,
            Node::DivConst { .. } => DataType::Int64,
            Node::Case(case) => case.ty,
            Node::RemCompare { .. }
            | Node::Compare { .. }
            | Node::And(..)
            | Node::Or(..)
            | Node::Not(_)
            | Node::IsNull { .. }
            | Node::IsBool { .. } => DataType::Bool,
        }
    }

    pub(crate) fn children(&self) -> Vec<&Node> {
        match self {
            Node::Column { .. } | Node::Literal { .. } => vec![],
            Node::Arith { left, right, .. } | Node::Compare { left, right, .. } => {
                vec![left, right]
            }
            Node::And(l, r) | Node::Or(l, r) => vec![l, r],
            Node::DivConst { input, .. }
            | Node::RemCompare { input, .. }
            | Node::Neg { input, .. }
            | Node::IsNull { input, .. }
            | Node::IsBool { input, .. }
            | Node::Cast { input, .. } => vec![input],
            Node::Not(input) => vec![input],
            Node::Case(case) => case
                .whens
                .iter()
                .flat_map(|(c, r)| [c, r])
                .chain(&case.otherwise)
                .collect(),
            Node::Call { args, .. } => args.iter().collect(),
        }
    }

    /// Input columns read, in first-use order, deduplicated.
    pub(crate) fn column_indices(&self) -> Vec<usize> {
        fn walk(node: &Node, out: &mut Vec<usize>) {
            if let Node::Column { index, .. } = node
                && !out.contains(index)
            {
                out.push(*index);
            }
            for child in node.children() {
                walk(child, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// The error of a part made only of constants that failed to fold (so fails on every
    /// row), where it runs on every row: not inside a CASE branch, which may never be taken.
    pub(crate) fn unconditional_constant_failure(&self) -> Option<EvalError> {
        let children = match self {
            Node::Literal { .. } | Node::Column { .. } => return None,
            // Only the first condition of a CASE runs on every row.
            Node::Case(case) => return case.whens.first()?.0.unconditional_constant_failure(),
            other => other.children(),
        };
        if children.iter().all(|c| c.literal().is_some()) {
            return self
                .eval(&Input {
                    columns: &[],
                    rows: 1,
                })
                .err();
        }
        children
            .iter()
            .find_map(|c| c.unconditional_constant_failure())
    }

    pub(crate) fn literal(&self) -> Option<&Value> {
        match self {
            Node::Literal { value, .. } => Some(value),
            _ => None,
        }
    }

    pub(crate) fn eval(&self, input: &Input) -> Result<Datum, EvalError> {
        let rows = input.rows;
        match self {
            // Passing the input column on is free: no copy.
            Node::Column { index, .. } => Ok(Datum::Array(input.columns[*index].clone())),
            Node::Literal { value, .. } => Ok(Datum::Scalar(value.clone())),
            Node::Arith {
                op,
                left,
                right,
                ty,
            } => {
                let (l, r) = (left.eval(input)?, right.eval(input)?);
                if l.is_null_scalar() || r.is_null_scalar() {
                    return Ok(Datum::null());
                }
                let validity = and_validity(l.validity(), r.validity());
                if let Some(out) = ty.as_decimal() {
                    let (lt, rt) = (decimal_of(left)?, decimal_of(right)?);
                    let mut valid = validity.unwrap_or_else(|| vec![true; rows]);
                    let values = decimal_kernels::arith(
                        *op,
                        (l.decimals()?, lt),
                        (r.decimals()?, rt),
                        out,
                        &mut valid,
                    )?;
                    return Ok(Datum::array(Values::Decimal(out, values), Some(valid)));
                }
                let values = if *ty == DataType::Int64 {
                    Values::Int64(int_arith(
                        *op,
                        l.i64s()?,
                        r.i64s()?,
                        validity.as_deref(),
                        rows,
                    )?)
                } else if *ty == DataType::Int32 {
                    Values::Int32(int_arith(
                        *op,
                        l.i32s()?,
                        r.i32s()?,
                        validity.as_deref(),
                        rows,
                    )?)
                } else {
                    Values::Float64(match (left.data_type(), right.data_type()) {
                        (DataType::Int64, _) => float_arith(*op, l.i64s()?, r.f64s()?, rows),
                        (_, DataType::Int64) => float_arith(*op, l.f64s()?, r.i64s()?, rows),
                        _ => float_arith(*op, l.f64s()?, r.f64s()?, rows),
                    })
                };
                Ok(Datum::array(values, validity))
            }
            Node::DivConst {
                input: arg,
                divisor,
                rem,
            } => {
                let a = arg.eval(input)?;
                if a.is_null_scalar() {
                    return Ok(a);
                }
                let values = if *rem {
                    divisor.rem(a.i64s()?, rows)
                } else {
                    divisor.div(a.i64s()?, rows)
                };
                Ok(Datum::array(Values::Int64(values), own_validity(&a)))
            }
            Node::RemCompare {
                input: arg,
                divisor,
                op,
                k,
            } => {
                let a = arg.eval(input)?;
                if a.is_null_scalar() {
                    return Ok(a);
                }
                let values = kernels::rem_compare(divisor, *op, *k, a.i64s()?, rows);
                Ok(Datum::array(Values::Bool(values), own_validity(&a)))
            }
            Node::Neg { input: arg, ty } => {
                let a = arg.eval(input)?;
                if a.is_null_scalar() {
                    return Ok(a);
                }
                let values = match ty {
                    DataType::Int64 => Values::Int64(map1(a.i64s()?, rows, i64::wrapping_neg)),
                    DataType::Int32 => Values::Int32(map1(a.i32s()?, rows, i32::wrapping_neg)),
                    // Negation keeps the digits, so it always fits.
                    DataType::Decimal { precision, scale } => Values::Decimal(
                        crate::types::DecimalType {
                            precision: *precision,
                            scale: *scale,
                        },
                        map1(a.decimals()?, rows, |x| -x),
                    ),
                    _ => Values::Float64(map1(a.f64s()?, rows, |x| -x)),
                };
                Ok(Datum::array(values, own_validity(&a)))
            }
            Node::Compare { op, left, right } => {
                let (l, r) = (left.eval(input)?, right.eval(input)?);
                if l.is_null_scalar() || r.is_null_scalar() {
                    return Ok(Datum::null());
                }
                let validity = and_validity(l.validity(), r.validity());
                use std::convert::identity as id;
                let values = match (left.data_type(), right.data_type()) {
                    (DataType::Int64, DataType::Int64)
                    | (DataType::Timestamp, DataType::Timestamp) => {
                        compare(*op, l.i64s()?, r.i64s()?, rows, id, id)
                    }
                    (DataType::Int32, DataType::Int32) => {
                        compare(*op, l.i32s()?, r.i32s()?, rows, id, id)
                    }
                    (DataType::Int64, DataType::Float64) => {
                        compare(*op, l.i64s()?, r.f64s()?, rows, |a| a as f64, id)
                    }
                    (DataType::Float64, DataType::Int64) => {
                        compare(*op, l.f64s()?, r.i64s()?, rows, id, |b| b as f64)
                    }
                    (DataType::Float64, DataType::Float64) => {
                        compare(*op, l.f64s()?, r.f64s()?, rows, id, id)
                    }
                    (DataType::Decimal { scale: ls, .. }, DataType::Decimal { scale: rs, .. }) => {
                        decimal_kernels::compare(
                            *op,
                            (l.decimals()?, ls),
                            (r.decimals()?, rs),
                            rows,
                        )
                    }
                    (DataType::Bool, DataType::Bool) => {
                        compare(*op, l.bools()?, r.bools()?, rows, id, id)
                    }
                    (DataType::Utf8, DataType::Utf8) => {
                        compare_str(*op, l.strs()?, r.strs()?, rows)
                    }
                    (a, b) => {
                        return Err(EvalError::new(format!(
                            "internal error: cannot compare {a} and {b}"
                        )));
                    }
                };
                Ok(Datum::array(Values::Bool(values), validity))
            }
            Node::And(l, r) => kernels::and(&l.eval(input)?, &r.eval(input)?, rows),
            Node::Or(l, r) => kernels::or(&l.eval(input)?, &r.eval(input)?, rows),
            Node::Not(arg) => kernels::not(&arg.eval(input)?, rows),
            Node::IsNull {
                input: arg,
                negated,
            } => Ok(kernels::is_null(&arg.eval(input)?, *negated, rows)),
            Node::IsBool {
                input: arg,
                value,
                negated,
            } => kernels::is_bool(&arg.eval(input)?, *value, *negated),
            Node::Case(case) => eval_case(case, input),
            Node::Cast {
                input: arg,
                to,
                lenient,
            } => cast(arg.eval(input)?, arg.data_type(), *to, *lenient, rows),
            Node::Call { func, args, ty } => {
                let values = args
                    .iter()
                    .map(|a| a.eval(input))
                    .collect::<Result<Vec<_>, _>>()?;
                call(*func, values, *ty, rows)
            }
        }
    }
}

/// The precision and scale of a DECIMAL operand.
fn decimal_of(node: &Node) -> Result<crate::types::DecimalType, EvalError> {
    node.data_type().as_decimal().ok_or_else(|| {
        EvalError::new(format!(
            "internal error: a {} operand in DECIMAL arithmetic",
            node.data_type()
        ))
    })
}

/// The validity of a one-input kernel's result: the input's own.
fn own_validity(d: &Datum) -> Option<Vec<bool>> {
    d.validity().map(<[bool]>::to_vec)
}

/// Rows of the whole batch that a CASE branch still has to decide; `None` means all rows.
type RowSet = Option<Vec<u32>>;

/// Evaluates each condition only on the rows no earlier branch took, and each result only on
/// the rows that chose it, so a guard like `CASE WHEN b = 0 THEN 0 ELSE a / b END` never
/// divides by zero.
fn eval_case(case: &CaseNode, input: &Input) -> Result<Datum, EvalError> {
    let mut open: RowSet = None;
    let mut pieces: Vec<(RowSet, Datum)> = Vec::new();
    for (condition, result) in &case.whens {
        let open_rows = open.as_ref().map_or(input.rows, Vec::len);
        if open_rows == 0 {
            break;
        }
        let columns = gather(input, open.as_deref(), &case.columns);
        let sub = Input {
            columns: &columns,
            rows: open_rows,
        };
        let mask = true_mask(condition.eval(&sub)?, open_rows)?;
        let hits = mask.iter().filter(|&&m| m).count();
        if hits == 0 {
            continue;
        }
        if hits == open_rows {
            pieces.push((open.take(), result.eval(&sub)?));
            open = Some(Vec::new());
            break;
        }
        let (mut taken, mut rest) = (Vec::with_capacity(hits), Vec::new());
        for (i, m) in mask.into_iter().enumerate() {
            let row = open.as_ref().map_or(i as u32, |rows| rows[i]);
            if m { &mut taken } else { &mut rest }.push(row);
        }
        let columns = gather(input, Some(&taken), &case.columns);
        let sub = Input {
            columns: &columns,
            rows: taken.len(),
        };
        pieces.push((Some(taken), result.eval(&sub)?));
        open = Some(rest);
    }
    let open_rows = open.as_ref().map_or(input.rows, Vec::len);
    if open_rows > 0 {
        let value = match &case.otherwise {
            Some(otherwise) => {
                let columns = gather(input, open.as_deref(), &case.columns);
                otherwise.eval(&Input {
                    columns: &columns,
                    rows: open_rows,
                })?
            }
            None => Datum::null(),
        };
        pieces.push((open, value));
    }
    assemble(pieces, case.ty, input.rows)
}

/// The input restricted to `rows` (all when `None`); only `used` columns are copied.
fn gather(input: &Input, rows: Option<&[u32]>, used: &[usize]) -> Vec<ColumnRef> {
    let mut columns = input.columns.to_vec();
    if let Some(rows) = rows {
        for &i in used {
            columns[i] = Arc::new(columns[i].take(rows));
        }
    }
    columns
}

/// Scatters each branch's values to its rows.
fn assemble(
    mut pieces: Vec<(RowSet, Datum)>,
    ty: DataType,
    rows: usize,
) -> Result<Datum, EvalError> {
    if matches!(pieces.as_slice(), [(None, _)]) {
        return Ok(pieces.pop().expect("one piece").1);
    }
    let mut validity = vec![true; rows];
    for (set, value) in &pieces {
        match value {
            Datum::Scalar(Value::Null) => scatter(&mut validity, set, Side::One(false)),
            Datum::Array(c) => {
                if let Some(ok) = &c.validity {
                    scatter(&mut validity, set, Side::Arr(ok));
                }
            }
            Datum::Scalar(_) => {}
        }
    }
    let non_null = pieces.iter().filter(|(_, v)| !v.is_null_scalar());
    let values = match ty {
        DataType::Int64 | DataType::Timestamp => {
            let mut out = vec![0i64; rows];
            for (set, value) in non_null {
                scatter(&mut out, set, value.i64s()?);
            }
            if ty == DataType::Int64 {
                Values::Int64(out)
            } else {
                Values::Timestamp(out)
            }
        }
        DataType::Int32 => {
            let mut out = vec![0i32; rows];
            for (set, value) in non_null {
                scatter(&mut out, set, value.i32s()?);
            }
            Values::Int32(out)
        }
        DataType::Float64 => {
            let mut out = vec![0f64; rows];
            for (set, value) in non_null {
                scatter(&mut out, set, value.f64s()?);
            }
            Values::Float64(out)
        }
        DataType::Decimal { precision, scale } => {
            let mut out = vec![0i128; rows];
            for (set, value) in non_null {
                scatter(&mut out, set, value.decimals()?);
            }
            Values::Decimal(crate::types::DecimalType { precision, scale }, out)
        }
        DataType::Bool => {
            let mut out = vec![false; rows];
            for (set, value) in non_null {
                scatter(&mut out, set, value.bools()?);
            }
            Values::Bool(out)
        }
        DataType::Utf8 => {
            // Text is appended in row order: record which piece owns each row first.
            let mut owner = vec![(0u32, 0u32); rows];
            for (p, (set, _)) in pieces.iter().enumerate() {
                match set {
                    Some(set) => {
                        for (k, &row) in set.iter().enumerate() {
                            owner[row as usize] = (p as u32, k as u32);
                        }
                    }
                    None => {
                        for (k, o) in owner.iter_mut().enumerate() {
                            *o = (p as u32, k as u32);
                        }
                    }
                }
            }
            let sides = pieces
                .iter()
                .map(|(_, v)| match v {
                    Datum::Scalar(Value::Null) => Ok(kernels::StrSide::One("")),
                    v => v.strs(),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = crate::types::Utf8Values::with_capacity(rows, rows * 8);
            for (p, k) in owner {
                out.push(sides[p as usize].get(k as usize));
            }
            Values::Utf8(out)
        }
    };
    Ok(Datum::Array(Arc::new(Column::with_validity(
        values,
        Some(validity),
    ))))
}

fn scatter<T: Copy>(out: &mut [T], set: &RowSet, values: Side<T>) {
    match (set, values) {
        (Some(set), Side::Arr(v)) => {
            for (&row, &x) in set.iter().zip(v) {
                out[row as usize] = x;
            }
        }
        (Some(set), Side::One(x)) => {
            for &row in set {
                out[row as usize] = x;
            }
        }
        (None, Side::Arr(v)) => out.copy_from_slice(v),
        (None, Side::One(x)) => out.fill(x),
    }
}
