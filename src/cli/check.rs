//! `kpic check`.

use std::io::{IsTerminal, Write};

use super::{CheckArgs, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Format};
use crate::check::{CheckOptions, check_path};
use crate::checks::levels::LintOptions;
use crate::diagnostics::{Summary, render_human, render_json, render_short};

/// The check runs on a thread with a large stack: formulas and imports are walked recursively,
/// and generated inputs may nest deeply (within the limits the parser enforces).
const STACK_SIZE: usize = 256 * 1024 * 1024;

pub fn run(args: &CheckArgs, lint: LintOptions) -> u8 {
    let options = CheckOptions {
        no_data: args.no_data,
        lint,
    };
    let path = args.path.clone();
    let outcome = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || check_path(&path, &options))
        .expect("a thread can be started")
        .join()
        .expect("the check does not panic");
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    let stdout = std::io::stdout();
    let text = match args.format {
        Format::Human => {
            let terminal = stdout.is_terminal();
            let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let width = terminal_size::terminal_size().map_or(100, |(w, _)| w.0 as usize);
            render_human(
                &outcome.findings,
                &outcome.sources,
                colour,
                if terminal { width } else { 100 },
            )
        }
        Format::Short => render_short(&outcome.findings, &outcome.sources),
        Format::Json => render_json(&outcome.findings, &outcome.sources),
    };
    let mut lock = stdout.lock();
    if lock
        .write_all(text.as_bytes())
        .and_then(|()| lock.flush())
        .is_err()
    {
        return EXIT_USAGE;
    }
    if Summary::of(&outcome.findings).errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
