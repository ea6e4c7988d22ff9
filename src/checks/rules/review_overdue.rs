//! `review-overdue` (SMART, T): the scorecard sets `review`, and a KPI's `reviewed` is absent or
//! older than one review cycle before `as_of`.
//!
//! A period written in `reviewed` counts from its last day (a review some time in 2026-03 was
//! done by 31 March at the latest), and one cycle before `as_of` is the last day of `as_of`
//! less the cycle: at 2026-06 with a quarterly review, a review in 2026-03 is on time and one
//! in 2026-02 is overdue. Without `as_of` (no KPI has an actual yet) there is no "now" to
//! judge by, and the rule is silent.

use chrono::{Days, Months, NaiveDate};

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::period::{Grain, Period};

use super::common;

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::ReviewOverdue,
    run,
};

/// The earliest day a review may have happened on to be within one `cycle` of `as_of`.
fn due_since(as_of: Period, cycle: Grain) -> Option<NaiveDate> {
    let end = as_of.last_day();
    match cycle {
        Grain::Day => end.checked_sub_days(Days::new(1)),
        Grain::Week => end.checked_sub_days(Days::new(7)),
        Grain::Month => end.checked_sub_months(Months::new(1)),
        Grain::Quarter => end.checked_sub_months(Months::new(3)),
        Grain::Half => end.checked_sub_months(Months::new(6)),
        Grain::Year => end.checked_sub_months(Months::new(12)),
    }
}

/// Whether a review in `reviewed` is more than one `cycle` older than `as_of`.
fn overdue(reviewed: Period, as_of: Period, cycle: Grain) -> bool {
    due_since(as_of, cycle).is_some_and(|since| reviewed.last_day() < since)
}

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let Some(cycle) = cx.model.scorecard.as_ref().and_then(|s| s.review) else {
        return;
    };
    let Some(as_of) = cx.as_of else {
        return;
    };
    let every = cycle.frequency_name();
    for kpi in common::kpis(cx.model) {
        let finding = match &kpi.kpi.reviewed {
            None => Finding::new(
                Rule::ReviewOverdue,
                kpi.item.id.span,
                format!(
                    "KPI `{}` has no `reviewed` period, and the scorecard asks for a {every} \
                     review of every KPI",
                    kpi.name()
                ),
            )
            .label("never reviewed")
            .help(format!(
                "review the KPI's definition, formula and target with its owner, then write \
                 when: `reviewed {as_of}`"
            )),
            Some(reviewed) if overdue(reviewed.node, as_of, cycle) => Finding::new(
                Rule::ReviewOverdue,
                reviewed.span,
                format!(
                    "KPI `{}` was last reviewed in {}, more than a {} before as_of {as_of} \
                     (the scorecard's review is {every})",
                    kpi.name(),
                    reviewed.node,
                    cycle.noun()
                ),
            )
            .label("overdue")
            .help(format!(
                "review the KPI's definition, formula and target with its owner, then update \
                 the date: `reviewed {as_of}`"
            )),
            Some(_) => continue,
        };
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn a_review_is_overdue_after_one_cycle_before_as_of() {
        let as_of = p("2026-06");
        assert!(!overdue(p("2026-03"), as_of, Grain::Quarter));
        assert!(overdue(p("2026-02"), as_of, Grain::Quarter));
        assert!(
            !overdue(p("2026-Q1"), as_of, Grain::Quarter),
            "March is in Q1"
        );
        assert!(!overdue(p("2026-05"), as_of, Grain::Month));
        assert!(overdue(p("2026-04"), as_of, Grain::Month));
        assert!(!overdue(p("2025-06"), as_of, Grain::Year));
        assert!(overdue(p("2025-05"), as_of, Grain::Year));
        // A review after as_of is not overdue.
        assert!(!overdue(p("2026-09"), as_of, Grain::Quarter));
        // Month ends: at 2026-05 (31 days), a quarter back is 28 February.
        assert!(!overdue(p("2026-02"), p("2026-05"), Grain::Quarter));
        assert!(overdue(p("2026-01"), p("2026-05"), Grain::Quarter));
    }
}
