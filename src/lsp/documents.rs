//! The documents the editor has open, with their current (maybe unsaved) text, and the project
//! each belongs to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::project::{self, ENTRY_FILE_NAME, Overlay};

/// One open document.
pub struct Document {
    pub uri: Uri,
    /// The file's identity (see [`project::file_identity`]).
    pub path: PathBuf,
    pub text: String,
    /// The project's entry: the `scorecard.kpi` at or above the file, else the file itself.
    pub entry: PathBuf,
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

impl Documents {
    /// Opens a document; `None` for a URI that is no file.
    pub fn open(&mut self, uri: Uri, text: String) -> Option<&Document> {
        let path = project::file_identity(&convert::uri_to_path(&uri)?);
        let entry = entry_of(&path);
        let document = Document {
            uri: uri.clone(),
            path,
            text,
            entry,
        };
        self.open.insert(uri.clone(), document);
        self.open.get(&uri)
    }

    /// Applies the changes of a `didChange`, in order: a change with a range replaces it, one
    /// without replaces the whole text.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Option<&Document> {
        let document = self.open.get_mut(uri)?;
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = convert::offset_in_text(&document.text, range.start);
                    let end = convert::offset_in_text(&document.text, range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
                None => document.text = change.text,
            }
        }
        Some(document)
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    /// The open document of a file, by its identity.
    pub fn by_path(&self, path: &Path) -> Option<&Document> {
        self.open.values().find(|document| document.path == path)
    }

    /// Whether any open document belongs to the project of `entry`.
    pub fn any_in(&self, entry: &Path) -> bool {
        self.open.values().any(|document| document.entry == entry)
    }

    /// The open documents' texts, for a check to read instead of the files.
    pub fn overlay(&self) -> Overlay {
        self.open
            .values()
            .map(|document| (document.path.clone(), document.text.clone()))
            .collect()
    }

    /// The open documents' URIs, by file identity.
    pub fn uris(&self) -> HashMap<PathBuf, Uri> {
        self.open
            .values()
            .map(|document| (document.path.clone(), document.uri.clone()))
            .collect()
    }
}

/// The project a file belongs to: the `scorecard.kpi` in its folder or the nearest one above
/// (as `kpic check` finds a project's entry), else the file on its own.
pub fn entry_of(path: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .map(|folder| folder.join(ENTRY_FILE_NAME))
        .find(|entry| entry.is_file())
        .unwrap_or_else(|| path.to_path_buf())
}
