//! What the page shows of one KPI in each period the reader can pick: the JSON report's numbers
//! (`latest` and `trend` at `as_of`, the `series` entries before it), and what the page derives
//! from them: the variance, the trend of earlier periods and the period each report period
//! shows.

use super::format;
use crate::eval::completed_by;
use crate::period::Period;
use crate::report::{Bound, KpiJson, Latest, SeriesEntry};
use crate::score::{self, Sense, Status, Trend};

/// Which way the actual moved since the period before: where the page's trend arrow points,
/// whatever that means for the KPI (a falling cost is `Fell` and `improving`: `↘ better`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Move {
    Rose,
    Fell,
    Held,
}

impl Move {
    pub const ALL: [Move; 3] = [Move::Rose, Move::Fell, Move::Held];

    /// The page's name: `rose`, `fell`, `held`.
    pub fn name(self) -> &'static str {
        match self {
            Move::Rose => "rose",
            Move::Fell => "fell",
            Move::Held => "held",
        }
    }

    /// From `previous` to `current`; `None` when either is missing.
    pub fn between(previous: Option<f64>, current: Option<f64>) -> Option<Move> {
        let (previous, current) = (previous?, current?);
        Some(if current > previous {
            Move::Rose
        } else if current < previous {
            Move::Fell
        } else {
            Move::Held
        })
    }
}

/// One KPI in one of its own periods, as the JSON report gives it.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    pub period: Period,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub green: Option<Bound>,
    pub amber: Option<Bound>,
    pub status: Status,
    pub score: Option<f64>,
    pub trend: Option<Trend>,
    pub moved: Option<Move>,
}

impl Reading {
    /// The `latest` of the JSON with its `trend`; the bands come from the series entry of that
    /// period (none when `latest` is a period before the scorecard's span).
    pub fn latest(kpi: &KpiJson, latest: &Latest) -> Reading {
        let at = kpi.series.iter().position(|e| e.period == latest.period);
        let entry = at.map(|at| &kpi.series[at]);
        let previous = at
            .and_then(|at| at.checked_sub(1))
            .and_then(|i| kpi.series[i].actual);
        Reading {
            period: latest.period,
            actual: latest.actual,
            plan: latest.plan,
            green: entry.and_then(|e| e.green),
            amber: entry.and_then(|e| e.amber),
            status: latest.status,
            score: latest.score,
            trend: kpi.trend,
            moved: Move::between(previous, latest.actual),
        }
    }

    /// Series entry `at`, with the trend from the entry before it (SCORING.md's trend, which
    /// the JSON gives for `as_of` only).
    pub fn of_series(kpi: &KpiJson, at: usize) -> Reading {
        let entry: &SeriesEntry = &kpi.series[at];
        let previous = at.checked_sub(1).and_then(|i| kpi.series[i].actual);
        let green = match entry.green {
            Some(Bound::Pair([low, high])) => Some((low, high)),
            _ => None,
        };
        let trend = kpi
            .direction
            .and_then(|direction| Sense::with_green(direction, green))
            .and_then(|sense| score::trend(sense, entry.actual, previous));
        Reading {
            period: entry.period,
            actual: entry.actual,
            plan: entry.plan,
            green: entry.green,
            amber: entry.amber,
            status: entry.status,
            score: entry.score,
            trend,
            moved: Move::between(previous, entry.actual),
        }
    }

    /// Actual minus plan; for a `range` KPI without a plan, the distance to the green band
    /// (0 inside it).
    pub fn variance(&self) -> Option<f64> {
        let actual = self.actual?;
        match (self.plan, self.green) {
            (Some(plan), _) => Some(actual - plan),
            (None, Some(Bound::Pair([low, high]))) => Some(if actual < low {
                actual - low
            } else if actual > high {
                actual - high
            } else {
                0.0
            }),
            _ => None,
        }
    }
}

/// A reading in words and numbers for the page.
#[derive(serde::Serialize, Clone, Debug)]
pub struct Shown {
    /// `None` for a KPI that shows nothing at `as_of`.
    pub period: Option<String>,
    /// The raw actual of the JSON (for the page's `data-value`), and its text.
    pub actual: Option<f64>,
    pub actual_text: String,
    pub plan_text: String,
    pub variance_text: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub status: Status,
    pub trend: Option<Trend>,
    pub moved: Option<Move>,
}

/// A reading's numbers written without their unit: `38.2`, `55–70` for a band, `+0.6`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bare {
    pub actual: String,
    pub plan: String,
    pub variance: String,
    pub score: String,
}

/// How one KPI's numbers are written: its unit and decimals.
#[derive(Clone, Debug)]
pub struct Style<'r> {
    pub unit: Option<&'r str>,
    pub decimals: usize,
    /// What follows a value (`%`, ` days`) and a difference (` pp`, ` days`).
    pub value_suffix: String,
    pub difference_suffix: String,
}

impl<'r> Style<'r> {
    /// The decimals suit the largest of the KPI's actuals, plans and target values; none when
    /// they are all whole numbers (counts).
    pub fn of(kpi: &'r KpiJson) -> Style<'r> {
        let target = kpi
            .target
            .as_ref()
            .and_then(|t| t.value)
            .map(bound_values)
            .unwrap_or_default();
        let values: Vec<f64> = kpi
            .series
            .iter()
            .flat_map(|e| [e.actual, e.plan])
            .flatten()
            .chain(target)
            .filter(|v| v.is_finite())
            .collect();
        let decimals = if values.iter().all(|v| v.fract() == 0.0) {
            0
        } else {
            format::decimals_for(values.iter().fold(0.0_f64, |m, v| m.max(v.abs())))
        };
        Style::new(kpi.unit.as_deref(), decimals)
    }

    pub fn new(unit: Option<&'r str>, decimals: usize) -> Style<'r> {
        Style {
            unit,
            decimals,
            value_suffix: format::unit_suffix(unit),
            difference_suffix: format::difference_suffix(unit),
        }
    }

    /// A value in compact form with its unit, for where space is short: `1.75m EUR`.
    pub fn compact(&self, value: Option<f64>) -> String {
        value.map_or_else(
            || format::NO_VALUE.to_string(),
            |v| format::compact(v, self.decimals) + &self.value_suffix,
        )
    }

    /// A reading's plan in compact form (a band as the page writes it).
    pub fn compact_plan(&self, reading: &Reading) -> String {
        match (reading.plan, reading.green) {
            (Some(plan), _) => self.compact(Some(plan)),
            _ => self.shown(reading).plan_text,
        }
    }

    pub fn quantity(&self, value: Option<f64>) -> String {
        value.map_or_else(
            || format::NO_VALUE.to_string(),
            |v| format::quantity(v, self.unit, self.decimals),
        )
    }

    /// A value or a `[low, high]` band.
    pub fn bound(&self, bound: Bound) -> String {
        match bound {
            Bound::Value(v) => format::quantity(v, self.unit, self.decimals),
            Bound::Pair([low, high]) => format::band(low, high, self.unit, self.decimals),
        }
    }

    /// The numbers of `reading` without their unit (the script's data adds it).
    pub fn bare(&self, reading: &Reading) -> Bare {
        let number = |v: f64| format::number(v, self.decimals);
        let none = || format::NO_VALUE.to_string();
        Bare {
            actual: reading.actual.map_or_else(none, number),
            plan: match (reading.plan, reading.green) {
                (Some(plan), _) => number(plan),
                (None, Some(Bound::Pair([low, high]))) => {
                    format!("{}–{}", number(low), number(high))
                }
                _ => none(),
            },
            variance: reading
                .variance()
                .map_or_else(none, |v| format::signed(v, self.decimals)),
            score: reading.score.map_or_else(none, format::score),
        }
    }

    pub fn shown(&self, reading: &Reading) -> Shown {
        let bare = self.bare(reading);
        let with = |text: String, suffix: &str| {
            if text == format::NO_VALUE {
                text
            } else {
                text + suffix
            }
        };
        Shown {
            period: Some(format::period(reading.period)),
            actual: reading.actual,
            actual_text: with(bare.actual, &self.value_suffix),
            plan_text: with(bare.plan, &self.value_suffix),
            variance_text: with(bare.variance, &self.difference_suffix),
            score: reading.score,
            score_text: bare.score,
            status: reading.status,
            trend: reading.trend,
            moved: reading.moved,
        }
    }
}

pub fn bound_values(bound: Bound) -> Vec<f64> {
    match bound {
        Bound::Value(v) => vec![v],
        Bound::Pair([low, high]) => vec![low, high],
    }
}

/// For each report period of `shown`, the index of the series entry the KPI shows there: the
/// period it contributes ([`completed_by`], so a quarterly KPI shows 2026-Q1 in 2026-04);
/// `None` before its first period.
pub fn contributing(kpi: &KpiJson, shown: &[Period]) -> Vec<Option<usize>> {
    let Some(first) = kpi.series.first().map(|e| e.period) else {
        return vec![None; shown.len()];
    };
    let last = kpi.series.len() - 1;
    shown
        .iter()
        .map(|&r| {
            let period = completed_by(kpi.frequency, r);
            let at = usize::try_from(period.ordinal() - first.ordinal()).ok()?;
            Some(at.min(last))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Grain;
    use crate::report::SeriesEntry;
    use crate::vocabulary::Direction;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn entry(period: &str, actual: Option<f64>, plan: f64) -> SeriesEntry {
        SeriesEntry {
            period: p(period),
            actual,
            plan: Some(plan),
            green: Some(Bound::Value(plan)),
            amber: Some(Bound::Value(plan * 0.9)),
            status: Status::Green,
            score: actual.map(|_| 7.0),
            carried_from: None,
            note: None,
            missing: None,
        }
    }

    fn kpi(direction: Direction, series: Vec<SeriesEntry>) -> KpiJson {
        KpiJson {
            id: "k".into(),
            title: "K".into(),
            description: None,
            objective: None,
            owner: None,
            unit: Some("%".into()),
            direction: Some(direction),
            frequency: Grain::Quarter,
            weight: None,
            formula: None,
            baseline: None,
            deadline: None,
            target: None,
            thresholds: None,
            tolerance: 10.0,
            latest: None,
            trend: None,
            series,
            comments: Vec::new(),
        }
    }

    #[test]
    fn a_report_period_shows_the_latest_completed_period_of_the_kpi() {
        let k = kpi(
            Direction::Up,
            vec![
                entry("2026-Q1", Some(1.0), 1.0),
                entry("2026-Q2", Some(2.0), 1.0),
            ],
        );
        let shown = ["2026-01", "2026-03", "2026-04", "2026-06", "2026-07"].map(p);
        assert_eq!(
            contributing(&k, &shown),
            vec![None, Some(0), Some(0), Some(1), Some(1)]
        );
    }

    #[test]
    fn earlier_trends_compare_with_the_entry_before_in_the_direction_s_sense() {
        let series = vec![
            entry("2026-Q1", Some(2.0), 1.0),
            entry("2026-Q2", Some(1.0), 1.0),
        ];
        let up = kpi(Direction::Up, series);
        assert_eq!(Reading::of_series(&up, 0).trend, None);
        assert_eq!(Reading::of_series(&up, 1).trend, Some(Trend::Worsening));
        let down = kpi(Direction::Down, up.series);
        assert_eq!(Reading::of_series(&down, 1).trend, Some(Trend::Improving));
        // The arrow follows the value whatever the direction: it fell in both.
        assert_eq!(Reading::of_series(&down, 1).moved, Some(Move::Fell));
        assert_eq!(Reading::of_series(&down, 0).moved, None);
    }

    #[test]
    fn variance_of_a_range_is_the_distance_to_its_band() {
        let mut reading = Reading {
            period: p("2026-01"),
            actual: Some(72.0),
            plan: None,
            green: Some(Bound::Pair([55.0, 70.0])),
            amber: Some(Bound::Pair([49.5, 77.0])),
            status: Status::Amber,
            score: Some(5.7),
            trend: None,
            moved: None,
        };
        assert_eq!(reading.variance(), Some(2.0));
        reading.actual = Some(60.0);
        assert_eq!(reading.variance(), Some(0.0));
        reading.actual = Some(50.0);
        assert_eq!(reading.variance(), Some(-5.0));
        let style = Style::new(Some("days"), 0);
        assert_eq!(style.shown(&reading).plan_text, "55–70 days");
    }
}
