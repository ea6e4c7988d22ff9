//! `deadline-outside-period` (SMART, T): a target deadline, a milestone or an initiative's `due`
//! outside the scorecard's `period`. A deadline falls due on the last day of the period written
//! (`by 2026-Q2` on 2026-06-30), whatever the KPI's frequency: it is outside when that day comes
//! before the first day of the scorecard's period or after its last day.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::period::Period;
use crate::semantic::model::{ItemKind, Target};
use crate::vocabulary::Spanned;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::DeadlineOutsidePeriod,
    run,
};

/// Where a day lies against the scorecard's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Before,
    Inside,
    After,
}

fn place(due: Period, first: NaiveDate, last: NaiveDate) -> Place {
    let day = due.last_day();
    if day < first {
        Place::Before
    } else if day > last {
        Place::After
    } else {
        Place::Inside
    }
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let Some((start, end)) = cx.model.scorecard.as_ref().and_then(|s| s.period) else {
        return;
    };
    let (first, last) = (start.first_day(), end.last_day());
    let span_text = format!("{start} .. {end}");
    // Most deadlines are a handful of periods: each is placed once.
    let mut places: HashMap<Period, Place> = HashMap::new();
    let mut report =
        |what: &dyn Fn() -> String, period: &Spanned<Period>, out: &mut Vec<Finding>| {
            let side = match places
                .entry(period.node)
                .or_insert_with(|| place(period.node, first, last))
            {
                Place::Inside => return,
                Place::Before => "before",
                Place::After => "after",
            };
            out.push(
                Finding::new(
                    Rule::DeadlineOutsidePeriod,
                    period.span,
                    format!(
                        "{} {}, {side} the scorecard's period {span_text}",
                        what(),
                        period.node
                    ),
                )
                .label(format!(
                    "{side} {}",
                    if side == "before" { start } else { end }
                ))
                .help(format!(
                    "move it inside {span_text}, or widen the scorecard's `period` if the plan \
                 reaches further"
                )),
            );
        };
    for kpi in common::kpis(cx.model) {
        match &kpi.kpi.target {
            Some(Target::Value {
                deadline: Some(deadline),
                ..
            })
            | Some(Target::Range {
                deadline: Some(deadline),
                ..
            }) => report(
                &|| format!("the target of KPI `{}` is due in", kpi.name()),
                deadline,
                out,
            ),
            Some(Target::Milestones(milestones)) => {
                for (period, _) in milestones {
                    report(
                        &|| format!("KPI `{}` has a milestone in", kpi.name()),
                        period,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
    for item in cx.model.items.iter().filter(|item| !item.from_stdlib) {
        if let ItemKind::Initiative(initiative) = &item.kind
            && let Some(due) = &initiative.due
        {
            report(
                &|| format!("initiative `{}` is due in", item.id.node),
                due,
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn a_deadline_falls_due_on_its_last_day() {
        let (first, last) = (p("2026-04").first_day(), p("2027-03").last_day());
        assert_eq!(place(p("2027-03"), first, last), Place::Inside);
        assert_eq!(place(p("2027-Q1"), first, last), Place::Inside);
        assert_eq!(place(p("2026-W14"), first, last), Place::Inside);
        assert_eq!(place(p("2026-03"), first, last), Place::Before);
        assert_eq!(place(p("2027"), first, last), Place::After);
        assert_eq!(place(p("2027-04-01"), first, last), Place::After);
        // 2026-Q2 ends on 2026-06-30, inside; 2026-H1 too.
        assert_eq!(place(p("2026-H1"), first, last), Place::Inside);
    }
}
