//! `kpic lsp`: a language server over standard input and output (JSON-RPC, LSP 3.17).
//!
//! The editor's open documents are checked as `kpic check` checks their project (the folder
//! holding `scorecard.kpi` at or above the file), their unsaved text included, on a thread of
//! its own ([`checker`]) a short while after each change; the diagnostics go straight to the
//! editor. Every request is answered from the last [`snapshot`] of the project, never by
//! checking again: hover, definition, references, rename, completion, symbols, formatting, code
//! actions and inlay hints. See docs/lsp.md.

// `lsp_types::Uri` caches a parse in a `Cell`, but hashes and compares by its text alone: it is
// a sound key, and the protocol's own `WorkspaceEdit` is keyed by it.
#![allow(clippy::mutable_key_type)]

mod actions;
mod checker;
mod complete;
mod convert;
mod documents;
mod hover;
mod inlay;
mod library;
mod navigate;
mod rename;
mod server;
mod snapshot;
mod symbols;
mod world;

use lsp_server::Connection;
use lsp_types::{
    CompletionOptions, HoverProviderCapability, InitializeParams, OneOf, RenameOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    WorkDoneProgressOptions,
};

use checker::Checker;
use library::LibraryFiles;
use server::{Ending, Server};
use world::World;

/// Why the server stopped other than by `shutdown` and `exit`.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    #[error("the protocol: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the initialize request: {0}")]
    Initialize(#[from] serde_json::Error),
    #[error("the editor sent `exit` before `shutdown`")]
    ExitWithoutShutdown,
}

/// What the server offers, as the `initialize` response says it.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into(), "(".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves the editor on standard input and output until it says `shutdown` and `exit`.
pub fn run() -> Result<(), LspError> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "kpic".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let refresh_hints = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.inlay_hint.as_ref())
        .and_then(|hints| hints.refresh_support)
        .unwrap_or(false);
    let checker = Checker::start(connection.sender.clone(), refresh_hints)?;
    let mut server = Server::new(&connection, World::new(LibraryFiles::write()), checker);
    server.watch_files(&params);
    let ending = server.run();
    drop(connection); // closes the writer thread's channel, so that it ends
    io_threads.join()?;
    match ending {
        Ending::Shutdown => Ok(()),
        Ending::ExitWithoutShutdown => Err(LspError::ExitWithoutShutdown),
    }
}
