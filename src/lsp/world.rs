//! What a request is answered from: the open documents, the last snapshot of each project and
//! the standard library's files; and the way from a document position to a place of a snapshot
//! and back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Location, Position, Uri};

use super::convert;
use super::documents::{Documents, entry_of};
use super::library::LibraryFiles;
use super::snapshot::Snapshot;
use crate::project;
use crate::source::{FileId, Origin, Span};

pub struct World {
    pub documents: Documents,
    /// The last snapshot of each project, by entry.
    pub projects: HashMap<PathBuf, Arc<Snapshot>>,
    pub library: LibraryFiles,
}

/// A file of a snapshot.
pub struct InFile<'w> {
    pub snapshot: &'w Snapshot,
    pub file: FileId,
}

impl World {
    pub fn new(library: LibraryFiles) -> World {
        World {
            documents: Documents::default(),
            projects: HashMap::new(),
            library,
        }
    }

    /// The snapshot holding the document at `uri`, and its file there: the project's, or for a
    /// copy of a standard library module, any project that uses the module.
    pub fn file(&self, uri: &Uri) -> Option<InFile<'_>> {
        let path = project::file_identity(&convert::uri_to_path(uri)?);
        if let Some(module) = self.library.module_of(&path) {
            let origin = Origin::Stdlib(module);
            return self.projects.values().find_map(|snapshot| {
                let file = snapshot.file(&origin)?;
                Some(InFile { snapshot, file })
            });
        }
        let entry = match self.documents.get(uri) {
            Some(document) => document.entry.clone(),
            None => entry_of(&path),
        };
        let snapshot = self.projects.get(&entry)?;
        let file = snapshot.file(&Origin::Disk(path))?;
        Some(InFile { snapshot, file })
    }

    /// [`World::file`] and the byte offset of `position` in the file as it was checked.
    pub fn at(&self, uri: &Uri, position: Position) -> Option<(InFile<'_>, usize)> {
        let in_file = self.file(uri)?;
        let text = in_file.snapshot.sources().get(in_file.file);
        let offset = convert::offset(text, position);
        Some((in_file, offset))
    }

    /// The URI of a loaded file: the editor's for an open document, the copy's for a module of
    /// the standard library.
    pub fn uri(&self, origin: &Origin) -> Option<Uri> {
        match origin {
            Origin::Disk(path) => Some(self.disk_uri(path)),
            Origin::Stdlib(module) => Some(convert::path_to_uri(&self.library.path(module)?)),
        }
    }

    fn disk_uri(&self, path: &Path) -> Uri {
        match self.documents.by_path(path) {
            Some(document) => document.uri.clone(),
            None => convert::path_to_uri(path),
        }
    }

    /// The location of a span of a snapshot.
    pub fn location(&self, snapshot: &Snapshot, span: Span) -> Option<Location> {
        let file = snapshot.sources().get(span.file);
        Some(Location::new(
            self.uri(&file.origin)?,
            convert::range(file, span),
        ))
    }

    /// Whether every open document of the snapshot's project has the text it was checked with:
    /// edits computed from the snapshot's places are then right for the editor's text.
    pub fn is_current(&self, snapshot: &Snapshot) -> bool {
        self.documents
            .iter()
            .filter(|document| document.entry == snapshot.entry)
            .all(|document| {
                let origin = Origin::Disk(document.path.clone());
                snapshot
                    .file(&origin)
                    .is_none_or(|file| snapshot.sources().get(file).text == document.text)
            })
    }
}
