//! `weights-not-100` (alignment; an error by default): sibling weights given on some siblings
//! only, or not summing to 100% (within 1e-9). Siblings are the KPIs of one objective, the
//! objectives of one perspective and the perspectives of the scorecard (the project's own and
//! the library ones it builds on, see `perspective-without-objective`). Siblings without any
//! weight share equally and are fine. One finding per group: the first weight is the primary
//! place, the other weights and the siblings without one are labelled (at most
//! [`common::MAX_LABELS`]).

use std::collections::HashMap;

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind};
use crate::vocabulary::Spanned;

use super::common::{self, MAX_LABELS, percent};

pub const CHECK: Check = Check {
    rule: Rule::WeightsNot100,
    run,
};

const TOLERANCE: f64 = 1e-9;

/// Siblings under one parent (`None`: the scorecard), each with its weight.
struct Group<'a> {
    parent: Option<ItemId>,
    kind: &'static str,
    members: Vec<(ItemId, Option<&'a Spanned<f64>>)>,
}

/// The sibling groups, in the order their first member is declared.
fn groups(model: &Model) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<(Option<ItemId>, &'static str), usize> = HashMap::new();
    let in_scorecard = common::perspectives_in_scorecard(model);
    for (id, item) in model.ids().zip(&model.items) {
        let (parent, kind, weight) = match &item.kind {
            ItemKind::Perspective(perspective) if in_scorecard[id.0 as usize] => {
                (None, "perspectives", perspective.weight.as_ref())
            }
            ItemKind::Objective(objective) if !item.from_stdlib => {
                match objective.perspective.as_ref().and_then(|r| r.target) {
                    Some(perspective) => {
                        (Some(perspective), "objectives", objective.weight.as_ref())
                    }
                    None => continue,
                }
            }
            ItemKind::Measure(measure) if !item.from_stdlib => {
                match measure
                    .kpi
                    .as_ref()
                    .and_then(|kpi| Some((kpi.objective.as_ref()?.target?, kpi)))
                {
                    Some((objective, kpi)) => (Some(objective), "KPIs", kpi.weight.as_ref()),
                    None => continue,
                }
            }
            _ => continue,
        };
        let at = *index.entry((parent, kind)).or_insert_with(|| {
            groups.push(Group {
                parent,
                kind,
                members: Vec::new(),
            });
            groups.len() - 1
        });
        groups[at].members.push((id, weight));
    }
    groups
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for group in groups(cx.model) {
        if let Some(finding) = judge(cx.model, &group) {
            out.push(finding);
        }
    }
}

fn judge(model: &Model, group: &Group) -> Option<Finding> {
    let name = |id: ItemId| model.item(id).id.node.as_str();
    let weighted: Vec<(ItemId, &Spanned<f64>)> = group
        .members
        .iter()
        .filter_map(|(id, weight)| Some((*id, (*weight)?)))
        .collect();
    let unweighted: Vec<ItemId> = group
        .members
        .iter()
        .filter(|(_, weight)| weight.is_none())
        .map(|(id, _)| *id)
        .collect();
    let (first, first_weight) = *weighted.first()?;
    let sum: f64 = weighted.iter().map(|(_, weight)| weight.node).sum();
    if unweighted.is_empty() && (sum - 100.0).abs() <= TOLERANCE {
        return None;
    }
    let kind = group.kind;
    let parent = match group.parent {
        Some(parent) => {
            let parent_kind = match model.item(parent).kind {
                ItemKind::Perspective(_) => "perspective",
                _ => "objective",
            };
            format!("{parent_kind} `{}`", name(parent))
        }
        None => "the scorecard".to_string(),
    };
    let siblings = format!("the {kind} of {parent}");
    let listed: Vec<String> = weighted
        .iter()
        .take(MAX_LABELS)
        .map(|(id, weight)| format!("`{}` {}", name(*id), percent(weight.node)))
        .collect();
    let mut listed = listed.join(", ");
    if weighted.len() > MAX_LABELS {
        listed.push_str(&format!(" and {} more", weighted.len() - MAX_LABELS));
    }
    let (message, help) = if unweighted.is_empty() {
        let gap = 100.0 - sum;
        let (amount, side) = if gap > 0.0 {
            (gap, "short")
        } else {
            (-gap, "over")
        };
        (
            format!(
                "the weights of {siblings} sum to {}, not 100%: {listed}",
                percent(sum)
            ),
            format!("make them sum to 100%: they are {} {side}", percent(amount)),
        )
    } else {
        let names: Vec<&str> = unweighted.iter().map(|id| name(*id)).collect();
        (
            format!(
                "only {} of the {} {kind} of {parent} {} a weight ({listed}; sum {}): {} {} none",
                weighted.len(),
                group.members.len(),
                if weighted.len() == 1 { "has" } else { "have" },
                percent(sum),
                common::id_list(&names, MAX_LABELS),
                if names.len() == 1 { "has" } else { "have" }
            ),
            format!(
                "weigh all of {siblings} so that the weights sum to 100%, or none of them (then \
                 they share equally)"
            ),
        )
    };
    let mut finding = Finding::new(Rule::WeightsNot100, first_weight.span, message)
        .label(format!("weight of `{}`", name(first)))
        .help(help);
    let mut labels = 0;
    for (id, weight) in &weighted[1..] {
        if labels == MAX_LABELS {
            break;
        }
        finding = finding.with_secondary(weight.span, format!("weight of `{}`", name(*id)));
        labels += 1;
    }
    for id in unweighted {
        if labels == MAX_LABELS {
            break;
        }
        finding = finding.with_secondary(model.item(id).id.span, "no weight");
        labels += 1;
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;

    use super::super::common::findings_of;

    fn project(weights: &[&str]) -> String {
        let mut text = String::from(
            "scorecard \"S\" { period 2026-01 .. 2026-12 }\nperspective p \"P\"\n\
             objective o \"O\" { perspective p }\n",
        );
        for (i, weight) in weights.iter().enumerate() {
            text.push_str(&format!(
                "kpi k{i} \"K\" {{ objective o unit % direction up {weight} }}\n"
            ));
        }
        text
    }

    #[test]
    fn thirds_sum_to_100_within_the_tolerance() {
        let thirds = ["weight 33.3333333333%"; 3];
        assert!(findings_of(Rule::WeightsNot100, &project(&thirds)).is_empty());
        let off = ["weight 33.33%"; 3];
        let findings = findings_of(Rule::WeightsNot100, &project(&off));
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("sum to 99.99%"),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].secondary.len(), 2);
    }

    #[test]
    fn no_weights_share_equally_and_some_weights_are_one_finding() {
        assert!(findings_of(Rule::WeightsNot100, &project(&["", "", ""])).is_empty());
        let findings = findings_of(Rule::WeightsNot100, &project(&["weight 100%", "", ""]));
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("`k1` and `k2` have none"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn labels_are_capped() {
        let many = ["weight 5%"; 30];
        let findings = findings_of(Rule::WeightsNot100, &project(&many));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].secondary.len(), super::MAX_LABELS);
        assert!(findings[0].message.contains("sum to 150%"));
    }
}
