//! The `sarif` format: SARIF 2.1.0 for code scanning in pull requests, from the project's own
//! structs. Rules carry their descriptions and help; secondary labels are related locations;
//! findings allowed with a reason are suppressed results with that justification.

use serde::Serialize;

use super::{Finding, Fix, Label, Level, Rule};
use crate::source::{Origin, SourceMap, Span};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    category: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// A certain fix: its replacements grouped by file (`artifactChanges`), as SARIF 2.1.0 says.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: InsertedContent,
}

#[derive(Serialize)]
struct InsertedContent {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// 1-based; columns in Unicode code points; the end column is exclusive.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suppression {
    kind: &'static str,
    justification: String,
}

/// The findings as one SARIF log. Paths are those of every format: relative to the working
/// directory (the repository's root in CI, as code scanning wants them); standard library files
/// are under the base id `KPIC_STDLIB`.
pub fn render_sarif(findings: &[Finding], sources: &SourceMap) -> String {
    let shown: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.level != Level::Allow
                || f.suppression
                    .as_ref()
                    .is_some_and(|s| s.justification.is_some())
        })
        .collect();
    let mut rules: Vec<Rule> = shown.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    let results = shown
        .iter()
        .map(|finding| {
            let rule_index = rules
                .binary_search(&finding.rule)
                .expect("every rule that fired is listed");
            result(finding, rule_index, sources)
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "kpic",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/kpic/kpic",
                    rules: rules.into_iter().map(descriptor).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    text.push('\n');
    text
}

fn descriptor(rule: Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: rule.name(),
        short_description: Text {
            text: rule.summary().to_string(),
        },
        full_description: Text {
            text: rule.description().to_string(),
        },
        help: Help {
            text: rule.explanation().to_string(),
            markdown: rule.explanation().to_string(),
        },
        default_configuration: Configuration {
            level: level_name(rule.default_level()),
        },
        properties: RuleProperties {
            category: rule.category().name(),
        },
    }
}

fn result(finding: &Finding, rule_index: usize, sources: &SourceMap) -> SarifResult {
    let message = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    let (level, suppressions) = match &finding.suppression {
        Some(suppression) => (
            level_name(finding.rule.default_level()),
            vec![Suppression {
                kind: "inSource",
                justification: suppression.justification.clone().unwrap_or_default(),
            }],
        ),
        None => (level_name(finding.level), Vec::new()),
    };
    SarifResult {
        rule_id: finding.rule.name(),
        rule_index,
        level,
        message: Text { text: message },
        locations: [location(&finding.primary, None, sources)],
        related_locations: finding
            .secondary
            .iter()
            .enumerate()
            .map(|(i, label)| location(label, Some(i + 1), sources))
            .collect(),
        suppressions,
        fixes: finding
            .fix
            .iter()
            .map(|fix| sarif_fix(fix, sources))
            .collect(),
    }
}

fn sarif_fix(fix: &Fix, sources: &SourceMap) -> SarifFix {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    let mut files = Vec::new();
    for edit in &fix.edits {
        let replacement = Replacement {
            deleted_region: region(edit.span, sources),
            inserted_content: InsertedContent {
                text: edit.text.clone(),
            },
        };
        match files.iter().position(|file| *file == edit.span.file) {
            Some(at) => changes[at].replacements.push(replacement),
            None => {
                files.push(edit.span.file);
                changes.push(ArtifactChange {
                    artifact_location: artifact(edit.span, sources),
                    replacements: vec![replacement],
                });
            }
        }
    }
    SarifFix {
        description: Text {
            text: fix.message.clone(),
        },
        artifact_changes: changes,
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn location(label: &Label, id: Option<usize>, sources: &SourceMap) -> Location {
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(label.span, sources),
            region: region(label.span, sources),
        },
        message: label
            .message
            .as_ref()
            .map(|text| Text { text: text.clone() }),
    }
}

fn artifact(span: Span, sources: &SourceMap) -> ArtifactLocation {
    let file = sources.get(span.file);
    match &file.origin {
        Origin::Stdlib(module) => ArtifactLocation {
            uri: format!("{module}.kpi"),
            uri_base_id: Some("KPIC_STDLIB"),
        },
        // The path every format shows: relative to the working directory, with `/`.
        Origin::Disk(_) => ArtifactLocation {
            uri: percent_encode_path(&file.name),
            uri_base_id: None,
        },
    }
}

/// A relative URI reference: characters outside the unreserved set and `/` are percent-encoded.
fn percent_encode_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn region(span: Span, sources: &SourceMap) -> Region {
    let file = sources.get(span.file);
    let (start, end) = (
        file.line_col(span.start as usize),
        file.line_col(span.end as usize),
    );
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

#[cfg(test)]
mod tests {
    use super::percent_encode_path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            percent_encode_path("sub dir/a b.kpi"),
            "sub%20dir/a%20b.kpi"
        );
        assert_eq!(percent_encode_path("é.kpi"), "%C3%A9.kpi");
    }
}
