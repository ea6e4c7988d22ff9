//! `perspective-without-objective` (alignment): a perspective of the scorecard with no
//! objective. The scorecard's perspectives are the project's own and those of a library it
//! builds on: a library file's perspectives (`std.bsc`) are in the scorecard once the project
//! places an objective on one of them, so a bare `use std.bsc` with no objective on any of the
//! four raises nothing (library items a project does not use raise no finding). Nothing is
//! reported while an objective's `perspective` is missing or names nothing (it may be meant for
//! the empty one), or while a declaration is left out for a syntax error.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::PerspectiveWithoutObjective,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    if !common::all_parsed(cx.model) {
        return;
    }
    let in_scorecard = common::perspectives_in_scorecard(cx.model);
    let mut has_objective = vec![false; cx.model.items.len()];
    for (_, _, objective) in common::objectives(cx.model) {
        match objective.perspective.as_ref().and_then(|r| r.target) {
            Some(perspective) => has_objective[perspective.0 as usize] = true,
            None => return,
        }
    }
    for (index, item) in cx.model.items.iter().enumerate() {
        if !in_scorecard[index] || has_objective[index] {
            continue;
        }
        let name = &item.id.node;
        let mut finding = Finding::new(
            Rule::PerspectiveWithoutObjective,
            item.id.span,
            format!("perspective `{name}` has no objective"),
        )
        .label("no objective in this perspective");
        finding = if item.from_stdlib {
            finding.help(format!(
                "add an objective with `perspective {name}`; if the scorecard does not need this \
                 perspective, declare the perspectives it does need instead of using the library's"
            ))
        } else {
            finding.help(format!(
                "add an objective with `perspective {name}`, or remove the perspective"
            ))
        };
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;

    use super::super::common::findings_of;

    const SCORECARD: &str = "scorecard \"S\" { period 2026-01 .. 2026-12 }\nuse std.bsc\n";

    #[test]
    fn a_library_the_project_does_not_build_on_raises_nothing() {
        assert!(findings_of(Rule::PerspectiveWithoutObjective, SCORECARD).is_empty());
        let own =
            format!("{SCORECARD}perspective p \"P\"\nobjective o \"O\" {{ perspective p }}\n");
        assert!(findings_of(Rule::PerspectiveWithoutObjective, &own).is_empty());
    }

    #[test]
    fn once_an_objective_is_on_the_library_every_empty_perspective_of_it_is_reported() {
        let text = format!("{SCORECARD}objective o \"O\" {{ perspective financial }}\n");
        let findings = findings_of(Rule::PerspectiveWithoutObjective, &text);
        let names: Vec<&str> = findings
            .iter()
            .map(|f| f.message.split('`').nth(1).unwrap())
            .collect();
        assert_eq!(names, ["customer", "internal", "learning"]);
    }
}
