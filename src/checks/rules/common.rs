//! What several rules need: the project's own items (library items a project does not use raise
//! no finding), a KPI's frequency, values in a KPI's unit, the perspectives of the scorecard and
//! lists of ids for messages.

use crate::diagnostics;
use crate::eval::round;
use crate::period::Grain;
use crate::semantic::Model;
use crate::semantic::model::{
    DeclaredUnit, Item, ItemId, ItemKind, KpiPart, Measure, Objective, Quantity,
};

/// How many places a finding about a group labels (the siblings of `weights-not-100`, the KPIs
/// of `too-many-kpis`): as many as the steps of a cycle.
pub const MAX_LABELS: usize = diagnostics::MAX_CYCLE_LABELS;

/// A KPI of the project.
pub struct Kpi<'a> {
    pub id: ItemId,
    pub item: &'a Item,
    pub measure: &'a Measure,
    pub kpi: &'a KpiPart,
}

impl<'a> Kpi<'a> {
    pub fn name(&self) -> &'a str {
        &self.item.id.node
    }

    /// The unit the KPI states or inherits.
    pub fn unit(&self) -> Option<&'a DeclaredUnit> {
        self.measure.unit.as_ref()
    }

    /// The objective it measures, when the reference resolved.
    pub fn objective(&self) -> Option<ItemId> {
        self.kpi.objective.as_ref().and_then(|r| r.target)
    }
}

/// The KPIs declared in the project (not in the standard library), in declaration order.
pub fn kpis(model: &Model) -> impl Iterator<Item = Kpi<'_>> {
    model
        .ids()
        .zip(&model.items)
        .filter(|(_, item)| !item.from_stdlib)
        .filter_map(|(id, item)| {
            let measure = item.as_measure()?;
            let kpi = measure.kpi.as_deref()?;
            Some(Kpi {
                id,
                item,
                measure,
                kpi,
            })
        })
}

/// The objectives declared in the project, in declaration order.
pub fn objectives(model: &Model) -> impl Iterator<Item = (ItemId, &Item, &Objective)> {
    model
        .ids()
        .zip(&model.items)
        .filter(|(_, item)| !item.from_stdlib)
        .filter_map(|(id, item)| match &item.kind {
            ItemKind::Objective(objective) => Some((id, item, objective)),
            _ => None,
        })
}

/// Whether the item lost its id to an earlier declaration (a `duplicate-name`): references
/// name the other one, so rules about what refers to an item do not judge it.
pub fn is_shadowed(model: &Model, id: ItemId) -> bool {
    model
        .names
        .get(&model.item(id).id.node)
        .is_some_and(|named| *named != id)
}

/// Whether every declaration of the project parsed. Rules that report what nothing refers to
/// (an objective no KPI measures, a metric no KPI uses…) say nothing while one is left out for a
/// syntax error: it may be the one that refers.
pub fn all_parsed(model: &Model) -> bool {
    model.unparsed_names.is_empty()
}

pub fn as_objective(item: &Item) -> Option<&Objective> {
    match &item.kind {
        ItemKind::Objective(objective) => Some(objective),
        _ => None,
    }
}

/// The KPI's frequency: its own, else the scorecard's (monthly by default).
pub fn grain(model: &Model, kpi: &KpiPart) -> Grain {
    kpi.frequency.unwrap_or_else(|| {
        model
            .scorecard
            .as_ref()
            .map_or(Grain::Month, |scorecard| scorecard.frequency)
    })
}

/// The number a value of a KPI stands for, in the KPI's unit: a plain number takes the KPI's
/// unit (42 on a `%` KPI is 42%); a quantity written in another unit (a `unit-mismatch`) or with
/// a unit on a KPI that has none has no comparable number.
pub fn value_in(quantity: &Quantity, unit: Option<&DeclaredUnit>) -> Option<f64> {
    match (&quantity.unit, unit) {
        (None, _) => Some(quantity.value),
        (Some(written), Some(declared))
            if written.unit == declared.unit && written.is_percent == declared.is_percent =>
        {
            Some(quantity.value)
        }
        _ => None,
    }
}

/// A value as it reads in the KPI's unit: `42%`, `30 days`, `120`.
pub fn show_value(value: f64, unit: Option<&DeclaredUnit>) -> String {
    match unit {
        Some(unit) if unit.is_percent => format!("{value}%"),
        Some(unit) => format!("{value} {}", unit.text),
        None => format!("{value}"),
    }
}

/// Which perspectives belong to the scorecard, by item index: the project's own, and those of a
/// library file on which the project places at least one objective (a `use std.bsc` that no
/// objective builds on brings no perspective into the scorecard); not one that lost its id to
/// another declaration.
pub fn perspectives_in_scorecard(model: &Model) -> Vec<bool> {
    let mut used_files = Vec::new();
    for (_, _, objective) in objectives(model) {
        if let Some(perspective) = objective.perspective.as_ref().and_then(|r| r.target) {
            let file = model.item(perspective).id.span.file;
            if !used_files.contains(&file) {
                used_files.push(file);
            }
        }
    }
    model
        .ids()
        .zip(&model.items)
        .map(|(id, item)| {
            matches!(item.kind, ItemKind::Perspective(_))
                && (!item.from_stdlib || used_files.contains(&item.id.span.file))
                && !is_shadowed(model, id)
        })
        .collect()
}

/// `` `a`, `b` and `c` ``, with at most `shown` names and "and N more" after them.
pub fn id_list<S: AsRef<str>>(names: &[S], shown: usize) -> String {
    let quoted: Vec<String> = names
        .iter()
        .take(shown)
        .map(|name| format!("`{}`", name.as_ref()))
        .collect();
    let left_out = names.len().saturating_sub(shown);
    match (quoted.len(), left_out) {
        (0, _) => String::new(),
        (1, 0) => quoted[0].clone(),
        (n, 0) => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
        (_, more) => format!("{} and {more} more", quoted.join(", ")),
    }
}

/// A computed number as a message shows it: to 4 significant digits, and whole from 1000 up
/// (`38.2000022893928` is 38.2, `0.0123456` is 0.01235, `1250000.4` is 1250000).
pub fn readable(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i64;
    round(value, (3 - magnitude).clamp(0, 15))
}

/// A change of a KPI's value, as it reads in its unit: `0.15 percentage points` for a `%` KPI,
/// `2 days`, `120`.
pub fn show_change(change: f64, unit: Option<&DeclaredUnit>) -> String {
    match unit {
        Some(unit) if unit.is_percent => format!("{change} percentage points"),
        _ => show_value(change, unit),
    }
}

/// A weight or a sum of weights without float noise: `60%`, `33.3%`.
pub fn percent(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    format!("{rounded}%")
}

/// The findings of one rule on a project written as one entry file, for the rules' tests.
#[cfg(test)]
pub fn findings_of(rule: crate::diagnostics::Rule, text: &str) -> Vec<crate::diagnostics::Finding> {
    let project = crate::project::load_text("scorecard.kpi", std::path::Path::new("."), text);
    let options = crate::pipeline::CheckOptions {
        no_data: true,
        ..Default::default()
    };
    crate::pipeline::check_project(project, &options)
        .findings
        .into_iter()
        .filter(|finding| finding.rule == rule)
        .collect()
}

/// The findings of one rule on a project written as one entry file with one CSV data file
/// beside it (`data "actuals.csv"` in the scorecard), for the data rules' tests.
#[cfg(test)]
pub fn data_findings_of(
    rule: crate::diagnostics::Rule,
    text: &str,
    csv: &str,
) -> Vec<crate::diagnostics::Finding> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("actuals.csv"), csv).expect("the data file is written");
    let project = crate::project::load_text("scorecard.kpi", dir.path(), text);
    crate::pipeline::check_project(project, &crate::pipeline::CheckOptions::default())
        .findings
        .into_iter()
        .filter(|finding| finding.rule == rule)
        .collect()
}

/// The findings of one rule on a UI case (`tests/ui/CASE.kpi`, or the folder `tests/ui/CASE/`),
/// each as `line: message`, for the rules' tests: a rule's test reads the case that shows it,
/// and its `_fixed` twin, as selene's lint tests read their fixtures.
#[cfg(test)]
pub fn case_findings(rule: crate::diagnostics::Rule, case: &str) -> Vec<String> {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let file = ui.join(format!("{case}.kpi"));
    let path = if file.exists() { file } else { ui.join(case) };
    let outcome = crate::pipeline::check_path(&path, &crate::pipeline::CheckOptions::default())
        .expect("a UI case loads");
    outcome
        .findings
        .iter()
        .filter(|finding| finding.rule == rule)
        .map(|finding| {
            let span = finding.primary.span;
            let line = outcome
                .sources
                .get(span.file)
                .line_col(span.start as usize)
                .line;
            format!("{line}: {}", finding.message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_numbers_read_to_four_significant_digits() {
        assert_eq!(readable(38.2000022893928), 38.2);
        assert_eq!(readable(0.0123456), 0.01235);
        assert_eq!(readable(1_250_000.4), 1_250_000.0);
        assert_eq!(readable(-2.66666), -2.667);
        assert_eq!(readable(0.0), 0.0);
    }

    #[test]
    fn id_lists_read_as_prose() {
        assert_eq!(id_list(&["a"], 5), "`a`");
        assert_eq!(id_list(&["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(id_list(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
    }

    #[test]
    fn percentages_lose_float_noise() {
        assert_eq!(percent(0.1 + 0.2), "0.3%");
        assert_eq!(percent(60.0), "60%");
        assert_eq!(percent(100.0 / 3.0), "33.333333%");
    }
}
