//! cty numbers. cty holds a number as an arbitrary-precision float and calls two numbers equal
//! when their shortest decimal texts are equal; on the wire it writes an int64 when it can, else
//! a float64, else that decimal text. `Number` keeps the same three forms and gives every number
//! exactly one of them, so that equal numbers compare equal and decode → encode → decode is the
//! identity.

use std::fmt;

/// A cty number in canonical form. Build `Float` and `Decimal` through [`Number::from_f64`] and
/// [`Number::from_decimal`]: they pick the form, and the encoders rely on it (they normalise
/// anything else, so a hand-built `Float(1.0)` is written as the integer 1).
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// Every integer within `i64`, negative zero included (as 0).
    Int(i64),
    /// A float64 that is not an `Int`: not integral, beyond `i64`, or infinite; never NaN.
    Float(f64),
    /// Any other number, in the canonical text [`Number::from_decimal`] gives it: too large or
    /// too precise for `i64` and `f64`.
    Decimal(String),
}

/// 2^63: float64 values in [-2^63, 2^63) that are integral are exactly an `i64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Decimal exponents beyond this are refused: no configuration needs them, and the text of
/// such a number would be too big to handle.
const MAX_EXPONENT: i64 = 1_000_000_000;

/// Zeros written out before the text switches to an exponent; cty writes numbers without one,
/// and this keeps every `u64` and everyday decimal the way cty would print it.
const MAX_PADDING: i64 = 64;

/// The most significant digits the shortest text of a float64 has.
const F64_MAX_DIGITS: usize = 17;

impl Number {
    /// Canonical form of a float: integral values within `i64` become `Int`. NaN stays a
    /// `Float`; the decoders refuse it and the encoders fail on it, as cty has no NaN.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f) {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }

    /// Canonical form of a decimal text (`-12.5e3`, `inf`; what cty writes for numbers it cannot
    /// send as int64 or float64), or `None` if it is not a number. A text whose value is the
    /// shortest text of a float64 becomes that `Float`, as cty's equality would have it.
    pub fn from_decimal(s: &str) -> Option<Number> {
        if let Some(infinity) = parse_infinity(s) {
            return Some(Number::Float(infinity));
        }
        let decimal = DecimalText::parse(s)?;
        if let Some(i) = decimal.as_i64() {
            return Some(Number::Int(i));
        }
        let text = decimal.to_string();
        if decimal.digits.len() <= F64_MAX_DIGITS
            && let Ok(f) = text.parse::<f64>()
            && f.is_finite()
            // Any text as short as the shortest form of the float it reads as names that float:
            // a float halfway between two such texts (…0.28125 at 16 digits) has two, and
            // printers choose differently (Rust's formatter one, serde_json's ryu the other).
            && DecimalText::shortest(f).is_some_and(|s| decimal.digits.len() <= s.digits.len())
            && let float @ Number::Float(_) = Number::from_f64(f)
        {
            return Some(float);
        }
        Some(Number::Decimal(text))
    }

    /// This number in canonical form, or `None` for NaN or a `Decimal` that is not a number.
    pub fn canonical(&self) -> Option<Number> {
        match self {
            Number::Int(i) => Some(Number::Int(*i)),
            Number::Float(f) if f.is_nan() => None,
            Number::Float(f) => Some(Number::from_f64(*f)),
            Number::Decimal(s) => Number::from_decimal(s),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(_) => None,
            Number::Decimal(_) => None,
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Decimal(s) => f.write_str(s),
        }
    }
}

/// `inf`, `-Infinity` and the like, which both Rust and Go read as infinities.
fn parse_infinity(s: &str) -> Option<f64> {
    let (negative, rest) = split_sign(s);
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    } else {
        None
    }
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else {
        (false, s.strip_prefix('+').unwrap_or(s))
    }
}

/// A finite decimal number reduced to `±digits × 10^exponent`, with no leading or trailing
/// zeros in `digits` (empty for zero, which is never negative): equal numbers have equal parts.
#[derive(Debug, PartialEq)]
struct DecimalText {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl DecimalText {
    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` (either digit run may be empty, not both).
    fn parse(s: &str) -> Option<DecimalText> {
        let (negative, rest) = split_sign(s);
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], parse_exponent(&rest[at + 1..])?),
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return None;
        }
        let joined = format!("{whole}{fraction}");
        let significant = joined.trim_start_matches('0');
        let digits = significant.trim_end_matches('0');
        let trailing = significant.len() - digits.len();
        let exponent = exponent
            .checked_sub(i64::try_from(fraction.len()).ok()?)?
            .checked_add(i64::try_from(trailing).ok()?)?;
        if digits.is_empty() {
            return Some(DecimalText {
                negative: false,
                digits: String::new(),
                exponent: 0,
            });
        }
        let leading = exponent.checked_add(i64::try_from(digits.len()).ok()? - 1)?;
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&leading) {
            return None;
        }
        Some(DecimalText {
            negative,
            digits: digits.to_owned(),
            exponent,
        })
    }

    /// The parts of the shortest text that reads back as `f` (finite `f` only).
    fn shortest(f: f64) -> Option<DecimalText> {
        DecimalText::parse(&format!("{f:e}"))
    }

    fn as_i64(&self) -> Option<i64> {
        if self.digits.is_empty() {
            return Some(0);
        }
        // 19 digits is as long as an i64 gets.
        if self.exponent < 0 || self.digits.len() as i64 + self.exponent > 19 {
            return None;
        }
        self.to_string().parse().ok()
    }
}

/// Plain notation as cty writes numbers (`12500`, `0.00125`), or `1.25e-70` when that would
/// take more than `MAX_PADDING` zeros. Reads back with `DecimalText::parse` to the same parts.
impl fmt::Display for DecimalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits.is_empty() {
            return f.write_str("0");
        }
        if self.negative {
            f.write_str("-")?;
        }
        let digits = self.digits.as_str();
        let count = digits.len() as i64;
        let point = count + self.exponent;
        if (0..=MAX_PADDING).contains(&self.exponent) {
            write!(f, "{digits}{}", "0".repeat(self.exponent as usize))
        } else if self.exponent < 0 && point > 0 {
            let (whole, fraction) = digits.split_at(point as usize);
            write!(f, "{whole}.{fraction}")
        } else if self.exponent < 0 && -point <= MAX_PADDING {
            write!(f, "0.{}{digits}", "0".repeat(-point as usize))
        } else {
            let (first, rest) = digits.split_at(1);
            let dot = if rest.is_empty() { "" } else { "." };
            write!(f, "{first}{dot}{rest}e{}", point - 1)
        }
    }
}

/// `[+-]digits`, within `MAX_EXPONENT` (leading zeros allowed).
fn parse_exponent(s: &str) -> Option<i64> {
    let (negative, digits) = split_sign(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 10 {
        return None;
    }
    let value: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    if value > MAX_EXPONENT {
        return None;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(s: &str) -> Number {
        Number::Decimal(s.to_owned())
    }

    #[test]
    fn both_shortest_texts_of_a_float_halfway_between_them_name_it() {
        // -841421673480.28125 is a double (-26925493551369 / 32): "…2812" and "…2813" both
        // read as it.
        let f = -26_925_493_551_369_f64 / 32.0;
        for text in ["-841421673480.2812", "-841421673480.2813"] {
            assert_eq!(Number::from_decimal(text), Some(Number::Float(f)), "{text}");
        }
        // One digit more is not a shortest form: it stays a decimal.
        assert_eq!(
            Number::from_decimal("-841421673480.28125"),
            Some(decimal("-841421673480.28125"))
        );
    }

    #[test]
    fn floats_take_the_int_form_when_they_are_an_i64() {
        assert_eq!(Number::from_f64(512.0), Number::Int(512));
        assert_eq!(Number::from_f64(-0.0), Number::Int(0));
        assert_eq!(Number::from_f64(-TWO_POW_63), Number::Int(i64::MIN));
        assert_eq!(Number::from_f64(TWO_POW_63), Number::Float(TWO_POW_63));
        assert_eq!(
            Number::from_f64(1.3775103886098432e19),
            Number::Float(1.3775103886098432e19)
        );
        assert_eq!(Number::from_f64(0.5), Number::Float(0.5));
        assert_eq!(
            Number::from_f64(f64::NEG_INFINITY),
            Number::Float(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn texts_take_the_form_of_their_value() {
        let cases = [
            ("1024", Number::Int(1024)),
            ("+007", Number::Int(7)),
            ("-0", Number::Int(0)),
            ("-0.000e9", Number::Int(0)),
            ("1.0", Number::Int(1)),
            ("12.5e1", Number::Int(125)),
            ("9223372036854775807", Number::Int(i64::MAX)),
            ("-9223372036854775808", Number::Int(i64::MIN)),
            ("0.1", Number::Float(0.1)),
            ("1.50", Number::Float(1.5)),
            (".5", Number::Float(0.5)),
            ("5.", Number::Int(5)),
            ("-2.5E-3", Number::Float(-0.0025)),
            ("inf", Number::Float(f64::INFINITY)),
            ("-Infinity", Number::Float(f64::NEG_INFINITY)),
            // The shortest text of 2^63 as a float64, so cty calls it equal to that float.
            ("9223372036854776000", Number::Float(TWO_POW_63)),
            ("13775103886098432000", Number::Float(1.3775103886098432e19)),
            ("1e300", Number::Float(1e300)),
            // The exact value of 2^63 is not a float64's shortest text.
            ("9223372036854775808", decimal("9223372036854775808")),
            ("18446744073709551615", decimal("18446744073709551615")),
            // Would round to the float -2^63, which is the Int i64::MIN, a different number.
            ("-9223372036854776000", decimal("-9223372036854776000")),
            ("0.10000000000000000001", decimal("0.10000000000000000001")),
            ("1e400", decimal("1e400")),
            ("-1.50e-400", decimal("-1.5e-400")),
            (
                "123456789012345678901234567890",
                decimal("123456789012345678901234567890"),
            ),
            (
                "000123456789012345678901234567890.000",
                decimal("123456789012345678901234567890"),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Number::from_decimal(text), Some(want), "{text}");
        }
    }

    #[test]
    fn non_numbers_are_refused() {
        for text in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            " 1",
            "1 ",
            "0x10",
            "1_000",
            "nan",
            "NaN",
            "-nan",
            "1e1000000001",
            "1e99999999999999999999",
            "١",
        ] {
            assert_eq!(Number::from_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn decimal_texts_are_canonical_and_read_back() {
        for text in [
            "1e400",
            "-1.5e-400",
            "0.10000000000000000001",
            "123456789012345678901234567890",
            "12345678901234567890123e64",
            "12345678901234567890123e65",
            "0.000000000000000000000000000000000000000000000000000000000000000012345678901234567891",
        ] {
            let n = Number::from_decimal(text).unwrap();
            assert!(matches!(n, Number::Decimal(_)), "{text}: {n:?}");
            assert_eq!(Number::from_decimal(&n.to_string()), Some(n.clone()));
            assert_eq!(n.canonical(), Some(n));
        }
        assert_eq!(
            Number::from_decimal("12345678901234567890123e65").unwrap(),
            decimal("1.2345678901234567890123e87")
        );
    }

    #[test]
    fn canonical_fixes_hand_built_numbers() {
        assert_eq!(Number::Float(3.0).canonical(), Some(Number::Int(3)));
        assert_eq!(Number::Float(f64::NAN).canonical(), None);
        assert_eq!(decimal("0.5").canonical(), Some(Number::Float(0.5)));
        assert_eq!(decimal("ten").canonical(), None);
    }
}
