//! The roll-up of a whole scorecard (SCORING.md, "Roll-up"): from the scores of its KPIs in each
//! report period to each objective (over its KPIs), each perspective (over its objectives) and
//! the scorecard (over its perspectives), with every node's effective weight among its siblings.
//!
//! Each node also says how much of its weight is scored in each period (its *coverage*, in
//! percent): the roll-up renormalises over the children with a score, so that a score resting
//! on part of the weight must say so (a perspective of 40% without any score leaves the
//! scorecard's score 60% covered). A node's coverage is the share of its weight held by its
//! scored KPIs, through every level: an objective's is the sum of its scored KPIs' effective
//! weights; a perspective's and the scorecard's the weighted sum of their children's.
//!
//! The tree comes from the model: perspectives in their order, the objectives of each in
//! declaration order, the KPIs of each objective in declaration order. A KPI without an
//! objective has no weight and counts nowhere. For one org of an organisation (ORGS.md), the
//! KPIs that do not apply to it are left out, and weights are the org's.

use std::collections::HashMap;

use super::rollup::{effective_weights, rollup};
use crate::semantic::cascade;
use crate::semantic::model::{ItemId, ItemKind, KpiPart, Model, Reference};

/// The scores of the scorecard and of each node below it, per report period.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// The scorecard's score in each period.
    pub history: Vec<Option<f64>>,
    /// The percentage of the scorecard's weight that is scored, in each period.
    pub coverage: Vec<f64>,
    pub perspectives: Vec<PerspectiveScores>,
    /// Each KPI's effective weight among the KPIs of its objective.
    pub kpi_weights: HashMap<ItemId, f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PerspectiveScores {
    pub id: ItemId,
    /// The effective weight among the perspectives, in percent.
    pub weight: f64,
    pub history: Vec<Option<f64>>,
    /// The percentage of its weight that is scored, in each period.
    pub coverage: Vec<f64>,
    pub objectives: Vec<ObjectiveScores>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveScores {
    pub id: ItemId,
    /// The effective weight among the objectives of its perspective, in percent.
    pub weight: f64,
    pub history: Vec<Option<f64>>,
    /// The percentage of its weight that is scored, in each period.
    pub coverage: Vec<f64>,
    /// Its KPIs, in declaration order.
    pub kpis: Vec<ItemId>,
}

/// What the roll-up needs of one KPI.
#[derive(Debug, Clone, Copy)]
pub struct KpiScores<'s> {
    /// Its weight as written for the org (`None`: not written).
    pub weight: Option<f64>,
    /// Its score in each period.
    pub history: &'s [Option<f64>],
}

impl Scorecard {
    /// The roll-up over `periods` report periods of the KPIs' scores for `org` (`None`: a
    /// project without orgs): `kpi_scores(kpi)` is the KPI's weight and score in each of them,
    /// `None` for a KPI left out (one that does not apply to the org).
    pub fn roll_up<'s>(
        model: &Model,
        periods: usize,
        org: Option<ItemId>,
        kpi_scores: impl Fn(ItemId) -> Option<KpiScores<'s>>,
    ) -> Scorecard {
        let mut kpis_of: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
        let mut objectives_of: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
        for id in model.ids() {
            match &model.item(id).kind {
                ItemKind::Objective(objective) => {
                    if let Some(perspective) = target_of(&objective.perspective) {
                        objectives_of.entry(perspective).or_default().push(id);
                    }
                }
                _ => {
                    if let Some(objective) =
                        kpi_part(model, id).and_then(|p| target_of(&p.objective))
                        && kpi_scores(id).is_some()
                    {
                        kpis_of.entry(objective).or_default().push(id);
                    }
                }
            }
        }
        let kpi_weights = kpis_of
            .values()
            .flat_map(|siblings| {
                siblings
                    .iter()
                    .copied()
                    .zip(kpi_weights(siblings, &kpi_scores))
            })
            .collect();

        let perspectives = perspectives(model);
        let perspective_weights = effective_weights(
            &perspectives
                .iter()
                .map(|&id| match &model.item(id).kind {
                    ItemKind::Perspective(p) => p.weight.as_ref().map(|w| w.node),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        );
        let perspectives: Vec<PerspectiveScores> = perspectives
            .iter()
            .zip(perspective_weights)
            .map(|(&id, weight)| {
                let own = objectives_of.remove(&id).unwrap_or_default();
                let objectives = objectives(model, org, &own, &mut kpis_of, periods, &kpi_scores);
                let history = weighted(
                    objectives.iter().map(|o| (o.weight, &o.history[..])),
                    periods,
                );
                let coverage = covered(
                    objectives.iter().map(|o| (o.weight, &o.coverage[..])),
                    periods,
                );
                PerspectiveScores {
                    id,
                    weight,
                    history,
                    coverage,
                    objectives,
                }
            })
            .collect();
        let history = weighted(
            perspectives.iter().map(|p| (p.weight, &p.history[..])),
            periods,
        );
        let coverage = covered(
            perspectives.iter().map(|p| (p.weight, &p.coverage[..])),
            periods,
        );
        Scorecard {
            history,
            coverage,
            perspectives,
            kpi_weights,
        }
    }
}

/// The objectives `own` of one perspective, each rolled up over its KPIs.
fn objectives<'s>(
    model: &Model,
    org: Option<ItemId>,
    own: &[ItemId],
    kpis_of: &mut HashMap<ItemId, Vec<ItemId>>,
    periods: usize,
    kpi_scores: &impl Fn(ItemId) -> Option<KpiScores<'s>>,
) -> Vec<ObjectiveScores> {
    let weights = effective_weights(
        &own.iter()
            .map(|&id| match &model.item(id).kind {
                ItemKind::Objective(o) => {
                    let (_, weight) = cascade::objective_for_org(o, &model.orgs, org);
                    weight.map(|w| w.node)
                }
                _ => None,
            })
            .collect::<Vec<_>>(),
    );
    own.iter()
        .zip(weights)
        .map(|(&id, weight)| {
            let kpis = kpis_of.remove(&id).unwrap_or_default();
            let weights = kpi_weights(&kpis, kpi_scores);
            let scores: Vec<Option<&[Option<f64>]>> = kpis
                .iter()
                .map(|&k| kpi_scores(k).map(|s| s.history))
                .collect();
            let children_in = |i: usize| -> Vec<(f64, Option<f64>)> {
                weights
                    .iter()
                    .zip(&scores)
                    .map(|(&w, s)| (w, s.and_then(|s| s.get(i).copied().flatten())))
                    .collect()
            };
            let history = (0..periods).map(|i| rollup(&children_in(i))).collect();
            let coverage = (0..periods)
                .map(|i| {
                    children_in(i)
                        .iter()
                        .filter(|(_, score)| score.is_some())
                        .map(|(weight, _)| weight)
                        // Not `sum`: a sum of no floats is -0.0.
                        .fold(0.0, |total, weight| total + weight)
                })
                .collect();
            ObjectiveScores {
                id,
                weight,
                history,
                coverage,
                kpis,
            }
        })
        .collect()
}

/// The perspectives in their order.
fn perspectives(model: &Model) -> Vec<ItemId> {
    let mut list: Vec<(usize, ItemId)> = model
        .ids()
        .filter_map(|id| match &model.item(id).kind {
            ItemKind::Perspective(p) => Some((p.order, id)),
            _ => None,
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, id)| id).collect()
}

/// In each period, the weighted mean of the children's scores.
fn weighted<'h>(
    children: impl Iterator<Item = (f64, &'h [Option<f64>])>,
    periods: usize,
) -> Vec<Option<f64>> {
    let children: Vec<(f64, &[Option<f64>])> = children.collect();
    (0..periods)
        .map(|i| {
            let scored: Vec<(f64, Option<f64>)> =
                children.iter().map(|&(w, h)| (w, h[i])).collect();
            rollup(&scored)
        })
        .collect()
}

/// In each period, the share of the weight covered: each child's weight (in percent) times the
/// share of it that is covered.
fn covered<'c>(children: impl Iterator<Item = (f64, &'c [f64])>, periods: usize) -> Vec<f64> {
    let children: Vec<(f64, &[f64])> = children.collect();
    (0..periods)
        .map(|i| {
            children
                .iter()
                .fold(0.0, |total, &(w, c)| total + w * c[i] / 100.0)
        })
        .collect()
}

fn kpi_part(model: &Model, id: ItemId) -> Option<&KpiPart> {
    model.item(id).as_measure()?.kpi.as_deref()
}

fn target_of(reference: &Option<Reference>) -> Option<ItemId> {
    reference.as_ref().and_then(|r| r.target)
}

/// The effective weights of the KPIs of one objective.
fn kpi_weights<'s>(
    siblings: &[ItemId],
    kpi_scores: &impl Fn(ItemId) -> Option<KpiScores<'s>>,
) -> Vec<f64> {
    effective_weights(
        &siblings
            .iter()
            .map(|&k| kpi_scores(k).and_then(|s| s.weight))
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::model_of;

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a score");
        assert!((actual - expected).abs() < 1e-9, "{actual} vs {expected}");
    }

    /// Two perspectives weighted 60/40; the first's objective has two KPIs weighted 75/25 and
    /// the second's two objectives share equally.
    #[test]
    fn scores_roll_up_through_objectives_and_perspectives() {
        let model = model_of(
            "scorecard \"S\" { period 2026-01 .. 2026-02 }\n\
             perspective money \"Money\" { weight 60% }\n\
             perspective people \"People\" { weight 40% }\n\
             objective grow \"Grow\" { perspective money }\n\
             objective hire \"Hire\" { perspective people }\n\
             objective keep \"Keep\" { perspective people }\n\
             kpi a \"A\" { objective grow direction up weight 75% }\n\
             kpi b \"B\" { objective grow direction up weight 25% }\n\
             kpi c \"C\" { objective hire direction up }\n\
             kpi d \"D\" { objective keep direction up }\n",
        );
        let id = |name: &str| model.names[name];
        let scores: HashMap<ItemId, Vec<Option<f64>>> = [
            ("a", vec![Some(8.0), Some(10.0)]),
            ("b", vec![Some(4.0), None]),
            ("c", vec![Some(6.0), None]),
            ("d", vec![Some(2.0), None]),
        ]
        .into_iter()
        .map(|(name, history)| (id(name), history))
        .collect();
        let card = Scorecard::roll_up(&model, 2, None, |kpi| {
            scores.get(&kpi).map(|history| KpiScores {
                weight: super::kpi_part(&model, kpi)
                    .and_then(|p| p.weight.as_ref())
                    .map(|w| w.node),
                history,
            })
        });
        let [money, people] = &card.perspectives[..] else {
            panic!("two perspectives")
        };
        assert_eq!((money.id, money.weight), (id("money"), 60.0));
        assert_eq!(people.objectives.len(), 2);
        assert_eq!(people.objectives[0].weight, 50.0);
        assert_eq!(money.objectives[0].kpis, [id("a"), id("b")]);
        // Jan: grow 0.75·8 + 0.25·4 = 7; people (6 + 2)/2 = 4; card 0.6·7 + 0.4·4 = 5.8.
        close(money.history[0], 7.0);
        close(people.history[0], 4.0);
        close(card.history[0], 5.8);
        // Feb: only a is scored; people has no score and drops out of the card's mean.
        close(money.history[1], 10.0);
        assert_eq!(people.history[1], None);
        close(card.history[1], 10.0);
        assert_eq!(card.kpi_weights[&id("c")], 100.0);
        // Coverage: all weight scored in Jan; in Feb only a (75% of grow), so money is 75%
        // covered, people 0%, the scorecard 0.6·75 = 45%.
        close(Some(card.coverage[0]), 100.0);
        close(Some(money.coverage[1]), 75.0);
        close(Some(people.coverage[1]), 0.0);
        close(Some(people.objectives[1].coverage[1]), 0.0);
        close(Some(card.coverage[1]), 45.0);
        assert_eq!(card.kpi_weights[&id("b")], 25.0);
    }
}
