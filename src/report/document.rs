//! The report document (SCORING.md, "The JSON report"): what `report.json` holds and what the
//! HTML page is rendered from. Periods, statuses, trends, directions and frequencies stay typed;
//! serde writes each by its name, and the fields serialize in declaration order.

use serde::{Serialize, Serializer};

use crate::diagnostics::Diagnostic;
use crate::period::{Grain, Period};
use crate::score::{Status, Trend};
use crate::vocabulary::{Direction, InitiativeStatus};

#[derive(Serialize)]
pub struct Report<'a> {
    pub version: &'static str,
    pub scorecard: Option<ScorecardJson>,
    pub as_of: Option<Period>,
    pub periods: Vec<Period>,
    pub score: Option<f64>,
    pub status: Status,
    /// The percentage of the scorecard's weight that is scored at `as_of` (the score rests on
    /// that part alone); `None` without `as_of`.
    pub coverage: Option<f64>,
    /// The report periods from the first to `as_of`, each with the scorecard's score.
    pub history: Vec<HistoryEntry>,
    pub perspectives: Vec<PerspectiveJson>,
    pub kpis: Vec<KpiJson>,
    /// Every org (ORGS.md), the root first, then depth first in declaration order; empty in a
    /// project without orgs.
    pub orgs: Vec<OrgJson>,
    pub diagnostics: Vec<Diagnostic<'a>>,
    /// The same findings as the page tells them to its reader (not in report.json).
    #[serde(skip)]
    pub warnings: Vec<PageWarning<'a>>,
}

/// A finding as the HTML page shows it: its place relative to the project's folder
/// (`scorecard.kpi:6:31`, whatever folder kpic ran in) and the KPI it lies in, whose card shows
/// it too.
pub struct PageWarning<'a> {
    pub rule: &'static str,
    pub level: &'static str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub place: String,
    /// The KPI's index in the report's `kpis`.
    pub kpi: Option<usize>,
}

#[derive(Serialize, Clone)]
pub struct ScorecardJson {
    pub title: String,
    pub owner: Option<String>,
    #[serde(serialize_with = "frequency")]
    pub frequency: Grain,
    pub period: Option<Span>,
}

#[derive(Serialize, Clone)]
pub struct Span {
    pub from: Period,
    pub to: Period,
}

#[derive(Serialize, Clone)]
pub struct HistoryEntry {
    pub period: Period,
    pub score: Option<f64>,
    pub status: Status,
    /// The percentage of the node's weight that is scored in the period.
    pub coverage: f64,
}

#[derive(Serialize, Clone)]
pub struct PerspectiveJson {
    pub id: String,
    pub title: String,
    pub weight: f64,
    pub score: Option<f64>,
    pub status: Status,
    pub coverage: Option<f64>,
    pub history: Vec<HistoryEntry>,
    pub objectives: Vec<ObjectiveJson>,
}

#[derive(Serialize, Clone)]
pub struct ObjectiveJson {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub weight: f64,
    pub drives: Vec<String>,
    pub score: Option<f64>,
    pub status: Status,
    pub coverage: Option<f64>,
    pub history: Vec<HistoryEntry>,
    pub kpis: Vec<String>,
    pub initiatives: Vec<InitiativeJson>,
    pub comments: Vec<CommentJson>,
}

#[derive(Serialize, Clone)]
pub struct InitiativeJson {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Period>,
    pub status: Option<InitiativeStatus>,
    pub budget: Option<Budget>,
}

#[derive(Serialize, Clone)]
pub struct Budget {
    pub value: f64,
    pub unit: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct KpiJson {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub objective: Option<String>,
    pub owner: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    #[serde(serialize_with = "frequency")]
    pub frequency: Grain,
    pub weight: Option<f64>,
    pub formula: Option<String>,
    pub baseline: Option<PeriodValue>,
    pub deadline: Option<Period>,
    pub target: Option<TargetJson>,
    pub thresholds: Option<ThresholdsJson>,
    pub tolerance: f64,
    pub latest: Option<Latest>,
    pub trend: Option<Trend>,
    pub series: Vec<SeriesEntry>,
    /// The owners' commentary on it (`comments.csv`), in the order written.
    pub comments: Vec<CommentJson>,
}

/// One org's scorecard: its roll-up and each KPI that applies to it.
#[derive(Serialize)]
pub struct OrgJson {
    pub id: String,
    pub title: String,
    pub parent: Option<String>,
    pub owner: Option<String>,
    pub children: Vec<String>,
    pub score: Option<f64>,
    pub status: Status,
    pub coverage: Option<f64>,
    pub history: Vec<HistoryEntry>,
    pub perspectives: Vec<PerspectiveJson>,
    pub kpis: Vec<OrgKpiJson>,
}

/// A KPI in one org: its figures there and its rank among its siblings. In `report.json` it
/// is `{id, owner, target, latest, trend, rank, of, series}`; the page reads the whole KPI.
pub struct OrgKpiJson {
    pub kpi: KpiJson,
    /// 1-based, among the org's siblings that have a score at `as_of`; `None` for the root or
    /// unranked.
    pub rank: Option<usize>,
    /// How many siblings are ranked at `as_of`.
    pub of: Option<usize>,
    /// `(rank, of)` in each period of `kpi.series`.
    pub ranks: Vec<Option<(usize, usize)>>,
}

impl Serialize for OrgKpiJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            id: &'a str,
            owner: &'a Option<String>,
            target: &'a Option<TargetJson>,
            latest: &'a Option<Latest>,
            trend: &'a Option<Trend>,
            rank: Option<usize>,
            of: Option<usize>,
            series: &'a [SeriesEntry],
        }
        Shown {
            id: &self.kpi.id,
            owner: &self.kpi.owner,
            target: &self.kpi.target,
            latest: &self.kpi.latest,
            trend: &self.kpi.trend,
            rank: self.rank,
            of: self.of,
            series: &self.kpi.series,
        }
        .serialize(serializer)
    }
}

/// An owner's comment on a KPI or an objective in a period.
#[derive(Serialize, Clone)]
pub struct CommentJson {
    pub period: Period,
    pub author: Option<String>,
    pub text: String,
}

#[derive(Serialize, Clone)]
pub struct PeriodValue {
    pub period: Period,
    pub value: f64,
}

/// A number, or a `[low, high]` pair for `range`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq)]
#[serde(untagged)]
pub enum Bound {
    Value(f64),
    Pair([f64; 2]),
}

#[derive(Serialize, Clone)]
pub struct TargetJson {
    pub value: Option<Bound>,
    pub by: Option<Period>,
    pub milestones: Vec<PeriodValue>,
}

#[derive(Serialize, Clone)]
pub struct ThresholdsJson {
    pub green: Bound,
    pub amber: Bound,
}

#[derive(Serialize, Clone)]
pub struct Latest {
    pub period: Period,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub status: Status,
    pub score: Option<f64>,
}

#[derive(Serialize, Clone)]
pub struct SeriesEntry {
    pub period: Period,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub green: Option<Bound>,
    pub amber: Option<Bound>,
    pub status: Status,
    pub score: Option<f64>,
    pub carried_from: Option<Period>,
    pub note: Option<String>,
    pub missing: Option<String>,
}

/// A frequency is written by its keyword: `monthly`, `quarterly`.
fn frequency<S: Serializer>(grain: &Grain, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(grain.frequency_name())
}
