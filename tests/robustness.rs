//! Robustness: whatever the input, the whole `check` pipeline (load, check, the three renderers)
//! returns findings and never panics or hangs.
//!
//! Every case runs on its own thread with a 64 MiB stack (the CLI uses 256 MiB) and must finish
//! within [`TIME_LIMIT`]; a case that does not is reported as a hang. Random cases come from
//! proptest: random bytes (also not UTF-8, through a file on disk and `check_path`), random text
//! over the language's characters, random token soups, grammar-shaped random projects and
//! mutations of a realistic valid project. Deterministic cases cover deep nesting, long chains,
//! huge numbers, long identifiers and strings, and periods that do not exist.
//!
//! Bugs found here are kept at the end of the file as plain `#[test]`s named `regression_…`, each
//! documenting what went wrong before the fix. Inputs that once hung run through the `kpic` binary
//! in a child process that is killed at the time limit, so that no runaway thread is left behind.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use kpic::diagnostics::{Level, Rule, render_human, render_json, render_short};
use kpic::pipeline::{CheckOptions, CheckOutcome, check_path, check_project};
use kpic::project::load_text;
use kpic::syntax::{MAX_FORMULA_DEPTH, MAX_NESTING};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config;

/// The stack of the thread each check runs on.
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// How long one check (load, check, render) may take in a debug build before it is a hang. It
/// catches blow-ups (a quadratic or exponential case takes minutes), not slowness: a loaded
/// machine must not fail a test, and speed is measured by the benchmarks (`benches/`).
const TIME_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// Harness

/// What a check found, in numbers to assert on.
#[derive(Debug, Clone, Copy)]
struct Summary {
    errors: usize,
    syntax_errors: usize,
}

/// Runs `job` on a thread with a [`STACK_SIZE`] stack; `Err` describes a panic or a hang.
fn guarded<R: Send + 'static>(
    what: &str,
    limit: Duration,
    job: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    let (sender, receiver) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("guarded check".to_string())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let _ = sender.send(job());
        })
        .expect("a thread can be started");
    match receiver.recv_timeout(limit) {
        Ok(result) => {
            let _ = handle.join();
            Ok(result)
        }
        Err(RecvTimeoutError::Disconnected) => {
            let payload = handle
                .join()
                .expect_err("the thread ended without a result");
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".to_string());
            Err(format!("{what}: panicked: {message}"))
        }
        // A thread cannot be stopped: it is left to run while the test fails.
        Err(RecvTimeoutError::Timeout) => Err(format!("{what}: took longer than {limit:?} (hang)")),
    }
}

/// Renders the outcome in every format, and checks what every finding must satisfy.
fn render_all(outcome: &CheckOutcome) -> Summary {
    let CheckOutcome {
        sources, findings, ..
    } = outcome;
    for finding in findings {
        assert!(!finding.message.is_empty(), "a finding without a message");
        for label in std::iter::once(&finding.primary).chain(&finding.secondary) {
            let span = label.span;
            assert!(
                (span.file.0 as usize) < sources.len(),
                "a span in no file: {finding:?}"
            );
            let text = &sources.get(span.file).text;
            assert!(
                span.start <= span.end && span.end as usize <= text.len(),
                "a span outside its file ({} bytes): {finding:?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "a span that splits a character: {finding:?}"
            );
        }
    }
    let shown = findings.iter().filter(|f| f.level != Level::Allow).count();
    let human = render_human(findings, sources, false, 100);
    let narrow = render_human(findings, sources, true, 24);
    assert!(human.ends_with('\n') && narrow.ends_with('\n'));
    let short = render_short(findings, sources);
    assert_eq!(short.lines().count(), shown, "one line a finding shown");
    let json = render_json(findings, sources);
    let document: serde_json::Value = serde_json::from_str(&json).expect("render_json is JSON");
    assert_eq!(
        document["diagnostics"].as_array().map(Vec::len),
        Some(shown),
        "every finding shown is in the JSON"
    );
    // A project without errors is reported on: evaluation and scoring must not panic either.
    // (A span of more periods than a report covers is refused, with a message.)
    if findings.iter().all(|f| f.level != Level::Error)
        && let Ok(report) = kpic::report::build(outcome, None, None)
    {
        let text = kpic::report::render_json(&report);
        serde_json::from_str::<serde_json::Value>(&text).expect("the report is JSON");
    }
    Summary {
        errors: findings.iter().filter(|f| f.level == Level::Error).count(),
        syntax_errors: findings
            .iter()
            .filter(|f| f.level == Level::Error && f.rule == Rule::Syntax)
            .count(),
    }
}

/// The whole pipeline on an in-memory entry file in the fixture folder, guarded.
fn check_text_within(text: &str, limit: Duration) -> Result<Summary, String> {
    let text = text.to_string();
    let what = format!("{} bytes of text starting {:?}", text.len(), preview(&text));
    guarded(&what, limit, move || {
        let project = load_text("scorecard.kpi", fixture_dir(), &text);
        render_all(&check_project(project, &CheckOptions::default()))
    })
}

fn check_text(text: &str) -> Result<Summary, String> {
    check_text_within(text, TIME_LIMIT)
}

/// [`check_text`] that fails the test on a panic or a hang.
fn checks(text: &str) -> Summary {
    check_text(text).unwrap_or_else(|error| panic!("{error}"))
}

/// The whole pipeline on bytes written to a file (they need not be UTF-8), guarded.
fn check_bytes(bytes: &[u8]) -> Result<Summary, String> {
    let mut file = tempfile::Builder::new()
        .prefix("random-")
        .suffix(".kpi")
        .tempfile_in(fixture_dir())
        .expect("a temporary file");
    file.write_all(bytes)
        .expect("the temporary file is writable");
    let path = file.path().to_path_buf();
    let what = format!(
        "{} bytes starting {:?}",
        bytes.len(),
        &bytes[..bytes.len().min(40)]
    );
    guarded(&what, TIME_LIMIT, move || {
        let outcome = check_path(&path, &CheckOptions::default()).expect("the file exists");
        render_all(&outcome)
    })
}

fn preview(text: &str) -> String {
    text.chars().take(60).collect()
}

/// A copy of the seed project (`tests/robustness/seed/`: `scorecard.kpi`, which is also [`SEED`]
/// and which the tests mutate, the `metrics.kpi` it uses and its data file) in the target's
/// temporary folder, where the tests may write beside it.
fn fixture_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness/seed");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness");
        std::fs::create_dir_all(&dir).expect("the fixture folder can be created");
        for file in ["scorecard.kpi", "metrics.kpi", "actuals.csv"] {
            std::fs::copy(seed.join(file), dir.join(file)).expect("fixture copied");
        }
        dir
    })
}

/// Runs `kpic check FILE --format FORMAT` on `text` in a child process, killed after `limit`.
/// `Ok` is the exit code; `Err` a crash (a panic exits with 101) or a hang.
fn cli_check_within(text: &str, format: &str, limit: Duration) -> Result<i32, String> {
    let dir = tempfile::tempdir_in(fixture_dir()).expect("a temporary folder");
    let entry = dir.path().join("scorecard.kpi");
    std::fs::write(&entry, text).expect("the entry file is written");
    let stderr_path = dir.path().join("stderr.txt");
    let stderr = std::fs::File::create(&stderr_path).expect("a file for stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(["check", "--format", format])
        .arg(&entry)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("kpic starts");
    let start = Instant::now();
    let what = format!(
        "kpic check on {} bytes starting {:?}",
        text.len(),
        preview(text)
    );
    loop {
        if let Some(status) = child.try_wait().expect("kpic can be waited for") {
            let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            return match status.code() {
                Some(code @ 0..=2) => Ok(code),
                _ => Err(format!("{what}: crashed ({status}): {stderr}")),
            };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what}: took longer than {limit:?} (killed)"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A config for the proptest cases: `cases` of them, no regression files written.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 60_000,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------------
// A realistic valid project: the seed of the mutations

const SEED: &str = include_str!("robustness/seed/scorecard.kpi");

/// Clean, with its one `@allow` in use: the flat churn of the data cannot reach the milestones
/// (`target-unrealistic`, allowed with a reason).
#[test]
fn the_seed_project_checks_clean() {
    let project = load_text("scorecard.kpi", fixture_dir(), SEED);
    let outcome = check_project(project, &CheckOptions::default());
    let short = render_short(&outcome.findings, &outcome.sources);
    let rules: Vec<(Rule, Level)> = outcome.findings.iter().map(|f| (f.rule, f.level)).collect();
    assert_eq!(rules, [(Rule::TargetUnrealistic, Level::Allow)], "{short}");
}

// ---------------------------------------------------------------------------------------------
// Random inputs

/// The characters the language is written with (and a few it is not).
const LANGUAGE_CHARS: &str = "[{}()\"/*@.%=,<>:;\\\\a-zA-Z0-9_ \t\n\r-]";

fn language_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{LANGUAGE_CHARS}{{0,{max}}}")).expect("a valid regex")
}

/// Words, numbers, periods, strings and punctuation of the language.
fn token() -> impl Strategy<Value = String> {
    #[rustfmt::skip]
    const FIXED: &[&str] = &[
        // keywords and words of the grammar
        "scorecard", "use", "perspective", "objective", "metric", "kpi", "initiative", "fn",
        "extends", "owner", "period", "frequency", "tolerance", "year_start", "review", "data",
        "lint", "weight", "description", "drives", "unit", "formula", "column", "aggregate",
        "direction", "baseline", "target", "thresholds", "reviewed", "due", "status", "budget",
        "in", "by", "green", "amber", "allow", "warn", "deny", "up", "down", "range", "sum",
        "avg", "last", "min", "max", "monthly", "daily", "weekly", "quarterly", "halfyearly",
        "yearly", "planned", "on_track", "at_risk", "late", "done", "std.bsc", "std.time",
        "std.finance", "std.nope", "financial", "customer", "internal", "learning",
        // functions and ids
        "lag", "delta", "growth", "sum_over", "avg_over", "ytd", "abs", "round", "clamp",
        "coalesce", "margin_of", "sales", "costs", "customers", "tickets", "margin", "a", "b",
        "x", "_", "k1", "grow_revenue", "revenue",
        // units
        "%", "EUR", "USD", "days", "count", "EUR/customer", "(EUR/customer)", "tickets/day",
        // numbers
        "0", "1", "42", "3.5", "-0.25", "1_200_000", "12", "-1", "1.", ".5", "1__0", "0.0",
        "99999999999999999999999999999999999999.5", "1e10", "NaN", "inf",
        // periods
        "2026", "2026-H1", "2026-H3", "2026-Q3", "2026-Q0", "2026-07", "2026-13", "2026-W05",
        "2026-W53", "2025-W53", "9999-W99", "0000-00-00", "2026-02-29", "2024-02-29",
        "2026-07-15", "0000", "9999-12-31", "2026-w05", "2026-q1", "..",
        // strings
        "\"\"", "\"x\"", "\"a \\\" b\"", "\"\\u{1F600}\"", "\"\\u{110000}\"", "\"\\u{D800}\"",
        "\"\\q\"", "\"unterminated", "\"é—ü\"", "\"actuals.csv\"", "\"metrics.kpi\"",
        "\"nope.kpi\"", "\"../\"", "\"/\"", "\"scorecard.kpi\"",
        // punctuation and comments
        "{", "}", "(", ")", ",", ".", "/", "*", "+", "-", "=", ">=", "<=", "@", "@allow(",
        "@deny(", "@warn(", "missing-owner", "target-unrealistic", "///", "////", "//", "/*",
        "*/", "\n", "\n\n", "\t", "\r\n", "\u{FEFF}", "é", "\u{0}",
    ];
    prop_oneof![
        8 => select(FIXED).prop_map(str::to_string),
        1 => "[a-z_][a-z0-9_]{0,12}",
        1 => "[0-9]{1,30}(\\.[0-9]{1,30})?",
        1 => "[0-9]{4}-[A-Za-z0-9]{1,3}(-[0-9]{1,3})?",
        1 => "\"[^\"\\\\\n]{0,20}\"",
    ]
}

fn token_soup() -> impl Strategy<Value = String> {
    let separator = select(&[" ", "\n", "", "  "][..]);
    proptest::collection::vec((token(), separator), 0..250).prop_map(|tokens| {
        let mut text = String::new();
        for (token, separator) in tokens {
            text.push_str(&token);
            text.push_str(separator);
        }
        text
    })
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(config(256))]

    /// Any bytes at all, read from a file: not UTF-8 is a finding, not a crash.
    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let summary = check_bytes(&bytes);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert!(summary.unwrap().syntax_errors > 0, "not UTF-8 is reported");
        }
    }

    /// The seed project with bytes that are not UTF-8 somewhere (in a string, a comment, a
    /// keyword, right after a multi-byte character…).
    #[test]
    fn seed_with_bad_bytes(at in any::<Index>(), bytes in proptest::collection::vec(0x80u8..=0xff, 1..4)) {
        let mut source = SEED.as_bytes().to_vec();
        let at = at.index(source.len() + 1);
        source.splice(at..at, bytes);
        let summary = check_bytes(&source);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
        if std::str::from_utf8(&source).is_err() {
            prop_assert!(summary.unwrap().syntax_errors > 0, "not UTF-8 is reported");
        }
    }

    /// Random text over the characters of the language.
    #[test]
    fn random_language_text(text in language_text(600)) {
        let summary = check_text(&text);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
    }

    /// Random sequences of the language's tokens.
    #[test]
    fn random_tokens(text in token_soup()) {
        let summary = check_text(&text);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
    }

}

proptest! {
    #![proptest_config(config(128))]

    /// Random tokens inside the seed, so that they land in declarations, blocks and formulas.
    #[test]
    fn random_tokens_inside_the_seed(at in any::<Index>(), text in token_soup()) {
        let cut = char_boundary(SEED, at.index(SEED.len() + 1));
        let source = format!("{}{text}{}", &SEED[..cut], &SEED[cut..]);
        let summary = check_text(&source);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of the seed

#[derive(Debug, Clone)]
enum Mutation {
    Delete(Index, usize),
    Duplicate(Index, usize),
    Insert(Index, String),
    Replace(Index, usize, String),
    Truncate(Index),
    SwapLines(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let inserted = prop_oneof![
        language_text(12),
        token(),
        any::<char>().prop_map(String::from),
    ];
    prop_oneof![
        (any::<Index>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<Index>(), 1usize..400).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        (any::<Index>(), inserted.clone()).prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<Index>(), 1usize..20, inserted)
            .prop_map(|(at, len, text)| Mutation::Replace(at, len, text)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

/// Applies mutations to `text`, on characters (so that the result is UTF-8).
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for mutation in mutations {
        let len = chars.len();
        match mutation {
            Mutation::Delete(at, n) => {
                let start = at.index(len + 1);
                chars.drain(start..(start + n).min(len));
            }
            Mutation::Duplicate(at, n) => {
                let start = at.index(len + 1);
                let copy: Vec<char> = chars[start..(start + n).min(len)].to_vec();
                chars.splice(start..start, copy);
            }
            Mutation::Insert(at, inserted) => {
                let at = at.index(len + 1);
                chars.splice(at..at, inserted.chars());
            }
            Mutation::Replace(at, n, inserted) => {
                let start = at.index(len + 1);
                chars.splice(start..(start + n).min(len), inserted.chars());
            }
            Mutation::Truncate(at) => chars.truncate(at.index(len + 1)),
            Mutation::SwapLines(a, b) => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(config(300))]

    /// One to four random edits of the seed project.
    #[test]
    fn mutated_seed(mutations in proptest::collection::vec(mutation(), 1..5)) {
        let text = mutate(SEED, &mutations);
        let summary = check_text(&text);
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
    }
}

/// What a cut between two characters looks like: the kinds of the characters on either side.
fn char_class(c: Option<char>) -> String {
    match c {
        None => "end".to_string(),
        Some(c) if c.is_ascii_lowercase() => "a".to_string(),
        Some(c) if c.is_ascii_uppercase() => "A".to_string(),
        Some(c) if c.is_ascii_digit() => "0".to_string(),
        Some(c) if !c.is_ascii() => "é".to_string(),
        Some(c) => c.to_string(),
    }
}

/// The seed cut at one position of every class: each pair of character kinds on either side
/// of the cut, on each kind of line (by its first word), so inside every keyword, id, number,
/// period, unit, string, escape, comment, doc comment, attribute and block, and between them.
#[test]
fn seed_truncated_at_every_position_class() {
    let mut seen = std::collections::HashSet::new();
    let mut cuts = Vec::new();
    let mut line_start = 0;
    for (at, c) in SEED.char_indices().chain([(SEED.len(), '\n')]) {
        let before = SEED[..at].chars().next_back();
        let line = &SEED[line_start..];
        let first_word = line.split_whitespace().next().unwrap_or("");
        let class = (
            char_class(before),
            char_class(Some(c)),
            first_word.to_string(),
        );
        if seen.insert(class) {
            cuts.push(at);
        }
        if c == '\n' {
            line_start = at + 1;
        }
    }
    assert!(cuts.len() > 100, "only {} classes", cuts.len());
    let prefixes: Vec<String> = cuts.iter().map(|&cut| SEED[..cut].to_string()).collect();
    let limit = TIME_LIMIT * 4;
    let failures = guarded("prefixes of the seed", limit, move || {
        let mut failures = Vec::new();
        for prefix in prefixes {
            let result = std::panic::catch_unwind(|| {
                let project = load_text("scorecard.kpi", fixture_dir(), &prefix);
                render_all(&check_project(project, &CheckOptions::default()))
            });
            if result.is_err() {
                failures.push(prefix.len());
            }
        }
        failures
    })
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        failures.is_empty(),
        "the seed cut at these byte offsets panics: {failures:?}"
    );
}

/// Each line of the seed left out in turn.
#[test]
fn seed_with_each_line_removed() {
    let lines: Vec<&str> = SEED.lines().collect();
    let texts: Vec<String> = (0..lines.len())
        .map(|i| {
            let mut removed = lines.clone();
            removed.remove(i);
            removed.join("\n")
        })
        .collect();
    let failures = guarded("seed lines removed", TIME_LIMIT * 4, move || {
        texts
            .iter()
            .enumerate()
            .filter(|(_, text)| {
                std::panic::catch_unwind(|| {
                    let project = load_text("scorecard.kpi", fixture_dir(), text);
                    render_all(&check_project(project, &CheckOptions::default()))
                })
                .is_err()
            })
            .map(|(line, _)| line + 1)
            .collect::<Vec<usize>>()
    })
    .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        failures.is_empty(),
        "the seed without these lines panics: {failures:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Grammar-shaped random projects: declarations that parse, with random references, formulas,
// units, periods and values, to exercise name resolution, cycles, units and targets.

#[rustfmt::skip]
const IDS: &[&str] = &[
    "a", "b", "c", "d", "e", "sales", "costs", "customers", "revenue", "cogs", "financial",
    "customer", "internal", "learning", "grow", "keep", "f", "g", "gross_margin", "lag", "ytd",
];

fn id() -> impl Strategy<Value = String> {
    select(IDS).prop_map(str::to_string)
}

fn unit_text() -> impl Strategy<Value = String> {
    #[rustfmt::skip]
    const UNITS: &[&str] = &[
        "%", "EUR", "USD", "days", "customers", "customer", "EUR/customer", "EUR*days",
        "tickets/day", "count", "status", "currency", "% / %", "EUR/EUR",
    ];
    select(UNITS).prop_map(str::to_string)
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0i64..1000).prop_map(|n| n.to_string()),
        2 => (-1000i64..0).prop_map(|n| n.to_string()),
        1 => Just("0.5".to_string()),
        1 => Just("1_000_000".to_string()),
        1 => Just(format!("1{}", "0".repeat(400))),
        1 => Just("99999999999999999999999999999999999999.5".to_string()),
        1 => Just("0.000000000000000000000000000000000000000001".to_string()),
    ]
}

fn quantity_text() -> impl Strategy<Value = String> {
    (number_text(), proptest::option::of(unit_text())).prop_map(|(n, u)| match u {
        Some(u) if u == "%" => format!("{n}%"),
        Some(u) => format!("{n} {u}"),
        None => n,
    })
}

fn period_text() -> impl Strategy<Value = String> {
    #[rustfmt::skip]
    const PERIODS: &[&str] = &[
        "2026", "2025-12", "2026-06", "2026-12", "2026-Q1", "2026-Q4", "2026-H1", "2026-H2",
        "2026-W01", "2026-W53", "2026-07-15", "9999-W99", "0000-00-00", "0000", "9999",
        "2026-02-30", "0001-01-01", "9999-12-31", "2027-W53", "2026-Q9",
    ];
    prop_oneof![
        3 => select(PERIODS).prop_map(str::to_string),
        1 => (0u32..10000, 0u32..100).prop_map(|(y, m)| format!("{y:04}-{m:02}")),
    ]
}

fn formula_text() -> impl Strategy<Value = String> {
    #[rustfmt::skip]
    const FUNCTIONS: &[&str] = &[
        "lag", "delta", "growth", "sum_over", "avg_over", "ytd", "min", "max", "abs", "round",
        "clamp", "coalesce", "f", "g", "nope", "pop_change", "yoy_monthly", "ttm_growth",
        "delta_over",
    ];
    let leaf = prop_oneof![
        3 => id(),
        1 => number_text(),
        1 => (number_text(), unit_text()).prop_map(|(n, u)| if u == "%" {
            format!("{n}%")
        } else {
            format!("{n} ({u})")
        }),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                select(&["+", "-", "*", "/"][..]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| format!("{l} {op} {r}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("-{e}")),
            (select(FUNCTIONS), proptest::collection::vec(inner, 0..4))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
        ]
    })
}

fn kpi_text() -> impl Strategy<Value = String> {
    let target = prop_oneof![
        (quantity_text(), proptest::option::of(period_text())).prop_map(|(q, p)| match p {
            Some(p) => format!("target {q} by {p}"),
            None => format!("target {q}"),
        }),
        (quantity_text(), quantity_text(), period_text())
            .prop_map(|(lo, hi, p)| format!("target {lo} .. {hi} by {p}")),
        proptest::collection::vec((period_text(), quantity_text()), 0..4).prop_map(|ms| {
            let ms: Vec<String> = ms.into_iter().map(|(p, q)| format!("{p} {q}")).collect();
            format!("target {{ {} }}", ms.join(" "))
        }),
    ];
    let comparison = || select(&[">=", "<="][..]);
    let thresholds = prop_oneof![
        (comparison(), quantity_text(), comparison(), quantity_text())
            .prop_map(|(a, x, b, y)| format!("thresholds {{ green {a} {x} amber {b} {y} }}")),
        (
            quantity_text(),
            quantity_text(),
            quantity_text(),
            quantity_text()
        )
            .prop_map(|(a, b, c, d)| format!("thresholds {{ green {a} .. {b} amber {c} .. {d} }}")),
    ];
    #[rustfmt::skip]
    const FREQUENCIES: &[&str] = &["daily", "weekly", "monthly", "quarterly", "halfyearly", "yearly"];
    let property = prop_oneof![
        id().prop_map(|i| format!("objective {i}")),
        Just("owner \"Someone\"".to_string()),
        unit_text().prop_map(|u| format!("unit {u}")),
        formula_text().prop_map(|f| format!("formula {f}")),
        select(&["up", "down", "range"][..]).prop_map(|d| format!("direction {d}")),
        (quantity_text(), period_text()).prop_map(|(q, p)| format!("baseline {q} in {p}")),
        target,
        thresholds,
        quantity_text().prop_map(|q| format!("weight {q}")),
        quantity_text().prop_map(|q| format!("tolerance {q}")),
        select(FREQUENCIES).prop_map(|f| format!("frequency {f}")),
        period_text().prop_map(|p| format!("reviewed {p}")),
        select(&["sum", "avg", "last", "min", "max"][..]).prop_map(|a| format!("aggregate {a}")),
    ];
    (
        id(),
        proptest::option::of(id()),
        proptest::collection::vec(property, 0..9),
    )
        .prop_map(|(id, extends, properties)| {
            let extends = extends.map(|e| format!(" extends {e}")).unwrap_or_default();
            format!(
                "/// Doc.\nkpi {id} \"K\"{extends} {{\n  {}\n}}\n",
                properties.join("\n  ")
            )
        })
}

fn declaration() -> impl Strategy<Value = String> {
    let metric = (
        id(),
        proptest::option::of(unit_text()),
        proptest::option::of(formula_text()),
    )
        .prop_map(|(id, unit, formula)| {
            let unit = unit.map(|u| format!("unit {u} ")).unwrap_or_default();
            let formula = formula.map(|f| format!("formula {f} ")).unwrap_or_default();
            format!("metric {id} \"M\" {{ {unit}{formula}}}\n")
        });
    let objective = (
        id(),
        id(),
        proptest::collection::vec(id(), 0..3),
        proptest::option::of(quantity_text()),
    )
        .prop_map(|(id, perspective, drives, weight)| {
            let drives = if drives.is_empty() {
                String::new()
            } else {
                format!("drives {}", drives.join(", "))
            };
            let weight = weight.map(|w| format!("weight {w}")).unwrap_or_default();
            format!("objective {id} \"O\" {{ perspective {perspective} {drives} {weight} }}\n")
        });
    let function = (id(), proptest::collection::vec(id(), 0..3), formula_text())
        .prop_map(|(id, params, body)| format!("fn {id}({}) = {body}\n", params.join(", ")));
    let perspective = (id(), proptest::option::of(quantity_text())).prop_map(|(id, weight)| {
        let weight = weight
            .map(|w| format!("{{ weight {w} }}"))
            .unwrap_or_default();
        format!("perspective {id} \"P\" {weight}\n")
    });
    let initiative = (id(), id(), period_text(), quantity_text()).prop_map(
        |(id, objective, due, budget)| {
            format!(
                "initiative {id} \"I\" {{ objective {objective} due {due} budget {budget} status late }}\n"
            )
        },
    );
    let scorecard = (period_text(), period_text(), quantity_text(), number_text()).prop_map(
        |(from, to, tolerance, year_start)| {
            format!(
                "scorecard \"S\" {{ period {from} .. {to} tolerance {tolerance} year_start {year_start} }}\n"
            )
        },
    );
    #[rustfmt::skip]
    const USES: &[&str] = &[
        "use std.bsc\n", "use std.time\n", "use std.finance\n", "use std.customer\n",
        "use std.people\n", "use std.operations\n", "use \"metrics.kpi\"\n",
        "use \"scorecard.kpi\"\n", "use \"missing.kpi\"\n", "use std.bogus\n",
    ];
    prop_oneof![
        4 => kpi_text(),
        3 => metric,
        2 => objective,
        2 => function,
        1 => perspective,
        1 => initiative,
        1 => scorecard,
        1 => select(USES).prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(config(160))]

    /// Random projects made of well-formed declarations.
    #[test]
    fn random_projects(decls in proptest::collection::vec(declaration(), 0..25)) {
        let summary = check_text(&decls.concat());
        prop_assert!(summary.is_ok(), "{}", summary.unwrap_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Deep nesting and long chains

/// A KPI around `formula`, in a project that otherwise checks.
fn kpi_with_formula(formula: &str) -> String {
    format!(
        "scorecard \"S\" {{ period 2026-01 .. 2026-12 }}\nuse std.bsc\nuse \"metrics.kpi\"\n\
         objective o \"O\" {{ perspective financial }}\n\
         kpi k \"K\" {{\n  objective o\n  owner \"X\"\n  unit EUR\n  formula {formula}\n  \
         direction up\n  target 1 by 2026-12\n}}\n"
    )
}

#[test]
fn kpi_with_formula_checks_clean() {
    assert_eq!(checks(&kpi_with_formula("sales")).errors, 0);
}

#[test]
fn deep_brackets_braces_and_comments() {
    for depth in [
        MAX_NESTING - 2,
        MAX_NESTING - 1,
        MAX_NESTING,
        MAX_NESTING + 1,
        5_000,
        100_000,
    ] {
        let too_deep = depth > MAX_NESTING;
        // Inside a KPI's block a formula's brackets are one level deeper.
        let formula_too_deep = depth + 1 > MAX_NESTING;
        for (open, close) in [("(", ")"), ("{", "}"), ("/*", "*/")] {
            let unclosed = checks(&open.repeat(depth));
            assert!(unclosed.syntax_errors > 0);
            checks(&format!("{}{}", open.repeat(depth), close.repeat(depth)));
            checks(&close.repeat(depth));
        }
        let formula = format!("{}sales{}", "(".repeat(depth), ")".repeat(depth));
        let summary = checks(&kpi_with_formula(&formula));
        assert_eq!(summary.syntax_errors > 0, formula_too_deep, "depth {depth}");
        let comment = format!("{}x{}", "/*".repeat(depth), "*/".repeat(depth));
        let summary = checks(&format!("{comment}\n{}", kpi_with_formula("sales")));
        assert_eq!(summary.syntax_errors > 0, too_deep, "depth {depth}");
        checks(&format!("kpi k \"K\" {}", "{".repeat(depth)));
        checks(&format!("scorecard \"S\" {{ lint {}", "{".repeat(depth)));
        checks(&"({[".repeat(depth));
    }
}

#[test]
fn deep_unary_minus() {
    for depth in [
        MAX_FORMULA_DEPTH - 1,
        MAX_FORMULA_DEPTH,
        MAX_FORMULA_DEPTH + 1,
        100_000,
    ] {
        let summary = checks(&kpi_with_formula(&format!("{}sales", "-".repeat(depth))));
        assert!(depth < MAX_FORMULA_DEPTH || summary.syntax_errors > 0);
        checks(&kpi_with_formula(&format!("{}sales", "- ".repeat(depth))));
        checks(&kpi_with_formula(&format!(
            "sales * {}1",
            "-".repeat(depth)
        )));
        checks(&"-".repeat(depth));
    }
    // Minus and brackets in turn: `-(-(-(…)))`.
    for depth in [MAX_NESTING, MAX_NESTING + 1, 1_000] {
        let formula = format!("{}sales{}", "-(".repeat(depth), ")".repeat(depth));
        checks(&kpi_with_formula(&formula));
    }
}

#[test]
fn long_operator_chains() {
    // 100,000 terms: 800 KB in one formula.
    let sum = vec!["sales"; 100_000].join(" + ");
    check_text_within(&kpi_with_formula(&sum), TIME_LIMIT * 2).unwrap_or_else(|e| panic!("{e}"));
    for terms in [MAX_FORMULA_DEPTH, MAX_FORMULA_DEPTH + 1, 5_000] {
        for op in [" - ", "*", " / ", "*-"] {
            checks(&kpi_with_formula(&vec!["sales"; terms].join(op)));
        }
        let mixed: String = (0..terms)
            .map(|i| ["sales", " + ", "costs", " * ", "2", " / ", "3", " - "][i % 8])
            .collect::<String>()
            + "sales";
        checks(&kpi_with_formula(&mixed));
    }
}

#[test]
fn deep_calls() {
    for depth in [50, MAX_NESTING, MAX_NESTING + 1, 20_000] {
        let lags = format!("{}sales{}", "lag(".repeat(depth), ", 1)".repeat(depth));
        checks(&kpi_with_formula(&lags));
        checks(&kpi_with_formula(&format!("{}sales", "lag(".repeat(depth))));
        let mins = format!("{}sales{}", "min(sales, ".repeat(depth), ")".repeat(depth));
        checks(&kpi_with_formula(&mins));
        let unknown = format!("{}sales{}", "f(".repeat(depth), ")".repeat(depth));
        checks(&kpi_with_formula(&unknown));
        let helpers = format!("{}sales{}", "pop_delta(".repeat(depth), ")".repeat(depth));
        checks(&format!("{}use std.time\n", kpi_with_formula(&helpers)));
    }
}

/// Long chains of declarations: each metric or function uses the next one.
#[test]
fn long_chains_of_declarations() {
    let count = 5_000;
    let mut metrics = String::new();
    for i in 0..count {
        let _ = writeln!(
            metrics,
            "metric m{i} \"M{i}\" {{ unit EUR formula m{} + sales }}",
            i + 1
        );
    }
    let chain = format!("{metrics}metric m{count} \"Last\" {{ unit EUR }}\n");
    let limit = TIME_LIMIT * 2;
    let summary = check_text_within(&format!("{}{chain}", kpi_with_formula("m0")), limit)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.errors, 0);
    // A chain of 500 closed into one cycle through every metric (a longer cycle is slow to
    // render: a known bug, see the end of the file).
    let mut cycle = String::new();
    for i in 0..500 {
        let _ = writeln!(
            cycle,
            "metric c{i} \"C{i}\" {{ unit EUR formula c{} }}",
            (i + 1) % 500
        );
    }
    let summary = check_text_within(&format!("{}{cycle}", kpi_with_formula("c0")), limit)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.errors > 0, "the cycle is found");

    let mut functions = String::new();
    for i in 0..count {
        let _ = writeln!(functions, "fn f{i}(x) = f{}(x) + x", i + 1);
    }
    let _ = writeln!(functions, "fn f{count}(x) = lag(x, 1)");
    let text = format!("{functions}{}", kpi_with_formula("f0(sales)"));
    let summary = check_text_within(&text, limit).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.errors, 0);
    // Objectives that drive each other in a long chain, and many siblings.
    let mut objectives = String::new();
    for i in 0..count {
        let _ = writeln!(
            objectives,
            "objective o{i} \"O{i}\" {{ perspective customer drives o{} }}",
            i + 1
        );
    }
    let _ = writeln!(
        objectives,
        "objective o{count} \"Top\" {{ perspective financial drives o0 }}"
    );
    check_text_within(&format!("{}{objectives}", kpi_with_formula("sales")), limit)
        .unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------------
// Huge values, long names, periods that do not exist

#[test]
fn huge_numbers() {
    let huge = format!("1{}", "0".repeat(400));
    let numbers = [
        huge.clone(),
        format!("{huge}.5"),
        "99999999999999999999999999999999999999.5".to_string(),
        format!("0.{}1", "0".repeat(400)),
        "1_000_000_000_000_000_000_000_000".to_string(),
        "18446744073709551616".to_string(),
        "4294967296".to_string(),
    ];
    for n in &numbers {
        let in_formulas = [
            format!("sales * {n}"),
            format!("lag(sales, {n})"),
            format!("round(sales, {n})"),
            format!("sum_over(sales, {n}) + avg_over(sales, {n}) + growth(sales, {n}) * sales"),
            format!("{n} (EUR)"),
            format!("{n}% * sales - -{n} EUR"),
        ];
        for formula in in_formulas {
            checks(&kpi_with_formula(&formula));
        }
        checks(&format!(
            "scorecard \"S\" {{ period 2026-01 .. 2026-12 tolerance {n}% year_start {n} }}"
        ));
        checks(&format!(
            "scorecard \"S\" {{ period 2026-01 .. 2026-12 tolerance -{n}% year_start -{n} }}"
        ));
        // Every value of the seed at once.
        let seed = SEED
            .replace("42% by 2026-12", &format!("{n}% by 2026-12"))
            .replace("38% in 2025-12", &format!("-{n} in 2025-12"))
            .replace("weight 60%", &format!("weight {n}"))
            .replace("weight 40%", &format!("weight -{n}%"))
            .replace("30 EUR/ticket .. 45", &format!("{n} EUR/ticket .. -{n}"))
            .replace("green <= 1.8%", &format!("green <= {n}%"))
            .replace("2026-06 2.0%", &format!("2026-06 {n}%"))
            .replace("250_000 EUR", &format!("{n} EUR"))
            .replace("tolerance 5%", &format!("tolerance {n}%"))
            .replace("year_start 4", &format!("year_start {n}"));
        checks(&seed);
    }
}

#[test]
fn long_identifiers_and_strings() {
    for len in [1_000, 100_000] {
        let id = "a".repeat(len);
        // Long names that resolve (a misspelt one is a known bug, see the end of the file).
        let text = format!(
            "{}metric {id} \"{}\" {{ unit {} }}\nkpi {id}_2 \"X\" {{ formula {id} * 2 }}\n",
            kpi_with_formula(&id),
            "é".repeat(len / 2),
            "U".repeat(len),
        );
        check_text_within(&text, TIME_LIMIT * 2).unwrap_or_else(|e| panic!("{e}"));
        // A long name that does not resolve, among short ones.
        checks(&kpi_with_formula(&"b".repeat(len)));
        checks(&format!("scorecard \"{}", "x".repeat(len)));
        checks(&format!("/// {}\n{SEED}", "d".repeat(len)));
        checks(&format!(
            "// {}\n/* {} */\n{SEED}",
            "c".repeat(len),
            "c".repeat(len)
        ));
        checks(&format!(
            "scorecard \"{}\" {{}}",
            "\\u{1F600}\\n\\\"".repeat(len / 10)
        ));
        checks(&format!("use \"{}.kpi\"", "p".repeat(len)));
        checks(&format!("{}{SEED}", "\n".repeat(len)));
        checks(&format!("{}{SEED}", "\t".repeat(len / 10)));
    }
    // A megabyte of comment, and a megabyte of doc comment lines.
    checks(&format!("/* {} */\n{SEED}", "c".repeat(1_000_000)));
    checks(&format!("{}{SEED}", "/// d\n".repeat(170_000)));
}

#[test]
fn periods_that_do_not_exist() {
    #[rustfmt::skip]
    let periods = [
        "9999-W99", "0000-00-00", "0000", "0000-W01", "0000-W53", "9999-W52", "9999-W53",
        "2026-W00", "2026-W54", "2026-02-30", "2026-13", "2026-00", "2026-Q0", "2026-Q5",
        "2026-H0", "2026-H3", "9999-12-31", "0000-01-01", "0001-01-01", "2026-99-99",
        "2026-1", "26-01", "2026-W5", "2026-Q10", "20260", "2026-01-01-01",
    ];
    for p in periods {
        checks(&format!("scorecard \"S\" {{ period {p} .. {p} }}"));
        checks(&format!(
            "scorecard \"S\" {{ period 0000-01-01 .. {p} frequency daily }}"
        ));
        checks(&format!(
            "scorecard \"S\" {{ period {p} .. 9999-12-31 frequency weekly }}"
        ));
        let seed = SEED
            .replace("38% in 2025-12", &format!("38% in {p}"))
            .replace("42% by 2026-12", &format!("42% by {p}"))
            .replace("2026-06 2.0%", &format!("{p} 2.0%"))
            .replace("due 2026-W40", &format!("due {p}"))
            .replace("reviewed 2026-Q1", &format!("reviewed {p}"))
            .replace("period 2026-01 .. 2026-12", &format!("period {p} .. {p}"));
        checks(&seed);
    }
    // Baseline and deadline as far apart as periods go, on a daily KPI.
    let far = SEED
        .replace("38% in 2025-12", "38% in 0000-01-01")
        .replace("42% by 2026-12", "42% by 9999-12-31")
        .replace("  reviewed 2026-Q1", "  frequency daily");
    checks(&far);
}

#[test]
fn odd_whitespace_and_characters() {
    let texts = [
        String::new(),
        "\u{FEFF}".to_string(),
        format!("\u{FEFF}{SEED}"),
        SEED.replace('\n', "\r\n"),
        SEED.replace('\n', "\r"),
        SEED.replace("  ", "\t"),
        SEED.replace(' ', "\u{00A0}"),
        SEED.replace('"', "\u{201C}"),
        SEED.replace("kpi ", "kpi\u{0} "),
        format!("{SEED}\u{0}"),
        "\u{0}".repeat(1000),
        "\u{10FFFF}\u{FFFD}\u{200B}\u{202E}".repeat(100),
        "é".repeat(10_000),
        "\n".repeat(10_000),
    ];
    for text in texts {
        checks(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: each test below failed before the fix of the bug its comment describes.

/// Was PANIC: `render_human` (the default `kpic check` format) panics with "Formatting argument out
/// of range" (miette 7.6 `graphical.rs:1159`, `format!("{:width$}")` with a width above
/// `u16::MAX`) when a label starts at visual column 65,536 or beyond of its line. A minimal
/// input: 16,384 tabs (4 columns each) and `x`; `kpic check` exits with 101 (`--format short`
/// and `json` are fine). Call stack: `render_human` (src/diagnostics/human.rs:33) →
/// `GraphicalReportHandler::render_report` → `render_snippets` → `render_context` →
/// `render_single_line_highlights` (graphical.rs:1180) → the `format!` at graphical.rs:1159.
#[test]
fn regression_labels_past_column_65535_render_without_panic() {
    checks(&format!("{}x", "\t".repeat(16_384)));
    checks(&format!("{}x", " ".repeat(65_536)));
    // A realistic one: a long description on one line, then a typo on that line.
    checks(&format!(
        "scorecard \"S\" {{ period 2026-01 .. 2026-12 description \"{}\" onwer \"x\" }}",
        "d".repeat(70_000)
    ));
}

/// Was HANG: Unterminated nested block comments take time exponential in their depth: the grammar's
/// `block_comment` (`"/*" ~ (block_comment | !"*/" ~ ANY)* ~ "*/"`) retries a failed nested
/// comment from each later `/*`. `/* ` 20, 22, 24 times (60–72 bytes) take 0.5 s, 1.8 s, 7.7 s
/// in release: each level doubles the time. The nesting guard (128 levels) does not help.
/// Only where a comment is skipped as whitespace, so: at the start of a file, between tokens.
#[test]
fn regression_unterminated_nested_comments_fail_fast() {
    let texts = [
        "/* ".repeat(30),
        "/*\n".repeat(30),
        format!("{SEED}\n{}", "/* ".repeat(30)),
    ];
    for text in texts {
        let result = cli_check_within(&text, "short", TIME_LIMIT);
        assert_eq!(result, Ok(1), "{}", preview(&text));
    }
}

/// Was SLOW (quadratic): Every unknown name computes "did you mean" with Damerau–Levenshtein against
/// every declared name: 3,000 metrics that each use one undeclared name take 2 s in release,
/// 10,000 take 24–46 s (10,000 × 10,000 distances); the same project with the name declared
/// takes 0.2 s. (Here: 5,000 metrics.)
#[test]
fn regression_many_unknown_names_check_in_linear_time() {
    let mut text = String::from("scorecard \"S\" { period 2026-01 .. 2026-12 }\n");
    for i in 0..5_000 {
        let _ = writeln!(
            text,
            "metric m{i} \"M{i}\" {{ unit EUR formula revenu + m{} }}",
            i + 1
        );
    }
    text.push_str("metric m5000 \"M\" { unit EUR }\n");
    assert_eq!(cli_check_within(&text, "short", TIME_LIMIT), Ok(1));
}

/// Was SLOW (quadratic in the length of names): "Did you mean" computes Damerau–Levenshtein on the
/// whole names: a misspelt 20,000-character id next to the declared one takes 1 s in release,
/// 30 s in debug; 50,000 characters take 6 s in release.
#[test]
fn regression_long_misspelt_names_check_fast() {
    let id = "a".repeat(20_000);
    let text = format!("metric {id} \"M\"\nmetric y \"Y\" {{ formula {id}b }}\n");
    assert_eq!(cli_check_within(&text, "short", TIME_LIMIT), Ok(1));
}

/// Was SLOW (quadratic): The human format renders each label with miette's `read_span` for `str`,
/// which scans the file from its first byte: O(findings × file size). 10,000 KPIs without
/// objective and direction (20,000 findings) take 0.07 s in `--format short` and 7.7 s in the
/// default human format (release). A 10,000-step `formula-cycle` (one finding, 10,000 labels)
/// takes 0.2 s short and 6.9 s human. (Here: 5,000 of each.)
#[test]
fn regression_human_format_renders_many_findings_fast() {
    // 2,000 bare KPIs give 12,000 findings (six rules each): about 1 s in a debug build now,
    // half a minute with the quadratic rendering.
    let mut text = String::from("scorecard \"S\" { period 2026-01 .. 2026-12 }\n");
    for i in 0..2_000 {
        let _ = writeln!(text, "kpi k{i} \"K{i}\"");
    }
    let mut cycle = String::from("scorecard \"S\" { period 2026-01 .. 2026-12 }\n");
    for i in 0..5_000 {
        let _ = writeln!(
            cycle,
            "metric m{i} \"M{i}\" {{ formula m{} }}",
            (i + 1) % 5_000
        );
    }
    let mut failures = Vec::new();
    for text in [text, cycle] {
        assert_eq!(cli_check_within(&text, "short", TIME_LIMIT), Ok(1));
        if let Err(error) = cli_check_within(&text, "human", TIME_LIMIT) {
            failures.push(error);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
