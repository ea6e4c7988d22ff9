//! The checks, on a thread of their own so that requests are answered while a project is being
//! checked: each check loads the project with the open documents' texts (reusing the parses of
//! unchanged files), publishes its diagnostics and hands the new [`Snapshot`] back.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::request::{InlayHintRefreshRequest, Request as _};
use lsp_types::{Diagnostic, Location, PublishDiagnosticsParams, Uri};

use super::convert;
use super::snapshot::Snapshot;
use crate::diagnostics::Level;
use crate::pipeline::{CheckOptions, check_project};
use crate::project::{self, Overlay, Parses};
use crate::source::{Origin, Span};

/// The stack of the checking thread: formulas and imports are walked recursively (as the
/// command line's, see `cli::crash`).
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// What the checking thread is asked to do.
pub enum Job {
    /// Check the project of `entry` with the open documents' texts.
    Check {
        entry: PathBuf,
        overlay: Overlay,
        /// The client's URI of each open document, by file identity: diagnostics go to the
        /// URI the editor knows the file by.
        uris: HashMap<PathBuf, Uri>,
    },
    /// The project has no open document left: clear its diagnostics and forget it.
    Forget { entry: PathBuf },
}

/// The handle of the checking thread.
pub struct Checker {
    jobs: Sender<Job>,
    pub snapshots: Receiver<Arc<Snapshot>>,
}

impl Checker {
    /// Starts the thread; it publishes diagnostics on `client` itself, and asks it to refresh
    /// its inlay hints after each check where `refresh_hints`.
    pub fn start(client: Sender<Message>, refresh_hints: bool) -> std::io::Result<Checker> {
        let (jobs, job_queue) = crossbeam_channel::unbounded();
        let (done, snapshots) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("kpic-lsp-check".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                let worker = Worker {
                    refresh_hints,
                    parses: HashMap::new(),
                    published: HashMap::new(),
                };
                worker.run(&job_queue, &client, &done)
            })?;
        Ok(Checker { jobs, snapshots })
    }

    pub fn send(&self, job: Job) {
        // The thread only ends when this handle is dropped.
        let _ = self.jobs.send(job);
    }
}

/// The checking thread's memory of each project.
struct Worker {
    /// Whether the editor re-asks for inlay hints when told to (they change once the KPIs
    /// are scored).
    refresh_hints: bool,
    parses: HashMap<PathBuf, Parses>,
    /// The diagnostics each project last published, by URI: to clear those of the files it no
    /// longer has, and not to send the same again.
    published: HashMap<PathBuf, HashMap<Uri, Vec<Diagnostic>>>,
}

impl Worker {
    fn run(mut self, jobs: &Receiver<Job>, client: &Sender<Message>, done: &Sender<Arc<Snapshot>>) {
        while let Ok(first) = jobs.recv() {
            // Of the jobs queued meanwhile, only the last for each project counts.
            let mut latest: Vec<Job> = vec![first];
            latest.extend(jobs.try_iter());
            let mut seen = HashSet::new();
            let mut batch: Vec<Job> = latest
                .into_iter()
                .rev()
                .filter(|job| seen.insert(job_entry(job).clone()))
                .collect();
            batch.reverse();
            for job in batch {
                match job {
                    Job::Check {
                        entry,
                        overlay,
                        uris,
                    } => {
                        let checked = catch_unwind(AssertUnwindSafe(|| {
                            let snapshot = Arc::new(self.check(&entry, overlay)?);
                            // The snapshot goes to the server before the diagnostics go to the
                            // editor, which may ask about them at once.
                            let _ = done.send(snapshot.clone());
                            self.publish(&snapshot, &uris, client);
                            // Scoring waits for no one: with an edit queued, the next snapshot
                            // scores instead.
                            if jobs.is_empty() {
                                let started = Instant::now();
                                snapshot.score();
                                eprintln!(
                                    "kpic lsp: scored the KPIs in {} ms",
                                    started.elapsed().as_millis()
                                );
                                if self.refresh_hints {
                                    refresh_inlay_hints(client);
                                }
                            }
                            Some(())
                        }));
                        if checked.is_err() {
                            // The panic hook has said what broke; the next change tries again
                            // from scratch.
                            self.parses.remove(&entry);
                        }
                    }
                    Job::Forget { entry } => {
                        self.parses.remove(&entry);
                        let published = self.published.remove(&entry).unwrap_or_default();
                        for uri in published.into_keys() {
                            publish(client, uri, Vec::new());
                        }
                    }
                }
            }
        }
    }

    /// Checks one project; `None` when it cannot be loaded.
    fn check(&mut self, entry: &Path, overlay: Overlay) -> Option<Snapshot> {
        let started = Instant::now();
        let parses = self.parses.entry(entry.to_path_buf()).or_default();
        let project = match project::load_overlaid(entry, parses, overlay) {
            Ok(project) => project,
            Err(error) => {
                eprintln!("kpic lsp: cannot load `{}`: {error}", entry.display());
                return None;
            }
        };
        let outcome = check_project(project, &CheckOptions::default());
        eprintln!(
            "kpic lsp: checked `{}` in {} ms",
            entry.display(),
            started.elapsed().as_millis()
        );
        Some(Snapshot::new(entry.to_path_buf(), outcome))
    }

    /// Publishes the diagnostics of every file of a checked project (an empty list for a file
    /// without findings, so that the editor clears what it showed), and clears those of the
    /// files the project no longer has.
    fn publish(
        &mut self,
        snapshot: &Snapshot,
        uris: &HashMap<PathBuf, Uri>,
        client: &Sender<Message>,
    ) {
        let sources = snapshot.sources();
        let uri_of = |path: &PathBuf| {
            uris.get(path)
                .cloned()
                .unwrap_or_else(|| convert::path_to_uri(path))
        };
        let locate = |span: Span| {
            let file = sources.get(span.file);
            match &file.origin {
                Origin::Disk(path) => Some(Location::new(uri_of(path), convert::range(file, span))),
                Origin::Stdlib(_) => None,
            }
        };
        let mut by_uri: HashMap<Uri, Vec<Diagnostic>> = HashMap::new();
        for (_, file) in sources.iter() {
            if let Origin::Disk(path) = &file.origin {
                by_uri.entry(uri_of(path)).or_default();
            }
        }
        let shown = snapshot
            .outcome
            .findings
            .iter()
            .filter(|f| f.level != Level::Allow);
        for finding in shown {
            let file = sources.get(finding.primary.span.file);
            // Findings in the standard library are not the project's to fix.
            let Origin::Disk(path) = &file.origin else {
                continue;
            };
            by_uri
                .entry(uri_of(path))
                .or_default()
                .push(convert::diagnostic(finding, file, locate));
        }
        // A file that is not open and whose diagnostics did not change is not sent again (a
        // large project has hundreds of files, most without findings).
        let before = self.published.remove(&snapshot.entry).unwrap_or_default();
        for uri in before.keys().filter(|uri| !by_uri.contains_key(*uri)) {
            publish(client, uri.clone(), Vec::new());
        }
        let open: HashSet<&Uri> = uris.values().collect();
        for (uri, diagnostics) in &by_uri {
            if open.contains(uri) || before.get(uri) != Some(diagnostics) {
                publish(client, uri.clone(), diagnostics.clone());
            }
        }
        let now = by_uri;
        self.published.insert(snapshot.entry.clone(), now);
    }
}

fn job_entry(job: &Job) -> &PathBuf {
    match job {
        Job::Check { entry, .. } | Job::Forget { entry } => entry,
    }
}

/// Asks the editor for the inlay hints again (`workspace/inlayHint/refresh`); the answer is
/// not waited for.
fn refresh_inlay_hints(client: &Sender<Message>) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = format!(
        "kpic-inlay-refresh-{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let request = Request::new(
        RequestId::from(id),
        InlayHintRefreshRequest::METHOD.to_string(),
        (),
    );
    let _ = client.send(request.into());
}

fn publish(client: &Sender<Message>, uri: Uri, diagnostics: Vec<Diagnostic>) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
    let _ = client.send(notification.into());
}
