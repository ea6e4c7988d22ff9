//! Periods of the calendar: years, halves, quarters, months, ISO weeks and days.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

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
        let bad_shape = || PeriodError(format!("`{text}` is not a period"));
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
                    "a year has 2 halves, not {half}: `{text}`"
                ))),
            },
            "Q" | "q" => match number(digits)? {
                quarter @ 1..=4 => Ok(Period::Quarter(year, quarter)),
                quarter => Err(PeriodError(format!(
                    "a year has 4 quarters, not {quarter}: `{text}`"
                ))),
            },
            "W" | "w" => {
                let week = number(digits)?;
                let weeks = iso_weeks_in_year(year);
                if (1..=weeks).contains(&week) {
                    Ok(Period::Week(year, week))
                } else {
                    Err(PeriodError(format!(
                        "{year} has {weeks} ISO weeks: `{text}` does not exist"
                    )))
                }
            }
            _ => Self::parse_month_or_day(year, rest, text),
        }
    }

    fn parse_month_or_day(year: i32, rest: &str, text: &str) -> Result<Period, PeriodError> {
        let bad_shape = || PeriodError(format!("`{text}` is not a period"));
        let (month_text, day_text) = match rest.split_once('-') {
            Some((month, day)) => (month, Some(day)),
            None => (rest, None),
        };
        let month: u32 = month_text.parse().map_err(|_| bad_shape())?;
        if !(1..=12).contains(&month) {
            return Err(PeriodError(format!(
                "a year has 12 months, not {month}: `{text}`"
            )));
        }
        let Some(day_text) = day_text else {
            return Ok(Period::Month(year, month));
        };
        let day: u32 = day_text.parse().map_err(|_| bad_shape())?;
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Period::Day)
            .ok_or_else(|| PeriodError(format!("`{text}` is not a day of the calendar")))
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

/// 52 or 53: the ISO year has 53 weeks when its 28 December falls in week 53.
pub fn iso_weeks_in_year(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |day| day.iso_week().week())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
