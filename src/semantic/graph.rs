//! Directed graphs over the items of the model, for the findings about loops: formulas that use
//! themselves (`formula-cycle`) and `drives` links that loop (`strategy-map-cycle`).

use std::collections::{HashMap, HashSet, VecDeque};

use super::model::{ItemId, Model};
use crate::diagnostics::{self, Finding, Rule};
use crate::source::Span;

/// For each item (by index), the items it points at, each with the place it names them.
pub type Edges = Vec<Vec<(ItemId, Span)>>;

/// One loop per strongly connected group of items that loops (a self-loop included), starting
/// at the group's first item: a shortest loop through it, as steps (each item with the place
/// where it names the next one; the last names the first).
pub fn cycles(edges: &Edges) -> Vec<Vec<(ItemId, Span)>> {
    looping_components(edges)
        .map(|component| {
            let first = *component.iter().min().expect("a component has a member");
            shortest_cycle(edges, first, &component)
        })
        .collect()
}

/// For each item, whether it lies on a loop.
pub fn on_cycles(edges: &Edges) -> Vec<bool> {
    let mut on_cycle = vec![false; edges.len()];
    for member in looping_components(edges).flatten() {
        on_cycle[member.0 as usize] = true;
    }
    on_cycle
}

/// The strongly connected groups that loop: more than one member, or one that names itself.
fn looping_components(edges: &Edges) -> impl Iterator<Item = Vec<ItemId>> + '_ {
    strongly_connected(edges).into_iter().filter(|component| {
        let first = component[0];
        component.len() > 1
            || edges[first.0 as usize]
                .iter()
                .any(|(target, _)| *target == first)
    })
}

/// Tarjan's algorithm without recursion (thousands of items may form one chain):
/// the strongly connected components of the graph, each as its members.
pub fn strongly_connected(edges: &[Vec<(ItemId, Span)>]) -> Vec<Vec<ItemId>> {
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

/// For each item, `own` values of the items it reaches (itself included) folded with `pick`:
/// the coarsest grain an input of a KPI is observed at, the earliest day of its data. Iterative,
/// as thousands of items may form one chain; on a loop (a finding of its own) an item sees the
/// part of the loop folded before it.
pub fn fold_reachable<T: Copy>(
    edges: &Edges,
    own: &[Option<T>],
    pick: impl Fn(T, T) -> T,
) -> Vec<Option<T>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let combine = |a: Option<T>, b: Option<T>| match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
    let mut state = vec![State::New; edges.len()];
    let mut folded: Vec<Option<T>> = (0..edges.len())
        .map(|item| own.get(item).copied().flatten())
        .collect();
    for root in 0..edges.len() {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        // The depth-first path: each open item with the position of its next edge to follow.
        let mut path = vec![(root, 0usize)];
        while let Some((item, next)) = path.last_mut() {
            let item = *item;
            if let Some((target, _)) = edges[item].get(*next) {
                *next += 1;
                let target = target.0 as usize;
                if state.get(target) == Some(&State::New) {
                    state[target] = State::Open;
                    path.push((target, 0));
                }
                continue;
            }
            let reached = edges[item]
                .iter()
                .filter_map(|(target, _)| folded.get(target.0 as usize).copied().flatten())
                .fold(None, |acc, value| combine(acc, Some(value)));
            folded[item] = combine(folded[item], reached);
            state[item] = State::Done;
            path.pop();
        }
    }
    folded
}

/// A shortest loop from `start` back to itself inside `component` (breadth-first), as steps:
/// each item with the place where it names the next one.
pub fn shortest_cycle(
    edges: &[Vec<(ItemId, Span)>],
    start: ItemId,
    component: &[ItemId],
) -> Vec<(ItemId, Span)> {
    let mut came_from: HashMap<ItemId, (ItemId, Span)> = HashMap::new();
    let members: HashSet<ItemId> = component.iter().copied().collect();
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

/// How a loop finding words itself: its rule, the message for a single item naming itself and
/// for a longer loop (given the chain `a → b → a`), a label for each step and the help.
pub struct LoopWords {
    pub rule: Rule,
    pub itself: fn(&str) -> String,
    pub chain: fn(&str) -> String,
    pub step: fn(&str, &str) -> String,
    pub help: &'static str,
}

/// The finding for one loop of [`cycles`]: the primary label on the step that closes it, the
/// other steps (the first [`diagnostics::MAX_CYCLE_LABELS`]) as secondary labels.
pub fn loop_finding(model: &Model, steps: &[(ItemId, Span)], words: &LoopWords) -> Finding {
    let name = |id: ItemId| model.item(id).id.node.as_str();
    let mut chain: Vec<&str> = steps.iter().map(|(id, _)| name(*id)).collect();
    chain.push(name(steps[0].0));
    let (last, last_span) = *steps.last().expect("a loop has a step");
    let message = if steps.len() == 1 {
        (words.itself)(name(last))
    } else {
        (words.chain)(&diagnostics::cycle_chain(&chain))
    };
    let mut finding = Finding::new(words.rule, last_span, message)
        .label((words.step)(name(last), name(steps[0].0)))
        .help(words.help);
    let labelled = (steps.len() - 1).min(diagnostics::MAX_CYCLE_LABELS);
    for (i, (id, span)) in steps[..labelled].iter().enumerate() {
        finding = finding.with_secondary(*span, (words.step)(name(*id), chain[i + 1]));
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn graph(links: &[(u32, u32)], nodes: usize) -> Edges {
        let mut edges = vec![Vec::new(); nodes];
        for &(from, to) in links {
            edges[from as usize].push((ItemId(to), Span::new(FileId(0), 0..0)));
        }
        edges
    }

    fn path(steps: &[(ItemId, Span)]) -> Vec<u32> {
        steps.iter().map(|(id, _)| id.0).collect()
    }

    #[test]
    fn one_shortest_cycle_per_group_of_mutual_references() {
        // 0 → 1 → 2 → 0 and 1 → 0: one group, shortest loop 0 → 1 → 0; 3 → 3: a self-loop;
        // 4 → 0: no loop.
        let edges = graph(&[(0, 1), (1, 2), (2, 0), (1, 0), (3, 3), (4, 0)], 5);
        let mut found: Vec<Vec<u32>> = cycles(&edges).iter().map(|steps| path(steps)).collect();
        found.sort();
        assert_eq!(found, vec![vec![0, 1], vec![3]]);
    }

    #[test]
    fn values_fold_over_everything_an_item_reaches() {
        // 0 → 1 → 2, 0 → 3, and a loop 4 ⇄ 5.
        let edges = graph(&[(0, 1), (1, 2), (0, 3), (4, 5), (5, 4)], 6);
        let own = [None, Some(7), Some(3), Some(9), Some(1), None];
        let max = fold_reachable(&edges, &own, i32::max);
        assert_eq!(max, [Some(9), Some(7), Some(3), Some(9), Some(1), Some(1)]);
        let min = fold_reachable(&edges, &own, i32::min);
        assert_eq!(min[0], Some(3));
        assert_eq!(
            fold_reachable(&graph(&[], 2), &[None, Some(2)], i32::min),
            [None, Some(2)]
        );
    }

    #[test]
    fn a_long_chain_needs_no_deep_stack() {
        let count = 200_000;
        let links: Vec<(u32, u32)> = (0..count).map(|i| (i, (i + 1) % count)).collect();
        let edges = graph(&links, count as usize);
        assert_eq!(cycles(&edges)[0].len(), count as usize);
        let own = vec![Some(1); count as usize];
        assert_eq!(fold_reachable(&edges, &own, u32::max).len(), count as usize);
    }
}
