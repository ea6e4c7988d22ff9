//! `target-already-met` (SMART, A): the baseline already meets the final target, so the target
//! asks for no change. The final target is the single target (`target V by P`), the last
//! milestone, or the band of a range KPI. Met means: `direction up` and baseline ≥ target,
//! `direction down` and baseline ≤ target, `direction range` and the baseline inside the band
//! (ends included).
//!
//! Only the baseline is judged here; the variant for a KPI without a baseline (its first
//! actual) needs the data and comes with data loading. Values in another unit than the KPI's
//! (a `unit-mismatch`) and targets whose form contradicts the direction (a `bad-target`) are
//! left to those rules.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::period::Period;
use crate::semantic::model::{DeclaredUnit, Target};
use crate::source::Span;
use crate::syntax::ast::{Direction, Spanned};

use super::common::{self, show_value, value_in};

pub const CHECK: Check = Check {
    rule: Rule::TargetAlreadyMet,
    run,
};

/// The final target, in the KPI's unit: one value (with its span) or a band.
enum Goal<'a> {
    Value(f64, Span, Due<'a>),
    Band(f64, f64, Span),
}

/// When a single target is due: its deadline, or the period of the last milestone.
enum Due<'a> {
    Deadline(Option<&'a Spanned<Period>>),
    Milestone(&'a Spanned<Period>),
}

fn final_goal<'a>(target: &'a Target, unit: Option<&DeclaredUnit>) -> Option<Goal<'a>> {
    match target {
        Target::Value { value, deadline } => Some(Goal::Value(
            value_in(value, unit)?,
            value.span,
            Due::Deadline(deadline.as_ref()),
        )),
        Target::Milestones(milestones) => {
            let (period, value) = milestones.last()?;
            Some(Goal::Value(
                value_in(value, unit)?,
                value.span,
                Due::Milestone(period),
            ))
        }
        Target::Range { low, high, .. } => Some(Goal::Band(
            value_in(low, unit)?,
            value_in(high, unit)?,
            low.span.to(high.span),
        )),
    }
}

/// "the target 42% by 2026-12", "the last milestone 1.5% in 2026-12".
fn describe(target: f64, due: &Due, unit: Option<&DeclaredUnit>) -> String {
    let value = show_value(target, unit);
    match due {
        Due::Deadline(Some(deadline)) => format!("the target {value} by {}", deadline.node),
        Due::Deadline(None) => format!("the target {value}"),
        Due::Milestone(period) => format!("the last milestone {value} in {}", period.node),
    }
}

/// Whether a baseline already meets the goal for this direction.
fn met(direction: Direction, baseline: f64, goal: &Goal) -> bool {
    match (direction, goal) {
        (Direction::Up, Goal::Value(target, ..)) => baseline >= *target,
        (Direction::Down, Goal::Value(target, ..)) => baseline <= *target,
        (Direction::Range, Goal::Band(low, high, _)) => *low <= baseline && baseline <= *high,
        _ => false,
    }
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let (Some(baseline), Some(target), Some(direction)) =
            (&kpi.kpi.baseline, &kpi.kpi.target, &kpi.kpi.direction)
        else {
            continue;
        };
        let unit = kpi.unit();
        let (Some(base), Some(goal)) = (value_in(&baseline.value, unit), final_goal(target, unit))
        else {
            continue;
        };
        if !met(direction.node, base, &goal) {
            continue;
        }
        let baseline_text = format!(
            "the baseline {} in {}",
            show_value(base, unit),
            baseline.period.node
        );
        let (span, message, help) = match (&goal, direction.node) {
            (Goal::Value(target, span, due), Direction::Up) => (
                *span,
                format!(
                    "KPI `{}` already meets its target: {baseline_text} is not below {}",
                    kpi.name(),
                    describe(*target, due, unit)
                ),
                format!(
                    "higher is better here: set a target above the baseline {}, or correct the \
                     baseline",
                    show_value(base, unit)
                ),
            ),
            (Goal::Value(target, span, due), _) => (
                *span,
                format!(
                    "KPI `{}` already meets its target: {baseline_text} is not above {}",
                    kpi.name(),
                    describe(*target, due, unit)
                ),
                format!(
                    "lower is better here: set a target below the baseline {}, or correct the \
                     baseline",
                    show_value(base, unit)
                ),
            ),
            (Goal::Band(low, high, span), _) => (
                *span,
                format!(
                    "KPI `{}` already meets its target: {baseline_text} lies inside the band {} .. {}",
                    kpi.name(),
                    show_value(*low, unit),
                    show_value(*high, unit)
                ),
                "the band asks for no change: narrow it, or use `direction up` or `down` if the \
                 KPI has to move"
                    .to_string(),
            ),
        };
        out.push(
            Finding::new(Rule::TargetAlreadyMet, span, message)
                .label("already met by the baseline")
                .with_secondary(baseline.value.span, "the baseline")
                .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn value(v: f64) -> Goal<'static> {
        Goal::Value(v, Span::new(FileId(0), 0..0), Due::Deadline(None))
    }

    #[test]
    fn met_follows_the_direction() {
        assert!(met(Direction::Up, 42.0, &value(42.0)));
        assert!(met(Direction::Up, 43.0, &value(42.0)));
        assert!(!met(Direction::Up, 41.0, &value(42.0)));
        assert!(met(Direction::Down, 2.0, &value(2.5)));
        assert!(!met(Direction::Down, 3.0, &value(2.5)));
        let band = Goal::Band(30.0, 45.0, Span::new(FileId(0), 0..0));
        assert!(met(Direction::Range, 30.0, &band));
        assert!(met(Direction::Range, 45.0, &band));
        assert!(!met(Direction::Range, 50.0, &band));
        assert!(
            !met(Direction::Range, 30.0, &value(30.0)),
            "a bad-target form"
        );
    }
}
