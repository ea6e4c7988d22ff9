//! Edits the server offers: the whole document formatted as `kpic fmt` would, and code actions
//! that make the certain fixes of the findings in a range.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::world::{InFile, World};
use crate::diagnostics::{Fix, Level};
use crate::fmt;

/// The edit that formats `text`: none when it is formatted already or does not parse.
pub fn format(text: &str) -> Vec<TextEdit> {
    match fmt::format(text) {
        Ok(formatted) if formatted != text => {
            let end = convert::position_in_text(text, text.len());
            vec![TextEdit::new(
                Range::new(Position::new(0, 0), end),
                formatted,
            )]
        }
        _ => Vec::new(),
    }
}

/// A quick fix for each finding of the file whose primary place meets `range` and that has a
/// certain fix; none while the project is being checked again (the places may have moved).
pub fn code_actions(world: &World, at: &InFile<'_>, range: Range) -> Vec<CodeActionOrCommand> {
    let snapshot = at.snapshot;
    if !world.is_current(snapshot) {
        return Vec::new();
    }
    let file = snapshot.sources().get(at.file);
    let (start, end) = (
        convert::offset(file, range.start) as u32,
        convert::offset(file, range.end) as u32,
    );
    snapshot
        .outcome
        .findings
        .iter()
        .filter(|finding| finding.level != Level::Allow)
        .filter(|finding| {
            let span = finding.primary.span;
            span.file == at.file && span.start <= end && start <= span.end
        })
        .filter_map(|finding| {
            let fix = finding.fix.as_ref()?;
            let diagnostic =
                convert::diagnostic(finding, file, |span| world.location(snapshot, span));
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(workspace_edit(world, at, fix)?),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

fn workspace_edit(world: &World, at: &InFile<'_>, fix: &Fix) -> Option<WorkspaceEdit> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let location = world.location(at.snapshot, edit.span)?;
        changes
            .entry(location.uri)
            .or_default()
            .push(TextEdit::new(location.range, edit.text.clone()));
    }
    Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}
