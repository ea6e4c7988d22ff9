//! Go to definition and find references, for every id: across the project's files and into the
//! standard library (its read-only copies, see [`super::library`]).

use lsp_types::Location;

use super::snapshot::Symbol;
use super::world::{InFile, World};

/// Where the id at byte `offset` is declared.
pub fn definition(world: &World, at: &InFile<'_>, offset: usize) -> Option<Location> {
    let occurrence = at.snapshot.occurrence_at(at.file, offset)?;
    let Symbol::Item(id) = occurrence.symbol else {
        return None;
    };
    world.location(at.snapshot, at.snapshot.model().item(id).id.span)
}

/// Every place the id at byte `offset` is written, its declaration first when asked for.
pub fn references(
    world: &World,
    at: &InFile<'_>,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(occurrence) = at.snapshot.occurrence_at(at.file, offset) else {
        return Vec::new();
    };
    at.snapshot
        .occurrences_of(occurrence.symbol)
        .into_iter()
        .filter(|o| include_declaration || !o.is_declaration)
        .filter_map(|o| world.location(at.snapshot, o.span))
        .collect()
}
