//! The data loaders, bytes to observations: the input is written as a CSV, a JSON and an NDJSON
//! data file of a fixed scorecard, which is checked with its data (loading, every data rule,
//! evaluation) and reported. Any panic is a bug.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use kpic::pipeline::{CheckOptions, check_path};
use libfuzzer_sys::fuzz_target;

/// Two inputs, one of them a percentage, a formula KPI over both, a `ytd` and a `lag`; the
/// replay of crash inputs in `tests/fuzz_regressions.rs` reads the same file.
const SCORECARD: &str = include_str!("../data-scorecard.kpi");

/// The project's folder, made once for the whole run.
fn project() -> &'static PathBuf {
    static PROJECT: OnceLock<PathBuf> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kpic-fuzz-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("scorecard.kpi"), SCORECARD).unwrap();
        dir
    })
}

fuzz_target!(|bytes: &[u8]| {
    let dir = project();
    for name in ["d.csv", "d.json", "d.ndjson"] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let Ok(outcome) = check_path(dir, &CheckOptions::default()) else {
        return;
    };
    if let Ok(report) = kpic::report::build(&outcome, None, None) {
        let _ = kpic::report::write_json(&report, &mut std::io::sink());
        let _ = kpic::report::html::render_html(&report, None);
    }
});
