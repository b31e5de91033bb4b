use std::sync::Arc;

use super::kernels::{ConstDivisor, Side};
use super::node::Node;
use super::*;
use crate::types::{Column, Field, Utf8Values, Value, Values, parse_timestamp};

const T0: &str = "2024-01-02 09:30:00";

fn ts(offset_ms: i64) -> i64 {
    parse_timestamp(T0).unwrap() + offset_ms
}

fn schema() -> Schema {
    use DataType::*;
    Schema::new(vec![
        Field::new("a", Int64),
        Field::new("b", Int64),
        Field::new("z", Int64),
        Field::new("x", Float64),
        Field::new("s", Utf8),
        Field::new("f", Bool),
        Field::new("t", Timestamp),
        Field::new("n", Int64),
        Field::new("nb", Bool),
        Field::new("ns", Utf8),
        Field::new("nx", Float64),
        Field::new("digits", Utf8),
    ])
}

fn nullable(values: Values, validity: [bool; 4]) -> Column {
    Column::with_validity(values, Some(validity.to_vec()))
}

fn text(values: &[&str]) -> Values {
    Values::Utf8(values.iter().collect::<Utf8Values>())
}

/// Four rows covering signs, zero divisors, non-ASCII text and NULLs.
fn batch() -> Batch {
    const NULLS: [bool; 4] = [true, false, true, false];
    Batch::from_columns(vec![
        Column::new(Values::Int64(vec![7, -7, 0, 10])),
        Column::new(Values::Int64(vec![2, 3, -4, 5])),
        Column::new(Values::Int64(vec![1, 0, 2, 0])),
        Column::new(Values::Float64(vec![1.5, -2.25, 0.0, 10.0])),
        Column::new(text(&["Hello", "wörld", "", "abc"])),
        Column::new(Values::Bool(vec![true, false, true, false])),
        Column::new(Values::Timestamp((0..4).map(|i| ts(i * 1000)).collect())),
        nullable(Values::Int64(vec![1, 0, 3, 0]), NULLS),
        nullable(Values::Bool(vec![true, false, false, false]), NULLS),
        nullable(text(&["x", "", "z", ""]), NULLS),
        nullable(
            Values::Float64(vec![0.0, 2.5, 0.0, -1.0]),
            [false, true, false, true],
        ),
        nullable(text(&["12", "", " -3 ", ""]), NULLS),
    ])
}

fn eval(text: &str) -> Vec<Value> {
    let expr = CompiledExpr::compile(text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    let column = expr
        .eval(&batch())
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(column.len(), 4, "{text}");
    assert_eq!(column.data_type(), expr.data_type(), "{text}");
    (0..4).map(|i| column.value(i)).collect()
}

fn eval_err(text: &str) -> EvalError {
    let expr = CompiledExpr::compile(text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    expr.eval(&batch()).expect_err(text)
}

fn compile_err(text: &str) -> ExprError {
    CompiledExpr::compile(text, &schema()).expect_err(text)
}

fn ty(text: &str) -> DataType {
    CompiledExpr::compile(text, &schema()).unwrap().data_type()
}

fn ints(v: [i64; 4]) -> Vec<Value> {
    v.into_iter().map(Value::Int64).collect()
}

fn int32s(v: [i32; 4]) -> Vec<Value> {
    v.into_iter().map(Value::Int32).collect()
}

fn floats(v: [f64; 4]) -> Vec<Value> {
    v.into_iter().map(Value::Float64).collect()
}

fn bools(v: [bool; 4]) -> Vec<Value> {
    v.into_iter().map(Value::Bool).collect()
}

fn strs(v: [&str; 4]) -> Vec<Value> {
    v.into_iter().map(|s| Value::Utf8(s.to_string())).collect()
}

const N: Value = Value::Null;
const T: Value = Value::Bool(true);
const F: Value = Value::Bool(false);

fn repeat(v: Value) -> Vec<Value> {
    vec![v; 4]
}

#[test]
fn compiled_expressions_are_send_sync_and_clone() {
    fn check<X: Send + Sync + Clone>() {}
    check::<CompiledExpr>();
    check::<Predicate>();
    check::<SelectItem>();
}

#[test]
fn literals() {
    // Flink: `42` is an INT, `2147483648` a BIGINT, `-2147483648` still an INT.
    assert_eq!(eval("42"), repeat(Value::Int32(42)));
    assert_eq!(ty("2147483647"), DataType::Int32);
    assert_eq!(eval("2147483648"), repeat(Value::Int64(2_147_483_648)));
    assert_eq!(eval("-2147483648"), repeat(Value::Int32(i32::MIN)));
    assert_eq!(ty("-2147483649"), DataType::Int64);
    assert_eq!(eval("0.908E0"), repeat(Value::Float64(0.908)));
    assert_eq!(eval("1e3"), repeat(Value::Float64(1000.0)));
    assert_eq!(eval("'it''s'"), repeat(Value::Utf8("it's".into())));
    assert_eq!(eval("TRUE"), repeat(T));
    assert_eq!(eval("false"), repeat(F));
    assert_eq!(eval("-9223372036854775808"), repeat(Value::Int64(i64::MIN)));
    assert_eq!(ty("TIMESTAMP '2024-01-02 09:30:00'"), DataType::Timestamp);
    assert_eq!(
        eval("TIMESTAMP '2024-01-02 09:30:00'"),
        repeat(Value::Timestamp(ts(0)))
    );
    assert_eq!(eval("CAST(NULL AS BIGINT)"), repeat(N));
    assert_eq!(ty("CAST(NULL AS BIGINT)"), DataType::Int64);
}

#[test]
fn literal_errors() {
    let e = compile_err("9223372036854775808");
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    assert!(e.message.contains("does not fit in a BIGINT"), "{e}");
    let e = compile_err("TIMESTAMP 'yesterday'");
    assert_eq!(e.kind, ExprErrorKind::Parse);
    assert_eq!(e.message, "invalid TIMESTAMP(3) literal 'yesterday'");
    // A bare NULL has no type to give the result.
    let e = compile_err("NULL");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert!(e.message.contains("CAST(NULL AS BIGINT)"), "{e}");
    assert_eq!(compile_err("NULL + NULL").kind, ExprErrorKind::TypeMismatch);
}

#[test]
fn column_reference_is_passed_through_without_copy() {
    let b = batch();
    for text in [
        "a",
        "`a`",
        "\"a\"",
        "A",
        "(a)",
        "+a",
        "FLOOR(a)",
        "CAST(a AS BIGINT)",
    ] {
        let out = CompiledExpr::compile(text, &schema())
            .unwrap()
            .eval(&b)
            .unwrap();
        assert!(Arc::ptr_eq(&out, b.column(0)), "{text}");
    }
    let out = CompiledExpr::compile("s", &schema())
        .unwrap()
        .eval(&b)
        .unwrap();
    assert!(Arc::ptr_eq(&out, b.column(4)));
}

#[test]
fn integer_arithmetic() {
    assert_eq!(eval("a + b"), ints([9, -4, -4, 15]));
    assert_eq!(eval("a - b"), ints([5, -10, 4, 5]));
    assert_eq!(eval("a * b"), ints([14, -21, 0, 50]));
    assert_eq!(eval("a / b"), ints([3, -2, 0, 2]));
    assert_eq!(eval("a % b"), ints([1, -1, 0, 0]));
    assert_eq!(eval("a / 2"), ints([3, -3, 0, 5]));
    assert_eq!(eval("a % 3"), ints([1, -1, 0, 1]));
    assert_eq!(eval("a % -3"), ints([1, -1, 0, 1]));
    assert_eq!(eval("a / -2"), ints([-3, 3, 0, -5]));
    assert_eq!(eval("100 / b"), ints([50, 33, -25, 20]));
    assert_eq!(eval_err("100 / a").message, "division by zero");
    assert_eq!(eval("-a"), ints([-7, 7, 0, -10]));
    assert_eq!(eval("- -a"), ints([7, -7, 0, 10]));
    assert_eq!(eval("1 + 2 * 3"), int32s([7; 4]));
    assert_eq!(eval("(1 + 2) * 3"), int32s([9; 4]));
    assert_eq!(ty("a + b"), DataType::Int64);
    assert_eq!(ty("a / b"), DataType::Int64);
}

#[test]
fn integer_overflow_wraps() {
    assert_eq!(
        eval("9223372036854775807 + 1"),
        repeat(Value::Int64(i64::MIN))
    );
    assert_eq!(
        eval("a * 9223372036854775807")[0],
        Value::Int64(7i64.wrapping_mul(i64::MAX))
    );
    assert_eq!(
        eval("-(a - a - 9223372036854775807 - 1)")[0],
        Value::Int64(i64::MIN)
    );
    assert_eq!(
        eval("(a - a - 9223372036854775807 - 1) / -1")[0],
        Value::Int64(i64::MIN)
    );
    assert_eq!(
        eval("(a - a - 9223372036854775807 - 1) % -1")[0],
        Value::Int64(0)
    );
    assert_eq!(
        eval("ABS(a - a - 9223372036854775807 - 1)")[0],
        Value::Int64(i64::MIN)
    );
}

#[test]
fn double_and_mixed_arithmetic() {
    assert_eq!(eval("a + x"), floats([8.5, -9.25, 0.0, 20.0]));
    assert_eq!(eval("x - a"), floats([-5.5, 4.75, 0.0, 0.0]));
    assert_eq!(eval("x * 2"), floats([3.0, -4.5, 0.0, 20.0]));
    assert_eq!(eval("a / 2.0E0"), floats([3.5, -3.5, 0.0, 5.0]));
    assert_eq!(eval("x / 0.5"), floats([3.0, -4.5, 0.0, 20.0]));
    assert_eq!(eval("x % 1"), floats([0.5, -0.25, 0.0, 0.0]));
    assert_eq!(eval("-x"), floats([-1.5, 2.25, -0.0, -10.0]));
    assert_eq!(eval("0.908E0 * a")[3], Value::Float64(0.908 * 10.0));
    assert_eq!(ty("a * 1.0E0"), DataType::Float64);
    assert_eq!(ty("x * 1.0"), DataType::Float64);
    // IEEE: no error for DOUBLE division by zero.
    assert_eq!(eval("x / 0")[0], Value::Float64(f64::INFINITY));
    assert_eq!(eval("x / 0.0")[3], Value::Float64(f64::INFINITY));
}

#[test]
fn mod_function_matches_operator() {
    assert_eq!(eval("MOD(a, 3)"), eval("a % 3"));
    assert_eq!(eval("mod(a, b)"), eval("a % b"));
    assert_eq!(eval("MOD(x, 2)"), eval("x % 2"));
    assert_eq!(eval_err("MOD(a, z)").message, "division by zero");
    let e = compile_err("MOD(s, 2)");
    assert_eq!(e.message, "cannot apply `MOD` to STRING and INT");
    assert_eq!(e.column.as_deref(), Some("s"));
}

#[test]
fn division_by_zero() {
    for text in [
        "a / z",
        "a % z",
        "a / 0",
        "a % 0",
        "MOD(a, 0)",
        "a / (b - b)",
    ] {
        let e = eval_err(text);
        assert_eq!(e.message, "division by zero", "{text}");
        assert_eq!(e.to_string(), "division by zero");
    }
    // A zero divisor on a NULL row is not an error: the row is NULL.
    assert_eq!(eval("n / z"), vec![Value::Int64(1), N, Value::Int64(1), N]);
    assert_eq!(eval("n % z"), vec![Value::Int64(0), N, Value::Int64(1), N]);
    // Nor is a constant zero divisor when every dividend is NULL.
    let nulls = Schema::new(vec![Field::new("n", DataType::Int64)]);
    let all_null = Batch::from_columns(vec![nullable(Values::Int64(vec![0; 4]), [false; 4])]);
    let out = CompiledExpr::compile("n / 0", &nulls)
        .unwrap()
        .eval(&all_null)
        .unwrap();
    assert_eq!(out.null_count(), 4);
    // A NULL divisor gives NULL, not an error.
    assert_eq!(eval("a / CAST(NULL AS BIGINT)"), repeat(N));
    // No rows, no error.
    let empty = Batch::empty(&schema());
    let out = CompiledExpr::compile("a / 0", &schema())
        .unwrap()
        .eval(&empty)
        .unwrap();
    assert_eq!(out.len(), 0);
}

#[test]
fn comparisons() {
    assert_eq!(eval("a = 7"), bools([true, false, false, false]));
    assert_eq!(eval("a <> 7"), bools([false, true, true, true]));
    assert_eq!(eval("a != 7"), bools([false, true, true, true]));
    assert_eq!(eval("a < b"), bools([false, true, false, false]));
    assert_eq!(eval("a <= 0"), bools([false, true, true, false]));
    assert_eq!(eval("a > 0"), bools([true, false, false, true]));
    assert_eq!(eval("a >= 10"), bools([false, false, false, true]));
    assert_eq!(eval("0 < a"), eval("a > 0"));
    // Mixed numbers compare as DOUBLE.
    assert_eq!(eval("a > x"), bools([true, false, false, false]));
    assert_eq!(eval("x = 10"), bools([false, false, false, true]));
    assert_eq!(eval("x >= 1.5"), bools([true, false, false, true]));
    // Large integers compare exactly, not through DOUBLE.
    assert_eq!(
        eval("a - a + 9007199254740993 > 9007199254740992"),
        repeat(T)
    );
    // Text compares by bytes.
    assert_eq!(eval("s = 'Hello'"), bools([true, false, false, false]));
    assert_eq!(eval("s < 'b'"), bools([true, false, true, true]));
    assert_eq!(eval("'b' > s"), eval("s < 'b'"));
    assert_eq!(eval("s >= s"), repeat(T));
    // Booleans: FALSE < TRUE.
    assert_eq!(eval("f = TRUE"), bools([true, false, true, false]));
    assert_eq!(eval("f > FALSE"), bools([true, false, true, false]));
    assert_eq!(eval("f <> f"), repeat(F));
    // Timestamps, also against a timestamp written as text.
    assert_eq!(
        eval("t > TIMESTAMP '2024-01-02 09:30:01'"),
        bools([false, false, true, true])
    );
    assert_eq!(
        eval("t <= '2024-01-02 09:30:01'"),
        bools([true, true, false, false])
    );
    assert_eq!(
        eval("'2024-01-02 09:30:01' = t"),
        bools([false, true, false, false])
    );
    let e = compile_err("t > 'soon'");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert!(
        e.message.contains("'soon' is not a valid TIMESTAMP(3)"),
        "{e}"
    );
}

#[test]
fn comparison_type_errors() {
    let e = compile_err("a = 'x'");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "cannot apply `=` to BIGINT and STRING");
    assert_eq!(e.column.as_deref(), Some("a"));
    let e = compile_err("f < a");
    assert_eq!(e.message, "cannot apply `<` to BOOLEAN and BIGINT");
    assert_eq!(e.column, None, "two columns: neither is singled out");
    assert_eq!(
        compile_err("t = a").message,
        "cannot apply `=` to TIMESTAMP(3) and BIGINT"
    );
    assert_eq!(
        compile_err("s > t").message,
        "cannot apply `>` to STRING and TIMESTAMP(3)"
    );
}

/// Every combination of TRUE, FALSE and NULL.
#[test]
fn three_valued_logic() {
    let schema = Schema::new(vec![
        Field::new("l", DataType::Bool),
        Field::new("r", DataType::Bool),
    ]);
    let (t, f, n) = (Some(true), Some(false), None);
    let pairs = [
        (t, t),
        (t, f),
        (t, n),
        (f, t),
        (f, f),
        (f, n),
        (n, t),
        (n, f),
        (n, n),
    ];
    type Pair = (Option<bool>, Option<bool>);
    let col = |side: fn(&Pair) -> Option<bool>| {
        Column::with_validity(
            Values::Bool(pairs.iter().map(|p| side(p).unwrap_or(true)).collect()),
            Some(pairs.iter().map(|p| side(p).is_some()).collect()),
        )
    };
    let b = Batch::from_columns(vec![col(|p| p.0), col(|p| p.1)]);
    let run = |text: &str| -> Vec<Option<bool>> {
        let c = CompiledExpr::compile(text, &schema)
            .unwrap()
            .eval(&b)
            .unwrap();
        (0..9)
            .map(|i| match c.value(i) {
                Value::Bool(v) => Some(v),
                Value::Null => None,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(run("l AND r"), [t, f, n, f, f, f, n, f, n]);
    assert_eq!(run("l OR r"), [t, t, t, t, f, n, t, n, n]);
    assert_eq!(run("NOT l"), [f, f, f, t, t, t, n, n, n]);
    assert_eq!(run("l IS NULL"), [f, f, f, f, f, f, t, t, t]);
    assert_eq!(run("l IS NOT NULL"), [t, t, t, t, t, t, f, f, f]);
    assert_eq!(run("l IS TRUE"), [t, t, t, f, f, f, f, f, f]);
    assert_eq!(run("l IS NOT TRUE"), [f, f, f, t, t, t, t, t, t]);
    assert_eq!(run("l IS FALSE"), [f, f, f, t, t, t, f, f, f]);
    assert_eq!(run("l IS NOT FALSE"), [t, t, t, f, f, f, t, t, t]);
    // A NULL or constant operand takes the scalar paths.
    assert_eq!(run("l AND NULL"), [n, n, n, f, f, f, n, n, n]);
    assert_eq!(run("NULL OR l"), [t, t, t, n, n, n, n, n, n]);
    assert_eq!(run("l AND TRUE"), run("l"));
    assert_eq!(run("l AND FALSE"), [f; 9]);
    assert_eq!(run("l OR TRUE"), [t; 9]);
    assert_eq!(run("FALSE OR l"), run("l"));
    // Literal-only expressions are folded with the same rules.
    assert_eq!(eval("NULL AND FALSE"), repeat(F));
    assert_eq!(eval("NULL OR TRUE"), repeat(T));
    assert_eq!(eval("NULL AND TRUE"), repeat(N));
    assert_eq!(eval("NOT NULL"), repeat(N));
    assert_eq!(eval("NULL IS NULL"), repeat(T));
}

#[test]
fn logic_type_errors() {
    let e = compile_err("a AND f");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "cannot apply `AND` to BIGINT and BOOLEAN");
    assert_eq!(e.column.as_deref(), Some("a"));
    assert_eq!(
        compile_err("f OR s").message,
        "cannot apply `OR` to BOOLEAN and STRING"
    );
    let e = compile_err("NOT s");
    assert_eq!(e.message, "cannot apply `NOT` to STRING");
    assert_eq!(e.column.as_deref(), Some("s"));
    assert_eq!(compile_err("-s").message, "cannot apply `-` to STRING");
    assert_eq!(
        compile_err("a IS TRUE").message,
        "cannot apply `IS TRUE` to BIGINT"
    );
}

#[test]
fn null_propagation() {
    assert_eq!(eval("n + 1"), vec![Value::Int64(2), N, Value::Int64(4), N]);
    assert_eq!(ty("n + 1"), DataType::Int64);
    assert_eq!(
        eval("n * x"),
        vec![Value::Float64(1.5), N, Value::Float64(0.0), N]
    );
    assert_eq!(eval("n + nx"), repeat(N));
    assert_eq!(eval("-n"), vec![Value::Int64(-1), N, Value::Int64(-3), N]);
    assert_eq!(eval("n % 2"), vec![Value::Int64(1), N, Value::Int64(1), N]);
    assert_eq!(eval("n / 2"), vec![Value::Int64(0), N, Value::Int64(1), N]);
    assert_eq!(eval("n = 1"), vec![T, N, F, N]);
    assert_eq!(eval("n % 2 = 1"), vec![T, N, T, N]);
    assert_eq!(eval("ns < 'y'"), vec![T, N, F, N]);
    assert_eq!(eval("ABS(n)"), vec![Value::Int64(1), N, Value::Int64(3), N]);
    assert_eq!(
        eval("UPPER(ns)"),
        vec![Value::Utf8("X".into()), N, Value::Utf8("Z".into()), N]
    );
    assert_eq!(
        eval("CHAR_LENGTH(ns)"),
        vec![Value::Int32(1), N, Value::Int32(1), N]
    );
    assert_eq!(
        eval("CAST(n AS DOUBLE)"),
        vec![Value::Float64(1.0), N, Value::Float64(3.0), N]
    );
    // A NULL literal takes its type from the other operand.
    assert_eq!(eval("a + NULL"), repeat(N));
    assert_eq!(ty("a + NULL"), DataType::Int64);
    assert_eq!(ty("NULL * x"), DataType::Float64);
    assert_eq!(eval("a = NULL"), repeat(N));
    assert_eq!(ty("UPPER(NULL)"), DataType::Utf8);
    // IS NULL is never NULL.
    assert_eq!(eval("n IS NULL"), bools([false, true, false, true]));
    assert_eq!(eval("n + 1 IS NOT NULL"), bools([true, false, true, false]));
    assert_eq!(eval("a IS NULL"), repeat(F));
}

#[test]
fn between_and_in() {
    assert_eq!(eval("a BETWEEN 0 AND 7"), bools([true, false, true, false]));
    assert_eq!(
        eval("a NOT BETWEEN 0 AND 7"),
        bools([false, true, false, true])
    );
    assert_eq!(
        eval("x BETWEEN -3 AND 1.5"),
        bools([true, true, true, false])
    );
    assert_eq!(eval("n BETWEEN 0 AND 2"), vec![T, N, F, N]);
    assert_eq!(eval("a IN (7, 10)"), bools([true, false, false, true]));
    assert_eq!(eval("a NOT IN (7, 10)"), bools([false, true, true, false]));
    assert_eq!(
        eval("s IN ('abc', 'Hello', 'x')"),
        bools([true, false, false, true])
    );
    assert_eq!(
        eval("a IN (1, 2, 3, 4, 5, 6, 7, 8, 9)"),
        bools([true, false, false, false])
    );
    // SQL: x IN (.., NULL) is NULL unless a value matches; NOT IN with a NULL is never TRUE.
    assert_eq!(eval("a IN (7, NULL)"), vec![T, N, N, N]);
    assert_eq!(eval("a NOT IN (7, NULL)"), vec![F, N, N, N]);
    assert_eq!(eval("n IN (1, 2)"), vec![T, N, F, N]);
    let e = compile_err("a BETWEEN 'a' AND 'z'");
    assert_eq!(e.message, "cannot apply `BETWEEN` to BIGINT and STRING");
    assert_eq!(
        compile_err("a IN (1, 'x')").message,
        "cannot apply `IN` to BIGINT and STRING"
    );
}

#[test]
fn case_expressions() {
    assert_eq!(
        eval("CASE WHEN a > 5 THEN 'big' WHEN a < 0 THEN 'negative' ELSE 'small' END"),
        strs(["big", "negative", "small", "big"])
    );
    // Missing ELSE gives NULL.
    assert_eq!(
        eval("CASE WHEN a > 5 THEN a END"),
        vec![Value::Int64(7), N, N, Value::Int64(10)]
    );
    // The simple form compares the operand with each WHEN value.
    assert_eq!(
        eval("CASE a WHEN 7 THEN 'seven' WHEN 0 THEN 'zero' ELSE s END"),
        strs(["seven", "wörld", "zero", "abc"])
    );
    // BIGINT and DOUBLE branches unify to DOUBLE.
    assert_eq!(ty("CASE WHEN f THEN a ELSE x END"), DataType::Float64);
    assert_eq!(
        eval("CASE WHEN f THEN a ELSE x END"),
        floats([7.0, -2.25, 0.0, 10.0])
    );
    // A NULL condition does not match; the first matching branch wins.
    assert_eq!(
        eval("CASE WHEN nb THEN 1 WHEN f OR a > 0 THEN 2 ELSE 3 END"),
        int32s([1, 3, 2, 2])
    );
    // Branches run only on their own rows: this guard never divides by zero.
    assert_eq!(
        eval("CASE WHEN z = 0 THEN -1 ELSE a / z END"),
        ints([7, -1, 0, -1])
    );
    assert_eq!(
        eval("CASE WHEN z <> 0 THEN a % z END"),
        vec![Value::Int64(0), N, Value::Int64(0), N]
    );
    // NULL results, booleans, timestamps.
    assert_eq!(
        eval("CASE WHEN f THEN NULL ELSE b END"),
        vec![N, Value::Int64(3), N, Value::Int64(5)]
    );
    assert_eq!(eval("CASE WHEN a > 0 THEN f ELSE nb END"), vec![T, N, F, F]);
    assert_eq!(
        eval("CASE WHEN f THEN t END"),
        vec![Value::Timestamp(ts(0)), N, Value::Timestamp(ts(2000)), N]
    );
    assert_eq!(
        eval("CASE WHEN f THEN ns ELSE s END"),
        strs(["x", "wörld", "z", "abc"])
    );
    // One branch for every row returns that branch's column.
    let b = batch();
    let out = CompiledExpr::compile("CASE WHEN a IS NOT NULL THEN b ELSE 0 END", &schema())
        .unwrap()
        .eval(&b)
        .unwrap();
    assert!(Arc::ptr_eq(&out, b.column(1)));
    assert_eq!(eval("CASE WHEN 1 = 1 THEN 'yes' END"), strs(["yes"; 4]));
}

#[test]
fn case_errors() {
    let e = compile_err("CASE WHEN a THEN 1 END");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(
        e.message,
        "expected a BOOLEAN condition after WHEN, found BIGINT"
    );
    assert_eq!(e.column.as_deref(), Some("a"));
    let e = compile_err("CASE WHEN f THEN 1 ELSE 'one' END");
    assert_eq!(
        e.message,
        "CASE branches have incompatible types INT and STRING"
    );
    assert_eq!(
        compile_err("CASE WHEN f THEN NULL END").kind,
        ExprErrorKind::TypeMismatch
    );
    assert_eq!(
        compile_err("CASE a WHEN 'x' THEN 1 END").message,
        "cannot apply `CASE ... WHEN` to BIGINT and STRING"
    );
}

#[test]
fn casts_between_numbers_and_booleans() {
    assert_eq!(eval("CAST(a AS DOUBLE)"), floats([7.0, -7.0, 0.0, 10.0]));
    assert_eq!(eval("CAST(x AS BIGINT)"), ints([1, -2, 0, 10]));
    assert_eq!(eval("CAST(x * 3 AS INT)"), int32s([4, -6, 0, 30]));
    assert_eq!(eval("CAST(a AS BOOLEAN)"), bools([true, true, false, true]));
    assert_eq!(eval("CAST(x AS BOOLEAN)"), bools([true, true, false, true]));
    assert_eq!(eval("CAST(f AS BIGINT)"), ints([1, 0, 1, 0]));
    assert_eq!(eval("CAST(f AS DOUBLE)"), floats([1.0, 0.0, 1.0, 0.0]));
    for name in ["INT", "INTEGER"] {
        assert_eq!(ty(&format!("CAST(x AS {name})")), DataType::Int32, "{name}");
    }
    assert_eq!(ty("CAST(x AS BIGINT)"), DataType::Int64);
    // Narrower integers would wrap at their own width, which no column type here has.
    for name in ["SMALLINT", "TINYINT"] {
        let e = compile_err(&format!("CAST(x AS {name})"));
        assert_eq!(e.kind, ExprErrorKind::Unsupported, "{name}");
    }
    for name in ["DOUBLE", "FLOAT", "REAL"] {
        assert_eq!(
            ty(&format!("CAST(a AS {name})")),
            DataType::Float64,
            "{name}"
        );
    }
    for name in ["STRING", "VARCHAR", "VARCHAR(10)", "CHAR(3)"] {
        assert_eq!(ty(&format!("CAST(a AS {name})")), DataType::Utf8, "{name}");
    }
    for name in ["TIMESTAMP", "TIMESTAMP(3)"] {
        assert_eq!(
            ty(&format!("CAST(s AS {name})")),
            DataType::Timestamp,
            "{name}"
        );
    }
    assert_eq!(ty("a :: DOUBLE"), DataType::Float64);
}

#[test]
fn casts_to_and_from_text() {
    assert_eq!(eval("CAST(a AS STRING)"), strs(["7", "-7", "0", "10"]));
    assert_eq!(
        eval("CAST(x AS VARCHAR)"),
        strs(["1.5", "-2.25", "0.0", "10.0"])
    );
    assert_eq!(
        eval("CAST(f AS STRING)"),
        strs(["TRUE", "FALSE", "TRUE", "FALSE"])
    );
    assert_eq!(
        eval("CAST(t AS STRING)")[0],
        Value::Utf8("2024-01-02 09:30:00.000".into())
    );
    assert_eq!(
        eval("CAST(n AS STRING)"),
        vec![Value::Utf8("1".into()), N, Value::Utf8("3".into()), N]
    );
    // NULL rows are not parsed (their slot holds an empty string).
    assert_eq!(
        eval("CAST(digits AS BIGINT)"),
        vec![Value::Int64(12), N, Value::Int64(-3), N]
    );
    assert_eq!(
        eval("CAST(digits AS DOUBLE)"),
        vec![Value::Float64(12.0), N, Value::Float64(-3.0), N]
    );
    assert_eq!(
        eval("CAST('2024-01-02 09:30:00' AS TIMESTAMP(3))"),
        repeat(Value::Timestamp(ts(0)))
    );
    assert_eq!(eval("CAST(CAST(t AS STRING) AS TIMESTAMP)"), eval("t"));
    assert_eq!(eval("CAST('true' AS BOOLEAN)"), repeat(T));
    assert_eq!(eval("CAST(' 42 ' AS BIGINT)"), repeat(Value::Int64(42)));
    assert_eq!(eval("CAST('1e2' AS DOUBLE)"), repeat(Value::Float64(100.0)));
}

#[test]
fn failed_casts() {
    let e = eval_err("CAST(s AS BIGINT)");
    assert_eq!(e.message, "cannot cast 'Hello' to BIGINT");
    assert_eq!(
        eval_err("CAST(s AS DOUBLE)").message,
        "cannot cast 'Hello' to DOUBLE"
    );
    assert_eq!(
        eval_err("CAST(s AS BOOLEAN)").message,
        "cannot cast 'Hello' to BOOLEAN"
    );
    assert_eq!(
        eval_err("CAST(s AS TIMESTAMP)").message,
        "cannot cast 'Hello' to TIMESTAMP(3)"
    );
    // A constant that fails, fails every row: it is refused before the run.
    for (text, why) in [
        ("CAST('abc' AS INT)", "cannot cast 'abc' to INT"),
        ("a + CAST('abc' AS BIGINT)", "cannot cast 'abc' to BIGINT"),
        ("1 / 0", "division by zero"),
        ("CASE WHEN 1 / 0 = 1 THEN a END", "division by zero"),
    ] {
        let e = compile_err(text);
        assert_eq!(e.kind, ExprErrorKind::AlwaysFails, "{text}");
        assert_eq!(
            e.message,
            format!("a constant part fails on every row: {why}"),
            "{text}"
        );
    }
    // In a CASE branch it may never run: it fails only on the rows that take it.
    assert_eq!(
        eval("CASE WHEN a > 100 THEN CAST('abc' AS BIGINT) ELSE a END"),
        eval("a")
    );
    // TRY_CAST turns failures into NULL.
    assert_eq!(eval("TRY_CAST(s AS BIGINT)"), repeat(N));
    assert_eq!(
        eval("TRY_CAST(CONCAT(s, '1') AS BIGINT)"),
        vec![N, N, Value::Int64(1), N]
    );
    assert_eq!(eval("TRY_CAST('7' AS BIGINT)"), repeat(Value::Int64(7)));
    // Conversions that do not exist are compile-time errors.
    let e = compile_err("CAST(t AS BIGINT)");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "cannot cast TIMESTAMP(3) to BIGINT");
    assert_eq!(e.column.as_deref(), Some("t"));
    assert_eq!(
        compile_err("CAST(a AS TIMESTAMP)").message,
        "cannot cast BIGINT to TIMESTAMP(3)"
    );
    let e = compile_err("CAST(a AS DATE)");
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    assert!(e.message.starts_with("type `DATE` is not supported"), "{e}");
}

#[test]
fn numeric_functions() {
    assert_eq!(eval("ABS(a)"), ints([7, 7, 0, 10]));
    assert_eq!(eval("abs(x)"), floats([1.5, 2.25, 0.0, 10.0]));
    assert_eq!(eval("FLOOR(x)"), floats([1.0, -3.0, 0.0, 10.0]));
    assert_eq!(eval("CEIL(x)"), floats([2.0, -2.0, 0.0, 10.0]));
    assert_eq!(eval("CEILING(x)"), eval("CEIL(x)"));
    assert_eq!(eval("FLOOR(a)"), eval("a"));
    assert_eq!(ty("FLOOR(a)"), DataType::Int64);
    assert_eq!(eval("FLOOR(-2.5E0)"), repeat(Value::Float64(-3.0)));
    let e = compile_err("ABS(s)");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "ABS expects a number, found STRING");
    assert_eq!(e.column.as_deref(), Some("s"));
}

#[test]
fn string_functions() {
    assert_eq!(eval("LOWER(s)"), strs(["hello", "wörld", "", "abc"]));
    assert_eq!(eval("UPPER(s)"), strs(["HELLO", "WÖRLD", "", "ABC"]));
    // Characters, not bytes: "wörld" is 6 bytes.
    // An INT, as in Flink.
    assert_eq!(eval("CHAR_LENGTH(s)"), int32s([5, 5, 0, 3]));
    assert_eq!(eval("CHARACTER_LENGTH(s)"), eval("CHAR_LENGTH(s)"));
    assert_eq!(
        eval("CONCAT(s, '-', a)"),
        strs(["Hello-7", "wörld--7", "-0", "abc-10"])
    );
    assert_eq!(eval("CONCAT(s)"), eval("s"));
    assert_eq!(
        eval("s || '!' || f"),
        strs(["Hello!TRUE", "wörld!FALSE", "!TRUE", "abc!FALSE"])
    );
    assert_eq!(eval("CONCAT('a', 'b', 'c')"), strs(["abc"; 4]));
    // Any NULL argument makes the result NULL, like Flink.
    assert_eq!(
        eval("CONCAT(s, ns)"),
        vec![Value::Utf8("Hellox".into()), N, Value::Utf8("z".into()), N]
    );
    assert_eq!(eval("CONCAT(s, NULL)"), repeat(N));
    assert_eq!(
        eval("ns || s"),
        vec![Value::Utf8("xHello".into()), N, Value::Utf8("z".into()), N]
    );
    assert_eq!(eval("UPPER('mIxEd')"), strs(["MIXED"; 4]));
    let e = compile_err("UPPER(a)");
    assert_eq!(e.message, "UPPER expects a STRING, found BIGINT");
    assert_eq!(e.column.as_deref(), Some("a"));
}

#[test]
fn coalesce() {
    assert_eq!(eval("COALESCE(n, 0)"), ints([1, 0, 3, 0]));
    assert_eq!(eval("COALESCE(nx, n, a)"), floats([1.0, 2.5, 3.0, -1.0]));
    assert_eq!(
        eval("COALESCE(NULL, ns, 'none')"),
        strs(["x", "none", "z", "none"])
    );
    assert_eq!(
        compile_err("COALESCE(n, 'x')").message,
        "COALESCE arguments have incompatible types BIGINT and STRING"
    );
}

#[test]
fn function_errors() {
    let e = compile_err("SQRT(a)");
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    assert!(
        e.message
            .starts_with("unknown function `SQRT`; supported functions: ABS, CEIL"),
        "{e}"
    );
    assert!(e.message.contains("UPPER"));
    let e = compile_err("ABS(a, b)");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "ABS takes 1 argument, found 2");
    assert_eq!(
        compile_err("MOD(a)").message,
        "MOD takes 2 arguments, found 1"
    );
    assert_eq!(
        compile_err("CONCAT()").message,
        "CONCAT takes at least 1 argument, found 0"
    );
    assert_eq!(compile_err("COUNT(*)").kind, ExprErrorKind::Unsupported);
    assert_eq!(
        compile_err("SUM(a) OVER ()").kind,
        ExprErrorKind::Unsupported
    );
}

#[test]
fn parse_errors() {
    for text in ["", "   "] {
        let e = compile_err(text);
        assert_eq!(e.kind, ExprErrorKind::Parse);
        assert_eq!(e.message, "expression is empty");
    }
    let e = compile_err("price +");
    assert_eq!(e.kind, ExprErrorKind::Parse);
    assert!(e.message.starts_with("could not parse `price +`: "), "{e}");
    assert!(e.message.contains("EOF"), "{e}");
    let e = compile_err("a b");
    assert_eq!(e.kind, ExprErrorKind::Parse);
    assert_eq!(
        e.message,
        "could not parse `a b`: unexpected `b` after the end of the expression"
    );
    assert_eq!(compile_err("a + 1)").kind, ExprErrorKind::Parse);
    assert_eq!(compile_err("(a + 1").kind, ExprErrorKind::Parse);
    assert_eq!(compile_err("'unterminated").kind, ExprErrorKind::Parse);
}

#[test]
fn unknown_columns_and_unsupported_syntax() {
    let schema = Schema::new(vec![
        Field::new("auction", DataType::Int64),
        Field::new("bidder", DataType::Int64),
        Field::new("price", DataType::Int64),
    ]);
    let e = CompiledExpr::compile("pricee * 2", &schema).unwrap_err();
    assert_eq!(e.kind, ExprErrorKind::UnknownColumn);
    assert_eq!(
        e.message,
        "unknown column `pricee`; available columns: auction, bidder, price"
    );
    assert_eq!(e.column.as_deref(), Some("pricee"));
    assert_eq!(e.to_string(), e.message);
    let e = CompiledExpr::compile("bids.price", &schema).unwrap_err();
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    assert!(e.message.contains("`bids.price`"), "{e}");
    let e = CompiledExpr::compile("price LIKE 'x%'", &schema).unwrap_err();
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    let e = CompiledExpr::compile("price & 1", &schema).unwrap_err();
    assert_eq!(e.kind, ExprErrorKind::Unsupported);
    assert_eq!(e.message, "operator `&` is not supported");
}

#[test]
fn arithmetic_type_errors() {
    let e = compile_err("a + 'x'");
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "cannot apply `+` to BIGINT and STRING");
    assert_eq!(e.column.as_deref(), Some("a"));
    assert_eq!(
        compile_err("s * 2").message,
        "cannot apply `*` to STRING and INT"
    );
    assert_eq!(
        compile_err("f - x").message,
        "cannot apply `-` to BOOLEAN and DOUBLE"
    );
    assert_eq!(
        compile_err("t + 1").message,
        "cannot apply `+` to TIMESTAMP(3) and INT"
    );
    assert_eq!(compile_err("a % s").column, None);
}

#[test]
fn columns_in_first_use_order() {
    let e = CompiledExpr::compile("b + a * b - A", &schema()).unwrap();
    assert_eq!(e.columns(), vec!["b", "a"]);
    assert!(
        CompiledExpr::compile("1 + 2", &schema())
            .unwrap()
            .columns()
            .is_empty()
    );
    let p = Predicate::compile("x > 1 AND s = 'a' OR x < 0", &schema()).unwrap();
    assert_eq!(p.columns(), vec!["x", "s"]);
}

#[test]
fn predicates() {
    let b = batch();
    let p = Predicate::compile("a > 0", &schema()).unwrap();
    assert_eq!(p.eval_mask(&b).unwrap(), vec![true, false, false, true]);
    let out = p.filter(&b).unwrap();
    assert_eq!(out.num_rows(), 2);
    assert_eq!(out.row(1)[0], Value::Int64(10));
    // NULL counts as false.
    let p = Predicate::compile("nb OR n = 3", &schema()).unwrap();
    assert_eq!(p.eval_mask(&b).unwrap(), vec![true, false, true, false]);
    assert_eq!(
        Predicate::compile("TRUE", &schema())
            .unwrap()
            .eval_mask(&b)
            .unwrap(),
        vec![true; 4]
    );
    assert_eq!(
        Predicate::compile("NULL", &schema())
            .unwrap()
            .eval_mask(&b)
            .unwrap(),
        vec![false; 4]
    );
    // A column that is itself the condition is shared, then copied for the mask.
    let p = Predicate::compile("f", &schema()).unwrap();
    assert_eq!(p.eval_mask(&b).unwrap(), vec![true, false, true, false]);
    assert_eq!(
        b.column(5).values,
        Values::Bool(vec![true, false, true, false])
    );
    assert!(p.eval_mask(&Batch::empty(&schema())).unwrap().is_empty());
    assert_eq!(p.filter(&Batch::empty(&schema())).unwrap().num_rows(), 0);
}

#[test]
fn predicate_must_be_boolean() {
    let e = Predicate::compile("a + 1", &schema()).unwrap_err();
    assert_eq!(e.kind, ExprErrorKind::TypeMismatch);
    assert_eq!(e.message, "expected a BOOLEAN condition, found BIGINT");
    assert_eq!(e.column.as_deref(), Some("a"));
    let e = Predicate::compile("a + b", &schema()).unwrap_err();
    assert_eq!(e.column, None);
    assert_eq!(
        Predicate::compile("a >", &schema()).unwrap_err().kind,
        ExprErrorKind::Parse
    );
}

#[test]
fn select_items() {
    let s = schema();
    let item = SelectItem::compile("a", 0, &s).unwrap();
    assert_eq!(item.name, "a");
    // The schema's spelling of a case-insensitive match.
    assert_eq!(SelectItem::compile("A", 0, &s).unwrap().name, "a");
    assert_eq!(SelectItem::compile("a + 1", 3, &s).unwrap().name, "EXPR$3");
    assert_eq!(
        SelectItem::compile("a + 1 AS total", 3, &s).unwrap().name,
        "total"
    );
    assert_eq!(SelectItem::compile("a total", 3, &s).unwrap().name, "total");
    assert_eq!(
        SelectItem::compile("a AS \"Total Price\"", 0, &s)
            .unwrap()
            .name,
        "Total Price"
    );
    let item = SelectItem::compile("0.908 * a AS price_eur", 1, &s).unwrap();
    assert_eq!(item.expr.data_type().sql_name(), "DECIMAL(24, 3)");
    assert_eq!(item.expr.columns(), vec!["a"]);
    for text in ["*", "t.*"] {
        let e = SelectItem::compile(text, 0, &s).unwrap_err();
        assert_eq!(e.kind, ExprErrorKind::Unsupported);
        assert!(
            e.message
                .starts_with(&format!("`{text}` is not supported in a select item")),
            "{e}"
        );
    }
    assert_eq!(
        SelectItem::compile("a AS b c", 0, &s).unwrap_err().kind,
        ExprErrorKind::Parse
    );
    assert_eq!(
        SelectItem::compile("", 0, &s).unwrap_err().message,
        "expression is empty"
    );
    assert_eq!(
        SelectItem::compile("NULL", 0, &s).unwrap_err().kind,
        ExprErrorKind::TypeMismatch
    );
    assert_eq!(
        SelectItem::compile("nope", 0, &s).unwrap_err().kind,
        ExprErrorKind::UnknownColumn
    );
}

#[test]
fn batch_that_does_not_match_the_schema_is_an_error() {
    let expr = CompiledExpr::compile("x + 1", &schema()).unwrap();
    let short = Batch::from_columns(vec![Column::new(Values::Int64(vec![1]))]);
    assert!(
        expr.eval(&short)
            .unwrap_err()
            .message
            .contains("`x` is missing")
    );
    let expr = CompiledExpr::compile("a + 1", &schema()).unwrap();
    let wrong = Batch::from_columns(vec![Column::new(Values::Float64(vec![1.0]))]);
    assert_eq!(
        expr.eval(&wrong).unwrap_err().message,
        "column `a` should be BIGINT but the batch has DOUBLE"
    );
}

#[test]
fn empty_batches_give_empty_columns() {
    let empty = Batch::empty(&schema());
    for text in ["a + 1", "'x'", "CAST(s AS BIGINT)", "x"] {
        let expr = CompiledExpr::compile(text, &schema()).unwrap();
        let out = expr.eval(&empty).unwrap();
        assert_eq!(
            (out.len(), out.data_type()),
            (0, expr.data_type()),
            "{text}"
        );
    }
}

#[test]
fn constant_divisors_are_specialized_and_fused() {
    let node = |text: &str| {
        CompiledExpr::compile(text, &schema())
            .unwrap()
            .inner
            .node
            .clone()
    };
    assert!(matches!(node("a % 123"), Node::DivConst { rem: true, .. }));
    assert!(matches!(node("a / 7"), Node::DivConst { rem: false, .. }));
    assert!(matches!(
        node("MOD(a, 123)"),
        Node::DivConst { rem: true, .. }
    ));
    assert!(matches!(node("a % 123 = 0"), Node::RemCompare { .. }));
    assert!(matches!(node("0 = a % 123"), Node::RemCompare { .. }));
    assert!(matches!(node("a % 0"), Node::Arith { .. }));
    assert!(matches!(node("1 + 2 * 3"), Node::Literal { .. }));
    // The fused filter agrees with the plain evaluation, in both operand orders.
    assert_eq!(eval("a % 3 = 1"), bools([true, false, false, true]));
    assert_eq!(eval("-1 = a % 3"), bools([false, true, false, false]));
    assert_eq!(eval("a % 3 > 0"), bools([true, false, false, true]));
    assert_eq!(eval("1 > a % 3"), bools([false, true, true, false]));
    assert_eq!(eval("a % 4 <> 3"), bools([false, true, true, true]));
}

/// xorshift64*: deterministic pseudo-random values without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Values of every magnitude, not only huge ones.
    fn any_i64(&mut self) -> i64 {
        let bits = self.next() % 64;
        (self.next() as i64) >> bits
    }
}

fn edge_values(d: i64) -> Vec<i64> {
    let mut v = vec![
        0,
        1,
        -1,
        2,
        -2,
        i64::MIN,
        i64::MAX,
        i64::MIN + 1,
        i64::MAX - 1,
    ];
    for k in [-3i64, -2, -1, 0, 1, 2, 3] {
        for m in [d, d.wrapping_mul(2), d.wrapping_mul(1 << 20)] {
            v.push(m.wrapping_add(k));
            v.push(m.wrapping_neg().wrapping_add(k));
        }
    }
    v
}

#[test]
fn constant_modulo_and_division_match_rust_operators() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut divisors = vec![
        1,
        -1,
        2,
        -2,
        3,
        -3,
        5,
        7,
        10,
        123,
        -123,
        641,
        1000,
        1 << 31,
        (1 << 32) - 1,
        (1 << 32) + 1,
        1 << 32,
        1 << 62,
        (1 << 62) + 1,
        i64::MAX,
        i64::MAX - 1,
        i64::MIN,
        i64::MIN + 1,
        -(1 << 40) - 7,
    ];
    for _ in 0..300 {
        divisors.push(rng.any_i64());
    }
    let mut values = Vec::new();
    for _ in 0..2000 {
        values.push(rng.any_i64());
    }
    let mut shapes = std::collections::BTreeSet::new();
    for &d in &divisors {
        if d == 0 {
            continue;
        }
        let c = ConstDivisor::new(d).unwrap();
        shapes.insert(c.shape());
        let mut all = values.clone();
        all.extend(edge_values(d));
        let rems = c.rem(Side::Arr(&all), all.len());
        let divs = c.div(Side::Arr(&all), all.len());
        for (i, &a) in all.iter().enumerate() {
            assert_eq!(rems[i], a.wrapping_rem(d), "{a} % {d}");
            assert_eq!(divs[i], a.wrapping_div(d), "{a} / {d}");
        }
        assert_eq!(c.rem_one(-7), (-7i64).wrapping_rem(d), "-7 % {d}");
        assert_eq!(c.div_one(i64::MIN), i64::MIN.wrapping_div(d), "MIN / {d}");
    }
    assert_eq!(
        shapes.len(),
        3,
        "every divisor shape is exercised: {shapes:?}"
    );
    assert!(ConstDivisor::new(0).is_none());
}

#[test]
fn constant_modulo_through_expressions_matches_rust() {
    let s = Schema::new(vec![Field::new("auction", DataType::Int64)]);
    let mut rng = Rng(42);
    let mut values: Vec<i64> = (0..4096).map(|_| rng.any_i64()).collect();
    values.extend(edge_values(123));
    let b = Batch::from_columns(vec![Column::new(Values::Int64(values.clone()))]);
    for d in [123i64, -123, 1, -1, 2, 1 << 33, i64::MAX, i64::MIN] {
        let rem = CompiledExpr::compile(&format!("auction % ({d})"), &s).unwrap();
        let div = CompiledExpr::compile(&format!("auction / ({d})"), &s).unwrap();
        let (Values::Int64(r), Values::Int64(q)) =
            (&rem.eval(&b).unwrap().values, &div.eval(&b).unwrap().values)
        else {
            panic!("BIGINT results expected");
        };
        let mask = Predicate::compile(&format!("auction % ({d}) = 0"), &s)
            .unwrap()
            .eval_mask(&b)
            .unwrap();
        for (i, &a) in values.iter().enumerate() {
            assert_eq!(r[i], a.wrapping_rem(d), "{a} % {d}");
            assert_eq!(q[i], a.wrapping_div(d), "{a} / {d}");
            assert_eq!(mask[i], a.wrapping_rem(d) == 0, "{a} % {d} = 0");
        }
    }
}

/// A hand-run speed check, not a timed test:
/// `cargo test --release -p streamlab-engine expr::tests::speed -- --ignored --nocapture`
#[test]
#[ignore]
fn speed() {
    use std::time::Instant;
    let s = Schema::new(vec![
        Field::new("auction", DataType::Int64),
        Field::new("price", DataType::Int64),
    ]);
    let mut rng = Rng(7);
    let batches: Vec<Batch> = (0..64)
        .map(|_| {
            let auction = (0..4096)
                .map(|_| (rng.next() % 1_000_000) as i64 + 1000)
                .collect();
            let price = (0..4096).map(|_| (rng.next() % 100_000) as i64).collect();
            Batch::from_columns(vec![
                Column::new(Values::Int64(auction)),
                Column::new(Values::Int64(price)),
            ])
        })
        .collect();
    let rows = (batches.len() * 4096) as f64;
    let time = |label: &str, mut f: Box<dyn FnMut(&Batch) -> usize>| {
        let mut sink = 0;
        for b in &batches {
            sink += f(b);
        }
        let rounds = 200;
        let start = Instant::now();
        for _ in 0..rounds {
            for b in &batches {
                sink += f(b);
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (rows * rounds as f64);
        println!("{label:<40} {ns:6.3} ns/row  ({sink})");
    };
    let filter = Predicate::compile("auction % 123 = 0", &s).unwrap();
    let f = filter.clone();
    time(
        "eval_mask  auction % 123 = 0",
        Box::new(move |b| f.eval_mask(b).unwrap().len()),
    );
    let f = filter.clone();
    time(
        "filter     auction % 123 = 0",
        Box::new(move |b| f.filter(b).unwrap().num_rows()),
    );
    // For comparison: the same filter with a hardware divide per row.
    let d = std::hint::black_box(123i64);
    time(
        "baseline: plain Rust `x % d == 0` loop",
        Box::new(move |b| {
            let Values::Int64(v) = &b.column(0).values else {
                unreachable!()
            };
            let mask: Vec<bool> = v.iter().map(|&x| x % d == 0).collect();
            mask.len()
        }),
    );
    let rem = CompiledExpr::compile("auction % 123", &s).unwrap();
    time(
        "eval       auction % 123",
        Box::new(move |b| rem.eval(b).unwrap().len()),
    );
    let map = CompiledExpr::compile("0.908 * price", &s).unwrap();
    time(
        "eval       0.908 * price",
        Box::new(move |b| map.eval(b).unwrap().len()),
    );
    let (f, m) = (filter, CompiledExpr::compile("0.908 * price", &s).unwrap());
    time(
        "filter then map",
        Box::new(move |b| m.eval(&f.filter(b).unwrap()).unwrap().len()),
    );
}

#[test]
fn long_operator_chains_are_refused_before_they_can_exhaust_the_stack() {
    // At the limit, a chain compiles and runs on a thread with the default (small) stack.
    let chain = |n: usize| format!("a{}", " + a".repeat(n));
    let at_limit = chain(parse::MAX_OPERATORS);
    std::thread::spawn(move || {
        assert_eq!(eval(&at_limit), eval("a * 129"));
    })
    .join()
    .expect("no stack overflow");
    let e = compile_err(&chain(parse::MAX_OPERATORS + 1));
    assert_eq!(e.kind, ExprErrorKind::TooLong);
    assert!(e.message.contains("129 operators"), "{}", e.message);
    let e = compile_err(&format!("f{}", " AND f".repeat(2000)));
    assert!(
        e.message.contains("split it across several Map columns"),
        "{}",
        e.message
    );
    // A Filter's condition is told to split as a Filter can.
    let long = format!("f{}", " AND f".repeat(200));
    let e = Predicate::compile(&long, &schema()).unwrap_err();
    assert!(
        e.message.contains("Filters one after another"),
        "{}",
        e.message
    );
    assert!(!e.message.contains("Map columns"), "{}", e.message);
}

#[test]
fn deep_nesting_says_so() {
    for (text, depth) in [
        (format!("{}b", "NOT ".repeat(128)), 128),
        (format!("{}a{}", "(".repeat(100), ")".repeat(100)), 100),
        (format!("{}a{}", "-(".repeat(80), ")".repeat(80)), 80),
    ] {
        let e = compile_err(&text);
        assert!(
            e.message.contains("nested too deeply"),
            "depth {depth}: {}",
            e.message
        );
    }
}

#[test]
fn nesting_within_the_limit_parses() {
    let depth = super::parse::MAX_DEPTH;
    for text in [
        format!("{}a > 0", "NOT ".repeat(depth - 1)),
        format!("{}a{}", "(".repeat(depth), ")".repeat(depth)),
        format!("{}a{}", "-(".repeat(depth / 2), ")".repeat(depth / 2)),
        format!(
            "{}a > 0{}",
            "NOT (".repeat(depth / 2),
            ")".repeat(depth / 2)
        ),
    ] {
        CompiledExpr::compile(&text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    // Long flat expressions are not deep.
    let flat = vec!["-a"; 60].join(" + ");
    CompiledExpr::compile(&flat, &schema()).unwrap_or_else(|e| panic!("{flat}: {e}"));
}
