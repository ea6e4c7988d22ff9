//! Hostile and unusual input through the `kpic` binary: no crash, no hang, no silent loss, and
//! one account of where things are in every format.

use std::path::Path;
use std::process::{Command, Output};

fn kpic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[test]
fn a_non_ascii_letter_where_a_long_word_is_cut_is_a_syntax_error_not_a_crash() {
    // 39 ASCII letters and an `é`: the word quoted in "found …" was cut inside the `é`.
    let line = format!("  {}é 3\n", "a".repeat(39));
    let source = format!("scorecard \"S\" {{\n  period 2026-01 .. 2026-12\n{line}}}\n");
    let dir = project(&[("scorecard.kpi", source.as_bytes())]);
    let output = kpic(&["check", ".", "--format", "short"], dir.path());
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(stdout.contains("error[syntax]"), "{stdout}");
    assert!(
        !text(&output.stderr).contains("panicked"),
        "{}",
        text(&output.stderr)
    );
}

/// The line and column of the first finding in each format, as `LINE:COLUMN`.
fn places(dir: &Path) -> Vec<(String, String)> {
    let short = text(&kpic(&["check", ".", "--format", "short"], dir).stdout);
    let short = short
        .split(':')
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join(":");
    let human = text(&kpic(&["check", "."], dir).stdout);
    let human = human
        .split("scorecard.kpi:")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("")
        .to_string();
    let json: serde_json::Value =
        serde_json::from_slice(&kpic(&["check", ".", "--format", "json"], dir).stdout).unwrap();
    let first = &json["diagnostics"][0];
    let json = format!("{}:{}", first["line"], first["column"]);
    vec![
        ("short".into(), short),
        ("human".into(), human),
        ("json".into(), json),
    ]
}

#[test]
fn every_format_counts_lines_and_characters_alike_with_any_line_ends() {
    let unicode = "scorecard \"Ünïcödé tëst\" { period 2026-01 .. 2026-12 bogus 1 }\n";
    let cr_only = "scorecard \"S\" {\r  period 2026-01 .. 2026-12\r  bogus 1\r}\r";
    let crlf = "scorecard \"S\" {\r\n  period 2026-01 .. 2026-12\r\n  bogus 1\r\n}\r\n";
    for (source, expected) in [(unicode, "1:54"), (cr_only, "3:3"), (crlf, "3:3")] {
        let dir = project(&[("scorecard.kpi", source.as_bytes())]);
        for (format, place) in places(dir.path()) {
            assert_eq!(place, expected, "{format} of {source:?}");
        }
    }
}
