//! Numbers, periods and statuses as people read them in the page: thousands separators, the
//! unit, a typographic minus, a fixed number of decimals per KPI, `Sep 2026` for `2026-09`.
//!
//! Every function is total: a value that is not finite reads `—`.

use super::figures::Move;
use crate::period::Period;
use crate::score::{Status, Trend};
use crate::vocabulary::InitiativeStatus;

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
/// a value that rounds to zero has no sign. Rounds half away from zero.
pub fn number(value: f64, decimals: usize) -> String {
    // Integer arithmetic, much faster than float formatting, which a page of thousands of KPIs
    // does hundreds of thousands of times; exact below 2^53.
    const EXACT: f64 = 9.0e15;
    if !value.is_finite() {
        return NO_VALUE.to_string();
    }
    let scale = 10u64.checked_pow(decimals as u32).unwrap_or(u64::MAX);
    let scaled = (value.abs() * scale as f64).round();
    if scaled >= EXACT || scale == u64::MAX {
        return large_number(value, decimals);
    }
    let scaled = scaled as u64;
    let (whole, fraction) = (scaled / scale, scaled % scale);
    let digits = whole.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3 + decimals + 4);
    if value < 0.0 && scaled != 0 {
        text.push('−');
    }
    group_thousands(&digits, &mut text);
    if decimals > 0 {
        text.push('.');
        let fraction = fraction.to_string();
        text.extend(std::iter::repeat_n(
            '0',
            decimals.saturating_sub(fraction.len()),
        ));
        text.push_str(&fraction);
    }
    text
}

/// `number` for values too large for integer arithmetic, through float formatting.
fn large_number(value: f64, decimals: usize) -> String {
    let digits = format!("{:.*}", decimals.min(20), value.abs());
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut text = String::new();
    if value < 0.0 {
        text.push('−');
    }
    group_thousands(whole, &mut text);
    if !fraction.is_empty() {
        text.push('.');
        text.push_str(fraction);
    }
    text
}

fn group_thousands(digits: &str, text: &mut String) {
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
}

/// A value in a unit: `38.2%`, `45.6 days`, `1,750,000 EUR`; a bare number without one.
pub fn quantity(value: f64, unit: Option<&str>, decimals: usize) -> String {
    with_unit(number(value, decimals), unit)
}

/// A difference in a unit, always signed: `+0.6 pp` (percentage points for `%`), `−1,200 EUR`;
/// `0.0 pp` when it rounds to zero.
pub fn difference(value: f64, unit: Option<&str>, decimals: usize) -> String {
    let signed = signed(value, decimals);
    if signed == NO_VALUE {
        return signed;
    }
    signed + &difference_suffix(unit)
}

/// A number with its sign, `+` too: `+0.6`, `−1,200`; `0.0` when it rounds to zero.
pub fn signed(value: f64, decimals: usize) -> String {
    let text = number(value, decimals);
    if value > 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("+{text}")
    } else {
        text
    }
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
        Some(unit) => format!(" {}", unit_text(unit)),
    }
}

/// A unit as people write it, from how the language spells it (words of ASCII letters and
/// digits): `ug/m3` reads `µg/m³`, `m2` `m²`, `degC` `°C`, `kWh*h` `kWh·h`; any other word stays
/// as written.
pub fn unit_text(unit: &str) -> String {
    let mut text = String::with_capacity(unit.len());
    let mut word = String::new();
    for c in unit.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        text.push_str(&unit_word(&word));
        word.clear();
        match c {
            '*' => text.push('·'),
            '\0' => {}
            other => text.push(other),
        }
    }
    text
}

/// One word of a unit as people write it (see [`unit_text`]).
fn unit_word(word: &str) -> String {
    let (stem, power) = match word.strip_suffix('2').or_else(|| word.strip_suffix('3')) {
        // A square or cube only after letters: `m2`, `km3`; `CO2` or `h24` keep their digit.
        Some(stem)
            if !stem.is_empty()
                && stem.chars().all(|c| c.is_ascii_lowercase())
                && stem.len() <= 2 =>
        {
            (stem, if word.ends_with('2') { "²" } else { "³" })
        }
        _ => (word, ""),
    };
    let stem = match stem {
        "ug" | "mcg" => "µg",
        "um" => "µm",
        "umol" => "µmol",
        "degC" => "°C",
        "degF" => "°F",
        "ohm" => "Ω",
        other => other,
    };
    format!("{stem}{power}")
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

/// How much of a node's weight is scored: `scored: 60% of weight`. A share short of all of it is
/// never rounded up to 100%, nor a share above none down to 0%. No coverage (no period shown)
/// is the empty text.
pub fn coverage(coverage: Option<f64>) -> String {
    let Some(coverage) = coverage else {
        return String::new();
    };
    let percent = if is_partial(Some(coverage)) && coverage > 0.0 {
        coverage.round().clamp(1.0, 99.0)
    } else {
        coverage.round()
    };
    format!("scored: {percent}% of weight")
}

/// Whether a score rests on less than all of its node's weight.
pub fn is_partial(coverage: Option<f64>) -> bool {
    coverage.is_some_and(|c| c < 100.0 - 1e-6)
}

/// A large amount in compact form, for where space is short: `1.75m`, `204.8m`, `12.3k`,
/// `2.1bn` (three significant digits, trailing zeros dropped); below 10,000 the number as
/// [`number`] writes it with `decimals`.
pub fn compact(value: f64, decimals: usize) -> String {
    let magnitude = value.abs();
    let (scale, suffix) = if magnitude >= 1e9 {
        (1e9, "bn")
    } else if magnitude >= 1e6 {
        (1e6, "m")
    } else if magnitude >= 1e4 {
        (1e3, "k")
    } else {
        return number(value, decimals);
    };
    let mantissa = value / scale;
    let places = 2usize.saturating_sub(mantissa.abs().log10().floor().max(0.0) as usize);
    let text = number(mantissa, places);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{suffix}")
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
/// `15 Sep 2026`.
pub fn period(period: Period) -> String {
    use chrono::Datelike;
    let month = |m: u32| {
        MONTHS
            .get(m.wrapping_sub(1) as usize)
            .copied()
            .unwrap_or("?")
    };
    match period {
        Period::Year(year) => format!("{year}"),
        Period::Half(year, half) => format!("H{half} {year}"),
        Period::Quarter(year, quarter) => format!("Q{quarter} {year}"),
        Period::Month(year, m) => format!("{} {year}", month(m)),
        Period::Week(year, week) => format!("W{week:02} {year}"),
        Period::Day(day) => format!("{} {} {}", day.day(), month(day.month()), day.year()),
    }
}

/// A period in a column head, short: `Sep 26`, `Q3 26`, `W05 26`, `2026`.
pub fn period_short(period: Period) -> String {
    let long = self::period(period);
    match long.rsplit_once(' ') {
        Some((head, year)) if year.len() == 4 => format!("{head} {}", &year[2..]),
        _ => long,
    }
}

/// How a status reads: a symbol (so that it never depends on colour alone) and a word.
pub fn status_symbol(status: Status) -> &'static str {
    match status {
        Status::Green => "●",
        Status::Amber => "▲",
        Status::Red => "■",
        Status::None => "○",
    }
}

pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Green => "Green",
        Status::Amber => "Amber",
        Status::Red => "Red",
        Status::None => "No score",
    }
}

/// A trend is an arrow and a word: the arrow points the way the value moved (as the sparkline
/// beside it does), the word and colour say whether that was for the better: a falling cost is
/// `↘ better`.
pub fn move_arrow(moved: Option<Move>) -> &'static str {
    match moved {
        Some(Move::Rose) => "↗",
        Some(Move::Fell) => "↘",
        Some(Move::Held) => "→",
        None => "",
    }
}

/// Whether the move was for the better, in words: `better`, `worse`, `steady`.
pub fn trend_word(trend: Option<Trend>) -> &'static str {
    match trend {
        Some(Trend::Improving) => "better",
        Some(Trend::Worsening) => "worse",
        Some(Trend::Flat) => "steady",
        None => "no trend",
    }
}

/// The status of an initiative in words: `on_track` reads `On track`.
pub fn initiative_status(status: InitiativeStatus) -> &'static str {
    match status {
        InitiativeStatus::Planned => "Planned",
        InitiativeStatus::OnTrack => "On track",
        InitiativeStatus::AtRisk => "At risk",
        InitiativeStatus::Late => "Late",
        InitiativeStatus::Done => "Done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_amounts_read_compact() {
        assert_eq!(compact(1_750_000.0, 0), "1.75m");
        assert_eq!(compact(2_100_000.0, 0), "2.1m");
        assert_eq!(compact(204_800_000.0, 0), "205m");
        assert_eq!(compact(12_345.0, 0), "12.3k");
        assert_eq!(compact(-3_200_000_000.0, 0), "−3.2bn");
        assert_eq!(compact(9_999.5, 1), "9,999.5");
        assert_eq!(compact(38.2, 1), "38.2");
    }

    #[test]
    fn units_read_as_people_write_them() {
        assert_eq!(unit_text("ug/m3"), "µg/m³");
        assert_eq!(unit_text("m2"), "m²");
        assert_eq!(unit_text("km2"), "km²");
        assert_eq!(unit_text("degC"), "°C");
        assert_eq!(unit_text("kWh*h"), "kWh·h");
        assert_eq!(unit_text("EUR/customer"), "EUR/customer");
        assert_eq!(unit_text("tCO2"), "tCO2");
        assert_eq!(unit_text("CO2"), "CO2");
        assert_eq!(unit_text("%"), "%");
        assert_eq!(unit_suffix(Some("ug/m3")), " µg/m³");
    }

    #[test]
    fn coverage_is_never_rounded_to_all_or_nothing() {
        assert_eq!(coverage(Some(100.0)), "scored: 100% of weight");
        assert_eq!(coverage(Some(60.0)), "scored: 60% of weight");
        assert_eq!(coverage(Some(99.7)), "scored: 99% of weight");
        assert_eq!(coverage(Some(0.2)), "scored: 1% of weight");
        assert_eq!(coverage(Some(0.0)), "scored: 0% of weight");
        assert_eq!(coverage(None), "");
        assert!(is_partial(Some(99.7)) && !is_partial(Some(100.0)) && !is_partial(None));
    }

    #[test]
    fn numbers_have_separators_a_minus_and_fixed_decimals() {
        assert_eq!(number(1_750_000.0, 0), "1,750,000");
        assert_eq!(number(999.5, 0), "1,000");
        assert_eq!(number(-1234.567, 2), "−1,234.57");
        assert_eq!(number(-0.004, 2), "0.00");
        assert_eq!(number(38.200_002, 1), "38.2");
        assert_eq!(number(f64::NAN, 1), "—");
        assert_eq!(number(123.0, 0), "123");
        assert_eq!(number(0.05, 3), "0.050");
        assert_eq!(number(1e20, 1), "100,000,000,000,000,000,000.0");
        assert_eq!(number(-2.5e17, 0), "−250,000,000,000,000,000");
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
        let said = |written: &str| period(Period::parse(written).unwrap());
        assert_eq!(said("2026-09"), "Sep 2026");
        assert_eq!(said("2026-Q3"), "Q3 2026");
        assert_eq!(said("2026-H1"), "H1 2026");
        assert_eq!(said("2026"), "2026");
        assert_eq!(said("2026-W05"), "W05 2026");
        assert_eq!(said("2026-07-15"), "15 Jul 2026");
    }
}
