//! [`build`]: the report of a checked project. The KPIs are assessed ([`super::kpi`]), the
//! scorecard's roll-up is [`Scorecard::roll_up`]'s; this module copies both into the document.

use std::collections::HashMap;
use std::path::Path;

use super::document::{
    Budget, CommentJson, HistoryEntry, InitiativeJson, ObjectiveJson, PageWarning, PerspectiveJson,
    Report, ScorecardJson, Span,
};
use super::kpi::{AssessedKpi, kpi_json, kpi_part};
use crate::diagnostics::{Level, json_diagnostics};
use crate::eval::periods::{self, AsOfOutsideSpan};
use crate::eval::{Evaluated, Evaluator, completed_by, latest_with_actual};
use crate::period::Period;
use crate::pipeline::CheckOutcome;
use crate::score::scorecard::{KpiScores, ObjectiveScores, PerspectiveScores};
use crate::score::{Scorecard, status_of_score};
use crate::semantic::cascade;
use crate::semantic::model::{ItemId, ItemKind, Model, Reference};
use crate::source;

/// Builds the report of a checked project, resuming from `evaluated` (what the check's data
/// rules evaluated, handed over by value: taken from the outcome) when given. `as_of` (from
/// `--as-of`) is taken to the scorecard's frequency and must lie inside its span; the error
/// says why not.
pub fn build(
    outcome: &CheckOutcome,
    evaluated: Option<Evaluated>,
    as_of: Option<Period>,
) -> Result<Report<'_>, AsOfOutsideSpan> {
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
        Some(period) => Some(periods::as_of_in_span(model, period)?),
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

    let ScoredCard { assessed, card } =
        score_card(&mut eval, model, &kpis, model.orgs.root, &shown, |_| true);

    let mut initiatives = initiatives_by_objective(model);
    let mut comments = comments_by_item(outcome);
    let perspectives = card
        .perspectives
        .iter()
        .map(|p| {
            let org = model.orgs.root;
            perspective_json(model, org, &shown, p, &mut initiatives, &mut comments)
        })
        .collect();
    let kpi_json = assessed
        .into_iter()
        .map(|kpi| {
            let weight = card.kpi_weights.get(&kpi.id).copied();
            let own = comments.remove(&kpi.id).unwrap_or_default();
            kpi_json(&mut eval, outcome, kpi, weight, as_of, own)
        })
        .collect();

    let orgs = super::orgs::orgs_json(outcome, &kpis, &shown, as_of);
    let score = card.history.last().copied().flatten();
    Ok(Report {
        version: "1",
        scorecard: model.scorecard.as_ref().map(|s| ScorecardJson {
            title: s.title.clone(),
            owner: s.owner.as_ref().map(|o| o.node.clone()),
            frequency: s.frequency,
            period: s.period.map(|(from, to)| Span { from, to }),
        }),
        as_of,
        periods: report_periods,
        score,
        status: status_of_score(score),
        coverage: card.coverage.last().copied(),
        history: history_json(&shown, &card.history, &card.coverage),
        perspectives,
        kpis: kpi_json,
        orgs,
        diagnostics: json_diagnostics(&outcome.findings, &outcome.sources),
        warnings: page_warnings(outcome, &kpis),
    })
}

/// One scorecard scored: the KPIs assessed for an org (or the project), the KPIs among them
/// that count, and the roll-up over the shown report periods.
pub(super) struct ScoredCard<'m> {
    /// The KPIs that apply, in declaration order.
    pub(super) assessed: Vec<AssessedKpi<'m>>,
    pub(super) card: Scorecard,
}

/// Assesses each KPI of `kpis` for `org` once in each of its periods, keeps those that
/// `applies` accepts, and rolls their scores in each shown report period (carrying coarser
/// periods) up.
pub(super) fn score_card<'m>(
    eval: &mut Evaluator<'_>,
    model: &'m Model,
    kpis: &[ItemId],
    org: Option<ItemId>,
    shown: &[Period],
    applies: impl Fn(&AssessedKpi) -> bool,
) -> ScoredCard<'m> {
    let assessed: Vec<AssessedKpi> = kpis
        .iter()
        .map(|&kpi| AssessedKpi::new(eval, model, kpi, org))
        .filter(|kpi| applies(kpi))
        .collect();
    let kpi_scores: HashMap<ItemId, (Option<f64>, Vec<Option<f64>>)> = assessed
        .iter()
        .map(|kpi| {
            let grain = periods::measure_grain(model, kpi.id);
            let scores = shown
                .iter()
                .map(|&r| kpi.at(eval, completed_by(grain, r)).score)
                .collect();
            let weight = kpi.scorer.part.weight.as_ref().map(|w| w.node);
            (kpi.id, (weight, scores))
        })
        .collect();
    let card = Scorecard::roll_up(model, shown.len(), org, |kpi| {
        kpi_scores.get(&kpi).map(|(weight, history)| KpiScores {
            weight: *weight,
            history,
        })
    });
    ScoredCard { assessed, card }
}

pub(super) fn perspective_json(
    model: &Model,
    org: Option<ItemId>,
    shown: &[Period],
    scores: &PerspectiveScores,
    initiatives: &mut HashMap<ItemId, Vec<InitiativeJson>>,
    comments: &mut HashMap<ItemId, Vec<CommentJson>>,
) -> PerspectiveJson {
    let item = model.item(scores.id);
    let score = scores.history.last().copied().flatten();
    PerspectiveJson {
        id: item.id.node.clone(),
        title: item.title.clone(),
        weight: scores.weight,
        score,
        status: status_of_score(score),
        coverage: scores.coverage.last().copied(),
        history: history_json(shown, &scores.history, &scores.coverage),
        objectives: scores
            .objectives
            .iter()
            .map(|o| {
                let own = comments.remove(&o.id).unwrap_or_default();
                objective_json(model, org, shown, o, initiatives.remove(&o.id), own)
            })
            .collect(),
    }
}

fn objective_json(
    model: &Model,
    org: Option<ItemId>,
    shown: &[Period],
    scores: &ObjectiveScores,
    initiatives: Option<Vec<InitiativeJson>>,
    comments: Vec<CommentJson>,
) -> ObjectiveJson {
    let item = model.item(scores.id);
    let ItemKind::Objective(objective) = &item.kind else {
        unreachable!("an objective")
    };
    let score = scores.history.last().copied().flatten();
    let (owner, _) = cascade::objective_for_org(objective, &model.orgs, org);
    ObjectiveJson {
        id: item.id.node.clone(),
        title: item.title.clone(),
        owner: owner.map(|o| o.node),
        weight: scores.weight,
        drives: objective
            .drives
            .iter()
            .map(|d| reference_id(model, d))
            .collect(),
        score,
        status: status_of_score(score),
        coverage: scores.coverage.last().copied(),
        history: history_json(shown, &scores.history, &scores.coverage),
        kpis: scores
            .kpis
            .iter()
            .map(|&k| model.item(k).id.node.clone())
            .collect(),
        initiatives: initiatives.unwrap_or_default(),
        comments,
    }
}

/// The findings the report's `diagnostics` hold (warn and error, in order), placed for the page:
/// their file relative to the project's folder (the entry file's), and the KPI of `kpis` whose
/// declaration holds the finding or one of its labels.
fn page_warnings<'o>(outcome: &'o CheckOutcome, kpis: &[ItemId]) -> Vec<PageWarning<'o>> {
    let sources = &outcome.sources;
    let folder = Path::new(&sources.get(outcome.entry).name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    // The KPIs' declarations by place, so that a label finds the one holding it by a binary
    // search (declarations do not overlap): a report of many KPIs and findings stays linear.
    let mut kpi_spans: Vec<(source::Span, usize)> = kpis
        .iter()
        .enumerate()
        .map(|(k, &id)| (outcome.model.item(id).span, k))
        .collect();
    kpi_spans.sort_by_key(|(span, _)| (span.file, span.start));
    let holding = |label: source::Span| {
        let after =
            kpi_spans.partition_point(|(s, _)| (s.file, s.start) <= (label.file, label.start));
        let (span, k) = kpi_spans.get(after.checked_sub(1)?)?;
        span.contains(&label).then_some(*k)
    };
    outcome
        .findings
        .iter()
        .filter(|finding| finding.level != Level::Allow)
        .map(|finding| {
            let span = finding.primary.span;
            let file = sources.get(span.file);
            let name = Path::new(&file.name)
                .strip_prefix(&folder)
                .map_or_else(|_| file.name.clone(), |p| p.display().to_string());
            let at = file.line_col(span.start as usize);
            let kpi = std::iter::once(&finding.primary)
                .chain(&finding.secondary)
                .find_map(|label| holding(label.span));
            PageWarning {
                rule: finding.rule.name(),
                level: finding.level.name(),
                message: &finding.message,
                help: finding.help.as_deref(),
                place: format!("{name}:{}:{}", at.line, at.column),
                kpi,
            }
        })
        .collect()
}

/// The id a reference names: its item's, or the name as written when it names nothing.
pub(super) fn reference_id(model: &Model, reference: &Reference) -> String {
    reference
        .target
        .map_or_else(|| reference.name.clone(), |t| model.item(t).id.node.clone())
}

pub(super) fn history_json(
    periods: &[Period],
    scores: &[Option<f64>],
    coverage: &[f64],
) -> Vec<HistoryEntry> {
    periods
        .iter()
        .zip(scores)
        .zip(coverage)
        .map(|((&period, &score), &coverage)| HistoryEntry {
            period,
            score,
            status: status_of_score(score),
            coverage,
        })
        .collect()
}

/// The owners' comments, by the KPI or objective they are about, in the order written.
fn comments_by_item(outcome: &CheckOutcome) -> HashMap<ItemId, Vec<CommentJson>> {
    let mut by_item: HashMap<ItemId, Vec<CommentJson>> = HashMap::new();
    for comment in &outcome.data.comments {
        by_item.entry(comment.about).or_default().push(CommentJson {
            period: comment.period,
            author: comment.author.clone(),
            text: comment.text.clone(),
        });
    }
    by_item
}

/// The initiatives of each objective, in declaration order.
pub(super) fn initiatives_by_objective(model: &Model) -> HashMap<ItemId, Vec<InitiativeJson>> {
    let mut by_objective: HashMap<ItemId, Vec<InitiativeJson>> = HashMap::new();
    for id in model.ids() {
        let item = model.item(id);
        let ItemKind::Initiative(initiative) = &item.kind else {
            continue;
        };
        let Some(objective) = initiative.objective.as_ref().and_then(|r| r.target) else {
            continue;
        };
        by_objective
            .entry(objective)
            .or_default()
            .push(InitiativeJson {
                id: item.id.node.clone(),
                title: item.title.clone(),
                owner: initiative.owner.as_ref().map(|o| o.node.clone()),
                due: initiative.due.as_ref().map(|d| d.node),
                status: initiative.status,
                budget: initiative.budget.as_ref().map(|b| Budget {
                    value: b.value,
                    unit: b.unit.as_ref().map(|u| u.text.clone()),
                }),
            });
    }
    by_objective
}
