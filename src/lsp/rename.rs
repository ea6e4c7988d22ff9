//! Rename of a project id: its declaration and every reference, in every file of the project.
//! Refused, with the reason, for an id of the standard library, a name already taken and a
//! name that is no id.

use std::collections::HashMap;

use lsp_types::{Range, TextEdit, Uri, WorkspaceEdit};

use super::convert;
use super::snapshot::Symbol;
use super::world::{InFile, World};
use crate::semantic::model::ItemId;
use crate::source::Origin;

/// The id at byte `offset` that may be renamed, and its range; why not otherwise.
pub fn prepare(at: &InFile<'_>, offset: usize) -> Result<(ItemId, Range), String> {
    let snapshot = at.snapshot;
    let occurrence = snapshot
        .occurrence_at(at.file, offset)
        .ok_or("there is no id here to rename")?;
    let Symbol::Item(id) = occurrence.symbol else {
        return Err("a rule's name cannot be renamed".into());
    };
    let item = snapshot.model().item(id);
    if item.from_stdlib {
        return Err(format!(
            "`{}` is declared in the standard library, which cannot be renamed",
            item.id.node
        ));
    }
    let file = snapshot.sources().get(at.file);
    Ok((id, convert::range(file, occurrence.span)))
}

/// The edits that rename the id at byte `offset` to `new_name`.
pub fn rename(
    world: &World,
    at: &InFile<'_>,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let (id, _) = prepare(at, offset)?;
    let snapshot = at.snapshot;
    let old_name = &snapshot.model().item(id).id.node;
    if !is_id(new_name) {
        return Err(format!(
            "`{new_name}` is not an id: ids are lower case letters, digits and `_`, not starting \
             with a digit"
        ));
    }
    if new_name == old_name {
        return Ok(WorkspaceEdit::default());
    }
    let model = &snapshot.model();
    if let Some(&taken) = model
        .names
        .get(new_name)
        .or_else(|| model.library_names.get(new_name))
    {
        return Err(format!(
            "`{new_name}` is already {} ({})",
            model.item(taken).kind().article_name(),
            model.item(taken).title
        ));
    }
    if !world.is_current(snapshot) {
        return Err("the project is being checked again; rename once it is".into());
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for occurrence in snapshot.occurrences_of(Symbol::Item(id)) {
        let file = snapshot.sources().get(occurrence.span.file);
        if !matches!(file.origin, Origin::Disk(_)) {
            continue;
        }
        let Some(location) = world.location(snapshot, occurrence.span) else {
            continue;
        };
        changes
            .entry(location.uri)
            .or_default()
            .push(TextEdit::new(location.range, new_name.to_string()));
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// Whether `name` is an id: `[a-z_][a-z0-9_]*`.
fn is_id(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
