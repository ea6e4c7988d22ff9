//! `kpic watch`: the real binary on a temporary project, observed through the files it writes,
//! what it prints, and HTTP. Nothing sleeps a fixed time to wait for kpic: every wait polls with
//! a deadline, and a failed test kills its `kpic` (the guard's `Drop`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one thing may take to happen.
const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);

/// The start of the overlay of errors in a page.
const OVERLAY: &str = "<details id=\"kpic-overlay\"";

/// A scorecard without findings, titled `title`, that reads `data/actuals.csv`.
fn scorecard(title: &str) -> String {
    format!(
        r#"scorecard "{title}" {{
  owner "Strategy Office"
  period 2026-01 .. 2026-12
  frequency monthly
  tolerance 10%
  data "data/actuals.csv"
}}

perspective financial "Financial" {{}}

objective grow "Grow revenue" {{
  perspective financial
  owner "Chief Financial Officer"
}}

/// Invoiced revenue.
metric revenue "Revenue" {{
  unit EUR
  aggregate sum
}}

/// Revenue invoiced in the month.
kpi monthly_revenue "Monthly revenue" {{
  objective grow
  owner "Chief Financial Officer"
  unit EUR
  formula revenue
  direction up
  baseline 400 EUR in 2025-12
  target 500 EUR by 2026-12
}}
"#
    )
}

/// A KPI for a second file, titled `title`.
fn extra_kpi(title: &str) -> String {
    format!(
        "/// Revenue again.\nkpi extra_revenue \"{title}\" {{\n  objective grow\n  owner \"CFO\"\n  \
         unit EUR\n  formula revenue\n  direction up\n  baseline 400 EUR in 2025-12\n  \
         target 500 EUR by 2026-12\n}}\n"
    )
}

fn actuals(february: u32) -> String {
    format!("period,metric,value,note\n2026-01,revenue,410,\n2026-02,revenue,{february},\n")
}

/// A project in a temporary folder; the watch writes its report to `out/` inside it.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
        };
        project.write("scorecard.kpi", &scorecard("Title one"));
        project.write("data/actuals.csv", &actuals(425));
        project
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn report(&self) -> String {
        std::fs::read_to_string(self.path("out/report.json")).unwrap_or_default()
    }
}

/// A running `kpic watch`, killed when dropped.
struct Watch {
    child: Child,
    /// Standard output and error, as they come.
    output: Arc<Mutex<String>>,
}

impl Watch {
    /// `kpic watch . --format json --out out ARGS` in the project's folder.
    fn start(project: &Project, args: &[&str]) -> Watch {
        Watch::start_with(
            project,
            &[&["--format", "json", "--out", "out"], args].concat(),
        )
    }

    /// `kpic watch . ARGS` in the project's folder.
    fn start_with(project: &Project, args: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
            .args(["watch", "."])
            .args(args)
            .current_dir(project.dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kpic starts");
        let output = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), &output);
        collect(child.stderr.take().unwrap(), &output);
        Watch { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// The status lines printed so far: one per build.
    fn builds(&self) -> usize {
        self.output()
            .lines()
            .filter(|line| line.starts_with("✓ ") || line.starts_with("✗ "))
            .count()
    }

    /// Polls `probe` until it gives a value; fails the test with what kpic printed after
    /// the deadline.
    fn wait_for<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        wait_until(what, &self.output, probe)
    }

    fn wait_for_builds(&self, count: usize) {
        self.wait_for(&format!("{count} builds"), || {
            (self.builds() >= count).then_some(())
        });
    }

    /// Waits until no build has started for `quiet` (five times the debounce is plenty);
    /// returns the number of builds.
    fn wait_for_quiet(&self, quiet: Duration) -> usize {
        let mut builds = self.builds();
        let mut since = Instant::now();
        self.wait_for("the builds to stop", || {
            if self.builds() != builds {
                builds = self.builds();
                since = Instant::now();
            }
            (since.elapsed() >= quiet).then_some(builds)
        })
    }

    fn wait_for_report(&self, project: &Project, text: &str) {
        self.wait_for(&format!("a report with {text:?}"), || {
            project.report().contains(text).then_some(())
        });
    }

    /// `HOST:PORT` of `serving http://HOST:PORT/`.
    fn address(&self) -> String {
        self.wait_for("the address served", || {
            let output = self.output();
            let rest = output.split("serving http://").nth(1)?;
            Some(rest.split('/').next()?.to_string())
        })
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit code.
    fn interrupt(mut self) -> Option<i32> {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: `kill` has no memory effects; `pid` is our child, not yet waited for.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let output = Arc::clone(&self.output);
        let status = wait_until("kpic to exit", &output, || self.child.try_wait().unwrap());
        status.code()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `probe` until it gives a value; past the deadline, fails the test with `output`.
fn wait_until<T>(what: &str, output: &Mutex<String>, mut probe: impl FnMut() -> Option<T>) -> T {
    let end = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < end,
            "timed out waiting for {what}; kpic printed:\n{}",
            output.lock().unwrap()
        );
        std::thread::sleep(POLL);
    }
}

/// Appends what `source` gives to `into`, on a thread of its own.
fn collect(mut source: impl Read + Send + 'static, into: &Arc<Mutex<String>>) {
    let into = Arc::clone(into);
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = source.read(&mut buffer) {
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
}

/// One HTTP/1.0 request (so the answer is not chunked); the status, headers and body.
fn http(address: &str, method: &str, target: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.0\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn get(address: &str, target: &str) -> (u16, String) {
    let (status, _, body) = http(address, "GET", target);
    (status, body)
}

/// The generation of a served page, from its live-reload script.
fn generation_of(page: &str) -> u64 {
    let rest = page
        .split("/__kpic/events?generation=")
        .nth(1)
        .unwrap_or_else(|| panic!("no live-reload script in {page}"));
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

/// An open event stream, read on a thread of its own into `text`.
struct EventStream {
    text: Arc<Mutex<String>>,
}

impl EventStream {
    fn open(address: &str, query: &str) -> EventStream {
        let mut stream = TcpStream::connect(address).unwrap();
        // A server at its bound answers 503 and closes at once, maybe before the request is
        // written: what it answered is read all the same.
        let _ = write!(
            stream,
            "GET /__kpic/events{query} HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        );
        let text = Arc::new(Mutex::new(String::new()));
        collect(stream, &text);
        EventStream { text }
    }

    fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

#[test]
fn an_edit_updates_the_report() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    project.write("scorecard.kpi", &scorecard("Title two"));
    watch.wait_for_report(&project, "Title two");
    assert!(watch.output().contains("✓ rebuilt out/report.json in "));
    assert!(watch.output().contains(", 0 errors, 0 warnings"));
}

#[test]
fn a_save_by_rename_is_seen_and_so_is_the_next_edit() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    // As many editors save: a new file beside the old one, renamed over it.
    project.write("scorecard.kpi.saving", &scorecard("Renamed over"));
    std::fs::rename(
        project.path("scorecard.kpi.saving"),
        project.path("scorecard.kpi"),
    )
    .unwrap();
    watch.wait_for_report(&project, "Renamed over");
    // The folder is watched, not the file that was replaced: the next edit is seen too.
    project.write("scorecard.kpi", &scorecard("Edited after"));
    watch.wait_for_report(&project, "Edited after");
    // As Vim saves by default: the old file renamed to a backup, a new file written.
    std::fs::rename(
        project.path("scorecard.kpi"),
        project.path("scorecard.kpi~"),
    )
    .unwrap();
    project.write("scorecard.kpi", &scorecard("Vim style"));
    watch.wait_for_report(&project, "Vim style");
}

#[test]
fn a_syntax_error_keeps_the_last_good_report_until_the_fix() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    let good = project.report();
    project.write(
        "scorecard.kpi",
        &format!("{}\nkpi broken {{\n", scorecard("Broken")),
    );
    watch.wait_for("the failed build", || {
        watch
            .output()
            .contains("✗ 1 error, 0 warnings in ")
            .then_some(())
    });
    assert!(
        watch
            .output()
            .contains("; last good report kept (out/report.json)"),
        "{}",
        watch.output()
    );
    assert!(watch.output().contains("error[syntax]") || watch.output().contains("syntax"));
    assert_eq!(project.report(), good, "the last good report is kept");
    project.write("scorecard.kpi", &scorecard("Fixed"));
    watch.wait_for_report(&project, "Fixed");
}

#[test]
fn a_data_file_deleted_and_re_created_is_picked_up() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "425.0");
    std::fs::remove_file(project.path("data/actuals.csv")).unwrap();
    watch.wait_for("the build without the data file", || {
        watch.output().contains("data-unreadable").then_some(())
    });
    project.write("data/actuals.csv", &actuals(777));
    watch.wait_for_report(&project, "777.0");
    // The folder itself deleted and re-created: watched anew.
    std::fs::remove_dir_all(project.path("data")).unwrap();
    watch.wait_for("the build without the data folder", || {
        (watch.output().matches("data-unreadable").count() >= 2).then_some(())
    });
    project.write("data/actuals.csv", &actuals(888));
    watch.wait_for_report(&project, "888.0");
    project.write("data/actuals.csv", &actuals(999));
    watch.wait_for_report(&project, "999.0");
}

#[test]
fn the_entry_file_deleted_and_re_created_is_picked_up() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    std::fs::remove_file(project.path("scorecard.kpi")).unwrap();
    watch.wait_for("the build without the entry file", || {
        watch
            .output()
            .contains("✗ the project could not be loaded in ")
            .then_some(())
    });
    assert!(project.report().contains("Title one"));
    project.write("scorecard.kpi", &scorecard("Back again"));
    watch.wait_for_report(&project, "Back again");
}

#[test]
fn a_new_file_imported_from_a_new_folder_is_watched() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    project.write("lib/extra.kpi", &extra_kpi("Extra one"));
    project.write(
        "scorecard.kpi",
        &format!("{}\nuse \"lib/extra.kpi\"\n", scorecard("With extra")),
    );
    watch.wait_for_report(&project, "Extra one");
    project.write("lib/extra.kpi", &extra_kpi("Extra two"));
    watch.wait_for_report(&project, "Extra two");
}

#[test]
fn an_import_written_after_the_use_that_names_it_is_picked_up() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    project.write(
        "scorecard.kpi",
        &format!("{}\nuse \"later/extra.kpi\"\n", scorecard("Waiting")),
    );
    watch.wait_for("the build with a missing import", || {
        watch.output().contains("import-not-found").then_some(())
    });
    project.write("later/extra.kpi", &extra_kpi("Arrived"));
    watch.wait_for_report(&project, "Arrived");
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "Title one");
    for i in 0..20 {
        project.write("scorecard.kpi", &scorecard(&format!("Save {i}")));
        project.write("data/actuals.csv", &actuals(500 + i));
    }
    watch.wait_for_report(&project, "Save 19");
    watch.wait_for_report(&project, "519.0");
    // One build at the start and, but for a stalled machine, one for the burst.
    assert!(watch.builds() <= 4, "{}", watch.output());
}

#[test]
fn the_report_written_into_a_watched_folder_does_not_rebuild() {
    let project = Project::new();
    // The report goes to the project's own folder, which is watched from the first build on.
    let watch = Watch::start_with(&project, &["--format", "json", "--out", "."]);
    watch.wait_for_builds(1);
    project.write("scorecard.kpi", &scorecard("Edited"));
    watch.wait_for("the rebuild", || {
        std::fs::read_to_string(project.path("report.json"))
            .is_ok_and(|report| report.contains("Edited"))
            .then_some(())
    });
    // Were kpic's own writes a change, each build would call for another, and never stop.
    watch.wait_for_quiet(Duration::from_millis(500));
}

#[test]
fn files_that_are_no_input_do_not_rebuild() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_builds(1);
    // A log of the watch itself kept beside the project, notes, a file no `use` names, and
    // what editors write on the way to saving.
    for name in [
        "watch.log",
        "notes.txt",
        "other.kpi",
        "data/other.csv",
        ".scorecard.kpi.swp",
        "scorecard.kpi~",
        "4913",
    ] {
        project.write(name, "x");
    }
    assert_eq!(
        watch.wait_for_quiet(Duration::from_millis(500)),
        1,
        "{}",
        watch.output()
    );
    project.write("scorecard.kpi", &scorecard("Still watching"));
    watch.wait_for_report(&project, "Still watching");
}

#[test]
fn the_event_stream_sends_a_reload_after_a_good_rebuild_and_the_overlay_after_a_failed_one() {
    let project = Project::new();
    let watch = Watch::start(&project, &["--serve", "--port", "0"]);
    let address = watch.address();
    watch.wait_for_builds(1);
    let events = EventStream::open(&address, "");
    watch.wait_for("the stream to open", || {
        events.text().contains("retry: 1000").then_some(())
    });
    assert!(events.text().contains("200 OK"));
    assert!(events.text().contains("Content-Type: text/event-stream"));
    project.write("scorecard.kpi", &scorecard("Reloaded"));
    watch.wait_for("a reload event", || {
        events
            .text()
            .contains("event: reload\ndata: ")
            .then_some(())
    });
    project.write(
        "scorecard.kpi",
        &format!("{}\nkpi <broken> & {{\n", scorecard("Broken")),
    );
    let overlay = watch.wait_for("an overlay event", || {
        let text = events.text();
        let data = text.split("event: overlay\ndata: ").nth(1)?;
        Some(data.split("\n\n").next()?.to_string())
    });
    assert!(overlay.contains("This page is out of date"), "{overlay}");
    assert!(overlay.contains("error[syntax]"), "{overlay}");
    assert!(
        overlay.contains("&lt;"),
        "the errors are escaped: {overlay}"
    );
    assert!(!overlay.contains("<broken>"), "{overlay}");
    project.write("scorecard.kpi", &scorecard("Fixed"));
    watch.wait_for("a reload event after the fix", || {
        let text = events.text();
        let after_overlay = text.rsplit("event: overlay").next()?;
        after_overlay.contains("event: reload").then_some(())
    });
}

#[test]
fn a_page_that_missed_a_rebuild_catches_up_when_its_stream_opens() {
    let project = Project::new();
    let watch = Watch::start_with(
        &project,
        &["--format", "html", "--out", "out", "--serve", "--port", "0"],
    );
    let address = watch.address();
    watch.wait_for_builds(1);
    project.write("scorecard.kpi", &scorecard("Title two"));
    watch.wait_for_builds(2);
    watch.wait_for_quiet(Duration::from_millis(300));
    let current = generation_of(&get(&address, "/").1);
    // A page served by an earlier build opens its stream only now.
    let late = EventStream::open(&address, &format!("?generation={}", current - 1));
    let up_to_date = EventStream::open(&address, &format!("?generation={current}"));
    let reload = format!("event: reload\ndata: {current}\n\n");
    watch.wait_for("the catch-up reload", || {
        late.text().contains(&reload).then_some(())
    });
    watch.wait_for("the other stream to open", || {
        up_to_date.text().contains("retry: 1000").then_some(())
    });
    assert!(
        !up_to_date.text().contains("event:"),
        "{}",
        up_to_date.text()
    );
}

#[test]
fn the_server_serves_the_report_and_refuses_every_path_out_of_its_folder() {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"secret\"\n");
    let watch = Watch::start(&project, &["--serve", "--port", "0"]);
    let address = watch.address();
    watch.wait_for_report(&project, "Title one");
    let (status, body) = get(&address, "/");
    assert_eq!(status, 200);
    assert!(body.contains("\"title\": \"Title one\""), "{body}");
    assert_eq!(get(&address, "/report.json").0, 200);
    let (status, head, body) = http(&address, "HEAD", "/report.json");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: application/json"), "{head}");
    assert!(body.is_empty());
    let (status, head, _) = http(&address, "POST", "/report.json");
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
    assert_eq!(http(&address, "DELETE", "/report.json").0, 405);
    assert_eq!(get(&address, "/missing.json").0, 404);
    let outside = project.path("Cargo.toml");
    std::os::unix::fs::symlink(&outside, project.path("out/link.toml")).unwrap();
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/Cargo.toml",
        "/.%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/..%2FCargo.toml",
        "/..%5cCargo.toml",
        "/..\\Cargo.toml",
        "/out/../../Cargo.toml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        &format!("/{}", outside.display()),
        &format!("/{}", outside.display()).replace('/', "%2f"),
        "/link.toml",
    ] {
        // The report is served from memory: no path reaches the file system.
        let (status, body) = get(&address, target);
        assert_eq!(status, 404, "{target} answered {status}: {body}");
        assert!(!body.contains("secret"), "{target}: {body}");
    }
}

#[test]
fn a_page_served_while_the_project_is_broken_shows_the_overlay() {
    let project = Project::new();
    project.write(
        "scorecard.kpi",
        &format!(
            "{}\nuse \"<script>alert(1)&amp;.kpi\"\n",
            scorecard("Broken")
        ),
    );
    let watch = Watch::start_with(
        &project,
        &["--format", "html", "--out", "out", "--serve", "--port", "0"],
    );
    let address = watch.address();
    watch.wait_for("the failed build", || {
        watch
            .output()
            .contains("; no report written yet")
            .then_some(())
    });
    let (status, page) = get(&address, "/");
    assert_eq!(status, 503, "no report yet: {page}");
    assert!(page.contains("No report yet"), "{page}");
    assert!(page.contains(OVERLAY), "{page}");
    assert!(page.contains("This page is out of date"), "{page}");
    assert!(page.contains("error[import-not-found]"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&amp;amp;.kpi"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("new EventSource(\"/__kpic/events?generation=1\")"));
    let overlay_at = page.find(OVERLAY).unwrap();
    assert!(overlay_at < page.rfind("</body>").unwrap(), "{page}");
}

#[test]
fn ctrl_c_stops_the_watch_and_its_server_with_exit_code_0() {
    let project = Project::new();
    let watch = Watch::start(&project, &["--serve", "--port", "0"]);
    let address = watch.address();
    watch.wait_for_builds(1);
    let _events = EventStream::open(&address, "");
    assert_eq!(watch.interrupt(), Some(0));
    assert!(TcpStream::connect(&address).is_err(), "the server is gone");
    let leftovers: Vec<_> = std::fs::read_dir(project.path("out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["report.json"]);
}

#[test]
fn serving_beyond_this_machine_warns() {
    let project = Project::new();
    let watch = Watch::start(&project, &["--serve", "--host", "0.0.0.0", "--port", "0"]);
    watch.wait_for("the warning", || {
        watch
            .output()
            .contains("any machine that can reach this one can read the report")
            .then_some(())
    });
    let quiet = Watch::start(&project, &["--serve", "--port", "0"]);
    quiet.wait_for_builds(1);
    assert!(!quiet.output().contains("warning:"), "{}", quiet.output());
}

#[test]
fn a_watch_that_cannot_start_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kpic"))
            .arg("watch")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let missing = run(&["does-not-exist"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does-not-exist"));
    assert_eq!(
        run(&["--port", "8000"]).status.code(),
        Some(2),
        "--port needs --serve"
    );
    let project = Project::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let path = project.dir.path().to_str().unwrap();
    let busy = run(&[path, "--format", "json", "--serve", "--port", &port]);
    assert_eq!(busy.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("cannot listen"));
    project.write("file", "");
    let out = project.path("file").join("out");
    let unwritable = run(&[path, "--out", out.to_str().unwrap()]);
    assert_eq!(unwritable.status.code(), Some(2));
}

#[test]
fn the_overlay_covers_the_last_good_page_until_the_fix() {
    let project = Project::new();
    let watch = Watch::start_with(
        &project,
        &["--format", "html", "--out", "out", "--serve", "--port", "0"],
    );
    let address = watch.address();
    watch.wait_for_builds(1);
    let (status, page) = get(&address, "/");
    assert_eq!(status, 200, "{}", watch.output());
    assert!(page.contains("<title>Title one</title>"), "{page}");
    let good = generation_of(&page);
    assert!(!page.contains(OVERLAY), "{page}");

    project.write(
        "scorecard.kpi",
        &format!("{}\nuse \"<b>&amp;.kpi\"\n", scorecard("Broken")),
    );
    watch.wait_for("the failed build", || {
        watch.output().contains("✗ ").then_some(())
    });
    let (status, page) = get(&address, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<title>Title one</title>"),
        "the last good page"
    );
    let overlay_at = page.find(OVERLAY).expect("the overlay");
    assert!(overlay_at < page.rfind("</body>").unwrap());
    assert!(page[overlay_at..].contains("This page is out of date"));
    assert!(page[overlay_at..].contains("error[import-not-found]"));
    assert!(
        page[overlay_at..].contains("&lt;b&gt;&amp;amp;.kpi"),
        "escaped"
    );
    let broken = generation_of(&page);
    assert!(broken > good);
    let on_disk = std::fs::read_to_string(project.path("out/index.html")).unwrap();
    assert!(on_disk.contains("<title>Title one</title>"));
    assert!(
        !on_disk.contains("kpic-overlay") && !on_disk.contains("__kpic"),
        "the report on disk is the report alone"
    );

    project.write("scorecard.kpi", &scorecard("Fixed"));
    // The report is renamed into place just before the server learns of the build.
    let page = watch.wait_for("the fixed page, without the overlay", || {
        let (status, page) = get(&address, "/index.html");
        (status == 200 && page.contains("<title>Fixed</title>") && !page.contains(OVERLAY))
            .then_some(page)
    });
    assert!(generation_of(&page) > broken);
    assert!(watch.output().contains("✓ rebuilt out/index.html in "));
}

#[test]
fn a_data_file_given_on_the_command_line_is_watched_in_its_own_folder() {
    let project = Project::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let extra = elsewhere.path().join("more.csv");
    let more = |value: u32| format!("period,metric,value,note\n2026-03,revenue,{value},\n");
    std::fs::write(&extra, more(612)).unwrap();
    let watch = Watch::start(&project, &["--data", extra.to_str().unwrap()]);
    watch.wait_for_report(&project, "612.0");
    std::fs::write(&extra, more(613)).unwrap();
    watch.wait_for_report(&project, "613.0");
}

#[test]
fn a_data_folder_renamed_away_and_back_is_watched_again() {
    let project = Project::new();
    let watch = Watch::start(&project, &[]);
    watch.wait_for_report(&project, "425.0");
    std::fs::rename(project.path("data"), project.path("data-old")).unwrap();
    watch.wait_for("the build without the data folder", || {
        watch.output().contains("data-unreadable").then_some(())
    });
    // Edits to the folder moved away are no change to the project.
    std::fs::write(project.path("data-old/actuals.csv"), actuals(111)).unwrap();
    std::fs::rename(project.path("data-old"), project.path("data")).unwrap();
    watch.wait_for_report(&project, "111.0");
    std::fs::write(project.path("data/actuals.csv"), actuals(222)).unwrap();
    watch.wait_for_report(&project, "222.0");
}

/// Sends `bytes` as they are and reads the answer until the server closes; the status, if any.
fn raw_request(address: &str, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    answer
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
}

/// `GET /` answered within a second.
fn answers_promptly(address: &str) {
    let started = Instant::now();
    let (status, body) = get(address, "/");
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn hostile_requests_are_answered_and_bounded_and_the_server_keeps_serving() {
    let project = Project::new();
    let watch = Watch::start(&project, &["--serve", "--port", "0"]);
    let address = watch.address();
    watch.wait_for_report(&project, "Title one");
    // A huge body announced and never sent, on a GET as on a POST: refused, not read.
    for method in ["GET", "POST"] {
        let request =
            format!("{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n");
        let status = raw_request(&address, request.as_bytes());
        assert!(matches!(status, Some(413 | 405)), "{method}: {status:?}");
    }
    // A path that is not UTF-8, and a request with LF line ends: answered.
    assert!(raw_request(&address, b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n").is_some());
    assert_eq!(
        raw_request(&address, b"GET / HTTP/1.1\nHost: x\n\n"),
        Some(200)
    );
    // 300 idle event streams: those beyond the bound are refused at once.
    let streams: Vec<EventStream> = (0..300).map(|_| EventStream::open(&address, "")).collect();
    let refused = || {
        streams
            .iter()
            .filter(|s| s.text().contains(" 503 "))
            .count()
    };
    let beyond = 300 - kpic::watch::server::MAX_STREAMS;
    watch.wait_for("the streams beyond the bound refused", || {
        (refused() >= beyond).then_some(())
    });
    answers_promptly(&address);
    // A connection that sends nothing holds a slot only until its time is up.
    let idle: Vec<TcpStream> = (0..10)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    answers_promptly(&address);
    drop(idle);
    let output = watch.output();
    assert_eq!(watch.interrupt(), Some(0), "the process survived: {output}");
}

/// Slow requests: clients that trickle a request head, a byte at a time, each just inside the
/// time allowed for a read. They held a request's slot for as long as they kept trickling (hours
/// for a 16 KB head), and 32 of them had every other request refused as busy. A head must now
/// arrive whole within the time allowed, and while slow clients wait, others are answered.
#[test]
fn slow_requests_are_cut_off_and_never_keep_others_waiting() {
    let project = Project::new();
    let watch = Watch::start(&project, &["--serve", "--port", "0"]);
    let address = watch.address();
    watch.wait_for_report(&project, "Title one");
    let slow: Vec<TcpStream> = (0..48)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let mut cut_off = vec![false; slow.len()];
    while started.elapsed() < kpic::watch::server::READ_TIMEOUT + Duration::from_secs(2) {
        for (stream, cut) in slow.iter().zip(&mut cut_off) {
            let mut stream = stream;
            *cut |= stream.write_all(b"X").is_err();
        }
        answers_promptly(&address);
        std::thread::sleep(Duration::from_millis(500));
    }
    // Each slow client got an answer (408) or a closed connection, not more time.
    for stream in &slow {
        let mut stream = stream;
        stream
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            read.is_err() || answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
        assert!(!answer.contains("200 OK"), "{answer}");
    }
    assert_eq!(watch.interrupt(), Some(0));
}

/// A project with orgs: every org's page is written and served, and an edit rebuilds them all.
#[test]
fn every_org_page_is_rebuilt_and_served() {
    let project = Project::new();
    let chain = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/orgs/chain");
    for name in ["scorecard.kpi", "actuals.csv", "targets.csv"] {
        project.write(name, &std::fs::read_to_string(chain.join(name)).unwrap());
    }
    let watch = Watch::start_with(&project, &["--out", "out", "--serve", "--port", "0"]);
    let address = watch.address();
    let york = || std::fs::read_to_string(project.path("out/org/york.html")).unwrap_or_default();
    watch.wait_for("york's page", || {
        york().contains("York · Chain").then_some(())
    });
    let (status, page) = get(&address, "/org/north.html");
    assert_eq!(status, 200);
    assert!(page.contains("North · Chain"), "{page}");
    assert!(page.contains("href=\"york.html\""), "{page}");
    assert_eq!(get(&address, "/org/nowhere.html").0, 404);
    let scorecard = std::fs::read_to_string(project.path("scorecard.kpi")).unwrap();
    project.write(
        "scorecard.kpi",
        &scorecard.replace("org york \"York\"", "org york \"York Minster\""),
    );
    watch.wait_for("york's page renamed", || {
        york().contains("York Minster · Chain").then_some(())
    });
    let (_, page) = get(&address, "/org/york.html");
    assert!(page.contains("York Minster · Chain"), "{page}");
}
