//! The actual values read from the data files: the input of evaluation.

use std::collections::HashMap;

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

/// Every observation, by the input measure (a metric or KPI without formula) it belongs to,
/// each series sorted by period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataSet {
    pub series: HashMap<ItemId, Vec<Observation>>,
}
