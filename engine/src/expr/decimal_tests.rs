//! DECIMAL in expressions, each rule checked against what Apache Flink 2.3 gives.

use super::*;
use crate::types::{Column, DecimalType, Field, Values};

fn dec(precision: u32, scale: u32) -> DecimalType {
    DecimalType::new(precision, scale).unwrap()
}

fn schema() -> Schema {
    Schema::new(vec![
        Field::new("d", DataType::decimal(dec(5, 2))),
        Field::new("i", DataType::Int32),
        Field::new("b", DataType::Int64),
        Field::new("x", DataType::Float64),
        Field::new("s", DataType::Utf8),
    ])
}

fn batch() -> Batch {
    Batch::from_columns(vec![
        Column::with_validity(
            Values::Decimal(dec(5, 2), vec![150, -225, 0, 99999]),
            Some(vec![true, true, false, true]),
        ),
        Column::new(Values::Int32(vec![1, 2, 3, 0])),
        Column::new(Values::Int64(vec![1, 2, 3, 4])),
        Column::new(Values::Float64(vec![1.005, -2.5, 0.0, 1e10])),
        Column::new(Values::Utf8(
            [" 1.255 ", "-2.5", "1e2", "7"].into_iter().collect(),
        )),
    ])
}

/// Each row's value as Flink prints it, `NULL` for NULL.
fn eval(text: &str) -> Vec<String> {
    let expr = CompiledExpr::compile(text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    let column = expr
        .eval(&batch())
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(column.data_type(), expr.data_type(), "{text}");
    (0..column.len())
        .map(|i| column.value(i).to_string())
        .collect()
}

fn ty(text: &str) -> String {
    CompiledExpr::compile(text, &schema())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .data_type()
        .sql_name()
}

fn eval_err(text: &str) -> String {
    let expr = CompiledExpr::compile(text, &schema()).unwrap_or_else(|e| panic!("{text}: {e}"));
    expr.eval(&batch()).unwrap_err().to_string()
}

#[test]
fn type_names_read_as_in_flink() {
    assert_eq!(ty("CAST(x AS DECIMAL)"), "DECIMAL(10, 0)");
    assert_eq!(ty("CAST(x AS DECIMAL(7))"), "DECIMAL(7, 0)");
    assert_eq!(ty("CAST(x AS NUMERIC(12, 3))"), "DECIMAL(12, 3)");
    assert_eq!(ty("CAST(x AS DEC(38, 38))"), "DECIMAL(38, 38)");
    for bad in ["DECIMAL(39, 0)", "DECIMAL(0)", "DECIMAL(5, 6)"] {
        let e = CompiledExpr::compile(&format!("CAST(x AS {bad})"), &schema()).unwrap_err();
        assert!(e.message.contains("DECIMAL"), "{bad}: {}", e.message);
    }
}

#[test]
fn casts_round_half_up_and_overflow_to_null() {
    assert_eq!(
        eval("CAST(d AS DECIMAL(3, 1))"),
        ["1.5", "-2.3", "NULL", "NULL"]
    );
    assert_eq!(
        eval("CAST(d AS DECIMAL(2, 0))"),
        ["2", "-2", "NULL", "NULL"]
    );
    assert_eq!(eval("CAST(d AS DECIMAL(10, 4))")[1], "-2.2500");
    // A DOUBLE is read from its shortest text: 1.005 is 1.01 at two decimals.
    assert_eq!(
        eval("CAST(x AS DECIMAL(5, 2))"),
        ["1.01", "-2.50", "0.00", "NULL"]
    );
    assert_eq!(
        eval("CAST(i AS DECIMAL(5, 2))"),
        ["1.00", "2.00", "3.00", "0.00"]
    );
    assert_eq!(
        eval("CAST(b AS DECIMAL(1, 1))"),
        ["NULL", "NULL", "NULL", "NULL"]
    );
    assert_eq!(
        eval("CAST(i = 1 AS DECIMAL(3, 1))"),
        ["1.0", "0.0", "0.0", "0.0"]
    );
}

#[test]
fn casts_out_truncate_or_convert() {
    assert_eq!(eval("CAST(d AS BIGINT)"), ["1", "-2", "NULL", "999"]);
    assert_eq!(eval("CAST(d AS INT)"), ["1", "-2", "NULL", "999"]);
    assert_eq!(
        eval("CAST(d AS DOUBLE)"),
        ["1.5", "-2.25", "NULL", "999.99"]
    );
    assert_eq!(eval("CAST(d AS BOOLEAN)"), ["TRUE", "TRUE", "NULL", "TRUE"]);
    assert_eq!(
        eval("CAST(d AS STRING)"),
        ["1.50", "-2.25", "NULL", "999.99"]
    );
}

#[test]
fn text_casts_as_flink_reads_them() {
    assert_eq!(
        eval("CAST(s AS DECIMAL(5, 2))"),
        ["1.26", "-2.50", "100.00", "7.00"]
    );
    assert_eq!(
        eval("TRY_CAST(s AS DECIMAL(3, 2))"),
        ["1.26", "-2.50", "NULL", "7.00"]
    );
    // Too many digits fails the job in Flink, rather than giving NULL.
    assert!(eval_err("CAST(s AS DECIMAL(3, 2))").contains("more digits"));
    assert!(eval_err("CAST(CONCAT(s, 'x') AS DECIMAL(5, 2))").contains("cannot cast"));
}

#[test]
fn arithmetic_follows_flinks_result_types() {
    assert_eq!(ty("d + d"), "DECIMAL(6, 2)");
    assert_eq!(ty("d * d"), "DECIMAL(11, 4)");
    assert_eq!(ty("d / d"), "DECIMAL(13, 8)");
    assert_eq!(ty("d % d"), "DECIMAL(5, 2)");
    assert_eq!(ty("d + i"), "DECIMAL(13, 2)");
    assert_eq!(ty("d * b"), "DECIMAL(25, 2)");
    assert_eq!(ty("d + x"), "DOUBLE");
    assert_eq!(ty("-d"), "DECIMAL(5, 2)");
    assert_eq!(eval("d + d"), ["3.00", "-4.50", "NULL", "1999.98"]);
    assert_eq!(eval("d * i"), ["1.50", "-4.50", "NULL", "0.00"]);
    assert_eq!(eval("d - b"), ["0.50", "-4.25", "NULL", "995.99"]);
    // DECIMAL(5, 2) / DECIMAL(19, 0) keeps 2 + 19 + 1 decimals.
    assert_eq!(ty("d / b"), "DECIMAL(25, 22)");
    assert_eq!(eval("d / b")[1], "-1.1250000000000000000000");
    assert_eq!(eval("d % b"), ["0.50", "-0.25", "NULL", "3.99"]);
    assert_eq!(
        eval("d + x"),
        ["2.505", "-4.75", "NULL", "1.000000099999E10"]
    );
    assert_eq!(eval("-d"), ["-1.50", "2.25", "NULL", "-999.99"]);
    // Dividing by a zero DECIMAL fails the job, as in Flink.
    assert!(eval_err("d / CAST(i - i AS DECIMAL(3, 0))").contains("zero"));
}

#[test]
fn overflow_is_null() {
    let wide = "CAST(d AS DECIMAL(38, 2))";
    assert_eq!(ty(&format!("{wide} * {wide}")), "DECIMAL(38, 4)");
    let big = format!("CAST('9{}' AS DECIMAL(38, 0))", "9".repeat(37));
    assert_eq!(eval(&format!("{big} * {big}")), ["NULL"; 4]);
    assert_eq!(eval(&format!("{big} + {big}"))[0], "NULL");
}

#[test]
fn comparisons_across_scales_and_types() {
    assert_eq!(
        eval("d > CAST(i AS DECIMAL(3, 0))"),
        ["TRUE", "FALSE", "NULL", "TRUE"]
    );
    assert_eq!(
        eval("d = CAST(d AS DECIMAL(10, 5))"),
        ["TRUE", "TRUE", "NULL", "TRUE"]
    );
    assert_eq!(eval("d < b"), ["FALSE", "TRUE", "NULL", "FALSE"]);
    assert_eq!(eval("d >= i"), ["TRUE", "FALSE", "NULL", "TRUE"]);
    assert_eq!(eval("d < x"), ["FALSE", "FALSE", "NULL", "TRUE"]);
}

#[test]
fn functions_keep_or_drop_the_scale() {
    assert_eq!(ty("ABS(d)"), "DECIMAL(5, 2)");
    assert_eq!(ty("FLOOR(d)"), "DECIMAL(5, 0)");
    assert_eq!(ty("CEIL(d)"), "DECIMAL(5, 0)");
    assert_eq!(eval("ABS(d)"), ["1.50", "2.25", "NULL", "999.99"]);
    assert_eq!(eval("FLOOR(d)"), ["1", "-3", "NULL", "999"]);
    assert_eq!(eval("CEIL(d)"), ["2", "-2", "NULL", "1000"]);
}

#[test]
fn case_and_coalesce_meet_in_a_wider_decimal() {
    assert_eq!(ty("CASE WHEN i = 1 THEN d ELSE i END"), "DECIMAL(12, 2)");
    assert_eq!(ty("CASE WHEN i = 1 THEN d ELSE b END"), "DECIMAL(21, 2)");
    assert_eq!(ty("CASE WHEN i = 1 THEN d ELSE x END"), "DOUBLE");
    assert_eq!(ty("COALESCE(d, CAST(b AS DECIMAL(3, 1)))"), "DECIMAL(5, 2)");
    assert_eq!(eval("COALESCE(d, i)"), ["1.50", "-2.25", "3.00", "999.99"]);
    assert_eq!(
        eval("CASE WHEN i = 1 THEN d ELSE i END"),
        ["1.50", "2.00", "3.00", "0.00"]
    );
}

#[test]
fn literals_with_a_point_are_decimals() {
    assert_eq!(ty("1.5"), "DECIMAL(2, 1)");
    assert_eq!(ty("0.5"), "DECIMAL(2, 1)");
    assert_eq!(ty(".5"), "DECIMAL(1, 1)");
    assert_eq!(ty("00001.5"), "DECIMAL(6, 1)");
    assert_eq!(ty("-1.50"), "DECIMAL(3, 2)");
    assert_eq!(ty("1.5E0"), "DOUBLE");
    assert_eq!(ty("15"), "INT");
    assert_eq!(eval("-1.50")[0], "-1.50");
}

#[test]
fn literal_arithmetic_gives_flinks_values() {
    let cases = [
        ("1.5 + 2.25", "DECIMAL(4, 2)", "3.75"),
        ("1.5 * 2.25", "DECIMAL(6, 3)", "3.375"),
        ("1.5 / 2.25", "DECIMAL(9, 6)", "0.666667"),
        ("1 / 3.0", "DECIMAL(17, 6)", "0.333333"),
        ("10.0 / 3", "DECIMAL(14, 12)", "3.333333333333"),
        ("7.5 % 2", "DECIMAL(2, 1)", "1.5"),
        ("-7.5 % 2", "DECIMAL(2, 1)", "-1.5"),
        ("MOD(7.5, 2)", "DECIMAL(2, 1)", "1.5"),
        ("1.5 + 1", "DECIMAL(12, 1)", "2.5"),
        ("1.5 * CAST(2 AS BIGINT)", "DECIMAL(22, 1)", "3.0"),
        ("1.5 + 1.5E0", "DOUBLE", "3.0"),
        ("CAST(1.255 AS DECIMAL(3, 2))", "DECIMAL(3, 2)", "1.26"),
        ("CAST(-2.5 AS DECIMAL(2, 0))", "DECIMAL(2, 0)", "-3"),
        ("CAST(1.005E0 AS DECIMAL(5, 2))", "DECIMAL(5, 2)", "1.01"),
        ("CAST(123.45 AS DECIMAL(3, 1))", "DECIMAL(3, 1)", "NULL"),
        ("CAST(123 AS DECIMAL(2, 0))", "DECIMAL(2, 0)", "NULL"),
        ("CAST(1.5 AS DECIMAL)", "DECIMAL(10, 0)", "2"),
        ("CAST(1.7 AS BIGINT)", "BIGINT", "1"),
        ("CAST(-2.5 AS BIGINT)", "BIGINT", "-2"),
        ("CAST(2.5 AS INT)", "INT", "2"),
        ("CAST(2.5 AS BOOLEAN)", "BOOLEAN", "TRUE"),
        ("CAST(TRUE AS DECIMAL(3, 1))", "DECIMAL(3, 1)", "1.0"),
        ("CAST(12 AS DECIMAL(5, 2))", "DECIMAL(5, 2)", "12.00"),
        ("CAST(1.50 AS STRING)", "STRING", "1.50"),
        ("CAST(' 1.5 ' AS DECIMAL(5, 2))", "DECIMAL(5, 2)", "1.50"),
        ("CAST('1e2' AS DECIMAL(5, 1))", "DECIMAL(5, 1)", "100.0"),
        ("FLOOR(1.5)", "DECIMAL(2, 0)", "1"),
        ("FLOOR(-1.5)", "DECIMAL(2, 0)", "-2"),
        ("CEIL(1.05)", "DECIMAL(3, 0)", "2"),
        ("ABS(-1.5)", "DECIMAL(2, 1)", "1.5"),
        ("-(1.5)", "DECIMAL(2, 1)", "-1.5"),
        (
            "CASE WHEN i > 0 THEN 1 ELSE 2.5 END",
            "DECIMAL(11, 1)",
            "1.0",
        ),
        (
            "CASE WHEN i > 0 THEN 1.5 ELSE 2.25 END",
            "DECIMAL(3, 2)",
            "1.50",
        ),
        (
            "CASE WHEN i > 0 THEN 1.5 ELSE b END",
            "DECIMAL(20, 1)",
            "1.5",
        ),
        (
            "CASE WHEN i > 0 THEN 1.5 ELSE CAST(1 AS DOUBLE) END",
            "DOUBLE",
            "1.5",
        ),
        ("COALESCE(1.5, 2)", "DECIMAL(11, 1)", "1.5"),
        ("1.5 > 1.4E0", "BOOLEAN", "TRUE"),
        ("1.5 = 1.50", "BOOLEAN", "TRUE"),
        ("1.5 < 2", "BOOLEAN", "TRUE"),
        ("1.5 IN (1.50, 2)", "BOOLEAN", "TRUE"),
    ];
    for (text, want_type, want) in cases {
        assert_eq!(ty(text), want_type, "{text}");
        assert_eq!(eval(text)[0], want, "{text}");
    }
    // Division by a zero DECIMAL fails the job in Flink.
    assert!(eval_err("1.5 / (i - i)").contains("zero"));
}
