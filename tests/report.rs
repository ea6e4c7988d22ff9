//! `kpic report --format json`: golden documents, the schema, determinism, no report on errors.

use std::path::Path;
use std::process::{Command, Output};

fn kpic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

fn report(project: &str, out: &Path) -> String {
    let output = kpic(&[
        "report",
        project,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    std::fs::read_to_string(out.join("report.json")).unwrap()
}

/// Hand-computed (tolerance 10%, so the amber bound of `up` is 0.9 × plan):
/// - margin: plan from 30 (2025-12) to 36 (2026-06), one point a month: Jan 31, Feb 32, Mar 33.
///   Jan 32/100 → 32%: x = (32 − 27.9)/3.1, score 10/3·(1 + x) = 7.7419… green; Feb revenue 0 →
///   "division by zero"; Mar 70/200 = 35%: x = (35 − 29.7)/3.3, score 8.6868… green.
/// - growth = tickets − lag(tickets, 1), down, target 0 (zero-width bands): Jan "needs 2025-12
///   (lag)"; Feb 2 → red, 0; Mar −3 → green, 10; trend improving.
/// - audit, quarterly: Q1 76 against 80 (amber 72): x = 0.5, score 5 amber; carried into
///   2026-03 only (Jan and Feb get 2025-Q4, no data).
/// - as_of 2026-03. profit = mean(margin, growth) over the scored: Jan 7.7419, Feb 0,
///   Mar (8.6868 + 10)/2 = 9.3434; flow Mar 5; overall Mar 0.6·9.3434 + 0.4·5 = 7.6060 green.
#[test]
fn golden_mixed() {
    let dir = tempfile::tempdir().unwrap();
    let text = report("tests/report/mixed", dir.path());
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/report/mixed/expected.json");
    if std::env::var_os("KPIC_BLESS").is_some() {
        std::fs::write(&expected_path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(text, expected);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let close = |v: &serde_json::Value, x: f64| {
        assert!((v.as_f64().unwrap() - x).abs() < 1e-9, "{v} vs {x}")
    };
    assert_eq!(doc["as_of"], "2026-03");
    close(
        &doc["score"],
        0.6 * (10.0 / 3.0 * (1.0 + 5.3 / 3.3) + 10.0) / 2.0 + 0.4 * 5.0,
    );
    close(&doc["history"][0]["score"], 10.0 / 3.0 * (1.0 + 4.1 / 3.1));
    close(&doc["history"][1]["score"], 0.0);
    let margin = &doc["kpis"][0]["series"];
    close(&margin[0]["plan"], 31.0);
    close(&margin[0]["amber"], 27.9);
    assert_eq!(margin[1]["missing"], "division by zero");
    assert_eq!(
        doc["kpis"][1]["series"][0]["missing"],
        "needs 2025-12 (lag)"
    );
    assert_eq!(doc["kpis"][1]["trend"], "improving");
    assert_eq!(doc["kpis"][2]["latest"]["period"], "2026-Q1");
    close(&doc["kpis"][2]["latest"]["score"], 5.0);
    assert_eq!(doc["perspectives"][1]["history"][1]["status"], "none");
}

#[test]
fn every_example_report_validates_against_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut projects: Vec<String> = vec!["tests/report/mixed".into()];
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("scorecard.kpi").exists() {
            projects.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    assert!(projects.len() >= 2);
    for project in projects {
        let dir = tempfile::tempdir().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&report(&project, dir.path())).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{project}: {errors:#?}");
    }
}

#[test]
fn two_runs_give_identical_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(
        report("examples/acme", a.path()),
        report("examples/acme", b.path())
    );
}

#[test]
fn a_project_with_errors_writes_nothing_and_keeps_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("broken");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("scorecard.kpi"),
        "kpi x \"X\" { objective nowhere direction up }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("report.json"), "previous").unwrap();
    let output = kpic(&[
        "report",
        project.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no report written"));
    assert_eq!(
        std::fs::read_to_string(out.join("report.json")).unwrap(),
        "previous"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

/// `--as-of` is "now" for the data rules too: four months after Riverside's latest actuals,
/// every KPI is stale in the report's diagnostics; at the default `as_of` none is.
#[test]
fn the_data_rules_judge_at_the_as_of_of_the_report() {
    let stale = |as_of: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_str().unwrap();
        let mut args = vec![
            "report",
            "examples/riverside",
            "--format",
            "json",
            "--out",
            out,
        ];
        args.extend(as_of.map(|as_of| ["--as-of", as_of]).into_iter().flatten());
        assert_eq!(kpic(&args).status.code(), Some(0));
        let text = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "stale-data")
            .count()
    };
    assert_eq!(stale(None), 0);
    assert_eq!(stale(Some("2027-01")), 13);
}

#[test]
fn html_and_bad_as_of_are_usage_errors() {
    assert_eq!(
        kpic(&["report", "tests/report/mixed"]).status.code(),
        Some(2)
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for as_of in ["nonsense", "2030-01"] {
        let args = [
            "report",
            "tests/report/mixed",
            "--format",
            "json",
            "--out",
            out,
            "--as-of",
            as_of,
        ];
        assert_eq!(kpic(&args).status.code(), Some(2), "{as_of}");
    }
}

#[test]
fn a_span_of_more_periods_than_a_report_covers_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("daily");
    std::fs::create_dir_all(&project).unwrap();
    let text = "scorecard \"Thirty years, day by day\" {\n  owner \"S\"\n  period 2000-01-01 .. 2029-12-31\n  frequency daily\n}\n";
    std::fs::write(project.join("scorecard.kpi"), text).unwrap();
    let out = dir.path().join("out");
    let output = kpic(&[
        "report",
        project.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("10958 daily periods; a report covers at most 10000"),
        "{stderr}"
    );
    assert!(!out.join("report.json").exists());
}
