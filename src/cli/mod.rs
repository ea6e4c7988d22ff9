//! Stage 5, the command line: `kpic check`, `kpic report`, `kpic watch`, `kpic init`, …

mod check;
mod crash;
mod diff;
mod fix;
mod fmt;
mod init;
mod lint;
mod lsp;
mod report;
mod rules;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// Exit codes of CLI.md.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "kpic",
    version,
    about = "A compiler for balanced scorecards written as code"
)]
#[command(
    after_help = "Examples:\n  kpic init my-scorecard\n  kpic check my-scorecard\n  kpic check examples/acme --format short"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in the terminal: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The `--color` of this run, set once by [`main`].
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve and check a project; print its findings; write nothing (unless --fix)
    #[command(
        after_help = "Examples:\n  kpic check                      # the project in this folder\n  kpic check examples/acme --format short\n  kpic check scorecard.kpi --format json --no-data\n  kpic check . -D missing-owner -A too-many-kpis --deny warnings\n  kpic check . --format sarif --output-file kpic.sarif\n  kpic check . --fix                  # apply the certain fixes, then check again\n\nLevels: an attribute (@allow(rule)) beats the scorecard's lint block, which beats -A/-W/-D.\n\nExit codes: 0 no errors, 1 errors found, 2 the check could not run."
    )]
    Check(CheckArgs),
    /// Check a project, evaluate and score it, and write its report
    #[command(
        after_help = "Examples:\n  kpic report                               # writes report/index.html\n  kpic report examples/acme --out build --as-of 2026-06\n  kpic report . --format json --data extra.csv   # writes report/report.json\n  kpic report . --stamp                     # the page says when it was generated\n\nA project with errors writes no report; the previous one stays in place.\n\nExit codes: 0 written, 1 errors found (nothing written), 2 the report could not be made."
    )]
    Report(ReportArgs),
    /// Check and report again on every change; with --serve, show the report in a browser that
    /// reloads by itself
    #[command(
        after_help = "Examples:\n  kpic watch --format json                  # rewrites report/report.json on every save\n  kpic watch examples/acme --serve          # http://127.0.0.1:8000/, reloading after each rebuild\n  kpic watch . --serve --port 0             # any free port\n  kpic watch . --serve --host 0.0.0.0       # other machines may connect (with a warning)\n  kpic watch . --format json --data extra.csv\n\nA rebuild with errors keeps the last good report; served pages show the errors over it.\nCtrl-C stops the watch.\n\nExit codes: 0 stopped by Ctrl-C, 2 the watch could not start."
    )]
    Watch(WatchArgs),
    /// Report the changes between two versions of a project as findings: lowered targets,
    /// postponed deadlines, changed formulas, restated actuals…
    #[command(
        after_help = "Examples:\n  kpic diff --against origin/main                 # this folder against the branch\n  kpic diff examples/acme --against HEAD~1 --format markdown\n  kpic diff old-scorecard/ new-scorecard/ --format sarif --output-file diff.sarif\n  kpic diff . --against v1.0 -D target-lowered --as-of 2026-09\n\nEach change is a finding of a rule (`kpic explain target-lowered`); allow one on the KPI in the new\nversion with @allow(target-lowered, \"reason\"). The old version is read from git without\ntouching the working tree.\n\nExit codes: 0 no errors, 1 errors found (or the new version does not check), 2 the diff could not run."
    )]
    Diff(DiffArgs),
    /// Format .kpi files in the canonical layout (comments and spellings kept)
    #[command(
        after_help = "Examples:\n  kpic fmt                      # every .kpi file below this folder\n  kpic fmt --check examples     # list the files that would change; exit 1 if any\n  kpic fmt --diff scorecard.kpi # show the changes as a unified diff\n  kpic fmt - < in.kpi > out.kpi # standard input to standard output (for editors)\n\nA file that does not parse is left as it is and reported (exit 1); the others are formatted.\n\nExit codes: 0 formatted (or, with --check/--diff, nothing to change), 1 a file would change or does not parse, 2 fmt could not run."
    )]
    Fmt(FmtArgs),
    /// Serve editors over the Language Server Protocol on standard input and output
    #[command(
        after_help = "Editors start it themselves: see docs/lsp.md for VS Code, Neovim and Helix.\n\nExit codes: 0 after the editor's shutdown and exit, 1 on exit without shutdown or a broken connection."
    )]
    Lsp,
    /// Create a new project that passes `kpic check`
    #[command(
        after_help = "Examples:\n  kpic init                # in this (empty) folder\n  kpic init my-scorecard"
    )]
    Init {
        /// The folder to create the project in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Explain a rule: what it finds and why, with a bad and a good example
    #[command(
        after_help = "Examples:\n  kpic explain missing-owner\n  kpic explain weights-not-100"
    )]
    Explain {
        /// The rule's name, as in findings and `kpic rules`
        rule: String,
    },
    /// List every rule with its category, default level and summary
    #[command(after_help = "Example:\n  kpic rules | grep SMART")]
    Rules,
    /// Print a shell completion script
    #[command(after_help = "Example:\n  kpic completions bash > /etc/bash_completion.d/kpic")]
    Completions { shell: clap_complete::Shell },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// A project folder (holding scorecard.kpi) or an entry .kpi file
    #[arg(default_value = ".")]
    path: PathBuf,
    /// How to print the findings
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the findings to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Do not read the data files
    #[arg(long)]
    no_data: bool,
    /// The period the data rules judge "now" by, as `report --as-of` (default: the latest one
    /// with an actual)
    #[arg(long, value_name = "PERIOD")]
    as_of: Option<String>,
    /// Allow a rule: its findings are not shown (repeatable)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    allow: Vec<String>,
    /// Report a rule's findings as warnings (repeatable)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    warn: Vec<String>,
    /// Report a rule's findings as errors (repeatable); `--deny warnings` makes every warning an
    /// error
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    deny: Vec<String>,
    /// Apply the certain fixes (a typo with one close candidate, a missing `use std.X`, an
    /// unused `@allow`, a property line given twice), then check again
    #[arg(long)]
    fix: bool,
}

#[derive(clap::Args)]
struct FmtArgs {
    /// Files or folders (every .kpi file below a folder); `-` reads standard input and writes
    /// standard output
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Write nothing; list the files that would change, exit 1 if any
    #[arg(long)]
    check: bool,
    /// Write nothing; print a unified diff of the changes, exit 1 if any
    #[arg(long)]
    diff: bool,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// With --against: the project (default `.`); without: the OLD and the NEW project, each a
    /// folder holding scorecard.kpi or an entry .kpi file
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The git revision (branch, tag or commit) to compare PATH with
    #[arg(long, value_name = "REV")]
    against: Option<String>,
    /// How to print the changes
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Write the changes to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// The period the effects on status are judged at (default: the latest one with an actual)
    #[arg(long, value_name = "PERIOD")]
    as_of: Option<String>,
    /// Allow a rule: its findings are not shown (repeatable)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    allow: Vec<String>,
    /// Report a rule's findings as warnings (repeatable)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    warn: Vec<String>,
    /// Report a rule's findings as errors (repeatable); `--deny warnings` makes every warning an
    /// error
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    deny: Vec<String>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// A project folder (holding scorecard.kpi) or an entry .kpi file
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The folder to write the report to (created if missing)
    #[arg(long, value_name = "DIR", default_value = "report")]
    out: PathBuf,
    /// The report's form: `html` writes index.html (and org/ID.html for each org), `json`
    /// report.json, `csv` report.csv
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// A data file to read after the scorecard's own (repeatable)
    #[arg(long, value_name = "FILE")]
    data: Vec<PathBuf>,
    /// The period to report as of (default: the latest one with an actual)
    #[arg(long, value_name = "PERIOD")]
    as_of: Option<String>,
    /// Report only this org and the orgs below it (its page is index.html)
    #[arg(long, value_name = "ID")]
    org: Option<String>,
    /// Show in the HTML page when it was generated (without it, the same input gives the same
    /// bytes)
    #[arg(long)]
    stamp: bool,
}

#[derive(clap::Args)]
struct WatchArgs {
    /// A project folder (holding scorecard.kpi) or an entry .kpi file
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The folder to write the report to (created if missing)
    #[arg(long, value_name = "DIR", default_value = "report")]
    out: PathBuf,
    /// The report's form: `html` writes index.html, `json` writes report.json
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// A data file to read after the scorecard's own (repeatable); it is watched too
    #[arg(long, value_name = "FILE")]
    data: Vec<PathBuf>,
    /// Serve the report over HTTP; open pages reload after each rebuild
    #[arg(long)]
    serve: bool,
    /// The address to serve on; anything but a loopback address lets other machines in
    #[arg(
        long,
        value_name = "HOST",
        default_value = "127.0.0.1",
        requires = "serve"
    )]
    host: String,
    /// The port to serve on (default: 8000 or the next free one; 0: any free port)
    #[arg(long, value_name = "N", requires = "serve")]
    port: Option<u16>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// one self-contained index.html: no network, openable from the file system
    Html,
    /// report.json, the evaluated scorecard (its schema: docs/report.schema.json)
    Json,
    /// report.csv, one row per org, KPI and period: a tidy table for spreadsheets
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// miette's graphical report (colour on a terminal, unless NO_COLOR is set)
    Human,
    /// file:line:col: level[rule]: message
    Short,
    /// one JSON document with every diagnostic and a summary
    Json,
    /// SARIF 2.1.0, for code scanning in pull requests
    Sarif,
    /// GitHub Actions workflow commands (annotations), errors first
    Github,
    /// GitLab Code Quality JSON
    Gitlab,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// miette's graphical report (colour on a terminal, unless NO_COLOR is set)
    Human,
    /// file:line:col: level[rule]: message
    Short,
    /// one JSON document with every change and a summary
    Json,
    /// SARIF 2.1.0, for code scanning in pull requests
    Sarif,
    /// GitHub Actions workflow commands (annotations), errors first
    Github,
    /// GitLab Code Quality JSON
    Gitlab,
    /// a pull-request comment: a table of the changes, the allowed ones, the new version's findings
    Markdown,
}

/// An `--as-of` that is no period.
#[derive(Debug, thiserror::Error)]
#[error("--as-of: {}", .0.0)]
struct BadAsOf(crate::period::PeriodError);

/// `--as-of PERIOD` parsed.
fn parse_as_of(text: Option<&str>) -> Result<Option<crate::period::Period>, BadAsOf> {
    text.map(crate::period::Period::parse)
        .transpose()
        .map_err(BadAsOf)
}

/// Why `--as-of` cannot be used with the checked project: it lies outside its span. Said before
/// any finding, since every `as_of` finding would be judged at a period the scorecard does not
/// have.
fn as_of_outside_span(
    outcome: &crate::pipeline::CheckOutcome,
    as_of: Option<crate::period::Period>,
) -> Option<crate::eval::periods::AsOfOutsideSpan> {
    crate::eval::periods::as_of_in_span(&outcome.model, as_of?).err()
}

pub fn main() -> ExitCode {
    crash::install_hook();
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            });
        }
    };
    let _ = COLOR.set(cli.color);
    let code = match cli.command {
        Command::Check(args) => {
            let check_matches = matches
                .subcommand_matches("check")
                .expect("the check subcommand matched");
            match lint::options(check_matches) {
                Ok(lint) => check::run(&args, lint),
                Err(message) => {
                    eprintln!("error: {message}");
                    EXIT_USAGE
                }
            }
        }
        Command::Diff(args) => {
            let diff_matches = matches
                .subcommand_matches("diff")
                .expect("the diff subcommand matched");
            match lint::options(diff_matches) {
                Ok(lint) => diff::run(&args, lint),
                Err(message) => {
                    eprintln!("error: {message}");
                    EXIT_USAGE
                }
            }
        }
        Command::Report(args) => report::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Watch(args) => watch::run(args),
        Command::Lsp => lsp::run(),
        Command::Init { dir } => init::run(&dir),
        Command::Rules => rules::list(),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "kpic", &mut std::io::stdout());
            EXIT_OK
        }
    };
    ExitCode::from(code)
}
