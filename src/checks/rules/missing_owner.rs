//! `missing-owner` (SMART, S): a KPI or an objective of the project without an owner, the person
//! or role accountable for it. A blank owner counts as none.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::ItemKind;

pub const CHECK: Check = Check {
    rule: Rule::MissingOwner,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for item in cx.model.items.iter().filter(|item| !item.from_stdlib) {
        let (what, owner) = match &item.kind {
            ItemKind::Objective(objective) => ("objective", &objective.owner),
            ItemKind::Measure(measure) => match &measure.kpi {
                Some(kpi) => ("KPI", &kpi.owner),
                None => continue,
            },
            _ => continue,
        };
        if owner
            .as_ref()
            .is_some_and(|owner| !owner.node.trim().is_empty())
        {
            continue;
        }
        out.push(
            Finding::new(
                Rule::MissingOwner,
                item.id.span,
                format!("{what} `{}` has no owner", item.id.node),
            )
            .label("no owner")
            .help(format!(
                "name who answers for the {what}: `owner \"Head of Sales\"` (a person or a role)"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn kpis_and_objectives_without_an_owner_are_found_and_a_blank_one_counts_as_none() {
        assert_eq!(
            case_findings(Rule::MissingOwner, "missing_owner"),
            [
                "9: objective `grow` has no owner",
                "20: KPI `monthly_revenue` has no owner"
            ]
        );
        assert!(case_findings(Rule::MissingOwner, "missing_owner_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\nperspective p \"P\"\n\
            objective o \"O\" { perspective p owner \" \" }\n";
        let found = findings_of(Rule::MissingOwner, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "objective `o` has no owner");
    }
}
