//! The `kpic` binary as a user runs it: exit codes, formats, `init`.

use std::path::Path;
use std::process::{Command, Output};

fn kpic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("kpic runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const CLEAN: &str = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n}\n";
const BROKEN: &str = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n}\n\nkpi é_x \"Ünïcode\" { objective nowhere }\n";

#[test]
fn exit_code_is_0_when_clean_1_on_errors_2_when_the_check_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean/scorecard.kpi", CLEAN);
    write(
        dir.path(),
        "broken/scorecard.kpi",
        "kpi x \"X\" { objective nowhere direction up }\n",
    );
    assert_eq!(kpic(&["check", "clean"], dir.path()).status.code(), Some(0));
    assert_eq!(
        kpic(&["check", "broken"], dir.path()).status.code(),
        Some(1)
    );
    let missing = kpic(&["check", "does-not-exist"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does-not-exist"));
    let no_entry = kpic(&["check", "."], dir.path());
    assert_eq!(
        no_entry.status.code(),
        Some(2),
        "a folder without scorecard.kpi"
    );
    assert_eq!(
        kpic(&["check", "--format", "xml"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn default_path_is_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", CLEAN);
    let output = kpic(&["check"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "no findings in 1 file\n");
}

#[test]
fn short_format_is_one_line_per_finding_with_character_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scorecard.kpi",
        "scorecard \"S\" { period 2026-01 .. 2026-12 }\n\"é\" kpii\n",
    );
    let output = kpic(&["check", "--format", "short"], dir.path());
    // The error is at `kpii`: byte 6 of line 2 but character 5.
    assert_eq!(
        stdout(&output),
        "scorecard.kpi:2:1: error[syntax]: expected a declaration (scorecard, use, perspective, objective, metric, kpi, initiative, org or fn), or end of file, found a string\n"
    );
}

#[test]
fn json_format_has_one_based_character_positions_with_exclusive_ends() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", BROKEN);
    let output = kpic(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(
        json["summary"],
        serde_json::json!({"errors": 1, "warnings": 0})
    );
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["code"], "syntax");
    assert_eq!(diagnostic["level"], "error");
    assert_eq!(diagnostic["file"], "scorecard.kpi");
    // `é_x` is not an identifier (identifiers are ASCII): the finding covers it, 3 characters.
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(
        (
            diagnostic["end_line"].as_u64(),
            diagnostic["end_column"].as_u64()
        ),
        (Some(5), Some(8)),
        "3 characters, not 4 bytes"
    );
    assert_eq!(diagnostic["labels"][0]["line"], 5);
}

#[test]
fn json_labels_carry_every_place_of_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scorecard.kpi",
        &format!(
            "{CLEAN}use std.bsc\nobjective a \"A\" {{ perspective financial }}\nobjective a \"B\" {{ perspective customer }}\n"
        ),
    );
    let output = kpic(&["check", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let diagnostic = diagnostics
        .iter()
        .find(|d| d["code"] == "duplicate-name")
        .expect("the duplicate");
    let labels = diagnostic["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 2);
    assert_eq!(
        (
            labels[0]["line"].as_u64(),
            labels[0]["column"].as_u64(),
            labels[0]["end_column"].as_u64()
        ),
        (Some(6), Some(11), Some(12))
    );
    assert_eq!(labels[1]["line"], 5);
    assert_eq!(labels[1]["message"], "first declared here as an objective");
}

#[test]
fn human_format_has_no_colour_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", BROKEN);
    let text = stdout(&kpic(&["check"], dir.path()));
    assert!(!text.contains('\u{1b}'), "no escape codes in a pipe");
    assert!(text.contains("syntax"), "{text}");
    assert!(text.contains("scorecard.kpi:5:5"), "{text}");
    assert!(
        text.ends_with("1 error and 0 warnings in 1 file\n"),
        "{text}"
    );
}

#[test]
fn init_creates_a_project_that_checks_clean_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let created = kpic(&["init", "new"], dir.path());
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    for file in ["new/scorecard.kpi", "new/data/actuals.csv", "new/README.md"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let check = kpic(&["check", "new"], dir.path());
    // The entry file, std.bsc and the data file.
    assert_eq!(stdout(&check), "no findings in 3 files\n");
    assert_eq!(check.status.code(), Some(0));

    let edited = "// my own work\n";
    std::fs::write(dir.path().join("new/scorecard.kpi"), edited).unwrap();
    let again = kpic(&["init", "new"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new/scorecard.kpi")).unwrap(),
        edited
    );
}

#[test]
fn no_data_skips_the_data_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scorecard.kpi",
        "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"missing.csv\"\n}\n",
    );
    assert_eq!(kpic(&["check"], dir.path()).status.code(), Some(1));
    assert_eq!(
        kpic(&["check", "--no-data"], dir.path()).status.code(),
        Some(0)
    );
}

#[test]
fn help_has_examples_and_completions_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&kpic(&["check", "--help"], dir.path()));
    assert!(
        help.contains("Examples:") && help.contains("--format"),
        "{help}"
    );
    let completions = kpic(&["completions", "bash"], dir.path());
    assert_eq!(completions.status.code(), Some(0));
    assert!(stdout(&completions).contains("kpic"));
}

/// A project whose only finding is an `unused-allow` warning, with `lint` in its scorecard block.
fn unused_allow_project(lint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "scorecard \"S\" {{\n  period 2026-01 .. 2026-12\n  lint {{ {lint} }}\n}}\n@allow(unused-allow)\nfn double(x) = x * 2\n"
    );
    write(dir.path(), "scorecard.kpi", &text);
    dir
}

#[test]
fn levels_from_the_command_line() {
    let dir = unused_allow_project("");
    let short = |args: &[&str]| {
        let output = kpic(
            &[&["check", "--format", "short"], args].concat(),
            dir.path(),
        );
        (output.status.code(), stdout(&output))
    };
    let (code, text) = short(&[]);
    assert_eq!(code, Some(0), "warnings only: exit 0");
    assert!(text.contains("warning[unused-allow]"), "{text}");
    assert_eq!(short(&["-A", "unused-allow"]), (Some(0), String::new()));
    let (code, text) = short(&["-D", "unused-allow"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("error[unused-allow]"), "{text}");
    assert_eq!(short(&["--deny", "warnings"]).0, Some(1));
    // The last word on a rule wins.
    assert_eq!(
        short(&["-D", "unused-allow", "-A", "unused-allow"]),
        (Some(0), String::new())
    );
    assert_eq!(
        short(&["-A", "unused-allow", "-D", "unused-allow"]).0,
        Some(1)
    );
}

#[test]
fn the_lint_block_beats_the_command_line() {
    let dir = unused_allow_project("deny unused-allow");
    let output = kpic(
        &["check", "--format", "short", "-A", "unused-allow"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[unused-allow]"));
    let allowed = unused_allow_project("allow unused-allow");
    let output = kpic(
        &["check", "--format", "short", "-D", "unused-allow"],
        allowed.path(),
    );
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), String::new())
    );
}

#[test]
fn unknown_or_fixed_rules_on_the_command_line_are_usage_errors() {
    let dir = unused_allow_project("");
    let output = kpic(&["check", "-D", "unused-alow"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown-rule") && stderr.contains("did you mean `unused-allow`?"),
        "{stderr}"
    );
    let output = kpic(&["check", "-A", "syntax"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be set"));
}

#[test]
fn rules_lists_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let output = kpic(&["rules"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for name in [
        "syntax",
        "missing-owner",
        "weights-not-100",
        "bad-value",
        "unused-allow",
    ] {
        assert!(
            text.lines().any(|line| line.starts_with(name)),
            "{name} in\n{text}"
        );
    }
}

#[test]
fn explain_prints_a_rule_with_a_bad_and_a_good_example() {
    let dir = tempfile::tempdir().unwrap();
    let output = kpic(&["explain", "missing-owner"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("# missing-owner\n"), "{text}");
    assert!(
        text.contains("## Bad") && text.contains("## Good"),
        "{text}"
    );
    let unknown = kpic(&["explain", "missing-ownr"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `missing-owner`?"));
}

#[test]
fn an_as_of_outside_the_span_is_said_first_naming_the_span_in_check_and_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", CLEAN);
    for command in ["check", "report"] {
        let output = kpic(&[command, ".", "--as-of", "2030-01"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            output.stdout.is_empty(),
            "{command}: no finding before the error"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--as-of 2030-01 is outside the scorecard's span 2026-01 .. 2026-12"),
            "{command}: {stderr}"
        );
    }
    assert_eq!(
        kpic(&["check", ".", "--as-of", "2026-06"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        kpic(&["check", ".", "--as-of", "2026-13"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

/// A quarterly scorecard whose monthly data ends in July: a `ytd` KPI and a monthly one.
const ENDS_IN_JULY: &str = r#"scorecard "Clinic" {
  owner "Office"
  period 2026-01 .. 2026-12
  frequency quarterly
  data "actuals.csv"
}
perspective financial "Financial"
objective grow "Grow" { perspective financial  owner "CFO" }
metric visits "Visits" { unit visits  aggregate sum }
/// Visits this year.
kpi visits_ytd "Visits so far" {
  objective grow  owner "COO"  unit visits  direction up
  formula ytd(visits)
  target { 2026-Q1 300  2026-Q2 600  2026-Q3 900  2026-Q4 1200 }
}
/// Visits in the month.
kpi monthly "Monthly visits" {
  objective grow  owner "COO"  unit visits  direction up  frequency monthly
  formula visits
  target 120 visits by 2026-12
}
"#;

#[test]
fn a_period_the_data_does_not_complete_is_neither_as_of_nor_compared_with_its_plan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", ENDS_IN_JULY);
    let months: String = (1..=7).map(|m| format!("2026-{m:02},100\n")).collect();
    write(
        dir.path(),
        "actuals.csv",
        &format!("period,visits\n{months}"),
    );
    // The check and the report judge at the same as_of: 2026-Q2, the last quarter complete.
    let check = stdout(&kpic(&["check", ".", "--format", "short"], dir.path()));
    assert!(!check.contains("stale-data"), "{check}");
    let report = kpic(
        &["report", ".", "--format", "json", "--out", "out"],
        dir.path(),
    );
    assert_eq!(report.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["as_of"], "2026-Q2");
    let ytd = &json["kpis"][0];
    assert_eq!(ytd["latest"]["period"], "2026-Q2");
    assert_eq!(ytd["latest"]["actual"], 600.0);
    // At --as-of 2026-Q3, the quarter that holds July alone has no actual, never a red one.
    let args = [
        "report", ".", "--format", "json", "--out", "q3", "--as-of", "2026-Q3",
    ];
    assert_eq!(kpic(&args, dir.path()).status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("q3/report.json")).unwrap()).unwrap();
    let latest = &json["kpis"][0]["latest"];
    assert_eq!(latest["actual"], serde_json::Value::Null, "{latest}");
    assert_eq!(latest["status"], "none", "{latest}");
    let series = json["kpis"][0]["series"].as_array().unwrap();
    let q3 = series.iter().find(|e| e["period"] == "2026-Q3").unwrap();
    assert_eq!(q3["missing"], "incomplete: data ends 2026-07", "{q3}");
    // --as-of in the incomplete quarter: the quarter has no actual, never a red one.
    let at_q3 = kpic(
        &["check", ".", "--as-of", "2026-Q3", "--format", "short"],
        dir.path(),
    );
    assert_eq!(at_q3.status.code(), Some(0));
}

#[test]
fn the_human_format_names_levels_in_words_and_colour_follows_the_color_option() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scorecard.kpi",
        "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"actual.csv\"\n}\n",
    );
    write(dir.path(), "actuals.csv", "period,x\n");
    let plain = stdout(&kpic(&["check", "."], dir.path()));
    let line = plain
        .lines()
        .find(|l| l.contains("cannot read data file"))
        .unwrap();
    assert!(
        line.contains("error: cannot read data file \"actual.csv\""),
        "{line}"
    );
    // The missing data file's closest neighbour is named.
    assert!(plain.contains("did you mean \"actuals.csv\"?"), "{plain}");
    assert!(!plain.contains('\x1b'), "no colour in a pipe");
    let always = stdout(&kpic(&["check", ".", "--color", "always"], dir.path()));
    assert!(always.contains('\x1b'), "--color always colours a pipe too");
    let never = stdout(&kpic(&["--color", "never", "check", "."], dir.path()));
    assert_eq!(never, plain);
}

#[test]
fn every_format_names_a_file_by_the_same_relative_path_whatever_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "work/here/.keep", "");
    write(dir.path(), "projects/clinic/scorecard.kpi", BROKEN);
    let absolute = dir.path().join("projects/clinic");
    for (cwd, path) in [
        (dir.path().to_path_buf(), "projects/clinic".to_string()),
        (
            dir.path().join("work/here"),
            "../../projects/clinic".to_string(),
        ),
        (
            dir.path().join("work/here"),
            absolute.to_str().unwrap().to_string(),
        ),
    ] {
        let expected = match cwd == dir.path() {
            true => "projects/clinic/scorecard.kpi",
            false => "../../projects/clinic/scorecard.kpi",
        };
        for format in ["short", "json", "sarif", "github", "gitlab", "human"] {
            let output = stdout(&kpic(&["check", &path, "--format", format], &cwd));
            assert!(output.contains(expected), "{format} from {cwd:?}: {output}");
            assert!(
                !output.contains(dir.path().to_str().unwrap()),
                "{format}: absolute"
            );
        }
    }
}
