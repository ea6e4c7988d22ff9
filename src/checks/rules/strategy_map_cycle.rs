//! `strategy-map-cycle` (alignment; an error by default): `drives` links that loop. One
//! finding per strongly connected group of objectives, showing one shortest loop through it,
//! each step a label (as `formula-cycle` does for formulas).

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::Model;
use crate::semantic::graph::{self, LoopWords};
use crate::semantic::model::{ItemId, ItemKind};
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
    for steps in crate::graph::cycles(&drives_links(cx.model)) {
        out.push(graph::loop_finding(cx.model, &steps, &WORDS));
    }
}

const WORDS: LoopWords = LoopWords {
    rule: Rule::StrategyMapCycle,
    itself: |name| format!("objective `{name}` drives itself"),
    chain: |chain| format!("`drives` links loop: {chain}"),
    step: |from, to| format!("`{from}` drives `{to}` here"),
    help: "a strategy map runs one way, from causes to the effects they drive: remove the link \
           that leads back",
};

#[cfg(test)]
mod tests {
    use super::super::common::case_findings;
    use crate::diagnostics::Rule;

    #[test]
    fn one_finding_per_loop_of_drives_links() {
        assert_eq!(
            case_findings(Rule::StrategyMapCycle, "strategy_map_cycle"),
            [
                "24: `drives` links loop: plan → make → ship → plan",
                "30: objective `improve` drives itself"
            ]
        );
        assert!(case_findings(Rule::StrategyMapCycle, "strategy_map_cycle_fixed").is_empty());
    }
}
