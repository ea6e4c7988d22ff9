//! The sparkline of a KPI in the scorecard table: its actuals up to the period shown.

use serde::Serialize;

use super::{Axis, coordinate, extent, push_point};
use crate::report::KpiJson;

const SPARK_WIDTH: f64 = 100.0;
const SPARK_HEIGHT: f64 = 24.0;

#[derive(Serialize, Debug)]
pub struct Sparkline {
    pub path: String,
    /// A dot on the last actual.
    pub dot: String,
    pub x0: String,
    pub dx: String,
}

/// The actuals of the series entries `0..=last`; `None` without any.
pub fn sparkline(kpi: &KpiJson, last: usize) -> Option<Sparkline> {
    let entries = kpi.series.get(..=last)?;
    let actuals: Vec<Option<f64>> = entries.iter().map(|e| e.actual).collect();
    values_sparkline(&actuals)
}

/// The sparkline of `values` (a gap where one is `None`), with a dot on the last one drawn.
pub fn values_sparkline(values: &[Option<f64>]) -> Option<Sparkline> {
    let (low, high) = extent(values.iter().flatten().copied(), 0.1)?;
    let y = Axis {
        low,
        high,
        from: SPARK_HEIGHT - 2.0,
        to: 2.0,
    };
    let n = values.len();
    let dx = if n > 1 {
        (SPARK_WIDTH - 6.0) / (n - 1) as f64
    } else {
        0.0
    };
    let x0 = if n > 1 { 3.0 } else { SPARK_WIDTH / 2.0 };
    let mut path = String::new();
    let mut dot = String::new();
    let mut open = false;
    for (i, value) in values.iter().enumerate() {
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                let (px, py) = (x0 + i as f64 * dx, y.at(v));
                push_point(&mut path, if open { 'L' } else { 'M' }, px, py);
                dot.clear();
                push_point(&mut dot, 'M', px, py);
                dot.push_str("h0");
                open = true;
            }
            None => open = false,
        }
    }
    Some(Sparkline {
        path,
        dot,
        x0: coordinate(x0),
        dx: format!("{dx:.3}"),
    })
}
