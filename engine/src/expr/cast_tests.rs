//! CAST from text as Apache Flink 2.3 does it; each expected value is Flink's answer. A text
//! that does not convert fails the job in Flink, as it fails the batch here (and a constant
//! one is refused at compile time); TRY_CAST gives NULL instead.

use super::*;
use crate::types::{Schema, Value};

fn cast(text: &str) -> Result<Value, String> {
    let schema = Schema::default();
    let expr = CompiledExpr::compile(text, &schema).map_err(|e| e.to_string())?;
    let batch = Batch::new(Vec::new(), 1);
    let column = expr.eval(&batch).map_err(|e| e.to_string())?;
    Ok(column.value(0))
}

fn ok(text: &str) -> Value {
    cast(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn fails(text: &str) {
    let e = cast(text).expect_err(text);
    assert!(e.contains("cannot cast"), "{text}: {e}");
}

#[test]
fn text_to_an_integer_drops_a_fraction() {
    assert_eq!(ok("CAST('1.5' AS BIGINT)"), Value::Int64(1));
    assert_eq!(ok("CAST(' 1.5 ' AS BIGINT)"), Value::Int64(1));
    assert_eq!(ok("CAST('1.9' AS BIGINT)"), Value::Int64(1));
    assert_eq!(ok("CAST('-0.5' AS BIGINT)"), Value::Int64(0));
    assert_eq!(ok("CAST('  -12  ' AS BIGINT)"), Value::Int64(-12));
    assert_eq!(ok("CAST('+5' AS INT)"), Value::Int32(5));
    assert_eq!(ok("CAST('.5' AS INT)"), Value::Int32(0));
    assert_eq!(ok("CAST('5.' AS INT)"), Value::Int32(5));
    assert_eq!(ok("CAST('-1.9' AS INT)"), Value::Int32(-1));
    assert_eq!(ok("CAST('2147483647' AS INT)"), Value::Int32(i32::MAX));
    assert_eq!(
        ok("CAST('9223372036854775807' AS BIGINT)"),
        Value::Int64(i64::MAX)
    );
    assert_eq!(
        ok("CAST('-9223372036854775808' AS BIGINT)"),
        Value::Int64(i64::MIN)
    );
    assert_eq!(ok("TRY_CAST('1.5' AS BIGINT)"), Value::Int64(1));
}

#[test]
fn text_that_is_no_integer_fails() {
    for text in [
        "CAST('1e3' AS BIGINT)",
        "CAST('abc' AS BIGINT)",
        "CAST('' AS INT)",
        "CAST('0x10' AS BIGINT)",
        "CAST('2147483648' AS INT)",
        "CAST('9999999999' AS INT)",
        "CAST('9223372036854775808' AS BIGINT)",
        "CAST('99999999999999999999' AS BIGINT)",
        "CAST('-' AS BIGINT)",
        "CAST('1.5.2' AS BIGINT)",
    ] {
        fails(text);
    }
    assert_eq!(ok("TRY_CAST('abc' AS BIGINT)"), Value::Null);
}

#[test]
fn text_to_a_double_reads_as_java() {
    assert_eq!(ok("CAST(' 1.5 ' AS DOUBLE)"), Value::Float64(1.5));
    assert_eq!(ok("CAST('1e3' AS DOUBLE)"), Value::Float64(1000.0));
    assert_eq!(
        ok("CAST('Infinity' AS DOUBLE)"),
        Value::Float64(f64::INFINITY)
    );
    assert_eq!(
        ok("CAST('-Infinity' AS DOUBLE)"),
        Value::Float64(f64::NEG_INFINITY)
    );
    assert!(matches!(ok("CAST('NaN' AS DOUBLE)"), Value::Float64(v) if v.is_nan()));
    assert_eq!(ok("CAST('1.5f' AS DOUBLE)"), Value::Float64(1.5));
    assert_eq!(ok("CAST('1.5d' AS DOUBLE)"), Value::Float64(1.5));
    assert_eq!(ok("CAST('0x1p3' AS DOUBLE)"), Value::Float64(8.0));
    for text in [
        "CAST('abc' AS DOUBLE)",
        "CAST('inf' AS DOUBLE)",
        "CAST('nan' AS DOUBLE)",
        "CAST('1,5' AS DOUBLE)",
        "CAST('' AS DOUBLE)",
    ] {
        fails(text);
    }
}

#[test]
fn text_to_a_boolean_takes_flinks_words_without_spaces() {
    for word in ["TRUE", "yes", "t", "1", "y"] {
        assert_eq!(ok(&format!("CAST('{word}' AS BOOLEAN)")), Value::Bool(true));
    }
    for word in ["false", "n", "no", "0", "f"] {
        assert_eq!(
            ok(&format!("CAST('{word}' AS BOOLEAN)")),
            Value::Bool(false)
        );
    }
    fails("CAST('abc' AS BOOLEAN)");
    fails("CAST(' TRUE ' AS BOOLEAN)");
}

#[test]
fn numbers_to_integers_truncate_saturate_or_wrap_as_java() {
    assert_eq!(ok("CAST(1E30 AS BIGINT)"), Value::Int64(i64::MAX));
    assert_eq!(ok("CAST(-1E30 AS BIGINT)"), Value::Int64(i64::MIN));
    assert_eq!(ok("CAST(CAST('NaN' AS DOUBLE) AS BIGINT)"), Value::Int64(0));
    assert_eq!(
        ok("CAST(CAST(-2.5E0 AS DOUBLE) AS BIGINT)"),
        Value::Int64(-2)
    );
    assert_eq!(ok("CAST(1.5E0 AS STRING)"), Value::Utf8("1.5".into()));
}
