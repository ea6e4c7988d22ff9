//! `cargo bench --bench diff`: how fast `kpic diff` compares two versions of the 10,000-KPI
//! project of the report benchmark, with its 360,000-row CSV.
//!
//! 1. Takes the project `cargo bench --bench check -- --report --generate-only` writes
//!    (`target/bench-report-project/`; `--project DIR` for another) as the old version, and
//!    writes a new version beside it with changes of every kind `kpic diff` finds: targets,
//!    baselines, owners, an input's aggregate (behind about a hundred KPIs) and restated rows of
//!    the CSV ([`edit`]).
//! 2. Puts the old version in a git repository and the new one in its working tree.
//! 3. Times, `--runs N` times each (default 5): `kpic diff OLD NEW --format short`,
//!    `kpic diff REPO --against HEAD --format short`, and, to compare, `kpic check NEW
//!    --format short`; prints the wall times (min / median / max), the peak memory and the number
//!    of changes found.
//!
//! The target: `kpic diff OLD NEW` under 2 s (median), and `--against` no slower than reading
//! the files from git adds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Run, cpu_model, cpus, run};

const TARGET_WALL: Duration = Duration::from_secs(2);

fn main() {
    let mut project = default_project();
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--project" => project = PathBuf::from(args.next().expect("--project takes a folder")),
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--runs takes a number")
            }
            _ => {}
        }
    }
    if !project.join("scorecard.kpi").is_file() {
        eprintln!(
            "no project in {}: run `cargo bench --bench check -- --report --generate-only` first",
            project.display()
        );
        std::process::exit(1);
    }
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-diff");
    let _ = std::fs::remove_dir_all(&work);
    let (old, new, repo) = (work.join("old"), work.join("new"), work.join("repo"));
    copy_dir(&project, &old);
    copy_dir(&project, &new);
    let edits = edit(&new);
    copy_dir(&old, &repo);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "old"]);
    copy_dir(&new, &repo);

    let kpic = Path::new(env!("CARGO_BIN_EXE_kpic"));
    let folders: Vec<std::ffi::OsString> = vec![
        "diff".into(),
        old.clone().into(),
        new.clone().into(),
        "--format".into(),
        "short".into(),
    ];
    let against: Vec<std::ffi::OsString> = vec![
        "diff".into(),
        repo.clone().into(),
        "--against".into(),
        "HEAD".into(),
        "--format".into(),
        "short".into(),
    ];
    let check: Vec<std::ffi::OsString> = vec![
        "check".into(),
        new.clone().into(),
        "--format".into(),
        "short".into(),
    ];
    // Untimed: both diffs find the same changes.
    let first = run(kpic, &folders);
    assert_eq!(first.code, Some(0), "kpic diff OLD NEW: {}", first.stdout);
    let changes = first.stdout.lines().count();
    let second = run(kpic, &against);
    assert_eq!(
        second.code,
        Some(0),
        "kpic diff --against: {}",
        second.stdout
    );
    assert_eq!(second.stdout.lines().count(), changes);

    let timed =
        |args: &[std::ffi::OsString]| -> Vec<Run> { (0..runs).map(|_| run(kpic, args)).collect() };
    println!("machine: {} CPUs, {}", cpus(), cpu_model());
    println!(
        "project: {} (old) and its edited copy: {edits}",
        project.display()
    );
    println!("changes found: {changes} (warnings and errors, one a line)");
    println!();
    println!("| command | wall min / median / max | peak memory |");
    println!("| --- | --- | --- |");
    let mut medians = Vec::new();
    for (name, args) in [
        ("kpic diff OLD NEW", &folders),
        ("kpic diff REPO --against HEAD", &against),
        ("kpic check NEW", &check),
    ] {
        let results = timed(args);
        let mut walls: Vec<Duration> = results.iter().map(|r| r.wall).collect();
        walls.sort();
        let peak = results.iter().map(|r| r.max_rss_kb).max().unwrap_or(0) as f64 / 1024.0;
        let median = walls[walls.len() / 2];
        medians.push(median);
        println!(
            "| `{name}` | {} / {} / {} ms | {peak:.0} MB |",
            walls[0].as_millis(),
            median.as_millis(),
            walls[walls.len() - 1].as_millis()
        );
    }
    println!();
    println!(
        "target: median `kpic diff OLD NEW` < {} s: {}; --against adds {} ms",
        TARGET_WALL.as_secs(),
        if medians[0] < TARGET_WALL {
            "met"
        } else {
            "NOT MET"
        },
        medians[1].as_millis() as i64 - medians[0].as_millis() as i64
    );
}

fn default_project() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("bench-report-project")
}

/// Edits the new version in place, deterministically; says what it changed.
fn edit(dir: &Path) -> String {
    let (mut targets, mut baselines, mut owners, mut rows) = (0, 0, 0, 0);
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the project folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("part_"))
        })
        .collect();
    parts.sort();
    for (index, part) in parts.iter().enumerate() {
        let text = std::fs::read_to_string(part).expect("a part file");
        let mut out = String::with_capacity(text.len());
        let (mut target_lines, mut baseline_lines, mut owner_lines) = (0, 0, 0);
        for line in text.lines() {
            let mut line = line.to_string();
            if line.starts_with("  target ") && line.contains(" by ") {
                target_lines += 1;
                // Every 20th single-value target moves by one unit: lowered or raised.
                if target_lines % 20 == 0 {
                    line = bump_first_number(&line);
                    targets += 1;
                }
            } else if line.starts_with("  baseline ") {
                baseline_lines += 1;
                if baseline_lines % 30 == 0 {
                    line = bump_first_number(&line);
                    baselines += 1;
                }
            } else if line.starts_with("  owner ") {
                owner_lines += 1;
                // Every 50th KPI or objective loses its owner.
                if owner_lines % 50 == 0 {
                    owners += 1;
                    continue;
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
        // One input of the first unit is aggregated otherwise: every KPI reading it changed.
        if index == 0 {
            out = out.replacen("  aggregate sum\n", "  aggregate max\n", 1);
        }
        std::fs::write(part, out).expect("a part file is written");
    }
    let csv = dir.join("data/actuals.csv");
    let text = std::fs::read_to_string(&csv).expect("the CSV");
    let mut out = String::with_capacity(text.len());
    for (at, line) in text.lines().enumerate() {
        // Every 1,000th row restated.
        if at > 0 && at % 1_000 == 0 {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if let Some(value) = cells.get_mut(2).filter(|v| v.parse::<f64>().is_ok()) {
                *value = format!("{}", value.parse::<f64>().unwrap() + 1.0);
                rows += 1;
            }
            out.push_str(&cells.join(","));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    std::fs::write(&csv, out).expect("the CSV is written");
    format!(
        "{targets} targets and {baselines} baselines moved by one unit, {owners} owners removed, \
         one input's aggregate changed, {rows} CSV rows restated"
    )
}

/// The line with its first number one lower (one higher where it is 0 or 1, so that no count
/// goes negative): `  target 120 EUR by …` → `  target 119 EUR by …`.
fn bump_first_number(line: &str) -> String {
    let start = line.find(|c: char| c.is_ascii_digit()).expect("a number");
    let end = line[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(line.len(), |n| start + n);
    let number: u64 = line[start..end].parse().expect("digits");
    let moved = if number > 1 { number - 1 } else { number + 1 };
    format!("{}{moved}{}", &line[..start], &line[end..])
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder can be made");
    for entry in std::fs::read_dir(from).expect("the folder can be read") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("a file can be copied");
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_NAME", "bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}
