//! A bug in kpic, should one show: reported once, as a bug, with a request to file it; never a
//! second, misleading panic from the thread that waited for the first.

use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code of a run that crashed (as Rust's own for a panic).
pub const EXIT_CRASH: u8 = 101;

/// The stack of the thread a command runs on: formulas and imports are walked recursively, and
/// generated inputs may nest deeply (within the limits the parser enforces).
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Reports the first panic of the process as a bug in kpic; later ones (a scope re-raising a
/// worker's panic, say) are consequences and say nothing more.
pub fn install_hook() {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        if REPORTED.swap(true, Ordering::SeqCst) {
            return;
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let place = info
            .location()
            .map(|at| format!(" at {}:{}", at.file(), at.line()))
            .unwrap_or_default();
        eprintln!(
            "error: kpic crashed: {message}{place}\n\
             This is a bug in kpic, not in your project. Please file a bug report with the \
             command you ran, kpic's version ({}) and, if you can, the files it read.",
            env!("CARGO_PKG_VERSION")
        );
    }));
}

/// Runs `work` on a thread with a [`STACK_SIZE`] stack; `None` if it crashed (the hook has
/// said so) or no thread could be started (said here).
pub fn on_big_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let thread = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(work);
    match thread {
        Ok(thread) => thread.join().ok(),
        Err(error) => {
            eprintln!("error: kpic could not start a thread: {error}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::on_big_stack;

    #[test]
    fn a_crash_on_the_worker_is_none_not_a_second_panic() {
        assert_eq!(on_big_stack(|| 42), Some(42));
        assert_eq!(on_big_stack(|| -> u8 { panic!("a bug") }), None);
    }
}
