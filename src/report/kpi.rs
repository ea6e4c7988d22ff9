//! One KPI of the report: assessed once in each of its own periods (plan, bands, status and
//! score of its value), then copied into its [`KpiJson`] with its facts as written.

use std::borrow::Cow;

use super::document::{
    Bound, CommentJson, KpiJson, Latest, PeriodValue, SeriesEntry, TargetJson, ThresholdsJson,
};
use crate::eval::{Evaluator, Value, completed_by, periods};
use crate::period::Period;
use crate::pipeline::CheckOutcome;
use crate::score::{self, Bands, Plan, Sense, Status};
use crate::semantic::cascade;
use crate::semantic::model::{ItemId, KpiPart, Measure, Model, Quantity, Target, Thresholds};

/// A KPI assessed in one of its periods.
#[derive(Clone)]
pub(super) struct Assessed {
    /// The actual, or why there is none.
    pub(super) actual: Value,
    pub(super) plan: Option<f64>,
    pub(super) bands: Option<Bands>,
    pub(super) status: Status,
    pub(super) score: Option<f64>,
}

/// How one KPI is scored: its plan and tolerance, worked out once, for one org (its baseline,
/// target, thresholds and tolerance there).
pub(super) struct Scorer<'m> {
    pub(super) part: Cow<'m, KpiPart>,
    plan: Option<Plan>,
    tol: f64,
}

impl<'m> Scorer<'m> {
    fn new(model: &'m Model, kpi: ItemId, org: Option<ItemId>) -> Scorer<'m> {
        let part = cascade::kpi_for_org(model, kpi, org);
        let grain = periods::measure_grain(model, kpi);
        let scorecard_tolerance = model.scorecard.as_ref().map_or(0.1, |s| s.tolerance);
        Scorer {
            plan: Plan::of_kpi(&part, grain),
            tol: score::tolerance(&part, scorecard_tolerance),
            part,
        }
    }

    fn assess(&self, eval: &mut Evaluator<'_>, kpi: ItemId, period: Period) -> Assessed {
        let plan = self.plan.as_ref().map(|plan| plan.value(period));
        let bands = Bands::of_kpi(&self.part, plan, self.tol);
        let actual = eval.kpi_value(kpi, period);
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
pub(super) struct AssessedKpi<'m> {
    pub(super) id: ItemId,
    pub(super) scorer: Scorer<'m>,
    /// Consecutive periods of the KPI's grain, each with its assessment.
    series: Vec<(Period, Assessed)>,
}

impl<'m> AssessedKpi<'m> {
    /// The KPI assessed for `org` (`None`: a project without orgs) on the evaluator of that
    /// org's data.
    pub(super) fn new(
        eval: &mut Evaluator<'_>,
        model: &'m Model,
        kpi: ItemId,
        org: Option<ItemId>,
    ) -> AssessedKpi<'m> {
        let scorer = Scorer::new(model, kpi, org);
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

    /// Whether it has an actual in one of its periods inside the span.
    pub(super) fn has_actual(&self) -> bool {
        self.series
            .iter()
            .any(|(_, assessed)| assessed.actual.is_ok())
    }

    /// The assessment of `period` (of the KPI's grain): the one kept, or, outside the span
    /// (the period before the first, for a trend or a carry), assessed now.
    pub(super) fn at(&self, eval: &mut Evaluator<'_>, period: Period) -> Cow<'_, Assessed> {
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

pub(super) fn kpi_part(model: &Model, id: ItemId) -> Option<&KpiPart> {
    model.item(id).as_measure()?.kpi.as_deref()
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
pub(super) fn kpi_json(
    eval: &mut Evaluator<'_>,
    outcome: &CheckOutcome,
    assessed: AssessedKpi<'_>,
    weight: Option<f64>,
    as_of: Option<Period>,
    comments: Vec<CommentJson>,
) -> KpiJson {
    let model = &outcome.model;
    let kpi = assessed.id;
    let item = model.item(kpi);
    let measure: &Measure = item.as_measure().expect("a measure");
    let part = assessed.scorer.part.clone();
    let grain = periods::measure_grain(model, kpi);
    let tol = assessed.scorer.tol;
    let formula = measure.formula.as_ref().map(|f| {
        let file = outcome.sources.get(f.span.file);
        file.text[f.span.range()].to_string()
    });
    let is_future = |period: Period| as_of.is_some_and(|a| period.last_day() > a.last_day());
    let (latest, trend) = match as_of {
        Some(as_of) => {
            let period = completed_by(grain, as_of);
            let now = assessed.at(eval, period);
            let before = assessed.at(eval, period.prev());
            let trend = part
                .direction
                .as_ref()
                .and_then(|d| Sense::of(d.node, now.bands.as_ref()))
                .and_then(|sense| {
                    score::trend(sense, now.actual.clone().ok(), before.actual.clone().ok())
                });
            (
                Some(Latest {
                    period,
                    actual: now.actual.clone().ok(),
                    plan: now.plan,
                    status: now.status,
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
            if is_future(period) {
                return SeriesEntry {
                    period,
                    actual: None,
                    plan: assessed.plan,
                    green,
                    amber,
                    status: Status::None,
                    score: None,
                    carried_from: None,
                    note: None,
                    missing: None,
                };
            }
            SeriesEntry {
                period,
                actual: assessed.actual.clone().ok(),
                plan: assessed.plan,
                green,
                amber,
                status: assessed.status,
                score: assessed.score,
                carried_from: None,
                note: eval.note(kpi, period),
                missing: assessed.actual.err().map(|missing| missing.message()),
            }
        })
        .collect();
    let target = part.target.as_ref().map(target_json);
    KpiJson {
        id: item.id.node.clone(),
        title: item.title.clone(),
        description: item.description.clone(),
        objective: part
            .objective
            .as_ref()
            .map(|reference| super::build::reference_id(model, reference)),
        owner: part.owner.as_ref().map(|o| o.node.clone()),
        unit: measure.unit.as_ref().map(|u| u.text.clone()),
        direction: part.direction.as_ref().map(|d| d.node),
        frequency: grain,
        weight,
        formula,
        baseline: part.baseline.as_ref().map(|b| PeriodValue {
            period: b.period.node,
            value: b.value.value,
        }),
        deadline: target.as_ref().and_then(|t| t.by),
        target,
        thresholds: part.thresholds.as_ref().map(thresholds_json),
        // In percent, rounded to 9 decimals so that 5% reads 5 and not 5.000000000000001.
        tolerance: (tol * 100.0 * 1e9).round() / 1e9,
        latest,
        trend,
        series,
        comments,
    }
}

fn target_json(target: &Target) -> TargetJson {
    let value = |q: &Quantity| q.value;
    match target {
        Target::Value { value: v, deadline } => TargetJson {
            value: Some(Bound::Value(value(v))),
            by: deadline.as_ref().map(|d| d.node),
            milestones: Vec::new(),
        },
        Target::Range {
            low,
            high,
            deadline,
        } => TargetJson {
            value: Some(Bound::Pair([value(low), value(high)])),
            by: deadline.as_ref().map(|d| d.node),
            milestones: Vec::new(),
        },
        Target::Milestones(milestones) => TargetJson {
            value: milestones.last().map(|(_, v)| Bound::Value(value(v))),
            by: milestones.last().map(|(p, _)| p.node),
            milestones: milestones
                .iter()
                .map(|(p, v)| PeriodValue {
                    period: p.node,
                    value: value(v),
                })
                .collect(),
        },
    }
}

fn thresholds_json(thresholds: &Thresholds) -> ThresholdsJson {
    match thresholds {
        Thresholds::Bounds { green, amber, .. } => ThresholdsJson {
            green: Bound::Value(green.value),
            amber: Bound::Value(amber.value),
        },
        Thresholds::Range { green, amber } => ThresholdsJson {
            green: Bound::Pair([green.0.value, green.1.value]),
            amber: Bound::Pair([amber.0.value, amber.1.value]),
        },
    }
}
