//! The JSON report of SCORING.md ("The JSON report"): the model, the data set, evaluation and
//! scoring assembled into one document.
//!
//! # Choices where the spec is silent
//! - **Carried periods.** `series` lists a KPI's own periods (its frequency), so each entry is
//!   the KPI's value in that very period and `carried_from` is always `null` there. The carry
//!   lives in the roll-up: in a report period `r` a KPI contributes its latest *completed*
//!   period, the latest of its own periods ending on or before `r`'s last day (a quarterly KPI
//!   gives 2026-Q1 to 2026-04 and 2026-05, 2025-Q4 to 2026-01). `latest` is that period at
//!   `as_of`, so `latest.period` shows what is carried.
//! - **`as_of`.** Without `--as-of`, the latest report period in which some KPI period holding
//!   an actual ends; `null` when no KPI has any actual (then every `history` is empty and
//!   `latest` and `trend` are `null`). `--as-of` is taken to the scorecard's frequency.
//! - **Future periods.** A series entry whose period ends after `as_of` is future: its `actual`,
//!   `status`, `score`, `note` and `missing` are `null`; plan and bands remain.
//! - **Weights.** A KPI's `weight` is its effective weight among the KPIs of its objective, an
//!   objective's among the objectives of its perspective; `null` for a KPI without objective.
//! - **Bad values.** A `bad-value` cell is left out of the data set; the periods it falls in
//!   have no value and read `input bad-value at FILE:LINE` (the finding is in `diagnostics`).
//! - **Notes of formula KPIs.** A KPI with a formula has no observations of its own: its `note`
//!   gathers the notes of the inputs its formula reads in that period, joined by "; ".

/// The HTML page, rendered from [`Report`]; its templates are in `src/report/templates/`.
pub mod html;
mod json;

pub use json::{render_json, write_json};

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, json_diagnostics};
use crate::eval::{Evaluated, Evaluator, completed_by, latest_with_actual, periods};
use crate::period::Period;
use crate::pipeline::CheckOutcome;
use crate::score::{self, Bands, Plan, Sense, Status, effective_weights, rollup, status_of_score};
use crate::semantic::model::{
    ItemId, ItemKind, KpiPart, Measure, Model, Quantity, Reference, Target, Thresholds,
};
use crate::vocabulary::{Direction, InitiativeStatus};

/// The report document; fields serialize in declaration order.
#[derive(Serialize)]
pub struct Report<'a> {
    pub version: &'static str,
    pub scorecard: Option<ScorecardJson>,
    pub as_of: Option<String>,
    pub periods: Vec<String>,
    pub score: Option<f64>,
    pub status: &'static str,
    pub history: Vec<HistoryEntry>,
    pub perspectives: Vec<PerspectiveJson>,
    pub kpis: Vec<KpiJson>,
    pub diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
pub struct ScorecardJson {
    pub title: String,
    pub owner: Option<String>,
    pub frequency: &'static str,
    pub period: Option<Span>,
}

#[derive(Serialize)]
pub struct Span {
    pub from: String,
    pub to: String,
}

#[derive(Serialize, Clone)]
pub struct HistoryEntry {
    pub period: String,
    pub score: Option<f64>,
    pub status: &'static str,
}

#[derive(Serialize)]
pub struct PerspectiveJson {
    pub id: String,
    pub title: String,
    pub weight: f64,
    pub score: Option<f64>,
    pub status: &'static str,
    pub history: Vec<HistoryEntry>,
    pub objectives: Vec<ObjectiveJson>,
}

#[derive(Serialize)]
pub struct ObjectiveJson {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub weight: f64,
    pub drives: Vec<String>,
    pub score: Option<f64>,
    pub status: &'static str,
    pub history: Vec<HistoryEntry>,
    pub kpis: Vec<String>,
    pub initiatives: Vec<InitiativeJson>,
}

#[derive(Serialize)]
pub struct InitiativeJson {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: Option<&'static str>,
    pub budget: Option<Budget>,
}

#[derive(Serialize)]
pub struct Budget {
    pub value: f64,
    pub unit: Option<String>,
}

#[derive(Serialize)]
pub struct KpiJson {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub objective: Option<String>,
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<&'static str>,
    pub frequency: &'static str,
    pub weight: Option<f64>,
    pub formula: Option<String>,
    pub baseline: Option<PeriodValue>,
    pub deadline: Option<String>,
    pub target: Option<TargetJson>,
    pub thresholds: Option<ThresholdsJson>,
    pub tolerance: f64,
    pub latest: Option<Latest>,
    pub trend: Option<&'static str>,
    pub series: Vec<SeriesEntry>,
}

#[derive(Serialize)]
pub struct PeriodValue {
    pub period: String,
    pub value: f64,
}

/// A number, or a `[low, high]` pair for `range`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq)]
#[serde(untagged)]
pub enum Bound {
    Value(f64),
    Pair([f64; 2]),
}

#[derive(Serialize)]
pub struct TargetJson {
    pub value: Option<Bound>,
    pub by: Option<String>,
    pub milestones: Vec<PeriodValue>,
}

#[derive(Serialize)]
pub struct ThresholdsJson {
    pub green: Bound,
    pub amber: Bound,
}

#[derive(Serialize)]
pub struct Latest {
    pub period: String,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub status: &'static str,
    pub score: Option<f64>,
}

#[derive(Serialize)]
pub struct SeriesEntry {
    pub period: String,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub green: Option<Bound>,
    pub amber: Option<Bound>,
    pub status: &'static str,
    pub score: Option<f64>,
    pub carried_from: Option<String>,
    pub note: Option<String>,
    pub missing: Option<String>,
}

/// A KPI assessed in one of its periods.
#[derive(Clone)]
struct Assessed {
    actual: Result<f64, String>,
    plan: Option<f64>,
    bands: Option<Bands>,
    status: Status,
    score: Option<f64>,
}

/// Builds the report of a checked project, resuming from `evaluated` (what the check's data
/// rules evaluated, handed over by value: taken from the outcome) when given. `as_of` (from
/// `--as-of`) is taken to the scorecard's frequency and must lie inside its span; the error
/// says why not.
pub fn build(
    outcome: &CheckOutcome,
    evaluated: Option<Evaluated>,
    as_of: Option<Period>,
) -> Result<Report<'_>, String> {
    let model = &outcome.model;
    let mut eval = match evaluated {
        Some(evaluated) => Evaluator::resume(model, &outcome.data, evaluated),
        None => Evaluator::new(model, &outcome.data),
    };
    let grain = periods::scorecard_grain(model);
    let report_periods = periods::report_periods(model);
    // No span holds more than `semantic::MAX_SPAN_PERIODS` periods of the project's finest
    // frequency: a longer one is refused by the check, before anything walks it.
    let kpis: Vec<ItemId> = model
        .ids()
        .filter(|&id| kpi_part(model, id).is_some())
        .collect();

    // `as_of` as the check resolved it; a report of a check that read no data has no actual.
    let as_of = match as_of {
        Some(period) => Some(periods::as_of_in_span(model, period).map_err(|e| e.to_string())?),
        None if outcome.as_of.is_some() => outcome.as_of,
        None => latest_with_actual(&mut eval, &kpis, &report_periods, grain),
    };
    let shown: Vec<Period> = match as_of {
        Some(as_of) => report_periods
            .iter()
            .copied()
            .filter(|p| p.ordinal() <= as_of.ordinal())
            .collect(),
        None => Vec::new(),
    };

    // Each KPI assessed once in each of its periods; its score in each shown report period
    // (carrying coarser periods).
    let assessed: Vec<AssessedKpi> = kpis
        .iter()
        .map(|&kpi| AssessedKpi::new(&mut eval, model, kpi))
        .collect();
    let kpi_history: Vec<Vec<Option<f64>>> = assessed
        .iter()
        .map(|kpi| {
            shown
                .iter()
                .map(|&r| kpi.at(&mut eval, contributing(model, kpi.id, r)).score)
                .collect()
        })
        .collect();
    let kpi_index: HashMap<ItemId, usize> =
        kpis.iter().enumerate().map(|(at, &k)| (k, at)).collect();
    // The KPIs of each objective, and each KPI's effective weight among them.
    let mut by_objective: HashMap<ItemId, Vec<ItemId>> = HashMap::new();
    for &kpi in &kpis {
        if let Some(objective) = kpi_part(model, kpi).and_then(|p| target_of(&p.objective)) {
            by_objective.entry(objective).or_default().push(kpi);
        }
    }
    let kpi_weight: HashMap<ItemId, f64> = by_objective
        .values()
        .flat_map(|siblings| siblings.iter().copied().zip(kpi_weights(model, siblings)))
        .collect();

    let perspectives: Vec<ItemId> = {
        let mut list: Vec<(usize, ItemId)> = model
            .ids()
            .filter_map(|id| match &model.item(id).kind {
                ItemKind::Perspective(p) => Some((p.order, id)),
                _ => None,
            })
            .collect();
        list.sort();
        list.into_iter().map(|(_, id)| id).collect()
    };
    let perspective_weights = effective_weights(
        &perspectives
            .iter()
            .map(|&id| match &model.item(id).kind {
                ItemKind::Perspective(p) => p.weight.as_ref().map(|w| w.node),
                _ => None,
            })
            .collect::<Vec<_>>(),
    );

    let mut initiatives = initiatives_by_objective(model);
    let mut perspective_json = Vec::new();
    let mut perspective_histories = Vec::new();
    for (&pid, &pweight) in perspectives.iter().zip(&perspective_weights) {
        let objectives: Vec<ItemId> = model
            .ids()
            .filter(|&id| match &model.item(id).kind {
                ItemKind::Objective(o) => target_of(&o.perspective) == Some(pid),
                _ => false,
            })
            .collect();
        let objective_weights = effective_weights(
            &objectives
                .iter()
                .map(|&id| match &model.item(id).kind {
                    ItemKind::Objective(o) => o.weight.as_ref().map(|w| w.node),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        );
        let mut objective_json = Vec::new();
        let mut objective_histories = Vec::new();
        for (&oid, &oweight) in objectives.iter().zip(&objective_weights) {
            let own = by_objective.get(&oid).map_or(&[][..], Vec::as_slice);
            let weights = kpi_weights(model, own);
            let history: Vec<Option<f64>> = (0..shown.len())
                .map(|i| {
                    let children: Vec<(f64, Option<f64>)> = own
                        .iter()
                        .zip(&weights)
                        .map(|(&k, &w)| (w, kpi_index.get(&k).and_then(|&at| kpi_history[at][i])))
                        .collect();
                    rollup(&children)
                })
                .collect();
            let ItemKind::Objective(objective) = &model.item(oid).kind else {
                unreachable!("an objective")
            };
            let item = model.item(oid);
            objective_json.push(ObjectiveJson {
                id: item.id.node.clone(),
                title: item.title.clone(),
                owner: objective.owner.as_ref().map(|o| o.node.clone()),
                weight: oweight,
                drives: objective
                    .drives
                    .iter()
                    .map(|d| reference_id(model, d))
                    .collect(),
                score: history.last().copied().flatten(),
                status: status_of_score(history.last().copied().flatten()).name(),
                history: history_json(&shown, &history),
                kpis: own.iter().map(|&k| model.item(k).id.node.clone()).collect(),
                initiatives: initiatives.remove(&oid).unwrap_or_default(),
            });
            objective_histories.push((oweight, history));
        }
        let history = rollup_histories(&objective_histories, shown.len());
        let item = model.item(pid);
        perspective_json.push(PerspectiveJson {
            id: item.id.node.clone(),
            title: item.title.clone(),
            weight: pweight,
            score: history.last().copied().flatten(),
            status: status_of_score(history.last().copied().flatten()).name(),
            history: history_json(&shown, &history),
            objectives: objective_json,
        });
        perspective_histories.push((pweight, history));
    }
    let history = rollup_histories(&perspective_histories, shown.len());

    let kpi_json = assessed
        .into_iter()
        .map(|kpi| {
            let weight = kpi_weight.get(&kpi.id).copied();
            kpi_json(&mut eval, outcome, kpi, weight, as_of)
        })
        .collect();

    Ok(Report {
        version: "1",
        scorecard: model.scorecard.as_ref().map(|s| ScorecardJson {
            title: s.title.clone(),
            owner: s.owner.as_ref().map(|o| o.node.clone()),
            frequency: s.frequency.frequency_name(),
            period: s.period.map(|(from, to)| Span {
                from: from.to_string(),
                to: to.to_string(),
            }),
        }),
        as_of: as_of.map(|p| p.to_string()),
        periods: report_periods.iter().map(Period::to_string).collect(),
        score: history.last().copied().flatten(),
        status: status_of_score(history.last().copied().flatten()).name(),
        history: history_json(&shown, &history),
        perspectives: perspective_json,
        kpis: kpi_json,
        diagnostics: json_diagnostics(&outcome.findings, &outcome.sources),
    })
}

fn kpi_part(model: &Model, id: ItemId) -> Option<&KpiPart> {
    model.item(id).as_measure()?.kpi.as_deref()
}

fn target_of(reference: &Option<Reference>) -> Option<ItemId> {
    reference.as_ref().and_then(|r| r.target)
}

fn reference_id(model: &Model, reference: &Reference) -> String {
    reference
        .target
        .map_or_else(|| reference.name.clone(), |t| model.item(t).id.node.clone())
}

fn kpi_weights(model: &Model, siblings: &[ItemId]) -> Vec<f64> {
    effective_weights(
        &siblings
            .iter()
            .map(|&k| kpi_part(model, k).and_then(|p| p.weight.as_ref().map(|w| w.node)))
            .collect::<Vec<_>>(),
    )
}

fn rollup_histories(children: &[(f64, Vec<Option<f64>>)], len: usize) -> Vec<Option<f64>> {
    (0..len)
        .map(|i| {
            let scored: Vec<(f64, Option<f64>)> =
                children.iter().map(|(w, h)| (*w, h[i])).collect();
            rollup(&scored)
        })
        .collect()
}

fn history_json(periods: &[Period], scores: &[Option<f64>]) -> Vec<HistoryEntry> {
    periods
        .iter()
        .zip(scores)
        .map(|(period, &score)| HistoryEntry {
            period: period.to_string(),
            score,
            status: status_of_score(score).name(),
        })
        .collect()
}

/// The initiatives of each objective, in declaration order.
fn initiatives_by_objective(model: &Model) -> HashMap<ItemId, Vec<InitiativeJson>> {
    let mut by_objective: HashMap<ItemId, Vec<InitiativeJson>> = HashMap::new();
    for id in model.ids() {
        let item = model.item(id);
        let ItemKind::Initiative(initiative) = &item.kind else {
            continue;
        };
        let Some(objective) = target_of(&initiative.objective) else {
            continue;
        };
        by_objective
            .entry(objective)
            .or_default()
            .push(InitiativeJson {
                id: item.id.node.clone(),
                title: item.title.clone(),
                owner: initiative.owner.as_ref().map(|o| o.node.clone()),
                due: initiative.due.as_ref().map(|d| d.node.to_string()),
                status: initiative.status.map(InitiativeStatus::name),
                budget: initiative.budget.as_ref().map(|b| Budget {
                    value: b.value,
                    unit: b.unit.as_ref().map(|u| u.text.clone()),
                }),
            });
    }
    by_objective
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "up",
        Direction::Down => "down",
        Direction::Range => "range",
    }
}

/// The period of the KPI's own frequency that it contributes to report period `r`: the latest
/// of its periods ending on or before `r`'s last day.
fn contributing(model: &Model, kpi: ItemId, r: Period) -> Period {
    completed_by(periods::measure_grain(model, kpi), r)
}

/// How one KPI is scored: its plan and tolerance, worked out once.
struct Scorer<'m> {
    part: &'m KpiPart,
    plan: Option<Plan>,
    tol: f64,
}

impl<'m> Scorer<'m> {
    fn new(model: &'m Model, kpi: ItemId) -> Scorer<'m> {
        let part = kpi_part(model, kpi).expect("a KPI");
        let grain = periods::measure_grain(model, kpi);
        let scorecard_tolerance = model.scorecard.as_ref().map_or(0.1, |s| s.tolerance);
        Scorer {
            part,
            plan: Plan::of_kpi(part, grain),
            tol: score::tolerance(part, scorecard_tolerance),
        }
    }

    fn assess(&self, eval: &mut Evaluator<'_>, kpi: ItemId, period: Period) -> Assessed {
        let plan = self.plan.as_ref().map(|plan| plan.value(period));
        let bands = Bands::of_kpi(self.part, plan, self.tol);
        let actual = eval.kpi_value(kpi, period).map_err(|m| m.message());
        let (status, score) = score::assess(bands.as_ref(), actual.as_ref().ok().copied());
        Assessed {
            actual,
            plan,
            bands,
            status,
            score,
        }
    }
}

/// A KPI assessed in each of its own periods inside the scorecard's span, once: the roll-up,
/// `series`, `latest` and `trend` all read these.
struct AssessedKpi<'m> {
    id: ItemId,
    scorer: Scorer<'m>,
    /// Consecutive periods of the KPI's grain, each with its assessment.
    series: Vec<(Period, Assessed)>,
}

impl<'m> AssessedKpi<'m> {
    fn new(eval: &mut Evaluator<'_>, model: &'m Model, kpi: ItemId) -> AssessedKpi<'m> {
        let scorer = Scorer::new(model, kpi);
        let series = periods::kpi_periods(model, kpi)
            .into_iter()
            .map(|period| (period, scorer.assess(eval, kpi, period)))
            .collect();
        AssessedKpi {
            id: kpi,
            scorer,
            series,
        }
    }

    /// The assessment of `period` (of the KPI's grain): the one kept, or, outside the span
    /// (the period before the first, for a trend or a carry), assessed now.
    fn at(&self, eval: &mut Evaluator<'_>, period: Period) -> Cow<'_, Assessed> {
        let offset = self
            .series
            .first()
            .map(|(first, _)| period.ordinal() - first.ordinal());
        match offset.and_then(|at| usize::try_from(at).ok()) {
            Some(at) if at < self.series.len() => Cow::Borrowed(&self.series[at].1),
            _ => Cow::Owned(self.scorer.assess(eval, self.id, period)),
        }
    }
}

fn bounds(bands: Option<&Bands>) -> (Option<Bound>, Option<Bound>) {
    match bands {
        None => (None, None),
        Some(Bands::Up { green, amber }) | Some(Bands::Down { green, amber }) => {
            (Some(Bound::Value(*green)), Some(Bound::Value(*amber)))
        }
        Some(Bands::Range { green, amber }) => (
            Some(Bound::Pair([green.0, green.1])),
            Some(Bound::Pair([amber.0, amber.1])),
        ),
    }
}

/// One KPI of the report; `weight` is its effective weight among the KPIs of its objective.
fn kpi_json(
    eval: &mut Evaluator<'_>,
    outcome: &CheckOutcome,
    assessed: AssessedKpi<'_>,
    weight: Option<f64>,
    as_of: Option<Period>,
) -> KpiJson {
    let model = &outcome.model;
    let kpi = assessed.id;
    let item = model.item(kpi);
    let measure: &Measure = item.as_measure().expect("a measure");
    let part = measure.kpi.as_deref().expect("a KPI");
    let grain = periods::measure_grain(model, kpi);
    let tol = assessed.scorer.tol;
    let formula = measure.formula.as_ref().map(|f| {
        let file = outcome.sources.get(f.span.file);
        file.text[f.span.range()].to_string()
    });
    let is_future = |period: Period| as_of.is_some_and(|a| period.last_day() > a.last_day());
    let (latest, trend) = match as_of {
        Some(as_of) => {
            let period = contributing(model, kpi, as_of);
            let now = assessed.at(eval, period);
            let before = assessed.at(eval, period.prev());
            let trend = part
                .direction
                .as_ref()
                .and_then(|d| Sense::of(d.node, now.bands.as_ref()))
                .and_then(|sense| {
                    score::trend(sense, now.actual.clone().ok(), before.actual.clone().ok())
                })
                .map(|t| t.name());
            (
                Some(Latest {
                    period: period.to_string(),
                    actual: now.actual.clone().ok(),
                    plan: now.plan,
                    status: now.status.name(),
                    score: now.score,
                }),
                trend,
            )
        }
        None => (None, None),
    };
    let series = assessed
        .series
        .into_iter()
        .map(|(period, assessed)| {
            let (green, amber) = bounds(assessed.bands.as_ref());
            let future = is_future(period);
            SeriesEntry {
                period: period.to_string(),
                actual: if future {
                    None
                } else {
                    assessed.actual.clone().ok()
                },
                plan: assessed.plan,
                green,
                amber,
                status: if future {
                    Status::None
                } else {
                    assessed.status
                }
                .name(),
                score: if future { None } else { assessed.score },
                carried_from: None,
                note: if future { None } else { eval.note(kpi, period) },
                missing: if future { None } else { assessed.actual.err() },
            }
        })
        .collect();
    let value = |q: &Quantity| q.value;
    let target = part.target.as_ref().map(|target| match target {
        Target::Value { value: v, deadline } => TargetJson {
            value: Some(Bound::Value(value(v))),
            by: deadline.as_ref().map(|d| d.node.to_string()),
            milestones: Vec::new(),
        },
        Target::Range {
            low,
            high,
            deadline,
        } => TargetJson {
            value: Some(Bound::Pair([value(low), value(high)])),
            by: deadline.as_ref().map(|d| d.node.to_string()),
            milestones: Vec::new(),
        },
        Target::Milestones(milestones) => TargetJson {
            value: milestones.last().map(|(_, v)| Bound::Value(value(v))),
            by: milestones.last().map(|(p, _)| p.node.to_string()),
            milestones: milestones
                .iter()
                .map(|(p, v)| PeriodValue {
                    period: p.node.to_string(),
                    value: value(v),
                })
                .collect(),
        },
    });
    let thresholds = part.thresholds.as_ref().map(|t| match t {
        Thresholds::Bounds { green, amber, .. } => ThresholdsJson {
            green: Bound::Value(green.value),
            amber: Bound::Value(amber.value),
        },
        Thresholds::Range { green, amber } => ThresholdsJson {
            green: Bound::Pair([green.0.value, green.1.value]),
            amber: Bound::Pair([amber.0.value, amber.1.value]),
        },
    });
    KpiJson {
        id: item.id.node.clone(),
        title: item.title.clone(),
        description: item.description.clone(),
        objective: part
            .objective
            .as_ref()
            .map(|reference| reference_id(model, reference)),
        owner: part.owner.as_ref().map(|o| o.node.clone()),
        unit: measure.unit.as_ref().map(|u| u.text.clone()),
        direction: part.direction.as_ref().map(|d| direction_name(d.node)),
        frequency: grain.frequency_name(),
        weight,
        formula,
        baseline: part.baseline.as_ref().map(|b| PeriodValue {
            period: b.period.node.to_string(),
            value: b.value.value,
        }),
        deadline: target.as_ref().and_then(|t| t.by.clone()),
        target,
        thresholds,
        // In percent, rounded to 9 decimals so that 5% reads 5 and not 5.000000000000001.
        tolerance: (tol * 100.0 * 1e9).round() / 1e9,
        latest,
        trend,
        series,
    }
}
