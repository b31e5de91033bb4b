//! The running state of one aggregate over many groups, column by column: a batch updates
//! it in one tight loop per aggregate, slot by slot. A checkpoint keeps it as it is: the
//! values of every slot, one vector each.

use serde::{Deserialize, Serialize};

use crate::expr::{AggFunc, Aggregate};
use crate::types::{Column, ColumnBuilder, DataType, DecimalType, Value, Values, decimal};

/// Whether `x` replaces `current` as the maximum (`max`) or the minimum.
fn better<T: PartialOrd>(max: bool, x: T, current: T) -> bool {
    if max { x > current } else { x < current }
}

/// One aggregate's state for every group (slot) of a window or slice.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Acc {
    /// `COUNT(*)`, or `COUNT(x)` counting rows where `x` is not NULL.
    Count(Vec<i64>),
    SumInt {
        sum: Vec<i64>,
        seen: Vec<bool>,
    },
    SumFloat {
        sum: Vec<f64>,
        seen: Vec<bool>,
    },
    /// MIN or MAX of BIGINT and TIMESTAMP values.
    ExtremeInt {
        value: Vec<i64>,
        seen: Vec<bool>,
        max: bool,
    },
    ExtremeFloat {
        value: Vec<f64>,
        seen: Vec<bool>,
        max: bool,
    },
    ExtremeBool {
        value: Vec<bool>,
        seen: Vec<bool>,
        max: bool,
    },
    ExtremeText {
        value: Vec<Option<Box<str>>>,
        max: bool,
    },
    AvgInt {
        sum: Vec<i64>,
        count: Vec<i64>,
    },
    AvgFloat {
        sum: Vec<f64>,
        count: Vec<i64>,
    },
    /// SUM of DECIMALs, at the argument's scale; a sum past 38 digits saturates and
    /// finishes NULL, as Flink's overflowing DECIMAL does.
    SumDecimal {
        sum: Vec<i128>,
        seen: Vec<bool>,
    },
    /// AVG of DECIMALs: the sum at the argument's `scale`, divided at the end.
    AvgDecimal {
        sum: Vec<i128>,
        count: Vec<i64>,
        scale: u8,
    },
    /// MIN or MAX of DECIMALs of one scale.
    ExtremeDecimal {
        value: Vec<i128>,
        seen: Vec<bool>,
        max: bool,
    },
}

impl Acc {
    pub fn new(aggregate: &Aggregate) -> Acc {
        let arg = aggregate.arg.as_ref().map(|a| a.data_type());
        let max = aggregate.func == AggFunc::Max;
        match (aggregate.func, arg) {
            (AggFunc::Count, _) => Acc::Count(Vec::new()),
            (AggFunc::Sum, Some(DataType::Decimal { .. })) => Acc::SumDecimal {
                sum: Vec::new(),
                seen: Vec::new(),
            },
            (AggFunc::Avg, Some(DataType::Decimal { scale, .. })) => Acc::AvgDecimal {
                sum: Vec::new(),
                count: Vec::new(),
                scale,
            },
            (_, Some(DataType::Decimal { .. })) => Acc::ExtremeDecimal {
                value: Vec::new(),
                seen: Vec::new(),
                max,
            },
            (AggFunc::Sum, Some(DataType::Float64)) => Acc::SumFloat {
                sum: Vec::new(),
                seen: Vec::new(),
            },
            (AggFunc::Sum, _) => Acc::SumInt {
                sum: Vec::new(),
                seen: Vec::new(),
            },
            (AggFunc::Avg, Some(DataType::Float64)) => Acc::AvgFloat {
                sum: Vec::new(),
                count: Vec::new(),
            },
            (AggFunc::Avg, _) => Acc::AvgInt {
                sum: Vec::new(),
                count: Vec::new(),
            },
            (_, Some(DataType::Float64)) => Acc::ExtremeFloat {
                value: Vec::new(),
                seen: Vec::new(),
                max,
            },
            (_, Some(DataType::Bool)) => Acc::ExtremeBool {
                value: Vec::new(),
                seen: Vec::new(),
                max,
            },
            (_, Some(DataType::Utf8)) => Acc::ExtremeText {
                value: Vec::new(),
                max,
            },
            (_, _) => Acc::ExtremeInt {
                value: Vec::new(),
                seen: Vec::new(),
                max,
            },
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Acc::Count(n) => n.len(),
            Acc::SumInt { seen, .. }
            | Acc::SumFloat { seen, .. }
            | Acc::ExtremeInt { seen, .. }
            | Acc::ExtremeFloat { seen, .. }
            | Acc::ExtremeBool { seen, .. }
            | Acc::SumDecimal { seen, .. }
            | Acc::ExtremeDecimal { seen, .. } => seen.len(),
            Acc::ExtremeText { value, .. } => value.len(),
            Acc::AvgInt { count, .. }
            | Acc::AvgFloat { count, .. }
            | Acc::AvgDecimal { count, .. } => count.len(),
        }
    }

    /// Whether this state, read from a checkpoint, is one of `aggregate` with `slots` slots
    /// in every vector: only then may it be merged.
    pub fn fits(&self, aggregate: &Aggregate, slots: usize) -> bool {
        let fresh = Acc::new(aggregate);
        let same_kind = std::mem::discriminant(self) == std::mem::discriminant(&fresh)
            && self.describe() == fresh.describe();
        let lengths_agree = match self {
            Acc::Count(n) => n.len() == slots,
            Acc::SumInt { sum, seen } => sum.len() == slots && seen.len() == slots,
            Acc::SumFloat { sum, seen } => sum.len() == slots && seen.len() == slots,
            Acc::ExtremeInt { value, seen, .. } => value.len() == slots && seen.len() == slots,
            Acc::ExtremeFloat { value, seen, .. } => value.len() == slots && seen.len() == slots,
            Acc::ExtremeBool { value, seen, .. } => value.len() == slots && seen.len() == slots,
            Acc::ExtremeText { value, .. } => value.len() == slots,
            Acc::AvgInt { sum, count } => sum.len() == slots && count.len() == slots,
            Acc::AvgFloat { sum, count } => sum.len() == slots && count.len() == slots,
            Acc::SumDecimal { sum, seen } => sum.len() == slots && seen.len() == slots,
            Acc::AvgDecimal { sum, count, scale } => {
                sum.len() == slots
                    && count.len() == slots
                    && matches!(fresh, Acc::AvgDecimal { scale: s, .. } if s == *scale)
            }
            Acc::ExtremeDecimal { value, seen, .. } => value.len() == slots && seen.len() == slots,
        };
        same_kind && lengths_agree
    }

    /// Makes room for slots up to `len`, each starting empty.
    pub fn grow(&mut self, len: usize) {
        if len <= self.len() {
            return;
        }
        match self {
            Acc::Count(n) => n.resize(len, 0),
            Acc::SumInt { sum, seen } => {
                sum.resize(len, 0);
                seen.resize(len, false);
            }
            Acc::SumFloat { sum, seen } => {
                sum.resize(len, 0.0);
                seen.resize(len, false);
            }
            Acc::ExtremeInt { value, seen, .. } => {
                value.resize(len, 0);
                seen.resize(len, false);
            }
            Acc::ExtremeFloat { value, seen, .. } => {
                value.resize(len, 0.0);
                seen.resize(len, false);
            }
            Acc::ExtremeBool { value, seen, .. } => {
                value.resize(len, false);
                seen.resize(len, false);
            }
            Acc::ExtremeText { value, .. } => value.resize(len, None),
            Acc::AvgInt { sum, count } => {
                sum.resize(len, 0);
                count.resize(len, 0);
            }
            Acc::AvgFloat { sum, count } => {
                sum.resize(len, 0.0);
                count.resize(len, 0);
            }
            Acc::SumDecimal { sum, seen }
            | Acc::ExtremeDecimal {
                value: sum, seen, ..
            } => {
                sum.resize(len, 0);
                seen.resize(len, false);
            }
            Acc::AvgDecimal { sum, count, .. } => {
                sum.resize(len, 0);
                count.resize(len, 0);
            }
        }
    }

    /// Folds rows `rows[i]` of `arg` (the evaluated argument; `None` for `COUNT(*)`) into
    /// slots `slots[i]`. NULL arguments are skipped, as SQL aggregates do.
    pub fn update(&mut self, arg: Option<&Column>, rows: &[u32], slots: &[u32]) {
        debug_assert_eq!(rows.len(), slots.len());
        let Some(arg) = arg else {
            if let Acc::Count(n) = self {
                for &s in slots {
                    n[s as usize] += 1;
                }
            }
            return;
        };
        let valid = |r: u32| arg.validity.as_ref().is_none_or(|v| v[r as usize]);
        let pairs = rows.iter().zip(slots).filter(|(r, _)| valid(**r));
        match (self, &arg.values) {
            (Acc::Count(n), _) => {
                for (_, &s) in pairs {
                    n[s as usize] += 1;
                }
            }
            (Acc::SumInt { sum, seen }, Values::Int64(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].wrapping_add(v[r as usize]);
                    seen[s as usize] = true;
                }
            }
            // An INT sum is kept as a BIGINT; its low 32 bits are the INT sum that wraps.
            (Acc::SumInt { sum, seen }, Values::Int32(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].wrapping_add(i64::from(v[r as usize]));
                    seen[s as usize] = true;
                }
            }
            (Acc::SumFloat { sum, seen }, Values::Float64(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] += v[r as usize];
                    seen[s as usize] = true;
                }
            }
            (Acc::AvgInt { sum, count }, Values::Int64(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].wrapping_add(v[r as usize]);
                    count[s as usize] += 1;
                }
            }
            // Flink sums an INT average in a BIGINT, so the sum does not wrap at 32 bits.
            (Acc::AvgInt { sum, count }, Values::Int32(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].wrapping_add(i64::from(v[r as usize]));
                    count[s as usize] += 1;
                }
            }
            (Acc::AvgFloat { sum, count }, Values::Float64(v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] += v[r as usize];
                    count[s as usize] += 1;
                }
            }
            (Acc::ExtremeInt { value, seen, max }, Values::Int64(v) | Values::Timestamp(v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (v[r as usize], s as usize);
                    if !seen[s] || better(*max, x, value[s]) {
                        value[s] = x;
                        seen[s] = true;
                    }
                }
            }
            (Acc::ExtremeInt { value, seen, max }, Values::Int32(v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (i64::from(v[r as usize]), s as usize);
                    if !seen[s] || better(*max, x, value[s]) {
                        value[s] = x;
                        seen[s] = true;
                    }
                }
            }
            (Acc::ExtremeFloat { value, seen, max }, Values::Float64(v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (v[r as usize], s as usize);
                    if !seen[s] || better(*max, x, value[s]) {
                        value[s] = x;
                        seen[s] = true;
                    }
                }
            }
            (Acc::ExtremeBool { value, seen, max }, Values::Bool(v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (v[r as usize], s as usize);
                    if !seen[s] || better(*max, x, value[s]) {
                        value[s] = x;
                        seen[s] = true;
                    }
                }
            }
            (Acc::SumDecimal { sum, seen }, Values::Decimal(_, v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].saturating_add(v[r as usize]);
                    seen[s as usize] = true;
                }
            }
            (Acc::AvgDecimal { sum, count, .. }, Values::Decimal(_, v)) => {
                for (&r, &s) in pairs {
                    sum[s as usize] = sum[s as usize].saturating_add(v[r as usize]);
                    count[s as usize] += 1;
                }
            }
            (Acc::ExtremeDecimal { value, seen, max }, Values::Decimal(_, v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (v[r as usize], s as usize);
                    if !seen[s] || better(*max, x, value[s]) {
                        value[s] = x;
                        seen[s] = true;
                    }
                }
            }
            (Acc::ExtremeText { value, max }, Values::Utf8(v)) => {
                for (&r, &s) in pairs {
                    let (x, s) = (v.get(r as usize), s as usize);
                    let better = match &value[s] {
                        None => true,
                        Some(current) => better(*max, x, &**current),
                    };
                    if better {
                        value[s] = Some(x.into());
                    }
                }
            }
            (acc, values) => unreachable!(
                "an aggregate over {} fed {}",
                acc.describe(),
                values.data_type()
            ),
        }
    }

    /// Folds slot `from` of `other` (the same aggregate) into slot `into`.
    pub fn merge(&mut self, into: u32, other: &Acc, from: u32) {
        let (i, f) = (into as usize, from as usize);
        match (self, other) {
            (Acc::Count(a), Acc::Count(b)) => a[i] += b[f],
            (Acc::SumInt { sum, seen }, Acc::SumInt { sum: s2, seen: k2 }) => {
                if k2[f] {
                    sum[i] = sum[i].wrapping_add(s2[f]);
                    seen[i] = true;
                }
            }
            (Acc::SumFloat { sum, seen }, Acc::SumFloat { sum: s2, seen: k2 }) => {
                if k2[f] {
                    sum[i] += s2[f];
                    seen[i] = true;
                }
            }
            (Acc::AvgInt { sum, count }, Acc::AvgInt { sum: s2, count: c2 }) => {
                sum[i] = sum[i].wrapping_add(s2[f]);
                count[i] += c2[f];
            }
            (Acc::AvgFloat { sum, count }, Acc::AvgFloat { sum: s2, count: c2 }) => {
                sum[i] += s2[f];
                count[i] += c2[f];
            }
            (
                Acc::ExtremeInt { value, seen, max },
                Acc::ExtremeInt {
                    value: v2,
                    seen: k2,
                    ..
                },
            ) => {
                if k2[f] && (!seen[i] || better(*max, v2[f], value[i])) {
                    value[i] = v2[f];
                    seen[i] = true;
                }
            }
            (
                Acc::ExtremeFloat { value, seen, max },
                Acc::ExtremeFloat {
                    value: v2,
                    seen: k2,
                    ..
                },
            ) => {
                if k2[f] && (!seen[i] || better(*max, v2[f], value[i])) {
                    value[i] = v2[f];
                    seen[i] = true;
                }
            }
            (
                Acc::ExtremeBool { value, seen, max },
                Acc::ExtremeBool {
                    value: v2,
                    seen: k2,
                    ..
                },
            ) => {
                if k2[f] && (!seen[i] || better(*max, v2[f], value[i])) {
                    value[i] = v2[f];
                    seen[i] = true;
                }
            }
            (Acc::SumDecimal { sum, seen }, Acc::SumDecimal { sum: s2, seen: k2 }) => {
                if k2[f] {
                    sum[i] = sum[i].saturating_add(s2[f]);
                    seen[i] = true;
                }
            }
            (
                Acc::AvgDecimal { sum, count, .. },
                Acc::AvgDecimal {
                    sum: s2, count: c2, ..
                },
            ) => {
                sum[i] = sum[i].saturating_add(s2[f]);
                count[i] += c2[f];
            }
            (
                Acc::ExtremeDecimal { value, seen, max },
                Acc::ExtremeDecimal {
                    value: v2,
                    seen: k2,
                    ..
                },
            ) => {
                if k2[f] && (!seen[i] || better(*max, v2[f], value[i])) {
                    value[i] = v2[f];
                    seen[i] = true;
                }
            }
            (Acc::ExtremeText { value, max }, Acc::ExtremeText { value: v2, .. }) => {
                if let Some(x) = &v2[f] {
                    let better = match &value[i] {
                        None => true,
                        Some(current) => better(*max, x, current),
                    };
                    if better {
                        value[i] = Some(x.clone());
                    }
                }
            }
            (a, b) => unreachable!("merging {} into {}", b.describe(), a.describe()),
        }
    }

    /// The results of `slots`, in that order, as a column of the aggregate's type. An
    /// aggregate that saw no value (SUM, MIN, MAX, AVG of only NULLs) is NULL.
    pub fn finish(&self, slots: &[u32], data_type: DataType) -> Column {
        let mut out = ColumnBuilder::new(data_type, slots.len());
        // An INT result is the low 32 bits of the BIGINT kept, as Java's `(int)` gives.
        let push_int = |out: &mut ColumnBuilder, x: i64| match data_type {
            DataType::Int32 => out.push(&crate::types::Value::Int32(x as i32)),
            _ => out.push_i64(x),
        };
        for &s in slots {
            let s = s as usize;
            match self {
                Acc::Count(n) => out.push_i64(n[s]),
                Acc::SumInt { sum, seen }
                | Acc::ExtremeInt {
                    value: sum, seen, ..
                } => {
                    if seen[s] {
                        push_int(&mut out, sum[s]);
                    } else {
                        out.push_null();
                    }
                }
                Acc::SumFloat { sum, seen }
                | Acc::ExtremeFloat {
                    value: sum, seen, ..
                } => {
                    if seen[s] {
                        out.push(&crate::types::Value::Float64(sum[s]));
                    } else {
                        out.push_null();
                    }
                }
                Acc::ExtremeBool { value, seen, .. } => {
                    if seen[s] {
                        out.push(&crate::types::Value::Bool(value[s]));
                    } else {
                        out.push_null();
                    }
                }
                Acc::ExtremeText { value, .. } => match &value[s] {
                    Some(x) => out.push_str(x),
                    None => out.push_null(),
                },
                // Integer division truncates toward zero, as Java's (and Flink's) does.
                Acc::AvgInt { sum, count } => match count[s] {
                    0 => out.push_null(),
                    n => push_int(&mut out, sum[s].wrapping_div(n)),
                },
                Acc::AvgFloat { sum, count } => match count[s] {
                    0 => out.push_null(),
                    n => out.push(&crate::types::Value::Float64(sum[s] / n as f64)),
                },
                Acc::SumDecimal { sum, seen }
                | Acc::ExtremeDecimal {
                    value: sum, seen, ..
                } => {
                    let t = data_type.as_decimal().expect("a DECIMAL aggregate");
                    match seen[s] && t.holds(sum[s]) {
                        true => out.push(&Value::Decimal(sum[s], t)),
                        false => out.push_null(),
                    }
                }
                // Flink divides the sum by the count as DECIMALs, rounding HALF_UP.
                Acc::AvgDecimal { sum, count, scale } => {
                    let t = data_type.as_decimal().expect("a DECIMAL aggregate");
                    let sum_type = DecimalType {
                        precision: decimal::MAX_PRECISION,
                        scale: *scale,
                    };
                    let avg = match count[s] {
                        0 => None,
                        _ if !sum_type.holds(sum[s]) => None,
                        n => decimal::div(
                            sum[s],
                            sum_type,
                            i128::from(n),
                            DecimalType::of_integer(64),
                            t,
                        ),
                    };
                    match avg {
                        Some(v) => out.push(&Value::Decimal(v, t)),
                        None => out.push_null(),
                    }
                }
            }
        }
        out.finish()
    }

    fn describe(&self) -> &'static str {
        match self {
            Acc::Count(_) => "COUNT",
            Acc::SumInt { .. } | Acc::SumFloat { .. } | Acc::SumDecimal { .. } => "SUM",
            Acc::AvgInt { .. } | Acc::AvgFloat { .. } | Acc::AvgDecimal { .. } => "AVG",
            Acc::ExtremeDecimal { max, .. }
            | Acc::ExtremeInt { max, .. }
            | Acc::ExtremeFloat { max, .. }
            | Acc::ExtremeBool { max, .. }
            | Acc::ExtremeText { max, .. } => {
                if *max {
                    "MAX"
                } else {
                    "MIN"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Field, Schema, Value};

    fn agg(text: &str) -> Aggregate {
        let schema = Schema::new(vec![
            Field::new("n", DataType::Int64),
            Field::new("x", DataType::Float64),
            Field::new("s", DataType::Utf8),
        ]);
        Aggregate::compile(text, 0, &schema).unwrap()
    }

    fn values(column: &Column) -> Vec<Value> {
        (0..column.len()).map(|i| column.value(i)).collect()
    }

    #[test]
    fn sql_semantics_with_nulls() {
        let n = Column::with_validity(
            Values::Int64(vec![5, 7, 0, -3]),
            Some(vec![true, true, false, true]),
        );
        let rows = [0, 1, 2, 3];
        let slots = [0, 0, 1, 1];
        let run = |text: &str| {
            let a = agg(text);
            let mut acc = Acc::new(&a);
            acc.grow(3);
            let arg = a.arg.as_ref().map(|_| &n);
            acc.update(arg, &rows, &slots);
            values(&acc.finish(&[0, 1, 2], a.data_type))
        };
        use Value::{Int64 as I, Null};
        assert_eq!(run("COUNT(*)"), [I(2), I(2), I(0)]);
        assert_eq!(run("COUNT(n)"), [I(2), I(1), I(0)]);
        assert_eq!(run("SUM(n)"), [I(12), I(-3), Null]);
        assert_eq!(run("MIN(n)"), [I(5), I(-3), Null]);
        assert_eq!(run("MAX(n)"), [I(7), I(-3), Null]);
        assert_eq!(run("AVG(n)"), [I(6), I(-3), Null]);
    }

    /// Flink 2.3: SUM, MIN, MAX and AVG of an INT are INT; SUM wraps at 32 bits while AVG
    /// sums in a BIGINT and divides as integers.
    #[test]
    fn int_aggregates_are_int_as_in_flink() {
        let schema = Schema::new(vec![Field::new("i", DataType::Int32)]);
        let i = Column::new(Values::Int32(vec![1_000_000_000, 2_000_000_000, 2, 4]));
        let run = |text: &str| {
            let a = Aggregate::compile(text, 0, &schema).unwrap();
            let mut acc = Acc::new(&a);
            acc.grow(2);
            acc.update(a.arg.as_ref().map(|_| &i), &[0, 1, 2, 3], &[0, 0, 1, 1]);
            let out = acc.finish(&[0, 1], a.data_type);
            assert_eq!(out.data_type(), a.data_type, "{text}");
            values(&out)
        };
        use Value::{Int32 as I, Int64 as L};
        assert_eq!(run("SUM(i)"), [I(-1_294_967_296), I(6)]);
        assert_eq!(run("AVG(i)"), [I(1_500_000_000), I(3)]);
        assert_eq!(run("MIN(i)"), [I(1_000_000_000), I(2)]);
        assert_eq!(run("MAX(i)"), [I(2_000_000_000), I(4)]);
        assert_eq!(run("COUNT(i)"), [L(2), L(2)]);
    }

    /// Flink 2.3: SUM of a DECIMAL(5, 2) is DECIMAL(38, 2), AVG DECIMAL(38, 6) rounded
    /// HALF_UP; MIN and MAX keep the type.
    #[test]
    fn decimal_aggregates_as_in_flink() {
        let t = DecimalType::new(5, 2).unwrap();
        let schema = Schema::new(vec![Field::new("d", DataType::decimal(t))]);
        let d = Column::with_validity(
            Values::Decimal(t, vec![150, 225, 0, 100, 200, 0]),
            Some(vec![true, true, false, true, true, true]),
        );
        let run = |text: &str| {
            let a = Aggregate::compile(text, 0, &schema).unwrap();
            let mut acc = Acc::new(&a);
            acc.grow(2);
            acc.update(
                a.arg.as_ref().map(|_| &d),
                &[0, 1, 2, 3, 4, 5],
                &[0, 0, 0, 1, 1, 1],
            );
            let out = acc.finish(&[0, 1], a.data_type);
            assert_eq!(out.data_type(), a.data_type, "{text}");
            (0..out.len())
                .map(|i| out.value(i).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(run("SUM(d)"), ["3.75", "3.00"]);
        assert_eq!(run("AVG(d)"), ["1.875000", "1.000000"]);
        assert_eq!(run("MIN(d)"), ["1.50", "0.00"]);
        assert_eq!(run("MAX(d)"), ["2.25", "2.00"]);
        let avg = Aggregate::compile("AVG(d)", 0, &schema).unwrap();
        assert_eq!(avg.data_type.sql_name(), "DECIMAL(38, 6)");
        // A checkpoint keeps the decimal state as it is.
        let mut acc = Acc::new(&avg);
        acc.grow(1);
        acc.update(Some(&d), &[0, 1], &[0, 0]);
        let back: Acc = postcard::from_bytes(&postcard::to_allocvec(&acc).unwrap()).unwrap();
        assert!(back.fits(&avg, 1));
        assert_eq!(
            values(&back.finish(&[0], avg.data_type)),
            values(&acc.finish(&[0], avg.data_type))
        );
    }

    #[test]
    fn merging_slices_equals_one_pass() {
        let s = Column::new(Values::Utf8(
            ["pear", "apple", "zoo", "fig"].into_iter().collect(),
        ));
        let a = agg("MAX(s)");
        let (mut one, mut left, mut right) = (Acc::new(&a), Acc::new(&a), Acc::new(&a));
        for acc in [&mut one, &mut left, &mut right] {
            acc.grow(1);
        }
        one.update(Some(&s), &[0, 1, 2, 3], &[0, 0, 0, 0]);
        left.update(Some(&s), &[0, 1], &[0, 0]);
        right.update(Some(&s), &[2, 3], &[0, 0]);
        let mut merged = Acc::new(&a);
        merged.grow(1);
        merged.merge(0, &left, 0);
        merged.merge(0, &right, 0);
        assert_eq!(
            values(&merged.finish(&[0], a.data_type)),
            values(&one.finish(&[0], a.data_type))
        );
        assert_eq!(
            values(&one.finish(&[0], a.data_type)),
            [Value::Utf8("zoo".into())]
        );
    }
}
