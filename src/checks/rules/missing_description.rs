//! `missing-description` (SMART, S): a KPI of the project without a description. A KPI that
//! `extends` a library metric inherits the metric's description; an empty or blank description
//! counts as none.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::MissingDescription,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let described = kpi
            .item
            .description
            .as_deref()
            .is_some_and(|text| !text.trim().is_empty());
        if described {
            continue;
        }
        out.push(
            Finding::new(
                Rule::MissingDescription,
                kpi.item.id.span,
                format!("KPI `{}` has no description", kpi.name()),
            )
            .label("no description")
            .help(
                "say what it measures and how, in a `///` doc comment right above the KPI \
                 (or a `description \"…\"` property)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn a_kpi_without_a_description_is_found_and_a_blank_one_counts_as_none() {
        assert_eq!(
            case_findings(Rule::MissingDescription, "missing_description"),
            ["16: KPI `monthly_revenue` has no description"]
        );
        assert!(case_findings(Rule::MissingDescription, "missing_description_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\nperspective p \"P\"\n\
            objective o \"O\" { perspective p }\n\
            kpi k \"K\" { objective o description \"  \" unit EUR direction up }\n";
        assert_eq!(findings_of(Rule::MissingDescription, text).len(), 1);
    }
}
