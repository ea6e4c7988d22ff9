//! Hostile and unusual input through the `kpic` binary: no crash, no hang, no silent loss, and
//! one account of where things are in every format.

use std::path::Path;
use std::process::{Command, Output};

fn kpic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("kpic runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[test]
fn a_non_ascii_letter_where_a_long_word_is_cut_is_a_syntax_error_not_a_crash() {
    // 39 ASCII letters and an `é`: the word quoted in "found …" was cut inside the `é`.
    let line = format!("  {}é 3\n", "a".repeat(39));
    let source = format!("scorecard \"S\" {{\n  period 2026-01 .. 2026-12\n{line}}}\n");
    let dir = project(&[("scorecard.kpi", source.as_bytes())]);
    let output = kpic(&["check", ".", "--format", "short"], dir.path());
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(stdout.contains("error[syntax]"), "{stdout}");
    assert!(
        !text(&output.stderr).contains("panicked"),
        "{}",
        text(&output.stderr)
    );
}

/// The line and column of the first finding in each format, as `LINE:COLUMN`.
fn places(dir: &Path) -> Vec<(String, String)> {
    let short = text(&kpic(&["check", ".", "--format", "short"], dir).stdout);
    let short = short
        .split(':')
        .skip(1)
        .take(2)
        .collect::<Vec<_>>()
        .join(":");
    let human = text(&kpic(&["check", "."], dir).stdout);
    let human = human
        .split("scorecard.kpi:")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("")
        .to_string();
    let json: serde_json::Value =
        serde_json::from_slice(&kpic(&["check", ".", "--format", "json"], dir).stdout).unwrap();
    let first = &json["diagnostics"][0];
    let json = format!("{}:{}", first["line"], first["column"]);
    vec![
        ("short".into(), short),
        ("human".into(), human),
        ("json".into(), json),
    ]
}

#[test]
fn every_format_counts_lines_and_characters_alike_with_any_line_ends() {
    let unicode = "scorecard \"Ünïcödé tëst\" { period 2026-01 .. 2026-12 bogus 1 }\n";
    let cr_only = "scorecard \"S\" {\r  period 2026-01 .. 2026-12\r  bogus 1\r}\r";
    let crlf = "scorecard \"S\" {\r\n  period 2026-01 .. 2026-12\r\n  bogus 1\r\n}\r\n";
    for (source, expected) in [(unicode, "1:54"), (cr_only, "3:3"), (crlf, "3:3")] {
        let dir = project(&[("scorecard.kpi", source.as_bytes())]);
        for (format, place) in places(dir.path()) {
            assert_eq!(place, expected, "{format} of {source:?}");
        }
    }
}

/// A comment, a doc comment and a string end with their line, whatever ends it: with CR-only
/// line ends, a comment took the rest of the file (one syntax error at its end, nothing else
/// checked), and a string could run on past its line.
#[test]
fn comments_and_strings_end_at_a_lone_cr_too() {
    let lines = [
        "// A scorecard from an old Mac.",
        "scorecard \"Sécurité\" {",
        "  period 2026-01 .. 2026-12",
        "}",
        "/// Pénétration: ünïcödé.",
        "objective o \"O\" { perspective nowhere }",
        "metric m \"unclosed",
        "metric n \"N\" { unit EUR }",
    ];
    for ending in ["\n", "\r\n", "\r"] {
        let source = lines.join(ending) + ending;
        let dir = project(&[("scorecard.kpi", source.as_bytes())]);
        let output = kpic(&["check", ".", "--format", "short"], dir.path());
        let stdout = text(&output.stdout);
        let errors: Vec<&str> = stdout
            .lines()
            .filter(|line| line.contains(": error["))
            .collect();
        assert_eq!(
            errors,
            [
                "scorecard.kpi:6:31: error[unknown-name]: `nowhere` is not declared anywhere",
                "scorecard.kpi:7:10: error[syntax]: unterminated string",
            ],
            "{ending:?}: {stdout}"
        );
        let human = text(&kpic(&["check", "."], dir.path()).stdout);
        assert!(
            human.contains("[scorecard.kpi:6:31]"),
            "{ending:?}: {human}"
        );
        assert!(!human.contains('\r'), "{ending:?}: {human:?}");
    }
}

/// The nesting guard is what keeps the parser's recursion off the end of its stack: it must end
/// comments and strings where the grammar does, at any line end. A comment ended by a lone CR,
/// then 300,000 brackets, crashed the parser when the guard read on to the next `\n`.
#[test]
fn deep_nesting_after_a_comment_or_string_ended_by_a_lone_cr_is_refused_not_a_crash() {
    let deep = format!("{}x{}", "(".repeat(300_000), ")".repeat(300_000));
    for opener in [
        "// a comment",
        "/// a doc comment",
        "metric m \"an unclosed string",
    ] {
        for ending in ["\n", "\r\n", "\r"] {
            let source = format!("{opener}{ending}fn f(x) = {deep}{ending}");
            let dir = project(&[("scorecard.kpi", source.as_bytes())]);
            let output = kpic(&["check", ".", "--format", "short"], dir.path());
            let stdout = text(&output.stdout);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{opener:?} {ending:?}: {output:?}"
            );
            assert!(
                stdout.contains(":2:139: error[syntax]: brackets, braces or comments nested"),
                "{opener:?} {ending:?}: {stdout}"
            );
        }
    }
}

/// Runs kpic and waits at most `limit` for it (reading its output all the while); a run that
/// hangs is killed and fails the test.
fn kpic_within(args: &[&str], dir: &Path, limit: std::time::Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_kpic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kpic runs");
    let pid = child.id();
    let (done, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output().unwrap()));
    output.recv_timeout(limit).unwrap_or_else(|_| {
        // SAFETY: kill(2) on the child's own process id.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        panic!("kpic {args:?} hung for {limit:?}")
    })
}

const READS_DATA: &str = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"actuals.csv\"\n}\n\
                          use \"more.kpi\"\n";

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

#[cfg(unix)]
#[test]
fn fifos_and_links_to_devices_are_refused_not_read() {
    let limit = std::time::Duration::from_secs(20);
    for special in ["fifo", "dev-zero"] {
        for (named, other) in [("actuals.csv", "more.kpi"), ("more.kpi", "actuals.csv")] {
            let dir = project(&[("scorecard.kpi", READS_DATA.as_bytes())]);
            std::fs::write(dir.path().join(other), "").unwrap();
            let path = dir.path().join(named);
            if special == "fifo" {
                mkfifo(&path);
            } else {
                std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
            }
            let output = kpic_within(&["check", ".", "--format", "short"], dir.path(), limit);
            let stdout = text(&output.stdout);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{special} as {named}: {stdout}"
            );
            assert!(
                stdout.contains("not a regular file"),
                "{special} as {named}: {stdout}"
            );
        }
    }
}

#[test]
fn an_oversized_span_is_refused_at_once_and_located() {
    let source = "scorecard \"S\" {\n  period 2026-01 .. 9999-12\n  frequency daily\n}\n";
    let dir = project(&[("scorecard.kpi", source.as_bytes())]);
    let limit = std::time::Duration::from_secs(20);
    let output = kpic_within(&["check", ".", "--format", "short"], dir.path(), limit);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("scorecard.kpi:2:10: error[invalid-period]: the span 2026-01 .. 9999-12"),
        "{stdout}"
    );
    let report = kpic_within(&["report", ".", "--format", "json"], dir.path(), limit);
    assert_eq!(report.status.code(), Some(1));
    assert!(!dir.path().join("report").exists(), "nothing written");
}

/// What `check` accepts, `report` can report: a daily span of 100 years checked clean (0.9 s and
/// 160 MB for the acme example), then `report` refused it (exit 2) after the same work. The bound
/// is 10,000 periods of the project's finest frequency, the scorecard's or a KPI's.
#[test]
fn a_span_is_bounded_by_the_finest_frequency_in_check_as_in_report() {
    let daily = "scorecard \"S\" {\n  period 2026-01 .. 2125-12\n  frequency daily\n}\n";
    let daily_kpi = "scorecard \"S\" {\n  period 2026-01 .. 2055-12\n}\n\
                     perspective p \"P\"\nobjective o \"O\" { perspective p }\n\
                     kpi k \"K\" { objective o  frequency daily }\n";
    let monthly = "scorecard \"S\" {\n  period 2026-01 .. 2855-12\n}\n";
    for (source, refused) in [
        (daily, "holds 36524 days"),
        (daily_kpi, "holds 10957 days"),
        (monthly, ""),
    ] {
        let dir = project(&[("scorecard.kpi", source.as_bytes())]);
        let check = kpic(&["check", ".", "--format", "short"], dir.path());
        let stdout = text(&check.stdout);
        assert_eq!(
            stdout.contains("error[invalid-period]"),
            !refused.is_empty(),
            "{source}{stdout}"
        );
        assert!(stdout.contains(refused), "{source}{stdout}");
        if refused.is_empty() {
            let report = kpic(&["report", ".", "--format", "json"], dir.path());
            assert_eq!(report.status.code(), Some(0), "{}", text(&report.stderr));
        }
    }
}

#[test]
fn a_csv_header_of_300_000_columns_is_read_in_linear_time() {
    // Each column is an unknown series, located on the one long header line: counting each
    // finding's column from the line's start made this quadratic (20 s in a release build).
    let columns = 300_000;
    let header: Vec<String> = (0..columns).map(|i| format!("c{i}")).collect();
    let csv = format!(
        "period,{}\n2026-01,{}\n",
        header.join(","),
        vec!["1"; columns].join(",")
    );
    let scorecard = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"wide.csv\"\n}\n";
    let dir = project(&[
        ("scorecard.kpi", scorecard.as_bytes()),
        ("wide.csv", csv.as_bytes()),
    ]);
    // Generous for a debug build on a busy machine (1.5 s here when linear): a hang guard.
    let limit = std::time::Duration::from_secs(30);
    let output = kpic_within(&["check", ".", "--format", "short"], dir.path(), limit);
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout.lines().count(),
        columns,
        "one unknown-series a column"
    );
    assert!(stdout.ends_with(&format!(
        "wide.csv:1:{}: warning[unknown-series]: no input metric or KPI reads the series `c{}`\n",
        csv.find(&format!(",c{}\n", columns - 1)).unwrap() + 2,
        columns - 1
    )));
}

/// A small clean project whose report says `title`.
fn titled_project(root: &Path, folder: &str, title: &str) {
    let source =
        format!("scorecard \"{title}\" {{\n  owner \"Office\"\n  period 2026-01 .. 2026-12\n}}\n");
    std::fs::create_dir_all(root.join(folder)).unwrap();
    std::fs::write(root.join(folder).join("scorecard.kpi"), source).unwrap();
}

#[test]
fn concurrent_reports_into_one_folder_never_mix_and_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    titled_project(dir.path(), "a", "Alpha");
    titled_project(dir.path(), "b", "Beta");
    let out = dir.path().join("out");
    let report = |project: &str| {
        let out = out.clone();
        let root = dir.path().to_path_buf();
        let project = project.to_string();
        std::thread::spawn(move || {
            kpic(
                &[
                    "report",
                    &project,
                    "--format",
                    "json",
                    "--out",
                    out.to_str().unwrap(),
                ],
                &root,
            )
        })
    };
    let mut alone = Vec::new();
    for project in ["a", "b"] {
        assert_eq!(report(project).join().unwrap().status.code(), Some(0));
        alone.push(std::fs::read(out.join("report.json")).unwrap());
    }
    for _ in 0..20 {
        let (a, b) = (report("a"), report("b"));
        for run in [a, b] {
            let output = run.join().unwrap();
            assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        }
        let written = std::fs::read(out.join("report.json")).unwrap();
        assert!(
            alone.contains(&written),
            "a report of one run or the other, whole"
        );
    }
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["report.json"], "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_a_temporary_name_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    titled_project(dir.path(), "a", "Alpha");
    let out = dir.path().join("a/report");
    std::fs::create_dir_all(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    for name in [".report.json.kpic-tmp", ".index.html.kpic-tmp"] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    for format in ["json", "html"] {
        let output = kpic(
            &["report", "a", "--format", format, "--out", "a/report"],
            dir.path(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    }
    let victim = std::fs::read_to_string(&victim).unwrap();
    assert!(victim == "keep me", "the link's target was overwritten");
    assert!(
        std::fs::read_to_string(out.join("report.json"))
            .unwrap()
            .contains("Alpha")
    );
}

/// `kpic init` wrote its files with a plain write after looking for them: a link planted at one of
/// its names, pointing where nothing is yet, was followed and its target created. Now a name
/// taken even by a dangling link is refused, and each file is renamed into place only if the
/// name is still free.
#[cfg(unix)]
#[test]
fn init_never_follows_a_link_planted_at_one_of_its_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("new")).unwrap();
    let victim = dir.path().join("victim.md");
    std::os::unix::fs::symlink(&victim, dir.path().join("new/README.md")).unwrap();
    let output = kpic(&["init", "new"], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stdout));
    assert!(text(&output.stderr).contains("refusing to overwrite"));
    assert!(!victim.exists(), "the link was followed");
    assert!(!dir.path().join("new/scorecard.kpi").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("new"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["README.md"], "nothing else written");
}

/// A bad cell was quoted in full: a 1 MB cell gave a 1 MB diagnostic. No message or help quotes
/// more than a few dozen characters of a cell, in any format.
#[test]
fn long_cells_make_short_findings_in_every_format() {
    let mega = |unit: &str| unit.repeat(1_000_000 / unit.len());
    let csv = format!(
        "period,metric,value\n2026-01,revenue,{}\n{},revenue,1\n2026-02,{},1\n\
         2026-03,revenue,\"{}\"\n2026-04,revenue,{} EUR\n2026-Q{}5,revenue,1\n",
        mega("x"),
        mega("9"),
        mega("n"),
        mega("1,"),
        mega("7"),
        mega("0"),
    );
    let json = format!(
        r#"[{{"period": "2026-05", "metric": [{}1], "value": 1}},
            {{"period": "2026-06", "metric": "revenue", "value": "{}"}}]"#,
        mega("1,"),
        mega("é"),
    );
    let scorecard = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  data \"a.csv\"\n  \
                     data \"b.json\"\n}\nmetric revenue \"R\" { unit EUR }\n";
    let dir = project(&[
        ("scorecard.kpi", scorecard.as_bytes()),
        ("a.csv", csv.as_bytes()),
        ("b.json", json.as_bytes()),
    ]);
    for format in ["human", "short", "json", "sarif", "github", "gitlab"] {
        let output = kpic(&["check", ".", "--format", format], dir.path());
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert!(stdout.len() < 30_000, "{format}: {} bytes", stdout.len());
        // Seven bad cells, each named.
        assert!(
            stdout.matches("bad-value").count() >= 7,
            "{format}: {stdout}"
        );
    }
}
