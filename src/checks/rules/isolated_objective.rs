//! `isolated-objective` (alignment): in a strategy map with at least one `drives` link, an
//! objective of the project that drives nothing and that nothing drives. A scorecard without
//! any link is a list of objectives, not a map, and raises nothing. An objective that lost its
//! id to another declaration (a `duplicate-name`) is not judged: no link can name it. Nothing
//! is reported while a `drives` link names no objective, or while a declaration is left out for
//! a syntax error: the broken link may be the missing one.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};

use super::common;
use super::strategy_map_cycle::drives_links;

pub const CHECK: Check = Check {
    rule: Rule::IsolatedObjective,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    if !common::all_parsed(cx.model)
        || common::objectives(cx.model)
            .any(|(_, _, objective)| objective.drives.iter().any(|link| link.target.is_none()))
    {
        return;
    }
    let edges = drives_links(cx.model);
    let mut linked = vec![false; edges.len()];
    let mut any = false;
    for (from, targets) in edges.iter().enumerate() {
        for (target, _) in targets {
            linked[from] = true;
            linked[target.0 as usize] = true;
            any = true;
        }
    }
    if !any {
        return;
    }
    for (id, item, _) in common::objectives(cx.model) {
        if linked[id.0 as usize] || common::is_shadowed(cx.model, id) {
            continue;
        }
        let name = &item.id.node;
        out.push(
            Finding::new(
                Rule::IsolatedObjective,
                item.id.span,
                format!(
                    "objective `{name}` stands alone in the strategy map: it drives nothing and \
                     nothing drives it"
                ),
            )
            .label("no link in or out")
            .help(format!(
                "say which objective it serves with `drives …` on `{name}`, or which ones lead \
                 to it with `drives {name}` on them; an objective that serves none may not \
                 belong in the scorecard"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn an_objective_outside_the_map_is_found_and_a_map_without_links_is_a_list() {
        assert_eq!(
            case_findings(Rule::IsolatedObjective, "isolated_objective"),
            [
                "21: objective `quality` stands alone in the strategy map: it drives nothing and \
              nothing drives it"
            ]
        );
        assert!(case_findings(Rule::IsolatedObjective, "isolated_objective_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\nperspective p \"P\"\n\
            objective a \"A\" { perspective p }\nobjective b \"B\" { perspective p }\n";
        assert!(findings_of(Rule::IsolatedObjective, text).is_empty());
    }
}
