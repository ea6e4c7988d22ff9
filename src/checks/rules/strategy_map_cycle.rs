//! `strategy-map-cycle` (alignment; an error by default): `drives` links that loop. One
//! finding per strongly connected group of objectives, showing one shortest loop through it,
//! each step a label (as `formula-cycle` does for formulas).

use std::collections::{HashMap, VecDeque};

use crate::checks::{Check, Context};
use crate::diagnostics::{self, Finding, Rule};
use crate::semantic::Model;
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
    let edges = drives_links(cx.model);
    for component in strongly_connected(&edges) {
        let first = *component.iter().min().expect("a component has a member");
        let is_cycle = component.len() > 1
            || edges[first.0 as usize]
                .iter()
                .any(|(target, _)| *target == first);
        if is_cycle {
            let steps = shortest_cycle(&edges, first, &component);
            out.push(cycle_finding(cx.model, &steps));
        }
    }
}

/// Tarjan's algorithm without recursion (a map may hold thousands of objectives in a chain):
/// the strongly connected components of the graph, each as its members.
fn strongly_connected(edges: &[Vec<(ItemId, Span)>]) -> Vec<Vec<ItemId>> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut components = Vec::new();
    // The depth-first path: each node with the position of its next edge to follow.
    let mut path: Vec<(usize, usize)> = Vec::new();
    for root in 0..count {
        if index[root] != UNSEEN || edges[root].is_empty() {
            continue;
        }
        macro_rules! enter {
            ($node:expr) => {{
                let node = $node;
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
                path.push((node, 0));
            }};
        }
        enter!(root);
        while let Some(&(node, position)) = path.last() {
            if let Some(&(target, _)) = edges[node].get(position) {
                if let Some(top) = path.last_mut() {
                    top.1 += 1;
                }
                let target = target.0 as usize;
                if index[target] == UNSEEN {
                    enter!(target);
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            path.pop();
            if let Some(&(parent, _)) = path.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(ItemId(member as u32));
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// A shortest loop from `start` back to itself inside `component` (breadth-first), as steps:
/// each objective with the place where it drives the next one.
fn shortest_cycle(
    edges: &[Vec<(ItemId, Span)>],
    start: ItemId,
    component: &[ItemId],
) -> Vec<(ItemId, Span)> {
    let mut came_from: HashMap<ItemId, (ItemId, Span)> = HashMap::new();
    let members: std::collections::HashSet<ItemId> = component.iter().copied().collect();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(target, span) in &edges[node.0 as usize] {
            if target == start {
                let mut steps = vec![(node, span)];
                let mut at = node;
                while at != start {
                    let (previous, previous_span) = came_from[&at];
                    steps.push((previous, previous_span));
                    at = previous;
                }
                steps.reverse();
                return steps;
            }
            if members.contains(&target) && !came_from.contains_key(&target) {
                came_from.insert(target, (node, span));
                queue.push_back(target);
            }
        }
    }
    unreachable!("every member of a strongly connected component lies on a cycle")
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

    fn sizes(edges: &[Vec<(ItemId, Span)>]) -> Vec<usize> {
        let mut sizes: Vec<usize> = strongly_connected(edges).iter().map(Vec::len).collect();
        sizes.sort();
        sizes
    }

    #[test]
    fn one_component_per_loop() {
        // 0 → 1 → 2 → 0 and 1 → 0: one component; 3 → 3: a self-loop; 4 → 0: no loop.
        let edges = graph(&[(0, 1), (1, 2), (2, 0), (1, 0), (3, 3), (4, 0)], 5);
        assert_eq!(sizes(&edges), vec![1, 1, 3]);
        let steps = shortest_cycle(&edges, ItemId(0), &[ItemId(0), ItemId(1), ItemId(2)]);
        let path: Vec<u32> = steps.iter().map(|(id, _)| id.0).collect();
        assert_eq!(path, vec![0, 1], "the shortest loop is 0 → 1 → 0");
    }

    #[test]
    fn long_chains_need_no_deep_stack() {
        let nodes = 200_000;
        let links: Vec<(u32, u32)> = (0..nodes as u32 - 1).map(|i| (i, i + 1)).collect();
        let mut edges = graph(&links, nodes);
        assert!(sizes(&edges).iter().all(|size| *size == 1));
        edges[nodes - 1].push((ItemId(0), Span::new(FileId(0), 0..0)));
        assert_eq!(sizes(&edges), vec![nodes]);
    }
}
