//! Where a KPI is heading: for a KPI whose deadline lies ahead of the period shown, the value
//! its recent actuals lead to by the deadline and the pace its target needs from now on.
//!
//! The path is a least-squares line through the last [`RECENT`] actuals up to the period shown
//! (at least [`MIN_POINTS`]), in periods of the KPI's frequency, carried on to the deadline. The
//! KPI is on track when that value meets its final target in its direction (`up`: at or above,
//! `down`: at or below, `range`: inside the band).

use crate::report::{Bound, KpiJson};
use crate::vocabulary::Direction;

/// How many of the latest actuals the line is fitted through.
pub const RECENT: usize = 6;
/// The fewest actuals a forecast is made from.
pub const MIN_POINTS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The series entry of the period shown, and of the deadline.
    pub now_at: usize,
    pub deadline_at: usize,
    /// The value the line reaches at the deadline.
    pub at_deadline: f64,
    /// The line's change per period, and the change per period the target needs from the
    /// latest actual (`None` for a band, which has no single value to reach).
    pub pace: f64,
    pub needed: Option<f64>,
    /// How many actuals the line goes through.
    pub points: usize,
    pub on_track: bool,
}

/// The forecast of `kpi` from series entry `now` (the period shown); `None` without a deadline
/// after it, a final target, a direction or enough actuals.
pub fn forecast(kpi: &KpiJson, now: usize) -> Option<Forecast> {
    let deadline = kpi.deadline?.at_grain(kpi.frequency);
    let deadline_at = kpi.series.iter().position(|e| e.period == deadline)?;
    if deadline_at <= now {
        return None;
    }
    let target = kpi.target.as_ref()?.value?;
    let direction = kpi.direction?;
    let recent: Vec<(f64, f64)> = kpi
        .series
        .get(..=now)?
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, e)| e.actual.filter(|v| v.is_finite()).map(|v| (i as f64, v)))
        .take(RECENT)
        .collect();
    if recent.len() < MIN_POINTS {
        return None;
    }
    let (intercept, pace) = least_squares(&recent)?;
    let at_deadline = intercept + pace * deadline_at as f64;
    let (latest_at, latest) = recent[0];
    let on_track = match (direction, target) {
        (Direction::Up, Bound::Value(v)) => at_deadline >= v,
        (Direction::Down, Bound::Value(v)) => at_deadline <= v,
        (_, Bound::Pair([low, high])) => (low..=high).contains(&at_deadline),
        (Direction::Range, Bound::Value(v)) => (at_deadline - v).abs() < 1e-9,
    };
    let needed = match target {
        Bound::Value(v) => Some((v - latest) / (deadline_at as f64 - latest_at)),
        Bound::Pair(_) => None,
    };
    Some(Forecast {
        now_at: now,
        deadline_at,
        at_deadline,
        pace,
        needed,
        points: recent.len(),
        on_track,
    })
}

/// The line `y = a + b·x` nearest the points (least squares): `(a, b)`; `None` when every
/// point has the same x.
fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
    let (mx, my) = (sx / n, sy / n);
    let (sxx, sxy) = points.iter().fold((0.0, 0.0), |(sxx, sxy), &(x, y)| {
        (sxx + (x - mx) * (x - mx), sxy + (x - mx) * (y - my))
    });
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{Grain, Period};
    use crate::report::{SeriesEntry, TargetJson};
    use crate::score::Status;

    fn kpi(direction: Direction, actuals: &[Option<f64>], target: f64) -> KpiJson {
        let months = (1..=12).map(|m| Period::Month(2026, m));
        KpiJson {
            id: "k".into(),
            title: "K".into(),
            description: None,
            objective: None,
            owner: None,
            unit: None,
            direction: Some(direction),
            frequency: Grain::Month,
            weight: None,
            formula: None,
            baseline: None,
            deadline: Some(Period::Month(2026, 12)),
            target: Some(TargetJson {
                value: Some(Bound::Value(target)),
                by: Some(Period::Month(2026, 12)),
                milestones: Vec::new(),
            }),
            thresholds: None,
            tolerance: 10.0,
            latest: None,
            trend: None,
            series: months
                .enumerate()
                .map(|(i, period)| SeriesEntry {
                    period,
                    actual: actuals.get(i).copied().flatten(),
                    plan: None,
                    green: None,
                    amber: None,
                    status: Status::None,
                    score: None,
                    carried_from: None,
                    note: None,
                    missing: None,
                })
                .collect(),
            comments: Vec::new(),
        }
    }

    /// 10, 12, 14, 16, 18, 20 by June: 2 a month leads to 32 in December; a target of 30 is
    /// on track (and needs (30 - 20) / 6 a month), one of 40 is not.
    #[test]
    fn a_straight_path_is_carried_to_the_deadline() {
        let actuals: Vec<Option<f64>> = (0..6).map(|i| Some(10.0 + 2.0 * i as f64)).collect();
        let on = forecast(&kpi(Direction::Up, &actuals, 30.0), 5).unwrap();
        assert!((on.at_deadline - 32.0).abs() < 1e-9, "{on:?}");
        assert!((on.pace - 2.0).abs() < 1e-9);
        assert!((on.needed.unwrap() - 10.0 / 6.0).abs() < 1e-9);
        assert_eq!((on.points, on.now_at, on.deadline_at), (6, 5, 11));
        assert!(on.on_track);
        assert!(
            !forecast(&kpi(Direction::Up, &actuals, 40.0), 5)
                .unwrap()
                .on_track
        );
        // A cost falling from 20 to 10 by the same pace: on track for at most 5 by December.
        let falling: Vec<Option<f64>> = actuals.iter().rev().copied().collect();
        let cost = forecast(&kpi(Direction::Down, &falling, 5.0), 5).unwrap();
        assert!((cost.at_deadline + 2.0).abs() < 1e-9, "{cost:?}");
        assert!(cost.on_track);
    }

    #[test]
    fn no_forecast_without_enough_actuals_or_a_deadline_ahead() {
        let two = [None, None, None, Some(1.0), Some(2.0), None];
        assert_eq!(forecast(&kpi(Direction::Up, &two, 5.0), 5), None);
        let all: Vec<Option<f64>> = (0..12).map(|i| Some(i as f64)).collect();
        assert_eq!(forecast(&kpi(Direction::Up, &all, 5.0), 11), None);
    }

    /// Only the last six actuals count: an old outlier does not bend the line.
    #[test]
    fn the_line_goes_through_the_recent_actuals() {
        let mut actuals = vec![Some(1000.0)];
        actuals.extend((0..6).map(|i| Some(10.0 + i as f64)));
        let f = forecast(&kpi(Direction::Up, &actuals, 0.0), 6).unwrap();
        assert_eq!(f.points, 6);
        assert!((f.pace - 1.0).abs() < 1e-9, "{f:?}");
    }
}
