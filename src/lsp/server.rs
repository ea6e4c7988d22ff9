//! The server's loop: messages from the editor, snapshots from the checking thread, and the
//! checks that fall due once a burst of changes has settled.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{after, never, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    InlayHintRequest, PrepareRenameRequest, References, RegisterCapability, Rename, Request as _,
    WorkspaceSymbolRequest,
};
use lsp_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializeParams,
    Registration, RegistrationParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::checker::{Checker, Job};
use super::snapshot::Snapshot;
use super::world::World;
use super::{actions, complete, convert, hover, inlay, navigate, rename, symbols};

/// How long after the last change a project is checked: the changes of one editor action
/// (a paste, a multi-cursor edit, an undo) make one check. Kept short, since it adds to the time
/// until the diagnostics show; keystrokes coming faster than checks are merged by the checking
/// thread, which checks only the last text queued.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// The file changes on disk that call for a check: sources and the data files' forms.
const WATCHED: &str = "**/*.{kpi,csv,json,ndjson}";

/// Why the loop ended.
pub enum Ending {
    /// `shutdown` then `exit`, or the editor closed the connection.
    Shutdown,
    /// `exit` without `shutdown` (LSP: exit code 1).
    ExitWithoutShutdown,
}

pub struct Server<'c> {
    connection: &'c Connection,
    world: World,
    checker: Checker,
    /// When each project is due to be checked.
    due: HashMap<PathBuf, Instant>,
    next_request: i32,
}

impl<'c> Server<'c> {
    pub fn new(connection: &'c Connection, world: World, checker: Checker) -> Server<'c> {
        Server {
            connection,
            world,
            checker,
            due: HashMap::new(),
            next_request: 0,
        }
    }

    /// Asks the editor to send changes to the sources and data files on disk, if it lets
    /// servers register for them (VS Code's client registers its own watchers).
    pub fn watch_files(&mut self, params: &InitializeParams) {
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(WATCHED.into()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "kpic-watched-files".into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(self.next_request),
            RegisterCapability::METHOD.into(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(request.into());
    }

    pub fn run(mut self) -> Ending {
        let connection = self.connection;
        let snapshots = self.checker.snapshots.clone();
        loop {
            let wait = match self.due.values().min() {
                Some(&when) => after(when.saturating_duration_since(Instant::now())),
                None => never(),
            };
            select! {
                recv(connection.receiver) -> message => match message {
                    Ok(Message::Request(request)) => {
                        // A request is answered from the newest snapshot there is: the editor may
                        // ask about diagnostics it has just received.
                        for snapshot in snapshots.try_iter() {
                            self.install(snapshot);
                        }
                        match connection.handle_shutdown(&request) {
                            Ok(true) => return Ending::Shutdown,
                            Ok(false) => self.on_request(request),
                            Err(error) => {
                                eprintln!("kpic lsp: {error}");
                                return Ending::Shutdown;
                            }
                        }
                    }
                    Ok(Message::Notification(notification)) => {
                        if notification.method == "exit" {
                            return Ending::ExitWithoutShutdown;
                        }
                        self.on_notification(notification);
                    }
                    Ok(Message::Response(_)) => {}
                    Err(_) => return Ending::Shutdown,
                },
                recv(snapshots) -> snapshot => {
                    if let Ok(snapshot) = snapshot {
                        self.install(snapshot);
                    }
                },
                recv(wait) -> _ => {},
            }
            self.start_due_checks();
        }
    }

    /// Keeps a project's new snapshot, unless its last document was closed meanwhile.
    fn install(&mut self, snapshot: Arc<Snapshot>) {
        if self.world.documents.any_in(&snapshot.entry) {
            self.world.projects.insert(snapshot.entry.clone(), snapshot);
        }
    }

    fn send(&self, message: Message) {
        // Fails only once the editor is gone; the loop then ends on the closed receiver.
        let _ = self.connection.sender.send(message);
    }

    fn start_due_checks(&mut self) {
        let now = Instant::now();
        let due: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, when)| **when <= now)
            .map(|(entry, _)| entry.clone())
            .collect();
        for entry in due {
            self.due.remove(&entry);
            self.checker.send(Job::Check {
                entry,
                overlay: self.world.documents.overlay(),
                uris: self.world.documents.uris(),
            });
        }
    }

    fn schedule(&mut self, entry: PathBuf) {
        self.due.insert(entry, Instant::now() + DEBOUNCE);
    }

    fn on_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(params) =
                    parse::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let document = params.text_document;
                if let Some(opened) = self.world.documents.open(document.uri, document.text)
                    && self.world.library.module_of(&opened.path).is_none()
                {
                    let entry = opened.entry.clone();
                    self.schedule(entry);
                }
            }
            DidChangeTextDocument::METHOD => {
                let Some(params) =
                    parse::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let uri = params.text_document.uri;
                if let Some(changed) = self.world.documents.change(&uri, params.content_changes) {
                    let entry = changed.entry.clone();
                    self.schedule(entry);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Some(params) =
                    parse::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let Some(closed) = self.world.documents.close(&params.text_document.uri) else {
                    return;
                };
                if self.world.documents.any_in(&closed.entry) {
                    // The file is read from disk again.
                    self.schedule(closed.entry);
                } else {
                    self.due.remove(&closed.entry);
                    self.world.projects.remove(&closed.entry);
                    self.checker.send(Job::Forget {
                        entry: closed.entry,
                    });
                }
            }
            DidChangeWatchedFiles::METHOD => {
                // A data file or source changed on disk: check every open project again (a data
                // file may be named from anywhere).
                let entries: Vec<PathBuf> = self
                    .world
                    .documents
                    .iter()
                    .map(|document| document.entry.clone())
                    .collect();
                for entry in entries {
                    self.schedule(entry);
                }
            }
            _ => {}
        }
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        // A bug in answering one request is that request's error, not the end of the server.
        let answered = catch_unwind(AssertUnwindSafe(|| self.answer(request)));
        let response = match answered {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(Refusal { code, message })) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "kpic lsp failed to answer (a bug in kpic: see its log)".into(),
            ),
        };
        self.send(response.into());
    }

    /// The result of a request: an empty one where it cannot be answered, an error only for a
    /// refused rename or a request the server does not know.
    fn answer(&self, request: Request) -> Result<Value, Refusal> {
        let world = &self.world;
        let result = match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = params(request.params)?;
                let at = params.text_document_position_params;
                to_json(
                    world
                        .at(&at.text_document.uri, at.position)
                        .and_then(|(file, offset)| hover::hover(&file, offset)),
                )
            }
            GotoDefinition::METHOD => {
                let params: lsp_types::GotoDefinitionParams = params(request.params)?;
                let at = params.text_document_position_params;
                to_json(
                    world
                        .at(&at.text_document.uri, at.position)
                        .and_then(|(file, offset)| navigate::definition(world, &file, offset)),
                )
            }
            References::METHOD => {
                let params: lsp_types::ReferenceParams = params(request.params)?;
                let at = params.text_document_position;
                let include = params.context.include_declaration;
                to_json(
                    world
                        .at(&at.text_document.uri, at.position)
                        .map(|(file, offset)| navigate::references(world, &file, offset, include))
                        .unwrap_or_default(),
                )
            }
            PrepareRenameRequest::METHOD => {
                let params: lsp_types::TextDocumentPositionParams = params(request.params)?;
                let (file, offset) = world
                    .at(&params.text_document.uri, params.position)
                    .ok_or_else(|| Refusal::failed("the project has not been checked yet"))?;
                let (_, range) = rename::prepare(&file, offset).map_err(Refusal::failed)?;
                to_json(range)
            }
            Rename::METHOD => {
                let params: lsp_types::RenameParams = params(request.params)?;
                let at = params.text_document_position;
                let (file, offset) = world
                    .at(&at.text_document.uri, at.position)
                    .ok_or_else(|| Refusal::failed("the project has not been checked yet"))?;
                let edit = rename::rename(world, &file, offset, &params.new_name)
                    .map_err(Refusal::failed)?;
                to_json(edit)
            }
            Completion::METHOD => {
                let params: lsp_types::CompletionParams = params(request.params)?;
                let at = params.text_document_position;
                let items = world
                    .documents
                    .get(&at.text_document.uri)
                    .map(|document| {
                        let offset = convert::offset_in_text(&document.text, at.position);
                        let snapshot = world.projects.get(&document.entry);
                        complete::complete(&document.text, offset, snapshot.map(|s| &**s))
                    })
                    .unwrap_or_default();
                to_json(items)
            }
            DocumentSymbolRequest::METHOD => {
                let params: lsp_types::DocumentSymbolParams = params(request.params)?;
                to_json(
                    world
                        .file(&params.text_document.uri)
                        .map(|file| symbols::document(&file))
                        .unwrap_or_default(),
                )
            }
            WorkspaceSymbolRequest::METHOD => {
                let params: lsp_types::WorkspaceSymbolParams = params(request.params)?;
                to_json(symbols::workspace(world, &params.query))
            }
            Formatting::METHOD => {
                let params: lsp_types::DocumentFormattingParams = params(request.params)?;
                to_json(
                    world
                        .documents
                        .get(&params.text_document.uri)
                        .map(|document| actions::format(&document.text))
                        .unwrap_or_default(),
                )
            }
            CodeActionRequest::METHOD => {
                let params: lsp_types::CodeActionParams = params(request.params)?;
                to_json(
                    world
                        .file(&params.text_document.uri)
                        .map(|file| actions::code_actions(world, &file, params.range))
                        .unwrap_or_default(),
                )
            }
            InlayHintRequest::METHOD => {
                let params: lsp_types::InlayHintParams = params(request.params)?;
                to_json(
                    world
                        .file(&params.text_document.uri)
                        .map(|file| inlay::hints(&file, params.range))
                        .unwrap_or_default(),
                )
            }
            method => {
                return Err(Refusal {
                    code: ErrorCode::MethodNotFound,
                    message: format!("kpic lsp does not answer `{method}`"),
                });
            }
        };
        Ok(result)
    }
}

/// An error response.
struct Refusal {
    code: ErrorCode,
    message: String,
}

impl Refusal {
    fn failed(message: impl Into<String>) -> Refusal {
        Refusal {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, Refusal> {
    serde_json::from_value(value).map_err(|error| Refusal {
        code: ErrorCode::InvalidParams,
        message: error.to_string(),
    })
}

/// A notification's parameters; `None` (and a line on standard error) when they do not read.
fn parse<P: DeserializeOwned>(value: Value) -> Option<P> {
    serde_json::from_value(value)
        .map_err(|error| eprintln!("kpic lsp: a notification's parameters: {error}"))
        .ok()
}

fn to_json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
