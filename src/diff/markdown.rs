//! `kpic diff --format markdown`: a comment for a pull or merge request. A heading with the
//! counts, a table of the changes (KPI, change, old, new, effect on status), the allowed changes
//! with their reasons, and the findings of the new version's check. Plain CommonMark tables and
//! lists: GitHub and GitLab render them alike, and no HTML is used.

use super::{Change, DiffOutcome};
use crate::diagnostics::{Finding, Level};
use crate::source::SourceMap;

pub fn render(outcome: &DiffOutcome) -> String {
    let sources = &outcome.new.sources;
    let (allowed, shown): (Vec<&Change>, Vec<&Change>) = outcome
        .changes
        .iter()
        .partition(|change| change.finding.level == Level::Allow);
    let mut out = heading(outcome, shown.len(), allowed.len());
    if !shown.is_empty() {
        out.push_str("| KPI | change | old | new | effect on status |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        for change in &shown {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&format!(
                    "`{}` ({})",
                    change.subject,
                    place(sources, &change.finding)
                )),
                cell(&format!(
                    "{} (`{}`, {})",
                    change.what,
                    change.finding.rule,
                    change.finding.level.name()
                )),
                cell(&change.old),
                cell(&change.new),
                cell(change.effect.as_deref().unwrap_or("none")),
            ));
        }
        out.push('\n');
    }
    if !allowed.is_empty() {
        out.push_str("### Allowed changes\n\n");
        for change in &allowed {
            let reason = change
                .finding
                .suppression
                .as_ref()
                .and_then(|s| s.justification.as_deref())
                .map_or("allowed without a reason".to_string(), |r| {
                    format!("reason: {}", inline(r))
                });
            let effect = change
                .effect
                .as_deref()
                .map_or(String::new(), |e| format!("; {}", inline(e)));
            out.push_str(&format!(
                "- `{}`: {} (`{}`, {}): {} → {}{effect}. {reason}\n",
                change.subject,
                inline(&change.what),
                change.finding.rule,
                place(sources, &change.finding),
                inline(&change.old),
                inline(&change.new),
            ));
        }
        out.push('\n');
    }
    out.push_str(&check_findings(&outcome.new.findings, sources));
    out.push_str(&format!("\n{}\n", inline(&outcome.summary_line())));
    out
}

fn heading(outcome: &DiffOutcome, shown: usize, allowed: usize) -> String {
    let summary = outcome.summary();
    let mut out = format!(
        "## kpic diff: {shown} change{} against `{}`\n\n",
        if shown == 1 { "" } else { "s" },
        outcome.old_name.replace('`', "'")
    );
    out.push_str(&format!(
        "{} error{}, {} warning{}, {allowed} allowed",
        summary.errors,
        if summary.errors == 1 { "" } else { "s" },
        summary.warnings,
        if summary.warnings == 1 { "" } else { "s" },
    ));
    match outcome.as_of {
        Some(as_of) => out.push_str(&format!("; effects as of {as_of}.\n\n")),
        None => out.push_str("; no actuals, so no effect on status.\n\n"),
    }
    out
}

/// The new version's own findings at warn or error level, one a line.
fn check_findings(findings: &[Finding], sources: &SourceMap) -> String {
    let shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.level != Level::Allow)
        .collect();
    let mut out = "### Findings of `kpic check` on the new version\n\n".to_string();
    if shown.is_empty() {
        out.push_str("None.\n");
    }
    for finding in shown {
        out.push_str(&format!(
            "- {} {} `{}`: {}\n",
            place(sources, finding),
            finding.level.name(),
            finding.rule,
            inline(&finding.message)
        ));
    }
    out
}

/// `file:line` of a finding, as a code span.
fn place(sources: &SourceMap, finding: &Finding) -> String {
    let file = sources.get(finding.primary.span.file);
    let at = file.line_col(finding.primary.span.start as usize);
    format!("`{}:{}`", file.name.replace('`', "'"), at.line)
}

/// Text made safe for one line of markdown: no line breaks, and no `<` that a renderer could
/// take for HTML.
fn inline(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// [`inline`] text for a table cell, whose `|` would end it.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}
