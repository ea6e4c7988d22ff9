//! The `short` format: `file:line:col: level[rule]: message`, one finding a line (allowed
//! findings are left out).

use super::{Finding, Level};
use crate::source::SourceMap;

pub fn render_short(findings: &[Finding], sources: &SourceMap) -> String {
    let mut out = String::new();
    for finding in findings.iter().filter(|f| f.level != Level::Allow) {
        let file = sources.get(finding.primary.span.file);
        let at = file.line_col(finding.primary.span.start as usize);
        let message = finding.message.replace('\n', " ");
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {message}\n",
            file.name,
            at.line,
            at.column,
            finding.level.name(),
            finding.rule.name()
        ));
    }
    out
}
