//! `cargo bench --bench check`: how fast `kpic check` is on a large project.
//!
//! 1. Generates into `target/bench-project/` a realistic project of 10,000 KPIs in 100 files: the
//!    entry `scorecard.kpi` (the scorecard block, `use std.bsc` and a `use` of each part) and 99
//!    `part_NN.kpi`, each with objectives in the four perspectives of `std.bsc` linked by
//!    `drives`, input metrics with units and aggregates, and about 100 KPIs with a doc comment,
//!    objective, owner, unit, formula, direction, baseline, target and sometimes thresholds.
//! 2. Checks that the project has no finding (exit code 0, no output).
//! 3. Runs the release binary `kpic check target/bench-project --format short` several times and
//!    prints the wall time (min and median), the size of the sources, the throughput and the peak
//!    memory (max RSS of the child, from `wait4`).
//!
//! Options (after `--`): `--kpis N` (default 10000), `--files N` (default 100, entry included),
//! `--runs N` (default 5), `--generate-only`.
//!
//! With `--report`, the benchmark of `kpic report` instead: into `target/bench-report-project/`
//! the same KPIs over a 36-month scorecard (2024-01 .. 2026-12) with a long CSV
//! `data/actuals.csv` of one series per input (the shared metrics of each unit plus one input of
//! its own for most KPIs: 10,000 series by default), one row per series and month (360,000 rows),
//! then `kpic report PROJECT --format json --out DIR` timed as above, the size of `report.json`
//! and the cost of reading the data (`kpic check` minus `kpic check --no-data`).
//!
//! With `--report --html`, the same project and `kpic report PROJECT --out DIR` (the HTML page)
//! timed as above, with the size of `index.html`.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::generate::{MONTHS, Shape, Stats, generate};
use common::{Run, cpu_model, cpus, run};

/// The targets of the benchmark for the default project.
const TARGET_WALL: Duration = Duration::from_millis(500);
const TARGET_PEAK_MB: f64 = 200.0;

struct Options {
    kpis: usize,
    files: usize,
    runs: usize,
    generate_only: bool,
    /// Benchmark `kpic report` on a project with 36 months of data.
    report: bool,
    /// With `report`: the HTML page instead of the JSON document.
    html: bool,
}

fn options() -> Options {
    let mut options = Options {
        kpis: 10_000,
        files: 100,
        runs: 5,
        generate_only: false,
        report: false,
        html: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> usize {
            args.next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--kpis" => options.kpis = number("--kpis"),
            "--files" => options.files = number("--files").max(2),
            "--runs" => options.runs = number("--runs").max(1),
            "--generate-only" => options.generate_only = true,
            "--report" => options.report = true,
            "--html" => options.html = true,
            // `cargo bench` passes `--bench`; anything else is a filter we do not use.
            _ => {}
        }
    }
    options
}

fn main() {
    let options = options();
    let dir = project_dir(options.report);
    let stats = generate(
        &dir,
        &Shape {
            kpis: options.kpis,
            files: options.files,
            report: options.report,
        },
    );
    println!(
        "generated {} KPIs, {} objectives, {} input metrics in {} files ({} lines, {}) into {}",
        stats.kpis,
        stats.objectives,
        stats.metrics,
        stats.files,
        stats.lines,
        megabytes(stats.bytes),
        dir.display()
    );
    if options.report {
        println!(
            "data/actuals.csv: {} series x {MONTHS} months = {} rows, {}",
            stats.series,
            stats.csv_rows,
            megabytes(stats.csv_bytes)
        );
    }
    if options.generate_only {
        return;
    }
    if options.report && options.html {
        html_bench(&dir, &stats, &options);
        return;
    }
    if options.report {
        report_bench(&dir, &stats, &options);
        return;
    }

    let kpic = Path::new(env!("CARGO_BIN_EXE_kpic"));
    // A first run, not timed: the project must check clean.
    let first = run(kpic, &check_args(&dir, false));
    if first.code != Some(0) || !first.stdout.is_empty() {
        eprintln!(
            "the generated project does not check clean (exit code {:?}):\n{}",
            first.code,
            first.stdout.lines().take(20).collect::<Vec<_>>().join("\n")
        );
        std::process::exit(1);
    }
    println!("the generated project checks clean: exit code 0, no finding");

    let runs: Vec<Run> = (0..options.runs)
        .map(|_| run(kpic, &check_args(&dir, false)))
        .collect();
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run.code, Some(0), "run {i} exited with {:?}", run.code);
    }
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    walls.sort();
    let min = walls[0];
    let median = walls[walls.len() / 2];
    let max = walls[walls.len() - 1];
    let peak_kb = runs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0);
    let peak_mb = peak_kb as f64 / 1024.0;
    let mb = stats.bytes as f64 / 1_000_000.0;

    println!();
    println!("machine: {} CPUs, {}", cpus(), cpu_model());
    println!(
        "command: {} check {} --format short",
        kpic.display(),
        dir.display()
    );
    println!();
    println!("| measure                      | value                          |");
    println!("| ---------------------------- | ------------------------------ |");
    row("KPIs / files", format!("{} / {}", stats.kpis, stats.files));
    row(".kpi source size", megabytes(stats.bytes));
    row("runs", options.runs.to_string());
    row("wall time, min", millis(min));
    row("wall time, median", millis(median));
    row("wall time, max", millis(max));
    row(
        "throughput (min / median)",
        format!(
            "{:.1} / {:.1} MB/s",
            mb / min.as_secs_f64(),
            mb / median.as_secs_f64()
        ),
    );
    row(
        "time per KPI (median)",
        format!(
            "{:.1} µs",
            median.as_secs_f64() * 1e6 / stats.kpis.max(1) as f64
        ),
    );
    row("peak memory (max RSS)", format!("{peak_mb:.1} MB"));
    let phases = phases(&dir, options.runs);
    row("  load + parse (in-process)", millis(phases.load));
    row("  analyze (in-process)", millis(phases.check));
    row("  render short (in-process)", millis(phases.render));
    if options.kpis == 10_000 && options.files == 100 {
        println!();
        let verdict = |ok: bool| if ok { "met" } else { "NOT MET" };
        println!(
            "target: median wall < {} ms: {}; peak memory < {TARGET_PEAK_MB} MB: {}",
            TARGET_WALL.as_millis(),
            verdict(median < TARGET_WALL),
            verdict(peak_mb < TARGET_PEAK_MB)
        );
    }
}

/// The targets of the report benchmark for the default project.
const TARGET_REPORT_WALL: Duration = Duration::from_secs(2);
const TARGET_REPORT_PEAK_MB: f64 = 500.0;

/// `--report`: times `kpic report DIR --format json --out OUT` and the reading of the data.
fn report_bench(dir: &Path, stats: &Stats, options: &Options) {
    let kpic = Path::new(env!("CARGO_BIN_EXE_kpic"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-report-out");
    let report_args: Vec<std::ffi::OsString> = vec![
        "report".into(),
        dir.into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        out.as_os_str().into(),
    ];

    // Untimed: the project must check clean, with its data, and the report must be written.
    let first = run(kpic, &check_args(dir, false));
    if first.code != Some(0) || !first.stdout.is_empty() {
        eprintln!(
            "the generated project does not check clean (exit code {:?}):\n{}",
            first.code,
            first.stdout.lines().take(20).collect::<Vec<_>>().join("\n")
        );
        std::process::exit(1);
    }
    println!("the generated project checks clean with its data: exit code 0, no finding");
    let _ = std::fs::remove_dir_all(&out);
    let first = run(kpic, &report_args);
    let json = out.join("report.json");
    assert_eq!(
        first.code,
        Some(0),
        "kpic report exited with {:?}",
        first.code
    );
    let json_bytes = std::fs::metadata(&json)
        .unwrap_or_else(|error| panic!("{} is not written: {error}", json.display()))
        .len();

    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let timed = |args: &[std::ffi::OsString]| -> (Vec<Duration>, i64) {
        let runs: Vec<Run> = (0..options.runs).map(|_| run(kpic, args)).collect();
        for (i, run) in runs.iter().enumerate() {
            assert_eq!(run.code, Some(0), "run {i} exited with {:?}", run.code);
        }
        let peak = runs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0);
        (runs.iter().map(|r| r.wall).collect(), peak)
    };
    let (mut walls, peak_kb) = timed(&report_args);
    walls.sort();
    let (min, max) = (walls[0], walls[walls.len() - 1]);
    let report_median = median(walls);
    let peak_mb = peak_kb as f64 / 1024.0;
    let (with_data, with_data_kb) = timed(&check_args(dir, false));
    let (no_data, no_data_kb) = timed(&check_args(dir, true));
    let (with_data, no_data) = (median(with_data), median(no_data));
    let ingest = median(ingest_times(dir, options.runs));
    let csv_mb = stats.csv_bytes as f64 / 1_000_000.0;

    println!();
    println!("machine: {} CPUs, {}", cpus(), cpu_model());
    println!(
        "command: {} report {} --format json --out {}",
        kpic.display(),
        dir.display(),
        out.display()
    );
    println!();
    println!("| measure                      | value                          |");
    println!("| ---------------------------- | ------------------------------ |");
    row("KPIs / files", format!("{} / {}", stats.kpis, stats.files));
    row(
        "periods / series",
        format!("{MONTHS} months / {}", stats.series),
    );
    row(".kpi source size", megabytes(stats.bytes));
    row("CSV rows", stats.csv_rows.to_string());
    row("CSV size", megabytes(stats.csv_bytes));
    row("runs", options.runs.to_string());
    row("report: wall time, min", millis(min));
    row("report: wall time, median", millis(report_median));
    row("report: wall time, max", millis(max));
    row("report: peak memory", format!("{peak_mb:.1} MB"));
    row("report.json size", megabytes(json_bytes));
    row("check with data, median", millis(with_data));
    row("check --no-data, median", millis(no_data));
    row(
        "check peak, data / no data",
        format!(
            "{:.1} / {:.1} MB",
            with_data_kb as f64 / 1024.0,
            no_data_kb as f64 / 1024.0
        ),
    );
    row("data ingest (data::load), median", millis(ingest));
    row(
        "ingest throughput",
        format!(
            "{:.1} MB/s, {:.0} k rows/s",
            csv_mb / ingest.as_secs_f64().max(1e-6),
            stats.csv_rows as f64 / ingest.as_secs_f64().max(1e-6) / 1000.0
        ),
    );
    if options.kpis == 10_000 && options.files == 100 {
        println!();
        let verdict = |ok: bool| if ok { "met" } else { "NOT MET" };
        println!(
            "target: median report wall < {} s: {}; peak memory < {TARGET_REPORT_PEAK_MB} MB: {}",
            TARGET_REPORT_WALL.as_secs(),
            verdict(report_median < TARGET_REPORT_WALL),
            verdict(peak_mb < TARGET_REPORT_PEAK_MB)
        );
    }
}

/// The targets of the HTML report: 1,000 KPIs in under 1 s with a page under 10 MB, 10,000 KPIs
/// in under 5 s.
const TARGET_HTML_1K_WALL: Duration = Duration::from_secs(1);
const TARGET_HTML_1K_MB: f64 = 10.0;
const TARGET_HTML_10K_WALL: Duration = Duration::from_secs(5);

/// `--report --html`: times `kpic report DIR --out OUT`, which writes `index.html`.
fn html_bench(dir: &Path, stats: &Stats, options: &Options) {
    let kpic = Path::new(env!("CARGO_BIN_EXE_kpic"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-html-out");
    let args: Vec<std::ffi::OsString> = vec![
        "report".into(),
        dir.into(),
        "--out".into(),
        out.as_os_str().into(),
    ];
    let _ = std::fs::remove_dir_all(&out);
    let first = run(kpic, &args);
    assert_eq!(
        first.code,
        Some(0),
        "kpic report exited with {:?}",
        first.code
    );
    let page = out.join("index.html");
    let page_bytes = std::fs::metadata(&page)
        .unwrap_or_else(|error| panic!("{} is not written: {error}", page.display()))
        .len();
    let runs: Vec<Run> = (0..options.runs).map(|_| run(kpic, &args)).collect();
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run.code, Some(0), "run {i} exited with {:?}", run.code);
    }
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    walls.sort();
    let median = walls[walls.len() / 2];
    let peak_mb = runs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0) as f64 / 1024.0;
    let page_mb = page_bytes as f64 / 1_000_000.0;

    println!();
    println!("machine: {} CPUs, {}", cpus(), cpu_model());
    println!(
        "command: {} report {} --out {}",
        kpic.display(),
        dir.display(),
        out.display()
    );
    println!();
    println!("| measure                      | value                          |");
    println!("| ---------------------------- | ------------------------------ |");
    row("KPIs / files", format!("{} / {}", stats.kpis, stats.files));
    row(
        "periods / series",
        format!("{MONTHS} months / {}", stats.series),
    );
    row("runs", options.runs.to_string());
    row("html: wall time, min", millis(walls[0]));
    row("html: wall time, median", millis(median));
    row("html: wall time, max", millis(walls[walls.len() - 1]));
    row("html: peak memory", format!("{peak_mb:.1} MB"));
    row("index.html size", megabytes(page_bytes));
    let verdict = |ok: bool| if ok { "met" } else { "NOT MET" };
    println!();
    match options.kpis {
        1_000 => println!(
            "target: median wall < {} s: {}; index.html < {TARGET_HTML_1K_MB} MB: {}",
            TARGET_HTML_1K_WALL.as_secs(),
            verdict(median < TARGET_HTML_1K_WALL),
            verdict(page_mb < TARGET_HTML_1K_MB)
        ),
        10_000 => println!(
            "target: median wall < {} s: {}",
            TARGET_HTML_10K_WALL.as_secs(),
            verdict(median < TARGET_HTML_10K_WALL)
        ),
        _ => {}
    }
}

fn row(name: &str, value: String) {
    println!("| {name:<28} | {value:<30} |");
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.2} MB ({bytes} bytes)", bytes as f64 / 1_000_000.0)
}

/// `target/bench-project` (or `target/bench-report-project`), next to the `target/tmp` cargo
/// gives benchmarks.
fn project_dir(report: bool) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let name = if report {
        "bench-report-project"
    } else {
        "bench-project"
    };
    tmp.parent().unwrap_or(tmp).join(name)
}

// ---------------------------------------------------------------------------------------------
// Running kpic

/// The arguments of `kpic check DIR --format short` (and `--no-data`).
fn check_args(dir: &Path, no_data: bool) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec![
        "check".into(),
        dir.into(),
        "--format".into(),
        "short".into(),
    ];
    if no_data {
        args.push("--no-data".into());
    }
    args
}

/// Where the time goes, measured in this process through the library: the medians of `runs`.
struct Phases {
    load: Duration,
    check: Duration,
    render: Duration,
}

fn phases(dir: &Path, runs: usize) -> Phases {
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (mut load, mut check, mut render) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let dir = dir.to_path_buf();
        // The same large stack as the CLI's check thread.
        let times = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || {
                let start = Instant::now();
                let project = kpic::project::load(&dir).expect("the project loads");
                let loaded = Instant::now();
                let outcome = kpic::pipeline::check_project(project, &Default::default());
                let checked = Instant::now();
                let text = kpic::diagnostics::render_short(&outcome.findings, &outcome.sources);
                let rendered = Instant::now();
                assert!(text.is_empty(), "{text}");
                (loaded - start, checked - loaded, rendered - checked)
            })
            .expect("a thread starts")
            .join()
            .expect("the check does not panic");
        load.push(times.0);
        check.push(times.1);
        render.push(times.2);
    }
    Phases {
        load: median(load),
        check: median(check),
        render: median(render),
    }
}

/// The time `kpic::data::load` takes to read the project's data files into observations (with
/// the data findings), in process: data ingest alone, without the rules that need data.
fn ingest_times(dir: &Path, runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let dir = dir.to_path_buf();
            // The same large stack as the CLI's check thread.
            std::thread::Builder::new()
                .stack_size(256 * 1024 * 1024)
                .spawn(move || {
                    let mut project = kpic::project::load(&dir).expect("the project loads");
                    let (model, _) = kpic::semantic::analyze(&project);
                    let files =
                        kpic::data::DataFile::of_scorecard(&model, &project.sources, project.entry);
                    let start = Instant::now();
                    let (data, findings) = kpic::data::load(&model, &mut project.sources, &files);
                    let took = start.elapsed();
                    assert!(
                        !data.series.is_empty() && findings.is_empty(),
                        "{findings:?}"
                    );
                    took
                })
                .expect("a thread starts")
                .join()
                .expect("data loading does not panic")
        })
        .collect()
}
