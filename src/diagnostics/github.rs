//! The `github` format: GitHub Actions workflow commands, which become annotations on the pull
//! request. Errors come first, since GitHub keeps only 10 annotations of each level per step.

use std::fmt::Write as _;

use super::{Finding, Level};
use crate::source::SourceMap;

pub fn render_github(findings: &[Finding], sources: &SourceMap) -> String {
    let mut shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.level != Level::Allow)
        .collect();
    // Stable: within a level, the findings keep their order (file, then position).
    shown.sort_by_key(|f| f.level != Level::Error);
    let mut out = String::new();
    for finding in shown {
        let file = sources.get(finding.primary.span.file);
        let (start, end) = (
            file.line_col(finding.primary.span.start as usize),
            file.line_col(finding.primary.span.end as usize),
        );
        let command = if finding.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut properties = format!(
            "file={},line={},endLine={}",
            property(&file.name),
            start.line,
            end.line
        );
        // Columns only on single-line spans: GitHub ignores them otherwise.
        if start.line == end.line {
            let _ = write!(properties, ",col={},endColumn={}", start.column, end.column);
        }
        let _ = write!(properties, ",title={}", property(finding.rule.name()));
        let message = match &finding.help {
            Some(help) => format!("{}\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        let _ = writeln!(out, "::{command} {properties}::{}", data(&message));
    }
    out
}

/// The message of a command: `%` first, then CR and LF.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as the message, and `:` and `,` too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_percent_first_then_line_ends_and_in_properties_colons_and_commas() {
        assert_eq!(data("50%\r\nof it"), "50%25%0D%0Aof it");
        assert_eq!(
            data("%0A"),
            "%250A",
            "an escape already in the text stays text"
        );
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
