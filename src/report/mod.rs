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

mod build;
mod csv;
mod document;
/// The HTML page, rendered from [`Report`]; its templates are in `src/report/templates/`.
pub mod html;
mod json;
mod kpi;
mod orgs;

pub use build::build;
pub use csv::write_csv;
pub use document::{
    Bound, Budget, CommentJson, HistoryEntry, InitiativeJson, KpiJson, Latest, ObjectiveJson,
    OrgJson, OrgKpiJson, PageWarning, PeriodValue, PerspectiveJson, Report, ScorecardJson,
    SeriesEntry, Span, TargetJson, ThresholdsJson,
};
pub use json::{render_json, write_json};
