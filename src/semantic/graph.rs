//! The items of the model as a graph (the walks are [`crate::graph`]'s), and the finding for a
//! loop of items: formulas that use themselves (`formula-cycle`) and `drives` links that loop
//! (`strategy-map-cycle`).

use super::model::{ItemId, Model};
use crate::diagnostics::{self, Finding, Rule};
use crate::graph;
use crate::source::Span;

/// For each item (by index), the items it points at, each with the place it names them.
pub type Edges = graph::Edges<ItemId, Span>;

impl graph::Node for ItemId {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn from_index(index: usize) -> Self {
        Self(index as u32)
    }
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
