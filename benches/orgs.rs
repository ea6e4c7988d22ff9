//! `cargo bench --bench orgs`: how fast `kpic report` is on an organisation (ORGS.md).
//!
//! Generates into `target/bench-orgs-project/` a chain: one group, `--regions` regions and
//! `--stores` stores spread over them, `--kpis` ratio KPIs (each `a_K / b_K` over two `sum`
//! inputs of its own, so every level's value is a ratio of sums), `--months` months of data for
//! every store (long CSV with an `org` column: stores × KPIs × 2 × months rows), a region-level
//! `for` block on every fifth KPI. Then times the release binary's `kpic report` in each
//! `--format` asked (`json`, `html`, `csv`; default all three) `--runs` times, with the peak
//! memory (max RSS) and the size of what it wrote.
//!
//! Presets: the default is the chain of the organisations issue (20 regions, 200 stores,
//! 30 KPIs, 24 months: 288,000 rows); `--large` is 2,000 stores × 40 KPIs × 36 months
//! (5.76 million rows) with `--format csv`.

mod common;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{cpu_model, cpus, run};

struct Options {
    regions: usize,
    stores: usize,
    kpis: usize,
    months: usize,
    runs: usize,
    formats: Vec<String>,
    generate_only: bool,
}

fn options() -> Options {
    let mut options = Options {
        regions: 20,
        stores: 200,
        kpis: 30,
        months: 24,
        runs: 3,
        formats: Vec::new(),
        generate_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> usize {
            args.next()
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--regions" => options.regions = number("--regions"),
            "--stores" => options.stores = number("--stores"),
            "--kpis" => options.kpis = number("--kpis"),
            "--months" => options.months = number("--months"),
            "--runs" => options.runs = number("--runs"),
            "--format" => options
                .formats
                .push(args.next().expect("--format takes json, html or csv")),
            "--large" => {
                options.stores = 2_000;
                options.kpis = 40;
                options.months = 36;
                options.formats = vec!["csv".to_string()];
            }
            "--generate-only" => options.generate_only = true,
            // `cargo bench` passes `--bench` to every benchmark program.
            "--bench" => {}
            other => panic!("unknown option {other}"),
        }
    }
    if options.formats.is_empty() {
        options.formats = ["json", "html", "csv"].map(String::from).to_vec();
    }
    options
}

fn main() {
    let options = options();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = root.join("target/bench-orgs-project");
    let rows = generate(&project, &options);
    println!(
        "generated {}: 1 group, {} regions, {} stores, {} KPIs, {} months, {rows} data rows",
        project.display(),
        options.regions,
        options.stores,
        options.kpis,
        options.months
    );
    if options.generate_only {
        return;
    }
    let kpic = release_binary(root);
    println!("{} ({} CPUs)", cpu_model(), cpus());
    for format in &options.formats {
        let out = root.join("target/bench-orgs-report");
        let mut walls = Vec::new();
        let mut peak = 0;
        for _ in 0..options.runs {
            let _ = std::fs::remove_dir_all(&out);
            let args: Vec<OsString> = vec![
                "report".into(),
                project.clone().into(),
                "--format".into(),
                format.into(),
                "--out".into(),
                out.clone().into(),
            ];
            let run = run(&kpic, &args);
            assert_eq!(run.code, Some(0), "kpic report --format {format} failed");
            walls.push(run.wall);
            peak = peak.max(run.max_rss_kb);
        }
        walls.sort();
        println!(
            "report --format {format}: min {} / median {}, peak {:.0} MB, wrote {:.1} MB",
            millis(walls[0]),
            millis(walls[walls.len() / 2]),
            peak as f64 / 1024.0,
            size_of(&out) as f64 / 1e6
        );
    }
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

/// The bytes of every file below `path`.
fn size_of(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    };
    entries.flatten().map(|entry| size_of(&entry.path())).sum()
}

/// The release binary, built first.
fn release_binary(root: &Path) -> PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "kpic"])
        .current_dir(root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the release build failed");
    root.join("target/release/kpic")
}

/// Writes the project; returns the number of data rows.
fn generate(project: &Path, options: &Options) -> usize {
    let _ = std::fs::remove_dir_all(project);
    std::fs::create_dir_all(project.join("data")).expect("the project folder is writable");
    let first_year = 2026 - (options.months as i32 - 1) / 12;
    let periods: Vec<String> = (0..options.months)
        .map(|m| {
            let month = (m % 12) + 1;
            let year = first_year + (m / 12) as i32;
            format!("{year}-{month:02}")
        })
        .collect();
    let mut kpi = String::new();
    writeln!(
        kpi,
        "scorecard \"Chain\" {{\n  owner \"CEO\"\n  period {} .. {}\n  data \"data/actuals.csv\"\n}}\n",
        periods[0],
        periods[periods.len() - 1]
    )
    .unwrap();
    kpi.push_str("org group \"Group\" { owner \"CEO\" }\n");
    for r in 0..options.regions {
        writeln!(
            kpi,
            "org r{r:02} \"Region {r}\" {{ parent group  owner \"Director {r}\" }}"
        )
        .unwrap();
    }
    for s in 0..options.stores {
        let r = s % options.regions;
        writeln!(
            kpi,
            "org s{s:04} \"Store {s}\" {{ parent r{r:02}  owner \"Manager {s}\" }}"
        )
        .unwrap();
    }
    kpi.push_str(
        "\nuse std.bsc\n\nobjective serve \"Serve well\" { perspective customer  owner \"COO\" }\n",
    );
    for k in 0..options.kpis {
        writeln!(
            kpi,
            "\n/// Ratio {k}.\nkpi k{k:02} \"Ratio {k}\" {{\n  objective serve\n  owner \"COO\"\n  unit %\n  direction up\n  formula a{k:02} / b{k:02}\n  target 80% by {}",
            periods[periods.len() - 1]
        )
        .unwrap();
        if k % 5 == 0 {
            kpi.push_str("  for r00 { target 85% }\n");
        }
        kpi.push_str("}\n");
        writeln!(
            kpi,
            "/// Numerator {k}.\nmetric a{k:02} \"A {k}\" {{ unit cases }}"
        )
        .unwrap();
        writeln!(
            kpi,
            "/// Denominator {k}.\nmetric b{k:02} \"B {k}\" {{ unit cases }}"
        )
        .unwrap();
    }
    std::fs::write(project.join("scorecard.kpi"), kpi).expect("write scorecard.kpi");

    let mut csv = String::from("period,org,metric,value\n");
    let mut rows = 0;
    for s in 0..options.stores {
        for (m, period) in periods.iter().enumerate() {
            for k in 0..options.kpis {
                // Plausible and deterministic: a base that differs by store and KPI, drifting up.
                let b = 1_000 + (s * 37 + k * 11) % 500;
                let share = 70 + (s * 7 + k * 3 + m) % 25;
                let a = b * share / 100;
                writeln!(csv, "{period},s{s:04},a{k:02},{a}").unwrap();
                writeln!(csv, "{period},s{s:04},b{k:02},{b}").unwrap();
                rows += 2;
            }
        }
    }
    std::fs::write(project.join("data/actuals.csv"), csv).expect("write actuals.csv");
    rows
}
