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
    let (path, data) = (args.path.clone(), args.data.clone());
    let target = Target {
        out: args.out.clone(),
        format: args.format,
        as_of,
        stamp: args.stamp,
        org: args.org.clone(),
    };
    crash::on_big_stack(move || report(&path, &data, &target)).unwrap_or(crash::EXIT_CRASH)
}

/// What to write, and where.
pub(super) struct Target {
    pub out: PathBuf,
    pub format: ReportFormat,
    /// `--as-of`.
    pub as_of: Option<Period>,
    /// Whether the HTML page says when it was generated.
    pub stamp: bool,
    /// `--org`: only this org and the orgs below it.
    pub org: Option<String>,
}

fn report(path: &Path, data: &[PathBuf], target: &Target) -> u8 {
    let as_of = target.as_of;
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
    let written = write_report(&mut outcome, target, false);
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

/// A report written: its main file (`index.html`, `report.json`, `report.csv`), and, where
/// they were asked for, its pages by their paths in the output folder.
pub(super) struct Written {
    pub file: PathBuf,
    pub pages: Option<Vec<Page>>,
}

/// A file of a report: its path in the output folder, and its bytes.
pub(super) type Page = (String, Vec<u8>);

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub(super) enum ReportError {
    #[error(transparent)]
    AsOf(#[from] crate::eval::periods::AsOfOutsideSpan),
    #[error(transparent)]
    Render(#[from] crate::report::html::SiteError),
    #[error("--org: no org `{0}` is declared")]
    UnknownOrg(String),
    #[error("{0}")]
    Serialize(#[source] std::io::Error),
    #[error("cannot write `{}`: {error}", file.display())]
    Write {
        file: std::path::PathBuf,
        #[source]
        error: std::io::Error,
    },
}

/// Builds the report of a checked project without errors and writes it into `target.out`
/// (created if missing), each file atomically; returns the main file written (and, with
/// `keep`, the pages' bytes, which `watch --serve` serves), or why nothing was. Every file is
/// rendered before any is written: a failed render writes nothing.
pub(super) fn write_report(
    outcome: &mut CheckOutcome,
    target: &Target,
    keep: bool,
) -> Result<Written, ReportError> {
    let evaluated = outcome.evaluated.take();
    let outcome = &*outcome;
    let mut document = crate::report::build(outcome, evaluated, target.as_of)?;
    let out = &target.out;
    if let Some(org) = &target.org
        && target.format != ReportFormat::Html
    {
        keep_subtree(&mut document, org)?;
    }
    let (file, rendered): (PathBuf, Option<Vec<Page>>) = match target.format {
        ReportFormat::Json => {
            // Streamed to its file, unless its bytes are kept.
            let bytes = keep.then(|| {
                let mut bytes = Vec::new();
                crate::report::write_json(&document, &mut bytes).map(|()| bytes)
            });
            let bytes = bytes.transpose().map_err(ReportError::Serialize)?;
            let pages = bytes.map(|bytes| vec![("report.json".to_string(), bytes)]);
            (out.join("report.json"), pages)
        }
        ReportFormat::Csv => {
            let mut bytes = Vec::new();
            crate::report::write_csv(&document, &mut bytes).map_err(ReportError::Serialize)?;
            (
                out.join("report.csv"),
                Some(vec![("report.csv".to_string(), bytes)]),
            )
        }
        ReportFormat::Html => {
            let stamp = target.stamp.then(now_utc);
            let pages = crate::report::html::render_site(
                &document,
                stamp.as_deref(),
                target.org.as_deref(),
            )?;
            let pages = pages
                .into_iter()
                .map(|page| (page.path, page.html.into_bytes()))
                .collect();
            (out.join("index.html"), Some(pages))
        }
    };
    let write = |path: &Path, bytes: &[u8]| {
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomically(path, bytes))
            .map_err(|error| ReportError::Write {
                file: path.to_path_buf(),
                error,
            })
    };
    match &rendered {
        Some(pages) => {
            for (path, bytes) in pages {
                write(&out.join(path), bytes)?;
            }
        }
        None => std::fs::create_dir_all(out)
            .and_then(|()| {
                write_atomically_with(&file, |writer| crate::report::write_json(&document, writer))
            })
            .map_err(|error| ReportError::Write {
                file: file.clone(),
                error,
            })?,
    }
    Ok(Written {
        file,
        pages: rendered.filter(|_| keep),
    })
}

/// Keeps, of the report's orgs, `org` and the orgs below it (`--org` for JSON and CSV).
fn keep_subtree(document: &mut crate::report::Report<'_>, org: &str) -> Result<(), ReportError> {
    if !document.orgs.iter().any(|o| o.id == org) {
        return Err(ReportError::UnknownOrg(org.to_string()));
    }
    let mut kept = vec![org.to_string()];
    let mut at = 0;
    while at < kept.len() {
        if let Some(o) = document.orgs.iter().find(|o| o.id == kept[at]) {
            kept.extend(o.children.iter().cloned());
        }
        at += 1;
    }
    document.orgs.retain(|o| kept.contains(&o.id));
    Ok(())
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
