//! The data the page's script reads to show an earlier period: every figure of every period the
//! reader can pick, written as the page writes it (so the script formats nothing and computes
//! nothing), embedded as JSON in a `<script type="application/json">`.
//!
//! Compact by design, as a page may hold thousands of KPIs: arrays, not objects; a KPI's
//! readings once per period of its own (a quarterly KPI has four a year, however many report
//! periods show them); the mapping from report periods to them only where it is not the
//! identity.

use serde::Serialize;

use super::figures::{Bare, Move, Reading};
use super::kpis::Kpi;
use super::page;
use super::{RenderError, format};
use crate::period::Period;
use crate::report::{HistoryEntry, Report};
use crate::score::{Status, Trend};

#[derive(Serialize)]
struct ScriptData {
    /// The labels of the report periods from the first to `as_of`.
    periods: Vec<String>,
    /// For each status: its code in this data, its name, symbol and word.
    statuses: Vec<[&'static str; 4]>,
    /// For each trend: its code in this data, its name and word.
    trends: Vec<[&'static str; 3]>,
    /// For each move of the value: its code in this data, its arrow and word.
    moves: Vec<[&'static str; 3]>,
    /// The scorecard's score, status and coverage (text, whether partial) in each period.
    card: Vec<NodeScore>,
    /// How many KPIs are green, amber, red, without score, in each period.
    counts: Vec<[usize; 4]>,
    perspectives: Vec<Vec<NodeScore>>,
    objectives: Vec<Vec<NodeScore>>,
    kpis: Vec<KpiData>,
    /// In each period: the improved and the declined KPIs as (KPI, text), and the red KPIs
    /// (the script writes their actual and plan).
    highlights: Vec<Highlights>,
}

#[derive(Serialize)]
struct Highlights(Vec<(usize, String)>, Vec<(usize, String)>, Vec<usize>);

/// One KPI: `e` its readings; `r` for each report period the reading it shows (-1 for none)
/// and `p` the readings' periods, both absent when report period `i` shows reading `i` of the
/// same period; `n` and `np` the reading at `as_of` and its period where it is not the one `r`
/// points to.
///
/// The texts of values and differences leave out the unit, which follows them as `u` says:
/// `[after a value, after a difference]` (`["%", " pp"]`).
#[derive(Serialize)]
struct KpiData {
    u: [String; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<Vec<String>>,
    e: Vec<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    np: Option<String>,
}

/// Actual, plan, variance (without their unit), score, status code, trend code, the bullet
/// graph's positions (actual, plan, bounds...), and the code of the value's move.
type Entry = (
    String,
    String,
    String,
    String,
    &'static str,
    Option<&'static str>,
    Option<Vec<Option<i32>>>,
    Option<&'static str>,
);

/// The one-letter code of a status in the data.
fn status_code(status: Status) -> &'static str {
    match status {
        Status::Green => "g",
        Status::Amber => "a",
        Status::Red => "r",
        Status::None => "n",
    }
}

/// The one-letter code of a move in the data.
fn move_code(moved: Move) -> &'static str {
    match moved {
        Move::Rose => "u",
        Move::Fell => "d",
        Move::Held => "h",
    }
}

/// The one-letter code of a trend in the data.
fn trend_code(trend: Trend) -> &'static str {
    match trend {
        Trend::Improving => "i",
        Trend::Worsening => "w",
        Trend::Flat => "f",
    }
}

fn entry(kpi: &Kpi<'_>, reading: &Reading) -> Entry {
    let Bare {
        actual,
        plan,
        variance,
        score,
    } = kpi.style.bare(reading);
    let bullet = kpi.bullet_at(reading).map(|at| {
        [at.actual, at.plan]
            .into_iter()
            .chain(at.bounds.into_iter().map(Some))
            .collect()
    });
    (
        actual,
        plan,
        variance,
        score,
        status_code(reading.status),
        reading.trend.map(trend_code),
        bullet,
        reading.moved.map(move_code),
    )
}

/// `shown` are the report periods the reader can pick.
fn kpi_data(kpi: &Kpi<'_>, shown: &[Period]) -> KpiData {
    let e: Vec<Entry> = kpi.readings.iter().map(|r| entry(kpi, r)).collect();
    let identity = kpi
        .contributing
        .iter()
        .enumerate()
        .all(|(i, c)| *c == Some(i))
        && kpi.readings.iter().zip(shown).all(|(r, s)| r.period == *s);
    let r = (!identity).then(|| {
        kpi.contributing
            .iter()
            .map(|c| c.map_or(-1, |c| c as i64))
            .collect()
    });
    let p = (!identity).then(|| {
        kpi.readings
            .iter()
            .map(|r| format::period(r.period))
            .collect()
    });
    let last = kpi.contributing.last().copied().flatten();
    let last_period = last.and_then(|at| kpi.readings.get(at)).map(|r| r.period);
    let (n, np) = match kpi.now {
        Some(now) => {
            let now_entry = entry(kpi, &now);
            let same = last.and_then(|at| e.get(at)) == Some(&now_entry)
                && last_period == Some(now.period);
            if same {
                (None, None)
            } else {
                (Some(now_entry), Some(format::period(now.period)))
            }
        }
        None => (None, None),
    };
    KpiData {
        u: [
            kpi.style.value_suffix.clone(),
            kpi.style.difference_suffix.clone(),
        ],
        r,
        p,
        e,
        n,
        np,
    }
}

/// A node's score, status code, and coverage as the page writes it, in one period.
type NodeScore = (String, &'static str, String, bool);

fn scores(history: &[HistoryEntry]) -> Vec<NodeScore> {
    history
        .iter()
        .map(|h| {
            (
                page::score_text(h.score),
                status_code(h.status),
                format::coverage(Some(h.coverage)),
                format::is_partial(Some(h.coverage)),
            )
        })
        .collect()
}

/// The script's data as JSON that is safe inside a `<script>` element: every `<` is written
/// `\u003c`, so no `</script>` or `<!--` can end or change it.
pub fn script_data(report: &Report<'_>, kpis: &[Kpi<'_>]) -> Result<String, RenderError> {
    let periods = report.history.len();
    let shown: Vec<Period> = report.history.iter().map(|h| h.period).collect();
    let data = ScriptData {
        periods: report
            .history
            .iter()
            .map(|h| format::period(h.period))
            .collect(),
        statuses: Status::ALL
            .into_iter()
            .map(|s| {
                [
                    status_code(s),
                    s.name(),
                    format::status_symbol(s),
                    format::status_word(s),
                ]
            })
            .collect(),
        trends: Trend::ALL
            .into_iter()
            .map(|t| [trend_code(t), t.name(), format::trend_word(Some(t))])
            .collect(),
        moves: Move::ALL
            .into_iter()
            .map(|m| [move_code(m), format::move_arrow(Some(m)), m.name()])
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
        kpis: kpis.iter().map(|kpi| kpi_data(kpi, &shown)).collect(),
        highlights: (0..periods)
            .map(|i| {
                let [improved, declined] = page::changes(kpis, i);
                let change = |(k, _, _): (usize, f64, f64)| (k, page::change_text(&kpis[k], i));
                Highlights(
                    improved.into_iter().map(change).collect(),
                    declined.into_iter().map(change).collect(),
                    page::reds(kpis, i),
                )
            })
            .collect(),
    };
    serde_json::to_string(&data)
        .map(|json| json.replace('<', "\\u003c"))
        .map_err(RenderError::Data)
}
