//! `kpic check`.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use super::crash;
use super::{CheckArgs, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Format};
use crate::checks::levels::LintOptions;
use crate::diagnostics::{
    Finding, Summary, render_github, render_gitlab, render_human, render_json, render_sarif,
    render_short,
};
use crate::pipeline::CheckOutcome;
use crate::pipeline::{CheckOptions, check_path};
use crate::source::SourceMap;

pub fn run(args: &CheckArgs, lint: LintOptions) -> u8 {
    let outcome = match checked(args, &lint) {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    let outcome = match args.fix {
        true => match super::fix::run(args, &lint, outcome) {
            Ok(outcome) => outcome,
            Err(code) => return code,
        },
        false => outcome,
    };
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let text = render(args.format, &outcome, to_terminal);
    if let Err(code) = emit(args.output_file.as_deref(), &text) {
        return code;
    }
    if Summary::of(&outcome.findings).errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The outcome of checking the project `args` names, or the exit code of a check that could not
/// run (its error already printed).
pub(super) fn checked(args: &CheckArgs, lint: &LintOptions) -> Result<CheckOutcome, u8> {
    let as_of = super::parse_as_of(args.as_of.as_deref()).map_err(|message| {
        eprintln!("error: {message}");
        EXIT_USAGE
    })?;
    let options = CheckOptions {
        no_data: args.no_data,
        lint: lint.clone(),
        as_of,
    };
    let path = args.path.clone();
    let Some(outcome) = crash::on_big_stack(move || check_path(&path, &options)) else {
        return Err(crash::EXIT_CRASH);
    };
    let outcome = outcome.map_err(|error| {
        eprintln!("error: {error}");
        EXIT_USAGE
    })?;
    if let Some(message) = super::as_of_outside_span(&outcome, as_of) {
        eprintln!("error: {message}");
        return Err(EXIT_USAGE);
    }
    Ok(outcome)
}

/// Writes `text` to `output_file` (atomically) or to standard output; the exit code on failure.
pub(super) fn emit(output_file: Option<&Path>, text: &str) -> Result<(), u8> {
    let written = match output_file {
        Some(file) => write_atomically(file, text),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
        }
    };
    written.map_err(|error| {
        let target = output_file.map_or("standard output".to_string(), |f| {
            format!("`{}`", f.display())
        });
        eprintln!("error: cannot write the findings to {target}: {error}");
        EXIT_USAGE
    })
}

/// The findings in `format`. Colour and the terminal's width only when writing to a terminal.
pub(super) fn render(format: Format, outcome: &CheckOutcome, to_terminal: bool) -> String {
    render_findings(format, &outcome.findings, &outcome.sources, to_terminal)
}

/// [`render`] for findings of `sources`.
pub(super) fn render_findings(
    format: Format,
    findings: &[Finding],
    sources: &SourceMap,
    to_terminal: bool,
) -> String {
    match format {
        Format::Human => {
            let colour = use_colour(to_terminal);
            let width = if to_terminal {
                terminal_size::terminal_size().map_or(100, |(w, _)| w.0 as usize)
            } else {
                100
            };
            render_human(findings, sources, colour, width)
        }
        Format::Short => render_short(findings, sources),
        Format::Json => render_json(findings, sources),
        Format::Sarif => render_sarif(findings, sources),
        Format::Github => render_github(findings, sources),
        Format::Gitlab => render_gitlab(findings, sources),
    }
}

/// Colour on a terminal, unless `NO_COLOR` is set (and not empty).
/// `--color always` and `--color never` say it whatever the output is.
pub(super) fn use_colour(to_terminal: bool) -> bool {
    match super::COLOR
        .get()
        .copied()
        .unwrap_or(super::ColorChoice::Auto)
    {
        super::ColorChoice::Always => true,
        super::ColorChoice::Never => false,
        super::ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it into place: a failed run
/// never leaves half a file.
pub(super) fn write_atomically(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes.as_ref()))
}

/// [`write_atomically`] for a document written piece by piece (a large report is never held
/// whole in memory): `write` fills a temporary file of a unique name in the same folder, created
/// exclusively (two runs writing one report never share it, and a link planted at a name is
/// never followed), then renamed into place; it is removed if anything fails.
pub(super) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<NamedTempFile>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let temporary = filled_temporary(path, write)?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// [`write_atomically`] for a file that must not exist yet (`kpic init`): renamed into place
/// only if nothing is there, not even a link (which would otherwise be followed).
pub(super) fn write_new_atomically(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    let temporary = filled_temporary(path, |file| file.write_all(bytes.as_ref()))?;
    temporary
        .persist_noclobber(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// A temporary file beside `path`, filled by `write`; removed when dropped unless persisted.
fn filled_temporary(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<NamedTempFile>) -> std::io::Result<()>,
) -> std::io::Result<NamedTempFile> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut temporary = tempfile::Builder::new();
    temporary.prefix(&prefix).suffix(".kpic-tmp");
    // A report is for reading by others (a web server, a colleague), as a file created the
    // ordinary way would be; tempfile's own default is private to the owner.
    #[cfg(unix)]
    temporary.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let temporary = temporary.tempfile_in(folder)?;
    let mut buffered = BufWriter::with_capacity(1 << 20, temporary);
    write(&mut buffered)?;
    buffered.into_inner().map_err(|error| error.into_error())
}
