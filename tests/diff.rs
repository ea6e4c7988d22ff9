//! `kpic diff` on a real git repository built by each test: every change of DIFF.md on the
//! right file and line, levels and `@allow` reasons, SARIF against the 2.1.0 schema, the
//! markdown comment's structure, and the reasons it cannot run (exit 2).

use std::path::Path;
use std::process::{Command, Output};

const SCORECARD_V1: &str = r#"scorecard "Diff test" {
  owner "Strategy Office"
  period 2026-01 .. 2027-12
  data "data/actuals.csv"
  lint { allow perspective-without-objective target-unrealistic too-many-kpis target-already-met }
}

use std.bsc
use "kpis.kpi"

objective grow "Grow revenue" {
  perspective financial
  owner "CFO"
}

metric revenue "Revenue" { unit EUR }
metric customers "Customers" { unit customers }
metric net_revenue "Net revenue" {
  unit EUR
  formula revenue * 0.9
}

/// Revenue per customer.
kpi arpu "Revenue per customer" {
  objective grow
  owner "Head of Sales"
  unit EUR/customer
  formula revenue / customers
  direction up
  target 120 EUR/customer by 2026-12
}

/// Customers won.
kpi customer_count "Customers" {
  objective grow
  owner "Head of Sales"
  unit customers
  formula customers
  direction up
  target 460 by 2026-12
}

/// Net revenue per customer.
kpi net_arpu "Net revenue per customer" {
  objective grow
  owner "CFO"
  unit EUR/customer
  formula net_revenue / customers
  direction up
  target 100 EUR/customer by 2026-12
}
"#;

const KPIS_V1: &str = r#"/// Revenue in the month.
kpi monthly_revenue "Monthly revenue" {
  objective grow
  owner "CFO"
  unit EUR
  formula revenue
  direction up
  target 50000 EUR by 2026-12
}

/// Revenue, as the board sees it.
kpi board_revenue "Board revenue" {
  objective grow
  owner "CEO"
  unit EUR
  formula revenue * 1
  direction up
  target 55000 EUR by 2026-12
}

/// Clients, under their old id.
kpi clients "Clients" {
  objective grow
  owner "Head of Sales"
  unit customers
  formula customers * 1
  direction up
  target 460 by 2026-12
}
"#;

fn csv(revenue_in_march: u32) -> String {
    let mut text = "period,metric,value\n".to_string();
    for month in 1..=9u32 {
        let revenue = if month == 3 {
            revenue_in_march
        } else {
            40_000 + 1_000 * month
        };
        text.push_str(&format!("2026-{month:02},revenue,{revenue}\n"));
        text.push_str(&format!("2026-{month:02},customers,{}\n", 400 + 5 * month));
    }
    text
}

/// The second version: each edit one change of the test.
fn scorecard_v2() -> String {
    SCORECARD_V1
        // target-lowered, with an effect: amber → green at 2026-09.
        .replace(
            "target 120 EUR/customer by 2026-12",
            "target 100 EUR/customer by 2026-12",
        )
        // deadline-postponed.
        .replace(
            "target 460 by 2026-12\n}\n\n/// Net",
            "target 460 by 2027-06\n}\n\n/// Net",
        )
        // owner-removed (the second "Head of Sales" is customer_count's).
        .replace(
            "  owner \"Head of Sales\"\n  unit customers\n",
            "  unit customers\n",
        )
        // formula-changed of an input: net_arpu reads net_revenue.
        .replace("formula revenue * 0.9", "formula revenue * 0.8")
}

fn kpis_v2() -> String {
    KPIS_V1
        // target-raised: not a finding.
        .replace("target 50000 EUR by 2026-12", "target 60000 EUR by 2026-12")
        // target-lowered, allowed with a reason.
        .replace(
            "/// Revenue, as the board sees it.\nkpi board_revenue",
            "/// Revenue, as the board sees it.\n@allow(target-lowered, \"board decision of 12 May\")\nkpi board_revenue",
        )
        .replace("target 55000 EUR by 2026-12", "target 52000 EUR by 2026-12")
        // kpi-renamed.
        .replace("kpi clients \"Clients\"", "kpi client_count \"Clients\"")
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap_or_else(|error| panic!("{program} runs: {error}"))
}

fn git(dir: &Path, args: &[&str]) {
    let output = run(dir, "git", args);
    assert!(output.status.success(), "git {args:?}: {output:?}");
}

fn kpic(dir: &Path, args: &[&str]) -> Output {
    run(dir, env!("CARGO_BIN_EXE_kpic"), args)
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository whose first commit holds version 1 of the project in `project/`, with version 2
/// in the working tree (not committed).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.email", "test@example.com"]);
    git(root, &["config", "user.name", "Test"]);
    write(root, "project/scorecard.kpi", SCORECARD_V1);
    write(root, "project/kpis.kpi", KPIS_V1);
    write(root, "project/data/actuals.csv", &csv(43_000));
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "version 1"]);
    write(root, "project/scorecard.kpi", &scorecard_v2());
    write(root, "project/kpis.kpi", &kpis_v2());
    // actual-revised: March's revenue restated.
    write(root, "project/data/actuals.csv", &csv(43_500));
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("{e}: {output:?}"))
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is in the text")) as u64
        + 1
}

#[test]
fn every_change_is_a_finding_on_the_right_file_and_line() {
    let repo = repository();
    let output = kpic(
        repo.path(),
        &[
            "diff",
            "project",
            "--against",
            "main",
            "--format",
            "json",
            "-W",
            "kpi-renamed",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let document = json(&output);
    let found: Vec<(String, String, u64, String)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (v2, kpis, data) = (scorecard_v2(), kpis_v2(), csv(43_500));
    let expected = [
        (
            "actual-revised",
            "project/data/actuals.csv",
            line_of(&data, "2026-03,revenue"),
        ),
        (
            "kpi-renamed",
            "project/kpis.kpi",
            line_of(&kpis, "kpi client_count"),
        ),
        (
            "target-lowered",
            "project/scorecard.kpi",
            line_of(&v2, "target 100 EUR/customer"),
        ),
        (
            "owner-removed",
            "project/scorecard.kpi",
            line_of(&v2, "kpi customer_count"),
        ),
        (
            "deadline-postponed",
            "project/scorecard.kpi",
            line_of(&v2, "by 2027-06"),
        ),
        (
            "formula-changed",
            "project/scorecard.kpi",
            line_of(&v2, "formula net_revenue / customers"),
        ),
    ];
    let mut located: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(code, file, line, _)| (code.as_str(), file.as_str(), *line))
        .collect();
    located.sort();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(located, expected, "{found:#?}");

    let message = |code: &str| {
        found
            .iter()
            .find(|(c, ..)| c == code)
            .map(|(.., message)| message.as_str())
            .unwrap()
    };
    // Old → new in the KPI's unit, the old place at the revision, and the effect at as_of.
    assert_eq!(
        message("target-lowered"),
        format!(
            "`arpu`: target lowered, 120 EUR/customer → 100 EUR/customer (before: main:project/scorecard.kpi:{}); status amber → green at 2026-09 with no change in the actual (score 3.9 → 10.0)",
            line_of(SCORECARD_V1, "target 120 EUR/customer")
        )
    );
    // The input that changed is named, on the KPI behind it, with its effect.
    let formula = message("formula-changed");
    assert!(formula.contains("`net_revenue`"), "{formula}");
    assert!(formula.contains("`revenue * 0.9`"), "{formula}");
    assert!(formula.contains("`revenue * 0.8`"), "{formula}");
    assert!(
        formula.contains("status amber → red at 2026-09"),
        "{formula}"
    );
    let revised = message("actual-revised");
    assert!(
        revised.contains("`revenue`: actual of 2026-03 restated, 43000 EUR → 43500 EUR"),
        "{revised}"
    );
    assert!(
        revised.contains(&format!(
            "main:project/data/actuals.csv:{}",
            line_of(&csv(43_000), "2026-03,revenue")
        )),
        "{revised}"
    );
    assert!(message("deadline-postponed").contains("2026-12 → 2027-06"));
    // The raised target is no finding, but the summary line counts it.
    assert!(!found.iter().any(|(code, ..)| code == "target-raised"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 target-raised"), "{stderr}");
    assert!(stderr.contains("allowed: "), "{stderr}");
}

#[test]
fn the_allowed_lowered_target_carries_its_reason_to_sarif_which_validates() {
    let repo = repository();
    let output = kpic(
        repo.path(),
        &["diff", "project", "--against", "main", "--format", "sarif"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let sarif = json(&output);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let allowed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["suppressions"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert_eq!(allowed.len(), 1, "{results:#?}");
    assert_eq!(allowed[0]["ruleId"], "target-lowered");
    assert_eq!(
        allowed[0]["suppressions"][0]["justification"],
        "board decision of 12 May"
    );
    let location = &allowed[0]["locations"][0]["physicalLocation"];
    // As every format names it: relative to the working directory (the repository's root).
    assert_eq!(location["artifactLocation"]["uri"], "project/kpis.kpi");
    assert_eq!(
        location["region"]["startLine"],
        line_of(&kpis_v2(), "target 52000 EUR")
    );
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"formula-changed"), "{rules:?}");
    validate_sarif(&sarif);
}

fn validate_sarif(sarif: &serde_json::Value) {
    let schema_text =
        std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").expect("the SARIF 2.1.0 schema");
    // The official schema's erratum (see tests/formats.rs): a stray `]` in `language` patterns.
    let schema_text = schema_text.replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn markdown_is_a_table_of_changes_the_allowed_ones_with_reasons_and_the_check_findings() {
    let repo = repository();
    let output = kpic(
        repo.path(),
        &[
            "diff",
            "project",
            "--against",
            "main",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "## kpic diff: 5 changes against `main`");
    let header = lines
        .iter()
        .position(|line| *line == "| KPI | change | old | new | effect on status |")
        .expect("a table header");
    assert_eq!(lines[header + 1], "| --- | --- | --- | --- | --- |");
    let rows: Vec<&str> = lines[header + 2..]
        .iter()
        .take_while(|line| line.starts_with('|'))
        .copied()
        .collect();
    assert_eq!(rows.len(), 5, "{text}");
    for row in &rows {
        // Five cells: six unescaped pipes.
        let pipes = row.matches('|').count() - row.matches("\\|").count();
        assert_eq!(pipes, 6, "{row}");
    }
    let arpu = rows
        .iter()
        .find(|row| row.contains("target lowered (`target-lowered`, warning)"))
        .unwrap();
    assert!(arpu.contains("| 120 EUR/customer | 100 EUR/customer | status amber → green at 2026-09 with no change in the actual"), "{arpu}");
    let allowed = lines
        .iter()
        .position(|line| *line == "### Allowed changes")
        .expect("the allowed changes");
    let reasons = &lines[allowed..];
    assert!(
        reasons.iter().any(|line| line.starts_with(
            "- `board_revenue`: target lowered (`target-lowered`, `project/kpis.kpi:"
        ) && line.ends_with("reason: board decision of 12 May")),
        "{text}"
    );
    assert!(
        text.contains("### Findings of `kpic check` on the new version"),
        "{text}"
    );
    // The new version's own check findings are listed: the removed owner is also a missing one.
    assert!(
        text.contains(&format!(
            "- `project/scorecard.kpi:{}` warning `missing-owner`: KPI `customer_count` has no owner\n",
            line_of(&scorecard_v2(), "kpi customer_count")
        )),
        "{text}"
    );
}

#[test]
fn a_deny_on_the_command_line_makes_a_change_an_error_and_the_exit_code_one() {
    let repo = repository();
    let output = kpic(
        repo.path(),
        &[
            "diff",
            "project",
            "--against",
            "main",
            "--format",
            "short",
            "-D",
            "target-lowered",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("error[target-lowered]: `arpu`: target lowered"),
        "{text}"
    );
    // The attribute on the KPI is narrower than the command line: still allowed.
    assert!(!text.contains("`board_revenue`"), "{text}");
}

#[test]
fn two_folders_compare_like_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "old/scorecard.kpi", SCORECARD_V1);
    write(root, "old/kpis.kpi", KPIS_V1);
    write(root, "old/data/actuals.csv", &csv(43_000));
    write(root, "new/scorecard.kpi", &scorecard_v2());
    write(root, "new/kpis.kpi", &kpis_v2());
    write(root, "new/data/actuals.csv", &csv(43_000));
    let output = kpic(root, &["diff", "old", "new", "--format", "short"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    let rules: Vec<&str> = text
        .lines()
        .map(|line| line.split('[').nth(1).unwrap().split(']').next().unwrap())
        .collect();
    // The same data on both sides: no restated actual.
    assert_eq!(
        rules,
        [
            "target-lowered",
            "owner-removed",
            "deadline-postponed",
            "formula-changed"
        ],
        "{text}"
    );
    assert!(text.contains("(before: old/scorecard.kpi:"), "{text}");
}

#[test]
fn a_new_version_with_errors_is_reported_as_check_would_and_nothing_is_compared() {
    let repo = repository();
    write(
        repo.path(),
        "project/kpis.kpi",
        &kpis_v2().replace(
            "objective grow\n  owner \"CFO\"",
            "objective grwo\n  owner \"CFO\"",
        ),
    );
    let output = kpic(
        repo.path(),
        &["diff", "project", "--against", "main", "--format", "short"],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("error[unknown-name]"), "{text}");
    assert!(!text.contains("target-lowered"), "{text}");
}

#[test]
fn an_unknown_revision_is_exit_two_with_the_reason() {
    let repo = repository();
    let output = kpic(
        repo.path(),
        &["diff", "project", "--against", "no-such-branch"],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown revision `no-such-branch`"),
        "{stderr}"
    );
}

#[test]
fn a_folder_outside_a_repository_is_exit_two_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scorecard.kpi", SCORECARD_V1);
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["diff", ".", "--against", "main"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
}

#[test]
fn a_missing_git_is_exit_two_with_the_reason() {
    let repo = repository();
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["diff", "project", "--against", "main"])
        .current_dir(repo.path())
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot run `git`"), "{stderr}");
}

#[test]
fn the_working_tree_is_not_touched_and_a_shallow_clone_works() {
    let repo = repository();
    let root = repo.path();
    // Commit version 2 on a branch, so that a shallow clone of it can diff against main.
    git(root, &["checkout", "-q", "-b", "change"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "version 2"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", root.display());
    let clone_dir = clone.path().join("c");
    git(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth=1",
            "--branch",
            "change",
            &url,
            clone_dir.to_str().unwrap(),
        ],
    );
    // Not fetched yet: an unknown revision.
    let output = kpic(&clone_dir, &["diff", "project", "--against", "origin/main"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    git(
        &clone_dir,
        &[
            "fetch",
            "-q",
            "--depth=1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let before = run(&clone_dir, "git", &["status", "--porcelain"]);
    let output = kpic(
        &clone_dir,
        &[
            "diff",
            "project",
            "--against",
            "origin/main",
            "--format",
            "short",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("warning[target-lowered]"));
    let after = run(&clone_dir, "git", &["status", "--porcelain"]);
    assert_eq!(before.stdout, after.stdout, "the working tree is untouched");
    assert!(before.stdout.is_empty());
}

#[test]
fn the_change_rules_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    for rule in [
        "target-lowered",
        "deadline-postponed",
        "baseline-changed",
        "thresholds-loosened",
        "formula-changed",
        "kpi-removed",
        "kpi-renamed",
        "owner-removed",
        "weight-changed",
        "actual-revised",
        "target-raised",
    ] {
        let output = kpic(dir.path(), &["explain", rule]);
        assert_eq!(output.status.code(), Some(0), "{rule}");
        assert!(stdout(&output).starts_with(&format!("# {rule}\n")));
    }
}

/// The example of examples/acme/README.md: the edits it describes, made to a copy of the
/// example in a git repository, give the output it shows.
#[test]
fn readme_diff_is_what_kpic_diff_prints() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let copy = root.join("examples/acme");
    copy_dir(&example, &copy);
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.email", "test@example.com"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "acme"]);
    let edit = |file: &str, from: &str, to: &str| {
        let path = copy.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{file}: `{from}`");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit(
        "internal.kpi",
        "  thresholds { green >= 95% amber >= 90% }",
        "  thresholds { green >= 92% amber >= 88% }",
    );
    edit(
        "internal.kpi",
        "kpi scrap \"Scrap rate\"",
        "@allow(target-lowered, \"re-forecast of 9 October: the new alloy supplier starts in 2027\")\nkpi scrap \"Scrap rate\"",
    );
    edit(
        "internal.kpi",
        "  target 2.5% by 2026-12",
        "  target 3% by 2026-12",
    );
    edit(
        "learning.kpi",
        "  objective connect_dealers\n  owner \"CIO\"\n  unit %\n  formula dealer_orders_edi",
        "  objective connect_dealers\n  unit %\n  formula dealer_orders_edi",
    );
    edit(
        "data/actuals.csv",
        "2026-08,dealer_sales,11884395,",
        "2026-08,dealer_sales,12184395,",
    );
    let output = kpic(
        root,
        &[
            "diff",
            "examples/acme",
            "--against",
            "main",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let readme = std::fs::read_to_string(example.join("README.md")).unwrap();
    let shown = readme
        .split("<!-- kpic diff output: begin -->\n```markdown\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n<!-- kpic diff output: end -->").next())
        .expect("the README shows a diff");
    assert_eq!(stdout(&output), shown);
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
fn as_of_sets_the_period_of_the_effects_and_must_lie_in_the_span() {
    let repo = repository();
    let args = |as_of: &'static str| {
        [
            "diff",
            "project",
            "--against",
            "main",
            "--format",
            "short",
            "--as-of",
            as_of,
        ]
    };
    let output = kpic(repo.path(), &args("2026-05"));
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    let arpu = text
        .lines()
        .find(|line| line.contains("[target-lowered]"))
        .unwrap();
    assert!(
        arpu.contains(" at 2026-05 with no change in the actual"),
        "{arpu}"
    );
    let output = kpic(repo.path(), &args("2030-01"));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--as-of 2030-01 is outside the scorecard's span 2026-01 .. 2027-12")
    );
}
