//! Step 5: formulas that refer to themselves, directly or through other metrics, KPIs and `fn`s.

use std::collections::HashSet;

use super::model::*;
use super::resolve::visit;
use crate::diagnostics::{Finding, Rule};
use crate::source::Span;

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    let edges: Vec<Vec<(ItemId, Span)>> = model.items.iter().map(dependencies).collect();
    let mut state = vec![Visit::New; model.items.len()];
    let mut stack: Vec<(ItemId, Span)> = Vec::new();
    let mut reported: HashSet<Vec<ItemId>> = HashSet::new();
    for id in model.ids() {
        if state[id.0 as usize] == Visit::New {
            walk(
                model,
                &edges,
                id,
                &mut state,
                &mut stack,
                &mut reported,
                findings,
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    OnStack,
    Done,
}

/// The metrics, KPIs and functions an item's formula uses, each with the place it is named.
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

fn walk(
    model: &Model,
    edges: &[Vec<(ItemId, Span)>],
    id: ItemId,
    state: &mut [Visit],
    stack: &mut Vec<(ItemId, Span)>,
    reported: &mut HashSet<Vec<ItemId>>,
    findings: &mut Vec<Finding>,
) {
    state[id.0 as usize] = Visit::OnStack;
    for &(target, span) in &edges[id.0 as usize] {
        match state[target.0 as usize] {
            Visit::New => {
                stack.push((id, span));
                walk(model, edges, target, state, stack, reported, findings);
                stack.pop();
            }
            Visit::OnStack => {
                let start = stack
                    .iter()
                    .position(|(item, _)| *item == target)
                    .unwrap_or(stack.len());
                let mut steps = stack[start..].to_vec();
                steps.push((id, span));
                let mut members: Vec<ItemId> = steps.iter().map(|(item, _)| *item).collect();
                members.sort();
                if reported.insert(members) {
                    findings.push(cycle_finding(model, &steps));
                }
            }
            Visit::Done => {}
        }
    }
    state[id.0 as usize] = Visit::Done;
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
        format!("formulas refer to themselves: {}", chain.join(" → "))
    };
    let mut finding = Finding::new(Rule::FormulaCycle, last_span, message)
        .label(format!("`{}` uses `{}` here", name(last), name(steps[0].0)))
        .help(
            "a value cannot depend on itself: compute one of them from the others or from inputs",
        );
    for (i, (id, span)) in steps[..steps.len() - 1].iter().enumerate() {
        finding = finding.with_secondary(
            *span,
            format!("`{}` uses `{}` here", name(*id), chain[i + 1]),
        );
    }
    finding
}
