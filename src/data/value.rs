//! Reading one cell: a value (`-1234.5`, `1e6`, `42%` in a `%` series) or a period.

use std::borrow::Cow;

use crate::period::{Period, PeriodError};

/// What a cell holds, whatever the form of the file: CSV cells are text; JSON adds numbers,
/// `null` and values that cannot be a cell (`true`, an array, an object).
#[derive(Debug, Clone, PartialEq)]
pub enum Raw<'t> {
    /// An empty CSV cell, a JSON `null`, or a cell that is absent.
    Empty,
    Text(Cow<'t, str>),
    Number(f64),
    /// A JSON value that is neither text, a number nor null: what it is, in words.
    Other(&'static str),
}

impl<'t> Raw<'t> {
    /// A JSON value as a cell.
    pub fn of_json(value: serde_json::Value) -> Raw<'t> {
        match value {
            serde_json::Value::Null => Raw::Empty,
            serde_json::Value::String(text) => Raw::Text(Cow::Owned(text)),
            serde_json::Value::Number(number) => {
                number.as_f64().map_or(Raw::Other("a number"), Raw::Number)
            }
            serde_json::Value::Bool(_) => Raw::Other("a boolean"),
            serde_json::Value::Array(_) => Raw::Other("an array"),
            serde_json::Value::Object(_) => Raw::Other("an object"),
        }
    }

    /// Whether the cell says "no value": empty (after trimming), or `null` in any case.
    pub fn is_empty(&self) -> bool {
        match self {
            Raw::Empty => true,
            Raw::Text(text) => is_no_value(text),
            _ => false,
        }
    }
}

/// An empty cell, or `null`: no value, not an error.
pub fn is_no_value(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("null")
}

/// Why a cell is not a value: the label under the cell and the help.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAValue {
    pub label: String,
    pub help: String,
}

/// The value of a cell: `Ok(None)` for no value, the number otherwise. `unit` is the series'
/// unit as declared (`None` without one); `percent` says whether it is `%`, where `42%` is
/// accepted too (value 42).
pub fn value(raw: &Raw, percent: bool, unit: Option<&str>) -> Result<Option<f64>, NotAValue> {
    match raw {
        Raw::Empty => Ok(None),
        Raw::Number(number) => Ok(Some(*number)),
        Raw::Other(what) => Err(NotAValue {
            label: format!("{what}, not a number"),
            help: "write the value as a number (or a string holding one), or null for no value"
                .to_string(),
        }),
        Raw::Text(text) => {
            if is_no_value(text) {
                return Ok(None);
            }
            let text = text.trim();
            let number = if percent {
                text.strip_suffix('%').map_or(text, str::trim_end)
            } else {
                text
            };
            match plain_number(number) {
                Some(value) => Ok(Some(value)),
                None => Err(not_a_number(text, percent, unit)),
            }
        }
    }
}

/// A plain decimal number: an optional sign, digits with an optional decimal point, an optional
/// exponent (`-1234.5`, `.5`, `1e6`, `2.5E-3`). Not `inf`, `NaN`, `1,234` or `0x10`; not a number
/// too large for a double.
pub fn plain_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

/// What is wrong with a text that is not a number, and how to write it.
fn not_a_number(text: &str, percent: bool, unit: Option<&str>) -> NotAValue {
    let label = "not a number".to_string();
    let plain = "write a plain decimal number such as -1234.5 or 1e6, or leave the cell empty \
                 for no value";
    let help = if text.contains(',')
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+' | ' '))
    {
        format!(
            "write numbers with `.` as the decimal point and no thousands separators: `{}`",
            text.replace([',', ' '], "")
        )
    } else if text.ends_with('%') && !percent {
        match unit {
            Some(unit) => format!(
                "a `%` sign is accepted only in a `%` series, and this one is in {unit}: write \
                 the number alone"
            ),
            None => {
                "a `%` sign is accepted only in a `%` series: write the number alone".to_string()
            }
        }
    } else if let Some((number, rest)) = text.split_once(char::is_whitespace)
        && plain_number(number).is_some()
        && !rest.trim().is_empty()
    {
        match unit {
            Some(unit) => {
                format!("write the number alone (`{number}`): the unit is the series' own, {unit}")
            }
            None => format!("write the number alone: `{number}`"),
        }
    } else if ["n/a", "na", "-", "--", "none", "nan", "#n/a", "?"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
    {
        "leave the cell empty (or write null) where there is no value".to_string()
    } else {
        plain.to_string()
    };
    NotAValue { label, help }
}

/// The period a cell names, in the language's forms (`2026`, `2026-H1`, `2026-Q3`, `2026-07`,
/// `2026-W05`, `2026-07-15`); surrounding spaces are ignored.
pub fn period(text: &str) -> Result<Period, PeriodError> {
    Period::parse(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cell: &str) -> Raw<'_> {
        Raw::Text(Cow::Borrowed(cell))
    }

    fn read(cell: &str, percent: bool) -> Result<Option<f64>, NotAValue> {
        value(
            &text(cell),
            percent,
            Some(if percent { "%" } else { "EUR" }),
        )
    }

    #[test]
    fn plain_decimal_numbers() {
        for (cell, number) in [
            ("-1234.5", -1234.5),
            ("1e6", 1e6),
            ("-0.5", -0.5),
            ("+3", 3.0),
            (".5", 0.5),
            ("2.", 2.0),
            ("2.5E-3", 0.0025),
            (" 42 ", 42.0),
            ("0", 0.0),
        ] {
            assert_eq!(read(cell, false), Ok(Some(number)), "{cell}");
        }
    }

    #[test]
    fn empty_and_null_are_no_value() {
        for cell in ["", "  ", "null", "NULL", " Null "] {
            assert_eq!(read(cell, false), Ok(None), "{cell:?}");
        }
        assert_eq!(value(&Raw::Empty, false, None), Ok(None));
        assert_eq!(
            value(&Raw::of_json(serde_json::Value::Null), true, None),
            Ok(None)
        );
    }

    #[test]
    fn percent_signs_only_in_percent_series() {
        assert_eq!(read("42%", true), Ok(Some(42.0)));
        assert_eq!(read("42 %", true), Ok(Some(42.0)));
        assert_eq!(read("-0.5%", true), Ok(Some(-0.5)));
        assert_eq!(read("42", true), Ok(Some(42.0)));
        let error = read("42%", false).unwrap_err();
        assert!(error.help.contains("in EUR"), "{error:?}");
        assert!(read("%", true).is_err());
        assert!(read("42%%", true).is_err());
    }

    #[test]
    fn anything_else_is_not_a_value_with_a_help_that_fits() {
        for cell in [
            "1,234", "n/a", "12 EUR", "inf", "NaN", "infinity", "0x10", "1e", "1e+", "-", ".",
            "1.2.3", "1e999", "€12", "twelve",
        ] {
            assert!(read(cell, false).is_err(), "{cell}");
        }
        assert!(read("1,234", false).unwrap_err().help.contains("`1234`"));
        assert!(read("12 EUR", false).unwrap_err().help.contains("`12`"));
        assert!(read("n/a", false).unwrap_err().help.contains("empty"));
    }

    #[test]
    fn json_values_as_cells() {
        let json = |text: &str| Raw::of_json(serde_json::from_str(text).unwrap());
        assert_eq!(value(&json("1250000"), false, None), Ok(Some(1_250_000.0)));
        assert_eq!(value(&json("-0.5"), false, None), Ok(Some(-0.5)));
        assert_eq!(value(&json("\"1e6\""), false, None), Ok(Some(1e6)));
        assert_eq!(value(&json("\"42%\""), true, None), Ok(Some(42.0)));
        assert_eq!(value(&json("\"\""), false, None), Ok(None));
        assert!(value(&json("true"), false, None).is_err());
        assert!(value(&json("[1]"), false, None).is_err());
        assert!(value(&json("{}"), false, None).is_err());
    }

    #[test]
    fn periods_in_every_form() {
        for cell in [
            "2026",
            "2026-H1",
            "2026-Q3",
            "2026-07",
            "2026-W05",
            "2026-07-15",
            " 2026-07 ",
        ] {
            assert!(period(cell).is_ok(), "{cell}");
        }
        assert!(period("2026-13").is_err());
        assert!(period("Jan 2026").is_err());
    }
}
