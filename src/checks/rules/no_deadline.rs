//! `no-deadline` (SMART, T): a target with no `by PERIOD` (`target V` or `target LO .. HI`).
//! Milestones always have their periods.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::Target;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::NoDeadline,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let end = cx
        .model
        .scorecard
        .as_ref()
        .and_then(|scorecard| scorecard.period)
        .map(|(_, end)| end.to_string());
    for kpi in common::kpis(cx.model) {
        let (span, written) = match &kpi.kpi.target {
            Some(Target::Value {
                value,
                deadline: None,
            }) => (value.span, value.to_string()),
            Some(Target::Range {
                low,
                high,
                deadline: None,
            }) => (low.span.to(high.span), format!("{low} .. {high}")),
            _ => continue,
        };
        let period = end.as_deref().unwrap_or("2026-12");
        out.push(
            Finding::new(
                Rule::NoDeadline,
                span,
                format!(
                    "the target {written} of KPI `{}` has no deadline",
                    kpi.name()
                ),
            )
            .label("by when?")
            .help(format!(
                "say when it must be reached: `target {written} by {period}`, or give milestones \
                 `target {{ PERIOD VALUE … }}`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::case_findings;
    use crate::diagnostics::Rule;

    #[test]
    fn targets_without_by_are_found_and_milestones_are_not() {
        assert_eq!(
            case_findings(Rule::NoDeadline, "no_deadline"),
            [
                "21: the target 95% of KPI `on_time` has no deadline",
                "31: the target 30 days .. 45 days of KPI `stock_days` has no deadline"
            ]
        );
        assert!(case_findings(Rule::NoDeadline, "no_deadline_fixed").is_empty());
    }
}
