//! The new data under the old definitions without reading the data files again: reading a file
//! depends on the model only through the series its inputs read — by name (an input's `column`,
//! else its id), as percentages or not, with which unit — so where every series the old
//! version's inputs read is read the same way by the new version's, each old input takes the
//! observations the new version read for its series. Otherwise (an input renamed, a unit or a
//! `column` changed) the files are read again under the old definitions.

use std::collections::HashMap;

use crate::data::DataSet;
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind};

/// How a model's inputs read one series: as percentages (any of them), the unit the first one
/// states, and the inputs.
#[derive(Debug, Default, PartialEq)]
struct Reading {
    percent: bool,
    unit: Option<String>,
    inputs: Vec<ItemId>,
}

/// The series a model's inputs (measures without formula) read, by name, as the data loader
/// groups them.
fn readings(model: &Model) -> HashMap<&str, Reading> {
    let mut readings: HashMap<&str, Reading> = HashMap::new();
    for (id, item) in model.ids().zip(&model.items) {
        let ItemKind::Measure(measure) = &item.kind else {
            continue;
        };
        if measure.formula.is_some() || model.lookup(&item.id.node, item.from_stdlib) != Some(id) {
            continue;
        }
        let name = measure.column.as_deref().unwrap_or(&item.id.node);
        let reading = readings.entry(name).or_default();
        if let Some(unit) = &measure.unit {
            reading.percent |= unit.is_percent;
            reading.unit.get_or_insert_with(|| unit.text.clone());
        }
        reading.inputs.push(id);
    }
    readings
}

/// `new_data`, read by the `new` model, as the `old` model reads the same files; `None` when
/// the old model reads some series otherwise (or one the new model does not read).
pub fn for_old_definitions(old: &Model, new: &Model, new_data: &DataSet) -> Option<DataSet> {
    let new_readings = readings(new);
    let mut data = DataSet::default();
    for (name, reading) in readings(old) {
        let now = new_readings.get(name)?;
        if (now.percent, &now.unit) != (reading.percent, &reading.unit) {
            return None;
        }
        let Some(series) = now.inputs.iter().find_map(|id| new_data.series.get(id)) else {
            continue;
        };
        for &input in &reading.inputs {
            data.series.insert(input, series.clone());
        }
    }
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{self, DataFile};
    use crate::project;
    use crate::semantic;
    use std::path::Path;

    /// The model and data of a project whose entry is `source`, with `actuals.csv` in `dir`.
    fn load(dir: &Path, source: &str) -> (Model, DataSet) {
        let project = project::load_text("scorecard.kpi", dir, source);
        let (model, _) = semantic::analyze(&project);
        let mut sources = project.sources;
        let files = DataFile::of_scorecard(&model, &sources, project.entry);
        let (data, _) = data::load(&model, &mut sources, &files);
        (model, data)
    }

    const OLD: &str = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"actuals.csv\"\n}\n\
        metric revenue \"Revenue\" { unit EUR }\nmetric share \"Share\" { unit %  column \"Share\" }\n";

    #[test]
    fn the_same_readings_give_what_reading_the_files_again_gives() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("actuals.csv"),
            "period,revenue,Share,other\n2026-01,10,42%,1\n2026-02,12,43%,2\n",
        )
        .unwrap();
        // The new version adds an input and a KPI; the old one's series read alike.
        let new_source = format!("{OLD}metric other \"Other\" {{ unit EUR }}\n");
        let (old_model, old_data) = load(dir.path(), OLD);
        let (new_model, new_data) = load(dir.path(), &new_source);
        let remapped = for_old_definitions(&old_model, &new_model, &new_data).unwrap();
        assert_eq!(remapped, old_data);
        assert_eq!(remapped.series.len(), 2);
        // A `column` changed: the old series is not read by the new version, read again.
        let renamed = new_source.replace("column \"Share\"", "column \"Share2\"");
        let (new_model, new_data) = load(dir.path(), &renamed);
        assert!(for_old_definitions(&old_model, &new_model, &new_data).is_none());
        // A unit changed: read otherwise.
        let unit = OLD.replace("unit %", "unit points");
        let (new_model, new_data) = load(dir.path(), &unit);
        assert!(for_old_definitions(&old_model, &new_model, &new_data).is_none());
    }
}
