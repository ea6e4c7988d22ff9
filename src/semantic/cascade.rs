//! What a KPI or an objective is for one org (ORGS.md, "Targets, owners and weights per org"):
//! a `for ORG { … }` block applies to ORG and its descendants, the narrowest block wins per
//! property, and what no block gives comes from the declaration itself. A KPI that adds up
//! passes no baseline, target or thresholds down: an amount cannot hold for a part and the
//! whole alike.

use std::borrow::Cow;

use super::model::*;
use crate::vocabulary::{Aggregate, Spanned};

/// The KPI `kpi` as it holds for `org` (`None`: a project without orgs, where it is as
/// declared).
pub fn kpi_for_org(model: &Model, kpi: ItemId, org: Option<ItemId>) -> Cow<'_, KpiPart> {
    let part = kpi_part(model, kpi).expect("a KPI");
    let Some(org) = org else {
        return Cow::Borrowed(part);
    };
    if part.for_orgs.is_empty() && !adds_up(model, kpi) {
        return Cow::Borrowed(part);
    }
    let is_root = model.orgs.root == Some(org);
    // The blocks that hold for the org, nearest first.
    let blocks: Vec<&KpiFor> = model
        .orgs
        .lineage(org)
        .flat_map(|o| {
            part.for_orgs
                .iter()
                .filter(move |b| b.org.target == Some(o))
        })
        .collect();
    let nearest = |get: &dyn Fn(&KpiFor) -> bool| blocks.iter().copied().find(|b| get(b));
    let own = |get: &dyn Fn(&KpiFor) -> bool| {
        blocks
            .iter()
            .copied()
            .find(|b| b.org.target == Some(org) && get(b))
    };
    // A KPI that adds up takes its plan from a block for this org only; its own plan is the
    // root's.
    let plan_block = |get: &dyn Fn(&KpiFor) -> bool| {
        if adds_up(model, kpi) {
            own(get)
        } else {
            nearest(get)
        }
    };
    let inherits_plan = !adds_up(model, kpi) || is_root;
    let mut effective = part.clone();
    effective.for_orgs = Vec::new();
    if let Some(block) = nearest(&|b| b.owner.is_some()) {
        effective.owner.clone_from(&block.owner);
    }
    if let Some(block) = nearest(&|b| b.tolerance.is_some()) {
        effective.tolerance = block.tolerance;
    }
    if let Some(block) = nearest(&|b| b.weight.is_some()) {
        effective.weight.clone_from(&block.weight);
    }
    match plan_block(&|b| b.baseline.is_some()) {
        Some(block) => effective.baseline.clone_from(&block.baseline),
        None if !inherits_plan => effective.baseline = None,
        None => {}
    }
    match plan_block(&|b| b.target.is_some()) {
        Some(block) => {
            effective.target.clone_from(&block.target);
            effective.target_written = true;
        }
        None if !inherits_plan => {
            effective.target = None;
            effective.target_written = false;
        }
        None => {}
    }
    match plan_block(&|b| b.thresholds.is_some()) {
        Some(block) => effective.thresholds.clone_from(&block.thresholds),
        None if !inherits_plan => effective.thresholds = None,
        None => {}
    }
    Cow::Owned(effective)
}

/// The owner and weight of an objective for `org`: its nearest `for` block's, else its own.
pub fn objective_for_org(
    objective: &Objective,
    tree: &OrgTree,
    org: Option<ItemId>,
) -> (Option<Spanned<String>>, Option<Spanned<f64>>) {
    let blocks: Vec<&ObjectiveFor> = org
        .into_iter()
        .flat_map(|org| tree.lineage(org))
        .flat_map(|o| {
            objective
                .for_orgs
                .iter()
                .filter(move |b| b.org.target == Some(o))
        })
        .collect();
    let owner = blocks
        .iter()
        .find_map(|b| b.owner.clone())
        .or_else(|| objective.owner.clone());
    let weight = blocks
        .iter()
        .find_map(|b| b.weight.clone())
        .or_else(|| objective.weight.clone());
    (owner, weight)
}

/// Whether a KPI adds up: its formula is one input whose aggregate is `sum` (or it is such an
/// input itself). Its amounts hold for one org only.
pub fn adds_up(model: &Model, kpi: ItemId) -> bool {
    let Some(measure) = model.item(kpi).as_measure() else {
        return false;
    };
    let input = match &measure.formula {
        None => measure,
        Some(Formula {
            kind: FormulaKind::Measure(input),
            ..
        }) => match model.item(*input).as_measure() {
            Some(input) if input.formula.is_none() => input,
            _ => return false,
        },
        Some(_) => return false,
    };
    effective_aggregate(input) == Aggregate::Sum
}

/// Whether a `for` block of the KPI names the org or one of its ancestors.
pub fn named_for(model: &Model, kpi: ItemId, org: ItemId) -> bool {
    let Some(part) = kpi_part(model, kpi) else {
        return false;
    };
    model
        .orgs
        .lineage(org)
        .any(|o| part.for_orgs.iter().any(|b| b.org.target == Some(o)))
}

fn kpi_part(model: &Model, id: ItemId) -> Option<&KpiPart> {
    model.item(id).as_measure()?.kpi.as_deref()
}
