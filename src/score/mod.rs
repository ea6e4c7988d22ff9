//! Scoring: plans, bands, status and score of one KPI in one period, roll-up and trend
//! (SCORING.md, "Status and score of one KPI in one period", "Roll-up"; LANGUAGE.md, "Targets,
//! direction and thresholds"). Pure functions: the score formulas work on plain `f64`s in the
//! KPI's display unit (42 for 42%), and thin adapters read a [`KpiPart`](crate::semantic::model::KpiPart).
//!
//! - [`plan`]: the plan value of a KPI in each of its periods ([`Plan`]).
//! - [`bands`]: green and amber bounds ([`Bands`]), status and the 0–10 score.
//! - [`rollup`](mod@rollup): weighted mean of children's scores, effective weights, status from a score.
//! - [`trend`](mod@trend): improving / worsening / flat.
//! - [`scorecard`]: the roll-up of a whole scorecard, KPIs to objectives to perspectives
//!   ([`Scorecard`]).
//!
//! # Semantics decided here where the spec is silent
//! - A `target V by P` with a baseline in or after `P`, or without a deadline, is `V` throughout.
//! - Milestones (and the baseline) are ordered by period; where two fall in the same period of the
//!   KPI's grain the one written last wins, and a milestone wins over the baseline.
//! - The direction decides the bands: `thresholds` of the other shape (bounds on a `range` KPI, a
//!   band on an `up`/`down` one) are ignored and the bands come from the target; a `range` KPI
//!   without a range target or range thresholds has no bands, nor does an `up`/`down` KPI with
//!   neither a plan nor bound thresholds; with no bands, status is `none` and score `None`.
//! - A rolled-up score within 1e-9 of 20/3 (10/3) counts as green (amber), so that the mean of
//!   scores exactly on a bound keeps the bound's status despite float rounding.
//! - Effective weights: written weights when every sibling has one, otherwise equal shares for all
//!   siblings; when the scored children's weights sum to zero, the roll-up has no score.
//! - Trend compares exactly: equal values (equal distances to the green band for `range`, so two
//!   actuals inside the band) are `flat`.

pub mod bands;
pub mod plan;
pub mod rollup;
pub mod scorecard;
pub mod trend;

pub use bands::{Bands, assess, score_range, score_toward, tolerance};
pub use plan::Plan;
pub use rollup::{effective_weights, rollup, status_of_score};
pub use scorecard::Scorecard;
pub use trend::{Sense, Trend, trend};

/// Status of a KPI or a rolled-up node in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Green,
    Amber,
    Red,
    /// No actual (or nothing to score it against).
    None,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Green, Status::Amber, Status::Red, Status::None];

    /// The report's name: `green`, `amber`, `red`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::None => "none",
        }
    }
}

/// A status is written by its name.
impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The score of the amber bound: the bottom of the amber band.
pub const AMBER_FROM: f64 = 10.0 / 3.0;
/// The score of the green bound: the bottom of the green band.
pub const GREEN_FROM: f64 = 20.0 / 3.0;
/// The top of the scale.
pub const MAX_SCORE: f64 = 10.0;
