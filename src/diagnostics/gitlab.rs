//! The `gitlab` format: a GitLab Code Quality report. Fingerprints do not depend on line numbers,
//! so a finding keeps its identity when the code above it moves.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Finding, Level};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render_gitlab(findings: &[Finding], sources: &SourceMap) -> String {
    // Identical findings (same rule, file, message and text) are told apart by their rank.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue> = findings
        .iter()
        .filter(|f| f.level != Level::Allow)
        .map(|finding| {
            let file = sources.get(finding.primary.span.file);
            let text = file
                .text
                .get(finding.primary.span.range())
                .unwrap_or_default();
            let identity = format!(
                "{}\0{}\0{}\0{}",
                finding.rule.name(),
                file.name,
                finding.message,
                text
            );
            let rank = seen
                .entry(identity.clone())
                .and_modify(|n| *n += 1)
                .or_insert(0);
            let fingerprint = hex(&Sha256::digest(format!("{identity}\0{rank}").as_bytes()));
            let (begin, end) = (
                file.line_col(finding.primary.span.start as usize).line,
                file.line_col(finding.primary.span.end as usize).line,
            );
            Issue {
                description: finding.message.clone(),
                check_name: finding.rule.name(),
                fingerprint,
                severity: if finding.level == Level::Error {
                    "critical"
                } else {
                    "minor"
                },
                location: Location {
                    path: &file.name,
                    lines: Lines { begin, end },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("the report serializes");
    text.push('\n');
    text
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
