//! The orgs of the report (ORGS.md, "Scoring and roll-up per org", "Report"): each org's
//! scorecard, scored on its own data with its own targets and weights, and each KPI's rank
//! among the org's siblings at `as_of`.
//!
//! A KPI applies to an org when it has an actual for that org in the span, or a `for` block
//! names the org or one of its ancestors; the root's scorecard is the top of the report, where
//! every KPI applies.

use std::cmp::Ordering;

use rayon::prelude::*;
use std::collections::HashMap;

use super::build::{
    ScoredCard, history_json, initiatives_by_objective, perspective_json, score_card,
};
use super::document::{Bound, OrgJson, OrgKpiJson};
use super::kpi::kpi_json;
use crate::eval::Evaluator;
use crate::period::Period;
use crate::pipeline::CheckOutcome;
use crate::score::status_of_score;
use crate::semantic::cascade;
use crate::semantic::model::{ItemId, ItemKind};
use crate::vocabulary::Direction;

/// Every org's scorecard, in the tree's order; empty for a project without orgs.
pub(super) fn orgs_json(
    outcome: &CheckOutcome,
    kpis: &[ItemId],
    shown: &[Period],
    as_of: Option<Period>,
) -> Vec<OrgJson> {
    let model = &outcome.model;
    let tree = &model.orgs;
    // Each org is scored on its own data, independently of the others: on rayon's threads.
    let mut orgs: Vec<OrgJson> = tree
        .order
        .par_iter()
        .filter_map(|&org| {
            let data = outcome.org_data.get(&org)?;
            let mut eval = Evaluator::new(model, data);
            let is_root = tree.root == Some(org);
            let ScoredCard { assessed, card } =
                score_card(&mut eval, model, kpis, Some(org), shown, |kpi| {
                    is_root || kpi.has_actual() || cascade::named_for(model, kpi.id, org)
                });
            let mut initiatives = initiatives_by_objective(model);
            let mut no_comments = HashMap::new();
            let perspectives = card
                .perspectives
                .iter()
                .map(|p| {
                    perspective_json(
                        model,
                        Some(org),
                        shown,
                        p,
                        &mut initiatives,
                        &mut no_comments,
                    )
                })
                .collect();
            let kpis = assessed
                .into_iter()
                .map(|kpi| {
                    let weight = card.kpi_weights.get(&kpi.id).copied();
                    let json = kpi_json(&mut eval, outcome, kpi, weight, as_of, Vec::new());
                    OrgKpiJson {
                        ranks: vec![None; json.series.len()],
                        kpi: json,
                        rank: None,
                        of: None,
                    }
                })
                .collect();
            let item = model.item(org);
            let ItemKind::Org(declared) = &item.kind else {
                unreachable!("the tree holds orgs")
            };
            let name = |id: &ItemId| model.item(*id).id.node.clone();
            let score = card.history.last().copied().flatten();
            Some(OrgJson {
                id: item.id.node.clone(),
                title: item.title.clone(),
                parent: tree.parent.get(&org).map(name),
                owner: declared.owner.as_ref().map(|o| o.node.clone()),
                children: tree.children(org).iter().map(name).collect(),
                score,
                status: status_of_score(score),
                coverage: card.coverage.last().copied(),
                history: history_json(shown, &card.history, &card.coverage),
                perspectives,
                kpis,
            })
        })
        .collect();
    rank_siblings(outcome, &mut orgs);
    orgs
}

/// Each KPI's rank among the children of each parent, in every period of its series and at
/// `as_of`: by score, highest first; ties by the actual in the direction's sense (for `range`,
/// closeness to the green band), then by id. Children without a score are unranked.
fn rank_siblings(outcome: &CheckOutcome, orgs: &mut [OrgJson]) {
    let model = &outcome.model;
    let index: HashMap<String, usize> = orgs
        .iter()
        .enumerate()
        .map(|(i, org)| (org.id.clone(), i))
        .collect();
    let families: Vec<Vec<usize>> = orgs
        .iter()
        .map(|org| {
            org.children
                .iter()
                .filter_map(|c| index.get(c).copied())
                .collect()
        })
        .collect();
    for children in families {
        // Each KPI's place in each child's list.
        let mut by_kpi: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for &child in &children {
            for (k, kpi) in orgs[child].kpis.iter().enumerate() {
                by_kpi
                    .entry(kpi.kpi.id.clone())
                    .or_default()
                    .push((child, k));
            }
        }
        for (kpi, places) in by_kpi {
            let direction = model
                .names
                .get(&kpi)
                .and_then(|&id| model.item(id).as_measure()?.kpi.as_ref()?.direction.clone())
                .map(|d| d.node);
            let periods = orgs[places[0].0].kpis[places[0].1].kpi.series.len();
            for at in 0..periods {
                let standings = places.iter().filter_map(|&(child, k)| {
                    let entry = orgs[child].kpis[k].kpi.series.get(at)?;
                    Some((
                        (child, k),
                        Standing::of(entry.score?, entry.actual, entry.green),
                    ))
                });
                for ((child, k), place) in ranked(orgs, direction, standings) {
                    orgs[child].kpis[k].ranks[at] = Some(place);
                }
            }
            let at_as_of = places.iter().filter_map(|&(child, k)| {
                let latest = orgs[child].kpis[k].kpi.latest.as_ref()?;
                let green = orgs[child].kpis[k]
                    .kpi
                    .series
                    .iter()
                    .find(|entry| entry.period == latest.period)
                    .and_then(|entry| entry.green);
                Some((
                    (child, k),
                    Standing::of(latest.score?, latest.actual, green),
                ))
            });
            for ((child, k), (rank, of)) in ranked(orgs, direction, at_as_of) {
                orgs[child].kpis[k].rank = Some(rank);
                orgs[child].kpis[k].of = Some(of);
            }
        }
    }
}

/// The places of `standings` (by the org and KPI position they belong to), each `(rank, of)`.
fn ranked(
    orgs: &[OrgJson],
    direction: Option<Direction>,
    standings: impl Iterator<Item = ((usize, usize), Standing)>,
) -> Vec<((usize, usize), (usize, usize))> {
    let mut standings: Vec<((usize, usize), Standing)> = standings.collect();
    standings.sort_by(|a, b| {
        compare(direction, &a.1, &b.1).then_with(|| orgs[a.0.0].id.cmp(&orgs[b.0.0].id))
    });
    let of = standings.len();
    standings
        .into_iter()
        .enumerate()
        .map(|(place, (at, _))| (at, (place + 1, of)))
        .collect()
}

/// What a KPI's rank among siblings is decided by.
struct Standing {
    score: f64,
    actual: Option<f64>,
    green: Option<Bound>,
}

impl Standing {
    fn of(score: f64, actual: Option<f64>, green: Option<Bound>) -> Standing {
        Standing {
            score,
            actual,
            green,
        }
    }

    /// How far the actual is from being better: lower is better.
    fn shortfall(&self, direction: Option<Direction>) -> f64 {
        let Some(actual) = self.actual else {
            return f64::INFINITY;
        };
        match (direction, self.green) {
            (Some(Direction::Down), _) => actual,
            (Some(Direction::Range), Some(Bound::Pair([low, high]))) => {
                (low - actual).max(actual - high).max(0.0)
            }
            _ => -actual,
        }
    }
}

/// Higher score first, then the better actual.
fn compare(direction: Option<Direction>, a: &Standing, b: &Standing) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.shortfall(direction).total_cmp(&b.shortfall(direction)))
}
