//! Step 6: the organisation's tree (ORGS.md). The `org` declarations' `parent` links make one
//! tree: `parent` links that loop are `org-cycle`, a second org without a parent is
//! `missing-property` (at the later one). Orgs on a loop, and below a second root, are left out
//! of [`OrgTree`], so that later stages walk a tree.

use std::collections::HashMap;

use super::graph::{self, Edges, LoopWords};
use super::model::*;
use crate::diagnostics::{Finding, Rule};

pub fn build(model: &mut Model, findings: &mut Vec<Finding>) {
    let orgs: Vec<ItemId> = model
        .ids()
        .filter(|&id| matches!(model.item(id).kind, ItemKind::Org(_)))
        .collect();
    if orgs.is_empty() {
        return;
    }
    let parent_of = |id: ItemId| match &model.item(id).kind {
        ItemKind::Org(org) => org.parent.as_ref().and_then(|p| Some((p.target?, p.span))),
        _ => None,
    };
    let mut edges: Edges = vec![Vec::new(); model.items.len()];
    for &org in &orgs {
        edges[org.0 as usize].extend(parent_of(org));
    }
    for steps in crate::graph::cycles(&edges) {
        findings.push(graph::loop_finding(model, &steps, &WORDS));
    }

    // Roots: orgs written without a `parent` (an unknown parent has its own finding and makes
    // no second root). Declaration order decides which one is the root.
    let written_roots: Vec<ItemId> = orgs
        .iter()
        .copied()
        .filter(|&org| match &model.item(org).kind {
            ItemKind::Org(o) => o.parent.is_none(),
            _ => false,
        })
        .collect();
    if let Some((&root, others)) = written_roots.split_first() {
        for &other in others {
            findings.push(second_root(model, root, other));
        }
    }
    let mut children: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
    let mut parent = HashMap::new();
    for &org in &orgs {
        if let Some((up, _)) = parent_of(org) {
            children.entry(up).or_default().push(org);
        }
    }
    let mut tree = OrgTree {
        root: written_roots.first().copied(),
        ..OrgTree::default()
    };
    // Depth first from the root, children in declaration order: orgs on a loop are never
    // reached.
    let mut stack: Vec<ItemId> = tree.root.into_iter().collect();
    while let Some(org) = stack.pop() {
        tree.order.push(org);
        let below = children.remove(&org).unwrap_or_default();
        for &child in &below {
            parent.insert(child, org);
        }
        stack.extend(below.iter().rev());
        if !below.is_empty() {
            tree.children.insert(org, below);
        }
    }
    tree.parent = parent;
    model.orgs = tree;
}

fn second_root(model: &Model, root: ItemId, other: ItemId) -> Finding {
    let (root, other) = (model.item(root), model.item(other));
    Finding::new(
        Rule::MissingProperty,
        other.id.span,
        format!("org `{}` has no `parent`", other.id.node),
    )
    .label("a second org without a parent")
    .with_secondary(
        root.id.span,
        format!("`{}` is the root of the organisation", root.id.node),
    )
    .help(format!(
        "the orgs form one tree with one root: name its parent, e.g. `parent {}`",
        root.id.node
    ))
}

const WORDS: LoopWords = LoopWords {
    rule: Rule::OrgCycle,
    itself: |name| format!("org `{name}` is its own parent"),
    chain: |chain| format!("orgs are their own ancestors: {chain}"),
    step: |from, to| format!("`{from}` has parent `{to}` here"),
    help: "the orgs form one tree: one of these must have another parent",
};

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;
    use crate::project::load_text;
    use crate::semantic::analyze;

    fn tree(source: &str) -> (Vec<String>, Vec<(Rule, String)>) {
        let project = load_text("test.kpi", std::path::Path::new("."), source);
        let (model, findings) = analyze(&project);
        let order = model
            .orgs
            .order
            .iter()
            .map(|&id| {
                let depth = model.orgs.depth(id);
                format!("{}{}", "  ".repeat(depth), model.item(id).id.node)
            })
            .collect();
        let findings = findings.into_iter().map(|f| (f.rule, f.message)).collect();
        (order, findings)
    }

    const CARD: &str = "scorecard \"S\" { owner \"o\" period 2026-01 .. 2026-12 }\n";

    #[test]
    fn orgs_form_a_tree_listed_depth_first_in_declaration_order() {
        let (order, findings) = tree(&format!(
            "{CARD}org g \"G\"\norg n \"N\" {{ parent g }}\norg s \"S\" {{ parent g }}\n\
             org leeds \"L\" {{ parent n }}\norg york \"Y\" {{ parent n }}\norg bath \"B\" {{ parent s }}\n"
        ));
        assert_eq!(
            order,
            ["g", "  n", "    leeds", "    york", "  s", "    bath"]
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_parent_loop_and_a_second_root_are_findings_and_left_out() {
        let (order, findings) = tree(&format!(
            "{CARD}org g \"G\"\norg a \"A\" {{ parent b }}\norg b \"B\" {{ parent a }}\n\
             org other \"O\"\norg c \"C\" {{ parent g }}\n"
        ));
        assert_eq!(order, ["g", "  c"]);
        assert_eq!(
            findings,
            [
                (
                    Rule::OrgCycle,
                    "orgs are their own ancestors: a → b → a".to_string()
                ),
                (
                    Rule::MissingProperty,
                    "org `other` has no `parent`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_parent_that_is_no_org_is_wrong_kind() {
        let (_, findings) = tree(&format!(
            "{CARD}perspective p \"P\"\norg g \"G\"\norg a \"A\" {{ parent p }}\n"
        ));
        assert_eq!(findings[0].0, Rule::WrongKind, "{findings:?}");
    }
}
