//! `kpic watch`: build again on every change to a project's files, and serve the report with
//! live reload. See docs/watch.md for the choices made.
//!
//! The loop: build; tell the server; watch the folders the build needs; wait for a burst of
//! changes (debounced); build again. Ctrl-C ends it.

pub mod files;
mod overlay;
pub mod server;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use files::{Input, Relevant};
use server::Server;

/// How long each change is held before it is taken, so that a burst makes one build: an
/// editor's save is several events (write a temporary file, rename it, set its mode) within a
/// few milliseconds.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// How often the debouncer looks for events that are due. It lets each event go once it is
/// [`DEBOUNCE`] old, so the events of one save, a few milliseconds apart, may come out at two
/// successive ticks.
const TICK: Duration = Duration::from_millis(10);

/// How long the loop waits after a batch of events for the rest of the burst: two ticks.
const GRACE: Duration = Duration::from_millis(20);

/// What one build did.
#[derive(Debug)]
pub struct Build {
    /// The files the build read or named (found or not); their folders are watched.
    pub inputs: Vec<Input>,
    /// `None` when the build wrote the report; otherwise why it did not, one problem a line,
    /// for the overlay.
    pub problems: Option<Vec<String>>,
    /// The report's pages written, for the server to serve; `None` when not serving, or on a
    /// failure.
    pub report: Option<server::Pages>,
}

/// Why the loop wakes up.
enum Wake {
    Changes(DebounceEventResult),
    Stop,
}

type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Why a watch could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot handle Ctrl-C: {0}")]
    CtrlC(#[from] ctrlc::Error),
    #[error("cannot watch files: {0}")]
    Watch(#[from] notify::Error),
}

/// Builds with `build`, then again after every burst of changes to its inputs, until Ctrl-C.
/// `server`, if any, is told of each build. Returns why the watch could not start.
pub fn run(server: Option<Server>, mut build: impl FnMut() -> Build) -> Result<(), WatchError> {
    let (sender, wakes) = mpsc::channel();
    let stopper = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stopper.send(Wake::Stop);
    })?;
    let mut watcher = new_debouncer(DEBOUNCE, Some(TICK), move |changes| {
        let _ = sender.send(Wake::Changes(changes));
    })?;
    let mut inputs = Vec::new();
    let mut watched = BTreeSet::new();
    let mut stale = BTreeSet::new();
    loop {
        let built = build();
        if let Some(server) = &server {
            server.publish(built.problems.as_deref(), built.report);
        }
        inputs = match built.problems {
            // A broken file may not name all it will name once fixed: a failed build only adds.
            Some(_) => union(built.inputs, inputs),
            None => built.inputs,
        };
        let newly_watched = sync(&mut watcher, &mut watched, &files::folders(&inputs), &stale);
        stale.clear();
        if changed_unseen(&inputs, &newly_watched) {
            continue;
        }
        match next_changes(&wakes, &Relevant::new(&inputs, &watched), &watched) {
            Some(folders) => stale = folders,
            None => break,
        }
    }
    if let Some(server) = server {
        server.stop();
    }
    Ok(())
}

/// `newer`, and those of `older` that it does not hold.
fn union(mut newer: Vec<Input>, older: Vec<Input>) -> Vec<Input> {
    let known: BTreeSet<PathBuf> = newer.iter().map(|input| input.path.clone()).collect();
    newer.extend(
        older
            .into_iter()
            .filter(|input| !known.contains(&input.path)),
    );
    newer
}

/// Watches the folders of `wanted` and no others. `stale` folders were themselves deleted or
/// renamed: their watch followed the old folder, so they are watched anew. Returns the folders
/// watched by this call. A folder that cannot be watched is reported and tried again next time.
fn sync(
    watcher: &mut Watcher,
    watched: &mut BTreeSet<PathBuf>,
    wanted: &BTreeSet<PathBuf>,
    stale: &BTreeSet<PathBuf>,
) -> BTreeSet<PathBuf> {
    let dropped: Vec<PathBuf> = watched
        .iter()
        .filter(|folder| !wanted.contains(*folder) || stale.contains(*folder))
        .cloned()
        .collect();
    for folder in dropped {
        // Fails where the watcher already dropped a deleted folder: nothing to undo then.
        let _ = watcher.unwatch(&folder);
        watched.remove(&folder);
    }
    let mut added = BTreeSet::new();
    for folder in wanted.difference(&watched.clone()) {
        match watcher.watch(folder, RecursiveMode::NonRecursive) {
            Ok(()) => {
                watched.insert(folder.clone());
                added.insert(folder.clone());
            }
            Err(error) => eprintln!("warning: cannot watch `{}`: {error}", folder.display()),
        }
    }
    added
}

/// Whether an input in a folder that was not watched while the build ran has changed since the
/// build saw it: that change raised no event, so the build must run again to see it.
fn changed_unseen(inputs: &[Input], newly_watched: &BTreeSet<PathBuf>) -> bool {
    !newly_watched.is_empty()
        && inputs.iter().any(|input| {
            files::folder_of(&input.path).is_some_and(|folder| newly_watched.contains(&folder))
                && input.changed()
        })
}

/// Waits for a change that calls for a rebuild, then for the rest of its burst (until no events
/// come for [`GRACE`]): one rebuild for them all. Returns the watched folders that were
/// themselves deleted or renamed, or `None` on Ctrl-C.
fn next_changes(
    wakes: &Receiver<Wake>,
    relevant: &Relevant,
    watched: &BTreeSet<PathBuf>,
) -> Option<BTreeSet<PathBuf>> {
    let mut rebuild = false;
    let mut stale = BTreeSet::new();
    loop {
        let wake = if rebuild {
            match wakes.recv_timeout(GRACE) {
                Ok(wake) => wake,
                Err(RecvTimeoutError::Timeout) => return Some(stale),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        } else {
            wakes.recv().ok()?
        };
        match wake {
            Wake::Stop => return None,
            Wake::Changes(Ok(events)) => {
                for event in events {
                    rebuild |= relevant.triggers_rebuild(&event);
                    if matches!(
                        event.kind,
                        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
                    ) {
                        let moved = event.paths.iter().filter(|path| watched.contains(*path));
                        stale.extend(moved.cloned());
                    }
                }
            }
            Wake::Changes(Err(errors)) => {
                // The watcher may have lost events: build again rather than miss a change.
                for error in errors {
                    eprintln!("warning: watching files: {error}");
                }
                rebuild = true;
            }
        }
    }
}
