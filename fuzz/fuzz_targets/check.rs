//! The front end, source text to findings: `kpic check` of a project whose entry file is the
//! input, with every stage after parsing (names, units, periods, the rules, levels) and the
//! human and machine renderings of what it found. Any panic is a bug.

#![no_main]

use std::path::Path;

use kpic::diagnostics::{render_human, render_json, render_short};
use kpic::pipeline::{CheckOptions, check_project};
use kpic::project::load_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // `use "…"` lines resolve against a folder with no files: imports are not found.
    let project = load_text("scorecard.kpi", Path::new("/nonexistent-kpic-fuzz"), text);
    let options = CheckOptions {
        no_data: true,
        ..CheckOptions::default()
    };
    let outcome = check_project(project, &options);
    let _ = render_short(&outcome.findings, &outcome.sources);
    let _ = render_json(&outcome.findings, &outcome.sources);
    let _ = render_human(&outcome.findings, &outcome.sources, false, 100);
    // The report of a project without errors: evaluation, scores, roll-up, the JSON document
    // and the HTML page (titles, descriptions and units of the input reach it).
    if let Ok(report) = kpic::report::build(&outcome, None, None) {
        let _ = kpic::report::write_json(&report, &mut std::io::sink());
        let _ = kpic::report::html::render_html(&report, None);
    }
});
