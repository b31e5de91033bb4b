//! INT beside BIGINT, each rule checked against what Apache Flink 2.3 gives.

use super::*;
use crate::types::{Column, Field, Value, Values};

fn schema() -> Schema {
    Schema::new(vec![
        Field::new("i", DataType::Int32),
        Field::new("b", DataType::Int64),
        Field::new("x", DataType::Float64),
    ])
}

fn batch() -> Batch {
    Batch::from_columns(vec![
        Column::new(Values::Int32(vec![i32::MAX, -7, 0, 10])),
        Column::new(Values::Int64(vec![1, 2, 3, 4])),
        Column::new(Values::Float64(vec![0.5, 1.5, -2.0, 3e10])),
    ])
}

fn eval(text: &str) -> Vec<Value> {
    let expr = CompiledExpr::compile(text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    let column = expr
        .eval(&batch())
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(column.data_type(), expr.data_type(), "{text}");
    (0..column.len()).map(|i| column.value(i)).collect()
}

fn one(text: &str) -> Value {
    eval(text).swap_remove(0)
}

fn ty(text: &str) -> DataType {
    CompiledExpr::compile(text, &schema())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .data_type()
}

fn int32s(v: [i32; 4]) -> Vec<Value> {
    v.into_iter().map(Value::Int32).collect()
}

#[test]
fn int_with_int_is_int_and_wraps_as_java() {
    assert_eq!(ty("1 + 1"), DataType::Int32);
    assert_eq!(one("2147483647 + 1"), Value::Int32(i32::MIN));
    assert_eq!(one("CAST(2147483647 AS INT) * 2"), Value::Int32(-2));
    assert_eq!(eval("i + 1"), int32s([i32::MIN, -6, 1, 11]));
    assert_eq!(eval("-i"), int32s([-i32::MAX, 7, 0, -10]));
    assert_eq!(one("-CAST(-2147483648 AS INT)"), Value::Int32(i32::MIN));
    assert_eq!(one("ABS(CAST(-2147483648 AS INT))"), Value::Int32(i32::MIN));
    // Division truncates toward zero; the remainder takes the dividend's sign.
    assert_eq!(one("7 / 2"), Value::Int32(3));
    assert_eq!(one("-7 / 2"), Value::Int32(-3));
    assert_eq!(one("-7 % 2"), Value::Int32(-1));
    assert_eq!(one("7 % -2"), Value::Int32(1));
    assert_eq!(one("MOD(7, 3)"), Value::Int32(1));
    assert_eq!(eval("i / 3"), int32s([715_827_882, -2, 0, 3]));
    assert_eq!(ty("ABS(-3)"), DataType::Int32);
    assert_eq!(ty("FLOOR(3)"), DataType::Int32);
}

#[test]
fn int_with_bigint_is_bigint_and_with_double_is_double() {
    assert_eq!(ty("i + b"), DataType::Int64);
    assert_eq!(
        eval("i + b"),
        [2_147_483_648i64, -5, 3, 14].map(Value::Int64).to_vec()
    );
    assert_eq!(ty("CAST(5 AS INT) / CAST(2 AS BIGINT)"), DataType::Int64);
    assert_eq!(one("CAST(5 AS INT) / CAST(2 AS BIGINT)"), Value::Int64(2));
    assert_eq!(ty("i * x"), DataType::Float64);
    assert_eq!(ty("1 + 1.5E0"), DataType::Float64);
    assert_eq!(one("1 + 1.5E0"), Value::Float64(2.5));
    // A BIGINT column with a small literal stays BIGINT: the literal is widened once.
    assert_eq!(ty("b % 2"), DataType::Int64);
    assert_eq!(
        eval("b % 2 = 0"),
        [false, true, false, true].map(Value::Bool).to_vec()
    );
}

#[test]
fn comparisons_and_branches_meet_in_the_wider_type() {
    assert_eq!(one("CAST(7 AS INT) = CAST(7 AS BIGINT)"), Value::Bool(true));
    assert_eq!(
        eval("i > b"),
        [true, false, false, true].map(Value::Bool).to_vec()
    );
    assert_eq!(eval("i < 0.5E0")[1], Value::Bool(true));
    assert_eq!(
        ty("CASE WHEN TRUE THEN 1 ELSE CAST(2 AS BIGINT) END"),
        DataType::Int64
    );
    assert_eq!(ty("COALESCE(1, 2)"), DataType::Int32);
    assert_eq!(ty("COALESCE(1, CAST(2 AS BIGINT))"), DataType::Int64);
    assert_eq!(
        ty("CASE WHEN TRUE THEN 1 ELSE 2.5E0 END"),
        DataType::Float64
    );
    assert_eq!(
        one("CASE WHEN TRUE THEN 1 ELSE 2.5E0 END"),
        Value::Float64(1.0)
    );
}

#[test]
fn casts_to_and_from_int() {
    // Narrowing a BIGINT keeps the low 32 bits.
    assert_eq!(one("CAST(3000000000 AS INT)"), Value::Int32(-1_294_967_296));
    assert_eq!(
        one("CAST(CAST(2147483648 AS BIGINT) AS INT) + 0"),
        Value::Int32(i32::MIN)
    );
    // A DOUBLE truncates toward zero and saturates; NaN is 0.
    assert_eq!(one("CAST(3.9E0 AS INT)"), Value::Int32(3));
    assert_eq!(one("CAST(-3.9E0 AS INT)"), Value::Int32(-3));
    assert_eq!(one("CAST(1E30 AS INT)"), Value::Int32(i32::MAX));
    assert_eq!(one("CAST(CAST('NaN' AS DOUBLE) AS INT)"), Value::Int32(0));
    assert_eq!(eval("CAST(x AS INT)"), int32s([0, 1, -2, i32::MAX]));
    assert_eq!(one("CAST(TRUE AS INT)"), Value::Int32(1));
    assert_eq!(one("CAST(2 AS BOOLEAN)"), Value::Bool(true));
    assert_eq!(one("CAST(0 AS BOOLEAN)"), Value::Bool(false));
    assert_eq!(one("CAST(1 AS DOUBLE)"), Value::Float64(1.0));
    assert_eq!(one("CAST(-12 AS STRING)"), Value::Utf8("-12".into()));
    assert_eq!(one("CAST(' 42 ' AS INT)"), Value::Int32(42));
    assert_eq!(
        eval("CAST(i AS BIGINT)"),
        [2_147_483_647i64, -7, 0, 10].map(Value::Int64).to_vec()
    );
}

#[test]
fn char_length_is_int() {
    assert_eq!(ty("CHAR_LENGTH('abc')"), DataType::Int32);
    assert_eq!(one("CHAR_LENGTH('héllo') + 1"), Value::Int32(6));
}

/// Flink answers these two differently (see ARCHITECTURE.md); the engine keeps IEEE 754.
#[test]
fn doubles_compare_as_ieee_where_flink_does_not() {
    let schema = Schema::new(vec![Field::new("x", DataType::Float64)]);
    let batch = Batch::from_columns(vec![Column::new(Values::Float64(vec![-0.0, f64::NAN]))]);
    let eval = |text: &str| {
        let column = CompiledExpr::compile(text, &schema)
            .unwrap()
            .eval(&batch)
            .unwrap();
        [column.value(0), column.value(1)]
    };
    let (t, f) = (Value::Bool(true), Value::Bool(false));
    assert_eq!(eval("x IN (0.0E0, 1.0E0, 2.0E0)"), [t.clone(), f.clone()]);
    assert_eq!(eval("x = x"), [t, f]);
}
