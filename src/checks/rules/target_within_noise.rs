//! `target-within-noise` (SMART, A): the final target lies inside the natural process limits of
//! the KPI's history (module `history`: up to the baseline, or `as_of` without one), drawn as an
//! XmR chart from at least 5 actuals: the mean ± 2.66 × the mean moving range.
//!
//! Choices where CHECKS.md is silent:
//! - The final target is the single target or the last milestone; limits and target ends count
//!   as inside. Range KPIs are not judged: their band is meant to be stayed in, and a process
//!   whose limits lie inside the band is the goal, not a soft target.
//! - Moving ranges are taken between successive actuals, a gap in the data left out (as an
//!   XmR chart plots the values it has, one after the other).

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::Target;
use crate::vocabulary::Direction;

use super::common::{self, readable, show_change, show_value, value_in};
use super::history;

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::TargetWithinNoise,
    run,
};

/// The fewest actuals a history needs for the rule to judge it.
const MIN_ACTUALS: usize = 5;

/// The scaling constant of an XmR chart's natural process limits (3 / d2, d2 = 1.128).
const XMR_SCALE: f64 = 2.66;

/// The natural process limits of a series of values.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Limits {
    mean: f64,
    mean_moving_range: f64,
    lower: f64,
    upper: f64,
}

impl Limits {
    fn contain(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

/// The XmR limits of `values`, in order: the mean ± 2.66 × the mean of the absolute differences
/// between successive values. `None` with fewer than two values.
fn natural_process_limits(values: &[f64]) -> Option<Limits> {
    if values.len() < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let ranges = values.windows(2).map(|pair| (pair[1] - pair[0]).abs());
    let mean_moving_range = ranges.sum::<f64>() / (values.len() - 1) as f64;
    Some(Limits {
        mean,
        mean_moving_range,
        lower: mean - XMR_SCALE * mean_moving_range,
        upper: mean + XMR_SCALE * mean_moving_range,
    })
}

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let (Some(target), Some(direction)) = (&kpi.kpi.target, &kpi.kpi.direction) else {
            continue;
        };
        if direction.node == Direction::Range {
            continue;
        }
        let unit = kpi.unit();
        let (goal, due) = match target {
            Target::Value { value, deadline } => (value, deadline.as_ref()),
            Target::Milestones(milestones) => match milestones.last() {
                Some((period, value)) => (value, Some(period)),
                None => continue,
            },
            Target::Range { .. } => continue,
        };
        let Some(goal_value) = value_in(goal, unit) else {
            continue;
        };
        let Some(history) = history::of(cx, &kpi) else {
            continue;
        };
        if history.actuals.len() < MIN_ACTUALS {
            continue;
        }
        let values: Vec<f64> = history.actuals.iter().map(|(_, value)| *value).collect();
        let Some(limits) = natural_process_limits(&values) else {
            continue;
        };
        if !limits.contain(goal_value) {
            continue;
        }
        let show = |value: f64| show_value(readable(value), unit);
        let range = format!("{} .. {}", show(limits.lower), show(limits.upper));
        let by = due.map_or(String::new(), |due| format!(" by {}", due.node));
        let message = format!(
            "the target of KPI `{}`, {}{by}, lies inside the natural process limits of its \
             history, {range}: routine variation alone can reach it (XmR chart of {}: mean {}, \
             mean moving range {})",
            kpi.name(),
            show_value(goal_value, unit),
            history.describe(),
            show(limits.mean),
            show_change(readable(limits.mean_moving_range), unit)
        );
        let beyond = if direction.node == Direction::Down {
            format!("below the lower limit {}", show(limits.lower))
        } else {
            format!("above the upper limit {}", show(limits.upper))
        };
        out.push(
            Finding::new(Rule::TargetWithinNoise, goal.span, message)
                .label(format!("inside {range}"))
                .help(format!(
                    "set a target {beyond}, one that only a real change in the process reaches, \
                     or keep this one on purpose with `@allow(target-within-noise, \"…\")`"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmr_limits_are_the_mean_and_2_66_mean_moving_ranges() {
        // The on-time delivery of `kpic explain target-within-noise`.
        let limits = natural_process_limits(&[93.1, 92.4, 90.9, 92.7, 92.1]).unwrap();
        assert!((limits.mean - 92.24).abs() < 1e-9);
        assert!((limits.mean_moving_range - 1.15).abs() < 1e-9);
        assert!((limits.lower - (92.24 - 2.66 * 1.15)).abs() < 1e-9);
        assert!((limits.upper - (92.24 + 2.66 * 1.15)).abs() < 1e-9);
        assert!(limits.contain(94.0));
        assert!(!limits.contain(97.0));
        assert!(limits.contain(limits.upper), "the limits count as inside");
    }

    #[test]
    fn a_flat_history_has_limits_on_its_mean() {
        let limits = natural_process_limits(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!((limits.lower, limits.upper), (5.0, 5.0));
        assert!(limits.contain(5.0));
        assert!(!limits.contain(5.1));
        assert_eq!(natural_process_limits(&[5.0]), None);
    }
}
