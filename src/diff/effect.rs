//! The effect of a KPI's changes: its status and score at `as_of` under the old definitions and
//! under the new ones, both on the new data (DIFF.md, "What it shows"). A KPI contributes, as in
//! the report, its latest own period complete at `as_of`.

use std::collections::HashMap;

use super::{Change, number};
use crate::eval::{Evaluator, completed_by, periods};
use crate::period::Period;
use crate::score::{self, Bands, Plan, Status};
use crate::semantic::model::{ItemId, KpiPart, Model};

/// Sets the effect of every change to a KPI whose status or score at `as_of` differs between
/// the versions; both evaluators read the new data.
pub fn fill(
    changes: &mut [Change],
    old: &mut Evaluator<'_>,
    new: &mut Evaluator<'_>,
    as_of: Period,
) {
    let mut effects: HashMap<(ItemId, ItemId), Option<String>> = HashMap::new();
    for change in changes.iter_mut() {
        let Some(pair) = change.kpi else {
            continue;
        };
        let effect = effects
            .entry(pair)
            .or_insert_with(|| {
                let before = assess(old, pair.0, as_of);
                let after = assess(new, pair.1, as_of);
                describe(&before, &after)
            })
            .clone();
        if let Some(effect) = &effect {
            change.finding.message.push_str(&format!("; {effect}"));
        }
        change.effect = effect;
    }
}

/// A KPI at `as_of` under one version.
struct Assessment {
    period: Period,
    actual: Option<f64>,
    status: Status,
    score: Option<f64>,
}

fn assess(eval: &mut Evaluator<'_>, kpi: ItemId, as_of: Period) -> Assessment {
    let model: &Model = eval.model();
    let part: &KpiPart = model
        .item(kpi)
        .as_measure()
        .and_then(|m| m.kpi.as_deref())
        .expect("a KPI");
    let grain = periods::measure_grain(model, kpi);
    let period = completed_by(grain, as_of);
    let plan = Plan::of_kpi(part, grain).map(|plan| plan.value(period));
    let scorecard_tolerance = model.scorecard.as_ref().map_or(0.1, |s| s.tolerance);
    let bands = Bands::of_kpi(part, plan, score::tolerance(part, scorecard_tolerance));
    let actual = eval.kpi_value(kpi, period).ok();
    let (status, score) = score::assess(bands.as_ref(), actual);
    Assessment {
        period,
        actual,
        status,
        score,
    }
}

/// `status red → green at 2026-09 with no change in the actual`; `None` when neither the status
/// nor the score moved.
fn describe(before: &Assessment, after: &Assessment) -> Option<String> {
    let score = |s: Option<f64>| s.map_or("none".to_string(), |s| format!("{s:.1}"));
    let (moved, aside) = if before.status != after.status {
        (
            format!("status {} → {}", before.status.name(), after.status.name()),
            format!("score {} → {}", score(before.score), score(after.score)),
        )
    } else if score(before.score) != score(after.score) {
        (
            format!("score {} → {}", score(before.score), score(after.score)),
            format!("status {}", after.status.name()),
        )
    } else {
        return None;
    };
    // Two decimals are enough to see that the actual moved.
    let actual =
        |a: Option<f64>| a.map_or("none".to_string(), |a| number((a * 100.0).round() / 100.0));
    let why = if before.actual == after.actual {
        "with no change in the actual".to_string()
    } else {
        format!(
            "with the actual {} → {}",
            actual(before.actual),
            actual(after.actual)
        )
    };
    Some(format!("{moved} at {} {why} ({aside})", after.period))
}
