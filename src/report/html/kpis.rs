//! Each KPI of the report read for the page: its readings in every period the reader can pick,
//! how its numbers are written, its facts in words and the geometry of its figures.

use serde::Serialize;

use super::figures::{Reading, Shown, Style, contributing};
use super::forecast::{Forecast, forecast};
use super::format;
use super::svg::{self, BulletAt, BulletScale, Chart, Segment, Sparkline, Tick};
use crate::period::{Grain, Period};
use crate::report::{Bound, CommentJson, KpiJson, TargetJson};
use crate::score::Status;
use crate::vocabulary::Direction;

/// One KPI with everything the page derives from its JSON.
pub struct Kpi<'r> {
    pub json: &'r KpiJson,
    pub style: Style<'r>,
    /// For each shown report period, the series entry it shows (`None`: before the series).
    pub contributing: Vec<Option<usize>>,
    /// The readings of the series entries the reader can pick, `0..=` the last contributing one.
    pub readings: Vec<Reading>,
    /// At `as_of`: the JSON's `latest` and `trend`.
    pub now: Option<Reading>,
    pub bullet: Option<BulletScale>,
}

impl<'r> Kpi<'r> {
    /// `shown` are the report periods from the first to `as_of`.
    pub fn new(json: &'r KpiJson, shown: &[Period]) -> Kpi<'r> {
        let contributing = contributing(json, shown);
        let picked = contributing
            .iter()
            .flatten()
            .max()
            .map_or(0, |&last| last + 1);
        let readings: Vec<Reading> = (0..picked.min(json.series.len()))
            .map(|at| Reading::of_series(json, at))
            .collect();
        let now = json
            .latest
            .as_ref()
            .map(|latest| Reading::latest(json, latest));
        let bullet = BulletScale::of(
            json,
            &readings.iter().chain(&now).copied().collect::<Vec<_>>(),
        );
        Kpi {
            json,
            style: Style::of(json),
            contributing,
            readings,
            now,
            bullet,
        }
    }

    /// The reading shown in report period `i` of `shown` (the last one is `as_of`).
    pub fn reading_at(&self, i: usize) -> Option<Reading> {
        if i + 1 == self.contributing.len() {
            return self.now;
        }
        let at = (*self.contributing.get(i)?)?;
        self.readings.get(at).copied()
    }

    /// The series entry of `as_of`, if `latest` is one of them.
    pub fn now_index(&self) -> Option<usize> {
        let latest = self.json.latest.as_ref()?;
        self.json
            .series
            .iter()
            .position(|e| e.period == latest.period)
    }

    /// The change of score from the entry before to the one shown in report period `i`.
    pub fn score_change(&self, i: usize) -> Option<(f64, f64)> {
        let (before, now) = self.change(i)?;
        Some((before.score?, now.score?))
    }

    /// The entry before the one shown in report period `i`, and that one.
    pub fn change(&self, i: usize) -> Option<(&Reading, &Reading)> {
        let at = (*self.contributing.get(i)?)?;
        Some((
            self.readings.get(at.checked_sub(1)?)?,
            self.readings.get(at)?,
        ))
    }

    pub fn bullet_at(&self, reading: &Reading) -> Option<BulletAt> {
        self.bullet.map(|scale| scale.at(reading))
    }
}

/// A KPI as the templates show it at `as_of`.
#[derive(Serialize)]
pub struct KpiView<'r> {
    /// The KPI's position in the report (the script's index).
    pub index: usize,
    pub id: &'r str,
    pub title: &'r str,
    pub description: Option<&'r str>,
    pub owner: Option<&'r str>,
    /// As people write it (`µg/m³`).
    pub unit: Option<String>,
    pub direction: &'static str,
    pub frequency: &'static str,
    pub weight: Option<String>,
    pub formula: Option<&'r str>,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub milestones: Vec<String>,
    pub bands: String,
    pub now: Shown,
    pub bullet: Option<BulletView>,
    pub chart: Option<Chart>,
    /// Where the recent actuals lead by the deadline, when it lies ahead.
    pub forecast: Option<ForecastView>,
    pub spark: Option<Sparkline>,
    pub notes: Vec<Note>,
    /// The owners' comments, their periods as read.
    pub comments: Vec<CommentView<'r>>,
}

#[derive(Serialize)]
pub struct BulletView {
    pub segments: Vec<Segment>,
    pub at: BulletAt,
    /// Round values under the graph (at their position in percent).
    pub ticks: Vec<Tick>,
    /// `scale from 1,000, not 0` when the scale does not start at zero.
    pub start_note: Option<String>,
}

/// The forecast in words: where the recent pace leads by the deadline, the pace the target
/// needs, and the verdict.
#[derive(Serialize)]
pub struct ForecastView {
    pub on_track: bool,
    pub text: String,
    /// How it was made, for the reader who asks.
    pub how: String,
}

fn forecast_view(json: &KpiJson, style: &Style<'_>, f: &Forecast) -> ForecastView {
    let per = match json.frequency {
        Grain::Day => "a day",
        Grain::Week => "a week",
        Grain::Month => "a month",
        Grain::Quarter => "a quarter",
        Grain::Half => "a half-year",
        Grain::Year => "a year",
    };
    // A pace is often smaller than the values: one more decimal below 1 (at most two).
    let pace = |v: f64| {
        let decimals = if v.abs() >= 1.0 {
            style.decimals
        } else {
            (style.decimals + 1).min(2)
        };
        format!("{}{}", format::signed(v, decimals), style.difference_suffix)
    };
    let deadline = json.deadline.map(format::period).unwrap_or_default();
    let mut text = format!(
        "{} by {deadline} at the recent pace ({} {per})",
        style.quantity(Some(f.at_deadline)),
        pace(f.pace)
    );
    if let Some(needed) = f.needed {
        text += &format!("; the target needs {} {per} from now", pace(needed));
    }
    ForecastView {
        on_track: f.on_track,
        text,
        how: format!(
            "A straight line fitted (least squares) through the last {} actuals, carried on to \
             the deadline.",
            f.points
        ),
    }
}

/// A line under a KPI's chart: the owner's note of a period, or why periods have no value.
#[derive(Serialize, Debug, PartialEq)]
pub struct Note {
    pub period: String,
    pub text: String,
    pub missing: bool,
}

impl<'r> Kpi<'r> {
    pub fn view(&self, index: usize) -> KpiView<'r> {
        let json = self.json;
        let style = &self.style;
        // A KPI without `latest` shows no period and no value.
        let now = self.now.unwrap_or(Reading {
            period: Period::Year(0),
            actual: None,
            plan: None,
            green: None,
            amber: None,
            status: Status::None,
            score: None,
            trend: None,
            moved: None,
        });
        let last_shown = self.now_index().or(self.readings.len().checked_sub(1));
        let forecast = self.now_index().and_then(|at| forecast(json, at));
        KpiView {
            index,
            id: &json.id,
            title: &json.title,
            description: json.description.as_deref(),
            owner: json.owner.as_deref(),
            unit: json.unit.as_deref().map(format::unit_text),
            direction: match json.direction {
                Some(Direction::Up) => "higher is better",
                Some(Direction::Down) => "lower is better",
                Some(Direction::Range) => "stay inside the range",
                None => "not given",
            },
            frequency: json.frequency.frequency_name(),
            weight: json.weight.map(format::weight),
            formula: json.formula.as_deref(),
            baseline: json.baseline.as_ref().map(|b| {
                format!(
                    "{} in {}",
                    style.quantity(Some(b.value)),
                    format::period(b.period)
                )
            }),
            target: json.target.as_ref().and_then(|t| target_text(style, t)),
            milestones: json.target.as_ref().map_or_else(Vec::new, |t| {
                t.milestones
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}",
                            format::period(m.period),
                            style.quantity(Some(m.value))
                        )
                    })
                    .collect()
            }),
            bands: bands_text(json, style),
            now: Shown {
                period: self.now.map(|now| format::period(now.period)),
                ..style.shown(&now)
            },
            bullet: self.bullet.map(|scale| {
                let at = scale.at(&now);
                BulletView {
                    segments: scale.segments(&at),
                    at,
                    ticks: scale.ticks(),
                    start_note: scale
                        .start()
                        .map(|low| format!("scale from {}, not 0", style.quantity(Some(low)))),
                }
            }),
            chart: svg::chart(
                json,
                self.now_index(),
                self.now
                    .filter(|now| now.actual.is_some())
                    .map(|now| style.shown(&now).actual_text),
                forecast.as_ref(),
            ),
            forecast: forecast.as_ref().map(|f| forecast_view(json, style, f)),
            spark: last_shown.and_then(|last| svg::sparkline(json, last)),
            notes: notes(json),
            comments: comment_views(&json.comments),
        }
    }
}

/// The final target and its deadline: `39.5% by Dec 2026`, `55–70 days by Dec 2026`.
pub fn target_text(style: &Style<'_>, target: &TargetJson) -> Option<String> {
    let value = style.bound(target.value?);
    Some(match &target.by {
        Some(by) => format!("{value} by {}", format::period(*by)),
        None => value,
    })
}

/// An owner's comment as the page shows it.
#[derive(Serialize)]
pub struct CommentView<'r> {
    pub period: String,
    pub author: Option<&'r str>,
    pub text: &'r str,
}

pub fn comment_views(comments: &[CommentJson]) -> Vec<CommentView<'_>> {
    comments
        .iter()
        .map(|c| CommentView {
            period: format::period(c.period),
            author: c.author.as_deref(),
            text: &c.text,
        })
        .collect()
}

/// The final target for the table, where space is short: a large amount compact
/// (`2.1m EUR by Dec 2026`).
pub fn target_short(style: &Style<'_>, target: &TargetJson) -> Option<String> {
    let value = match target.value? {
        Bound::Value(v) => style.compact(Some(v)),
        band => style.bound(band),
    };
    Some(match &target.by {
        Some(by) => format!("{value} by {}", format::period(*by)),
        None => value,
    })
}

/// How the bands are set: the thresholds as written, or the tolerance around the plan.
fn bands_text(json: &KpiJson, style: &Style<'_>) -> String {
    let Some(thresholds) = &json.thresholds else {
        return format!(
            "green on plan, amber within {} of it",
            format::weight(json.tolerance)
        );
    };
    let operator = match json.direction {
        Some(Direction::Down) => "≤",
        _ => "≥",
    };
    let bound = |b: Bound| match b {
        Bound::Value(_) => format!("{operator} {}", style.bound(b)),
        Bound::Pair(_) => style.bound(b),
    };
    format!(
        "green {}, amber {}",
        bound(thresholds.green),
        bound(thresholds.amber)
    )
}

/// The owner's notes and the reasons for missing values, period by period; consecutive periods
/// missing for the same reason make one line (`Jan 2026 – Mar 2026: no data`).
fn notes(json: &KpiJson) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    let mut run: Option<(usize, usize, &str)> = None;
    let close = |run: Option<(usize, usize, &str)>, notes: &mut Vec<Note>| {
        if let Some((first, last, reason)) = run {
            let from = format::period(json.series[first].period);
            let period = if first == last {
                from
            } else {
                format!("{from} – {}", format::period(json.series[last].period))
            };
            notes.push(Note {
                period,
                text: reason.to_string(),
                missing: true,
            });
        }
    };
    for (at, entry) in json.series.iter().enumerate() {
        match (&entry.missing, run) {
            (Some(reason), Some((first, last, current))) if current == reason && last + 1 == at => {
                run = Some((first, at, current));
            }
            (Some(reason), _) => {
                close(run, &mut notes);
                run = Some((at, at, reason));
            }
            (None, _) => {
                close(run.take(), &mut notes);
            }
        }
        if let Some(note) = &entry.note {
            close(run.take(), &mut notes);
            notes.push(Note {
                period: format::period(entry.period),
                text: note.clone(),
                missing: false,
            });
        }
    }
    close(run, &mut notes);
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Grain;
    use crate::report::SeriesEntry;

    fn entry(period: &str, missing: Option<&str>, note: Option<&str>) -> SeriesEntry {
        SeriesEntry {
            period: Period::parse(period).unwrap(),
            actual: None,
            plan: None,
            green: None,
            amber: None,
            status: Status::None,
            score: None,
            carried_from: None,
            note: note.map(str::to_string),
            missing: missing.map(str::to_string),
        }
    }

    #[test]
    fn consecutive_periods_missing_for_one_reason_make_one_line() {
        let json = KpiJson {
            id: "k".into(),
            title: "K".into(),
            description: None,
            objective: None,
            owner: None,
            unit: None,
            direction: Some(Direction::Up),
            frequency: Grain::Month,
            weight: None,
            formula: None,
            baseline: None,
            deadline: None,
            target: None,
            thresholds: None,
            tolerance: 10.0,
            latest: None,
            trend: None,
            series: vec![
                entry("2026-01", Some("no data"), None),
                entry("2026-02", Some("no data"), None),
                entry("2026-03", None, Some("Late close")),
                entry("2026-04", Some("no data"), None),
                entry("2026-05", Some("division by zero"), None),
            ],
            comments: Vec::new(),
        };
        let lines: Vec<(String, String, bool)> = notes(&json)
            .into_iter()
            .map(|n| (n.period, n.text, n.missing))
            .collect();
        let line = |p: &str, t: &str, m| (p.to_string(), t.to_string(), m);
        assert_eq!(
            lines,
            [
                line("Jan 2026 – Feb 2026", "no data", true),
                line("Mar 2026", "Late close", false),
                line("Apr 2026", "no data", true),
                line("May 2026", "division by zero", true),
            ]
        );
    }
}
