//! `kpic watch`: check and report again on every change, and with `--serve` show the report in
//! a browser that reloads by itself. The loop, the files watched and the server are in
//! [`crate::watch`]; here are the arguments, one build, and what it prints.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::check::{render, use_colour};
use super::crash;
use super::report::{Target, Written, write_report};
use super::{EXIT_OK, EXIT_USAGE, Format, ReportFormat, WatchArgs};
use crate::diagnostics::{Level, Summary, render_short};
use crate::input;
use crate::pipeline::{CheckOptions, CheckOutcome, check_project_with_data};
use crate::project::{self, ENTRY_FILE_NAME, Parses, Project};
use crate::watch::files::{self, Input};
use crate::watch::server::{ServeError, Server};
use crate::watch::{self, Build};

/// The overlay lists this many errors at most; the terminal shows them all.
const OVERLAY_MAX_ERRORS: usize = 50;

/// Clears a terminal and its scrollback, and puts the cursor at the top.
const CLEAR_SCREEN: &str = "\x1b[H\x1b[2J\x1b[3J";

pub fn run(args: WatchArgs) -> u8 {
    crash::on_big_stack(move || watch_project(args)).unwrap_or(crash::EXIT_CRASH)
}

fn watch_project(args: WatchArgs) -> u8 {
    // A PATH that cannot be loaded at all stops here (exit 2); later, it is a failed build.
    let mut parses = Parses::default();
    let project = match project::load_reusing(&args.path, &mut parses) {
        Ok(project) => project,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    let out_dir = match std::fs::create_dir_all(&args.out).and_then(|()| args.out.canonicalize()) {
        Ok(out_dir) => out_dir,
        Err(error) => {
            eprintln!("error: cannot create `{}`: {error}", args.out.display());
            return EXIT_USAGE;
        }
    };
    let server = match args.serve.then(|| serve(&args, &out_dir)).transpose() {
        Ok(server) => server,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let address = server
        .as_ref()
        .map(|server| format!("serving http://{}/", server.address()));
    if let Some(address) = &address {
        println!("{address}");
    }
    let mut builder = Builder {
        to_terminal: std::io::stdout().is_terminal(),
        args,
        loaded: Some(project),
        parses,
        address,
        last_written: None,
    };
    match watch::run(server, || builder.build()) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}

/// Starts the server on `--host` and `--port`, warning when other machines may connect.
/// Until the first build, it serves the report a previous run left in `out_dir`, if any.
fn serve(args: &WatchArgs, out_dir: &Path) -> Result<Server, ServeError> {
    let index = match args.format {
        ReportFormat::Html => "index.html",
        ReportFormat::Json => "report.json",
        ReportFormat::Csv => "report.csv",
    };
    let previous = input::read_regular_file(&out_dir.join(index), input::MAX_DATA_BYTES)
        .ok()
        .map(|bytes| [(index.to_string(), bytes)].into_iter().collect());
    let server = Server::start(&args.host, args.port, index, previous)?;
    if !server.address().ip().is_loopback() {
        eprintln!(
            "warning: serving on {}: any machine that can reach this one can read the report",
            server.address()
        );
    }
    Ok(server)
}

/// Builds the project again and again, printing each build's findings and a status line.
struct Builder {
    args: WatchArgs,
    /// The project loaded to check PATH, which the first build uses.
    loaded: Option<Project>,
    /// The parses of the last load: a file that did not change is not parsed again.
    parses: Parses,
    to_terminal: bool,
    /// `serving http://…/`, repeated under each build on a terminal (the screen is cleared).
    address: Option<String>,
    /// The report this watch last wrote.
    last_written: Option<PathBuf>,
}

impl Builder {
    /// Loads, checks and reports the project; the report is written only without errors.
    fn build(&mut self) -> Build {
        let started = Instant::now();
        let loaded = match self.loaded.take() {
            Some(project) => Ok(project),
            None => project::load_reusing(&self.args.path, &mut self.parses),
        };
        let project = match loaded {
            Ok(project) => project,
            Err(error) => {
                let problem = format!("cannot load the project: {error}");
                let status = self.failed("the project could not be loaded", started.elapsed());
                self.show(&format!("error: {problem}\n"), &status);
                return Build {
                    inputs: vec![Input::now(entry_file(&self.args.path))],
                    problems: Some(vec![problem]),
                    report: None,
                };
            }
        };
        let mut inputs = files::project_inputs(&project);
        let mut outcome =
            check_project_with_data(project, &CheckOptions::default(), &self.args.data);
        inputs.extend(files::data_inputs(&outcome, &self.args.data));
        let mut shown = render(Format::Human, &outcome, self.to_terminal);
        let summary = Summary::of(&outcome.findings);
        let mut report = None;
        let (problems, status) = if summary.errors > 0 {
            let status = self.failed(&counts(summary), started.elapsed());
            (Some(error_lines(&outcome)), status)
        } else {
            let target = Target {
                out: self.args.out.clone(),
                format: self.args.format,
                as_of: None,
                stamp: false,
                org: None,
            };
            let serving = self.address.is_some();
            match write_report(&mut outcome, &target, serving) {
                Ok(Written { file, pages }) => {
                    report = pages.map(|pages| pages.into_iter().collect());
                    let status = format!(
                        "{} rebuilt {} in {}, {}",
                        self.mark(true),
                        file.display(),
                        millis(started.elapsed()),
                        counts(summary)
                    );
                    self.last_written = Some(file);
                    (None, status)
                }
                Err(error) => {
                    let message = error.to_string();
                    shown.push_str(&format!("error: {message}\n"));
                    let status = self.failed("the report could not be written", started.elapsed());
                    (Some(vec![message]), status)
                }
            }
        };
        self.show(&shown, &status);
        Build {
            inputs,
            problems,
            report,
        }
    }

    /// The status line of a failed build: what failed, the time, and what is left on disk.
    fn failed(&self, what: &str, took: Duration) -> String {
        let kept = match &self.last_written {
            Some(file) => format!("last good report kept ({})", file.display()),
            None => "no report written yet".to_string(),
        };
        format!("{} {what} in {}; {kept}", self.mark(false), millis(took))
    }

    fn mark(&self, good: bool) -> &'static str {
        match (good, use_colour(self.to_terminal)) {
            (true, true) => "\x1b[32m✓\x1b[0m",
            (true, false) => "✓",
            (false, true) => "\x1b[31m✗\x1b[0m",
            (false, false) => "✗",
        }
    }

    /// Prints a build: on a terminal, on a cleared screen with the address below.
    fn show(&self, findings: &str, status: &str) {
        let mut text = String::new();
        if self.to_terminal {
            text.push_str(CLEAR_SCREEN);
        }
        text.push_str(findings);
        text.push_str(status);
        text.push('\n');
        if let Some(address) = self.address.as_ref().filter(|_| self.to_terminal) {
            text.push_str(&format!("{address} (Ctrl-C to stop)\n"));
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
    }
}

/// The entry file PATH names, to watch its folder while the project cannot be loaded.
fn entry_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(ENTRY_FILE_NAME)
    } else {
        path.to_path_buf()
    }
}

/// The errors of a build, one a line (`file:line:col: error[rule]: message`), for the overlay.
fn error_lines(outcome: &CheckOutcome) -> Vec<String> {
    let errors: Vec<_> = outcome
        .findings
        .iter()
        .filter(|finding| finding.level == Level::Error)
        .cloned()
        .collect();
    let shown = &errors[..errors.len().min(OVERLAY_MAX_ERRORS)];
    let mut lines: Vec<String> = render_short(shown, &outcome.sources)
        .lines()
        .map(str::to_string)
        .collect();
    if errors.len() > shown.len() {
        lines.push(format!(
            "… and {} more errors (the terminal shows them all)",
            errors.len() - shown.len()
        ));
    }
    lines
}

/// `2 errors, 1 warning`.
fn counts(summary: Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning")
    )
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}
