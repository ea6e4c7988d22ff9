//! `target-already-met` (SMART, A): the baseline (or, without one, the first actual) already
//! meets the final target, so the target asks for no change. The final target is the single
//! target (`target V by P`), the last milestone, or the band of a range KPI. Met means:
//! `direction up` and baseline ≥ target, `direction down` and baseline ≤ target, `direction
//! range` and the baseline inside the band (ends included).
//!
//! A KPI without a baseline is judged, once the data files are read, by its first actual: the
//! first of its periods in the scorecard's span with a value, up to its latest period complete
//! at `as_of` ([`DATA_CHECK`]). Values in another unit than the KPI's (a `unit-mismatch`) and
//! targets whose form contradicts the direction (a `bad-target`) are left to those rules.

use crate::checks::{Check, Context, DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::eval::{completed_by, periods};
use crate::period::Period;
use crate::semantic::model::{DeclaredUnit, ItemId, Target};
use crate::source::Span;
use crate::vocabulary::{Direction, Spanned};

use super::common::{self, readable, show_value, value_in};

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

/// What the final target is compared with: the baseline, or without one the first actual.
struct Start {
    value: f64,
    /// The value as messages show it: `38%`.
    shown: String,
    /// "the baseline 38% in 2025-12", "its first actual, 42.3% in 2026-01,".
    text: String,
    /// "baseline", "first actual".
    what: &'static str,
    /// What to do besides changing the target.
    fix: &'static str,
    /// The place of the start: the baseline, or the data cell of the first actual.
    span: Option<Span>,
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
        let shown = show_value(base, unit);
        let start = Start {
            value: base,
            text: format!("the baseline {shown} in {}", baseline.period.node),
            shown,
            what: "baseline",
            fix: "correct the baseline",
            span: Some(baseline.value.span),
        };
        if let Some(finding) = judge(&kpi, direction.node, &goal, &start) {
            out.push(finding);
        }
    }
}

/// The variant of the rule for a KPI without baseline: its first actual in the scorecard's
/// span, up to `as_of`.
pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::TargetAlreadyMet,
    run: run_on_first_actual,
};

fn run_on_first_actual(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let Some(as_of) = cx.as_of else {
        return;
    };
    for kpi in common::kpis(cx.model) {
        let (None, Some(target), Some(direction)) =
            (&kpi.kpi.baseline, &kpi.kpi.target, &kpi.kpi.direction)
        else {
            continue;
        };
        let unit = kpi.unit();
        let Some(goal) = final_goal(target, unit) else {
            continue;
        };
        let last = completed_by(common::grain(cx.model, kpi.kpi), as_of);
        let first_actual = periods::kpi_periods(cx.model, kpi.id)
            .into_iter()
            .take_while(|period| period.ordinal() <= last.ordinal())
            .find_map(|period| Some((period, cx.eval.kpi_value(kpi.id, period).ok()?)));
        let Some((period, value)) = first_actual else {
            continue;
        };
        let shown = show_value(readable(value), unit);
        let start = Start {
            value,
            text: format!("its first actual, {shown} in {period},"),
            shown,
            what: "first actual",
            fix: "state the `baseline` the target starts from",
            span: observed_at(cx, kpi.id, period),
        };
        if let Some(finding) = judge(&kpi, direction.node, &goal, &start) {
            out.push(finding);
        }
    }
}

/// The data cell of an input KPI's observation in `period`, when it was read at that grain.
fn observed_at(cx: &DataContext, kpi: ItemId, period: Period) -> Option<Span> {
    let observations = cx.data.series.get(&kpi)?;
    let at = observations.binary_search_by_key(&period.ordinal(), |o| o.period.ordinal());
    observations
        .get(at.ok()?)
        .filter(|observation| observation.period == period)
        .map(|observation| observation.span)
}

/// The finding when `start` already meets the goal.
fn judge(kpi: &common::Kpi, direction: Direction, goal: &Goal, start: &Start) -> Option<Finding> {
    if !met(direction, start.value, goal) {
        return None;
    }
    let unit = kpi.unit();
    let (start_text, start_value, what, fix) = (&start.text, &start.shown, start.what, start.fix);
    let (span, message, help) = match (goal, direction) {
        (Goal::Value(target, span, due), Direction::Up) => (
            *span,
            format!(
                "KPI `{}` already meets its target: {start_text} is not below {}",
                kpi.name(),
                describe(*target, due, unit)
            ),
            format!("higher is better here: set a target above the {what} {start_value}, or {fix}"),
        ),
        (Goal::Value(target, span, due), _) => (
            *span,
            format!(
                "KPI `{}` already meets its target: {start_text} is not above {}",
                kpi.name(),
                describe(*target, due, unit)
            ),
            format!("lower is better here: set a target below the {what} {start_value}, or {fix}"),
        ),
        (Goal::Band(low, high, span), _) => (
            *span,
            format!(
                "KPI `{}` already meets its target: {start_text} lies inside the band {} .. {}",
                kpi.name(),
                show_value(*low, unit),
                show_value(*high, unit)
            ),
            "the band asks for no change: narrow it, or use `direction up` or `down` if the \
             KPI has to move"
                .to_string(),
        ),
    };
    let mut finding = Finding::new(Rule::TargetAlreadyMet, span, message)
        .label(format!("already met by the {what}"))
        .help(help);
    if let Some(start_span) = start.span {
        finding = finding.with_secondary(start_span, format!("the {what}"));
    }
    Some(finding)
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
