//! `kpic fmt [PATH…] [--check] [--diff]`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::check::{render_findings, write_atomically};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FmtArgs, Format};
use crate::diagnostics::Finding;
use crate::fmt;
use crate::source::{Origin, SourceFile, SourceMap, Span};

pub fn run(args: &FmtArgs) -> u8 {
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        if args.paths.len() > 1 {
            eprintln!("error: `-` (standard input) cannot be given with other paths");
            return EXIT_USAGE;
        }
        return run_stdin();
    }
    let mut files = Vec::new();
    for path in &args.paths {
        if !path.exists() {
            eprintln!("error: `{}` does not exist", path.display());
            return EXIT_USAGE;
        }
        kpi_files(path, &mut files);
    }
    let mut code = EXIT_OK;
    for file in files {
        code = code.max(format_file(&file, args));
    }
    code
}

/// Formats standard input to standard output; input that does not parse is written unchanged.
fn run_stdin() -> u8 {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {error}");
        return EXIT_USAGE;
    }
    let (output, code) = match fmt::format(&text) {
        Ok(formatted) => (formatted, EXIT_OK),
        Err(findings) => {
            report("<stdin>", &text, findings);
            (text, EXIT_FINDINGS)
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return EXIT_USAGE;
    }
    code
}

/// Formats one file: writes it, or with `--check`/`--diff` says whether it would change.
fn format_file(path: &Path, args: &FmtArgs) -> u8 {
    let name = crate::project::paths::display_name(path);
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            eprintln!("error: `{name}` is not valid UTF-8; left as it is");
            return EXIT_FINDINGS;
        }
        Err(error) => {
            eprintln!("error: cannot read `{name}`: {error}");
            return EXIT_USAGE;
        }
    };
    let formatted = match fmt::format(&text) {
        Ok(formatted) => formatted,
        Err(findings) => {
            report(&name, &text, findings);
            return EXIT_FINDINGS;
        }
    };
    if formatted == text {
        return EXIT_OK;
    }
    if args.diff {
        let diff = similar::TextDiff::from_lines(&text, &formatted);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
        );
    }
    if args.check || args.diff {
        if args.check {
            println!("{name}");
        }
        return EXIT_FINDINGS;
    }
    match write_atomically(path, formatted) {
        Ok(()) => EXIT_OK,
        Err(error) => {
            eprintln!("error: cannot write `{name}`: {error}");
            EXIT_USAGE
        }
    }
}

/// Prints why a file is left unformatted: its syntax findings, on standard error.
fn report(name: &str, text: &str, findings: Vec<Finding>) {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(
        name.to_string(),
        Origin::Disk(PathBuf::from(name)),
        text.to_string(),
    ));
    let findings: Vec<Finding> = findings
        .into_iter()
        .map(|mut finding| {
            finding.primary.span = Span {
                file: id,
                ..finding.primary.span
            };
            for label in &mut finding.secondary {
                label.span.file = id;
            }
            finding
        })
        .collect();
    let to_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    eprint!(
        "{}",
        render_findings(Format::Human, &findings, &sources, to_terminal)
    );
    eprintln!("`{name}` does not parse: left as it is");
}

/// `path` itself if it is a file, else every `.kpi` file below it (hidden folders and `target`
/// left out), in a stable order.
fn kpi_files(path: &Path, files: &mut Vec<PathBuf>) {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if entry.is_dir() {
            if !name.starts_with('.') && name != "target" {
                kpi_files(&entry, files);
            }
        } else if name.ends_with(".kpi") {
            files.push(entry);
        }
    }
}
