//! The recipes of docs/ci.md, run on a repository the test builds: the `git fetch` and `kpic`
//! lines of the GitHub Actions workflow and of the GitLab CI job, verbatim (each is checked to
//! be in docs/ci.md), in a shallow clone of a change branch, as CI runs them; and the
//! `.pre-commit-hooks.yaml` hooks run by the pre-commit framework itself.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kpic_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_kpic"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `PATH` with the `kpic` under test first.
fn path_with_kpic() -> std::ffi::OsString {
    let mut paths = vec![kpic_dir()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_kpic())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .output()
        .unwrap_or_else(|error| panic!("{program} runs: {error}"))
}

fn git(dir: &Path, args: &[&str]) {
    let output = run(dir, "git", args, &[]);
    assert!(output.status.success(), "git {args:?}: {output:?}");
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A repository with `kpic init`'s project in `project/` on `main`, and a branch `change` that
/// lowers a target; returns its folder.
fn repository_with_a_change(root: &Path) -> PathBuf {
    let repo = root.join("origin");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let init = run(&repo, "kpic", &["init", "project"], &[]);
    assert!(init.status.success(), "{init:?}");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "the scorecard"]);
    git(&repo, &["checkout", "-q", "-b", "change"]);
    let scorecard = repo.join("project/scorecard.kpi");
    let source = std::fs::read_to_string(&scorecard).unwrap();
    let lowered = source.replace("target 95% by 2026-12", "target 90% by 2026-12");
    assert_ne!(source, lowered, "kpic init's template has the target");
    std::fs::write(&scorecard, lowered).unwrap();
    git(&repo, &["commit", "-q", "-am", "lower the on-time target"]);
    repo
}

/// A shallow clone of the change branch, as CI checks out a pull request.
fn ci_checkout(root: &Path, repo: &Path) -> PathBuf {
    let checkout = root.join("checkout");
    let url = format!("file://{}", repo.display());
    git(
        root,
        &[
            "clone",
            "-q",
            "--depth=1",
            "--branch",
            "change",
            &url,
            checkout.to_str().unwrap(),
        ],
    );
    checkout
}

/// Runs one line of a recipe with bash, after checking that docs/ci.md has it verbatim.
fn recipe_line(dir: &Path, line: &str, env: &[(&str, &str)]) -> Output {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    assert!(docs.contains(line), "docs/ci.md runs `{line}`");
    run(dir, "bash", &["-c", line], env)
}

fn json_file(path: &Path) -> serde_json::Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_github_actions_workflow_runs_on_a_pull_request() {
    let root = tempfile::tempdir().unwrap();
    let repo = repository_with_a_change(root.path());
    let checkout = ci_checkout(root.path(), &repo);
    let env = [("PROJECT", "project"), ("BASE", "main")];

    let check = recipe_line(
        &checkout,
        r#"kpic check "$PROJECT" --format sarif --output-file kpic.sarif"#,
        &env,
    );
    assert!(check.status.success(), "{}", text(&check));
    let sarif = json_file(&checkout.join("kpic.sarif"));
    assert_eq!(sarif["version"], "2.1.0");

    let fetch = recipe_line(
        &checkout,
        r#"git fetch --depth=1 origin "$BASE:refs/remotes/origin/$BASE""#,
        &env,
    );
    assert!(fetch.status.success(), "{}", text(&fetch));
    let diff = recipe_line(
        &checkout,
        r#"kpic diff "$PROJECT" --against "origin/$BASE" --format markdown --output-file kpic-diff.md"#,
        &env,
    );
    assert!(diff.status.success(), "{}", text(&diff));
    let comment = std::fs::read_to_string(checkout.join("kpic-diff.md")).unwrap();
    assert!(
        comment.starts_with("## kpic diff: 1 change against `origin/main`\n"),
        "{comment}"
    );
    assert!(comment.contains("| `on_time_delivery` ("), "{comment}");
    assert!(comment.contains("| 95% | 90% |"), "{comment}");

    let report = recipe_line(&checkout, r#"kpic report "$PROJECT" --out report"#, &env);
    assert!(report.status.success(), "{}", text(&report));
    assert!(checkout.join("report/index.html").is_file());
    // Only the files the recipe writes are new: the working tree is otherwise untouched.
    let status = run(&checkout, "git", &["status", "--porcelain"], &[]);
    let mut changed: Vec<String> = String::from_utf8_lossy(&status.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    changed.sort();
    assert_eq!(changed, ["?? kpic-diff.md", "?? kpic.sarif", "?? report/"]);
}

#[test]
fn the_gitlab_ci_job_runs_on_a_merge_request() {
    let root = tempfile::tempdir().unwrap();
    let repo = repository_with_a_change(root.path());
    let checkout = ci_checkout(root.path(), &repo);
    let env = [
        ("PROJECT", "project"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
    ];
    let check = recipe_line(
        &checkout,
        r#"kpic check "$PROJECT" --format gitlab --output-file gl-code-quality.json || status=$?"#,
        &env,
    );
    assert!(check.status.success(), "{}", text(&check));
    assert_eq!(
        json_file(&checkout.join("gl-code-quality.json")),
        serde_json::json!([])
    );
    // The merge-request part of the script, its lines as written there.
    let base = [("PROJECT", "project"), ("BASE", "main")];
    for line in [
        r#"git fetch --depth=1 origin "$BASE:refs/remotes/origin/$BASE""#,
        r#"kpic diff "$PROJECT" --against "origin/$BASE" --format gitlab --output-file gl-diff-quality.json || status=$?"#,
        r#"kpic diff "$PROJECT" --against "origin/$BASE" --format markdown --output-file kpic-diff.md || true"#,
        r#"kpic report "$PROJECT" --out report || status=$?"#,
    ] {
        let output = recipe_line(&checkout, line, &base);
        assert!(output.status.success(), "{line}: {}", text(&output));
    }
    let quality = json_file(&checkout.join("gl-diff-quality.json"));
    let issues = quality.as_array().unwrap();
    assert_eq!(issues.len(), 1, "{quality:#}");
    assert_eq!(issues[0]["check_name"], "target-lowered");
    assert_eq!(issues[0]["location"]["path"], "project/scorecard.kpi");
    assert!(
        issues[0]["fingerprint"]
            .as_str()
            .is_some_and(|f| !f.is_empty())
    );
    let comment = std::fs::read_to_string(checkout.join("kpic-diff.md")).unwrap();
    assert!(comment.contains("`target-lowered`"), "{comment}");
    assert!(checkout.join("report/index.html").is_file());
}

/// The pre-commit executable: `KPIC_PRE_COMMIT` (set by .ci/run, which installs it), else one
/// on the PATH. `None` when there is none.
fn pre_commit() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KPIC_PRE_COMMIT") {
        return Some(PathBuf::from(path));
    }
    let found = Command::new("pre-commit").arg("--version").output();
    found
        .is_ok_and(|o| o.status.success())
        .then(|| PathBuf::from("pre-commit"))
}

/// A git repository holding kpic's `.pre-commit-hooks.yaml`, committed; its folder and commit.
fn hooks_repository(root: &Path) -> (PathBuf, String) {
    let hooks = root.join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &["init", "-q", "-b", "main"]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-q", "-m", "hooks"]);
    let rev = run(&hooks, "git", &["rev-parse", "HEAD"], &[]);
    let rev = String::from_utf8_lossy(&rev.stdout).trim().to_string();
    (hooks, rev)
}

#[test]
fn the_pre_commit_hook_checks_the_scorecard_and_refuses_a_broken_one() {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs pre-commit (.ci/run sets KPIC_PRE_COMMIT)"
        );
        eprintln!(
            "SKIPPED: pre-commit is not installed; `.ci/run` installs it from PyPI (or: pip install pre-commit)"
        );
        return;
    };
    let pre_commit = pre_commit.to_str().unwrap().to_string();
    let root = tempfile::tempdir().unwrap();
    let (hooks, rev) = hooks_repository(root.path());

    // A scorecard repository that uses the hook.
    let repo = root.path().join("scorecards");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let init = run(&repo, "kpic", &["init", "acme"], &[]);
    assert!(init.status.success(), "{init:?}");
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: kpic-check\n        args: [acme]\n",
            hooks.display()
        ),
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    let home = root.path().join("pre-commit-home");
    let env = [("PRE_COMMIT_HOME", home.to_str().unwrap())];

    let clean = run(&repo, &pre_commit, &["run", "--all-files"], &env);
    assert!(clean.status.success(), "{}", text(&clean));
    assert!(text(&clean).contains("kpic check"), "{}", text(&clean));
    assert!(text(&clean).contains("Passed"), "{}", text(&clean));

    // Installed as the git hook, it refuses a commit that breaks the scorecard.
    let install = run(&repo, &pre_commit, &["install"], &env);
    assert!(install.status.success(), "{}", text(&install));
    let scorecard = repo.join("acme/scorecard.kpi");
    let source = std::fs::read_to_string(&scorecard).unwrap();
    std::fs::write(
        &scorecard,
        source.replace("objective grow_revenue\n", "objective grow_revenu\n"),
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    let commit = run(&repo, "git", &["commit", "-q", "-m", "typo"], &env);
    assert!(!commit.status.success(), "{}", text(&commit));
    let said = text(&commit);
    assert!(said.contains("unknown-name"), "{said}");
    assert!(said.contains("Failed"), "{said}");

    // Fixed, the commit goes through.
    std::fs::write(&scorecard, source).unwrap();
    git(&repo, &["add", "-A"]);
    let commit = run(&repo, "git", &["commit", "-q", "-m", "the scorecard"], &env);
    assert!(commit.status.success(), "{}", text(&commit));
}

#[test]
fn the_pre_commit_fmt_hook_formats_the_kpi_files_a_commit_touches() {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs pre-commit (.ci/run sets KPIC_PRE_COMMIT)"
        );
        eprintln!("SKIPPED: pre-commit is not installed (pip install pre-commit)");
        return;
    };
    let pre_commit = pre_commit.to_str().unwrap().to_string();
    let root = tempfile::tempdir().unwrap();
    let (hooks, rev) = hooks_repository(root.path());
    let repo = root.path().join("scorecards");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: kpic-fmt\n",
            hooks.display()
        ),
    )
    .unwrap();
    let untidy = "metric revenue \"Revenue\" {\n      unit EUR   \n}\n";
    std::fs::write(repo.join("metrics.kpi"), untidy).unwrap();
    git(&repo, &["add", "-A"]);
    let home = root.path().join("pre-commit-home");
    let env = [("PRE_COMMIT_HOME", home.to_str().unwrap())];

    // The hook formats the file and fails, so that the change is looked at and added.
    let first = run(&repo, &pre_commit, &["run", "--all-files"], &env);
    assert!(!first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("kpic fmt"), "{}", text(&first));
    let formatted = std::fs::read_to_string(repo.join("metrics.kpi")).unwrap();
    assert_eq!(formatted, "metric revenue \"Revenue\" {\n  unit EUR\n}\n");

    // Formatted, it passes.
    git(&repo, &["add", "-A"]);
    let second = run(&repo, &pre_commit, &["run", "--all-files"], &env);
    assert!(second.status.success(), "{}", text(&second));
    assert!(text(&second).contains("Passed"), "{}", text(&second));
}
