//! Directed graphs, the one home of the walks over them: the loops among formulas
//! (`formula-cycle`), `drives` links (`strategy-map-cycle`) and `use` lines (`import-cycle`),
//! what a KPI's inputs fold to, and the order the data stage derives each measure's reach in.
//!
//! A graph is its edges: for each node (by index), the nodes it points at, each with a label
//! (the place it names them, say). Every walk is iterative: thousands of items may form one chain.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;

/// A node of a graph: an index into its edges.
pub trait Node: Copy + Eq + Hash {
    fn index(self) -> usize;
    fn from_index(index: usize) -> Self;
}

impl Node for usize {
    fn index(self) -> usize {
        self
    }
    fn from_index(index: usize) -> Self {
        index
    }
}

impl Node for crate::source::FileId {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn from_index(index: usize) -> Self {
        Self(index as u32)
    }
}

/// For each node (by index), the nodes it points at, each with its label.
pub type Edges<N, L> = Vec<Vec<(N, L)>>;

/// Where a depth-first walk stands with a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Not reached yet: following the edge enters it.
    New,
    /// On the current path: an edge to it closes a loop.
    Open,
    /// Left, with everything it reaches.
    Done,
}

/// What a depth-first walk tells as it goes.
pub trait Visitor<N, L> {
    fn enter(&mut self, _node: N) {}
    /// An edge followed from `from`, and where the walk stood with its target before.
    fn edge(&mut self, _from: N, _to: N, _label: &L, _seen: Seen) {}
    /// A node left, everything it reaches left before it; `parent` is the node it was entered
    /// from (`None` for a root).
    fn leave(&mut self, _node: N, _parent: Option<N>) {}
}

/// A depth-first walk from each root not reached from an earlier one, edges in their order.
pub fn depth_first<N: Node, L>(
    edges: &[Vec<(N, L)>],
    roots: impl IntoIterator<Item = N>,
    visitor: &mut impl Visitor<N, L>,
) {
    let mut seen = vec![Seen::New; edges.len()];
    // The depth-first path: each open node with the position of its next edge to follow.
    let mut path: Vec<(N, usize)> = Vec::new();
    for root in roots {
        if seen[root.index()] != Seen::New {
            continue;
        }
        seen[root.index()] = Seen::Open;
        visitor.enter(root);
        path.push((root, 0));
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            if let Some((target, label)) = edges[node.index()].get(*next) {
                *next += 1;
                let was = seen[target.index()];
                visitor.edge(node, *target, label, was);
                if was == Seen::New {
                    seen[target.index()] = Seen::Open;
                    visitor.enter(*target);
                    path.push((*target, 0));
                }
                continue;
            }
            path.pop();
            seen[node.index()] = Seen::Done;
            visitor.leave(node, path.last().map(|(parent, _)| *parent));
        }
    }
}

/// The nodes reached from `roots`, each after everything it reaches (on a loop, after the part
/// of the loop reached before it).
pub fn post_order<N: Node, L>(edges: &[Vec<(N, L)>], roots: impl IntoIterator<Item = N>) -> Vec<N> {
    struct Order<N>(Vec<N>);
    impl<N, L> Visitor<N, L> for Order<N> {
        fn leave(&mut self, node: N, _parent: Option<N>) {
            self.0.push(node);
        }
    }
    let mut order = Order(Vec::with_capacity(edges.len()));
    depth_first(edges, roots, &mut order);
    order.0
}

/// Every node, by index.
fn all<N: Node, L>(edges: &[Vec<(N, L)>]) -> impl Iterator<Item = N> + use<N, L> {
    (0..edges.len()).map(N::from_index)
}

/// For each node, `own` values of the nodes it reaches (itself included) folded with `pick`:
/// the coarsest grain an input of a KPI is observed at, the earliest day of its data. On a loop
/// (a finding of its own) a node sees the part of the loop folded before it.
pub fn fold_reachable<N: Node, L, T: Copy>(
    edges: &[Vec<(N, L)>],
    own: &[Option<T>],
    pick: impl Fn(T, T) -> T,
) -> Vec<Option<T>> {
    let combine = |a: Option<T>, b: Option<T>| match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
    let mut folded: Vec<Option<T>> = (0..edges.len())
        .map(|node| own.get(node).copied().flatten())
        .collect();
    for node in post_order(edges, all(edges)) {
        let node = node.index();
        let reached = edges[node]
            .iter()
            .filter_map(|(target, _)| folded[target.index()])
            .fold(None, |acc, value| combine(acc, Some(value)));
        folded[node] = combine(folded[node], reached);
    }
    folded
}

/// Tarjan's algorithm: the strongly connected components of the graph, each as its members.
/// Nodes without edges are components of their own and only listed when an edge reaches them.
pub fn strongly_connected<N: Node, L>(edges: &[Vec<(N, L)>]) -> Vec<Vec<N>> {
    struct Tarjan<N> {
        index: Vec<usize>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<N>,
        next_index: usize,
        components: Vec<Vec<N>>,
    }
    impl<N: Node, L> Visitor<N, L> for Tarjan<N> {
        fn enter(&mut self, node: N) {
            let at = node.index();
            self.index[at] = self.next_index;
            self.low[at] = self.next_index;
            self.next_index += 1;
            self.stack.push(node);
            self.on_stack[at] = true;
        }
        fn edge(&mut self, from: N, to: N, _label: &L, seen: Seen) {
            if seen != Seen::New && self.on_stack[to.index()] {
                self.low[from.index()] = self.low[from.index()].min(self.index[to.index()]);
            }
        }
        fn leave(&mut self, node: N, parent: Option<N>) {
            let at = node.index();
            if let Some(parent) = parent {
                self.low[parent.index()] = self.low[parent.index()].min(self.low[at]);
            }
            if self.low[at] == self.index[at] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack[member.index()] = false;
                    component.push(member);
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
        index: vec![0; count],
        low: vec![0; count],
        on_stack: vec![false; count],
        stack: Vec::new(),
        next_index: 0,
        components: Vec::new(),
    };
    let roots = all(edges).filter(|node: &N| !edges[node.index()].is_empty());
    depth_first(edges, roots, &mut tarjan);
    tarjan.components
}

/// The strongly connected groups that loop: more than one member, or one that names itself.
fn looping_components<N: Node, L>(edges: &[Vec<(N, L)>]) -> impl Iterator<Item = Vec<N>> + '_ {
    strongly_connected(edges).into_iter().filter(|component| {
        let first = component[0];
        component.len() > 1
            || edges[first.index()]
                .iter()
                .any(|(target, _)| *target == first)
    })
}

/// One loop per strongly connected group of nodes that loops (a self-loop included), starting
/// at the group's lowest node: a shortest loop through it, as steps (each node with the label of
/// its edge to the next one; the last points at the first).
pub fn cycles<N: Node + Ord, L: Copy>(edges: &[Vec<(N, L)>]) -> Vec<Vec<(N, L)>> {
    looping_components(edges)
        .map(|component| {
            let first = *component.iter().min().expect("a component has a member");
            shortest_cycle(edges, first, &component)
        })
        .collect()
}

/// For each node, whether it lies on a loop.
pub fn on_cycles<N: Node, L>(edges: &[Vec<(N, L)>]) -> Vec<bool> {
    let mut on_cycle = vec![false; edges.len()];
    for member in looping_components(edges).flatten() {
        on_cycle[member.index()] = true;
    }
    on_cycle
}

/// A shortest loop from `start` back to itself inside `component` (breadth-first), as steps.
fn shortest_cycle<N: Node, L: Copy>(
    edges: &[Vec<(N, L)>],
    start: N,
    component: &[N],
) -> Vec<(N, L)> {
    let mut came_from: HashMap<N, (N, L)> = HashMap::new();
    let members: HashSet<N> = component.iter().copied().collect();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(target, label) in &edges[node.index()] {
            if target == start {
                let mut steps = vec![(node, label)];
                let mut at = node;
                while at != start {
                    let (previous, previous_label) = came_from[&at];
                    steps.push((previous, previous_label));
                    at = previous;
                }
                steps.reverse();
                return steps;
            }
            if members.contains(&target) && !came_from.contains_key(&target) {
                came_from.insert(target, (node, label));
                queue.push_back(target);
            }
        }
    }
    unreachable!("every member of a strongly connected component lies on a cycle")
}

/// The loops a depth-first walk from `root` closes: one per edge back to a node on the current
/// path, as the steps from that node round to the edge (each node with the label of its edge to
/// the next one), in the order the walk finds them.
pub fn closed_on_walk<N: Node, L: Copy>(edges: &[Vec<(N, L)>], root: N) -> Vec<Vec<(N, L)>> {
    struct Closing<N, L> {
        path: Vec<(N, L)>,
        loops: Vec<Vec<(N, L)>>,
    }
    impl<N: Node, L: Copy> Visitor<N, L> for Closing<N, L> {
        fn edge(&mut self, from: N, to: N, label: &L, seen: Seen) {
            match seen {
                Seen::New => self.path.push((from, *label)),
                Seen::Open => {
                    let start = self
                        .path
                        .iter()
                        .position(|(node, _)| *node == to)
                        .unwrap_or(self.path.len());
                    let mut steps = self.path[start..].to_vec();
                    steps.push((from, *label));
                    self.loops.push(steps);
                }
                Seen::Done => {}
            }
        }
        fn leave(&mut self, _node: N, parent: Option<N>) {
            if parent.is_some() {
                self.path.pop();
            }
        }
    }
    let mut closing = Closing {
        path: Vec::new(),
        loops: Vec::new(),
    };
    depth_first(edges, [root], &mut closing);
    closing.loops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(links: &[(usize, usize)], nodes: usize) -> Edges<usize, ()> {
        let mut edges = vec![Vec::new(); nodes];
        for &(from, to) in links {
            edges[from].push((to, ()));
        }
        edges
    }

    fn path(steps: &[(usize, ())]) -> Vec<usize> {
        steps.iter().map(|(node, _)| *node).collect()
    }

    #[test]
    fn one_shortest_cycle_per_group_of_mutual_references() {
        // 0 → 1 → 2 → 0 and 1 → 0: one group, shortest loop 0 → 1 → 0; 3 → 3: a self-loop;
        // 4 → 0: no loop.
        let edges = graph(&[(0, 1), (1, 2), (2, 0), (1, 0), (3, 3), (4, 0)], 5);
        let mut found: Vec<Vec<usize>> = cycles(&edges).iter().map(|steps| path(steps)).collect();
        found.sort();
        assert_eq!(found, vec![vec![0, 1], vec![3]]);
        assert_eq!(on_cycles(&edges), [true, true, true, true, false]);
    }

    #[test]
    fn every_edge_back_on_the_walk_closes_a_loop() {
        // From 0: 0 → 1 → 2 → 0 and 1 → 0 close two loops; 3 ⇄ 4 is not reached.
        let edges = graph(&[(0, 1), (1, 2), (2, 0), (1, 0), (3, 4), (4, 3)], 5);
        let found: Vec<Vec<usize>> = closed_on_walk(&edges, 0)
            .iter()
            .map(|steps| path(steps))
            .collect();
        assert_eq!(found, vec![vec![0, 1, 2], vec![0, 1]]);
        assert!(closed_on_walk(&graph(&[(0, 1)], 2), 0).is_empty());
    }

    #[test]
    fn post_order_puts_a_node_after_what_it_reaches() {
        let edges = graph(&[(0, 1), (1, 2), (0, 3), (4, 0)], 5);
        assert_eq!(post_order(&edges, [0, 4]), [2, 1, 3, 0, 4]);
        assert_eq!(post_order(&edges, [3]), [3]);
    }

    #[test]
    fn values_fold_over_everything_a_node_reaches() {
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
        let links: Vec<(usize, usize)> = (0..count).map(|i| (i, (i + 1) % count)).collect();
        let edges = graph(&links, count);
        assert_eq!(cycles(&edges)[0].len(), count);
        assert_eq!(closed_on_walk(&edges, 0)[0].len(), count);
        let own = vec![Some(1); count];
        assert_eq!(fold_reachable(&edges, &own, u32::max).len(), count);
    }
}
