//! Periods of the calendar: years, halves, quarters, months, ISO weeks and days.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::source::shorten;

/// How fine a period is; also a KPI's frequency (`monthly` is [`Grain::Month`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

impl Grain {
    /// One period of this grain, in words: `month`, `half-year`, …
    pub fn noun(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Half => "half-year",
            Grain::Year => "year",
        }
    }

    /// The frequency keyword: `daily`, `weekly`, …
    pub fn frequency_name(self) -> &'static str {
        match self {
            Grain::Day => "daily",
            Grain::Week => "weekly",
            Grain::Month => "monthly",
            Grain::Quarter => "quarterly",
            Grain::Half => "halfyearly",
            Grain::Year => "yearly",
        }
    }

    pub fn from_frequency_name(name: &str) -> Option<Grain> {
        [
            Grain::Day,
            Grain::Week,
            Grain::Month,
            Grain::Quarter,
            Grain::Half,
            Grain::Year,
        ]
        .into_iter()
        .find(|grain| grain.frequency_name() == name)
    }
}

/// One period. Constructed only through [`Period::parse`] or [`Period::containing`], so it always
/// exists in the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    Half(i32, u32),
    Quarter(i32, u32),
    Month(i32, u32),
    /// An ISO week: ISO year and week number.
    Week(i32, u32),
    Day(NaiveDate),
}

/// Why a period written in a source or data file does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl Period {
    /// Parses `2026`, `2026-H1`, `2026-Q3`, `2026-07`, `2026-W05` or `2026-07-15`.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let bad_shape = || PeriodError(format!("`{}` is not a period", shorten(text, 40)));
        let (year_text, rest) = match text.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (text, None),
        };
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_shape());
        }
        let year: i32 = year_text.parse().map_err(|_| bad_shape())?;
        let Some(rest) = rest else {
            return Ok(Period::Year(year));
        };
        let number = |digits: &str| -> Result<u32, PeriodError> {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_shape());
            }
            digits.parse().map_err(|_| bad_shape())
        };
        let (tag, digits) = rest.split_at(rest.chars().next().map_or(0, char::len_utf8));
        match tag {
            "H" | "h" => match number(digits)? {
                half @ 1..=2 => Ok(Period::Half(year, half)),
                half => Err(PeriodError(format!(
                    "a year has 2 halves, not {half}: `{}`",
                    shorten(text, 40)
                ))),
            },
            "Q" | "q" => match number(digits)? {
                quarter @ 1..=4 => Ok(Period::Quarter(year, quarter)),
                quarter => Err(PeriodError(format!(
                    "a year has 4 quarters, not {quarter}: `{}`",
                    shorten(text, 40)
                ))),
            },
            "W" | "w" => {
                let week = number(digits)?;
                let weeks = iso_weeks_in_year(year);
                if (1..=weeks).contains(&week) {
                    Ok(Period::Week(year, week))
                } else {
                    Err(PeriodError(format!(
                        "{year} has {weeks} ISO weeks: `{}` does not exist",
                        shorten(text, 40)
                    )))
                }
            }
            _ => Self::parse_month_or_day(year, rest, text),
        }
    }

    fn parse_month_or_day(year: i32, rest: &str, text: &str) -> Result<Period, PeriodError> {
        let bad_shape = || PeriodError(format!("`{}` is not a period", shorten(text, 40)));
        let (month_text, day_text) = match rest.split_once('-') {
            Some((month, day)) => (month, Some(day)),
            None => (rest, None),
        };
        let month: u32 = month_text.parse().map_err(|_| bad_shape())?;
        if !(1..=12).contains(&month) {
            return Err(PeriodError(format!(
                "a year has 12 months, not {month}: `{}`",
                shorten(text, 40)
            )));
        }
        let Some(day_text) = day_text else {
            return Ok(Period::Month(year, month));
        };
        let day: u32 = day_text.parse().map_err(|_| bad_shape())?;
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Period::Day)
            .ok_or_else(|| {
                PeriodError(format!(
                    "`{}` is not a day of the calendar",
                    shorten(text, 40)
                ))
            })
    }

    pub fn grain(self) -> Grain {
        match self {
            Period::Year(_) => Grain::Year,
            Period::Half(..) => Grain::Half,
            Period::Quarter(..) => Grain::Quarter,
            Period::Month(..) => Grain::Month,
            Period::Week(..) => Grain::Week,
            Period::Day(_) => Grain::Day,
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        let ymd = |year, month| NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
        match self {
            Period::Year(year) => ymd(year, 1),
            Period::Half(year, half) => ymd(year, 6 * half - 5),
            Period::Quarter(year, quarter) => ymd(year, 3 * quarter - 2),
            Period::Month(year, month) => ymd(year, month),
            Period::Week(year, week) => {
                NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).expect("a valid ISO week")
            }
            Period::Day(day) => day,
        }
    }

    /// The last day of the period.
    pub fn last_day(self) -> NaiveDate {
        match self {
            Period::Day(day) => day,
            Period::Week(year, week) => {
                NaiveDate::from_isoywd_opt(year, week, Weekday::Sun).expect("a valid ISO week")
            }
            _ => self
                .next()
                .first_day()
                .pred_opt()
                .expect("within chrono's range"),
        }
    }

    /// The period right after this one, at the same grain.
    pub fn next(self) -> Period {
        match self {
            Period::Year(year) => Period::Year(year + 1),
            Period::Half(year, 2) => Period::Half(year + 1, 1),
            Period::Half(year, half) => Period::Half(year, half + 1),
            Period::Quarter(year, 4) => Period::Quarter(year + 1, 1),
            Period::Quarter(year, quarter) => Period::Quarter(year, quarter + 1),
            Period::Month(year, 12) => Period::Month(year + 1, 1),
            Period::Month(year, month) => Period::Month(year, month + 1),
            Period::Week(..) | Period::Day(_) => Period::containing(
                self.last_day().succ_opt().expect("within chrono's range"),
                self.grain(),
            ),
        }
    }

    /// The period of `grain` that contains `day`.
    pub fn containing(day: NaiveDate, grain: Grain) -> Period {
        let (year, month) = (day.year(), day.month());
        match grain {
            Grain::Year => Period::Year(year),
            Grain::Half => Period::Half(year, if month <= 6 { 1 } else { 2 }),
            Grain::Quarter => Period::Quarter(year, (month - 1) / 3 + 1),
            Grain::Month => Period::Month(year, month),
            Grain::Week => {
                let week = day.iso_week();
                Period::Week(week.year(), week.week())
            }
            Grain::Day => Period::Day(day),
        }
    }

    /// This period seen at a KPI's frequency: a coarser one stands for its last period at that
    /// frequency (`2026-Q2` monthly is `2026-06`), a finer one for the period that contains it.
    /// Both are the period of `grain` containing this period's last day.
    pub fn at_grain(self, grain: Grain) -> Period {
        Period::containing(self.last_day(), grain)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(year) => write!(f, "{year:04}"),
            Period::Half(year, half) => write!(f, "{year:04}-H{half}"),
            Period::Quarter(year, quarter) => write!(f, "{year:04}-Q{quarter}"),
            Period::Month(year, month) => write!(f, "{year:04}-{month:02}"),
            Period::Week(year, week) => write!(f, "{year:04}-W{week:02}"),
            Period::Day(day) => write!(f, "{:04}-{:02}-{:02}", day.year(), day.month(), day.day()),
        }
    }
}

/// A period is written as in a source file: `2026-09`, `2026-Q3`.
impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Counting periods: each period of a grain has an ordinal, consecutive periods consecutive
/// ordinals, so that "n periods earlier" is a subtraction.
impl Period {
    /// The position of this period among all periods of its grain (`next` adds one). The origin
    /// is arbitrary but fixed: compare ordinals of one grain only.
    pub fn ordinal(self) -> i64 {
        match self {
            Period::Year(year) => i64::from(year),
            Period::Half(year, half) => i64::from(year) * 2 + i64::from(half) - 1,
            Period::Quarter(year, quarter) => i64::from(year) * 4 + i64::from(quarter) - 1,
            Period::Month(year, month) => i64::from(year) * 12 + i64::from(month) - 1,
            // Monday 0001-01-01 is day 1 of the common era.
            Period::Week(..) => (i64::from(self.first_day().num_days_from_ce()) - 1).div_euclid(7),
            Period::Day(day) => i64::from(day.num_days_from_ce()),
        }
    }

    /// The period of `grain` with this [`ordinal`](Period::ordinal); `None` where its days fall
    /// outside the calendar chrono knows (beyond ±262,000 years).
    pub fn from_ordinal(grain: Grain, ordinal: i64) -> Option<Period> {
        let year_of = |per_year: i64| i32::try_from(ordinal.div_euclid(per_year)).ok();
        let period = match grain {
            Grain::Year => Period::Year(year_of(1)?),
            Grain::Half => Period::Half(year_of(2)?, ordinal.rem_euclid(2) as u32 + 1),
            Grain::Quarter => Period::Quarter(year_of(4)?, ordinal.rem_euclid(4) as u32 + 1),
            Grain::Month => Period::Month(year_of(12)?, ordinal.rem_euclid(12) as u32 + 1),
            Grain::Week => {
                let monday = i32::try_from(ordinal.checked_mul(7)?.checked_add(1)?).ok()?;
                let day = NaiveDate::from_num_days_from_ce_opt(monday)?;
                Period::containing(day, Grain::Week)
            }
            Grain::Day => {
                let day = NaiveDate::from_num_days_from_ce_opt(i32::try_from(ordinal).ok()?)?;
                Period::Day(day)
            }
        };
        // Every day of the period must exist, or `first_day` and `last_day` would fail.
        let (first, last) = match period {
            Period::Year(year)
            | Period::Half(year, _)
            | Period::Quarter(year, _)
            | Period::Month(year, _) => (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1),
            ),
            Period::Week(..) | Period::Day(_) => {
                let first = period.first_day();
                (Some(first), first.checked_add_days(chrono::Days::new(7)))
            }
        };
        (first.is_some() && last.is_some()).then_some(period)
    }

    /// The period `n` periods later (earlier when `n` is negative), at the same grain; `None`
    /// outside the calendar.
    pub fn offset(self, n: i64) -> Option<Period> {
        Period::from_ordinal(self.grain(), self.ordinal().checked_add(n)?)
    }

    /// The period right before this one, at the same grain (the inverse of [`Period::next`]).
    pub fn prev(self) -> Period {
        self.offset(-1).expect("within chrono's range")
    }

    /// The periods of this one's grain from this one to `last`, both included (none when `last`
    /// comes first). Both must be of one grain.
    pub fn through(self, last: Period) -> impl Iterator<Item = Period> + use<> {
        debug_assert_eq!(self.grain(), last.grain());
        let grain = self.grain();
        (self.ordinal()..=last.ordinal())
            .filter_map(move |ordinal| Period::from_ordinal(grain, ordinal))
    }
}

/// 52 or 53: the ISO year has 53 weeks when its 28 December falls in week 53.
pub fn iso_weeks_in_year(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |day| day.iso_week().week())
}

/// The first day of the financial year that holds `day`, for years starting on the first of
/// month `start_month` (1–12; anything else is read as 1): with 4, 2026-03-15 is in the year
/// from 2025-04-01. The one home of this arithmetic: `ytd`'s periods and the data a `ytd`
/// needs both follow it.
pub fn financial_year_start(day: NaiveDate, start_month: u32) -> NaiveDate {
    let month = if (1..=12).contains(&start_month) {
        start_month
    } else {
        1
    };
    let year = if day.month() >= month {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_years_start_in_their_month() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        assert_eq!(
            financial_year_start(day("2026-03-15"), 4),
            day("2025-04-01")
        );
        assert_eq!(
            financial_year_start(day("2026-04-01"), 4),
            day("2026-04-01")
        );
        assert_eq!(
            financial_year_start(day("2026-03-15"), 1),
            day("2026-01-01")
        );
        assert_eq!(
            financial_year_start(day("2026-03-15"), 13),
            day("2026-01-01")
        );
    }

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn parses_every_form_and_prints_it_back() {
        for text in [
            "2026",
            "2026-H1",
            "2026-Q3",
            "2026-07",
            "2026-W05",
            "2026-07-15",
        ] {
            assert_eq!(p(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_periods_that_do_not_exist() {
        for text in [
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-W54",
            "2026-W00",
            "2026-02-29",
            "2026-04-31",
        ] {
            assert!(Period::parse(text).is_err(), "{text}");
        }
        assert!(Period::parse("2024-02-29").is_ok());
    }

    #[test]
    fn iso_weeks_per_year() {
        assert_eq!(iso_weeks_in_year(2026), 53);
        assert_eq!(iso_weeks_in_year(2025), 52);
        assert_eq!(iso_weeks_in_year(2020), 53);
        assert!(Period::parse("2026-W53").is_ok());
        assert_eq!(
            Period::parse("2025-W53").unwrap_err().0,
            "2025 has 52 ISO weeks: `2025-W53` does not exist"
        );
    }

    #[test]
    fn first_and_last_days() {
        assert_eq!(p("2026-Q2").first_day().to_string(), "2026-04-01");
        assert_eq!(p("2026-Q2").last_day().to_string(), "2026-06-30");
        assert_eq!(p("2024-02").last_day().to_string(), "2024-02-29");
        assert_eq!(p("2026-H2").last_day().to_string(), "2026-12-31");
        // ISO week 1 of 2026 starts on Monday 29 December 2025.
        assert_eq!(p("2026-W01").first_day().to_string(), "2025-12-29");
    }

    #[test]
    fn coarse_periods_stand_for_their_last_finer_period() {
        assert_eq!(p("2026-Q2").at_grain(Grain::Month), p("2026-06"));
        assert_eq!(p("2026").at_grain(Grain::Quarter), p("2026-Q4"));
        assert_eq!(p("2026-05").at_grain(Grain::Quarter), p("2026-Q2"));
        assert_eq!(p("2026-07-15").at_grain(Grain::Half), p("2026-H2"));
    }

    #[test]
    fn next_crosses_year_ends() {
        assert_eq!(p("2026-12").next(), p("2027-01"));
        assert_eq!(p("2026-Q4").next(), p("2027-Q1"));
        assert_eq!(p("2026-W53").next(), p("2027-W01"));
        assert_eq!(p("2026-12-31").next(), p("2027-01-01"));
    }

    #[test]
    fn prev_is_the_inverse_of_next_across_year_ends() {
        for text in [
            "2027-01",
            "2027-Q1",
            "2027-H1",
            "2027",
            "2027-W01",
            "2027-01-01",
            "2024-03-01",
            "2026-W53",
            "2026-07",
        ] {
            let period = p(text);
            assert_eq!(period.prev().next(), period, "{text}");
            assert_eq!(period.next().prev(), period, "{text}");
        }
        assert_eq!(p("2027-W01").prev(), p("2026-W53"));
        assert_eq!(p("2026-W01").prev(), p("2025-W52"));
        assert_eq!(p("2027-Q1").prev(), p("2026-Q4"));
        assert_eq!(p("2027-H1").prev(), p("2026-H2"));
        assert_eq!(p("2026-07").prev(), p("2026-06"));
        assert_eq!(p("2024-03-01").prev(), p("2024-02-29"));
        assert_eq!(p("2023-03-01").prev(), p("2023-02-28"));
    }

    #[test]
    fn ordinals_count_periods() {
        for text in [
            "2026",
            "2026-H2",
            "2026-Q3",
            "2026-07",
            "2026-W53",
            "2024-02-29",
            "0001-W01",
        ] {
            let period = p(text);
            assert_eq!(
                Period::from_ordinal(period.grain(), period.ordinal()),
                Some(period),
                "{text}"
            );
        }
        assert_eq!(p("2027-01").ordinal() - p("2026-01").ordinal(), 12);
        assert_eq!(p("2027-W01").ordinal() - p("2026-W01").ordinal(), 53);
        assert_eq!(p("2025-01-01").ordinal() - p("2024-01-01").ordinal(), 366);
        assert_eq!(p("2026-03").offset(-15), Some(p("2024-12")));
        assert_eq!(p("2026-Q1").offset(5), Some(p("2027-Q2")));
        assert_eq!(p("2026-W52").offset(2), Some(p("2027-W01")));
        assert_eq!(p("2024-02-28").offset(2), Some(p("2024-03-01")));
        assert_eq!(Period::from_ordinal(Grain::Year, i64::MAX), None);
        assert_eq!(Period::from_ordinal(Grain::Day, i64::MIN), None);
        assert_eq!(p("2026-01").offset(i64::MAX), None);
    }

    #[test]
    fn through_lists_periods_in_order() {
        let months: Vec<String> = p("2025-11")
            .through(p("2026-02"))
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(p("2026-W01").through(p("2026-W53")).count(), 53);
        assert_eq!(p("2024-02-01").through(p("2024-02-29")).count(), 29);
        assert_eq!(p("2026-Q3").through(p("2026-Q2")).count(), 0);
    }

    /// Regression (issue 16, item 10): a period cell is quoted up to 40 characters in every
    /// message, however long it is.
    #[test]
    fn a_long_period_is_quoted_short() {
        let zeros = "0".repeat(1_000_000);
        for text in [
            format!("2026-Q{zeros}5"),
            format!("2026-H{zeros}3"),
            format!("2026-W{zeros}60"),
            format!("2026-{zeros}13"),
            format!("2026-02-{zeros}30"),
            zeros.clone(),
        ] {
            let message = Period::parse(&text).unwrap_err().0;
            assert!(message.len() < 200, "{}", &message[..200]);
        }
    }
}
