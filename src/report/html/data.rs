//! The data the page's script reads to show an earlier period: every figure of every period the
//! reader can pick, written as the page writes it (so the script formats nothing and computes
//! nothing), embedded as JSON in a `<script type="application/json">`.
//!
//! Compact by design, as a page may hold thousands of KPIs: arrays, not objects; a KPI's
//! readings once per period of its own (a quarterly KPI has four a year, however many report
//! periods show them); the mapping from report periods to them only where it is not the
//! identity.

use serde::Serialize;

use super::figures::Shown;
use super::format;
use super::kpis::Kpi;
use super::page::{self, STATUSES};
use crate::report::{HistoryEntry, Report};

#[derive(Serialize)]
struct ScriptData<'r> {
    /// The labels of the report periods from the first to `as_of`.
    periods: Vec<String>,
    /// For each status: its symbol and word.
    statuses: Vec<[&'static str; 3]>,
    /// For each trend: its arrow and word.
    trends: Vec<[&'static str; 3]>,
    /// The scorecard's score and status in each period.
    card: Vec<(String, &'r str)>,
    /// How many KPIs are green, amber, red, without score, in each period.
    counts: Vec<[usize; 4]>,
    perspectives: Vec<Vec<(String, &'r str)>>,
    objectives: Vec<Vec<(String, &'r str)>>,
    kpis: Vec<KpiData>,
    /// In each period: the improved, the declined and the red KPIs, as (KPI, text).
    highlights: Vec<[Vec<(usize, String)>; 3]>,
}

/// One KPI: `e` its readings, `r` for each report period the reading it shows (-1 for none;
/// absent when report period `i` shows reading `i`), `n` the reading at `as_of` where it is
/// not the one `r` points to.
#[derive(Serialize)]
struct KpiData {
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<Vec<i64>>,
    e: Vec<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<Entry>,
}

/// Period, actual, plan, variance, score, status, trend, and the bullet graph's positions
/// (actual, plan, bounds...).
type Entry = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<&'static str>,
    Option<Vec<Option<i32>>>,
);

fn entry(kpi: &Kpi<'_>, reading: &super::figures::Reading<'_>) -> Entry {
    let Shown {
        period,
        actual_text,
        plan_text,
        variance_text,
        score_text,
        status,
        trend,
        ..
    } = kpi.style.shown(reading);
    let bullet = kpi.bullet_at(reading).map(|at| {
        [at.actual, at.plan]
            .into_iter()
            .chain(at.bounds.into_iter().map(Some))
            .collect()
    });
    (
        period,
        actual_text,
        plan_text,
        variance_text,
        score_text,
        status,
        trend,
        bullet,
    )
}

fn kpi_data(kpi: &Kpi<'_>) -> KpiData {
    let e: Vec<Entry> = kpi.readings.iter().map(|r| entry(kpi, r)).collect();
    let identity = kpi
        .contributing
        .iter()
        .enumerate()
        .all(|(i, c)| *c == Some(i));
    let r = (!identity).then(|| {
        kpi.contributing
            .iter()
            .map(|c| c.map_or(-1, |c| c as i64))
            .collect()
    });
    let last = kpi.contributing.last().copied().flatten();
    let n = kpi
        .now
        .map(|now| entry(kpi, &now))
        .filter(|now| last.and_then(|at| e.get(at)) != Some(now));
    KpiData { r, e, n }
}

fn scores(history: &[HistoryEntry]) -> Vec<(String, &str)> {
    history
        .iter()
        .map(|h| (page::score_text(h.score), h.status))
        .collect()
}

/// The script's data as JSON that is safe inside a `<script>` element: every `<` is written
/// `\u003c`, so no `</script>` or `<!--` can end or change it.
pub fn script_data(report: &Report<'_>, kpis: &[Kpi<'_>]) -> Result<String, String> {
    let periods = report.history.len();
    let data = ScriptData {
        periods: report
            .history
            .iter()
            .map(|h| format::period(&h.period))
            .collect(),
        statuses: STATUSES
            .iter()
            .map(|&s| [s, format::status_symbol(s), format::status_word(s)])
            .collect(),
        trends: ["improving", "worsening", "flat"]
            .iter()
            .map(|&t| [t, format::trend_arrow(Some(t)), format::trend_word(Some(t))])
            .collect(),
        card: scores(&report.history),
        counts: (0..periods).map(|i| page::counts(kpis, Some(i))).collect(),
        perspectives: report
            .perspectives
            .iter()
            .map(|p| scores(&p.history))
            .collect(),
        objectives: report
            .perspectives
            .iter()
            .flat_map(|p| &p.objectives)
            .map(|o| scores(&o.history))
            .collect(),
        kpis: kpis.iter().map(kpi_data).collect(),
        highlights: (0..periods)
            .map(|i| {
                let [improved, declined] = page::changes(kpis, i);
                let change = |(k, before, now)| (k, page::change_text(before, now));
                [
                    improved.into_iter().map(change).collect(),
                    declined.into_iter().map(change).collect(),
                    page::reds(kpis, i)
                        .into_iter()
                        .map(|k| (k, page::red_text(&kpis[k], i)))
                        .collect(),
                ]
            })
            .collect(),
    };
    serde_json::to_string(&data)
        .map(|json| json.replace('<', "\\u003c"))
        .map_err(|error| format!("cannot write the page's data: {error}"))
}
