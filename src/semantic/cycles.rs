//! Step 5: formulas that refer to themselves, directly or through other metrics, KPIs and `fn`s.
//! One finding per strongly connected group of items, showing one shortest cycle through it.

use super::graph::{self, Edges, LoopWords};
use super::model::*;
use super::resolve::visit;
use crate::diagnostics::{Finding, Rule};
use crate::source::Span;

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    for steps in crate::graph::cycles(&formula_edges(model)) {
        findings.push(graph::loop_finding(model, &steps, &WORDS));
    }
}

/// For each item, the metrics, KPIs and functions its formula uses, each with the place it is
/// named.
pub fn formula_edges(model: &Model) -> Edges {
    model.items.iter().map(dependencies).collect()
}

fn dependencies(item: &Item) -> Vec<(ItemId, Span)> {
    let formula = match &item.kind {
        ItemKind::Measure(Measure {
            formula: Some(formula),
            ..
        }) => formula,
        ItemKind::Function(function) => &function.body,
        _ => return Vec::new(),
    };
    let mut found = Vec::new();
    visit(formula, &mut |node| match &node.kind {
        FormulaKind::Measure(id) => found.push((*id, node.span)),
        FormulaKind::Call(Callee::Function(id), _) => found.push((*id, node.span)),
        _ => {}
    });
    found
}

const WORDS: LoopWords = LoopWords {
    rule: Rule::FormulaCycle,
    itself: |name| format!("the formula of `{name}` refers to itself"),
    chain: |chain| format!("formulas refer to themselves: {chain}"),
    step: |from, to| format!("`{from}` uses `{to}` here"),
    help: "a value cannot depend on itself: compute one of them from the others or from inputs",
};
