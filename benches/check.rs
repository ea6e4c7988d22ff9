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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    let stats = generate(&dir, &options);
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

// ---------------------------------------------------------------------------------------------
// The generated project

struct Stats {
    files: usize,
    kpis: usize,
    objectives: usize,
    metrics: usize,
    lines: usize,
    bytes: u64,
    /// With `--report`: the series of `data/actuals.csv`, its rows and its size.
    series: usize,
    csv_rows: usize,
    csv_bytes: u64,
}

/// Writes the project into `dir` (emptied first).
fn generate(dir: &Path, options: &Options) -> Stats {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the old project can be removed");
    }
    std::fs::create_dir_all(dir).expect("the project folder can be created");
    let parts = options.files - 1;
    let mut stats = Stats {
        files: options.files,
        kpis: 0,
        objectives: 0,
        metrics: 0,
        lines: 0,
        bytes: 0,
        series: 0,
        csv_rows: 0,
        csv_bytes: 0,
    };
    let write = |name: &str, text: &str, stats: &mut Stats| {
        std::fs::write(dir.join(name), text).expect("a project file can be written");
        stats.bytes += text.len() as u64;
        stats.lines += text.lines().count();
    };

    // With data, the history before the baselines is judged too; the generated values are not
    // drawn around the generated baselines and targets, so those two rules are allowed (they
    // still run: the benchmark measures them).
    let (period, data, allowed) = if options.report {
        (
            "2024-01 .. 2026-12",
            "data \"data/actuals.csv\"\n  ",
            ", target-unrealistic, target-within-noise",
        )
    } else {
        ("2026-01 .. 2026-12", "", "")
    };
    let mut entry = String::new();
    let _ = write!(
        entry,
        "// scorecard.kpi — the entry file of a generated group scorecard: {} KPIs of {parts} \
         business units, one file each.\n\n\
         /// The 2026 scorecard of the whole group, consolidated from the scorecards of its\n\
         /// business units.\n\
         scorecard \"Generated Group — Consolidated Scorecard 2026\" {{\n  \
           owner \"Group Strategy Office\"\n  \
           period {period}\n  \
           frequency monthly\n  \
           tolerance 10%\n  \
           {data}\
           // A consolidated scorecard has far more KPIs and objectives than the practice\n  \
           // for one team: each business unit keeps its own.\n  \
           lint {{\n    allow too-many-kpis, too-many-objectives{allowed}\n  }}\n\
         }}\n\nuse std.bsc\n\n",
        options.kpis
    );
    for part in 1..=parts {
        let _ = writeln!(entry, "use \"{}\"", part_name(part));
    }
    write("scorecard.kpi", &entry, &mut stats);

    // With `--report`, most KPIs read an input of their own, so that there are as many series
    // as KPIs: 10,000 - 99 × 11 shared inputs = 8,911 inputs of their own, 90 or 91 a file.
    let own_total = if options.report {
        options.kpis.saturating_sub(parts * INPUTS.len())
    } else {
        0
    };
    let mut csv = Csv::new(options.report);
    for part in 1..=parts {
        // Spread the KPIs evenly: 10,000 over 99 files is 101 each, and one more in the first.
        let kpis = options.kpis / parts + usize::from(part <= options.kpis % parts);
        let own = (own_total / parts + usize::from(part <= own_total % parts)).min(kpis);
        let (text, own_inputs) = part_file(part, kpis, own);
        stats.kpis += kpis;
        stats.objectives += OBJECTIVES.len();
        stats.metrics += INPUTS.len() + own_inputs.len();
        write(&part_name(part), &text, &mut stats);
        if options.report {
            let m = format!("u{part:02}_");
            for (i, (input, ..)) in INPUTS.iter().enumerate() {
                csv.series(&format!("{m}{input}"), input, (part * 1000 + i) as u64);
            }
            for (i, (id, input)) in own_inputs.iter().enumerate() {
                csv.series(id, input, (part * 1000 + 100 + i) as u64);
            }
        }
    }
    if options.report {
        std::fs::create_dir_all(dir.join("data")).expect("the data folder can be created");
        std::fs::write(dir.join("data/actuals.csv"), &csv.text).expect("the CSV can be written");
        stats.series = csv.series;
        stats.csv_rows = csv.rows;
        stats.csv_bytes = csv.text.len() as u64;
    }
    stats
}

/// The months of the report project's scorecard, 2024-01 .. 2026-12.
const MONTHS: usize = 36;

/// `data/actuals.csv` in the long form, `period,metric,value,note`, series by series.
struct Csv {
    text: String,
    series: usize,
    rows: usize,
}

impl Csv {
    fn new(report: bool) -> Csv {
        let mut text = String::new();
        if report {
            text.push_str("period,metric,value,note\n");
        }
        Csv {
            text,
            series: 0,
            rows: 0,
        }
    }

    /// The 36 monthly values of series `id`, an instance of the shared input `input`: a
    /// plausible level for the input, a slow trend and some noise; a note on a few rows.
    fn series(&mut self, id: &str, input: &str, seed: u64) {
        let mut random = Random::new(seed + 1);
        let level = match input {
            "revenue" => 1_000_000.0,
            "costs" => 650_000.0,
            "orders" => 700.0,
            "late_orders" => 60.0,
            "customers" => 5_000.0,
            "lost_customers" => 200.0,
            "tickets" => 500.0,
            "defects" => 12.0,
            "hours" => 300.0,
            "employees" => 100.0,
            "certified" => 50.0,
            other => panic!("no level for input {other}"),
        };
        let level = level * random.between(80, 120) as f64 / 100.0;
        for month in 0..MONTHS {
            let trend = 1.0 + 0.003 * month as f64;
            let noise = random.between(950, 1050) as f64 / 1000.0;
            let value = level * trend * noise;
            let (year, month_of_year) = (2024 + month / 12, month % 12 + 1);
            let _ = write!(self.text, "{year}-{month_of_year:02},{id},");
            if level >= 10_000.0 {
                let _ = write!(self.text, "{value:.2}");
            } else {
                let _ = write!(self.text, "{}", value.round().max(1.0));
            }
            if random.chance(1) {
                self.text.push_str(",Reviewed with the unit's controller\n");
            } else {
                self.text.push_str(",\n");
            }
            self.rows += 1;
        }
        self.series += 1;
    }
}

fn part_name(part: usize) -> String {
    format!("part_{part:02}.kpi")
}

/// A deterministic pseudo-random sequence (xorshift), so every run generates the same project.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A whole number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The input metrics of each business unit: id, title, unit, aggregate, description.
#[rustfmt::skip]
const INPUTS: &[(&str, &str, &str, &str, &str)] = &[
    ("revenue", "Net revenue", "EUR", "sum", "Invoiced net revenue, after returns and rebates."),
    ("costs", "Operating costs", "EUR", "sum", "Cost of goods sold and operating expenses."),
    ("orders", "Orders", "orders", "sum", "Customer orders received."),
    ("late_orders", "Late orders", "orders", "sum", "Orders delivered after the promised date."),
    ("customers", "Active customers", "customers", "last", "Customers with an order in the last 12 months, at period end."),
    ("lost_customers", "Lost customers", "customers", "sum", "Customers who cancelled or did not renew."),
    ("tickets", "Support tickets", "tickets", "sum", "Support tickets opened."),
    ("defects", "Defects", "defects", "sum", "Defects found in delivered goods."),
    ("hours", "Training hours", "hours", "sum", "Hours of training attended."),
    ("employees", "Employees", "employees", "avg", "Full-time equivalents employed."),
    ("certified", "Certified employees", "employees", "last", "Employees holding a current certification, at period end."),
];

/// The objectives of each business unit: suffix, title, perspective, what it drives.
#[rustfmt::skip]
const OBJECTIVES: &[(&str, &str, &str, &[&str])] = &[
    ("grow", "Grow revenue profitably", "financial", &[]),
    ("lean", "Run a lean cost base", "financial", &[]),
    ("retain", "Retain and grow customers", "customer", &["grow"]),
    ("serve", "Serve customers well", "customer", &["grow", "lean"]),
    ("deliver", "Deliver on time", "internal", &["retain", "serve"]),
    ("quality", "Build it right the first time", "internal", &["serve", "lean"]),
    ("skills", "Build the skills we need", "learning", &["deliver", "quality"]),
    ("people", "Keep a stable, engaged team", "learning", &["quality"]),
];

const OWNERS: &[&str] = &[
    "Head of Finance",
    "Controller",
    "Head of Sales",
    "Head of Customer Success",
    "Head of Operations",
    "Head of Quality",
    "Head of People",
    "Head of Logistics",
];

/// How a KPI is generated from the unit's metrics.
struct Template {
    name: &'static str,
    title: &'static str,
    /// The objective it measures (a suffix of [`OBJECTIVES`]).
    objective: &'static str,
    unit: &'static str,
    /// `{m}` stands for the unit's metric prefix.
    formula: &'static str,
    direction: Direction,
    doc: &'static str,
    /// The baseline range (in the KPI's unit) and the improvement range by the deadline.
    baseline: (u64, u64),
    improvement: (u64, u64),
    /// How a value is written after the number: `%`, ` EUR/customer`, or nothing.
    suffix: &'static str,
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
    Range,
}

#[rustfmt::skip]
const TEMPLATES: &[Template] = &[
    Template { name: "gross_margin", title: "Gross margin", objective: "grow", unit: "%",
        formula: "({m}revenue - {m}costs) / {m}revenue", direction: Direction::Up,
        doc: "Share of net revenue left after operating costs.", baseline: (25, 40), improvement: (2, 5), suffix: "%" },
    Template { name: "revenue_growth", title: "Revenue growth, year on year", objective: "grow", unit: "%",
        formula: "growth({m}revenue, 12)", direction: Direction::Up,
        doc: "Net revenue against the same month a year earlier.", baseline: (1, 5), improvement: (2, 4), suffix: "%" },
    Template { name: "cost_ratio", title: "Cost ratio", objective: "lean", unit: "%",
        formula: "{m}costs / {m}revenue", direction: Direction::Down,
        doc: "Operating costs per euro of net revenue.", baseline: (60, 75), improvement: (3, 6), suffix: "%" },
    Template { name: "cost_per_order", title: "Cost per order", objective: "lean", unit: "EUR/order",
        formula: "{m}costs / {m}orders", direction: Direction::Down,
        doc: "Operating costs per order received.", baseline: (80, 140), improvement: (5, 15), suffix: " EUR/order" },
    Template { name: "churn", title: "Customer churn", objective: "retain", unit: "%",
        formula: "{m}lost_customers / lag({m}customers, 1)", direction: Direction::Down,
        doc: "Customers lost in the month over active customers at its start.", baseline: (3, 6), improvement: (1, 2), suffix: "%" },
    Template { name: "customer_growth", title: "Net new customers", objective: "retain", unit: "customers",
        formula: "delta({m}customers)", direction: Direction::Up,
        doc: "Change in active customers on the previous month.", baseline: (20, 80), improvement: (10, 40), suffix: " customers" },
    Template { name: "revenue_per_customer", title: "Revenue per customer", objective: "serve", unit: "EUR/customer",
        formula: "{m}revenue / {m}customers", direction: Direction::Up,
        doc: "Net revenue per active customer.", baseline: (900, 1500), improvement: (50, 150), suffix: " EUR/customer" },
    Template { name: "tickets_per_customer", title: "Tickets per 100 customers", objective: "serve", unit: "tickets/customer",
        formula: "{m}tickets / {m}customers * 100", direction: Direction::Down,
        doc: "Support tickets opened per 100 active customers.", baseline: (8, 15), improvement: (1, 3), suffix: "" },
    Template { name: "on_time", title: "On-time delivery", objective: "deliver", unit: "%",
        formula: "({m}orders - {m}late_orders) / {m}orders", direction: Direction::Up,
        doc: "Orders delivered on or before the promised date.", baseline: (85, 92), improvement: (2, 5), suffix: "%" },
    Template { name: "orders_3m", title: "Orders, three-month average", objective: "deliver", unit: "orders",
        formula: "avg_over({m}orders, 3)", direction: Direction::Up,
        doc: "Orders received, averaged over the last three months.", baseline: (400, 900), improvement: (20, 80), suffix: " orders" },
    Template { name: "defect_rate", title: "Defects per 1,000 orders", objective: "quality", unit: "defects/order",
        formula: "{m}defects / {m}orders * 1000", direction: Direction::Down,
        doc: "Defects found in delivered goods per 1,000 orders.", baseline: (12, 30), improvement: (2, 6), suffix: "" },
    Template { name: "late_share", title: "Late orders", objective: "quality", unit: "%",
        formula: "{m}late_orders / {m}orders", direction: Direction::Down,
        doc: "Share of orders delivered late.", baseline: (8, 15), improvement: (2, 5), suffix: "%" },
    Template { name: "training_hours", title: "Training hours per employee", objective: "skills", unit: "hours/employee",
        formula: "{m}hours / {m}employees", direction: Direction::Range,
        doc: "Hours of training per employee: enough to build skills, not so many that work suffers.", baseline: (2, 4), improvement: (2, 4), suffix: " hours/employee" },
    Template { name: "certified_share", title: "Certified employees", objective: "skills", unit: "%",
        formula: "{m}certified / {m}employees", direction: Direction::Up,
        doc: "Employees holding a current certification.", baseline: (40, 60), improvement: (5, 10), suffix: "%" },
    Template { name: "staff_growth", title: "Headcount growth, year on year", objective: "people", unit: "%",
        formula: "yoy_monthly({m}employees)", direction: Direction::Up,
        doc: "Full-time equivalents against a year earlier.", baseline: (0, 3), improvement: (1, 3), suffix: "%" },
    Template { name: "revenue_per_employee", title: "Revenue per employee", objective: "people", unit: "EUR/employee",
        formula: "{m}revenue / {m}employees", direction: Direction::Up,
        doc: "Net revenue per full-time equivalent.", baseline: (9000, 14000), improvement: (300, 900), suffix: " EUR/employee" },
];

/// One business unit's file: its metrics, objectives and `kpis` KPIs, of which `own` read an
/// input of their own in place of the first shared input of their formula. Returns the text and
/// the inputs of their own: id and the shared input they stand in for.
fn part_file(part: usize, kpis: usize, own: usize) -> (String, Vec<(String, &'static str)>) {
    let mut random = Random::new(part as u64);
    let m = format!("u{part:02}_");
    let mut out = String::new();
    let _ = write!(
        out,
        "// {} — the scorecard of business unit {part:02}.\n\nuse std.bsc\nuse std.time\n\n",
        part_name(part)
    );

    out.push_str("// Inputs, read from the unit's data.\n\n");
    for (id, title, unit, aggregate, doc) in INPUTS {
        let _ = write!(
            out,
            "/// {doc}\nmetric {m}{id} \"{title}, unit {part:02}\" {{\n  unit {unit}\n  aggregate {aggregate}\n}}\n\n"
        );
    }

    // The inputs of their own of `own` KPIs. The others, from the fourth KPI on, read only the
    // shared inputs: those of templates 3 to 13 read every shared input at least once, so that
    // none is an `orphan-metric`.
    let start = own.min(3);
    let shared_only = start..start + (kpis - own);
    let mut own_inputs: Vec<(String, &'static str)> = Vec::new();
    let mut own_of: Vec<Option<usize>> = vec![None; kpis];
    for i in (0..kpis).filter(|i| !shared_only.contains(i)) {
        own_of[i] = Some(own_inputs.len());
        let template = &TEMPLATES[i % TEMPLATES.len()];
        let input = first_input(template.formula);
        let (_, title, unit, aggregate, doc) = INPUTS
            .iter()
            .find(|entry| entry.0 == input)
            .expect("a template's formula names the inputs of INPUTS");
        let id = format!("{m}{input}_k{i:03}");
        let _ = write!(
            out,
            "/// {doc} For KPI {i:03} only.\nmetric {id} \"{title}, unit {part:02}, KPI {i:03}\" {{\n  unit {unit}\n  aggregate {aggregate}\n}}\n\n"
        );
        own_inputs.push((id, input));
    }

    out.push_str("// Objectives, learning → internal → customer → financial.\n\n");
    for (i, (suffix, title, perspective, drives)) in OBJECTIVES.iter().enumerate() {
        let _ = write!(
            out,
            "objective {m}{suffix} \"{title} (unit {part:02})\" {{\n  perspective {perspective}\n  owner \"{}\"\n",
            OWNERS[i % OWNERS.len()]
        );
        if !drives.is_empty() {
            let targets: Vec<String> = drives.iter().map(|d| format!("{m}{d}")).collect();
            let _ = writeln!(out, "  drives {}", targets.join(", "));
        }
        out.push_str("}\n\n");
    }

    // Which KPIs measure each objective, to give some objectives weighted KPIs.
    let chosen: Vec<(usize, &Template)> = (0..kpis)
        .map(|i| (i, &TEMPLATES[i % TEMPLATES.len()]))
        .collect();
    let weighted = |objective: &str| matches!(objective, "grow" | "deliver" | "people");
    let mut per_objective: std::collections::HashMap<&str, usize> = Default::default();
    for (_, template) in &chosen {
        *per_objective.entry(template.objective).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();

    out.push_str("// KPIs.\n\n");
    for (i, template) in chosen {
        let count = per_objective[template.objective];
        let nth = seen.entry(template.objective).or_default();
        *nth += 1;
        let weight = weighted(template.objective).then(|| {
            let even = 100 / count;
            if *nth == count {
                100 - even * (count - 1)
            } else {
                even
            }
        });
        let own_input = own_of[i].map(|n| own_inputs[n].0.as_str());
        kpi(&mut out, &mut random, part, i, template, weight, own_input);
    }
    (out, own_inputs)
}

/// The first input a template's formula names: the word after its first `{m}`.
fn first_input(formula: &str) -> &'static str {
    let start = formula.find("{m}").expect("a formula names an input") + 3;
    let rest = &formula[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    INPUTS
        .iter()
        .map(|entry| entry.0)
        .find(|input| *input == &rest[..end])
        .expect("a template's formula names the inputs of INPUTS")
}

/// Appends one KPI.
fn kpi(
    out: &mut String,
    random: &mut Random,
    part: usize,
    i: usize,
    template: &Template,
    weight: Option<usize>,
    own_input: Option<&str>,
) {
    let m = format!("u{part:02}_");
    let id = format!("{m}{}_{i:03}", template.name);
    let owner = OWNERS[(part + i) % OWNERS.len()];
    let mut formula = template.formula.to_string();
    if let Some(own) = own_input {
        let shared = format!("{{m}}{}", first_input(template.formula));
        formula = formula.replacen(&shared, own, 1);
    }
    let formula = formula.replace("{m}", &m);
    let baseline = random.between(template.baseline.0, template.baseline.1);
    let improvement = random.between(template.improvement.0, template.improvement.1);
    let value = |v: u64| format!("{v}{}", template.suffix);
    let segment = ["", " (retail)", " (online)", " (wholesale)", " (export)"][i % 5];

    let _ = writeln!(
        out,
        "/// {} of business unit {part:02}{segment}.\n/// {}",
        template.title, template.doc
    );
    let _ = write!(
        out,
        "kpi {id} \"{}, unit {part:02}{segment}\" {{\n  objective {m}{}\n  owner \"{owner}\"\n  unit {}\n  formula {formula}\n",
        template.title, template.objective, template.unit
    );
    let direction = match template.direction {
        Direction::Up => "up",
        Direction::Down => "down",
        Direction::Range => "range",
    };
    let _ = writeln!(out, "  direction {direction}");
    // Some KPIs are reviewed quarterly; not those whose formula looks back a number of periods.
    let looks_back = ["lag", "delta", "growth", "yoy", "avg_over"]
        .iter()
        .any(|f| formula.contains(f));
    let frequency_quarterly = !looks_back && random.chance(15);
    if frequency_quarterly {
        out.push_str("  frequency quarterly\n");
    }
    let _ = writeln!(out, "  baseline {} in 2025-12", value(baseline));
    match template.direction {
        Direction::Range => {
            let low = baseline + improvement;
            let high = low + random.between(2, 4);
            let deadline = ["2026-06", "2026-Q3", "2026-12"][i % 3];
            let _ = writeln!(
                out,
                "  target {} .. {} by {deadline}",
                value(low),
                value(high)
            );
            if random.chance(40) {
                let _ = writeln!(
                    out,
                    "  thresholds {{ green {low} .. {high}  amber {} .. {} }}",
                    low - 1,
                    high + 1
                );
            }
        }
        Direction::Up | Direction::Down => {
            let up = template.direction == Direction::Up;
            let toward = |steps: u64| {
                let change = improvement * steps / 4;
                if up {
                    baseline + change
                } else {
                    baseline - change
                }
            };
            let target = toward(4);
            if random.chance(30) && !frequency_quarterly {
                let _ = writeln!(
                    out,
                    "  target {{\n    2026-03 {}\n    2026-06 {}\n    2026-09 {}\n    2026-12 {}\n  }}",
                    value(toward(1)),
                    value(toward(2)),
                    value(toward(3)),
                    value(target)
                );
            } else {
                let deadline = ["2026-12", "2026-Q4", "2026-H2", "2026"][i % 4];
                let _ = writeln!(out, "  target {} by {deadline}", value(target));
            }
            if random.chance(35) {
                let (op, green, amber) = if up {
                    (">=", target.saturating_sub(improvement / 4), baseline)
                } else {
                    ("<=", target + improvement / 4, baseline)
                };
                let _ = writeln!(
                    out,
                    "  thresholds {{ green {op} {}  amber {op} {} }}",
                    value(green),
                    value(amber)
                );
            }
        }
    }
    if let Some(weight) = weight {
        let _ = writeln!(out, "  weight {weight}%");
    }
    if random.chance(20) {
        out.push_str("  reviewed 2026-01\n");
    }
    out.push_str("}\n\n");
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
