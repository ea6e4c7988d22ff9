//! Step 5: formulas that refer to themselves, directly or through other metrics, KPIs and `fn`s.
//! One finding per strongly connected group of items, showing one shortest cycle through it.

use super::graph::{self, Edges};
use super::model::*;
use super::resolve::visit;
use crate::diagnostics::{self, Finding, Rule};
use crate::source::Span;

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    for steps in graph::cycles(&formula_edges(model)) {
        findings.push(cycle_finding(model, &steps));
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

/// `steps[i]` is an item and the place where it names the next one (the last names the first).
fn cycle_finding(model: &Model, steps: &[(ItemId, Span)]) -> Finding {
    let name = |id: ItemId| model.item(id).id.node.as_str();
    let mut chain: Vec<&str> = steps.iter().map(|(id, _)| name(*id)).collect();
    chain.push(name(steps[0].0));
    let (last, last_span) = *steps.last().expect("a cycle has a step");
    let message = if steps.len() == 1 {
        format!("the formula of `{}` refers to itself", name(last))
    } else {
        format!(
            "formulas refer to themselves: {}",
            diagnostics::cycle_chain(&chain)
        )
    };
    let mut finding = Finding::new(Rule::FormulaCycle, last_span, message)
        .label(format!("`{}` uses `{}` here", name(last), name(steps[0].0)))
        .help(
            "a value cannot depend on itself: compute one of them from the others or from inputs",
        );
    let labelled = (steps.len() - 1).min(diagnostics::MAX_CYCLE_LABELS);
    for (i, (id, span)) in steps[..labelled].iter().enumerate() {
        finding = finding.with_secondary(
            *span,
            format!("`{}` uses `{}` here", name(*id), chain[i + 1]),
        );
    }
    finding
}
