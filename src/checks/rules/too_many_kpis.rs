//! `too-many-kpis` (alignment): more than 3 KPIs on one objective of the project (1–2 is the
//! practice). The KPIs are labelled where they name the objective (at most
//! [`common::MAX_LABELS`]).

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::source::Span;

use super::common::{self, MAX_LABELS};

pub const CHECK: Check = Check {
    rule: Rule::TooManyKpis,
    run,
};

/// More than this many KPIs on one objective is too many.
const MAX_KPIS: usize = 3;

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let mut kpis: Vec<Vec<(&str, Span)>> = vec![Vec::new(); cx.model.items.len()];
    for kpi in common::kpis(cx.model) {
        if let (Some(objective), Some(reference)) = (kpi.objective(), &kpi.kpi.objective) {
            kpis[objective.0 as usize].push((kpi.name(), reference.span));
        }
    }
    for (id, item, _) in common::objectives(cx.model) {
        let measured_by = &kpis[id.0 as usize];
        if measured_by.len() <= MAX_KPIS {
            continue;
        }
        let names: Vec<&str> = measured_by.iter().map(|(name, _)| *name).collect();
        let mut finding = Finding::new(
            Rule::TooManyKpis,
            item.id.span,
            format!(
                "objective `{}` has {} KPIs ({}): more than {MAX_KPIS} blur what matters",
                item.id.node,
                measured_by.len(),
                common::id_list(&names, MAX_LABELS)
            ),
        )
        .label(format!("{} KPIs", measured_by.len()))
        .help(
            "keep the 1–2 KPIs that best show whether the objective is reached; track the others \
             in a team's own scorecard, or split the objective",
        );
        for (i, (name, span)) in measured_by.iter().take(MAX_LABELS).enumerate() {
            finding = finding.with_secondary(
                *span,
                format!("KPI {} of {}: `{name}`", i + 1, measured_by.len()),
            );
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::case_findings;
    use crate::diagnostics::Rule;

    #[test]
    fn more_than_three_kpis_on_an_objective_are_found() {
        assert_eq!(
            case_findings(Rule::TooManyKpis, "too_many_kpis"),
            [
                "9: objective `deliver` has 4 KPIs (`on_time`, `in_full`, `order_accuracy` and \
              `damage_free`): more than 3 blur what matters"
            ]
        );
        assert!(case_findings(Rule::TooManyKpis, "too_many_kpis_fixed").is_empty());
    }
}
