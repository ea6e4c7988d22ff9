//! The actual values read from the data files: the input of evaluation.

use rustc_hash::FxHashMap;

use crate::period::Period;
use crate::semantic::model::ItemId;
use crate::source::Span;

/// One value of one series in one period, with the place it was read (a cell of a data file).
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub period: Period,
    /// In the series' unit as people write it: 42 for 42% in a `%` series.
    pub value: f64,
    /// The commentary the KPI owner wrote for the period, if any.
    pub note: Option<String>,
    pub span: Span,
}

/// A cell that held no number (a `bad-value` finding): its period has no value, and says where.
#[derive(Debug, Clone, PartialEq)]
pub struct BadCell {
    pub measure: ItemId,
    /// The org of the row (`None`: the root's).
    pub org: Option<ItemId>,
    pub period: Period,
    /// The data file and line, as findings name them: `data/actuals.csv:14`.
    pub place: String,
}

/// Every observation, by the input measure (a metric or KPI without formula) it belongs to,
/// each series sorted by period; and the cells that could not be read. (Looked up for every
/// value and note evaluated, hence the fast hash.)
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataSet {
    /// The project's own observations: of the root org, or of a project without orgs.
    pub series: FxHashMap<ItemId, Vec<Observation>>,
    /// Each other org's own observations, by org and input (ORGS.md, "Data per org"), as read;
    /// the pipeline moves them into each org's data ([`crate::eval::orgs::org_data`]).
    pub orgs: FxHashMap<ItemId, FxHashMap<ItemId, Vec<Observation>>>,
    pub bad_cells: Vec<BadCell>,
    /// The owners' commentary on KPIs and objectives (`comments.csv`).
    pub comments: Vec<super::comments::Comment>,
}
