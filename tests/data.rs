//! Data files through the whole check: the five forms load the same observations, command-line
//! files add to the scorecard's, and `--no-data` reads nothing.

use std::path::{Path, PathBuf};

use kpic::diagnostics::{Rule, render_short};
use kpic::pipeline::{CheckOptions, CheckOutcome, check_path, check_project_with_data};

/// A clean scorecard with two inputs, `revenue` (EUR) and `churn` (%, read from the column
/// `Churn rate`), reading `data_line` files.
fn scorecard(data_lines: &[&str]) -> String {
    let data: String = data_lines
        .iter()
        .map(|file| format!("  data \"{file}\"\n"))
        .collect();
    format!(
        r#"scorecard "Data" {{
  owner "Strategy Office"
  period 2026-01 .. 2026-12
{data}}}

perspective financial "Financial"

objective grow "Grow revenue" {{ perspective financial  owner "CFO" }}

/// Invoiced revenue.
metric revenue "Revenue" {{ unit EUR  aggregate sum }}

/// Revenue per month.
kpi monthly_revenue "Monthly revenue" {{
  objective grow
  owner "CFO"
  unit EUR
  formula revenue
  direction up
  baseline 400_000 EUR in 2025-12
  target 500_000 EUR by 2026-12
}}

/// Customers lost in the month over customers at its start.
kpi churn "Monthly churn" {{
  objective grow
  owner "VP Customer Success"
  unit %
  column "Churn rate"
  direction down
  baseline 2.5% in 2025-12
  target 1.5% by 2026-12
}}
"#
    )
}

/// The same observations in each form: (file name, contents).
const FORMS: &[(&str, &str)] = &[
    (
        "long.csv",
        "period,metric,value,note\n2026-01,revenue,410000,Strong start\n2026-02,revenue,425000,\n\
         2026-01,Churn rate,2.5%,\n2026-02,Churn rate,2.4,\n",
    ),
    (
        "wide.csv",
        "period,revenue,Churn rate\n2026-01,410000,2.5\n2026-02,425000,2.4%\n",
    ),
    (
        "long.json",
        r#"[
  {"period": "2026-01", "metric": "revenue", "value": 410000, "note": "Strong start"},
  {"period": "2026-02", "metric": "revenue", "value": 425000},
  {"period": "2026-01", "metric": "Churn rate", "value": "2.5%"},
  {"period": "2026-02", "metric": "Churn rate", "value": 2.4}
]
"#,
    ),
    (
        "series.json",
        r#"{"revenue": {"2026-01": 410000, "2026-02": "425000"},
 "Churn rate": {"2026-01": 2.5, "2026-02": 2.4}}
"#,
    ),
    (
        "actuals.ndjson",
        "{\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 410000, \"note\": \"Strong start\"}\n\
         {\"period\": \"2026-02\", \"metric\": \"revenue\", \"value\": 425000}\n\n\
         {\"period\": \"2026-01\", \"metric\": \"Churn rate\", \"value\": 2.5}\n\
         {\"period\": \"2026-02\", \"metric\": \"Churn rate\", \"value\": \"2.4%\"}\n",
    ),
];

/// A project folder with the scorecard and the data files.
fn project(files: &[(&str, &str)], data_lines: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scorecard.kpi"), scorecard(data_lines)).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `(period, value)` of a series, in order.
fn series(outcome: &CheckOutcome, id: &str) -> Vec<(String, f64)> {
    outcome.data.series[&outcome.model.names[id]]
        .iter()
        .map(|o| (o.period.to_string(), o.value))
        .collect()
}

fn notes(outcome: &CheckOutcome, id: &str) -> Vec<Option<String>> {
    outcome.data.series[&outcome.model.names[id]]
        .iter()
        .map(|o| o.note.clone())
        .collect()
}

fn assert_clean(outcome: &CheckOutcome, what: &str) {
    assert!(
        outcome.findings.is_empty(),
        "{what}:\n{}",
        render_short(&outcome.findings, &outcome.sources)
    );
}

#[test]
fn the_five_forms_load_the_same_observations() {
    let revenue = vec![
        ("2026-01".to_string(), 410_000.0),
        ("2026-02".to_string(), 425_000.0),
    ];
    let churn = vec![("2026-01".to_string(), 2.5), ("2026-02".to_string(), 2.4)];
    for (name, text) in FORMS {
        let dir = project(&[(name, text)], &[name]);
        let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
        assert_clean(&outcome, name);
        assert_eq!(series(&outcome, "revenue"), revenue, "{name}");
        assert_eq!(series(&outcome, "churn"), churn, "{name}");
        let expected_notes = if name.starts_with("long") || name.ends_with("ndjson") {
            vec![Some("Strong start".to_string()), None]
        } else {
            vec![None, None]
        };
        assert_eq!(notes(&outcome, "revenue"), expected_notes, "{name}");
        // Each observation points at its value cell in the data file.
        let observation = &outcome.data.series[&outcome.model.names["revenue"]][0];
        let file = outcome.sources.get(observation.span.file);
        assert!(file.name.ends_with(name), "{}", file.name);
        assert_eq!(&file.text[observation.span.range()], "410000");
    }
}

#[test]
fn every_form_at_once_finds_each_value_twice_but_the_first() {
    let names: Vec<&str> = FORMS.iter().map(|(name, _)| *name).collect();
    let dir = project(FORMS, &names);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let duplicates = outcome
        .findings
        .iter()
        .filter(|f| f.rule == Rule::DuplicateObservation)
        .count();
    assert_eq!(
        duplicates,
        4 * 4,
        "4 later files repeat 4 observations each"
    );
    assert_eq!(duplicates, outcome.findings.len());
    assert_eq!(
        notes(&outcome, "revenue")[0].as_deref(),
        Some("Strong start")
    );
    // The scorecard, and the five data files.
    assert_eq!(outcome.sources.len(), 6);
}

#[test]
fn command_line_files_are_read_after_the_scorecards() {
    let dir = project(&[FORMS[0], FORMS[3]], &["long.csv"]);
    let project = kpic::project::load(dir.path()).unwrap();
    let extra: Vec<PathBuf> = vec![dir.path().join("series.json")];
    let outcome = check_project_with_data(project, &CheckOptions::default(), &extra);
    let places: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| outcome.sources.get(f.primary.span.file).name.as_str())
        .collect();
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(places.iter().all(|name| name.ends_with("series.json")));

    let missing = vec![Path::new("no/such/file.csv").to_path_buf()];
    let project = kpic::project::load(dir.path()).unwrap();
    let outcome = check_project_with_data(project, &CheckOptions::default(), &missing);
    let text = render_short(&outcome.findings, &outcome.sources);
    assert_eq!(
        text,
        "no/such/file.csv:1:1: error[data-unreadable]: cannot read data file \"no/such/file.csv\": no such file\n"
    );
}

#[test]
fn no_data_reads_no_data_file() {
    let dir = project(
        &[(
            "bad.csv",
            "period,metric,value\n2026-01,revenue,n/a\n2026-01,nobody,1\n",
        )],
        &["bad.csv", "missing.json"],
    );
    let with_data = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let mut rules: Vec<&str> = with_data.findings.iter().map(|f| f.rule.name()).collect();
    rules.sort();
    assert_eq!(rules, ["bad-value", "data-unreadable", "unknown-series"]);

    let options = CheckOptions {
        no_data: true,
        ..Default::default()
    };
    let outcome = check_path(dir.path(), &options).unwrap();
    assert_clean(&outcome, "--no-data");
    assert!(outcome.data.series.is_empty());
    assert_eq!(outcome.sources.len(), 1, "no data file becomes a source");
}

#[test]
fn an_allow_of_no_data_is_unused_only_where_data_is_read() {
    let allowed = |data_lines: &[&str], files: &[(&str, &str)], no_data: bool| {
        let dir = tempfile::tempdir().unwrap();
        let text = scorecard(data_lines).replace(
            "/// Invoiced revenue.\n",
            "/// Invoiced revenue.\n@allow(no-data)\n",
        );
        std::fs::write(dir.path().join("scorecard.kpi"), text).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let options = CheckOptions {
            no_data,
            ..Default::default()
        };
        let outcome = check_path(dir.path(), &options).unwrap();
        let mut rules: Vec<&str> = outcome.findings.iter().map(|f| f.rule.name()).collect();
        rules.sort();
        rules.dedup();
        rules
    };
    let only_churn = [("a.csv", "period,Churn rate\n2026-01,2.5\n")];
    let both = [("a.csv", "period,revenue,Churn rate\n2026-01,1,2.5\n")];
    // No value for revenue: the allow suppresses its no-data.
    assert_eq!(allowed(&["a.csv"], &only_churn, false), ["no-data"]);
    // The data has revenue: the allow suppresses nothing.
    assert_eq!(allowed(&["a.csv"], &both, false), ["unused-allow"]);
    // No data read: nothing to say about the allow.
    assert_eq!(allowed(&["a.csv"], &both, true), Vec::<&str>::new());
    assert_eq!(allowed(&[], &[], false), Vec::<&str>::new());
}

#[test]
fn an_allow_of_a_rule_that_needs_data_is_unused_only_where_data_is_read() {
    let allowed = |data_lines: &[&str], no_data: bool| {
        let dir = tempfile::tempdir().unwrap();
        let text = scorecard(data_lines).replace(
            "/// Revenue per month.\n",
            "/// Revenue per month.\n@allow(stale-data, \"the ledger closes late\")\n",
        );
        std::fs::write(dir.path().join("scorecard.kpi"), text).unwrap();
        let churn_only_lately = "period,revenue,Churn rate\n2026-01,410000,2.5\n2026-02,,2.4\n\
                                 2026-03,,2.3\n";
        std::fs::write(dir.path().join("a.csv"), churn_only_lately).unwrap();
        let options = CheckOptions {
            no_data,
            ..Default::default()
        };
        let outcome = check_path(dir.path(), &options).unwrap();
        outcome
            .findings
            .iter()
            .map(|f| (f.rule.name(), f.level.name()))
            .collect::<Vec<_>>()
    };
    // Revenue's latest actual is two months behind as_of: the allow suppresses that.
    assert_eq!(allowed(&["a.csv"], false), [("stale-data", "allow")]);
    // No data read: nothing to say about the allow.
    assert_eq!(allowed(&["a.csv"], true), []);
    assert_eq!(allowed(&[], false), []);
    // A data file that cannot be read: the data rules did not judge all there is, so the allow
    // is not "unused" (the unreadable file is the one error).
    assert_eq!(
        allowed(&["a.csv", "missing.csv"], false),
        [("data-unreadable", "error"), ("stale-data", "allow")]
    );
    assert_eq!(
        allowed(&["missing.csv"], false),
        [("data-unreadable", "error")]
    );
}

/// The short findings of a check, one a line, without the file name.
fn short_findings(outcome: &CheckOutcome) -> String {
    render_short(&outcome.findings, &outcome.sources)
}

#[test]
fn json_values_that_are_no_finite_number_are_located_bad_values_and_the_rest_loads() {
    let nested = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let by_series = format!(
        "{{\"revenue\": {{\"2026-01\": 1e999, \"2026-02\": {nested}, \"2026-03\": 425000}},\n \
         \"Churn rate\": {{\"2026-01\": 2.5}}}}\n"
    );
    let long = "[{\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": -1e999},\n \
                {\"period\": \"2026-03\", \"metric\": \"revenue\", \"value\": 425000},\n \
                {\"period\": \"2026-01\", \"metric\": \"Churn rate\", \"value\": 2.5}]\n";
    let ndjson = format!(
        "{{\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 1e999}}\n\
         {{\"period\": \"2026-02\", \"metric\": \"revenue\", \"value\": {nested}}}\n\
         {{\"period\": \"2026-03\", \"metric\": \"revenue\", \"value\": 425000}}\n\
         {{\"period\": \"2026-01\", \"metric\": \"Churn rate\", \"value\": 2.5}}\n"
    );
    for (name, text, bad) in [
        ("series.json", by_series.as_str(), 2),
        ("long.json", long, 1),
        ("lines.ndjson", ndjson.as_str(), 2),
    ] {
        let dir = project(&[(name, text)], &[name]);
        let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
        let findings = short_findings(&outcome);
        let bad_values: Vec<&str> = findings
            .lines()
            .filter(|l| l.contains("[bad-value]"))
            .collect();
        assert_eq!(bad_values.len(), bad, "{name}:\n{findings}");
        assert!(
            bad_values
                .iter()
                .all(|line| line.contains(&format!("{name}:1:"))
                    || line.contains(&format!("{name}:2:"))),
            "{name}: located on its line\n{findings}"
        );
        assert!(
            bad_values.iter().all(|line| line.len() < 400),
            "{name}: a long cell is shortened\n{findings}"
        );
        assert!(findings.contains("out of range"), "{name}:\n{findings}");
        assert_eq!(
            series(&outcome, "revenue"),
            [("2026-03".to_string(), 425000.0)],
            "{name}"
        );
        assert_eq!(
            series(&outcome, "churn"),
            [("2026-01".to_string(), 2.5)],
            "{name}"
        );
    }
}

/// What a value serde_json cannot hold is, said as it is: `1e999` was "a number out of range,
/// not a number", and a string with a lone surrogate escape "a value nested too deeply".
#[test]
fn json_values_serde_json_cannot_hold_are_named_for_what_they_are() {
    let text = "{\"revenue\": {\"2026-01\": 1e999, \"2026-02\": \"\\ud800\", \"2026-03\": 425000},\n \
                \"Churn rate\": {\"2026-01\": 2.5}}\n";
    let dir = project(&[("series.json", text)], &["series.json"]);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let findings = short_findings(&outcome);
    assert!(
        findings.contains("`1e999` is out of range: the value of `revenue` for 2026-01"),
        "{findings}"
    );
    assert!(
        findings.contains(
            "`\"\\ud800\"` is a string with an escape that is no character, not a number"
        ),
        "{findings}"
    );
    assert_eq!(
        series(&outcome, "revenue"),
        [("2026-03".to_string(), 425000.0)]
    );
}

#[test]
fn a_byte_order_mark_is_read_in_json_as_in_csv() {
    for (name, text) in FORMS {
        let with_bom = format!("\u{feff}{text}");
        let dir = project(&[(name, &with_bom)], &[name]);
        let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
        let findings = short_findings(&outcome);
        assert!(!findings.contains("error"), "{name}:\n{findings}");
        assert_eq!(
            series(&outcome, "revenue"),
            [
                ("2026-01".to_string(), 410000.0),
                ("2026-02".to_string(), 425000.0)
            ],
            "{name}"
        );
    }
}

#[test]
fn decimal_commas_are_read_in_a_semicolon_file_and_said_once() {
    let csv = "period;revenue;Churn rate\n2026-01;410000,5;2,5%\n2026-02;1.425.000,25;2,4\n";
    let dir = project(&[("semicolons.csv", csv)], &["semicolons.csv"]);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let findings = short_findings(&outcome);
    assert_eq!(findings.lines().count(), 1, "{findings}");
    assert!(
        findings.contains("semicolons.csv:2:9: warning[decimal-comma]"),
        "{findings}"
    );
    assert_eq!(
        series(&outcome, "revenue"),
        [
            ("2026-01".to_string(), 410000.5),
            ("2026-02".to_string(), 1425000.25)
        ]
    );
    assert_eq!(
        series(&outcome, "churn"),
        [("2026-01".to_string(), 2.5), ("2026-02".to_string(), 2.4)]
    );
    // In a `,`-separated file the same cell is a bad value, with the number to write.
    let csv = "period,metric,value\n2026-01,revenue,\"90,5\"\n";
    let dir = project(&[("commas.csv", csv)], &["commas.csv"]);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let finding = outcome
        .findings
        .iter()
        .find(|f| f.rule == Rule::BadValue)
        .unwrap();
    assert!(
        finding.help.as_deref().unwrap().contains("write `90.5`"),
        "{finding:?}"
    );
}

#[test]
fn a_row_whose_period_is_no_period_is_one_finding_not_a_gap_in_every_series() {
    let csv = "period,revenue,Churn rate\n2026-01,410000,2.5\n2026-02,420000,2.4\n\
               Mar 2026,430000,2.3\n2026-04,440000,2.2\n";
    let dir = project(&[("wide.csv", csv)], &["wide.csv"]);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let findings = short_findings(&outcome);
    assert_eq!(findings.lines().count(), 1, "{findings}");
    assert!(
        findings.contains("wide.csv:4:1: error[bad-value]"),
        "{findings}"
    );
    // A real gap, with no row left out, is still one.
    let csv = "period,revenue,Churn rate\n2026-01,410000,2.5\n2026-03,430000,2.3\n";
    let dir = project(&[("wide.csv", csv)], &["wide.csv"]);
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let gaps = short_findings(&outcome).matches("missing-period").count();
    assert_eq!(gaps, 2, "{}", short_findings(&outcome));
}

#[test]
fn no_data_rule_judges_a_kpi_whose_definition_has_an_error() {
    // `revenue / visits` is EUR/visit, not EUR: the one error; a flat history far below the
    // target would also make the KPI "unrealistic", on a formula already wrong.
    let scorecard = "scorecard \"S\" {\n  owner \"O\"\n  period 2026-01 .. 2026-12\n  data \"a.csv\"\n}\n\
        perspective financial \"F\"\nobjective grow \"Grow\" { perspective financial owner \"CFO\" }\n\
        metric revenue \"Revenue\" { unit EUR }\nmetric visits \"Visits\" { unit visits }\n\
        /// Revenue per visit.\nkpi rpv \"Revenue per visit\" {\n  objective grow\n  owner \"x\"\n  \
        unit EUR\n  formula revenue / visits\n  direction up\n  baseline 10 in 2025-12\n  \
        target 100 by 2026-12\n}\n";
    let rows: String = (1..=12)
        .map(|m| format!("2025-{m:02},{},100\n", 1000 + m))
        .chain((1..=6).map(|m| format!("2026-{m:02},{},100\n", 1000 + m)))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scorecard.kpi"), scorecard).unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        format!("period,revenue,visits\n{rows}"),
    )
    .unwrap();
    let outcome = check_path(dir.path(), &CheckOptions::default()).unwrap();
    let rules: Vec<&str> = outcome.findings.iter().map(|f| f.rule.name()).collect();
    assert_eq!(rules, ["unit-mismatch"], "{}", short_findings(&outcome));
}
