//! `objective-without-kpi` (alignment): an objective of the project that no KPI measures.
//! Initiatives serve an objective but do not measure it. Nothing is reported while a KPI's
//! `objective` is missing or names nothing (it may be meant for the objective), or while a
//! declaration is left out for a syntax error. An objective that lost its id to
//! another declaration (a `duplicate-name`) is not judged: no KPI can name it.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::ObjectiveWithoutKpi,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    if !common::all_parsed(cx.model) {
        return;
    }
    let mut measured = vec![false; cx.model.items.len()];
    for kpi in common::kpis(cx.model) {
        match kpi.objective() {
            Some(objective) => measured[objective.0 as usize] = true,
            None => return,
        }
    }
    for (id, item, _) in common::objectives(cx.model) {
        if measured[id.0 as usize] || common::is_shadowed(cx.model, id) {
            continue;
        }
        let name = &item.id.node;
        out.push(
            Finding::new(
                Rule::ObjectiveWithoutKpi,
                item.id.span,
                format!("objective `{name}` has no KPI: nothing shows whether it is reached"),
            )
            .label("measured by no KPI")
            .help(format!(
                "add a KPI with `objective {name}` (1–2 is the practice), or remove the objective"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn an_objective_no_kpi_measures_is_found_and_a_broken_objective_silences_the_rule() {
        assert_eq!(
            case_findings(Rule::ObjectiveWithoutKpi, "objective_without_kpi"),
            ["14: objective `win_online` has no KPI: nothing shows whether it is reached"]
        );
        assert!(case_findings(Rule::ObjectiveWithoutKpi, "objective_without_kpi_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\nperspective p \"P\"\n\
            objective o \"O\" { perspective p }\n\
            kpi k \"K\" { objective oo unit EUR direction up }\n";
        assert!(findings_of(Rule::ObjectiveWithoutKpi, text).is_empty());
    }
}
