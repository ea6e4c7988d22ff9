//! `frequency-mismatch` (alignment): a KPI more frequent than one of its inputs.
//!
//! Decided here from the definitions alone: a KPI whose frequency (its own, else the
//! scorecard's) is finer than that of a KPI its formula names, e.g. a monthly KPI computed from
//! a quarterly one, which has a value only once a quarter. Metrics have no frequency of their
//! own (they are computed at the frequency of the KPI that uses them), so only KPIs named in
//! the formula are compared. The other half of the rule, an input metric observed only
//! quarterly behind a monthly KPI, needs the data files and comes with data loading.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::{FormulaKind, ItemId};
use crate::semantic::visit;
use crate::source::Span;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::FrequencyMismatch,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    for kpi in common::kpis(model) {
        let Some(formula) = &kpi.measure.formula else {
            continue;
        };
        let grain = common::grain(model, kpi.kpi);
        let mut coarser: Vec<(ItemId, Span)> = Vec::new();
        visit(formula, &mut |node| {
            if let FormulaKind::Measure(used) = node.kind
                && used != kpi.id
                && !coarser.iter().any(|(seen, _)| *seen == used)
                && let Some(used_kpi) = model.item(used).as_measure().and_then(|m| m.kpi.as_ref())
                && common::grain(model, used_kpi) > grain
            {
                coarser.push((used, node.span));
            }
        });
        for (used, span) in coarser {
            let used_item = model.item(used);
            let used_grain = used_item
                .as_measure()
                .and_then(|m| m.kpi.as_ref())
                .map_or(grain, |used_kpi| common::grain(model, used_kpi));
            let (mine, theirs) = (grain.frequency_name(), used_grain.frequency_name());
            out.push(
                Finding::new(
                    Rule::FrequencyMismatch,
                    span,
                    format!(
                        "{mine} KPI `{}` uses {theirs} KPI `{}`, which has a value only once a \
                         {}",
                        kpi.name(),
                        used_item.id.node,
                        used_grain.noun()
                    ),
                )
                .label(format!("a {theirs} KPI"))
                .with_secondary(
                    used_item.id.span,
                    format!("`{}` is {theirs}", used_item.id.node),
                )
                .help(format!(
                    "give `{}` `frequency {theirs}` (or coarser), or measure `{}` {mine}",
                    kpi.name(),
                    used_item.id.node
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;

    use super::super::common::findings_of;

    fn project(user: &str, used: &str) -> String {
        format!(
            "scorecard \"S\" {{ period 2026-01 .. 2026-12 frequency monthly }}\n\
             perspective p \"P\"\nobjective o \"O\" {{ perspective p }}\n\
             kpi survey \"S\" {{ objective o unit points direction up {used} }}\n\
             kpi index \"I\" {{ objective o unit points formula survey + survey direction up {user} }}\n"
        )
    }

    #[test]
    fn a_finer_kpi_over_a_coarser_one_is_reported_once() {
        let findings = findings_of(Rule::FrequencyMismatch, &project("", "frequency quarterly"));
        assert_eq!(findings.len(), 1, "one finding however often it is named");
        assert!(
            findings[0]
                .message
                .starts_with("monthly KPI `index` uses quarterly KPI `survey`")
        );
    }

    #[test]
    fn equal_or_coarser_kpis_are_fine() {
        assert!(findings_of(Rule::FrequencyMismatch, &project("", "")).is_empty());
        let coarser = project("frequency yearly", "frequency quarterly");
        assert!(findings_of(Rule::FrequencyMismatch, &coarser).is_empty());
    }
}
