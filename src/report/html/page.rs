//! The page's model: the JSON report arranged as the page shows it at `as_of`, perspective by
//! perspective, with the numbers written for people and the figures laid out.

use std::collections::HashSet;

use serde::Serialize;

use super::format;
use super::kpis::{CommentView, Kpi, KpiView, comment_views, target_short};
use super::map::{self, Map};
use super::svg::{Sparkline, values_sparkline};
use crate::report::{HistoryEntry, InitiativeJson, PageWarning, PerspectiveJson, Report};
use crate::score::Status;
use crate::vocabulary::InitiativeStatus;

#[derive(Serialize)]
pub struct Page<'r> {
    pub title: &'r str,
    pub owner: Option<&'r str>,
    pub frequency: Option<&'static str>,
    /// `Jan 2026 – Dec 2026`.
    pub span: Option<String>,
    pub as_of: Option<String>,
    pub score: Option<f64>,
    pub score_text: String,
    pub status: Status,
    pub coverage: Coverage,
    pub counts: Vec<Count>,
    pub periods: Vec<Choice>,
    pub highlights: Highlights<'r>,
    pub map: Option<Map<'r>>,
    /// Why there is no map, when there is none.
    pub map_note: Option<String>,
    pub perspectives: Vec<PerspectiveView<'r>>,
    /// KPIs that no objective of the map lists.
    pub unplaced: Vec<TableKpi<'r>>,
    pub kpi_count: usize,
    /// The check's warnings and errors, told for the reader.
    pub warnings: Vec<WarningView<'r>>,
    /// The KPIs' owners, each once, sorted: the table's owner filter.
    pub owners: Vec<&'r str>,
    /// The overall score over the periods shown, and its change since the period before
    /// (`+0.3 since Aug 2026`).
    pub score_spark: Option<Sparkline>,
    pub score_change: Option<String>,
    /// Every KPI's status in every period shown; `None` beyond [`STATUS_HISTORY_MAX_KPIS`].
    pub status_history: Option<StatusHistory<'r>>,
}

/// The most KPIs whose status history the page shows as a grid: beyond, a grid of
/// KPIs × periods would outweigh the rest of the page (the table and sections still show
/// every status through the period selector).
pub const STATUS_HISTORY_MAX_KPIS: usize = 400;

/// The status of every KPI in every period shown (the status history of scorecard tools).
#[derive(Serialize)]
pub struct StatusHistory<'r> {
    /// The periods, short (`Sep 26`), and as read (`Sep 2026`).
    pub periods: Vec<(String, String)>,
    pub rows: Vec<StatusRow<'r>>,
}

#[derive(Serialize)]
pub struct StatusRow<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub statuses: Vec<Status>,
}

/// The status history of `kpis` over the `periods` report periods shown.
fn status_history<'r>(kpis: &[Kpi<'r>], periods: &[HistoryEntry]) -> Option<StatusHistory<'r>> {
    if kpis.is_empty() || periods.is_empty() || kpis.len() > STATUS_HISTORY_MAX_KPIS {
        return None;
    }
    Some(StatusHistory {
        periods: periods
            .iter()
            .map(|h| (format::period_short(h.period), format::period(h.period)))
            .collect(),
        rows: kpis
            .iter()
            .map(|kpi| StatusRow {
                id: &kpi.json.id,
                title: &kpi.json.title,
                statuses: (0..periods.len())
                    .map(|i| kpi.reading_at(i).map_or(Status::None, |r| r.status))
                    .collect(),
            })
            .collect(),
    })
}

/// The change of the overall score since the period before the last one shown:
/// `+0.3 since Aug 2026`.
fn score_change(history: &[HistoryEntry]) -> Option<String> {
    let [.., before, now] = history else {
        return None;
    };
    let (b, n) = (before.score?, now.score?);
    Some(format!(
        "{} since {}",
        format::difference(n - b, None, 1),
        format::period(before.period)
    ))
}

/// A finding as the page tells it: the text between backticks set as code (never a backtick on
/// the page), its place relative to the project's folder, and a link to the KPI it is about.
#[derive(Serialize, Clone)]
pub struct WarningView<'r> {
    pub rule: &'static str,
    pub level: &'static str,
    pub message: Vec<Segment<'r>>,
    pub help: Vec<Segment<'r>>,
    pub place: &'r str,
    pub kpi: Option<Link<'r>>,
}

/// A piece of a message: plain text, or a name or value the message quotes (set as code).
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Segment<'r> {
    pub text: &'r str,
    pub code: bool,
}

/// `text` cut at its backticks: ``no series `value` `` is the text `no series ` and the code
/// `value`. A text with an odd number of backticks is left whole.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    if text.matches('`').count() % 2 == 1 {
        return vec![Segment { text, code: false }];
    }
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| Segment {
            text: part,
            code: i % 2 == 1,
        })
        .collect()
}

fn warning_view<'r>(warning: &'r PageWarning<'_>, kpis: &[Kpi<'r>]) -> WarningView<'r> {
    WarningView {
        rule: warning.rule,
        level: warning.level,
        message: segments(warning.message),
        help: warning.help.map(segments).unwrap_or_default(),
        place: &warning.place,
        kpi: warning.kpi.map(|k| Link {
            id: &kpis[k].json.id,
            title: &kpis[k].json.title,
        }),
    }
}

/// How much of a node's weight its score rests on: `scored: 60% of weight`, and whether that is
/// less than all of it.
#[derive(Serialize)]
pub struct Coverage {
    pub text: String,
    pub partial: bool,
}

impl Coverage {
    pub fn new(coverage: Option<f64>) -> Coverage {
        Coverage {
            text: format::coverage(coverage),
            partial: format::is_partial(coverage),
        }
    }
}

/// How many KPIs have a status.
#[derive(Serialize)]
pub struct Count {
    pub status: Status,
    pub count: usize,
}

/// A period of the selector.
#[derive(Serialize)]
pub struct Choice {
    pub index: usize,
    /// The period as written in source files (`2026-09`): the page's address names it.
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct PerspectiveView<'r> {
    pub index: usize,
    pub id: &'r str,
    pub title: &'r str,
    pub weight: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub status: Status,
    pub coverage: Coverage,
    pub status_line: String,
    pub objectives: Vec<ObjectiveView<'r>>,
}

#[derive(Serialize)]
pub struct ObjectiveView<'r> {
    pub index: usize,
    pub id: &'r str,
    pub title: &'r str,
    pub owner: Option<&'r str>,
    pub weight: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub status: Status,
    pub coverage: Coverage,
    pub status_line: String,
    pub drives: Vec<Link<'r>>,
    pub driven_by: Vec<Link<'r>>,
    pub initiatives: Vec<InitiativeView<'r>>,
    pub kpis: Vec<TableKpi<'r>>,
    pub comments: Vec<CommentView<'r>>,
}

/// A KPI in the table and in its section.
#[derive(Serialize)]
pub struct TableKpi<'r> {
    #[serde(flatten)]
    pub view: KpiView<'r>,
    /// Its final target and deadline.
    pub target_short: String,
    /// The warnings about it, also on its card.
    pub warnings: Vec<WarningView<'r>>,
}

#[derive(Serialize, Clone)]
pub struct Link<'r> {
    pub id: &'r str,
    pub title: &'r str,
}

#[derive(Serialize)]
pub struct InitiativeView<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub owner: Option<&'r str>,
    pub due: Option<String>,
    pub status: Option<InitiativeStatus>,
    pub status_text: &'static str,
    pub budget: Option<String>,
}

/// The highlights at `as_of`.
#[derive(Serialize, Default)]
pub struct Highlights<'r> {
    pub improved: Vec<Highlight<'r>>,
    pub declined: Vec<Highlight<'r>>,
    pub red: Vec<Highlight<'r>>,
}

/// A KPI in the highlights, with what is said of it: its change of score, or its actual
/// against its plan.
#[derive(Serialize)]
pub struct Highlight<'r> {
    pub id: &'r str,
    pub title: &'r str,
    pub owner: Option<&'r str>,
    pub text: String,
}

impl<'r> Highlight<'r> {
    fn of(kpi: &Kpi<'r>, text: String) -> Highlight<'r> {
        Highlight {
            id: &kpi.json.id,
            title: &kpi.json.title,
            owner: kpi.json.owner.as_deref(),
            text,
        }
    }
}

/// How many KPIs a highlight list of changes names.
pub const CHANGES_SHOWN: usize = 3;

/// The KPIs that changed most in report period `i`, as (KPI, score before, score now): the
/// improved ones, most first, and the declined ones, most first. Ties keep the report's order.
/// A change of score too small to show at one decimal is no change.
pub fn changes(kpis: &[Kpi<'_>], i: usize) -> [Vec<(usize, f64, f64)>; 2] {
    let moved: Vec<(usize, f64, f64)> = kpis
        .iter()
        .enumerate()
        .filter_map(|(k, kpi)| kpi.score_change(i).map(|(before, now)| (k, before, now)))
        .filter(|&(_, before, now)| format::score(before) != format::score(now))
        .collect();
    let mut improved: Vec<_> = moved.iter().copied().filter(|c| c.2 > c.1).collect();
    improved.sort_by(|a, b| (b.2 - b.1).total_cmp(&(a.2 - a.1)));
    improved.truncate(CHANGES_SHOWN);
    let mut declined: Vec<_> = moved.into_iter().filter(|c| c.2 < c.1).collect();
    declined.sort_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)));
    declined.truncate(CHANGES_SHOWN);
    [improved, declined]
}

/// The red KPIs of report period `i`, lowest score first (ties in the report's order).
pub fn reds(kpis: &[Kpi<'_>], i: usize) -> Vec<usize> {
    let mut red: Vec<(usize, f64)> = kpis
        .iter()
        .enumerate()
        .filter_map(|(k, kpi)| {
            let reading = kpi.reading_at(i)?;
            (reading.status == Status::Red).then(|| (k, reading.score.unwrap_or(0.0)))
        })
        .collect();
    red.sort_by(|a, b| a.1.total_cmp(&b.1));
    red.into_iter().map(|(k, _)| k).collect()
}

/// A KPI's change in report period `i` told by its values, as its owner reads them, large
/// amounts compact: `6.50% vs plan 6.03%, from 5.80%`, `1.75m EUR vs plan 2.1m EUR` (the
/// previous actual left out when it reads the same; the plan when there is none).
pub fn change_text(kpi: &Kpi<'_>, i: usize) -> String {
    let Some((before, now)) = kpi.change(i) else {
        return String::new();
    };
    let style = &kpi.style;
    let (was, is, plan) = (
        style.compact(before.actual),
        style.compact(now.actual),
        style.compact_plan(now),
    );
    let mut text = is.clone();
    if plan != format::NO_VALUE {
        text += &format!(" vs plan {plan}");
    }
    if was != is && was != format::NO_VALUE {
        text += &format!(", from {was}");
    }
    text
}

pub fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| format::NO_VALUE.to_string(), format::score)
}

/// The statuses of the KPIs in report period `i`: green, amber, red, none.
pub fn counts(kpis: &[Kpi<'_>], i: Option<usize>) -> [usize; 4] {
    let mut counts = [0; 4];
    for kpi in kpis {
        let status = i
            .and_then(|i| kpi.reading_at(i))
            .map_or(Status::None, |r| r.status);
        counts[status_slot(status)] += 1;
    }
    counts
}

/// A status's place in [`Status::ALL`] (and in [`counts`]).
fn status_slot(status: Status) -> usize {
    match status {
        Status::Green => 0,
        Status::Amber => 1,
        Status::Red => 2,
        Status::None => 3,
    }
}

impl<'r> Page<'r> {
    pub fn new(report: &'r Report<'_>, kpis: &[Kpi<'r>]) -> Page<'r> {
        let last = report.history.len().checked_sub(1);
        let kpi_at: std::collections::HashMap<&str, usize> = report
            .kpis
            .iter()
            .enumerate()
            .map(|(k, json)| (json.id.as_str(), k))
            .collect();
        let warnings: Vec<WarningView<'r>> = report
            .warnings
            .iter()
            .map(|w| warning_view(w, kpis))
            .collect();
        // Each KPI's own warnings, gathered in one pass.
        let mut warnings_of: Vec<Vec<WarningView<'r>>> = vec![Vec::new(); kpis.len()];
        for (warning, view) in report.warnings.iter().zip(&warnings) {
            if let Some(k) = warning.kpi {
                warnings_of[k].push(view.clone());
            }
        }
        let table_kpi = |k: usize| {
            let kpi = &kpis[k];
            TableKpi {
                warnings: warnings_of[k].clone(),
                view: kpi.view(k),
                target_short: kpi
                    .json
                    .target
                    .as_ref()
                    .and_then(|t| target_short(&kpi.style, t))
                    .unwrap_or_else(|| format::NO_VALUE.to_string()),
            }
        };
        let titles: std::collections::HashMap<&str, &str> = report
            .perspectives
            .iter()
            .flat_map(|p| &p.objectives)
            .map(|o| (o.id.as_str(), o.title.as_str()))
            .collect();
        let mut placed: HashSet<usize> = HashSet::new();
        let mut objective_index = 0;
        let perspectives = report
            .perspectives
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let objectives = p
                    .objectives
                    .iter()
                    .map(|o| {
                        let own: Vec<usize> = o
                            .kpis
                            .iter()
                            .filter_map(|id| kpi_at.get(id.as_str()).copied())
                            .collect();
                        placed.extend(&own);
                        let view = ObjectiveView {
                            index: objective_index,
                            id: &o.id,
                            title: &o.title,
                            owner: o.owner.as_deref(),
                            weight: format::weight(o.weight),
                            score: o.score,
                            score_text: score_text(o.score),
                            status: o.status,
                            coverage: Coverage::new(o.coverage),
                            status_line: map::status_line(o.status, o.score),
                            drives: o
                                .drives
                                .iter()
                                .filter_map(|d| titles.get_key_value(d.as_str()))
                                .map(|(id, title)| Link { id, title })
                                .collect(),
                            driven_by: driven_by(&report.perspectives, &o.id),
                            initiatives: o.initiatives.iter().map(initiative).collect(),
                            kpis: own.into_iter().map(table_kpi).collect(),
                            comments: comment_views(&o.comments),
                        };
                        objective_index += 1;
                        view
                    })
                    .collect();
                perspective_view(index, p, objectives)
            })
            .collect();
        let unplaced = (0..kpis.len())
            .filter(|k| !placed.contains(k))
            .map(table_kpi)
            .collect();
        let objectives: usize = report.perspectives.iter().map(|p| p.objectives.len()).sum();
        let map = map::layout(&report.perspectives);
        let map_note = match (&map, objectives) {
            (Some(_), _) => None,
            (None, 0) => Some("The scorecard has no objectives to draw.".to_string()),
            (None, n) => Some(format!(
                "The map is drawn for up to {} objectives; this scorecard has {n}. The scorecard \
                 table below lists them all, perspective by perspective.",
                map::MAX_MAP_OBJECTIVES
            )),
        };
        let counts = counts(kpis, last);
        let scorecard = report.scorecard.as_ref();
        Page {
            title: scorecard.map_or("Scorecard", |s| s.title.as_str()),
            owner: scorecard.and_then(|s| s.owner.as_deref()),
            frequency: scorecard.map(|s| s.frequency.frequency_name()),
            span: scorecard.and_then(|s| s.period.as_ref()).map(|span| {
                format!(
                    "{} – {}",
                    format::period(span.from),
                    format::period(span.to)
                )
            }),
            as_of: report.as_of.map(format::period),
            score: report.score,
            score_text: score_text(report.score),
            status: report.status,
            coverage: Coverage::new(report.coverage),
            counts: Status::ALL
                .into_iter()
                .zip(counts)
                .map(|(status, count)| Count { status, count })
                .collect(),
            periods: choices(&report.history),
            highlights: last.map_or_else(Highlights::default, |i| highlights(kpis, i)),
            map,
            map_note,
            perspectives,
            unplaced,
            kpi_count: kpis.len(),
            warnings,
            score_spark: values_sparkline(
                &report.history.iter().map(|h| h.score).collect::<Vec<_>>(),
            ),
            score_change: score_change(&report.history),
            status_history: status_history(kpis, &report.history),
            owners: {
                let mut owners: Vec<&str> = kpis
                    .iter()
                    .filter_map(|k| k.json.owner.as_deref())
                    .collect();
                owners.sort_unstable();
                owners.dedup();
                owners
            },
        }
    }
}

fn perspective_view<'r>(
    index: usize,
    p: &'r PerspectiveJson,
    objectives: Vec<ObjectiveView<'r>>,
) -> PerspectiveView<'r> {
    PerspectiveView {
        index,
        id: &p.id,
        title: &p.title,
        weight: format::weight(p.weight),
        score: p.score,
        score_text: score_text(p.score),
        status: p.status,
        coverage: Coverage::new(p.coverage),
        status_line: map::status_line(p.status, p.score),
        objectives,
    }
}

fn driven_by<'r>(perspectives: &'r [PerspectiveJson], id: &str) -> Vec<Link<'r>> {
    perspectives
        .iter()
        .flat_map(|p| &p.objectives)
        .filter(|o| o.drives.iter().any(|d| d == id))
        .map(|o| Link {
            id: &o.id,
            title: &o.title,
        })
        .collect()
}

fn initiative(i: &InitiativeJson) -> InitiativeView<'_> {
    InitiativeView {
        id: &i.id,
        title: &i.title,
        owner: i.owner.as_deref(),
        due: i.due.map(format::period),
        status: i.status,
        status_text: i.status.map_or("", format::initiative_status),
        budget: i.budget.as_ref().map(|b| {
            let decimals = if b.value.fract() == 0.0 { 0 } else { 2 };
            format::quantity(b.value, b.unit.as_deref(), decimals)
        }),
    }
}

fn choices(history: &[HistoryEntry]) -> Vec<Choice> {
    history
        .iter()
        .enumerate()
        .map(|(index, h)| Choice {
            index,
            code: h.period.to_string(),
            label: format::period(h.period),
            selected: index + 1 == history.len(),
        })
        .collect()
}

fn highlights<'r>(kpis: &[Kpi<'r>], i: usize) -> Highlights<'r> {
    let [improved, declined] = changes(kpis, i);
    let change = |(k, _, _): (usize, f64, f64)| Highlight::of(&kpis[k], change_text(&kpis[k], i));
    Highlights {
        improved: improved.into_iter().map(change).collect(),
        declined: declined.into_iter().map(change).collect(),
        red: reds(kpis, i)
            .into_iter()
            .map(|k| Highlight::of(&kpis[k], red_text(&kpis[k], i)))
            .collect(),
    }
}

/// What a red KPI's line says in report period `i`: `89.2% vs plan 93.3%`.
pub fn red_text(kpi: &Kpi<'_>, i: usize) -> String {
    kpi.reading_at(i).map_or_else(String::new, |reading| {
        let shown = kpi.style.shown(&reading);
        format!("{} vs plan {}", shown.actual_text, shown.plan_text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_at_their_backticks() {
        let code = |text| Segment { text, code: true };
        let plain = |text| Segment { text, code: false };
        assert_eq!(
            segments("no series `value` in `a.csv`"),
            [
                plain("no series "),
                code("value"),
                plain(" in "),
                code("a.csv")
            ]
        );
        assert_eq!(segments("`x` alone"), [code("x"), plain(" alone")]);
        assert_eq!(segments("an odd ` stays"), [plain("an odd ` stays")]);
    }
}
