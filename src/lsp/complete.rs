//! Completion by what is expected at the cursor, found from the text before it (the document's
//! current text, which may not parse): ids of the expected kind after a keyword that names one,
//! in formulas the metrics, KPIs and functions, property keywords inside a block, units, rule
//! names in attributes and lint blocks, and `std.` modules after `use`.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Range, TextEdit};

use super::convert;
use super::snapshot::Snapshot;
use crate::diagnostics::Rule;
use crate::semantic::model::{Builtin, Kind};
use crate::stdlib;

/// The keywords that start a declaration.
const DECLARATIONS: &[&str] = &[
    "scorecard",
    "use",
    "perspective",
    "objective",
    "metric",
    "kpi",
    "initiative",
    "fn",
    "org",
];

/// The units every project has (LANGUAGE.md, "Units"); a project's own are added.
const UNITS: &[&str] = &[
    "%", "EUR", "USD", "GBP", "CHF", "count", "days", "hours", "minutes", "years", "points",
];

const FREQUENCIES: &[&str] = &[
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "halfyearly",
    "yearly",
];

/// The property keywords of each kind of block, by the keyword that opens it.
fn properties(block: &str) -> &'static [&'static str] {
    const METRIC: &[&str] = &["unit", "formula", "column", "aggregate", "description"];
    match block {
        "scorecard" => &[
            "owner",
            "period",
            "frequency",
            "tolerance",
            "year_start",
            "review",
            "data",
            "targets",
            "lint",
        ],
        "perspective" => &["weight", "description"],
        "objective" => &[
            "perspective",
            "owner",
            "weight",
            "drives",
            "description",
            "for",
        ],
        "metric" => METRIC,
        "kpi" => &[
            "objective",
            "owner",
            "unit",
            "formula",
            "column",
            "aggregate",
            "description",
            "direction",
            "frequency",
            "baseline",
            "target",
            "thresholds",
            "tolerance",
            "weight",
            "reviewed",
            "for",
        ],
        "initiative" => &[
            "objective",
            "owner",
            "due",
            "status",
            "budget",
            "description",
        ],
        "org" => &["parent", "owner", "description"],
        "for" => &[
            "owner",
            "baseline",
            "target",
            "thresholds",
            "tolerance",
            "weight",
        ],
        "lint" => &["allow", "warn", "deny"],
        "thresholds" => &["green", "amber"],
        _ => &[],
    }
}

/// The completions at byte `offset` of `text`; ids come from the project's last `snapshot`.
pub fn complete(text: &str, offset: usize, snapshot: Option<&Snapshot>) -> Vec<CompletionItem> {
    let offset = offset.min(text.len());
    let Some(scan) = Scan::of(&text[..offset]) else {
        return Vec::new(); // in a string or a comment
    };
    let line = &text[scan.line_start..offset];
    let token_start = offset
        - line
            .chars()
            .rev()
            .take_while(|&c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .map(char::len_utf8)
            .sum::<usize>();
    let before: Vec<&str> = text[scan.line_start..token_start]
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .collect();
    let previous = before.last().copied().unwrap_or("");
    let block = scan.blocks.last().map(String::as_str);
    let in_attribute = ["@allow(", "@warn(", "@deny("]
        .iter()
        .any(|opening| line.contains(opening));
    let words: Vec<Word> = if in_attribute || (block == Some("lint") && !before.is_empty()) {
        rules()
    } else if block.is_none() && previous == "use" {
        stdlib::MODULES
            .iter()
            .map(|(name, _)| (format!("std.{name}"), CompletionItemKind::MODULE, None))
            .collect()
    } else if previous == "extends" {
        ids(snapshot, &[Kind::Metric, Kind::Kpi])
    } else if before.first() == Some(&"formula")
        || (before.first() == Some(&"fn") && line.contains('='))
    {
        let mut words = ids(snapshot, &[Kind::Metric, Kind::Kpi, Kind::Function]);
        words.extend(
            Builtin::ALL
                .iter()
                .map(|b| (b.name().to_string(), CompletionItemKind::FUNCTION, None)),
        );
        words
    } else if block.is_some() && !before.is_empty() {
        match before[0] {
            "objective" | "drives" => ids(snapshot, &[Kind::Objective]),
            "perspective" => ids(snapshot, &[Kind::Perspective]),
            "parent" | "for" => ids(snapshot, &[Kind::Org]),
            "unit" | "budget" => units(snapshot),
            "direction" => keywords(&["up", "down", "range"]),
            "aggregate" => keywords(&["sum", "avg", "last", "min", "max"]),
            "frequency" | "review" => keywords(FREQUENCIES),
            "status" => keywords(&["planned", "on_track", "at_risk", "late", "done"]),
            _ => Vec::new(),
        }
    } else if before.is_empty() {
        match block {
            Some(block) => keywords(properties(block)),
            None => keywords(DECLARATIONS),
        }
    } else {
        Vec::new()
    };
    let range = Range::new(
        convert::position_in_text(text, token_start),
        convert::position_in_text(text, offset),
    );
    words
        .into_iter()
        .map(|(word, kind, detail)| CompletionItem {
            label: word.clone(),
            kind: Some(kind),
            detail,
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, word))),
            ..CompletionItem::default()
        })
        .collect()
}

type Word = (String, CompletionItemKind, Option<String>);

fn keywords(words: &[&str]) -> Vec<Word> {
    words
        .iter()
        .map(|word| (word.to_string(), CompletionItemKind::KEYWORD, None))
        .collect()
}

fn rules() -> Vec<Word> {
    Rule::ALL
        .iter()
        .map(|rule| {
            let summary = Some(rule.summary().to_string());
            (
                rule.name().to_string(),
                CompletionItemKind::CONSTANT,
                summary,
            )
        })
        .collect()
}

/// The ids of the given kinds that the project sees, sorted, each with its title.
fn ids(snapshot: Option<&Snapshot>, kinds: &[Kind]) -> Vec<Word> {
    let Some(snapshot) = snapshot else {
        return Vec::new();
    };
    let model = &snapshot.model();
    let mut words: Vec<Word> = model
        .names
        .iter()
        .map(|(name, &id)| (name, model.item(id)))
        .filter(|(_, item)| kinds.contains(&item.kind()))
        .map(|(name, item)| {
            let kind = match item.kind() {
                Kind::Function => CompletionItemKind::FUNCTION,
                Kind::Metric | Kind::Kpi => CompletionItemKind::VARIABLE,
                _ => CompletionItemKind::REFERENCE,
            };
            (name.clone(), kind, Some(item.title.clone()))
        })
        .collect();
    words.sort_by(|a, b| a.0.cmp(&b.0));
    words
}

/// The units every project has and those the project declares.
fn units(snapshot: Option<&Snapshot>) -> Vec<Word> {
    let mut names: Vec<String> = UNITS.iter().map(|unit| unit.to_string()).collect();
    if let Some(snapshot) = snapshot {
        let declared = snapshot.model().items.iter().filter_map(|item| {
            let unit = item.as_measure()?.unit.as_ref()?;
            Some(unit.text.clone())
        });
        names.extend(declared);
    }
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|unit| (unit, CompletionItemKind::UNIT, None))
        .collect()
}

/// The text before the cursor, scanned: the blocks open at its end (each by the first word of
/// the line that opened it) and where its last line starts. `None` when it ends inside a string
/// or a comment.
struct Scan {
    blocks: Vec<String>,
    line_start: usize,
}

impl Scan {
    fn of(text: &str) -> Option<Scan> {
        let bytes = text.as_bytes();
        let mut blocks = Vec::new();
        let mut line_start = 0;
        let mut comments = 0usize; // `/* */` nest
        let mut i = 0;
        while i < bytes.len() {
            let next = bytes.get(i + 1).copied();
            match bytes[i] {
                b'\n' | b'\r' => line_start = i + 1,
                _ if comments > 0 => match (bytes[i], next) {
                    (b'*', Some(b'/')) => {
                        comments -= 1;
                        i += 1;
                    }
                    (b'/', Some(b'*')) => {
                        comments += 1;
                        i += 1;
                    }
                    _ => {}
                },
                b'/' if next == Some(b'*') => {
                    comments += 1;
                    i += 1;
                }
                b'/' if next == Some(b'/') => match text[i..].find(['\n', '\r']) {
                    Some(end) => {
                        i += end;
                        continue;
                    }
                    None => return None,
                },
                b'"' => {
                    let mut escaped = false;
                    let end = text[i + 1..].char_indices().find(|&(_, c)| {
                        let closes = c == '"' && !escaped;
                        escaped = c == '\\' && !escaped;
                        closes
                    });
                    match end {
                        Some((at, _)) => i += at + 1,
                        None => return None,
                    }
                }
                b'{' => {
                    let opener = text[line_start..i]
                        .split_whitespace()
                        .find(|word| !word.starts_with('@'))
                        .unwrap_or("")
                        .to_string();
                    blocks.push(opener);
                }
                b'}' => {
                    blocks.pop();
                }
                _ => {}
            }
            i += 1;
        }
        (comments == 0).then_some(Scan { blocks, line_start })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        complete(&text, offset, None)
            .into_iter()
            .map(|item| item.label)
            .collect()
    }

    #[test]
    fn the_context_comes_from_the_text_before_the_cursor() {
        assert!(labels("kpi a \"A\" {\n  dir|").contains(&"direction".to_string()));
        assert!(labels("kpi a \"A\" {\n  direction |").contains(&"range".to_string()));
        assert!(labels("|").contains(&"kpi".to_string()));
        assert!(labels("use std.|").contains(&"std.bsc".to_string()));
        assert!(labels("metric a \"A\" {\n  formula x / la|").contains(&"lag".to_string()));
        assert!(labels("metric a \"A\" {\n  unit |").contains(&"EUR".to_string()));
        assert!(labels("@allow(missing-o|").contains(&"missing-owner".to_string()));
        let lint = labels("scorecard \"S\" {\n  lint {\n    allow |");
        assert!(lint.contains(&"missing-owner".to_string()));
        assert!(labels("scorecard \"S\" {\n  lint {\n    |").contains(&"deny".to_string()));
        assert!(
            labels("kpi a \"A\" {\n  thresholds { green >= 1 }\n  |")
                .contains(&"target".to_string())
        );
        assert_eq!(labels("kpi a \"in a { string |"), Vec::<String>::new());
        assert_eq!(labels("// a comment |"), Vec::<String>::new());
    }
}
