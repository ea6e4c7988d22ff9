//! Inputs aggregated up to the grain of evaluation (SCORING.md, "Periods and aggregation").

use std::sync::Arc;

use chrono::NaiveDate;

use super::missing::{Missing, Value};
use super::periods::anchor_day;
use crate::data::Observation;
use crate::period::{Grain, Period};
use crate::semantic::model::Measure;
use crate::vocabulary::Aggregate;

pub use crate::semantic::model::effective_aggregate;

/// Whether the measure's values are shares written in percent (42 for 42%).
pub fn is_percent(measure: &Measure) -> bool {
    measure.unit.as_ref().is_some_and(|unit| unit.is_percent)
}

/// A value as people write it (42 for 42% in a `%` series) in the internal representation
/// (0.42).
pub fn from_written(measure: &Measure, value: f64) -> f64 {
    if is_percent(measure) {
        value / 100.0
    } else {
        value
    }
}

/// An internal value in the measure's display unit: 0.42 is shown as 42 on a `%` measure.
pub fn to_display(measure: &Measure, value: f64) -> f64 {
    if is_percent(measure) {
        value * 100.0
    } else {
        value
    }
}

/// `values` aggregated with `aggregate` (`last` is the last of them); `None` when there is none.
pub fn aggregate(aggregate: Aggregate, values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut values = values.into_iter();
    let first = values.next()?;
    let (mut total, mut count, mut low, mut high, mut last) = (first, 1u64, first, first, first);
    for value in values {
        total += value;
        count += 1;
        low = low.min(value);
        high = high.max(value);
        last = value;
    }
    Some(match aggregate {
        Aggregate::Sum => total,
        Aggregate::Avg => total / count as f64,
        Aggregate::Last => last,
        Aggregate::Min => low,
        Aggregate::Max => high,
    })
}

/// One observation, placed on the calendar.
#[derive(Debug, Clone)]
struct Point {
    /// The day that decides which coarser period it belongs to.
    anchor: NaiveDate,
    period: Period,
    /// In the internal representation.
    value: f64,
    /// Its position in the data set's series, for its note.
    index: usize,
}

/// An observation that could not be read: it makes the periods that hold it have no value.
#[derive(Debug, Clone)]
struct BadCell {
    anchor: NaiveDate,
    period: Period,
    place: Arc<str>,
}

/// The observations of one input measure, sorted by day, ready to be aggregated to any grain.
#[derive(Debug, Clone, Default)]
pub struct InputSeries {
    points: Vec<Point>,
    bad: Vec<BadCell>,
    /// The coarsest grain observed, to tell "no data" from "observed only coarser".
    coarsest: Option<Grain>,
    /// Whether any observation has a note: most series have none, and need no look-up.
    has_notes: bool,
}

impl InputSeries {
    /// The series of `observations` of `measure` (values as written; `%` ones are divided by 100).
    pub fn new(measure: &Measure, observations: &[Observation]) -> InputSeries {
        let mut points: Vec<Point> = observations
            .iter()
            .enumerate()
            .map(|(index, observation)| Point {
                anchor: anchor_day(observation.period),
                period: observation.period,
                value: from_written(measure, observation.value),
                index,
            })
            .collect();
        points.sort_by_key(|point| point.anchor);
        let coarsest = points.iter().map(|point| point.period.grain()).max();
        InputSeries {
            points,
            bad: Vec::new(),
            coarsest,
            has_notes: observations.iter().any(|o| o.note.is_some()),
        }
    }

    /// Records that the observation of `period` could not be read, at `place` (`file:line`).
    pub fn mark_bad(&mut self, period: Period, place: Arc<str>) {
        let anchor = anchor_day(period);
        let at = self.bad.partition_point(|cell| cell.anchor <= anchor);
        self.bad.insert(
            at,
            BadCell {
                anchor,
                period,
                place,
            },
        );
    }

    /// The observations that make up `period`: those at its grain or finer whose anchor day it
    /// holds.
    fn inside(&self, period: Period) -> impl Iterator<Item = &Point> {
        let (start, end, grain) = (period.first_day(), period.last_day(), period.grain());
        let from = self.points.partition_point(|point| point.anchor < start);
        let to = self.points.partition_point(|point| point.anchor <= end);
        self.points[from..to]
            .iter()
            .filter(move |point| point.period.grain() <= grain)
    }

    /// The value of the series in `period` (at the period's grain), aggregated with `how`.
    pub fn value(&self, period: Period, how: Aggregate) -> Value {
        let grain = period.grain();
        let (start, end) = (period.first_day(), period.last_day());
        let from = self.bad.partition_point(|cell| cell.anchor < start);
        if let Some(cell) = self.bad[from..]
            .iter()
            .take_while(|cell| cell.anchor <= end)
            .find(|cell| cell.period.grain() <= grain)
        {
            return Err(Missing::BadValue(cell.place.clone()));
        }
        if let Some(data_ends) = self.ends_inside(period) {
            return Err(Missing::Incomplete { data_ends });
        }
        match aggregate(how, self.inside(period).map(|point| point.value)) {
            Some(value) if value.is_finite() => Ok(value),
            Some(_) => Err(Missing::Overflow),
            None => Err(self.why_none(period)),
        }
    }

    /// Where the data ends, when it ends inside `period` before its last sub-period: the last
    /// observation inside is of a finer grain, ends before the period does, and none comes
    /// after it. Such a period is incomplete (SCORING.md): a quarter with July alone is not a
    /// quarter.
    fn ends_inside(&self, period: Period) -> Option<Period> {
        let end = period.last_day();
        let last = self.inside(period).last()?;
        let finer = last.period.grain() < period.grain();
        let later = self.points.last().is_some_and(|point| point.anchor > end);
        (finer && last.period.last_day() < end && !later).then_some(last.period)
    }

    /// Why a period holds no observation: "no data", or data only at a coarser grain that
    /// overlaps it (which is not split).
    fn why_none(&self, period: Period) -> Missing {
        let grain = period.grain();
        if self.coarsest.is_none_or(|coarsest| coarsest <= grain) {
            return Missing::NoData;
        }
        let (start, end) = (period.first_day(), period.last_day());
        // A coarser observation overlapping the period ends on or after its start, within a year
        // and a week of its end.
        let from = self.points.partition_point(|point| point.anchor < start);
        let horizon = end
            .checked_add_days(chrono::Days::new(380))
            .unwrap_or(NaiveDate::MAX);
        self.points[from..]
            .iter()
            .take_while(|point| point.anchor <= horizon)
            .find(|point| point.period.grain() > grain && point.period.first_day() <= end)
            .map_or(Missing::NoData, |point| Missing::CoarseData {
                data: point.period.grain(),
                wanted: grain,
            })
    }

    /// The position in the data set's series of the latest observation inside `period` that
    /// has a note.
    pub fn note_index(&self, period: Period, observations: &[Observation]) -> Option<usize> {
        if !self.has_notes {
            return None;
        }
        self.inside(period)
            .filter(|point| {
                observations
                    .get(point.index)
                    .is_some_and(|o| o.note.is_some())
            })
            .last()
            .map(|point| point.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::model::DeclaredUnit;
    use crate::source::{FileId, Span};
    use crate::unit::Unit;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn measure(unit: Option<&str>, aggregate: Option<Aggregate>) -> Measure {
        Measure {
            unit: unit.map(|text| DeclaredUnit {
                text: text.to_string(),
                unit: Unit::dimensionless(),
                is_percent: text == "%",
                span: Span::new(FileId(0), 0..0),
            }),
            formula: None,
            column: None,
            aggregate,
            extends: None,
            kpi: None,
        }
    }

    fn series(measure: &Measure, values: &[(&str, f64)]) -> InputSeries {
        let observations: Vec<Observation> = values
            .iter()
            .map(|(period, value)| Observation {
                period: p(period),
                value: *value,
                note: None,
                span: Span::new(FileId(0), 0..0),
            })
            .collect();
        InputSeries::new(measure, &observations)
    }

    #[test]
    fn default_aggregates_follow_the_unit() {
        assert_eq!(
            effective_aggregate(&measure(Some("EUR"), None)),
            Aggregate::Sum
        );
        assert_eq!(effective_aggregate(&measure(None, None)), Aggregate::Sum);
        assert_eq!(
            effective_aggregate(&measure(Some("%"), None)),
            Aggregate::Avg
        );
        assert_eq!(
            effective_aggregate(&measure(Some("EUR/customer"), None)),
            Aggregate::Avg
        );
        assert_eq!(
            effective_aggregate(&measure(Some("%"), Some(Aggregate::Last))),
            Aggregate::Last
        );
    }

    #[test]
    fn months_aggregate_to_a_quarter_with_each_aggregate() {
        let data = [
            ("2026-02", 5.0),
            ("2026-01", 2.0),
            ("2026-03", 3.0),
            ("2026-04", 100.0),
        ];
        let m = measure(Some("EUR"), None);
        let s = series(&m, &data);
        let q1 = p("2026-Q1");
        assert_eq!(s.value(q1, Aggregate::Sum), Ok(10.0));
        assert_eq!(s.value(q1, Aggregate::Avg), Ok(10.0 / 3.0));
        // `last` is the latest observation inside the period, whatever the order of the data.
        assert_eq!(s.value(q1, Aggregate::Last), Ok(3.0));
        assert_eq!(s.value(q1, Aggregate::Min), Ok(2.0));
        assert_eq!(s.value(q1, Aggregate::Max), Ok(5.0));
        assert_eq!(s.value(p("2026-02"), Aggregate::Sum), Ok(5.0));
        assert_eq!(s.value(p("2026-Q3"), Aggregate::Sum), Err(Missing::NoData));
        // Data that ends before a period's last month leaves it incomplete, with no value.
        let ends_in_april = Err(Missing::Incomplete {
            data_ends: p("2026-04"),
        });
        assert_eq!(s.value(p("2026-H1"), Aggregate::Sum), ends_in_april);
        assert_eq!(s.value(p("2026-Q2"), Aggregate::Last), ends_in_april);
        // A gap inside, with data after the period: complete, the observations there are.
        let gap = series(&m, &[("2026-04", 1.0), ("2026-05", 2.0), ("2026-07", 9.0)]);
        assert_eq!(gap.value(p("2026-Q2"), Aggregate::Last), Ok(2.0));
        assert_eq!(gap.value(p("2026-Q2"), Aggregate::Sum), Ok(3.0));
    }

    #[test]
    fn percent_values_become_fractions() {
        let m = measure(Some("%"), None);
        let s = series(
            &m,
            &[("2026-01", 42.0), ("2026-02", 44.0), ("2026-03", 43.0)],
        );
        assert_eq!(s.value(p("2026-01"), Aggregate::Avg), Ok(0.42));
        assert!((s.value(p("2026-Q1"), Aggregate::Avg).unwrap() - 0.43).abs() < 1e-12);
        assert_eq!(to_display(&m, 0.43), 43.0);
        assert_eq!(from_written(&m, 43.0), 0.43);
    }

    #[test]
    fn coarser_observations_are_not_split() {
        let m = measure(Some("EUR"), None);
        let s = series(&m, &[("2026-Q1", 30.0)]);
        assert_eq!(s.value(p("2026-Q1"), Aggregate::Sum), Ok(30.0));
        // A year with its first quarter alone is incomplete.
        assert_eq!(
            s.value(p("2026"), Aggregate::Sum),
            Err(Missing::Incomplete {
                data_ends: p("2026-Q1")
            })
        );
        assert_eq!(
            s.value(p("2026-02"), Aggregate::Sum),
            Err(Missing::CoarseData {
                data: Grain::Quarter,
                wanted: Grain::Month
            })
        );
        assert_eq!(s.value(p("2026-05"), Aggregate::Sum), Err(Missing::NoData));
    }

    #[test]
    fn weeks_belong_to_the_month_of_their_thursday() {
        let m = measure(Some("tickets"), None);
        // 2026-W53 runs 28 Dec 2026 – 3 Jan 2027; W05 runs 26 Jan – 1 Feb 2026 (Thursday 29 Jan).
        let s = series(
            &m,
            &[("2026-W05", 1.0), ("2026-W53", 10.0), ("2027-W01", 100.0)],
        );
        assert_eq!(s.value(p("2026-01"), Aggregate::Sum), Ok(1.0));
        assert_eq!(s.value(p("2026-02"), Aggregate::Sum), Err(Missing::NoData));
        assert_eq!(s.value(p("2026-12"), Aggregate::Sum), Ok(10.0));
        assert_eq!(s.value(p("2026"), Aggregate::Sum), Ok(11.0));
        // The data ends with the first week of 2027: January 2027 is incomplete.
        assert_eq!(
            s.value(p("2027-01"), Aggregate::Sum),
            Err(Missing::Incomplete {
                data_ends: p("2027-W01")
            })
        );
        let days = series(
            &m,
            &[
                ("2024-02-28", 1.0),
                ("2024-02-29", 2.0),
                ("2024-03-01", 4.0),
                ("2024-03-03", 0.0),
            ],
        );
        assert_eq!(days.value(p("2024-02"), Aggregate::Sum), Ok(3.0));
        assert_eq!(days.value(p("2024-W09"), Aggregate::Sum), Ok(7.0));
    }

    #[test]
    fn a_bad_cell_makes_its_periods_have_no_value() {
        let m = measure(Some("EUR"), None);
        let mut s = series(&m, &[("2026-01", 1.0), ("2026-03", 3.0)]);
        s.mark_bad(p("2026-02"), "data/actuals.csv:14".into());
        let bad = Err(Missing::BadValue("data/actuals.csv:14".into()));
        assert_eq!(s.value(p("2026-02"), Aggregate::Sum), bad);
        assert_eq!(s.value(p("2026-Q1"), Aggregate::Sum), bad);
        assert_eq!(s.value(p("2026-01"), Aggregate::Sum), Ok(1.0));
    }

    #[test]
    fn aggregate_of_nothing_is_none() {
        assert_eq!(aggregate(Aggregate::Sum, []), None);
        assert_eq!(aggregate(Aggregate::Max, [1.0, -2.0, 3.0]), Some(3.0));
    }
}
