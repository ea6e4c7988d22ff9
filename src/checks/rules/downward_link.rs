//! `downward-link` (alignment): an objective that drives one in a perspective drawn below its
//! own. Perspectives are drawn top to bottom in declaration order (`std.bsc`: financial,
//! customer, internal, learning), so causes sit below their effects and links run upward; a
//! link within one perspective is fine.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind, Reference};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::DownwardLink,
    run,
};

/// The perspective an objective is in, with its drawing order and the reference naming it.
fn perspective_of(model: &Model, objective: ItemId) -> Option<(ItemId, usize, &Reference)> {
    let reference = common::as_objective(model.item(objective))?
        .perspective
        .as_ref()?;
    let perspective = reference.target?;
    match &model.item(perspective).kind {
        ItemKind::Perspective(p) => Some((perspective, p.order, reference)),
        _ => None,
    }
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    let name = |id: ItemId| model.item(id).id.node.as_str();
    for (id, _, objective) in common::objectives(model) {
        let Some((perspective, order, _)) = perspective_of(model, id) else {
            continue;
        };
        for link in &objective.drives {
            let Some(target) = link.target else { continue };
            let Some((target_perspective, target_order, target_reference)) =
                perspective_of(model, target)
            else {
                continue;
            };
            if target_order <= order {
                continue;
            }
            out.push(
                Finding::new(
                    Rule::DownwardLink,
                    link.span,
                    format!(
                        "objective `{}` in `{}` drives `{}` in `{}`, a perspective drawn below \
                         its own",
                        name(id),
                        name(perspective),
                        name(target),
                        name(target_perspective)
                    ),
                )
                .label("drives downward")
                .with_secondary(
                    target_reference.span,
                    format!(
                        "`{}` is in `{}`, below `{}`",
                        name(target),
                        name(target_perspective),
                        name(perspective)
                    ),
                )
                .help(format!(
                    "a strategy map runs upward, from causes below to the effects above them: \
                     if `{}` leads to `{}`, write `drives {}` on `{}` instead, or move one of \
                     them to the perspective it belongs to",
                    name(target),
                    name(id),
                    name(id),
                    name(target)
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::{case_findings, findings_of};
    use crate::diagnostics::Rule;

    #[test]
    fn a_link_down_the_map_is_found_and_one_within_a_perspective_is_not() {
        assert_eq!(
            case_findings(Rule::DownwardLink, "downward_link"),
            [
                "17: objective `invest` in `financial` drives `skills` in `learning`, a perspective \
              drawn below its own"
            ]
        );
        assert!(case_findings(Rule::DownwardLink, "downward_link_fixed").is_empty());
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 }\n\
            perspective up \"Up\"\nperspective low \"Low\"\n\
            objective a \"A\" { perspective low drives b }\n\
            objective b \"B\" { perspective low drives c }\n\
            objective c \"C\" { perspective up }\n";
        assert!(findings_of(Rule::DownwardLink, text).is_empty());
    }
}
