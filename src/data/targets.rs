//! Targets files (ORGS.md, "Targets, owners and weights per org"): `targets "path.csv"` in the
//! scorecard, relative to the entry file, with the columns `kpi`, `org`, `period`, `value` and
//! an optional `kind` (`target`, the default, or `baseline`), in any case and order. The rows of
//! one KPI and org act as a `for` block of the KPI: several target rows are milestones, the last
//! the deadline (one row is a target by its period); a baseline row is the baseline. Values are
//! written as in data files (42 for 42%).
//!
//! Each file becomes a source of the run, so that its findings point at the cell: an unknown
//! KPI or org is `unknown-name` (with the closest id), a bad period or number `bad-value`, a
//! second baseline row for one KPI and org `duplicate-target`; an unreadable file is
//! `data-unreadable` at the `targets` line naming it. Rows with a finding are left out.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use super::csv_file::{delimiter, field, field_spans, start};
use super::value::{self, Raw};
use crate::diagnostics::{self, Finding, Rule};
use crate::input;
use crate::period::Period;
use crate::project::paths;
use crate::semantic::Model;
use crate::semantic::model::{
    Baseline, ItemId, ItemKind, Kind, KpiFor, Quantity, Reference, Target,
};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span};
use crate::vocabulary::Spanned;

/// Reads the scorecard's targets files (relative to `folder`), adding their rows to the KPIs as
/// `for` blocks, in the order of the files.
pub fn load(model: &mut Model, sources: &mut SourceMap, folder: &Path) -> Vec<Finding> {
    let Some(scorecard) = &model.scorecard else {
        return Vec::new();
    };
    let files = scorecard.targets.clone();
    let mut findings = Vec::new();
    for named in files {
        let path = folder.join(&named.node);
        let text = match input::read_regular_file(&path, input::MAX_DATA_BYTES)
            .map(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string()))
        {
            Ok(Ok(text)) => text,
            Ok(Err(error)) => {
                findings.push(unreadable(named.span, &named.node, &error));
                continue;
            }
            Err(error) => {
                findings.push(unreadable(named.span, &named.node, &error.to_string()));
                continue;
            }
        };
        let name = paths::display_name(&path);
        let file = sources.add(SourceFile::new(name, Origin::Disk(path), text));
        let rows = read(model, file, &sources.get(file).text, &named, &mut findings);
        for FileBlock { kpi, block } in rows {
            if let ItemKind::Measure(measure) = &mut model.items[kpi.0 as usize].kind
                && let Some(part) = measure.kpi.as_deref_mut()
            {
                part.for_orgs.push(block);
            }
        }
    }
    findings
}

fn unreadable(at: Span, written: &str, why: &str) -> Finding {
    Finding::new(
        Rule::DataUnreadable,
        at,
        format!("the targets file `{written}` cannot be read: {why}"),
    )
    .label("named here")
    .help("targets files are CSV files with the columns kpi, org, period, value and kind, relative to this file")
}

/// A KPI's `for` block read from a file.
struct FileBlock {
    kpi: ItemId,
    block: KpiFor,
}

/// One row read: its KPI, org, kind, period and value, with the row's place.
struct Row {
    kpi: ItemId,
    org: Reference,
    baseline: bool,
    period: Spanned<Period>,
    value: f64,
    value_span: Span,
    row: Span,
}

fn read(
    model: &Model,
    file: FileId,
    text: &str,
    named: &Spanned<String>,
    findings: &mut Vec<Finding>,
) -> Vec<FileBlock> {
    let delimiter = delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        findings.push(unreadable(named.span, &named.node, "it is empty"));
        return Vec::new();
    }
    let header: Vec<String> = record
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(kpi_at), Some(org_at), Some(period_at), Some(value_at)) = (
        column("kpi"),
        column("org"),
        column("period"),
        column("value"),
    ) else {
        let line = text.find(['\n', '\r']).unwrap_or(text.len());
        findings.push(
            Finding::new(
                Rule::BadValue,
                Span::new(file, 0..line),
                "a targets file needs the columns `kpi`, `org`, `period` and `value`".to_string(),
            )
            .label("this header")
            .help("write the header `kpi,org,period,value,kind`"),
        );
        return Vec::new();
    };
    let kind_at = column("kind");
    let mut rows = Vec::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        field_spans(text.as_bytes(), start(&record), delimiter, &mut spans);
        let cell = |i: usize| -> (&str, Span) {
            let (content, range) = field(text, &spans, i);
            (content.trim_matches('"'), Span::new(file, range))
        };
        let row_span = {
            let (first, last) = (cell(0).1, cell(spans.len().saturating_sub(1)).1);
            first.to(last)
        };
        if spans
            .iter()
            .all(|span| text[span.clone()].trim().is_empty())
        {
            continue;
        }
        let (kpi_text, kpi_span) = cell(kpi_at);
        let Some(kpi) = lookup(model, kpi_text, kpi_span, Kind::Kpi, "a KPI", findings) else {
            continue;
        };
        let (org_text, org_span) = cell(org_at);
        let Some(org) = lookup(model, org_text, org_span, Kind::Org, "an org", findings) else {
            continue;
        };
        let baseline = match kind_at.map(cell) {
            None => false,
            Some((kind, _)) if kind.is_empty() || kind.eq_ignore_ascii_case("target") => false,
            Some((kind, _)) if kind.eq_ignore_ascii_case("baseline") => true,
            Some((kind, span)) => {
                findings.push(bad(
                    span,
                    format!("`{kind}` is no kind of target row: the row is left out"),
                    "write `target` (the default) or `baseline`",
                ));
                continue;
            }
        };
        let (period_text, period_span) = cell(period_at);
        let Ok(period) = value::period(period_text) else {
            findings.push(bad(
                period_span,
                format!("`{period_text}` is no period: the row is left out"),
                "write periods as 2026, 2026-H1, 2026-Q3, 2026-07 or 2026-W05",
            ));
            continue;
        };
        let (value_text, value_span) = cell(value_at);
        let percent = model
            .item(kpi)
            .as_measure()
            .and_then(|m| m.unit.as_ref())
            .is_some_and(|u| u.is_percent);
        let raw = Raw::Text(std::borrow::Cow::Borrowed(value_text));
        let value = match value::value(&raw, percent, None) {
            Ok(Some(value)) => value,
            Ok(None) | Err(_) => {
                findings.push(bad(
                    value_span,
                    format!("`{value_text}` is not a number: the row is left out"),
                    "write the value as a number, as in data files (42 for 42%)",
                ));
                continue;
            }
        };
        rows.push(Row {
            kpi,
            org: Reference {
                name: org_text.to_string(),
                span: org_span,
                target: Some(org),
            },
            baseline,
            period: Spanned {
                node: period,
                span: period_span,
            },
            value,
            value_span,
            row: row_span,
        });
    }
    blocks(model, rows, findings)
}

/// The rows of each KPI and org, as one `for` block, in the order their first row was read.
fn blocks(model: &Model, rows: Vec<Row>, findings: &mut Vec<Finding>) -> Vec<FileBlock> {
    let mut order: Vec<(ItemId, ItemId)> = Vec::new();
    let mut by_pair: BTreeMap<(ItemId, ItemId), Vec<Row>> = BTreeMap::new();
    for row in rows {
        let pair = (row.kpi, row.org.target.expect("resolved"));
        if !by_pair.contains_key(&pair) {
            order.push(pair);
        }
        by_pair.entry(pair).or_default().push(row);
    }
    order
        .into_iter()
        .map(|pair| {
            let rows = by_pair.remove(&pair).expect("listed");
            let span = rows[0].row.to(rows[rows.len() - 1].row);
            let org = rows[0].org.clone();
            let (baselines, mut targets): (Vec<Row>, Vec<Row>) =
                rows.into_iter().partition(|row| row.baseline);
            if let [first, again, ..] = &baselines[..] {
                findings.push(
                    Finding::new(
                        Rule::DuplicateTarget,
                        again.row,
                        format!(
                            "a second baseline of `{}` for org `{}`",
                            model.item(pair.0).id.node,
                            org.name
                        ),
                    )
                    .label("given again here")
                    .with_secondary(first.row, "first given here")
                    .help("give one baseline row for each KPI and org"),
                );
            }
            targets.sort_by_key(|row| row.period.node.ordinal());
            let quantity = |row: &Row| Quantity {
                value: row.value,
                unit: None,
                span: row.value_span,
            };
            let target = match &targets[..] {
                [] => None,
                [one] => Some(Target::Value {
                    value: quantity(one),
                    deadline: Some(one.period.clone()),
                }),
                many => Some(Target::Milestones(
                    many.iter()
                        .map(|row| (row.period.clone(), quantity(row)))
                        .collect(),
                )),
            };
            FileBlock {
                kpi: pair.0,
                block: KpiFor {
                    org,
                    owner: None,
                    baseline: baselines.first().map(|row| Baseline {
                        value: quantity(row),
                        period: row.period.clone(),
                    }),
                    target,
                    thresholds: None,
                    tolerance: None,
                    weight: None,
                    span,
                    from_file: true,
                },
            }
        })
        .collect()
}

/// The item a cell names, of `kind`; `unknown-name` (with the closest id of that kind) if none.
fn lookup(
    model: &Model,
    name: &str,
    span: Span,
    kind: Kind,
    words: &str,
    findings: &mut Vec<Finding>,
) -> Option<ItemId> {
    if let Some(id) = model
        .lookup(name, false)
        .filter(|&id| model.item(id).kind() == kind)
    {
        return Some(id);
    }
    let candidates: Vec<&str> = model
        .ids()
        .filter(|&id| model.item(id).kind() == kind)
        .map(|id| model.item(id).id.node.as_str())
        .collect();
    let mut finding = Finding::new(
        Rule::UnknownName,
        span,
        format!("`{name}` is not {words} of the project: the row is left out"),
    )
    .label(format!("expected {words}"));
    if let Some(close) = diagnostics::closest(name, candidates.iter().copied()) {
        finding = finding.help(format!("did you mean `{close}`?"));
    }
    findings.push(finding);
    None
}

fn bad(span: Span, message: String, help: &str) -> Finding {
    Finding::new(Rule::BadValue, span, message)
        .label("here")
        .help(help)
}
