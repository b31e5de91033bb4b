//! DECIMAL rules with Apache Flink 2.3's answers as the expected values, and a property
//! test against exact integer arithmetic.

use proptest::prelude::*;

use super::decimal::*;

fn t(p: u32, s: u32) -> DecimalType {
    DecimalType::new(p, s).unwrap()
}

fn text(v: Option<i128>, scale: u8) -> String {
    v.map_or("NULL".into(), |v| to_string(v, scale))
}

#[test]
fn result_types_are_flinks() {
    assert_eq!(DecimalType::of_sum(t(2, 1), t(3, 2)), t(4, 2));
    assert_eq!(
        DecimalType::of_sum(t(2, 1), DecimalType::of_integer(32)),
        t(12, 1)
    );
    assert_eq!(
        DecimalType::of_sum(t(2, 1), DecimalType::of_integer(64)),
        t(21, 1)
    );
    assert_eq!(DecimalType::of_sum(t(38, 0), t(38, 10)), t(38, 6));
    assert_eq!(DecimalType::of_product(t(2, 1), t(3, 2)), t(6, 3));
    assert_eq!(DecimalType::of_product(t(20, 10), t(20, 10)), t(38, 17));
    assert_eq!(DecimalType::of_product(t(38, 0), t(38, 10)), t(38, 6));
    assert_eq!(DecimalType::of_quotient(t(2, 1), t(3, 2)), t(9, 6));
    assert_eq!(
        DecimalType::of_quotient(DecimalType::of_integer(32), t(2, 1)),
        t(17, 6)
    );
    assert_eq!(
        DecimalType::of_quotient(t(3, 1), DecimalType::of_integer(32)),
        t(14, 12)
    );
    assert_eq!(DecimalType::of_quotient(t(10, 2), t(5, 1)), t(17, 8));
    assert_eq!(DecimalType::of_quotient(t(38, 10), t(38, 10)), t(38, 6));
    assert_eq!(DecimalType::of_quotient(t(10, 5), t(30, 20)), t(38, 13));
    assert_eq!(
        DecimalType::of_remainder(t(2, 1), DecimalType::of_integer(32)),
        t(2, 1)
    );
    assert_eq!(DecimalType::of_remainder(t(10, 2), t(5, 1)), t(6, 2));
    assert_eq!(DecimalType::of_remainder(t(38, 30), t(38, 2)), t(38, 30));
    assert_eq!(t(5, 2).of_sum_aggregate(), t(38, 2));
    assert_eq!(t(5, 2).of_average(), t(38, 6));
    assert_eq!(t(38, 10).of_average(), t(38, 10));
    assert_eq!(t(3, 2).of_rounded(), t(3, 0));
    assert_eq!(DecimalType::of_either(t(2, 1), t(3, 2)), t(3, 2));
    assert_eq!(
        DecimalType::of_either(t(2, 1), DecimalType::of_integer(32)),
        t(11, 1)
    );
    assert!(DecimalType::new(39, 0).is_err());
    assert!(DecimalType::new(3, 4).is_err());
}

#[test]
fn literals_are_typed_by_their_digits() {
    assert_eq!(literal("1.5"), Some((15, t(2, 1))));
    assert_eq!(literal("0.5"), Some((5, t(2, 1))));
    assert_eq!(literal(".5"), Some((5, t(1, 1))));
    assert_eq!(literal("100.25"), Some((10025, t(5, 2))));
    assert_eq!(literal("0.000"), Some((0, t(4, 3))));
    assert_eq!(literal("00001.5"), Some((15, t(6, 1))));
    assert_eq!(
        literal("922337203685477580.7").map(|(_, ty)| ty),
        Some(t(19, 1))
    );
    // Flink: "Numeric literal out of range".
    assert_eq!(literal("922337203685477580.8"), None);
    assert_eq!(literal("9.999999999999999999"), None);
}

#[test]
fn arithmetic_gives_flinks_values() {
    let (a, b) = ((15, t(2, 1)), (225, t(3, 2)));
    let sum = DecimalType::of_sum(a.1, b.1);
    assert_eq!(text(add(a.0, a.1, b.0, b.1, sum), sum.scale), "3.75");
    assert_eq!(text(add(a.0, a.1, -b.0, b.1, sum), sum.scale), "-0.75");
    let product = DecimalType::of_product(a.1, b.1);
    assert_eq!(
        text(mul(a.0, a.1, b.0, b.1, product), product.scale),
        "3.375"
    );
    let quotient = DecimalType::of_quotient(a.1, b.1);
    assert_eq!(
        text(div(a.0, a.1, b.0, b.1, quotient), quotient.scale),
        "0.666667"
    );
    let int = DecimalType::of_integer(32);
    let q = DecimalType::of_quotient(int, t(2, 1));
    assert_eq!(text(div(1, int, 30, t(2, 1), q), q.scale), "0.333333");
    let q = DecimalType::of_quotient(t(3, 1), int);
    assert_eq!(
        text(div(100, t(3, 1), 3, int, q), q.scale),
        "3.333333333333"
    );
    let q = DecimalType::of_quotient(t(3, 2), int);
    assert_eq!(
        text(div(-200, t(3, 2), 3, int, q), q.scale),
        "-0.6666666666667"
    );
    let r = DecimalType::of_remainder(t(2, 1), int);
    assert_eq!(text(rem(75, t(2, 1), 2, int, r), r.scale), "1.5");
    assert_eq!(text(rem(-1000, t(10, 2), 3, int, t(10, 2)), 2), "-1.00");
    // Past 38 digits the result is NULL.
    let max = POW10[38] - 1;
    let wide = DecimalType::of_sum(t(38, 0), int);
    assert_eq!(add(max, t(38, 0), 1, int, wide), None);
    let big = t(38, 0);
    let p = DecimalType::of_product(big, big);
    assert_eq!(
        mul(9_999_999_999_999_999_999, big, POW10[22] - 1, big, p),
        None
    );
    // Intermediates past i128 still give exact results.
    let s = DecimalType::of_sum(t(38, 0), t(38, 10));
    assert_eq!(
        text(add(1, t(38, 0), POW10[10], t(38, 10), s), s.scale),
        "2.000000"
    );
    let m = DecimalType::of_product(t(38, 10), t(38, 10));
    let x = 15 * POW10[9];
    assert_eq!(
        text(mul(x, t(38, 10), x, t(38, 10), m), m.scale),
        "2.250000"
    );
}

#[test]
fn casts_round_half_up_and_overflow_to_null() {
    assert_eq!(text(fit(1255, 3, t(3, 2)), 2), "1.26");
    assert_eq!(text(fit(-1255, 3, t(3, 2)), 2), "-1.26");
    assert_eq!(text(fit(1245, 3, t(3, 2)), 2), "1.25");
    assert_eq!(text(fit(-25, 1, t(2, 0)), 0), "-3");
    assert_eq!(text(fit(12345, 2, t(3, 1)), 1), "NULL");
    assert_eq!(text(fit(9996, 2, t(3, 1)), 1), "NULL");
    assert_eq!(text(fit(12345, 0, t(3, 0)), 0), "NULL");
    assert_eq!(text(from_f64(1.5, t(5, 2)).unwrap(), 2), "1.50");
    assert_eq!(text(from_f64(1.005, t(5, 2)).unwrap(), 2), "1.01");
    assert_eq!(text(from_f64(2.5, t(2, 0)).unwrap(), 0), "3");
    assert_eq!(text(from_f64(1e-7, t(10, 9)).unwrap(), 9), "0.000000100");
    assert_eq!(
        text(from_f64(1.23456789e-5, t(10, 9)).unwrap(), 9),
        "0.000012346"
    );
    assert_eq!(
        text(from_f64(1e20, t(38, 0)).unwrap(), 0),
        "100000000000000000000"
    );
    assert_eq!(from_f64(1e10, t(5, 2)), Ok(None));
    assert_eq!(from_f64(1e40, t(38, 0)), Ok(None));
    assert_eq!(from_f64(f64::NAN, t(5, 2)), Err(ParseError::NotANumber));
    assert_eq!(to_f64(150, 2), 1.5);
    assert_eq!(trunc(17, 1), 1);
    assert_eq!(trunc(-17, 1), -1);
    // Flink keeps the low bits of the integer part: 99999999999999999999 as BIGINT.
    assert_eq!(
        trunc(99_999_999_999_999_999_999, 0) as i64,
        7_766_279_631_452_241_919
    );
    assert_eq!(floor_or_ceil(-15, 1, false), -2);
    assert_eq!(floor_or_ceil(105, 2, true), 2);
    assert_eq!(floor_or_ceil(15, 1, false), 1);
}

#[test]
fn text_reads_as_flinks_cast() {
    assert_eq!(parse("1.5", t(3, 2)), Ok(150));
    assert_eq!(parse(" 1.5 ", t(3, 2)), Ok(150));
    assert_eq!(parse("1e2", t(5, 2)), Ok(10000));
    assert_eq!(parse("1E+2", t(5, 2)), Ok(10000));
    assert_eq!(parse("1.5", t(2, 0)), Ok(2));
    assert_eq!(parse("-1.5", t(10, 0)), Ok(-2));
    // Too many digits fails the cast in Flink, unlike a number that overflows (NULL).
    assert_eq!(parse("1234.5", t(5, 2)), Err(ParseError::Overflow));
    assert_eq!(parse("abc", t(3, 2)), Err(ParseError::NotANumber));
    assert_eq!(parse("", t(3, 2)), Err(ParseError::NotANumber));
    assert_eq!(parse("1e999", t(3, 2)), Err(ParseError::Overflow));
    assert_eq!(parse("1e-999", t(3, 2)), Ok(0));
    // Flink 2.3 checks short text by the digits written before rounding.
    assert_eq!(parse("9999.995", t(6, 2)), Ok(1_000_000));
    assert_eq!(parse("99.95", t(3, 1)), Ok(1000));
    assert_eq!(parse("-99.95", t(3, 1)), Ok(-1000));
    assert_eq!(parse("9.99e0", t(2, 1)), Ok(100));
    assert_eq!(parse(".995", t(2, 2)), Ok(100));
    assert_eq!(parse("0.5", t(2, 2)), Err(ParseError::Overflow));
    assert_eq!(parse("012.5", t(3, 1)), Err(ParseError::Overflow));
    assert_eq!(parse("1e3", t(4, 1)), Err(ParseError::Overflow));
    // Beyond 18 digits the check comes after rounding.
    assert_eq!(parse("0.995", t(20, 20)), Ok(995 * 10i128.pow(17)));
    let long = format!("{}.995", "9".repeat(18));
    assert_eq!(parse(&long, t(20, 2)), Err(ParseError::Overflow));
}

#[test]
fn values_print_as_flink_prints_them() {
    assert_eq!(to_string(150, 2), "1.50");
    assert_eq!(to_string(-50, 2), "-0.50");
    assert_eq!(to_string(1, 7), "0.0000001");
    assert_eq!(to_string(7, 0), "7");
    assert_eq!(to_string(0, 1), "0.0");
    assert_eq!(to_string(333_333, 6), "0.333333");
    assert_eq!(
        to_string(15 * POW10[36], 37),
        "1.5000000000000000000000000000000000000"
    );
}

/// `a / 10^s` for the model: exact, and rounded HALF_UP by plain integer arithmetic.
fn model_round(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d.abs() {
        q + n.signum() * d.signum()
    } else {
        q
    }
}

proptest! {
    #[test]
    fn small_decimals_agree_with_exact_integers(
        a in -10i128.pow(12)..10i128.pow(12),
        b in -10i128.pow(12)..10i128.pow(12),
        s1 in 0u8..6,
        s2 in 0u8..6,
    ) {
        let (at, bt) = (t(13 + u32::from(s1), u32::from(s1)), t(13 + u32::from(s2), u32::from(s2)));
        let scale = s1.max(s2);
        let up = |v: i128, s: u8| v * POW10[usize::from(scale - s)];
        let sum = DecimalType::of_sum(at, bt);
        prop_assert_eq!(add(a, at, b, bt, sum), Some(up(a, s1) + up(b, s2)));
        let product = DecimalType::of_product(at, bt);
        prop_assert_eq!(mul(a, at, b, bt, product), Some(a * b));
        prop_assert_eq!(compare(a, s1, b, s2), up(a, s1).cmp(&up(b, s2)));
        if b != 0 {
            let q = DecimalType::of_quotient(at, bt);
            let shift = usize::from(q.scale + s2 - s1);
            prop_assert_eq!(div(a, at, b, bt, q), Some(model_round(a * POW10[shift], b)));
            let r = DecimalType::of_remainder(at, bt);
            prop_assert_eq!(rem(a, at, b, bt, r), Some(up(a, s1) % up(b, s2)));
        }
        // Flink counts a leading `0.` as an integer digit, which a type of only decimals lacks.
        let text = to_string(a, s1);
        let text = if at.precision == at.scale { text.replacen("0.", ".", 1) } else { text };
        let back = parse(&text, at);
        prop_assert_eq!(back, Ok(a));
        prop_assert_eq!(rescale(a, s1, 0), Some(model_round(a, POW10[usize::from(s1)])));
    }
}

#[test]
fn json_text_is_flinks() {
    let json = |v: i128, scale: u8| {
        let mut s = String::new();
        write_in_file(&mut s, v, scale).unwrap();
        s
    };
    assert_eq!(json(150, 2), "1.5");
    assert_eq!(json(-5, 2), "-0.05");
    assert_eq!(json(10_000_000_000, 10), "1");
    assert_eq!(json(0, 3), "0");
    assert_eq!(json(10000, 2), "1E+2");
    assert_eq!(json(120_000, 2), "1.2E+3");
    assert_eq!(json(1, 7), "1E-7");
    assert_eq!(json(333_333, 6), "0.333333");
}
