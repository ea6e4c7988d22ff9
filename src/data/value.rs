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
        Raw::Number(number) if number.is_finite() => Ok(Some(*number)),
        // A JSON number beyond the range of a double (`1e999`).
        Raw::Number(_) => Err(NotAValue {
            label: "out of range".to_string(),
            help: "numbers go up to about ±1.8e308: check the value, or write null for no value"
                .to_string(),
        }),
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
    // The helps below quote the cell, or a number read from it: a cell longer than a message
    // quotes is no mistyped number, and gets the plain help (a 1 MB cell, a short finding).
    let help = if text.chars().nth(super::CELL_SHOWN).is_some() {
        plain.to_string()
    } else if let Some(help) = separator_help(text) {
        help
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
        && !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace())
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

/// Digit groups of a thousands separator: the first of 1 to 3 digits, the others of 3.
fn grouped(groups: &[&str]) -> bool {
    let digits = |group: &&str| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
    groups.len() > 1
        && groups.iter().all(digits)
        && groups[0].len() <= 3
        && groups[1..].iter().all(|group| group.len() == 3)
}

/// A number written with a decimal comma, `.` or a space as thousands separators allowed:
/// `37,5`, `-1.234,56`, `1 234,5`. A comma followed by exactly three digits and nothing before
/// it that says "decimal" (`1,234`) is not one: it may as well be a thousands separator.
pub fn decimal_comma_number(text: &str) -> Option<f64> {
    let (sign, unsigned) = match text.strip_prefix(['-', '+']) {
        Some(rest) => (&text[..1], rest),
        None => ("", text),
    };
    let (whole, fraction) = unsigned.split_once(',')?;
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = whole.split(['.', ' ']).collect();
    let whole_digits = whole.bytes().all(|b| b.is_ascii_digit()) && !whole.is_empty();
    if !(whole_digits || grouped(&groups)) {
        return None;
    }
    if whole_digits && fraction.len() == 3 {
        return None; // `1,234`: a thousands separator as much as a decimal comma
    }
    plain_number(&format!("{sign}{}.{fraction}", groups.concat()))
}

/// A number of a file whose convention is the decimal comma (a `;`-separated CSV): there a
/// comma is always the decimal point, `1,234` included, and `.` or a space groups thousands.
pub fn decimal_comma_in_convention(text: &str) -> Option<f64> {
    let unsigned = text.trim_start_matches(['-', '+']);
    match unsigned.split_once(',') {
        Some((whole, fraction))
            if whole.bytes().all(|b| b.is_ascii_digit()) && !whole.is_empty() =>
        {
            let sign = &text[..text.len() - unsigned.len()];
            plain_number(&format!("{sign}{whole}.{fraction}"))
        }
        _ => decimal_comma_number(text),
    }
}

/// How to write a number that uses separators, when that can be said without guessing its
/// magnitude: `90,5` is 90.5 (a comma with one or two digits after it is a decimal comma),
/// `1,234,567` and `1 234 567` are 1234567; `1,234` may be either, and `1 234 5` groups no
/// thousands: they are said to be ambiguous, and no number is suggested.
fn separator_help(text: &str) -> Option<String> {
    let unsigned = text.trim_start_matches(['-', '+']);
    let only_separators = unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '));
    if !only_separators || !unsigned.contains([',', ' ']) {
        return None;
    }
    let sign = &text[..text.len() - unsigned.len()];
    if let Some((_, fraction)) = unsigned.split_once(',')
        && (1..=2).contains(&fraction.len())
        && let Some(value) = decimal_comma_number(text)
    {
        return Some(format!(
            "`{text}` has a decimal comma: write `{}` (a `.` as the decimal point, no thousands \
             separators)",
            show(value)
        ));
    }
    for separator in [',', ' '] {
        let groups: Vec<&str> = unsigned.split(separator).collect();
        let unambiguous = groups.len() > 2 || separator == ' ';
        if grouped(&groups) && unambiguous && !unsigned.contains('.') {
            return Some(format!(
                "write numbers without thousands separators: `{sign}{}`",
                groups.concat()
            ));
        }
    }
    if let Some(value) = decimal_comma_number(text) {
        return Some(format!(
            "`{text}` has a decimal comma: write `{}` (a `.` as the decimal point, no thousands \
             separators)",
            show(value)
        ));
    }
    // `1,234`: a thousands separator or a decimal comma; both readings are offered.
    if let [whole, fraction] = unsigned.split(',').collect::<Vec<_>>()[..]
        && grouped(&[whole, fraction])
    {
        return Some(format!(
            "`{text}` can be read two ways: write `{sign}{whole}{fraction}` if the comma separates \
             thousands, `{sign}{whole}.{fraction}` if it is a decimal comma"
        ));
    }
    Some(format!(
        "`{text}` can be read more than one way: write it with `.` as the decimal point and no \
         separators"
    ))
}

/// A number as a user would write it back: no float noise.
pub fn show(value: f64) -> String {
    let rounded = (value * 1e9).round() / 1e9;
    format!("{rounded}")
}

/// The period a cell names, in the language's forms (`2026`, `2026-H1`, `2026-Q3`, `2026-07`,
/// `2026-W05`, `2026-07-15`); surrounding spaces are ignored.
pub fn period(text: &str) -> Result<Period, PeriodError> {
    Period::parse(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_of(cell: &str) -> String {
        match value(&Raw::Text(Cow::Borrowed(cell)), false, None) {
            Err(not_a_value) => not_a_value.help,
            Ok(value) => panic!("{cell} read as {value:?}"),
        }
    }

    #[test]
    fn separators_get_a_help_that_never_changes_the_magnitude() {
        assert!(
            help_of("90,5").contains("write `90.5`"),
            "{}",
            help_of("90,5")
        );
        assert!(help_of("-3,25").contains("write `-3.25`"));
        assert!(help_of("1.234,5").contains("write `1234.5`"));
        assert!(help_of("1,234,567").contains("`1234567`"));
        assert!(help_of("1 234 567").contains("`1234567`"));
        let help = help_of("1,234");
        assert!(
            help.contains("`1234` if the comma separates thousands, `1.234` if"),
            "{help}"
        );
        for ambiguous in ["1 234 5", "12,34,5"] {
            let help = help_of(ambiguous);
            assert!(help.contains("more than one way"), "{ambiguous}: {help}");
        }
    }

    #[test]
    fn decimal_commas_are_read_where_they_cannot_be_thousands() {
        assert_eq!(decimal_comma_number("37,5"), Some(37.5));
        assert_eq!(decimal_comma_number("-1.234,56"), Some(-1234.56));
        assert_eq!(decimal_comma_number("1 234,5"), Some(1234.5));
        assert_eq!(decimal_comma_number("0,1234"), Some(0.1234));
        assert_eq!(decimal_comma_number("1,234"), None);
        assert_eq!(decimal_comma_number("12.34,5"), None);
        assert_eq!(decimal_comma_number("37.5"), None);
    }

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
        assert!(read("1,234", false).unwrap_err().help.contains("two ways"));
        assert!(read("12 EUR", false).unwrap_err().help.contains("`12`"));
        assert!(read("n/a", false).unwrap_err().help.contains("empty"));
    }

    /// Regression (issue 16, item 10): the separator help quoted a 1 MB cell of `1,1,1,…` twice.
    #[test]
    fn a_long_cell_gets_a_help_that_does_not_quote_it() {
        for cell in [
            "1,".repeat(500_000) + "1",
            "1 ".repeat(500_000) + "1",
            "7".repeat(1_000_000) + " EUR",
        ] {
            let help = read(&cell, false).unwrap_err().help;
            assert!(help.len() < 200, "{} bytes", help.len());
        }
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
