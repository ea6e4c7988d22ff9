//! Numbers, periods and statuses as people read them in the page: thousands separators, the
//! unit, a typographic minus, a fixed number of decimals per KPI, `Sep 2026` for `2026-09`.
//!
//! Every function is total: a value that is not finite reads `—`, a period that does not parse
//! reads as written.

use crate::period::Period;

/// Shown where there is no value.
pub const NO_VALUE: &str = "—";

/// The decimals that show a KPI whose values reach `magnitude` (the largest absolute value of
/// its actuals, plans and targets): fewer for large numbers, more for small ones, so that the
/// difference between an actual and its plan stays visible (`1.39%` against `1.45%`, but
/// `1,750,000 EUR`).
pub fn decimals_for(magnitude: f64) -> usize {
    match magnitude.abs() {
        m if !m.is_finite() || m >= 100.0 || m == 0.0 => 0,
        m if m >= 10.0 => 1,
        m if m >= 0.1 => 2,
        _ => 3,
    }
}

/// `value` with `decimals` decimals, commas between thousands and `−` (U+2212) for negatives;
/// a value that rounds to zero has no sign.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return NO_VALUE.to_string();
    }
    let digits = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits.as_str(), None),
    };
    let mut text = String::with_capacity(digits.len() + whole.len() / 3 + 3);
    let is_zero = digits.bytes().all(|b| b == b'0' || b == b'.');
    if value < 0.0 && !is_zero {
        text.push('−');
    }
    for (at, digit) in whole.chars().enumerate() {
        if at > 0 && (whole.len() - at).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    if let Some(fraction) = fraction {
        text.push('.');
        text.push_str(fraction);
    }
    text
}

/// A value in a unit: `38.2%`, `45.6 days`, `1,750,000 EUR`; a bare number without one.
pub fn quantity(value: f64, unit: Option<&str>, decimals: usize) -> String {
    with_unit(number(value, decimals), unit)
}

/// A difference in a unit, always signed: `+0.6 pp` (percentage points for `%`), `−1,200 EUR`;
/// `0.0 pp` when it rounds to zero.
pub fn difference(value: f64, unit: Option<&str>, decimals: usize) -> String {
    let text = number(value, decimals);
    let signed = if value > 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("+{text}")
    } else {
        text
    };
    if signed == NO_VALUE {
        return signed;
    }
    signed + &difference_suffix(unit)
}

/// A `[low, high]` band: `55–70 days`.
pub fn band(low: f64, high: f64, unit: Option<&str>, decimals: usize) -> String {
    with_unit(
        format!("{}–{}", number(low, decimals), number(high, decimals)),
        unit,
    )
}

fn with_unit(number: String, unit: Option<&str>) -> String {
    if number == NO_VALUE {
        return number;
    }
    number + &unit_suffix(unit)
}

/// What follows a value in `unit`: `%` for `%`, ` days` for `days`, nothing without a unit.
pub fn unit_suffix(unit: Option<&str>) -> String {
    match unit {
        None | Some("") => String::new(),
        Some("%") => "%".to_string(),
        Some(unit) => format!(" {unit}"),
    }
}

/// What follows a difference in `unit`: ` pp` (percentage points) for `%`, else as a value.
pub fn difference_suffix(unit: Option<&str>) -> String {
    match unit {
        Some("%") => " pp".to_string(),
        _ => unit_suffix(unit),
    }
}

/// A score on the 0–10 scale, with one decimal.
pub fn score(score: f64) -> String {
    number(score, 1)
}

/// A weight in percent: `60%`, `33.3%`.
pub fn weight(weight: f64) -> String {
    let text = number(weight, 1);
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A period as people say it: `Sep 2026`, `Q3 2026`, `H1 2026`, `2026`, `W05 2026`,
/// `15 Sep 2026`; as written when it does not parse.
pub fn period(written: &str) -> String {
    use chrono::Datelike;
    let month = |m: u32| {
        MONTHS
            .get(m.wrapping_sub(1) as usize)
            .copied()
            .unwrap_or("?")
    };
    match Period::parse(written) {
        Ok(Period::Year(year)) => format!("{year}"),
        Ok(Period::Half(year, half)) => format!("H{half} {year}"),
        Ok(Period::Quarter(year, quarter)) => format!("Q{quarter} {year}"),
        Ok(Period::Month(year, m)) => format!("{} {year}", month(m)),
        Ok(Period::Week(year, week)) => format!("W{week:02} {year}"),
        Ok(Period::Day(day)) => format!("{} {} {}", day.day(), month(day.month()), day.year()),
        Err(_) => written.to_string(),
    }
}

/// How a status reads: a symbol (so that it never depends on colour alone) and a word.
pub fn status_symbol(status: &str) -> &'static str {
    match status {
        "green" => "●",
        "amber" => "▲",
        "red" => "■",
        _ => "○",
    }
}

pub fn status_word(status: &str) -> &'static str {
    match status {
        "green" => "Green",
        "amber" => "Amber",
        "red" => "Red",
        _ => "No score",
    }
}

/// A trend as an arrow and a word; the arrow points the way things went for the better or the
/// worse, whatever the KPI's direction.
pub fn trend_arrow(trend: Option<&str>) -> &'static str {
    match trend {
        Some("improving") => "↗",
        Some("worsening") => "↘",
        Some("flat") => "→",
        _ => "",
    }
}

pub fn trend_word(trend: Option<&str>) -> &'static str {
    match trend {
        Some("improving") => "improving",
        Some("worsening") => "worsening",
        Some("flat") => "flat",
        _ => "no trend",
    }
}

/// The status of an initiative in words: `on_track` reads `On track`.
pub fn initiative_status(status: &str) -> &'static str {
    match status {
        "planned" => "Planned",
        "on_track" => "On track",
        "at_risk" => "At risk",
        "late" => "Late",
        "done" => "Done",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_separators_a_minus_and_fixed_decimals() {
        assert_eq!(number(1_750_000.0, 0), "1,750,000");
        assert_eq!(number(999.5, 0), "1,000");
        assert_eq!(number(-1234.567, 2), "−1,234.57");
        assert_eq!(number(-0.004, 2), "0.00");
        assert_eq!(number(38.200_002, 1), "38.2");
        assert_eq!(number(f64::NAN, 1), "—");
        assert_eq!(number(123.0, 0), "123");
    }

    #[test]
    fn quantities_carry_their_unit() {
        assert_eq!(quantity(38.2, Some("%"), 1), "38.2%");
        assert_eq!(quantity(45.6, Some("days"), 1), "45.6 days");
        assert_eq!(quantity(3.0, None, 2), "3.00");
        assert_eq!(quantity(f64::INFINITY, Some("EUR"), 0), "—");
        assert_eq!(difference(-0.625, Some("%"), 1), "−0.6 pp");
        assert_eq!(difference(1200.0, Some("EUR"), 0), "+1,200 EUR");
        assert_eq!(difference(0.01, Some("days"), 1), "0.0 days");
        assert_eq!(band(55.0, 70.0, Some("days"), 0), "55–70 days");
        assert_eq!(weight(33.333_333), "33.3%");
        assert_eq!(weight(50.0), "50%");
    }

    #[test]
    fn decimals_follow_the_magnitude() {
        assert_eq!(decimals_for(1_750_000.0), 0);
        assert_eq!(decimals_for(131.0), 0);
        assert_eq!(decimals_for(39.5), 1);
        assert_eq!(decimals_for(1.9), 2);
        assert_eq!(decimals_for(0.05), 3);
        assert_eq!(decimals_for(0.0), 0);
    }

    #[test]
    fn periods_read_as_people_say_them() {
        assert_eq!(period("2026-09"), "Sep 2026");
        assert_eq!(period("2026-Q3"), "Q3 2026");
        assert_eq!(period("2026-H1"), "H1 2026");
        assert_eq!(period("2026"), "2026");
        assert_eq!(period("2026-W05"), "W05 2026");
        assert_eq!(period("2026-07-15"), "15 Jul 2026");
        assert_eq!(period("nonsense"), "nonsense");
    }
}
