//! `initiative-overdue` (alignment): an initiative past its `due` period at `as_of` and not
//! `done`.
//!
//! Past due means that the `due` period ended before `as_of` began: an initiative due in
//! 2026-06 is overdue from 2026-07 on, one due on 2026-06-15 too (at a monthly `as_of` of
//! 2026-06 the month is not over). An initiative without `status` is not done. Without `as_of`
//! (no KPI has an actual yet) the rule is silent.

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::period::Period;
use crate::semantic::model::ItemKind;
use crate::vocabulary::InitiativeStatus;

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::InitiativeOverdue,
    run,
};

/// Whether a `due` period has passed at `as_of`.
fn past_due(due: Period, as_of: Period) -> bool {
    due.last_day() < as_of.first_day()
}

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let Some(as_of) = cx.as_of else {
        return;
    };
    for item in cx.model.items.iter().filter(|item| !item.from_stdlib) {
        let ItemKind::Initiative(initiative) = &item.kind else {
            continue;
        };
        let Some(due) = &initiative.due else {
            continue;
        };
        if initiative.status == Some(InitiativeStatus::Done) || !past_due(due.node, as_of) {
            continue;
        }
        let state = match initiative.status {
            Some(status) => format!("still `{}`", status.name()),
            None => "has no status".to_string(),
        };
        out.push(
            Finding::new(
                Rule::InitiativeOverdue,
                due.span,
                format!(
                    "initiative `{}` was due in {} and {state} at as_of {as_of}: it is not done",
                    item.id.node, due.node
                ),
            )
            .label("past due")
            .help(
                "if it is finished, say `status done`; if not, re-plan it openly with a new `due` \
                 and an honest status (`late`, `at_risk`)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn due_periods_pass_when_they_end_before_as_of() {
        assert!(!past_due(p("2026-06"), p("2026-06")));
        assert!(past_due(p("2026-06"), p("2026-07")));
        assert!(!past_due(p("2026-Q3"), p("2026-09")));
        assert!(past_due(p("2026-Q2"), p("2026-07")));
        assert!(!past_due(p("2026-06-15"), p("2026-06")));
        assert!(past_due(p("2025"), p("2026-01")));
    }
}
