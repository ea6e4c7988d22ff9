//! The machine formats of `kpic check`: SARIF (validated against the official 2.1.0 schema),
//! GitHub workflow commands and GitLab Code Quality.

use std::path::Path;
use std::process::{Command, Output};

const SCORECARD: &str = r#"scorecard "Formats" {
  owner "Strategy Office"
  period 2026-01 .. 2026-12
}

use std.bsc

objective grow "Grow revenue" {
  perspective financial
  owner "CFO"
}

metric revenue "Revenue" { unit EUR }
metric customers "Customers" { unit customers }

/// Revenue per customer, with its owner still being hired.
@allow(missing-owner, "the owner is being hired: 50% done, see HR-12")
kpi arpu "Revenue per customer" {
  objective grow
  unit EUR
  formula revenue /
    customers
  direction up
  target 120 EUR by 2026-12
}

/// A KPI with a typo in its objective and no owner.
kpi revenue_kpi "Revenue" {
  objective grwo
  unit EUR
  formula revenue
  direction up
  target 1_000_000 EUR by 2026-12
}

/// A KPI without an owner.
kpi customer_count "Customers" {
  objective grow
  unit customers
  formula customers
  direction up
  target 5_000 by 2026-12
}
"#;

fn kpic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("kpic runs")
}

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scorecard.kpi"), text).unwrap();
    dir
}

fn check(dir: &Path, format: &str) -> String {
    let output = kpic(&["check", "--format", format], dir);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let dir = project(SCORECARD);
    let sarif: serde_json::Value = serde_json::from_str(&check(dir.path(), "sarif")).unwrap();
    // The typo `grwo` has a certain fix: `fixes` are validated too.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|result| result.get("fixes").is_some()));
    // The official schema, as published by OASIS, kept in the repository.
    let schema_text =
        std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").expect("the SARIF 2.1.0 schema");
    let mut schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    // The official schema's `language` patterns have a stray `]` that the meta-schema's `regex`
    // format rejects, so the schema itself does not compile. kpic writes no `language`; those
    // patterns are replaced by the one their description means, the rest is validated as is.
    let fixed = replace_strings(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert!(fixed > 0, "the erratum is still there");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Replaces every string `from` in a JSON document; returns how many.
fn replace_strings(value: &mut serde_json::Value, from: &str, to: &str) -> usize {
    match value {
        serde_json::Value::String(text) if text == from => {
            *text = to.to_string();
            1
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().map(|v| replace_strings(v, from, to)).sum()
        }
        serde_json::Value::Object(fields) => fields
            .values_mut()
            .map(|v| replace_strings(v, from, to))
            .sum(),
        _ => 0,
    }
}

#[test]
fn sarif_has_every_level_rules_with_help_and_suppressions_with_justification() {
    let dir = project(SCORECARD);
    let sarif: serde_json::Value = serde_json::from_str(&check(dir.path(), "sarif")).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().unwrap();
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains(&"error") && levels.contains(&"warning"),
        "{levels:?}"
    );
    let suppressed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "one allowed finding carries a reason");
    assert_eq!(suppressed[0]["ruleId"], "missing-owner");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "the owner is being hired: 50% done, see HR-12"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !rule[field]["text"].as_str().unwrap().is_empty(),
                "{field} of {}",
                rule["id"]
            );
        }
        let location = &result["locations"][0]["physicalLocation"];
        let artifact = &location["artifactLocation"];
        match artifact.get("uriBaseId") {
            Some(base) => assert_eq!(base, "KPIC_STDLIB", "{artifact}"),
            None => assert_eq!(
                artifact["uri"], "scorecard.kpi",
                "relative to the project folder"
            ),
        }
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let unknown = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-name")
        .expect("the typo is reported");
    assert_eq!(
        unknown["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({
            "startLine": 29, "startColumn": 13, "endLine": 29, "endColumn": 17
        })
    );
}

#[test]
fn sarif_related_locations_carry_secondary_labels() {
    let dir = project(&format!(
        "{SCORECARD}\nmetric revenue \"Revenue again\" {{ unit EUR }}\n"
    ));
    let sarif: serde_json::Value = serde_json::from_str(&check(dir.path(), "sarif")).unwrap();
    let duplicate = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "duplicate-name")
        .expect("the duplicate is reported");
    let related = &duplicate["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 13);
    assert_eq!(
        related["message"]["text"],
        "first declared here as a metric"
    );
}

#[test]
fn github_prints_errors_first_escapes_and_gives_columns_on_single_line_spans_only() {
    let dir = project(SCORECARD);
    let text = check(dir.path(), "github");
    let lines: Vec<&str> = text.lines().collect();
    let first_warning = lines
        .iter()
        .position(|l| l.starts_with("::warning "))
        .expect("warnings");
    assert!(
        lines[..first_warning]
            .iter()
            .all(|l| l.starts_with("::error ")),
        "{text}"
    );
    assert!(
        lines[first_warning..]
            .iter()
            .all(|l| l.starts_with("::warning ")),
        "{text}"
    );
    let unknown = lines
        .iter()
        .find(|l| l.contains("title=unknown-name"))
        .unwrap();
    assert!(
        unknown.starts_with(
            "::error file=scorecard.kpi,line=29,endLine=29,col=13,endColumn=17,title=unknown-name::"
        ),
        "{unknown}"
    );
    assert!(
        unknown.contains("%0Ahelp: did you mean `grow`?"),
        "a line break in the message is escaped: {unknown}"
    );
    // The formula of `arpu` spans two lines: no column fields.
    std::fs::write(
        dir.path().join("scorecard.kpi"),
        SCORECARD.replace(
            "unit EUR\n  formula revenue /",
            "unit %\n  formula revenue /",
        ),
    )
    .unwrap();
    let text = check(dir.path(), "github");
    let mismatch = text
        .lines()
        .find(|l| l.contains("title=unit-mismatch"))
        .expect("the formula's unit differs");
    assert!(mismatch.contains("line=21,endLine=22,title="), "{mismatch}");
    assert!(!mismatch.contains("col="), "{mismatch}");
}

#[test]
fn gitlab_fingerprints_survive_line_moves() {
    let dir = project(SCORECARD);
    let fingerprints = |text: &str| -> Vec<(String, String)> {
        let issues: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut prints: Vec<(String, String)> = issues
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| {
                assert!(["critical", "minor"].contains(&issue["severity"].as_str().unwrap()));
                assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
                (
                    issue["check_name"].as_str().unwrap().to_string(),
                    issue["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        prints.sort();
        prints
    };
    let before = fingerprints(&check(dir.path(), "gitlab"));
    let mut unique: Vec<&String> = before.iter().map(|(_, print)| print).collect();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are unique");
    std::fs::write(
        dir.path().join("scorecard.kpi"),
        format!("// A comment\n// moves every line down.\n\n{SCORECARD}"),
    )
    .unwrap();
    assert_eq!(fingerprints(&check(dir.path(), "gitlab")), before);
}

#[test]
fn output_file_holds_the_findings_and_standard_output_stays_empty() {
    let dir = project(SCORECARD);
    let output = kpic(
        &["check", "--format", "sarif", "--output-file", "kpic.sarif"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("kpic.sarif")).unwrap();
    assert!(written.contains("\"version\": \"2.1.0\""));
    let unwritable = kpic(
        &["check", "--output-file", "no-such-folder/out.txt"],
        dir.path(),
    );
    assert_eq!(unwritable.status.code(), Some(2));
}

#[test]
fn every_format_lists_the_errors_first() {
    // The warning `missing-owner` of `revenue_kpi` is on the line before its error
    // (`unknown-name` of `grwo`): by position it would come first.
    let dir = project(SCORECARD);
    let error_before_warnings = |text: &str, error: &str, warning: &str| {
        let error_at = text.find(error).expect("the error is listed");
        let warning_at = text.find(warning).expect("a warning is listed");
        assert!(error_at < warning_at, "{text}");
    };
    for (format, error, warning) in [
        ("short", "error[unknown-name]", "warning["),
        ("human", "error: `grwo`", "warning: "),
        ("json", "\"unknown-name\"", "\"missing-owner\""),
        ("sarif", "\"unknown-name\"", "\"missing-owner\""),
        ("github", "::error", "::warning"),
        ("gitlab", "\"unknown-name\"", "\"missing-owner\""),
    ] {
        error_before_warnings(&check(dir.path(), format), error, warning);
    }
}
