//! A KPI's history: the actuals that `target-unrealistic` and `target-within-noise` judge its
//! target against, at the KPI's frequency.
//!
//! - With a `baseline`, the KPI's periods up to and including the baseline period, from the
//!   period of the earliest observation of its inputs (at most [`MAX_HISTORY`] periods): the
//!   record the target was set on. Observations before the scorecard's span are kept for this
//!   (`period-outside-scorecard` counts them as needed by the baseline).
//! - Without one, the KPI's periods in the scorecard's span up to its latest period complete at
//!   `as_of`: the only record there is (observations before the span are not needed then).
//!
//! Periods without a value are left out; the values are in the KPI's display unit (42 for 42%),
//! like the numbers of its target. Each history is computed once a run and kept in the
//! [`DataContext`], as both rules judge the same one.

use std::rc::Rc;

use crate::checks::DataContext;
use crate::eval::{completed_by, periods};
use crate::period::Period;
use crate::semantic::model::ItemId;

use super::common::{self, Kpi};

/// The most periods a history covers: 27 years of days, or every month since the calendar
/// reform; older observations are left out.
pub const MAX_HISTORY: i64 = 10_000;

/// Where a history ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// The baseline period, at the KPI's frequency.
    Baseline(Period),
    /// The latest period of the KPI complete at `as_of`.
    AsOf(Period),
}

impl End {
    pub fn period(self) -> Period {
        match self {
            End::Baseline(period) | End::AsOf(period) => period,
        }
    }

    /// "up to the baseline 2025-12", "up to as_of, 2026-06".
    pub fn describe(self) -> String {
        match self {
            End::Baseline(period) => format!("up to the baseline {period}"),
            End::AsOf(period) => format!("up to as_of, {period}"),
        }
    }
}

/// The actuals of one KPI, in period order.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub actuals: Vec<(Period, f64)>,
    pub end: End,
}

impl History {
    /// "5 actuals, 2025-08 .. 2025-12, up to the baseline 2025-12".
    pub fn describe(&self) -> String {
        let span = match (self.actuals.first(), self.actuals.last()) {
            (Some((first, _)), Some((last, _))) if first != last => format!(", {first} .. {last}"),
            _ => String::new(),
        };
        format!(
            "{} actual{}{span}, {}",
            self.actuals.len(),
            if self.actuals.len() == 1 { "" } else { "s" },
            self.end.describe()
        )
    }
}

/// The histories computed so far, by KPI.
pub type Cache = rustc_hash::FxHashMap<ItemId, Option<Rc<History>>>;

/// The history of `kpi` (module docs); `None` without a baseline when there is no `as_of`, or
/// with one when no input of the KPI has an observation.
pub fn of(cx: &mut DataContext, kpi: &Kpi) -> Option<Rc<History>> {
    if let Some(known) = cx.histories.get(&kpi.id) {
        return known.clone();
    }
    let history = compute(cx, kpi).map(Rc::new);
    cx.histories.insert(kpi.id, history.clone());
    history
}

fn compute(cx: &mut DataContext, kpi: &Kpi) -> Option<History> {
    let grain = common::grain(cx.model, kpi.kpi);
    let (first, end) = match &kpi.kpi.baseline {
        Some(baseline) => {
            let end = baseline.period.node.at_grain(grain);
            let earliest = Period::containing(cx.earliest[kpi.id.0 as usize]?, grain);
            (earliest, End::Baseline(end))
        }
        None => {
            let end = completed_by(grain, cx.as_of?);
            let first = *periods::kpi_periods(cx.model, kpi.id).first()?;
            (first, End::AsOf(end))
        }
    };
    let last = end.period();
    let first = match last.offset(1 - MAX_HISTORY) {
        Some(oldest) if oldest.ordinal() > first.ordinal() => oldest,
        _ => first,
    };
    let mut actuals = Vec::new();
    if first.ordinal() <= last.ordinal() {
        for period in first.through(last) {
            if let Ok(value) = cx.eval.kpi_value(kpi.id, period) {
                actuals.push((period, value));
            }
        }
    }
    Some(History { actuals, end })
}
