//! Inlay hints: after each KPI's title, its latest status and actual (`● 42.1% green`).

use lsp_types::{InlayHint, InlayHintKind, InlayHintLabel, InlayHintTooltip, Range};

use super::convert;
use super::hover::quantity;
use super::world::InFile;
use crate::source::SourceFile;

/// The hints of the KPIs whose titles lie in `range` of a file.
pub fn hints(at: &InFile<'_>, range: Range) -> Vec<InlayHint> {
    let snapshot = at.snapshot;
    let file = snapshot.sources().get(at.file);
    let mut hints = Vec::new();
    let Some(scored) = snapshot.figures.get() else {
        return hints;
    };
    for (id, figures) in scored {
        let item = snapshot.model().item(*id);
        if item.id.span.file != at.file {
            continue;
        }
        let Some(title_end) = title_end(file, item.id.span.end as usize) else {
            continue;
        };
        let position = convert::position(file, title_end);
        if position < range.start || range.end < position {
            continue;
        }
        let actual = figures.actual.map_or("no actual".to_string(), |value| {
            quantity(value, figures.unit.as_deref())
        });
        hints.push(InlayHint {
            position,
            label: InlayHintLabel::String(format!("● {actual} {}", figures.status.name())),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(format!(
                "latest: {} (as of the last check)",
                figures.period
            ))),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    hints.sort_by_key(|hint| hint.position);
    hints
}

/// The offset just after the string that follows `after` (blanks between): a declaration's
/// title after its id.
fn title_end(file: &SourceFile, after: usize) -> Option<usize> {
    let text = file.text.get(after..)?;
    let start = text.len() - text.trim_start().len();
    let mut chars = text[start..].char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut escaped = false;
    for (at, c) in chars {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(after + start + at + 1),
            _ => escaped = false,
        }
    }
    None
}
