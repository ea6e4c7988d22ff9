//! UI tests: each `tests/ui/NAME.kpi` (or project folder `tests/ui/NAME/`) is checked and its
//! findings rendered as `kpic check` prints them (human format, no colour, 100 columns); the
//! result must equal `tests/ui/NAME.out`. Each `tests/ui/diff/NAME/` holds two versions of a
//! project, `old/` and `new/`, compared as `kpic diff old new` prints the changes, into
//! `tests/ui/diff/NAME.out`. Run with `KPIC_BLESS=1` to write the expected files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kpic::diagnostics::{Rule, render_human};
use kpic::diff::{DiffOptions, Diffed, Versions, diff};
use kpic::pipeline::{CheckOptions, check_path};

const UI_DIR: &str = "tests/ui";
const DIFF_DIR: &str = "tests/ui/diff";

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(UI_DIR)
        .expect("tests/ui exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|ext| ext == "kpi"))
        .filter(|path| path != Path::new(DIFF_DIR))
        .collect();
    cases.sort();
    cases
}

fn diff_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(DIFF_DIR)
        .expect("tests/ui/diff exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The changes between `case/old` and `case/new` as `kpic diff` prints them, and their rules.
fn diff_output(case: &Path) -> (String, Vec<&'static str>) {
    let versions = Versions::Folders {
        old: case.join("old"),
        new: case.join("new"),
    };
    let Ok(Diffed::Compared(outcome)) = diff(&versions, &DiffOptions::default()) else {
        panic!("{}: the versions compare", case.display());
    };
    let rules = outcome
        .changes
        .iter()
        .map(|c| c.finding.rule.name())
        .collect();
    let text = render_human(&outcome.findings(), &outcome.new.sources, false, 100);
    (text, rules)
}

fn expected_path(case: &Path) -> PathBuf {
    case.with_extension("out")
}

#[test]
fn ui() {
    let bless = std::env::var_os("KPIC_BLESS").is_some();
    let mut failures = Vec::new();
    let mut fired: BTreeSet<&'static str> = BTreeSet::new();
    for case in cases() {
        let outcome = check_path(&case, &CheckOptions::default()).expect("UI cases load");
        fired.extend(outcome.findings.iter().map(|f| f.rule.name()));
        let actual = render_human(&outcome.findings, &outcome.sources, false, 100);
        let expected_file = expected_path(&case);
        if bless {
            std::fs::write(&expected_file, &actual).expect("write expected output");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "=== {} differs from {}\n--- expected\n{expected}\n--- actual\n{actual}",
                case.display(),
                expected_file.display()
            ));
        }
    }
    for case in diff_cases() {
        let (actual, rules) = diff_output(&case);
        fired.extend(rules);
        let expected_file = expected_path(&case);
        if bless {
            std::fs::write(&expected_file, &actual).expect("write expected output");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "=== {} differs from {}\n--- expected\n{expected}\n--- actual\n{actual}",
                case.display(),
                expected_file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} UI case(s) failed (KPIC_BLESS=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| kpic::checks::is_implemented(*rule))
        .map(|r| r.name())
        .filter(|name| !fired.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "no UI case fires these rules: {missing:?}"
    );
}

#[test]
fn every_case_has_its_expected_output() {
    if std::env::var_os("KPIC_BLESS").is_some() {
        return;
    }
    for case in cases().into_iter().chain(diff_cases()) {
        assert!(
            expected_path(&case).is_file(),
            "{} has no .out file",
            case.display()
        );
    }
}
