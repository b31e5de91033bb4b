//! DECIMAL(p, s) as Flink has it: a number held as an `i128` count of `10^-s`, at most 38
//! digits. The result types of arithmetic are Flink's (`LogicalTypeMerging`), rounding is
//! HALF_UP, and a result that needs more digits than its type has is NULL. Intermediate
//! values that leave `i128` (a product of two 38-digit numbers) take a slower 256-bit path.

use std::cmp::Ordering;
use std::fmt::Write;

/// The most digits a DECIMAL has.
pub const MAX_PRECISION: u8 = 38;

/// The least scale a division or an average keeps when digits run short, as in Flink.
const MIN_ADJUSTED_SCALE: u32 = 6;

/// `DECIMAL(precision, scale)`: `precision` digits, `scale` of them after the point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecimalType {
    pub precision: u8,
    pub scale: u8,
}

impl DecimalType {
    /// The type, if `1 <= precision <= 38` and `scale <= precision`.
    pub fn new(precision: u32, scale: u32) -> Result<DecimalType, String> {
        if !(1..=u32::from(MAX_PRECISION)).contains(&precision) {
            return Err(format!(
                "DECIMAL precision must be 1 to {MAX_PRECISION}, found {precision}"
            ));
        }
        if scale > precision {
            return Err(format!(
                "DECIMAL scale must be 0 to the precision ({precision}), found {scale}"
            ));
        }
        Ok(DecimalType {
            precision: precision as u8,
            scale: scale as u8,
        })
    }

    /// Flink's type for an integer type: INT is DECIMAL(10, 0), BIGINT DECIMAL(19, 0).
    pub fn of_integer(bits: u32) -> DecimalType {
        let precision = if bits <= 32 { 10 } else { 19 };
        DecimalType {
            precision,
            scale: 0,
        }
    }

    fn integer_digits(self) -> u32 {
        u32::from(self.precision - self.scale)
    }

    /// Whether `unscaled` has at most this type's digits.
    pub fn holds(self, unscaled: i128) -> bool {
        unscaled.unsigned_abs() < POW10[self.precision as usize] as u128
    }

    /// `+` and `-`: the larger scale, one more integer digit than the larger operand.
    pub fn of_sum(a: DecimalType, b: DecimalType) -> DecimalType {
        let scale = u32::from(a.scale.max(b.scale));
        adjusted(
            a.integer_digits().max(b.integer_digits()) + scale + 1,
            scale,
        )
    }

    /// `*`: the digits and the scales add up.
    pub fn of_product(a: DecimalType, b: DecimalType) -> DecimalType {
        adjusted(
            u32::from(a.precision) + u32::from(b.precision) + 1,
            u32::from(a.scale) + u32::from(b.scale),
        )
    }

    /// `/`: at least six decimals, more for a divisor with many digits.
    pub fn of_quotient(a: DecimalType, b: DecimalType) -> DecimalType {
        let scale = MIN_ADJUSTED_SCALE.max(u32::from(a.scale) + u32::from(b.precision) + 1);
        adjusted(a.integer_digits() + u32::from(b.scale) + scale, scale)
    }

    /// `%`: the larger scale, the integer digits of the smaller operand.
    pub fn of_remainder(a: DecimalType, b: DecimalType) -> DecimalType {
        let scale = u32::from(a.scale.max(b.scale));
        adjusted(a.integer_digits().min(b.integer_digits()) + scale, scale)
    }

    /// SUM: all 38 digits, the argument's scale.
    pub fn of_sum_aggregate(self) -> DecimalType {
        DecimalType {
            precision: MAX_PRECISION,
            scale: self.scale,
        }
    }

    /// AVG: all 38 digits, the argument's scale but at least six.
    pub fn of_average(self) -> DecimalType {
        DecimalType {
            precision: MAX_PRECISION,
            scale: self.scale.max(MIN_ADJUSTED_SCALE as u8),
        }
    }

    /// FLOOR and CEIL: the same precision, no decimals.
    pub fn of_rounded(self) -> DecimalType {
        DecimalType {
            precision: self.precision,
            scale: 0,
        }
    }

    /// Where CASE branches of two DECIMAL types meet: room for the integer digits and the
    /// decimals of both.
    pub fn of_either(a: DecimalType, b: DecimalType) -> DecimalType {
        let scale = u32::from(a.scale.max(b.scale));
        let digits = a.integer_digits().max(b.integer_digits());
        let precision = (digits + scale).min(u32::from(MAX_PRECISION));
        DecimalType {
            precision: precision as u8,
            scale: scale.min(precision) as u8,
        }
    }
}

/// A type of `precision` digits and `scale` decimals; past 38 digits the scale gives way,
/// down to six decimals (or fewer when the operands had fewer), as Flink's
/// `adjustPrecisionScale` does.
fn adjusted(precision: u32, scale: u32) -> DecimalType {
    let max = u32::from(MAX_PRECISION);
    if precision <= max {
        return DecimalType {
            precision: precision as u8,
            scale: scale as u8,
        };
    }
    let digits = precision - scale;
    let scale = max
        .saturating_sub(digits)
        .max(scale.min(MIN_ADJUSTED_SCALE));
    DecimalType {
        precision: MAX_PRECISION,
        scale: scale as u8,
    }
}

/// `10^n` for `n` in `0..=38`.
pub const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `v / 10^shift`, rounded HALF_UP (a half goes away from zero).
fn round_down(v: i128, shift: u32) -> i128 {
    if shift == 0 {
        return v;
    }
    if shift > 38 {
        // Even the largest i128 is below half of 10^39.
        return 0;
    }
    let d = POW10[shift as usize];
    let (q, r) = (v / d, v % d);
    if r.unsigned_abs() * 2 >= d as u128 {
        q + v.signum()
    } else {
        q
    }
}

/// `v`, held at scale `from`, at scale `to` (HALF_UP when it drops digits); `None` when it
/// does not fit an `i128`.
pub fn rescale(v: i128, from: u8, to: u8) -> Option<i128> {
    match to.cmp(&from) {
        Ordering::Equal => Some(v),
        Ordering::Less => Some(round_down(v, u32::from(from - to))),
        Ordering::Greater => v.checked_mul(*POW10.get(usize::from(to - from))?),
    }
}

/// `v` at scale `from` as a value of `ty`, or `None` (NULL) when it needs more digits.
pub fn fit(v: i128, from: u8, ty: DecimalType) -> Option<i128> {
    rescale(v, from, ty.scale).filter(|&x| ty.holds(x))
}

/// The value of `a + b` (`b` negated for `-`) as a value of `out`, `None` on overflow.
pub fn add(a: i128, at: DecimalType, b: i128, bt: DecimalType, out: DecimalType) -> Option<i128> {
    let scale = at.scale.max(bt.scale);
    let exact = rescale(a, at.scale, scale)
        .zip(rescale(b, bt.scale, scale))
        .and_then(|(x, y)| x.checked_add(y));
    match exact {
        Some(sum) => fit(sum, scale, out),
        None => {
            let x = Wide::from(a).times_pow10(u32::from(scale - at.scale));
            let y = Wide::from(b).times_pow10(u32::from(scale - bt.scale));
            x.add(y).fit(scale, out)
        }
    }
}

/// The value of `a * b` as a value of `out`, `None` on overflow.
pub fn mul(a: i128, at: DecimalType, b: i128, bt: DecimalType, out: DecimalType) -> Option<i128> {
    let scale = at.scale + bt.scale;
    match a.checked_mul(b) {
        Some(product) => fit(product, scale, out),
        None => Wide::product(a, b).fit(scale, out),
    }
}

/// The value of `a / b` as a value of `out`, rounded HALF_UP; `None` on overflow. `b` must
/// not be zero.
pub fn div(a: i128, at: DecimalType, b: i128, bt: DecimalType, out: DecimalType) -> Option<i128> {
    debug_assert!(b != 0);
    // a / 10^sa / (b / 10^sb) at scale s is a * 10^(s - sa + sb) / b; Flink's result scale
    // is never below sa - sb, so the power is whole.
    let shift = (u32::from(out.scale) + u32::from(bt.scale)).checked_sub(u32::from(at.scale))?;
    let divisor = b.unsigned_abs();
    let (q, r) = Wide::from_u128(a.unsigned_abs())
        .times_pow10(shift)
        .div_rem(divisor);
    // `r < divisor < 2^127`, so twice it fits.
    let q = if r * 2 >= divisor {
        q.add_magnitude_one()
    } else {
        q
    };
    let q = if (a < 0) != (b < 0) { q.neg() } else { q };
    q.to_i128().filter(|&x| out.holds(x))
}

/// The value of `a % b` (the sign of `a`, as Java's `BigDecimal.remainder`) as a value of
/// `out`. `b` must not be zero.
pub fn rem(a: i128, at: DecimalType, b: i128, bt: DecimalType, out: DecimalType) -> Option<i128> {
    debug_assert!(b != 0);
    let scale = at.scale.max(bt.scale);
    match rescale(a, at.scale, scale).zip(rescale(b, bt.scale, scale)) {
        Some((x, y)) => fit(x % y, scale, out),
        None => {
            let x = Wide::from(a).times_pow10(u32::from(scale - at.scale));
            let y = rescale(b, bt.scale, scale)?;
            let (_, r) = x.div_rem(y.unsigned_abs());
            let r = i128::try_from(r).ok()?;
            fit(if x.negative { -r } else { r }, scale, out)
        }
    }
}

/// Orders two decimals of any scales by value.
pub fn compare(a: i128, a_scale: u8, b: i128, b_scale: u8) -> Ordering {
    let scale = a_scale.max(b_scale);
    match rescale(a, a_scale, scale).zip(rescale(b, b_scale, scale)) {
        Some((x, y)) => x.cmp(&y),
        None => {
            let x = Wide::from(a).times_pow10(u32::from(scale - a_scale));
            let y = Wide::from(b).times_pow10(u32::from(scale - b_scale));
            x.cmp(&y)
        }
    }
}

/// Writes `v` at `scale` as Flink prints a DECIMAL: plain digits, exactly `scale` of them
/// after the point (`1.50`, `-0.05`, `7`).
pub fn write(out: &mut impl Write, v: i128, scale: u8) -> std::fmt::Result {
    let digits = v.unsigned_abs().to_string();
    let scale = usize::from(scale);
    if v < 0 {
        out.write_char('-')?;
    }
    if scale == 0 {
        return out.write_str(&digits);
    }
    if digits.len() <= scale {
        out.write_str("0.")?;
        for _ in digits.len()..scale {
            out.write_char('0')?;
        }
        return out.write_str(&digits);
    }
    let (whole, fraction) = digits.split_at(digits.len() - scale);
    write!(out, "{whole}.{fraction}")
}

/// The text of `v` at `scale`.
pub fn to_string(v: i128, scale: u8) -> String {
    let mut s = String::new();
    let _ = write(&mut s, v, scale);
    s
}

/// Text as a value of `ty`, as Flink's CAST reads it: spaces around it, a sign, digits with
/// an optional point, an optional exponent (`1e2`); more decimals than the scale round
/// HALF_UP. `Err` says why it does not convert: not a number, or too many digits (which
/// fails in Flink rather than giving NULL).
///
/// Text of at most 18 digits into a type of at most 18 takes Flink's quicker path, which
/// counts the digits written before the point, leading zeros too, against the type's
/// integer digits and then rounds without checking again: `'0.5'` does not fit
/// DECIMAL(2, 2), and `'9999.995'` is 10000.00 as DECIMAL(6, 2), one digit more than the
/// type has. Longer text is checked after rounding.
pub fn parse(text: &str, ty: DecimalType) -> Result<i128, ParseError> {
    let (digits, exponent) = split_number(text.trim()).ok_or(ParseError::NotANumber)?;
    let Number {
        negative,
        unscaled,
        scale,
        whole_digits,
        written,
    } = digits;
    let quick = ty.precision <= 18 && written <= 18;
    if quick && whole_digits.saturating_add(exponent) > i64::from(ty.integer_digits()) {
        return Err(ParseError::Overflow);
    }
    // The value is unscaled * 10^(exponent - scale).
    let shift = i64::from(ty.scale)
        .saturating_add(exponent)
        .saturating_sub(scale);
    if unscaled == 0 {
        return Ok(0);
    }
    // Past these powers a value is too large for any DECIMAL, or rounds to zero.
    if shift > 80 {
        return Err(ParseError::Overflow);
    }
    if shift < -80 {
        return Ok(0);
    }
    let magnitude = if shift >= 0 {
        Wide::from_u128(unscaled)
            .times_pow10(u32::try_from(shift).map_err(|_| ParseError::Overflow)?)
    } else {
        let drop = u32::try_from(-shift).unwrap_or(u32::MAX);
        Wide::from_u128(unscaled).round_down(drop)
    };
    let magnitude = if negative { magnitude.neg() } else { magnitude };
    magnitude
        .to_i128()
        .filter(|&x| {
            if quick {
                x.unsigned_abs() <= POW10[usize::from(ty.precision)] as u128
            } else {
                ty.holds(x)
            }
        })
        .ok_or(ParseError::Overflow)
}

/// Why text is no DECIMAL of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    NotANumber,
    Overflow,
}

/// The digits of a number written in text, without its exponent.
struct Number {
    negative: bool,
    /// The digits as one integer, at most 38 significant ones.
    unscaled: u128,
    /// Digits after the point, counted as they are written.
    scale: i64,
    /// Digits before the point as written, leading zeros too.
    whole_digits: i64,
    /// Digits written in all.
    written: usize,
}

/// Splits `[sign] digits [. digits] [e [sign] digits]`.
fn split_number(text: &str) -> Option<(Number, i64)> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], body[at + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut unscaled: u128 = 0;
    let mut scale = fraction.len() as i64;
    let mut significant = 0u32;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        if unscaled == 0 && b == b'0' {
            continue;
        }
        significant += 1;
        if significant > 38 {
            // Past 38 significant digits, more than a DECIMAL holds, digits are dropped
            // (each one a power of ten off the scale).
            scale -= 1;
            continue;
        }
        unscaled = unscaled * 10 + u128::from(b - b'0');
    }
    Some((
        Number {
            negative,
            unscaled,
            scale,
            whole_digits: whole.len() as i64,
            written: whole.len() + fraction.len(),
        },
        exponent,
    ))
}

/// The type and value of a decimal literal (`1.50`) as Flink gives them: every digit
/// written counts toward the precision (`0.5` is DECIMAL(2, 1)) and the digits after the
/// point are the scale. `None` when the digits, without the point, leave a BIGINT, which
/// Flink refuses as out of range.
pub fn literal(text: &str) -> Option<(i128, DecimalType)> {
    let (whole, fraction) = text.split_once('.')?;
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let all = format!("{whole}{fraction}");
    let unscaled: i64 = all.parse().ok()?;
    let precision = (all.len() as u32).max(1);
    let ty = DecimalType::new(precision, fraction.len() as u32).ok()?;
    Some((i128::from(unscaled), ty))
}

/// `v` at `scale` as a DOUBLE, correctly rounded.
pub fn to_f64(v: i128, scale: u8) -> f64 {
    to_string(v, scale).parse().unwrap_or(f64::NAN)
}

/// A DOUBLE as a value of `ty`, read from its shortest text as Java's `BigDecimal.valueOf`
/// does (so `1.005E0` is 1.01 at two decimals); `None` (NULL) when it does not fit, `Err`
/// for NaN and the infinities, which fail in Flink.
pub fn from_f64(x: f64, ty: DecimalType) -> Result<Option<i128>, ParseError> {
    if !x.is_finite() {
        return Err(ParseError::NotANumber);
    }
    match parse(&format!("{x:e}"), ty) {
        Ok(v) => Ok(Some(v)),
        Err(ParseError::Overflow) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The integer part of `v` at `scale` (toward zero), as Flink's CAST to an integer takes it
/// before keeping the low bits.
pub fn trunc(v: i128, scale: u8) -> i128 {
    v / POW10[usize::from(scale)]
}

/// FLOOR (`ceil == false`) or CEIL of `v` at `scale`, at scale 0.
pub fn floor_or_ceil(v: i128, scale: u8, ceil: bool) -> i128 {
    let d = POW10[usize::from(scale)];
    let (q, r) = (v / d, v % d);
    match (r.signum(), ceil) {
        (1, true) => q + 1,
        (-1, false) => q - 1,
        _ => q,
    }
}

/// A signed 256-bit integer as sign and magnitude: the slow path for intermediates that
/// leave `i128`, which only the widest decimals reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wide {
    negative: bool,
    /// Little-endian 64-bit limbs of the magnitude.
    limbs: [u64; 4],
}

impl From<i128> for Wide {
    fn from(v: i128) -> Wide {
        let mut w = Wide::from_u128(v.unsigned_abs());
        w.negative = v < 0;
        w
    }
}

impl Wide {
    fn from_u128(v: u128) -> Wide {
        Wide {
            negative: false,
            limbs: [v as u64, (v >> 64) as u64, 0, 0],
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs == [0; 4]
    }

    fn neg(mut self) -> Wide {
        self.negative = !self.negative && !self.is_zero();
        self
    }

    fn product(a: i128, b: i128) -> Wide {
        let mut w = Wide::from_u128(a.unsigned_abs()).mul_u128(b.unsigned_abs());
        w.negative = (a < 0) != (b < 0) && !w.is_zero();
        w
    }

    /// The magnitude times `m`, saturating at the largest 256-bit value (far beyond any
    /// DECIMAL, so a saturated value is an overflow either way).
    fn mul_u128(self, m: u128) -> Wide {
        let parts = [m as u64, (m >> 64) as u64];
        let mut out = [0u64; 5];
        let mut overflow = false;
        for (j, &p) in parts.iter().enumerate() {
            let mut carry = 0u128;
            for i in 0..4 {
                let at = i + j;
                let t = u128::from(self.limbs[i]) * u128::from(p) + carry;
                if at < 5 {
                    let sum = u128::from(out[at]) + (t & u64::MAX as u128);
                    out[at] = sum as u64;
                    carry = (t >> 64) + (sum >> 64);
                } else if t != 0 {
                    overflow = true;
                }
            }
            let at = 4 + j;
            if at < 5 {
                let sum = u128::from(out[at]) + carry;
                out[at] = sum as u64;
                overflow |= sum >> 64 != 0;
            } else if carry != 0 {
                overflow = true;
            }
        }
        overflow |= out[4] != 0;
        Wide {
            negative: self.negative,
            limbs: if overflow {
                [u64::MAX; 4]
            } else {
                [out[0], out[1], out[2], out[3]]
            },
        }
    }

    fn times_pow10(self, mut n: u32) -> Wide {
        let mut w = self;
        while n > 0 {
            let step = n.min(38);
            w = w.mul_u128(POW10[step as usize] as u128);
            n -= step;
        }
        w
    }

    fn cmp_magnitude(&self, other: &Wide) -> Ordering {
        self.limbs.iter().rev().cmp(other.limbs.iter().rev())
    }

    fn add_magnitude(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for i in 0..4 {
            let s = u128::from(a[i]) + u128::from(b[i]) + carry;
            out[i] = s as u64;
            carry = s >> 64;
        }
        if carry != 0 { [u64::MAX; 4] } else { out }
    }

    /// `a - b` for `a >= b`.
    fn sub_magnitude(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for i in 0..4 {
            let (d, b1) = a[i].overflowing_sub(b[i]);
            let (d, b2) = d.overflowing_sub(u64::from(borrow));
            out[i] = d;
            borrow = b1 | b2;
        }
        out
    }

    fn add(self, other: Wide) -> Wide {
        if self.negative == other.negative {
            return Wide {
                negative: self.negative,
                limbs: Wide::add_magnitude(self.limbs, other.limbs),
            };
        }
        let (big, small) = if self.cmp_magnitude(&other) == Ordering::Less {
            (other, self)
        } else {
            (self, other)
        };
        let w = Wide {
            negative: big.negative,
            limbs: Wide::sub_magnitude(big.limbs, small.limbs),
        };
        if w.is_zero() { Wide::from(0) } else { w }
    }

    fn cmp(&self, other: &Wide) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }

    /// Magnitude divided by `d` (not zero): quotient (with this sign) and remainder of the
    /// magnitudes, by shift and subtract.
    fn div_rem(self, d: u128) -> (Wide, u128) {
        let mut q = [0u64; 4];
        let mut r: u128 = 0;
        for bit in (0..256).rev() {
            let top = r >> 127;
            r = (r << 1) | u128::from((self.limbs[bit / 64] >> (bit % 64)) & 1);
            if top != 0 || r >= d {
                r = r.wrapping_sub(d);
                q[bit / 64] |= 1 << (bit % 64);
            }
        }
        let q = Wide {
            negative: self.negative,
            limbs: q,
        };
        (if q.is_zero() { Wide::from(0) } else { q }, r)
    }

    /// The value divided by `10^n`, rounded HALF_UP.
    fn round_down(self, n: u32) -> Wide {
        if n == 0 {
            return self;
        }
        // Truncate to one digit more than wanted, then round on that digit.
        let mut w = self;
        let mut left = n - 1;
        while left > 0 {
            let step = left.min(38);
            w = w.div_rem(POW10[step as usize] as u128).0;
            left -= step;
        }
        let (q, last) = w.div_rem(10);
        let q = if last >= 5 { q.add_magnitude_one() } else { q };
        if q.is_zero() { Wide::from(0) } else { q }
    }

    fn add_magnitude_one(self) -> Wide {
        Wide {
            negative: self.negative,
            limbs: Wide::add_magnitude(self.limbs, [1, 0, 0, 0]),
        }
    }

    /// At scale `from`, as a value of `ty`.
    fn fit(self, from: u8, ty: DecimalType) -> Option<i128> {
        let w = if ty.scale >= from {
            self.times_pow10(u32::from(ty.scale - from))
        } else {
            self.round_down(u32::from(from - ty.scale))
        };
        w.to_i128().filter(|&x| ty.holds(x))
    }

    fn to_i128(self) -> Option<i128> {
        if self.limbs[2] != 0 || self.limbs[3] != 0 {
            return None;
        }
        let magnitude = u128::from(self.limbs[0]) | (u128::from(self.limbs[1]) << 64);
        let v = i128::try_from(magnitude).ok()?;
        Some(if self.negative { -v } else { v })
    }
}

/// Writes `v` at `scale` as Flink's JSON and CSV formats do: trailing zeros dropped, then Java's
/// `BigDecimal.toString`, which turns to an exponent for whole tens (`1E+2`) and below
/// `1E-6` (`1.5`, `-0.05`, `1`, `1.2E+3`, `1E-7`).
pub fn write_in_file(out: &mut impl Write, v: i128, scale: u8) -> std::fmt::Result {
    if v == 0 {
        return out.write_char('0');
    }
    let (mut v, mut scale) = (v, i32::from(scale));
    while v % 10 == 0 {
        v /= 10;
        scale -= 1;
    }
    let digits = v.unsigned_abs().to_string();
    let adjusted = digits.len() as i32 - 1 - scale;
    if scale >= 0 && adjusted >= -6 {
        return write(out, v, scale as u8);
    }
    if v < 0 {
        out.write_char('-')?;
    }
    let (first, rest) = digits.split_at(1);
    out.write_str(first)?;
    if !rest.is_empty() {
        write!(out, ".{rest}")?;
    }
    write!(
        out,
        "E{}{}",
        if adjusted >= 0 { "+" } else { "-" },
        adjusted.abs()
    )
}
