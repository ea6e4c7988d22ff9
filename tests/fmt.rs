//! `kpic fmt`: idempotent, token-preserving and meaning-preserving on every example, stdlib
//! file and UI case that parses; the examples and the stdlib are kept formatted.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kpi_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            kpi_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "kpi") {
            files.push(path);
        }
    }
}

/// The text without any whitespace: the same tokens and comments, in the same order.
fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn formatting_is_idempotent_and_keeps_every_token_and_comment() {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests/ui"] {
        kpi_files(&root().join(dir), &mut files);
    }
    let mut formatted_count = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(once) = kpic::fmt::format(&text) else {
            continue;
        };
        formatted_count += 1;
        let twice = kpic::fmt::format(&once).expect("formatted text parses");
        assert_eq!(once, twice, "{}: not idempotent", path.display());
        assert_eq!(
            without_whitespace(&text),
            without_whitespace(&once),
            "{}: a token or comment changed",
            path.display()
        );
        assert!(once.is_empty() || once.ends_with('\n'));
        assert!(!once.lines().any(|line| line.ends_with([' ', '\t'])));
    }
    assert!(formatted_count > 50, "only {formatted_count} files parsed");
}

/// Findings as (rule, message), positions left out.
fn findings(dir: &Path) -> Vec<(String, String)> {
    let outcome = kpic::pipeline::check_path(dir, &Default::default()).unwrap();
    outcome
        .findings
        .iter()
        .map(|f| (f.rule.name().to_string(), f.message.clone()))
        .collect()
}

fn report_json(dir: &Path, out: &Path) -> String {
    let status = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["report", "--format", "json", "--out"])
        .arg(out)
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read_to_string(out.join("report.json")).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn a_messy_example_formats_to_the_same_findings_and_report() {
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("acme");
    copy_dir(&root().join("examples/acme"), &project);
    let before_findings = findings(&project);
    let before_report = report_json(&project, &work.path().join("before"));
    // Mess the layout up: indents, trailing spaces, blank lines, CRLF.
    let mut files = Vec::new();
    kpi_files(&project, &mut files);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let messy: String = text
            .lines()
            .map(|line| format!("      {}   \r\n\r\n", line.trim_start()))
            .collect();
        std::fs::write(path, messy).unwrap();
    }
    let check = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["fmt", "--check"])
        .arg(&project)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "--check finds the changes");
    let listed = String::from_utf8(check.stdout).unwrap();
    assert_eq!(listed.lines().count(), files.len(), "{listed}");
    let status = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .arg("fmt")
        .arg(&project)
        .status()
        .unwrap();
    assert!(status.success());
    for path in &files {
        let name = path.strip_prefix(&project).unwrap();
        let original = std::fs::read_to_string(root().join("examples/acme").join(name)).unwrap();
        let formatted = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            without_whitespace(&original),
            without_whitespace(&formatted)
        );
    }
    assert_eq!(findings(&project), before_findings);
    assert_eq!(
        report_json(&project, &work.path().join("after")),
        before_report
    );
}

#[test]
fn the_examples_and_the_stdlib_are_formatted() {
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["fmt", "--check", "examples", "stdlib"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_file_that_does_not_parse_is_left_untouched_and_the_others_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "metric m \"M\" {\n unit +\n}\n";
    std::fs::write(dir.path().join("a.kpi"), broken).unwrap();
    std::fs::write(dir.path().join("b.kpi"), "metric n \"N\" {\nunit EUR   \n}").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .arg("fmt")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not parse"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kpi")).unwrap(),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.kpi")).unwrap(),
        "metric n \"N\" {\n  unit EUR\n}\n"
    );
}

#[test]
fn standard_input_goes_to_standard_output_and_diff_shows_the_change() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"use std.bsc   \n\n\n\nuse std.time")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout, b"use std.bsc\n\nuse std.time\n");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.kpi");
    std::fs::write(&file, "use std.bsc   \n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["fmt", "--diff"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.contains("-use std.bsc   \n+use std.bsc\n"), "{diff}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "use std.bsc   \n");
}
