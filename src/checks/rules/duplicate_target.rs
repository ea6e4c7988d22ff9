//! `duplicate-target` (alignment): one KPI and org given targets twice — in two `for` blocks,
//! in a block and a targets file, or in two files. The finding points at the later target and
//! names the earlier.

use std::collections::HashMap;

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::{ItemId, KpiFor, Target};
use crate::source::Span;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::DuplicateTarget,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let mut first_of: HashMap<ItemId, &KpiFor> = HashMap::new();
        for block in &kpi.kpi.for_orgs {
            let (Some(org), Some(target)) = (block.org.target, &block.target) else {
                continue;
            };
            let Some(first) = first_of.get(&org) else {
                first_of.insert(org, block);
                continue;
            };
            let earlier = first.target.as_ref().map_or(first.span, target_span);
            out.push(
                Finding::new(
                    Rule::DuplicateTarget,
                    target_span(target),
                    format!(
                        "`{}` is given a target for org `{}` twice",
                        kpi.name(),
                        block.org.name
                    ),
                )
                .label(where_from(block, "given again"))
                .with_secondary(earlier, where_from(first, "first given"))
                .help(
                    "give each KPI and org its target in one place: a `for` block or one \
                     targets file",
                ),
            );
        }
    }
}

fn where_from(block: &KpiFor, what: &str) -> String {
    if block.from_file {
        format!("{what} in a targets file")
    } else {
        format!("{what} in a `for` block")
    }
}

/// Where a target is written: its value, or its first milestone.
pub(super) fn target_span(target: &Target) -> Span {
    match target {
        Target::Value { value, .. } => value.span,
        Target::Range { low, high, .. } => low.span.to(high.span),
        Target::Milestones(milestones) => milestones
            .first()
            .map(|(period, value)| period.span.to(value.span))
            .expect("a target has a milestone"),
    }
}
