//! The periods evaluation and the report walk through.
//!
//! Weeks do not nest in months, quarters or years: a week belongs to the coarser period that holds
//! its Thursday (as an ISO week belongs to the ISO year holding its Thursday), so 2026-W53
//! (28 December 2026 – 3 January 2027) belongs to December 2026 and to 2026. Every other grain nests
//! in the coarser ones. [`anchor_day`] is that deciding day.

use chrono::{Days, Months, NaiveDate};

use crate::period::{Grain, Period, financial_year_start};
use crate::semantic::model::{ItemId, Model};

/// The day that decides which coarser period, or financial year, a period belongs to: the
/// Thursday of a week, the last day of any other period.
pub fn anchor_day(period: Period) -> NaiveDate {
    match period {
        Period::Week(..) => period
            .first_day()
            .checked_add_days(Days::new(3))
            .expect("within chrono's range"),
        _ => period.last_day(),
    }
}

/// The periods of `grain` from the one holding the first day of `from` to the one holding the
/// last day of `to`: a coarser period that overlaps an end of the span is included (a quarterly
/// KPI in a span 2026-01 .. 2026-05 has 2026-Q1 and 2026-Q2), a week only when its Thursday lies
/// inside the span.
pub fn between(grain: Grain, from: Period, to: Period) -> Vec<Period> {
    let (start, end) = (from.first_day(), to.last_day());
    let mut first = Period::containing(start, grain);
    if grain == Grain::Week && anchor_day(first) < start {
        first = first.next();
    }
    let mut last = Period::containing(end, grain);
    if grain == Grain::Week && anchor_day(last) > end {
        last = last.prev();
    }
    first.through(last).collect()
}

/// The periods of the finer `grain` that make up `coarse` (the weeks whose Thursday it holds).
/// (Of a coarser grain: the one period that holds `coarse`, as [`between`].)
pub fn within(coarse: Period, grain: Grain) -> Vec<Period> {
    between(grain, coarse, coarse)
}

/// The period `n` periods before `period`, at its grain; `None` outside the calendar.
pub fn previous(period: Period, n: u32) -> Option<Period> {
    period.offset(-i64::from(n))
}

/// The first and last day of the financial year that holds `period` (its [`anchor_day`]), for
/// a year starting in month `year_start` (1–12; anything else is read as 1): with `year_start`
/// 4, 2027-02 is in the year 2026-04-01 .. 2027-03-31.
pub fn financial_year(period: Period, year_start: u32) -> (NaiveDate, NaiveDate) {
    let start = financial_year_start(anchor_day(period), year_start);
    let end = start
        .checked_add_months(Months::new(12))
        .and_then(|day| day.pred_opt())
        .expect("within chrono's range");
    (start, end)
}

/// The periods of `period`'s grain from the first one of its financial year to `period` itself:
/// what `ytd` aggregates. A period belongs to the financial year that holds its [`anchor_day`];
/// so a half-year or quarter that straddles the start of a financial year (`year_start` 2 with
/// quarters) counts whole in the year where it ends.
pub fn year_to_date(period: Period, year_start: u32) -> Vec<Period> {
    let (start, _) = financial_year(period, year_start);
    let mut first = Period::containing(start, period.grain());
    if anchor_day(first) < start {
        first = first.next();
    }
    first.through(period).collect()
}

/// The scorecard's frequency, monthly without a scorecard.
pub fn scorecard_grain(model: &Model) -> Grain {
    model
        .scorecard
        .as_ref()
        .map_or(Grain::Month, |scorecard| scorecard.frequency)
}

/// The grain a measure is evaluated at on its own: a KPI's `frequency`, else the scorecard's.
/// (A measure used in a formula is evaluated at the grain of that formula instead.)
pub fn measure_grain(model: &Model, measure: ItemId) -> Grain {
    model
        .item(measure)
        .as_measure()
        .and_then(|m| m.kpi.as_ref())
        .and_then(|kpi| kpi.frequency)
        .unwrap_or_else(|| scorecard_grain(model))
}

/// The financial year's first month (1–12) of the scorecard, 1 without one.
pub fn year_start(model: &Model) -> u32 {
    model
        .scorecard
        .as_ref()
        .map_or(1, |scorecard| scorecard.year_start)
}

/// The report's periods: the scorecard's span at its frequency (none without a span).
pub fn report_periods(model: &Model) -> Vec<Period> {
    match model.scorecard.as_ref().and_then(|s| s.period) {
        Some((from, to)) => between(scorecard_grain(model), from, to),
        None => Vec::new(),
    }
}

/// Why `--as-of` is no period of the scorecard's span.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AsOfOutsideSpan {
    #[error("--as-of {as_of}: the scorecard has no span (`period FROM .. TO`)")]
    NoSpan { as_of: Period },
    #[error(
        "--as-of {as_of} is outside the scorecard's span {from} .. {to}: give a period from \
         {from} to {to}"
    )]
    Outside {
        as_of: Period,
        from: Period,
        to: Period,
    },
}

/// `--as-of` taken to the scorecard's frequency, when it is a period of the scorecard's span;
/// otherwise why not, naming the span.
pub fn as_of_in_span(model: &Model, as_of: Period) -> Result<Period, AsOfOutsideSpan> {
    let period = as_of.at_grain(scorecard_grain(model));
    let Some((from, to)) = model.scorecard.as_ref().and_then(|s| s.period) else {
        return Err(AsOfOutsideSpan::NoSpan { as_of });
    };
    if period.first_day() < from.first_day() || period.last_day() > to.last_day() {
        return Err(AsOfOutsideSpan::Outside { as_of, from, to });
    }
    Ok(period)
}

/// A KPI's periods: the scorecard's span at the KPI's own frequency (the report's `series`).
pub fn kpi_periods(model: &Model, kpi: ItemId) -> Vec<Period> {
    match model.scorecard.as_ref().and_then(|s| s.period) {
        Some((from, to)) => between(measure_grain(model, kpi), from, to),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn texts(periods: &[Period]) -> Vec<String> {
        periods.iter().map(Period::to_string).collect()
    }

    #[test]
    fn periods_of_a_grain_between_two_periods() {
        assert_eq!(between(Grain::Month, p("2026-01"), p("2026-12")).len(), 12);
        assert_eq!(
            texts(&between(Grain::Quarter, p("2026-01"), p("2026-05"))),
            ["2026-Q1", "2026-Q2"]
        );
        assert_eq!(
            texts(&between(Grain::Month, p("2026-Q4"), p("2027-Q1"))),
            [
                "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"
            ]
        );
        let weeks_2026 = between(Grain::Week, p("2026-01"), p("2026-12"));
        assert_eq!(weeks_2026.len(), 53);
        assert_eq!(weeks_2026[0], p("2026-W01"));
        assert_eq!(weeks_2026[52], p("2026-W53"));
        // 2026-W53 holds 1–3 January 2027 but belongs to 2026: 2027 starts with 2027-W01.
        let weeks_2027 = between(Grain::Week, p("2027"), p("2027"));
        assert_eq!(weeks_2027.first(), Some(&p("2027-W01")));
        assert_eq!(weeks_2027.len(), 52);
        assert_eq!(between(Grain::Day, p("2024-02"), p("2024-02")).len(), 29);
        assert_eq!(between(Grain::Day, p("2025-02"), p("2025-02")).len(), 28);
        assert_eq!(between(Grain::Half, p("2026-03"), p("2026-09")).len(), 2);
    }

    #[test]
    fn finer_periods_inside_a_coarser_one() {
        assert_eq!(
            texts(&within(p("2026-Q3"), Grain::Month)),
            ["2026-07", "2026-08", "2026-09"]
        );
        assert_eq!(
            texts(&within(p("2026"), Grain::Half)),
            ["2026-H1", "2026-H2"]
        );
        assert_eq!(
            texts(&within(p("2026-01"), Grain::Week)),
            ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"]
        );
        assert_eq!(
            within(p("2026-12"), Grain::Week).last(),
            Some(&p("2026-W53"))
        );
        assert_eq!(within(p("2024-Q1"), Grain::Day).len(), 31 + 29 + 31);
    }

    #[test]
    fn previous_periods() {
        assert_eq!(previous(p("2026-01"), 1), Some(p("2025-12")));
        assert_eq!(previous(p("2026-02"), 12), Some(p("2025-02")));
        assert_eq!(previous(p("2027-W01"), 1), Some(p("2026-W53")));
        assert_eq!(previous(p("2026-Q1"), 4), Some(p("2025-Q1")));
        assert_eq!(previous(p("2026-H1"), 1), Some(p("2025-H2")));
        assert_eq!(previous(p("2024-03-01"), 1), Some(p("2024-02-29")));
        assert_eq!(previous(p("2026-07"), 0), Some(p("2026-07")));
    }

    #[test]
    fn financial_years() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        assert_eq!(
            financial_year(p("2027-02"), 4),
            (day("2026-04-01"), day("2027-03-31"))
        );
        assert_eq!(
            financial_year(p("2026-04"), 4),
            (day("2026-04-01"), day("2027-03-31"))
        );
        assert_eq!(
            financial_year(p("2026-03"), 4),
            (day("2025-04-01"), day("2026-03-31"))
        );
        assert_eq!(
            financial_year(p("2026-07"), 1),
            (day("2026-01-01"), day("2026-12-31"))
        );
        // A week belongs to the year of its Thursday.
        assert_eq!(financial_year(p("2026-W53"), 1).0, day("2026-01-01"));
        assert_eq!(
            financial_year(p("2024-02-29"), 3),
            (day("2023-03-01"), day("2024-02-29"))
        );
        assert_eq!(financial_year(p("2026-07"), 0).0, day("2026-01-01"));
    }

    #[test]
    fn year_to_date_periods() {
        assert_eq!(
            texts(&year_to_date(p("2027-02"), 4)),
            [
                "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
                "2026-11", "2026-12", "2027-01", "2027-02"
            ]
        );
        assert_eq!(texts(&year_to_date(p("2026-04"), 4)), ["2026-04"]);
        assert_eq!(
            texts(&year_to_date(p("2027-Q1"), 4)),
            ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
        );
        assert_eq!(texts(&year_to_date(p("2026-Q3"), 1)).len(), 3);
        assert_eq!(texts(&year_to_date(p("2027-W01"), 1)), ["2027-W01"]);
        assert_eq!(year_to_date(p("2026-W53"), 1).len(), 53);
        assert_eq!(year_to_date(p("2024-12-31"), 1).len(), 366);
        assert_eq!(texts(&year_to_date(p("2026"), 7)), ["2026"]);
    }
}
