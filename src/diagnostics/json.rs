//! The `json` format of CLI.md, written from the project's own structs.

use serde::Serialize;

use super::{Finding, Fix, Label, Level, Summary};
use crate::source::{SourceMap, Span};

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<Diagnostic<'a>>,
    summary: JsonSummary,
}

/// One object of the `diagnostics` array (also the `diagnostics` of the JSON report).
#[derive(Serialize)]
pub struct Diagnostic<'a> {
    code: &'static str,
    level: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    #[serde(flatten)]
    location: Location<'a>,
    labels: Vec<JsonLabel<'a>>,
    /// The certain fix, only on findings that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// The text that replaces a range (empty: removed; an empty range: inserted there).
#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: Option<&'a str>,
}

/// 1-based lines and columns; columns count characters; the end column is exclusive.
#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

/// Findings at warn and error level (allowed ones are left out), as one JSON document.
pub fn render_json(findings: &[Finding], sources: &SourceMap) -> String {
    let summary = Summary::of(findings);
    let document = Document {
        diagnostics: diagnostics(findings, sources),
        summary: JsonSummary {
            errors: summary.errors,
            warnings: summary.warnings,
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("findings serialize");
    text.push('\n');
    text
}

/// The objects of the `diagnostics` array: findings at warn and error level, in order.
pub fn diagnostics<'a>(findings: &'a [Finding], sources: &'a SourceMap) -> Vec<Diagnostic<'a>> {
    findings
        .iter()
        .filter(|f| f.level != Level::Allow)
        .map(|finding| Diagnostic {
            code: finding.rule.name(),
            level: finding.level.name(),
            message: &finding.message,
            help: finding.help.as_deref(),
            location: location(sources, finding.primary.span),
            labels: std::iter::once(&finding.primary)
                .chain(&finding.secondary)
                .map(|label| label_json(sources, label))
                .collect(),
            fix: finding.fix.as_ref().map(|fix| fix_json(sources, fix)),
        })
        .collect()
}

fn fix_json<'a>(sources: &'a SourceMap, fix: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        message: &fix.message,
        edits: fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                location: location(sources, edit.span),
                text: &edit.text,
            })
            .collect(),
    }
}

fn label_json<'a>(sources: &'a SourceMap, label: &'a Label) -> JsonLabel<'a> {
    JsonLabel {
        location: location(sources, label.span),
        message: label.message.as_deref(),
    }
}

fn location(sources: &SourceMap, span: Span) -> Location<'_> {
    let file = sources.get(span.file);
    let (start, end) = (
        file.line_col(span.start as usize),
        file.line_col(span.end as usize),
    );
    Location {
        file: &file.name,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}
