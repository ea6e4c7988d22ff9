//! Every input the fuzzer (fuzz/run) ever crashed on, replayed as the fuzz targets run it: each
//! file of `tests/fuzz/check/` as a project's entry file, each of `tests/fuzz/data/` as a data
//! file of every form. A crash found by the fuzzer is added here, named for what it is.

use std::path::Path;

use kpic::diagnostics::{render_human, render_json, render_short};
use kpic::pipeline::{CheckOptions, check_path, check_project};
use kpic::project::load_text;

fn inputs(folder: &str) -> Vec<std::path::PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

#[test]
fn the_front_end_inputs_check_and_report() {
    for file in inputs("check") {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let project = load_text("scorecard.kpi", Path::new("/nonexistent"), &text);
        let outcome = check_project(
            project,
            &CheckOptions {
                no_data: true,
                ..Default::default()
            },
        );
        assert!(
            !outcome.findings.is_empty(),
            "{}: something to say",
            file.display()
        );
        let _ = render_short(&outcome.findings, &outcome.sources);
        let _ = render_json(&outcome.findings, &outcome.sources);
        let _ = render_human(&outcome.findings, &outcome.sources, false, 100);
        report(&outcome);
    }
}

/// The report of a project without errors, as the fuzz targets make it: JSON and HTML.
fn report(outcome: &kpic::pipeline::CheckOutcome) {
    if let Ok(report) = kpic::report::build(outcome, None, None) {
        let _ = kpic::report::write_json(&report, &mut std::io::sink());
        let _ = kpic::report::html::render_html(&report, None);
    }
}

#[test]
fn the_data_inputs_load_in_every_form() {
    // The scorecard the `data` fuzz target reads its input with.
    let scorecard = include_str!("../fuzz/data-scorecard.kpi");
    for file in inputs("data") {
        let bytes = std::fs::read(&file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scorecard.kpi"), scorecard).unwrap();
        for name in ["d.csv", "d.json", "d.ndjson"] {
            std::fs::write(dir.path().join(name), &bytes).unwrap();
        }
        let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
        report(&outcome);
    }
}
