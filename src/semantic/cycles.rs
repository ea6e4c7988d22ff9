//! Step 5: formulas that refer to themselves, directly or through other metrics, KPIs and `fn`s.
//! One finding per strongly connected group of items, showing one shortest cycle through it.

use std::collections::VecDeque;

use super::model::*;
use super::resolve::visit;
use crate::diagnostics::{self, Finding, Rule};
use crate::source::Span;

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    let edges: Vec<Vec<(ItemId, Span)>> = model.items.iter().map(dependencies).collect();
    for component in strongly_connected(&edges) {
        let first = *component.iter().min().expect("a component has a member");
        let is_cycle = component.len() > 1
            || edges[first.0 as usize]
                .iter()
                .any(|(target, _)| *target == first);
        if is_cycle {
            let steps = shortest_cycle(&edges, first, &component);
            findings.push(cycle_finding(model, &steps));
        }
    }
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

/// Tarjan's algorithm: the strongly connected components of the dependency graph.
fn strongly_connected(edges: &[Vec<(ItemId, Span)>]) -> Vec<Vec<ItemId>> {
    struct Tarjan<'a> {
        edges: &'a [Vec<(ItemId, Span)>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next_index: usize,
        components: Vec<Vec<ItemId>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, node: usize) {
            self.index[node] = Some(self.next_index);
            self.low[node] = self.next_index;
            self.next_index += 1;
            self.stack.push(node);
            self.on_stack[node] = true;
            for &(target, _) in &self.edges[node] {
                let target = target.0 as usize;
                match self.index[target] {
                    None => {
                        self.visit(target);
                        self.low[node] = self.low[node].min(self.low[target]);
                    }
                    Some(index) if self.on_stack[target] => {
                        self.low[node] = self.low[node].min(index)
                    }
                    Some(_) => {}
                }
            }
            if Some(self.low[node]) == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack[member] = false;
                    component.push(ItemId(member as u32));
                    if member == node {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }
    let count = edges.len();
    let mut tarjan = Tarjan {
        edges,
        index: vec![None; count],
        low: vec![0; count],
        on_stack: vec![false; count],
        stack: Vec::new(),
        next_index: 0,
        components: Vec::new(),
    };
    for (node, targets) in edges.iter().enumerate() {
        if tarjan.index[node].is_none() && !targets.is_empty() {
            tarjan.visit(node);
        }
    }
    tarjan.components
}

/// A shortest cycle from `start` back to itself inside `component` (breadth-first), as steps:
/// each item with the place where it names the next one.
fn shortest_cycle(
    edges: &[Vec<(ItemId, Span)>],
    start: ItemId,
    component: &[ItemId],
) -> Vec<(ItemId, Span)> {
    let mut came_from: Vec<Option<(ItemId, Span)>> = vec![None; edges.len()];
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(target, span) in &edges[node.0 as usize] {
            if target == start {
                let mut steps = vec![(node, span)];
                let mut at = node;
                while at != start {
                    let (previous, previous_span) =
                        came_from[at.0 as usize].expect("a visited node has a predecessor");
                    steps.push((previous, previous_span));
                    at = previous;
                }
                steps.reverse();
                return steps;
            }
            if component.contains(&target) && came_from[target.0 as usize].is_none() {
                came_from[target.0 as usize] = Some((node, span));
                queue.push_back(target);
            }
        }
    }
    unreachable!("every member of a strongly connected component lies on a cycle")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn graph(links: &[(u32, u32)], nodes: usize) -> Vec<Vec<(ItemId, Span)>> {
        let mut edges = vec![Vec::new(); nodes];
        for &(from, to) in links {
            edges[from as usize].push((ItemId(to), Span::new(FileId(0), 0..0)));
        }
        edges
    }

    #[test]
    fn one_component_per_group_of_mutual_references() {
        // 0 → 1 → 2 → 0 and 1 → 0: one component; 3 → 3: a self-loop; 4 → 0: no cycle.
        let edges = graph(&[(0, 1), (1, 2), (2, 0), (1, 0), (3, 3), (4, 0)], 5);
        let mut sizes: Vec<usize> = strongly_connected(&edges).iter().map(Vec::len).collect();
        sizes.sort();
        assert_eq!(sizes, vec![1, 1, 3]);
        let steps = shortest_cycle(&edges, ItemId(0), &[ItemId(0), ItemId(1), ItemId(2)]);
        let path: Vec<u32> = steps.iter().map(|(id, _)| id.0).collect();
        assert_eq!(path, vec![0, 1], "the shortest cycle is 0 → 1 → 0");
    }
}
