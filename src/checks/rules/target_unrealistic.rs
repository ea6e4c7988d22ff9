//! `target-unrealistic` (SMART, A): reaching the target needs a change per period more than 3
//! times the largest period-over-period improvement in the KPI's own history (module
//! `history`: up to the baseline, or `as_of` without one), which needs at least 4 actuals.
//!
//! Choices where CHECKS.md is silent:
//! - **Start.** The baseline (its value and period), or without one the latest actual of the
//!   history.
//! - **Pace needed.** For each goal after the start — the single target at its deadline, every
//!   milestone, or for `range` the nearer edge of the band at its deadline — the change from the
//!   start to the goal over the KPI's periods in between; the largest of these binds. Going at
//!   that pace reaches every other milestone on time too (being ahead of a milestone is green),
//!   so it is the pace from the start, not the steepest leg between two milestones, that the
//!   target needs. A target without a deadline (`no-deadline`) has no pace.
//! - **Improvement.** A change in the direction's sense: a rise for `up`, a fall for `down`,
//!   and for `range` a move towards the band from the side the start lies on (a start inside the
//!   band needs no change). Between successive actuals, per period: over a gap of 3 periods, a
//!   third of the change per period. A history that never improved has a largest improvement of
//!   none, so any improvement needed is more than 3 times it.

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::period::{Grain, Period};
use crate::semantic::model::{DeclaredUnit, Target};
use crate::source::Span;
use crate::vocabulary::{Direction, Spanned};

use super::common::{self, Kpi, readable, show_change, show_value, value_in};
use super::history::{self, End, History};

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::TargetUnrealistic,
    run,
};

/// The fewest actuals a history needs for the rule to judge it.
const MIN_ACTUALS: usize = 4;

/// How many times its best improvement a KPI may be asked to keep up.
const STRETCH: f64 = 3.0;

/// A value the target asks for, and when.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Goal<'a> {
    /// At the KPI's frequency.
    period: Period,
    value: f64,
    /// As written, for messages: `by 2026-Q4`.
    written: &'a Spanned<Period>,
    span: Span,
}

/// A change per period from one period to a later one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    from: Period,
    to: Period,
    per_period: f64,
}

/// +1 when higher is better, -1 when lower is.
type Sense = f64;

/// The change per period from `(from, a)` to `(to, b)` in the sense of improvement.
fn step(sense: Sense, (from, a): (Period, f64), (to, b): (Period, f64)) -> Step {
    let periods = (to.ordinal() - from.ordinal()).max(1) as f64;
    Step {
        from,
        to,
        per_period: sense * (b - a) / periods,
    }
}

/// The largest improvement per period between successive actuals; `None` with fewer than two.
fn largest_improvement(actuals: &[(Period, f64)], sense: Sense) -> Option<Step> {
    actuals
        .windows(2)
        .map(|pair| step(sense, pair[0], pair[1]))
        .max_by(|a, b| a.per_period.total_cmp(&b.per_period))
}

/// The pace the goals after `start` need, and the goal that binds (module docs).
fn needed_pace<'g, 'a>(
    start: (Period, f64),
    goals: &'g [Goal<'a>],
    sense: Sense,
) -> Option<(Step, &'g Goal<'a>)> {
    goals
        .iter()
        .filter(|goal| goal.period.ordinal() > start.0.ordinal())
        .map(|goal| (step(sense, start, (goal.period, goal.value)), goal))
        .max_by(|(a, _), (b, _)| a.per_period.total_cmp(&b.per_period))
}

/// Whether the pace needed is more than [`STRETCH`] times the best improvement (none when the
/// history never improved).
fn unrealistic(needed: f64, best: f64) -> bool {
    needed > 0.0 && needed > STRETCH * best.max(0.0)
}

/// The goals of a target at `grain`, in the KPI's unit, with the sense of improvement towards
/// them from `start`; `None` when there is nothing to judge.
fn goals<'a>(
    target: &'a Target,
    direction: Direction,
    unit: Option<&DeclaredUnit>,
    grain: Grain,
    start: f64,
) -> Option<(Vec<Goal<'a>>, Sense)> {
    let goal = |written: &'a Spanned<Period>, value: f64, span: Span| Goal {
        period: written.node.at_grain(grain),
        value,
        written,
        span,
    };
    match (target, direction) {
        (Target::Value { value, deadline }, Direction::Up | Direction::Down) => Some((
            vec![goal(deadline.as_ref()?, value_in(value, unit)?, value.span)],
            sense_of(direction),
        )),
        (Target::Milestones(milestones), Direction::Up | Direction::Down) => {
            let goals = milestones
                .iter()
                .map(|(period, value)| Some(goal(period, value_in(value, unit)?, value.span)))
                .collect::<Option<Vec<_>>>()?;
            Some((goals, sense_of(direction)))
        }
        (
            Target::Range {
                low,
                high,
                deadline,
            },
            Direction::Range,
        ) => {
            let (low_value, high_value) = (value_in(low, unit)?, value_in(high, unit)?);
            let span = low.span.to(high.span);
            if start < low_value {
                Some((vec![goal(deadline.as_ref()?, low_value, span)], 1.0))
            } else if start > high_value {
                Some((vec![goal(deadline.as_ref()?, high_value, span)], -1.0))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn sense_of(direction: Direction) -> Sense {
    if direction == Direction::Down {
        -1.0
    } else {
        1.0
    }
}

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let (Some(target), Some(direction)) = (&kpi.kpi.target, &kpi.kpi.direction) else {
            continue;
        };
        let Some(history) = history::of(cx, &kpi) else {
            continue;
        };
        if history.actuals.len() < MIN_ACTUALS {
            continue;
        }
        let unit = kpi.unit();
        let start = match (history.end, &kpi.kpi.baseline) {
            (End::Baseline(period), Some(baseline)) => {
                value_in(&baseline.value, unit).map(|value| (period, value))
            }
            _ => history.actuals.last().copied(),
        };
        let Some(start) = start else {
            continue;
        };
        let grain = common::grain(cx.model, kpi.kpi);
        let Some((goals, sense)) = goals(target, direction.node, unit, grain, start.1) else {
            continue;
        };
        let Some((needed, goal)) = needed_pace(start, &goals, sense) else {
            continue;
        };
        let best = largest_improvement(&history.actuals, sense);
        let best_pace = best.map_or(0.0, |best| best.per_period);
        if unrealistic(needed.per_period, best_pace) {
            let judged = Judged {
                start,
                needed,
                goal,
                best,
                sense,
            };
            out.push(finding(&kpi, grain, &history, &judged));
        }
    }
}

/// What the rule found about one KPI.
struct Judged<'g, 'a> {
    start: (Period, f64),
    needed: Step,
    goal: &'g Goal<'a>,
    best: Option<Step>,
    sense: Sense,
}

fn finding(kpi: &Kpi, grain: Grain, history: &History, judged: &Judged) -> Finding {
    let Judged {
        start,
        needed,
        goal,
        best,
        sense,
    } = *judged;
    let unit = kpi.unit();
    let noun = grain.noun();
    let from = match history.end {
        End::Baseline(_) => "the baseline",
        End::AsOf(_) => "the latest actual",
    };
    let pace = show_change(readable(needed.per_period), unit);
    let record = match best {
        Some(best) if best.per_period > 0.0 => format!(
            ": more than {STRETCH} times its best improvement in one {noun}, {} ({} to {}), in \
             its history",
            show_change(readable(best.per_period), unit),
            best.from,
            best.to
        ),
        _ => format!(", but it never improved from one {noun} to the next in its history"),
    };
    let message = format!(
        "KPI `{}` must improve by {pace} a {noun} to reach {} by {} from {from} {} in {}{record} \
         ({})",
        kpi.name(),
        show_value(goal.value, unit),
        goal.written.node,
        show_value(readable(start.1), unit),
        start.0,
        history.describe()
    );
    let help = match best {
        Some(best) if best.per_period > 0.0 => {
            let periods = (goal.period.ordinal() - start.0.ordinal()) as f64;
            let reachable = start.1 + sense * STRETCH * best.per_period * periods;
            format!(
                "at {STRETCH} times its best pace the KPI reaches {} by {}: set a target it can \
                 reach, move the deadline, or, for a planned step change, say why with \
                 `@allow(target-unrealistic, \"…\")`",
                show_value(readable(reachable), unit),
                goal.written.node
            )
        }
        _ => "set a target from what the KPI has shown it can do, or, for a planned step change, \
              say why with `@allow(target-unrealistic, \"…\")`"
            .to_string(),
    };
    let mut finding = Finding::new(Rule::TargetUnrealistic, goal.span, message)
        .label(format!("needs {pace} a {noun}"))
        .help(help);
    if let (End::Baseline(_), Some(baseline)) = (history.end, &kpi.kpi.baseline) {
        finding = finding.with_secondary(baseline.value.span, "the start");
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    fn actuals(values: &[(&str, f64)]) -> Vec<(Period, f64)> {
        values.iter().map(|&(period, v)| (p(period), v)).collect()
    }

    #[test]
    fn the_largest_improvement_follows_the_direction_and_spreads_over_gaps() {
        let history = actuals(&[
            ("2025-09", 2.35),
            ("2025-10", 2.2),
            ("2025-11", 2.25),
            ("2025-12", 2.2),
        ]);
        let down = largest_improvement(&history, -1.0).unwrap();
        assert!((down.per_period - 0.15).abs() < 1e-9);
        assert_eq!((down.from, down.to), (p("2025-09"), p("2025-10")));
        let up = largest_improvement(&history, 1.0).unwrap();
        assert!((up.per_period - 0.05).abs() < 1e-9);
        // A rise of 3 over a gap of three months is 1 a month.
        let gap = actuals(&[("2025-01", 10.0), ("2025-04", 13.0), ("2025-05", 13.5)]);
        let best = largest_improvement(&gap, 1.0).unwrap();
        assert!((best.per_period - 1.0).abs() < 1e-9);
        assert_eq!(largest_improvement(&gap[..1], 1.0), None);
    }

    #[test]
    fn the_pace_needed_is_the_steepest_from_the_start_to_any_goal() {
        let written = Spanned {
            node: p("2026-12"),
            span: Span::new(FileId(0), 0..0),
        };
        let goal = |period: &str, value: f64| Goal {
            period: p(period),
            value,
            written: &written,
            span: Span::new(FileId(0), 0..0),
        };
        // An easy first milestone and a steep second: from the start, the second binds at
        // (1.3 - 1.9) / 12 = -0.05 a month, less than its own leg (-0.1 a month).
        let goals = [goal("2026-06", 1.9), goal("2026-12", 1.3)];
        let (pace, binding) = needed_pace((p("2025-12"), 1.9), &goals, -1.0).unwrap();
        assert!((pace.per_period - 0.05).abs() < 1e-9);
        assert_eq!(binding.period, p("2026-12"));
        // Goals at or before the start are past.
        assert_eq!(needed_pace((p("2026-12"), 1.9), &goals, -1.0), None);
        // The churn of `kpic explain target-unrealistic`: 0.5% by 2026-03 from 2.2% in 2025-12.
        let churn = [goal("2026-03", 0.5)];
        let (pace, _) = needed_pace((p("2025-12"), 2.2), &churn, -1.0).unwrap();
        assert!((pace.per_period - 1.7 / 3.0).abs() < 1e-9);
        assert!(unrealistic(pace.per_period, 0.15));
        assert!(!unrealistic(0.4 / 12.0, 0.15));
    }

    #[test]
    fn a_history_without_improvement_makes_any_needed_improvement_unrealistic() {
        assert!(unrealistic(0.01, 0.0));
        assert!(unrealistic(0.01, -0.5));
        assert!(!unrealistic(0.0, 0.0), "no change needed");
        assert!(!unrealistic(-0.2, 0.1), "the target lies behind the start");
        assert!(!unrealistic(0.3, 0.1), "exactly 3 times is not more");
    }
}
