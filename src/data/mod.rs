//! Data files: where actual values come from (SCORING.md). For now, the check that each data file
//! the scorecard names exists and is of a known form (`data-unreadable`).

mod dataset;

pub use dataset::{DataSet, Observation};

use std::path::Path;

/// The forms of data file kpic reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Csv,
    Json,
    Ndjson,
}

impl Form {
    pub fn of(path: &Path) -> Option<Form> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Form::Csv),
            "json" => Some(Form::Json),
            "ndjson" | "jsonl" => Some(Form::Ndjson),
            _ => None,
        }
    }
}

/// Why a data file cannot be read, in words; `Ok` when it is readable and of a known form.
pub fn probe(path: &Path) -> Result<Form, String> {
    let Some(form) = Form::of(path) else {
        return Err(
            "not a known form of data file: use .csv, .json, .ndjson or .jsonl".to_string(),
        );
    };
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => format!("cannot read it: {error}"),
    })?;
    if path.is_dir() {
        return Err("it is a folder".to_string());
    }
    match form {
        Form::Csv => probe_csv(&bytes)?,
        Form::Json => probe_json(&bytes)?,
        Form::Ndjson => probe_ndjson(&bytes)?,
    }
    Ok(form)
}

fn probe_csv(bytes: &[u8]) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|error| format!("not readable as CSV: {error}"))?;
    if headers
        .iter()
        .any(|header| header.trim().eq_ignore_ascii_case("period"))
    {
        Ok(())
    } else {
        Err("a CSV data file needs a `period` column in its header".to_string())
    }
}

fn probe_json(bytes: &[u8]) -> Result<(), String> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Array(_) | serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => Err(
            "a JSON data file holds an array of observations or an object of series".to_string(),
        ),
        Err(error) => Err(format!("not valid JSON: {error}")),
    }
}

fn probe_ndjson(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
    {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(_)) => {}
            _ => return Err(format!("line {} is not a JSON object", number + 1)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_forms_and_contents() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        assert_eq!(
            probe(&write("a.csv", "Period,revenue\n2026-01,1\n")),
            Ok(Form::Csv)
        );
        assert!(
            probe(&write("b.csv", "month,revenue\n"))
                .unwrap_err()
                .contains("`period` column")
        );
        assert_eq!(probe(&write("c.json", "[]")), Ok(Form::Json));
        assert!(probe(&write("d.json", "42")).is_err());
        assert!(
            probe(&write("e.ndjson", "{}\n[1]\n"))
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            probe(&write("f.xlsx", ""))
                .unwrap_err()
                .contains("known form")
        );
        assert_eq!(
            probe(&dir.path().join("missing.csv")),
            Err("no such file".to_string())
        );
    }
}
