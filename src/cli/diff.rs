//! `kpic diff [PATH] --against REV` and `kpic diff OLD NEW`.

use std::io::IsTerminal;

use super::check::{emit, render, render_findings};
use super::crash;
use super::{DiffArgs, DiffFormat, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Format};
use crate::checks::levels::LintOptions;
use crate::diagnostics::Summary;
use crate::diff::{self, DiffOptions, Diffed, Versions, markdown};
use crate::period::Period;

pub fn run(args: &DiffArgs, lint: LintOptions) -> u8 {
    let versions = match versions(args) {
        Ok(versions) => versions,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let as_of = match args.as_of.as_deref().map(Period::parse).transpose() {
        Ok(as_of) => as_of,
        Err(error) => {
            eprintln!("error: --as-of: {}", error.0);
            return EXIT_USAGE;
        }
    };
    let options = DiffOptions { lint, as_of };
    let Some(diffed) = crash::on_big_stack(move || diff::diff(&versions, &options)) else {
        return crash::EXIT_CRASH;
    };
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let (text, errors, summary_line) = match diffed {
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
        Ok(Diffed::NewHasErrors(outcome)) => {
            let format = check_format(args.format).unwrap_or(Format::Short);
            let text = render(format, &outcome, to_terminal);
            let line = "the new version has errors: nothing compared (fix them, then diff again)";
            (
                text,
                Summary::of(&outcome.findings).errors,
                line.to_string(),
            )
        }
        Ok(Diffed::Compared(mut outcome)) => {
            let text = match check_format(args.format) {
                Some(format) => render_findings(
                    format,
                    &outcome.findings(),
                    &outcome.new.sources,
                    to_terminal,
                ),
                None => markdown::render(&outcome),
            };
            let result = (text, outcome.summary().errors, outcome.summary_line());
            // The git snapshot's folder is removed now; the rest is left to the process's exit:
            // freeing two large projects' millions of small allocations only delays it.
            drop(outcome.old.snapshot.take());
            std::mem::forget(outcome);
            result
        }
    };
    if let Err(code) = emit(args.output_file.as_deref(), &text) {
        return code;
    }
    eprintln!("kpic diff: {summary_line}");
    if errors > 0 { EXIT_FINDINGS } else { EXIT_OK }
}

/// Arguments that name no pair of versions.
#[derive(Debug, thiserror::Error)]
enum VersionsError {
    #[error("with --against REV, give one project (PATH), not two")]
    TwoWithRevision,
    #[error(
        "give two projects (`kpic diff OLD NEW`), or one and a git revision (`kpic diff PATH --against REV`)"
    )]
    NotTwo,
}

/// The versions the arguments name: one path (or none) with `--against`, two without.
fn versions(args: &DiffArgs) -> Result<Versions, VersionsError> {
    match (&args.against, args.paths.as_slice()) {
        (Some(rev), []) => Ok(Versions::Revision {
            path: ".".into(),
            rev: rev.clone(),
        }),
        (Some(rev), [path]) => Ok(Versions::Revision {
            path: path.clone(),
            rev: rev.clone(),
        }),
        (Some(_), _) => Err(VersionsError::TwoWithRevision),
        (None, [old, new]) => Ok(Versions::Folders {
            old: old.clone(),
            new: new.clone(),
        }),
        (None, _) => Err(VersionsError::NotTwo),
    }
}

/// The `check` format, or `None` for markdown.
fn check_format(format: DiffFormat) -> Option<Format> {
    match format {
        DiffFormat::Human => Some(Format::Human),
        DiffFormat::Short => Some(Format::Short),
        DiffFormat::Json => Some(Format::Json),
        DiffFormat::Sarif => Some(Format::Sarif),
        DiffFormat::Github => Some(Format::Github),
        DiffFormat::Gitlab => Some(Format::Gitlab),
        DiffFormat::Markdown => None,
    }
}
