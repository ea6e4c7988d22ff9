//! `strategy-map-cycle` (alignment; an error by default): `drives` links that loop. One
//! finding per strongly connected group of objectives, showing one shortest loop through it,
//! each step a label (as `formula-cycle` does for formulas).

use crate::checks::{Check, Context};
use crate::diagnostics::{self, Finding, Rule};
use crate::semantic::model::{ItemId, ItemKind};
use crate::semantic::{Model, graph};
use crate::source::Span;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::StrategyMapCycle,
    run,
};

/// The `drives` links of each item (by index), each with the place it is written.
pub(super) fn drives_links(model: &Model) -> Vec<Vec<(ItemId, Span)>> {
    let mut edges = vec![Vec::new(); model.items.len()];
    for (id, _, objective) in common::objectives(model) {
        for link in &objective.drives {
            if let Some(target) = link.target
                && matches!(model.item(target).kind, ItemKind::Objective(_))
            {
                edges[id.0 as usize].push((target, link.span));
            }
        }
    }
    edges
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for steps in graph::cycles(&drives_links(cx.model)) {
        out.push(cycle_finding(cx.model, &steps));
    }
}

/// `steps[i]` is an objective and the place where it drives the next one (the last drives the
/// first).
fn cycle_finding(model: &Model, steps: &[(ItemId, Span)]) -> Finding {
    let name = |id: ItemId| model.item(id).id.node.as_str();
    let mut chain: Vec<&str> = steps.iter().map(|(id, _)| name(*id)).collect();
    chain.push(name(steps[0].0));
    let (last, last_span) = *steps.last().expect("a cycle has a step");
    let message = if steps.len() == 1 {
        format!("objective `{}` drives itself", name(last))
    } else {
        format!("`drives` links loop: {}", diagnostics::cycle_chain(&chain))
    };
    let mut finding = Finding::new(Rule::StrategyMapCycle, last_span, message)
        .label(format!(
            "`{}` drives `{}` here",
            name(last),
            name(steps[0].0)
        ))
        .help(
            "a strategy map runs one way, from causes to the effects they drive: remove the \
             link that leads back",
        );
    let labelled = (steps.len() - 1).min(diagnostics::MAX_CYCLE_LABELS);
    for (i, (id, span)) in steps[..labelled].iter().enumerate() {
        finding = finding.with_secondary(
            *span,
            format!("`{}` drives `{}` here", name(*id), chain[i + 1]),
        );
    }
    finding
}
