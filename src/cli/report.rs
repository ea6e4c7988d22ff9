//! `kpic report`: check, evaluate, score and write the report: `index.html` or `report.json`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::check::{write_atomically, write_atomically_with};
use super::crash;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ReportArgs, ReportFormat};
use crate::diagnostics::{Summary, render_human};
use crate::period::Period;
use crate::pipeline::{CheckOptions, CheckOutcome, check_project_with_data};
use crate::project;

pub fn run(args: &ReportArgs) -> u8 {
    let as_of = match args.as_of.as_deref().map(Period::parse).transpose() {
        Ok(as_of) => as_of,
        Err(error) => {
            eprintln!("error: --as-of: {}", error.0);
            return EXIT_USAGE;
        }
    };
    let (path, data, out) = (args.path.clone(), args.data.clone(), args.out.clone());
    let (format, stamp) = (args.format, args.stamp);
    crash::on_big_stack(move || report(&path, &data, &out, format, as_of, stamp))
        .unwrap_or(crash::EXIT_CRASH)
}

fn report(
    path: &Path,
    data: &[PathBuf],
    out: &Path,
    format: ReportFormat,
    as_of: Option<Period>,
    stamp: bool,
) -> u8 {
    let project = match project::load(path) {
        Ok(project) => project,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    let options = CheckOptions {
        as_of,
        ..CheckOptions::default()
    };
    let mut outcome = check_project_with_data(project, &options, data);
    if let Some(message) = super::as_of_outside_span(&outcome, as_of) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let to_terminal = std::io::stdout().is_terminal();
    let colour = super::check::use_colour(to_terminal);
    let width = if to_terminal {
        terminal_size::terminal_size().map_or(100, |(w, _)| w.0 as usize)
    } else {
        100
    };
    let text = render_human(&outcome.findings, &outcome.sources, colour, width);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    let summary = Summary::of(&outcome.findings);
    if summary.errors > 0 {
        eprintln!(
            "error: the project has {} error{}; no report written",
            summary.errors,
            if summary.errors == 1 { "" } else { "s" }
        );
        return EXIT_FINDINGS;
    }
    let written = write_report(&mut outcome, format, out, as_of, stamp, false);
    // The process ends here: freeing a large project's millions of small allocations one by
    // one would only delay the exit (~0.1 s at 10,000 KPIs × 36 months).
    std::mem::forget(outcome);
    match written {
        Ok(Written { file, .. }) => {
            eprintln!("wrote {}", file.display());
            EXIT_OK
        }
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}

/// A report written: its file, and its bytes where they were asked for.
pub(super) struct Written {
    pub file: PathBuf,
    pub bytes: Option<Vec<u8>>,
}

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReportError {
    #[error(transparent)]
    AsOf(#[from] crate::eval::periods::AsOfOutsideSpan),
    #[error(transparent)]
    Render(#[from] crate::report::html::RenderError),
    #[error("{0}")]
    Serialize(#[source] std::io::Error),
    #[error("cannot write `{}`: {error}", file.display())]
    Write {
        file: std::path::PathBuf,
        #[source]
        error: std::io::Error,
    },
}

/// Builds the report of a checked project without errors and writes it into `out` (created if
/// missing) atomically; returns the file written (and, with `keep`, its bytes, which `watch
/// --serve` serves), or why nothing was. With `stamp`, the HTML page shows when it was
/// generated.
pub(super) fn write_report(
    outcome: &mut CheckOutcome,
    format: ReportFormat,
    out: &Path,
    as_of: Option<Period>,
    stamp: bool,
    keep: bool,
) -> Result<Written, ReportError> {
    let evaluated = outcome.evaluated.take();
    let outcome = &*outcome;
    let document = crate::report::build(outcome, evaluated, as_of)?;
    // The page is rendered before anything is written: a failed render writes nothing.
    let (file, rendered) = match format {
        ReportFormat::Json => {
            // Streamed to its file, unless its bytes are kept.
            let bytes = keep.then(|| {
                let mut bytes = Vec::new();
                crate::report::write_json(&document, &mut bytes).map(|()| bytes)
            });
            let bytes = bytes.transpose().map_err(ReportError::Serialize)?;
            (out.join("report.json"), bytes)
        }
        ReportFormat::Html => {
            let page = crate::report::html::render_html(&document, stamp.then(now_utc).as_deref())?;
            (out.join("index.html"), Some(page.into_bytes()))
        }
    };
    std::fs::create_dir_all(out)
        .and_then(|()| match &rendered {
            Some(bytes) => write_atomically(&file, bytes),
            None => {
                write_atomically_with(&file, |writer| crate::report::write_json(&document, writer))
            }
        })
        .map_err(|error| ReportError::Write {
            file: file.clone(),
            error,
        })?;
    Ok(Written {
        file,
        bytes: rendered.filter(|_| keep),
    })
}

/// The time now, in UTC, to the second: `2026-09-30 14:05:09 UTC`.
fn now_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    use chrono::{Datelike, Timelike};
    chrono::DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0).map_or_else(
        String::new,
        |t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        },
    )
}
