//! `kpic lsp`: the language server of [`crate::lsp`], run on a thread with a large stack (as
//! every command: formulas and imports are walked recursively).

use super::EXIT_OK;
use super::crash;

/// The exit code LSP asks for when the server stops without a `shutdown` first (and ours for a
/// broken connection).
const EXIT_WITHOUT_SHUTDOWN: u8 = 1;

pub fn run() -> u8 {
    match crash::on_big_stack(crate::lsp::run) {
        Some(Ok(())) => EXIT_OK,
        Some(Err(error)) => {
            eprintln!("error: kpic lsp: {error}");
            EXIT_WITHOUT_SHUTDOWN
        }
        None => crash::EXIT_CRASH,
    }
}
