//! Document symbols (the outline of a file: each declaration with its id and title) and
//! workspace symbols (the declarations of every checked project whose id or title matches).

use lsp_types::{DocumentSymbol, OneOf, SymbolKind, WorkspaceSymbol};

use super::convert;
use super::world::{InFile, World};
use crate::semantic::model::Kind;

fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Perspective => SymbolKind::NAMESPACE,
        Kind::Objective => SymbolKind::CLASS,
        Kind::Metric => SymbolKind::VARIABLE,
        Kind::Kpi => SymbolKind::PROPERTY,
        Kind::Initiative => SymbolKind::EVENT,
        Kind::Function => SymbolKind::FUNCTION,
        Kind::Org => SymbolKind::MODULE,
    }
}

/// The declarations of a file, in the order written.
pub fn document(at: &InFile<'_>) -> Vec<DocumentSymbol> {
    let snapshot = at.snapshot;
    let file = snapshot.sources().get(at.file);
    let mut symbols: Vec<(u32, DocumentSymbol)> = Vec::new();
    if let Some(scorecard) = snapshot
        .model()
        .scorecard
        .as_ref()
        .filter(|s| s.span.file == at.file)
    {
        #[allow(deprecated)] // `deprecated` is a field every client still reads
        let symbol = DocumentSymbol {
            name: scorecard.title.clone(),
            detail: Some("scorecard".into()),
            kind: SymbolKind::FILE,
            tags: None,
            deprecated: None,
            range: convert::range(file, scorecard.declaration),
            selection_range: convert::range(file, scorecard.span),
            children: None,
        };
        symbols.push((scorecard.declaration.start, symbol));
    }
    for id in snapshot.model().ids() {
        let item = snapshot.model().item(id);
        if item.id.span.file != at.file {
            continue;
        }
        #[allow(deprecated)]
        let symbol = DocumentSymbol {
            name: item.id.node.clone(),
            detail: Some(item.title.clone()),
            kind: symbol_kind(item.kind()),
            tags: None,
            deprecated: None,
            range: convert::range(file, item.span),
            selection_range: convert::range(file, item.id.span),
            children: None,
        };
        symbols.push((item.span.start, symbol));
    }
    symbols.sort_by_key(|(start, _)| *start);
    symbols.into_iter().map(|(_, symbol)| symbol).collect()
}

/// The declarations of the checked projects (the standard library's too) whose id or title
/// holds `query`, ignoring case; each once.
pub fn workspace(world: &World, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut seen = std::collections::HashSet::new();
    let mut symbols = Vec::new();
    for snapshot in world.projects.values() {
        for id in snapshot.model().ids() {
            let item = snapshot.model().item(id);
            let matches = item.id.node.to_lowercase().contains(&query)
                || item.title.to_lowercase().contains(&query);
            if !matches {
                continue;
            }
            let Some(location) = world.location(snapshot, item.id.span) else {
                continue;
            };
            if !seen.insert((location.uri.clone(), location.range.start)) {
                continue;
            }
            symbols.push(WorkspaceSymbol {
                name: item.id.node.clone(),
                kind: symbol_kind(item.kind()),
                tags: None,
                container_name: Some(item.title.clone()),
                location: OneOf::Left(location),
                data: None,
            });
        }
    }
    symbols.sort_by(|a, b| a.name.cmp(&b.name));
    symbols
}
