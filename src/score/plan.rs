//! The plan value of a KPI in each of its periods, in its display unit (LANGUAGE.md, "Targets,
//! direction and thresholds").

use crate::period::{Grain, Period};
use crate::semantic::model::{KpiPart, Target};

/// A KPI's plan at its grain: a piecewise-linear path through points (ordinal of a period at the
/// grain, value), the first value before the first point and the last after the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    grain: Grain,
    /// Sorted by ordinal, one point per ordinal, never empty.
    points: Vec<(i64, f64)>,
}

impl Plan {
    /// `target value by deadline`, with an optional `baseline (period, value)`: the straight line
    /// from the baseline to the target, the baseline value before it and the target after the
    /// deadline; the target throughout without a baseline, without a deadline, or when the
    /// deadline is not after the baseline. Periods of another grain are taken to `grain`.
    pub fn from_value(
        grain: Grain,
        value: f64,
        deadline: Option<Period>,
        baseline: Option<(Period, f64)>,
    ) -> Plan {
        let at = |period: Period| period.at_grain(grain).ordinal();
        let points = match (deadline, baseline) {
            (Some(deadline), Some((from, base))) if at(deadline) > at(from) => {
                vec![(at(from), base), (at(deadline), value)]
            }
            _ => vec![(0, value)],
        };
        Plan { grain, points }
    }

    /// `target { PERIOD V … }`: linear between milestones and from the baseline when there is
    /// one; the last value after the last, the first (or the baseline) before the first. `None`
    /// when there are no milestones.
    pub fn from_milestones(
        grain: Grain,
        milestones: &[(Period, f64)],
        baseline: Option<(Period, f64)>,
    ) -> Option<Plan> {
        if milestones.is_empty() {
            return None;
        }
        let mut written: Vec<(i64, f64)> = baseline
            .iter()
            .chain(milestones)
            .map(|&(period, value)| (period.at_grain(grain).ordinal(), value))
            .collect();
        // Stable: among equal ordinals the order written (baseline first) is kept.
        written.sort_by_key(|&(ordinal, _)| ordinal);
        let mut points: Vec<(i64, f64)> = Vec::with_capacity(written.len());
        for (ordinal, value) in written {
            match points.last_mut() {
                Some(last) if last.0 == ordinal => last.1 = value,
                _ => points.push((ordinal, value)),
            }
        }
        Some(Plan { grain, points })
    }

    /// The plan of a KPI evaluated at `grain` (its frequency, else the scorecard's): `None`
    /// without a target and for a range target (the band is the target).
    pub fn of_kpi(kpi: &KpiPart, grain: Grain) -> Option<Plan> {
        let baseline = kpi
            .baseline
            .as_ref()
            .map(|baseline| (baseline.period.node, baseline.value.value));
        match kpi.target.as_ref()? {
            Target::Value { value, deadline } => Some(Plan::from_value(
                grain,
                value.value,
                deadline.as_ref().map(|deadline| deadline.node),
                baseline,
            )),
            Target::Range { .. } => None,
            Target::Milestones(milestones) => {
                let milestones: Vec<(Period, f64)> = milestones
                    .iter()
                    .map(|(period, value)| (period.node, value.value))
                    .collect();
                Plan::from_milestones(grain, &milestones, baseline)
            }
        }
    }

    pub fn grain(&self) -> Grain {
        self.grain
    }

    /// The plan value in `period` (taken to the plan's grain when it has another).
    pub fn value(&self, period: Period) -> f64 {
        let t = period.at_grain(self.grain).ordinal();
        let after = self.points.partition_point(|&(ordinal, _)| ordinal <= t);
        match (
            after.checked_sub(1).map(|i| self.points[i]),
            self.points.get(after),
        ) {
            (None, Some(&(_, first))) => first,
            (Some((_, last)), None) => last,
            (Some((t0, v0)), Some(&(t1, v1))) => {
                v0 + (v1 - v0) * (t - t0) as f64 / (t1 - t0) as f64
            }
            (None, None) => unreachable!("a plan has at least one point"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::model_of;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn values(plan: &Plan, from: &str, to: &str) -> Vec<f64> {
        p(from)
            .through(p(to))
            .map(|period| plan.value(period))
            .collect()
    }

    fn close(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-9, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn value_target_with_baseline_is_a_straight_line() {
        let plan = Plan::from_value(
            Grain::Month,
            42.0,
            Some(p("2026-12")),
            Some((p("2025-12"), 30.0)),
        );
        close(
            &values(&plan, "2025-10", "2026-01"),
            &[30.0, 30.0, 30.0, 31.0],
        );
        close(&values(&plan, "2026-06", "2026-06"), &[36.0]);
        close(&values(&plan, "2026-12", "2027-02"), &[42.0, 42.0, 42.0]);
    }

    #[test]
    fn value_target_without_baseline_holds_throughout() {
        let plan = Plan::from_value(Grain::Month, 42.0, Some(p("2026-12")), None);
        close(&values(&plan, "2025-01", "2025-02"), &[42.0, 42.0]);
        close(&values(&plan, "2027-01", "2027-01"), &[42.0]);
        // No deadline, or a deadline not after the baseline: the target throughout.
        let plan = Plan::from_value(Grain::Month, 42.0, None, Some((p("2025-12"), 30.0)));
        close(&values(&plan, "2025-11", "2026-01"), &[42.0, 42.0, 42.0]);
        let plan = Plan::from_value(
            Grain::Month,
            42.0,
            Some(p("2025-12")),
            Some((p("2025-12"), 30.0)),
        );
        close(&values(&plan, "2025-11", "2026-01"), &[42.0, 42.0, 42.0]);
    }

    #[test]
    fn coarser_deadline_stands_for_its_last_period() {
        // `by 2026-Q2` on a monthly KPI is 2026-06; a baseline `in 2025` is 2025-12.
        let plan = Plan::from_value(
            Grain::Month,
            16.0,
            Some(p("2026-Q2")),
            Some((p("2025"), 10.0)),
        );
        close(
            &values(&plan, "2025-12", "2026-07"),
            &[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 16.0],
        );
        // Finer: a day stands for the month containing it.
        let plan = Plan::from_value(
            Grain::Month,
            16.0,
            Some(p("2026-06-15")),
            Some((p("2025-12-01"), 10.0)),
        );
        close(&values(&plan, "2026-03", "2026-03"), &[13.0]);
        // A quarterly plan asked for a month gives the quarter holding it.
        let plan = Plan::from_value(
            Grain::Quarter,
            18.0,
            Some(p("2026-Q4")),
            Some((p("2025-Q4"), 10.0)),
        );
        close(&values(&plan, "2026-04", "2026-05"), &[14.0, 14.0]);
    }

    #[test]
    fn milestones_without_baseline() {
        let plan = Plan::from_milestones(
            Grain::Month,
            &[
                (p("2026-06"), 20.0),
                (p("2026-03"), 10.0),
                (p("2026-Q4"), 26.0),
            ],
            None,
        )
        .unwrap();
        close(
            &values(&plan, "2026-01", "2026-04"),
            &[10.0, 10.0, 10.0, 10.0 + 10.0 / 3.0],
        );
        close(&values(&plan, "2026-06", "2026-07"), &[20.0, 21.0]);
        close(&values(&plan, "2026-12", "2027-01"), &[26.0, 26.0]);
        assert_eq!(Plan::from_milestones(Grain::Month, &[], None), None);
    }

    #[test]
    fn milestones_with_baseline() {
        let plan = Plan::from_milestones(
            Grain::Month,
            &[(p("2026-03"), 13.0), (p("2026-05"), 9.0)],
            Some((p("2025-12"), 10.0)),
        )
        .unwrap();
        close(
            &values(&plan, "2025-11", "2026-06"),
            &[10.0, 10.0, 11.0, 12.0, 13.0, 11.0, 9.0, 9.0],
        );
        // A milestone in the baseline's period wins over it.
        let plan = Plan::from_milestones(
            Grain::Month,
            &[(p("2025-12"), 12.0)],
            Some((p("2025-12"), 10.0)),
        )
        .unwrap();
        close(&values(&plan, "2025-11", "2026-01"), &[12.0, 12.0, 12.0]);
    }

    #[test]
    fn plan_of_a_parsed_kpi() {
        let source = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n}\nuse std.bsc\n\
            objective o \"O\" { perspective financial }\n\
            kpi a \"A\" { objective o owner \"X\" unit % direction up baseline 30 in 2025-12 target 42 by 2026-12 }\n\
            kpi b \"B\" { objective o owner \"X\" unit % direction up target { 2026-Q1 10 2026-Q2 16 } }\n\
            kpi c \"C\" { objective o owner \"X\" unit % direction range target 10 .. 20 by 2026-12 }\n\
            kpi d \"D\" { objective o owner \"X\" unit % direction up }\n";
        let model = model_of(source);
        let kpi = |id: &str| {
            model
                .item(model.names[id])
                .as_measure()
                .unwrap()
                .kpi
                .as_deref()
                .unwrap()
        };
        let a = Plan::of_kpi(kpi("a"), Grain::Month).unwrap();
        close(&values(&a, "2026-06", "2026-06"), &[36.0]);
        let b = Plan::of_kpi(kpi("b"), Grain::Month).unwrap();
        close(&values(&b, "2026-02", "2026-05"), &[10.0, 10.0, 12.0, 14.0]);
        assert_eq!(Plan::of_kpi(kpi("c"), Grain::Month), None);
        assert_eq!(Plan::of_kpi(kpi("d"), Grain::Month), None);
    }
}
