//! `missing-unit` (SMART, S): a KPI, or an input metric (one without a formula), of the project
//! without a unit. A derived metric takes the unit of its formula; a KPI that `extends` a
//! library metric inherits its unit. A KPI whose targets carry a unit (`target 5%` without
//! `unit %`) is a `unit-mismatch` error instead: its unit is wrong, not merely missing.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::ItemKind;

pub const CHECK: Check = Check {
    rule: Rule::MissingUnit,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for item in cx.model.items.iter().filter(|item| !item.from_stdlib) {
        let ItemKind::Measure(measure) = &item.kind else {
            continue;
        };
        // An `extends` that names nothing is its own error; the unit it would give is unknown.
        let unresolved_extends = measure.extends.as_ref().is_some_and(|r| r.target.is_none());
        if measure.unit.is_some() || unresolved_extends {
            continue;
        }
        let values_with_unit = measure
            .kpi
            .as_ref()
            .is_some_and(|kpi| kpi.values().iter().any(|value| value.unit.is_some()));
        if values_with_unit {
            continue;
        }
        let what = if measure.kpi.is_some() {
            "KPI"
        } else if measure.formula.is_none() {
            "input metric"
        } else {
            continue;
        };
        out.push(
            Finding::new(
                Rule::MissingUnit,
                item.id.span,
                format!("{what} `{}` has no unit", item.id.node),
            )
            .label("no unit")
            .help(
                "say what its values count: `unit %`, `unit EUR`, `unit days`, `unit customers`…",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn inputs_and_kpis_without_a_unit_are_found_and_a_derived_metric_takes_its_formulas() {
        assert_eq!(
            case_findings(Rule::MissingUnit, "missing_unit"),
            [
                "21: input metric `visits` has no unit",
                "31: KPI `monthly_visits` has no unit"
            ]
        );
        assert!(case_findings(Rule::MissingUnit, "missing_unit_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\n\
            metric a \"A\" { unit EUR }\nmetric b \"B\" { formula a * 2 }\n";
        assert!(findings_of(Rule::MissingUnit, text).is_empty());
    }
}
