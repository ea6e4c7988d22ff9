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
