//! `kpic report --format json`: golden documents, the schema, determinism, no report on errors.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn kpic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

/// The report of `tests/report/NAME`, compared with its `expected.json` (`KPIC_BLESS=1` writes
/// it), parsed.
fn golden(name: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let text = report(&format!("tests/report/{name}"), dir.path());
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/report")
        .join(name)
        .join("expected.json");
    if std::env::var_os("KPIC_BLESS").is_some() {
        std::fs::write(&expected_path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(text, expected);
    serde_json::from_str(&text).unwrap()
}

fn close(value: &serde_json::Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
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
    let doc = golden("mixed");
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

/// Hand-computed, one objective weighted 50/30/20:
/// - occupancy, range 80..90 with tolerance 5%: amber band [76, 94.5]. Jan 85, the middle: 10.
///   Feb 78: x = (78 − 76)/4 = 0.5, score 5 amber. Mar 95: x = (94.5 − 95)/4.5, 80/27 = 2.963
///   red. Apr 80, on the edge: 20/3 green. May 88: 20/3 + 10/3 · 2/5 = 8. Trend May: flat (both
///   inside the band).
/// - nps, up, baseline 20 in 2025-12, milestones 26 in 2026-03 and 29 in 2026-06: plan 22, 24,
///   26, 27, 28, 29. Jan 23: x = 3.2/2.2, 8.1818 green; Feb 22: x = 0.4/2.4, 3.8889 amber;
///   Mar "n/a" (a bad value lowered to warn): no value, "input bad-value at …actuals.csv:9";
///   Apr 30: clamped to 10; May 28 on the plan: 20/3; trend worsening.
/// - repeat_rate = repeat_calls / calls, down, thresholds green <= 5, amber <= 8: Jan 4%:
///   x = 4/3, 70/9; Feb 6%: 50/9 amber; Mar 9%: 20/9 red, with the note of `calls`;
///   Apr 0/0: division by zero; May 5%: 20/3.
/// - objective (= perspective = scorecard): Jan 0.5·10 + 0.3·8.1818 + 0.2·7.7778 = 9.0101;
///   Mar over occupancy and repeat_rate only: (50·80/27 + 20·20/9)/70 = 2.7513 red;
///   Apr over occupancy and nps: (50·20/3 + 30·10)/80 = 7.9167; May 4 + 2 + 4/3 = 7.3333.
#[test]
fn golden_targets() {
    let doc = golden("targets");
    assert_eq!(doc["as_of"], "2026-05");
    close(
        &doc["history"][0]["score"],
        5.0 + 0.3 * 90.0 / 11.0 + 0.2 * 70.0 / 9.0,
    );
    close(
        &doc["history"][2]["score"],
        (50.0 * 80.0 / 27.0 + 20.0 * 20.0 / 9.0) / 70.0,
    );
    close(
        &doc["history"][3]["score"],
        (50.0 * 20.0 / 3.0 + 300.0) / 80.0,
    );
    close(&doc["score"], 4.0 + 2.0 + 4.0 / 3.0);
    assert_eq!(doc["history"].as_array().unwrap().len(), 5);
    assert_eq!(doc["history"][2]["status"], "red");

    let occupancy = &doc["kpis"][0];
    assert_eq!(
        occupancy["target"]["value"],
        serde_json::json!([80.0, 90.0])
    );
    assert_eq!(
        occupancy["series"][0]["amber"],
        serde_json::json!([76.0, 94.5])
    );
    assert_eq!(occupancy["series"][0]["plan"], serde_json::Value::Null);
    let scores = [10.0, 5.0, 80.0 / 27.0, 20.0 / 3.0, 8.0];
    for (entry, score) in occupancy["series"].as_array().unwrap().iter().zip(scores) {
        close(&entry["score"], score);
    }
    assert_eq!(occupancy["trend"], "flat");

    let nps = &doc["kpis"][1];
    let plans = [22.0, 24.0, 26.0, 27.0, 28.0, 29.0];
    for (entry, plan) in nps["series"].as_array().unwrap().iter().zip(plans) {
        close(&entry["plan"], plan);
    }
    let march = &nps["series"][2];
    assert_eq!(march["actual"], serde_json::Value::Null);
    assert!(
        march["missing"]
            .as_str()
            .unwrap()
            .starts_with("input bad-value at ")
            && march["missing"]
                .as_str()
                .unwrap()
                .ends_with("actuals.csv:9"),
        "{march}"
    );
    close(&nps["series"][3]["score"], 10.0);
    assert_eq!(nps["trend"], "worsening");
    assert_eq!(nps["series"][4]["note"], "Campaign launched");

    let repeat = &doc["kpis"][2];
    close(&repeat["series"][0]["score"], 70.0 / 9.0);
    close(&repeat["series"][2]["score"], 20.0 / 9.0);
    assert_eq!(repeat["series"][2]["note"], "Outage on 12 March");
    assert_eq!(repeat["series"][3]["missing"], "division by zero");
    assert_eq!(repeat["trend"], serde_json::Value::Null);
    assert_eq!(doc["diagnostics"][0]["code"], "bad-value");
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
fn a_bad_as_of_is_a_usage_error() {
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
    // Refused by the check, at the span, before anything walks it (issue 16).
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("the span 2000-01-01 .. 2029-12-31 holds 10958 days"),
        "{stdout}"
    );
    assert!(!out.join("report.json").exists());
}

/// `report.json` of both examples and of a small project made by the report benchmark's
/// generator (`cargo bench --bench check -- --report --generate-only --kpis 60 --files 3`, copied
/// to `tests/report/bench`), byte for byte against the documents captured before the report's
/// model and the roll-up were restructured (`KPIC_BLESS=1` rewrites them, for a change of
/// behaviour that is meant).
#[test]
fn report_json_is_byte_identical_to_the_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (project, golden) in [
        ("examples/acme", "tests/report/examples/acme.json"),
        ("examples/riverside", "tests/report/examples/riverside.json"),
        ("tests/report/bench", "tests/report/bench/expected.json"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let text = report(project, dir.path());
        if std::env::var_os("KPIC_BLESS").is_some() {
            std::fs::write(root.join(golden), &text).unwrap();
        }
        let expected = std::fs::read_to_string(root.join(golden)).unwrap();
        // Not assert_eq!: a diff of two documents of this size says nothing; the first line
        // that differs does.
        if let Some((n, (got, want))) = text
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (got, want))| got != want)
        {
            panic!("{project}: line {} is\n{got}\nnot\n{want}", n + 1);
        }
        assert!(
            text == expected,
            "{project}: {} bytes, not {}",
            text.len(),
            expected.len()
        );
    }
}

/// The owners' commentary (`comments.csv` beside the entry file): a comment reaches its KPI's
/// `comments` in report.json and its card on the page; one about no KPI or objective, or with
/// no period, is a located `bad-value` (with the closest id) and is left out.
#[test]
fn comments_reach_their_kpi_and_bad_rows_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    std::fs::write(
        project.join("scorecard.kpi"),
        "scorecard \"C\" {\n  period 2026-01 .. 2026-03\n  data \"actuals.csv\"\n}\n\
         perspective p \"P\"\nobjective o \"O\" { perspective p owner \"Boss\" }\n\
         metric sales \"Sales\" { unit EUR }\n\
         kpi margin \"Margin\" {\n  objective o\n  owner \"Controller\"\n  unit EUR\n  formula sales\n  direction up\n  target 100 EUR by 2026-03\n}\n",
    )
    .unwrap();
    std::fs::write(
        project.join("actuals.csv"),
        "metric,period,value\nsales,2026-01,90\nsales,2026-02,95\n",
    )
    .unwrap();
    std::fs::write(
        project.join("comments.csv"),
        "period,about,author,text\n2026-02,margin,Controller,\"Late invoices, on plan by March.\"\n\
         2026-02,o,,Objective on course\n2026-02,marign,Someone,typo\n2026-13,margin,,bad period\n",
    )
    .unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["check", ".", "--format", "json"])
        .current_dir(project)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&check.stdout).unwrap();
    let said: Vec<(String, u64, String)> = findings["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                format!("{} {}", d["message"].as_str().unwrap(), d["help"]),
            )
        })
        .filter(|(file, ..)| file == "comments.csv")
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].1, 4);
    assert!(
        said[0].2.contains("`marign` is no KPI or objective"),
        "{said:?}"
    );
    assert!(said[0].2.contains("did you mean `margin`?"), "{said:?}");
    assert_eq!(said[1].1, 5);
    assert!(said[1].2.contains("`2026-13` is no period"), "{said:?}");

    // Without the bad rows, the report carries the comments.
    std::fs::write(
        project.join("comments.csv"),
        "period,about,author,text\n2026-02,margin,Controller,\"Late invoices, on plan by March.\"\n\
         2026-02,o,,Objective on course\n",
    )
    .unwrap();
    let out = project.join("out");
    let report = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["report", ".", "--format", "json", "--out"])
        .arg(&out)
        .current_dir(project)
        .output()
        .unwrap();
    assert!(report.status.success(), "{report:?}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        json["kpis"][0]["comments"],
        serde_json::json!([{"period": "2026-02", "author": "Controller", "text": "Late invoices, on plan by March."}])
    );
    assert_eq!(
        json["perspectives"][0]["objectives"][0]["comments"][0]["text"],
        "Objective on course"
    );
    assert_eq!(
        json["perspectives"][0]["objectives"][0]["comments"][0]["author"],
        Value::Null
    );
}
