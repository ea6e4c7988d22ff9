//! `kpic check --fix`: each certain fix applied to a project on disk, the file as it is after,
//! and the exit code of the check that follows; nothing written when no fix is certain; the
//! fixes carried in the `json` and `sarif` formats.

use std::path::Path;
use std::process::{Command, Output};

/// A project that checks without a finding; each test breaks it in one way.
const CLEAN: &str = r#"scorecard "Fix" {
  owner "Strategy Office"
  period 2026-01 .. 2026-12
  lint { allow perspective-without-objective }
}

use std.bsc

objective grow "Grow revenue" {
  perspective financial
  owner "CFO"
}

metric revenue "Revenue" { unit EUR }

/// Revenue, month by month.
kpi revenue_kpi "Revenue" {
  objective grow
  owner "CFO"
  unit EUR
  formula revenue
  direction up
  target 1_000_000 EUR by 2026-12
}
"#;

fn kpic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scorecard.kpi"), text).unwrap();
    dir
}

/// `CLEAN` with `from` replaced by `to` (which must be there).
fn broken(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "{from}");
    CLEAN.replacen(from, to, 1)
}

/// Runs `kpic check --fix --format short` on a project of `text`: the exit code, the text of
/// the scorecard after, standard output and standard error.
fn fix(text: &str) -> (Option<i32>, String, String, String) {
    let dir = project(text);
    let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
    let after = std::fs::read_to_string(dir.path().join("scorecard.kpi")).unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (output.status.code(), after, stdout, stderr)
}

/// Asserts that `--fix` turns `text` back into the clean project, saying `message`.
fn fixes_to_clean(text: &str, message: &str) {
    assert_ne!(text, CLEAN);
    let (code, after, stdout, stderr) = fix(text);
    assert_eq!(after, CLEAN, "{stderr}");
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "", "no finding is left");
    assert!(
        stderr.contains(&format!("fixed scorecard.kpi: {message}")),
        "{stderr}"
    );
}

#[test]
fn the_clean_project_has_no_finding() {
    let dir = project(CLEAN);
    let output = kpic(&["check", "--format", "short"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
}

#[test]
fn an_unknown_name_with_one_close_candidate_is_replaced() {
    fixes_to_clean(
        &broken("perspective financial", "perspective financal"),
        "replace `financal` with `financial`",
    );
    fixes_to_clean(
        &broken("  objective grow\n", "  objective grwo\n"),
        "replace `grwo` with `grow`",
    );
    fixes_to_clean(
        &broken("formula revenue\n", "formula revenu\n"),
        "replace `revenu` with `revenue`",
    );
}

#[test]
fn an_unknown_rule_with_one_close_candidate_is_replaced() {
    let clean_allow = CLEAN.replace("  owner \"CFO\"\n  unit EUR", "  unit EUR");
    let clean_allow = clean_allow.replace(
        "kpi revenue_kpi",
        "@allow(missing-owner, \"being hired\")\nkpi revenue_kpi",
    );
    let dir = project(&clean_allow.replace("@allow(missing-owner", "@allow(missing-ownr"));
    let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
    let after = std::fs::read_to_string(dir.path().join("scorecard.kpi")).unwrap();
    assert_eq!(after, clean_allow);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("fixed scorecard.kpi: replace `missing-ownr` with `missing-owner`")
    );
    // In the lint block too.
    fixes_to_clean(
        &broken(
            "allow perspective-without-objective",
            "allow perspective-without-objectiv",
        ),
        "replace `perspective-without-objectiv` with `perspective-without-objective`",
    );
}

#[test]
fn a_name_of_an_unused_library_module_adds_its_use_after_the_last_use() {
    let with_customer = broken("use std.bsc\n", "use std.bsc\nuse std.customer\n");
    let with_market = with_customer.replace("formula revenue\n", "formula market_revenue\n");
    let dir = project(&with_market.replace("use std.customer\n", ""));
    let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
    let after = std::fs::read_to_string(dir.path().join("scorecard.kpi")).unwrap();
    assert_eq!(after, with_market);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("fixed scorecard.kpi: add `use std.customer`")
    );
}

#[test]
fn a_name_of_an_unused_library_module_adds_its_use_at_the_top_of_a_file_without_one() {
    let without = broken("use std.bsc\n\n", "");
    let (code, after, stdout, stderr) = fix(&without);
    assert_eq!(after, format!("use std.bsc\n{without}"), "{stderr}");
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}

#[test]
fn an_unused_allow_is_removed_with_its_line() {
    fixes_to_clean(
        &broken("kpi revenue_kpi", "@allow(missing-owner)\nkpi revenue_kpi"),
        "remove `@allow(missing-owner)`",
    );
    // Every rule of the attribute unused: the attribute goes, once.
    let (_, after, _, stderr) = fix(&broken(
        "kpi revenue_kpi",
        "  @allow(missing-owner, no-target)  \nkpi revenue_kpi",
    ));
    assert_eq!(after, CLEAN);
    assert_eq!(stderr.matches("fixed").count(), 1, "{stderr}");
}

#[test]
fn an_unused_rule_is_removed_from_an_attribute_that_names_a_used_one() {
    let used = CLEAN.replace("  owner \"CFO\"\n  unit EUR", "  unit EUR");
    let used = used.replace(
        "kpi revenue_kpi",
        "@allow(missing-owner, \"being hired\")\nkpi revenue_kpi",
    );
    for (unused, message) in [
        (
            "@allow(no-target, missing-owner, \"being hired\")",
            "remove `no-target` from the attribute",
        ),
        (
            "@allow(missing-owner,   no-target, \"being hired\")",
            "remove `no-target` from the attribute",
        ),
    ] {
        let dir = project(&used.replace("@allow(missing-owner, \"being hired\")", unused));
        let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
        let after = std::fs::read_to_string(dir.path().join("scorecard.kpi")).unwrap();
        assert_eq!(after, used);
        assert_eq!(output.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&output.stderr).contains(message));
    }
}

#[test]
fn a_property_given_twice_on_identical_lines_loses_the_second() {
    fixes_to_clean(
        &broken(
            "  unit EUR\n  formula",
            "  unit EUR\n    unit EUR\n  formula",
        ),
        "remove the second `unit EUR`",
    );
}

#[test]
fn a_property_given_twice_with_different_values_is_left_to_the_author() {
    let text = broken("  unit EUR\n  formula", "  unit EUR\n  unit USD\n  formula");
    let (code, after, stdout, stderr) = fix(&text);
    assert_eq!(after, text);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("error[duplicate-property]"), "{stdout}");
    assert!(stderr.contains("nothing to fix"), "{stderr}");
}

#[test]
fn two_equally_close_candidates_change_nothing() {
    let text = broken(
        "metric revenue \"Revenue\" { unit EUR }",
        "metric cost_a \"A\" { unit EUR }\nmetric cost_b \"B\" { unit EUR }\nmetric revenue \"Revenue\" { unit EUR }",
    )
    .replace("formula revenue\n", "formula revenue + cost_c\n");
    let dir = project(&text);
    let path = dir.path().join("scorecard.kpi");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "a file that does not change is not written"
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("error[unknown-name]: `cost_c` is not declared anywhere"),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("nothing to fix"), "{stderr}");
    // The json format says why in the help, with no fix.
    let output = kpic(&["check", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &json["diagnostics"][0];
    assert_eq!(finding["code"], "unknown-name");
    assert!(finding.get("fix").is_none(), "{finding}");
}

#[test]
fn what_the_fixes_leave_is_reported_with_the_exit_code_of_the_check_after() {
    let text = broken("perspective financial", "perspective financal")
        .replace("direction up", "direction upward");
    let (code, after, stdout, stderr) = fix(&text);
    assert_eq!(
        after,
        CLEAN.replace("direction up", "direction upward"),
        "{stderr}"
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("fixed scorecard.kpi: replace `financal` with `financial`"));
    assert!(!stdout.contains("financal"), "{stdout}");
    assert!(stdout.contains("upward"), "{stdout}");
}

#[test]
fn fixes_in_other_files_of_the_project_are_written_there() {
    let dir = project(&broken(
        "metric revenue \"Revenue\" { unit EUR }\n",
        "use \"metrics.kpi\"\n",
    ));
    std::fs::write(
        dir.path().join("metrics.kpi"),
        "metric revenue \"Revenue\" {\n  unit EUR\n  unit EUR\n}\n",
    )
    .unwrap();
    let output = kpic(&["check", "--fix", "--format", "short"], dir.path());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("metrics.kpi")).unwrap(),
        "metric revenue \"Revenue\" {\n  unit EUR\n}\n"
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("fixed metrics.kpi:"));
}

#[test]
fn the_json_format_carries_the_fix_with_its_edits() {
    let dir = project(&broken("  objective grow\n", "  objective grwo\n"));
    let output = kpic(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &json["diagnostics"][0];
    assert_eq!(finding["code"], "unknown-name");
    assert_eq!(
        finding["fix"],
        serde_json::json!({
            "message": "replace `grwo` with `grow`",
            "edits": [{
                "file": "scorecard.kpi",
                "line": 18,
                "column": 13,
                "end_line": 18,
                "end_column": 17,
                "text": "grow",
            }],
        })
    );
    // `check` alone writes nothing.
    assert!(
        std::fs::read_to_string(dir.path().join("scorecard.kpi"))
            .unwrap()
            .contains("grwo")
    );
}

#[test]
fn the_sarif_format_carries_the_fix_as_artifact_changes() {
    let dir = project(&broken(
        "kpi revenue_kpi",
        "@allow(missing-owner)\nkpi revenue_kpi",
    ));
    let output = kpic(&["check", "--format", "sarif"], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "unused-allow");
    assert_eq!(
        result["fixes"],
        serde_json::json!([{
            "description": { "text": "remove `@allow(missing-owner)`" },
            "artifactChanges": [{
                "artifactLocation": { "uri": "scorecard.kpi" },
                "replacements": [{
                    "deletedRegion": {
                        "startLine": 17,
                        "startColumn": 1,
                        "endLine": 18,
                        "endColumn": 1,
                    },
                    "insertedContent": { "text": "" },
                }],
            }],
        }])
    );
}

#[test]
fn report_json_carries_the_fix_of_a_warning_as_its_schema_says() {
    let dir = project(&broken(
        "kpi revenue_kpi",
        "@allow(missing-owner)\nkpi revenue_kpi",
    ));
    let output = kpic(
        &["report", ".", "--format", "json", "--out", "out"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = std::fs::read_to_string(dir.path().join("out/report.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let diagnostic = &doc["diagnostics"][0];
    assert_eq!(diagnostic["code"], "unused-allow");
    assert_eq!(
        diagnostic["fix"]["message"],
        "remove `@allow(missing-owner)`"
    );
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
