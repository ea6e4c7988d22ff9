//! `actual-revised`: an observation both versions' data files hold, for the same series and
//! period, with another value — a restatement of the past, located at the new file and line.

use std::collections::HashMap;

use super::{Change, OldVersion, number};
use crate::data::DataSet;
use crate::diagnostics::Rule;
use crate::period::Period;
use crate::semantic::model::{ItemId, Model};

/// The restated observations, series by series (matched by the input's id).
pub fn compare(old: &OldVersion, new: &Model, new_data: &DataSet) -> Vec<Change> {
    let mut series: Vec<(&ItemId, _)> = new_data.series.iter().collect();
    series.sort_by_key(|(id, _)| **id);
    let mut changes = Vec::new();
    for (&new_id, observations) in series {
        let item = new.item(new_id);
        let name = &item.id.node;
        let Some(old_series) = old
            .model
            .names
            .get(name)
            .and_then(|old_id| old.data.series.get(old_id))
        else {
            continue;
        };
        let before: HashMap<Period, _> = old_series.iter().map(|o| (o.period, o)).collect();
        let unit = item.as_measure().and_then(|m| m.unit.as_ref());
        let show = |value: f64| match unit {
            Some(unit) if unit.is_percent => format!("{}%", number(value)),
            Some(unit) => format!("{} {}", number(value), unit.text),
            None => number(value),
        };
        for observation in observations {
            let Some(was) = before.get(&observation.period) else {
                continue;
            };
            if was.value == observation.value {
                continue;
            }
            changes.push(Change::new(
                Rule::ActualRevised,
                observation.span,
                name,
                &format!("actual of {} restated", observation.period),
                show(was.value),
                show(observation.value),
                &old.place(was.span),
            ));
        }
    }
    changes
}
