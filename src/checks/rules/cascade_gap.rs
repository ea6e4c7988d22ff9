//! `cascade-gap` (alignment): the children's final targets cannot deliver their parent's. For a
//! KPI that adds up, the children's targets at the parent's deadline must sum to at least the
//! parent's target (`up`; at most for `down`); for any other `up`/`down` KPI, at least one
//! child's target at that deadline must be as ambitious as the parent's. Children without a
//! target are left out of the sum; a parent none of whose children has a target of its own is
//! not judged. The finding points at the parent's target, the children's as labels.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::eval::periods;
use crate::period::Period;
use crate::score::Plan;
use crate::semantic::cascade;
use crate::semantic::model::{ItemId, KpiPart, Target};
use crate::source::Span;
use crate::vocabulary::Direction;

use super::common::{self, MAX_LABELS};
use super::duplicate_target::target_span;

pub const CHECK: Check = Check {
    rule: Rule::CascadeGap,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    for kpi in common::kpis(model) {
        let Some(direction) = kpi.kpi.direction.as_ref().map(|d| d.node) else {
            continue;
        };
        if direction == Direction::Range {
            continue;
        }
        let grain = periods::measure_grain(model, kpi.id);
        let adds_up = cascade::adds_up(model, kpi.id);
        for &parent in &model.orgs.order {
            let children = model.orgs.children(parent);
            if children.is_empty() {
                continue;
            }
            let planned = cascade::kpi_for_org(model, kpi.id, Some(parent));
            let Some((deadline, goal)) = final_target(&planned) else {
                continue;
            };
            // Each child's target at the parent's deadline, and where it is written; only
            // targets a child was given itself count as a child's own.
            let mut own_count = 0;
            let targets: Vec<(ItemId, f64, Span)> = children
                .iter()
                .filter_map(|&child| {
                    let part = cascade::kpi_for_org(model, kpi.id, Some(child));
                    let target = part.target.as_ref()?;
                    let plan = Plan::of_kpi(&part, grain)?;
                    if has_own_target(kpi.kpi, child) {
                        own_count += 1;
                    }
                    Some((child, plan.value(deadline), target_span(target)))
                })
                .collect();
            if own_count == 0 {
                continue;
            }
            let up = direction == Direction::Up;
            let (delivered, words) = if adds_up {
                let sum: f64 = targets.iter().map(|(_, value, _)| value).sum();
                (sum, "sum to")
            } else {
                let best = targets.iter().map(|(_, value, _)| *value);
                let best = if up {
                    best.fold(f64::NEG_INFINITY, f64::max)
                } else {
                    best.fold(f64::INFINITY, f64::min)
                };
                (best, "reach at best")
            };
            let short = if up {
                delivered < goal
            } else {
                delivered > goal
            };
            if !short || targets.is_empty() {
                continue;
            }
            let name = |id: ItemId| model.item(id).id.node.as_str();
            let span = planned
                .target
                .as_ref()
                .map_or(kpi.item.id.span, target_span);
            let mut finding = Finding::new(
                Rule::CascadeGap,
                span,
                format!(
                    "the targets of `{}`'s children {words} {} at {deadline}, against `{}`'s \
                     target of {}: a gap of {}",
                    name(parent),
                    show(delivered),
                    name(parent),
                    show(goal),
                    show((goal - delivered).abs()),
                ),
            )
            .label(format!("`{}`'s target for `{}`", name(parent), kpi.name()))
            .help(if adds_up {
                "the children's targets of a KPI that adds up must add up to the parent's: \
                 raise them, or give every child a target"
            } else {
                "if every child aims lower than the parent, the parent cannot reach its own: \
                 raise a child's target, or lower the parent's"
            });
            for (child, value, span) in targets.iter().take(MAX_LABELS) {
                finding = finding.with_secondary(
                    *span,
                    format!("`{}`: {} at {deadline}", name(*child), show(*value)),
                );
            }
            out.push(finding);
        }
    }
}

/// The deadline and value of a KPI's final target (`None` for a range or none).
fn final_target(part: &KpiPart) -> Option<(Period, f64)> {
    match part.target.as_ref()? {
        Target::Value {
            value,
            deadline: Some(deadline),
        } => Some((deadline.node, value.value)),
        Target::Milestones(milestones) => milestones
            .last()
            .map(|(period, value)| (period.node, value.value)),
        _ => None,
    }
}

/// Whether a `for` block (or targets-file row) names the org itself with a target.
fn has_own_target(part: &KpiPart, org: ItemId) -> bool {
    part.for_orgs
        .iter()
        .any(|b| b.org.target == Some(org) && b.target.is_some())
}

fn show(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    rounded.to_string()
}
