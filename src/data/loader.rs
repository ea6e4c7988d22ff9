//! Reading the data files' cells into series: each series bound to the input measures that read
//! it ([`Group`]), its periods and values checked cell by cell ([`Loader`]), decimal commas
//! included.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use super::files::{DataFile, Form, Unreadable};
use super::value::Raw;
use super::{CELL_SHOWN, Cell, csv_file, json_file, value};
use crate::diagnostics::{self, Finding, Rule};
use crate::input;
use crate::period::{Grain, Period};
use crate::project::paths;
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span, shorten};

/// One series: the input measures that read it, and what was read for it (duplicates are found
/// once all is read, by sorting).
pub struct Group {
    /// The series' name in the data: a `column`, or an id.
    pub name: String,
    pub items: Vec<ItemId>,
    /// The `unit` of a `%` input among them: `42%` is then accepted.
    pub percent: Option<Span>,
    /// The unit as written, for messages.
    pub unit: Option<String>,
    /// The granularity of the first period read, and where.
    pub grain: Option<(Grain, Span)>,
    /// In the order read.
    pub observations: Vec<Read>,
    /// Periods whose cell held a bad value, with the org and the cell: not gaps (the value has
    /// its own finding).
    pub bad_periods: Vec<(Option<ItemId>, Period, Span)>,
    /// The org whose observations these are, once [`super::series`] splits a series by org.
    pub org: Option<ItemId>,
}

impl Group {
    /// How a message names the series: `` `revenue` ``, or `` `revenue` of org `leeds` ``.
    pub fn what(&self, model: &Model) -> String {
        match self.org {
            Some(org) => format!("`{}` of org `{}`", self.name, model.item(org).id.node),
            None => format!("`{}`", self.name),
        }
    }
}

/// One observation read, with the places of its period and value cells.
pub struct Read {
    /// The org it belongs to (`None`: the root, or a project without orgs).
    pub org: Option<ItemId>,
    pub period: Period,
    pub value: f64,
    pub note: Option<String>,
    pub period_span: Span,
    pub value_span: Span,
}

/// What is known about the series while files are read.
pub(super) struct Loader<'m> {
    model: &'m Model,
    /// Series name → index in `groups`.
    names: HashMap<String, usize>,
    groups: Vec<Group>,
    /// The names of computed measures (id or column) → their id, for unknown-series help.
    computed: HashMap<String, String>,
    /// The unknown names reported, per file.
    unknown: HashSet<(FileId, String)>,
    /// The declared orgs by id (the root's maps to `None`: its rows are the project's own).
    orgs: HashMap<String, Option<ItemId>>,
    /// The unknown orgs reported, per file.
    unknown_orgs: HashSet<(FileId, String)>,
    /// Whether the file being read writes decimal commas (a `;`-separated CSV), and whether it
    /// has been said so yet.
    decimal_comma: DecimalComma,
    /// The period cells that were no period: their rows are left out, and a gap where they
    /// stand is their consequence, not a `missing-period` of its own.
    unread_periods: Vec<Span>,
    pub(super) findings: Vec<Finding>,
}

/// The decimal comma convention of the file being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DecimalComma {
    /// `.` is the decimal point: a comma in a number is an error, with a help.
    No,
    /// A `;`-separated file: `37,5` is 37.5, said once per file at its first such cell.
    Read,
    Said,
}

impl<'m> Loader<'m> {
    /// What was read: the series, the period cells that were no period, and the findings.
    pub(super) fn into_parts(self) -> (Vec<Group>, Vec<Span>, Vec<Finding>) {
        (self.groups, self.unread_periods, self.findings)
    }

    pub(super) fn new(model: &'m Model) -> Loader<'m> {
        let mut loader = Loader {
            model,
            names: HashMap::new(),
            groups: Vec::new(),
            computed: HashMap::new(),
            unknown: HashSet::new(),
            orgs: model
                .orgs
                .order
                .iter()
                .map(|&org| {
                    let root = model.orgs.root == Some(org);
                    (model.item(org).id.node.clone(), (!root).then_some(org))
                })
                .collect(),
            unknown_orgs: HashSet::new(),
            decimal_comma: DecimalComma::No,
            unread_periods: Vec::new(),
            findings: Vec::new(),
        };
        for (id, item) in model.ids().zip(&model.items) {
            let ItemKind::Measure(measure) = &item.kind else {
                continue;
            };
            if model.lookup(&item.id.node, item.from_stdlib) != Some(id) {
                continue; // lost its id to another declaration: a duplicate-name
            }
            let name = measure
                .column
                .clone()
                .unwrap_or_else(|| item.id.node.clone());
            if measure.formula.is_some() {
                loader.computed.insert(name, item.id.node.clone());
                loader
                    .computed
                    .entry(item.id.node.clone())
                    .or_insert_with(|| item.id.node.clone());
                continue;
            }
            let index = *loader.names.entry(name.clone()).or_insert_with(|| {
                loader.groups.push(Group {
                    name,
                    items: Vec::new(),
                    percent: None,
                    unit: None,
                    grain: None,
                    observations: Vec::new(),
                    bad_periods: Vec::new(),
                    org: None,
                });
                loader.groups.len() - 1
            });
            let group = &mut loader.groups[index];
            group.items.push(id);
            if let Some(unit) = &measure.unit {
                if unit.is_percent && group.percent.is_none() {
                    group.percent = Some(unit.span);
                }
                group.unit.get_or_insert_with(|| unit.text.clone());
            }
        }
        loader
    }

    /// Reads one file into the loader, adding it to `sources`.
    pub(super) fn read_file(
        &mut self,
        sources: &mut SourceMap,
        file: &DataFile,
        identity: &Path,
    ) -> Result<(), Unreadable> {
        let Some(form) = Form::of(&file.path) else {
            return Err(Unreadable::new(
                "not a known form of data file: use .csv, .json, .ndjson or .jsonl",
            ));
        };
        let bytes =
            input::read_regular_file(&file.path, input::MAX_DATA_BYTES).map_err(|error| {
                let not_found = matches!(error, input::ReadError::NotFound);
                Unreadable {
                    not_found,
                    ..Unreadable::new(error.to_string())
                }
            })?;
        let text = String::from_utf8(bytes).map_err(|error| {
            let at = error.utf8_error().valid_up_to();
            let line = error.as_bytes()[..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Unreadable {
                help: Some("save it as UTF-8 (spreadsheet programs call it \"CSV UTF-8\")"),
                ..Unreadable::new(format!(
                    "it is not UTF-8 text (line {line} has a byte that is not)"
                ))
            }
        })?;
        let known = match form {
            Form::Csv => csv_file::check(&text),
            Form::Json => json_file::check(&text),
            Form::Ndjson => Ok(()),
        };
        if let Err(unreadable) = known {
            return Err(Unreadable {
                text: Some(text),
                ..unreadable
            });
        }
        let name = paths::display_name(&file.path);
        let id = sources.add(SourceFile::new(
            name,
            Origin::Disk(identity.to_path_buf()),
            text,
        ));
        let text = sources.get(id).text.as_str();
        match form {
            Form::Csv => csv_file::read(self, id, text),
            Form::Json => json_file::read_json(self, id, text),
            Form::Ndjson => json_file::read_ndjson(self, id, text),
        }
        Ok(())
    }

    /// The series a name in a data file stands for; `unknown-series` (once per file and name)
    /// when no input reads it.
    pub(super) fn series(&mut self, file: FileId, name: &str, span: Range<usize>) -> Option<usize> {
        if let Some(index) = self.names.get(name) {
            return Some(*index);
        }
        if !self.unknown.insert((file, name.to_string())) {
            return None;
        }
        let help = if let Some(id) = self.computed.get(name) {
            format!("`{id}` is computed by its formula: its inputs are read, not it")
        } else if let Some(column) = self.column_of(name) {
            format!("the input `{name}` reads the series `{column}` (its `column`)")
        } else if let Some(close) =
            diagnostics::closest(name, self.names.keys().map(String::as_str))
        {
            format!("did you mean `{close}`?")
        } else {
            "a series is named by an input metric's id, or by its `column` where it has one"
                .to_string()
        };
        let finding = Finding::new(
            Rule::UnknownSeries,
            Span::new(file, span),
            format!(
                "no input metric or KPI reads the series `{}`",
                shorten(name, CELL_SHOWN)
            ),
        )
        .label("unknown series")
        .help(help);
        self.findings.push(finding);
        None
    }

    /// The `column` of the input whose id is `id`, where it differs from the id.
    pub(super) fn column_of(&self, id: &str) -> Option<&str> {
        let item = self.model.item(*self.model.names.get(id)?);
        let measure = item.as_measure()?;
        measure
            .formula
            .is_none()
            .then_some(measure.column.as_deref())
            .flatten()
    }

    /// The org an `org` cell names: `Some(None)` for the root (an empty cell, or the root's
    /// id), `None` for an org that is not declared (`unknown-org`, once per file and name: the
    /// row is left out).
    pub(super) fn org(
        &mut self,
        file: FileId,
        text: &str,
        cell: Option<&Cell>,
    ) -> Option<Option<ItemId>> {
        let name = match cell.map(|cell| (&cell.raw, &cell.span)) {
            Some((Raw::Text(name), _)) if !name.trim().is_empty() => name.trim(),
            // A store number: `{"org": 101}`.
            Some((Raw::Number(_), span)) => cell_text(text, span),
            _ => return Some(None),
        };
        if let Some(org) = self.orgs.get(name) {
            return Some(*org);
        }
        let cell = cell.expect("a named org has a cell");
        if self.unknown_orgs.insert((file, name.to_string())) {
            let help = match diagnostics::closest(name, self.orgs.keys().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if self.orgs.is_empty() => {
                    "the project declares no org: declare it (`org ID \"Title\" { parent … }`) \
                     or leave the `org` column out"
                        .to_string()
                }
                None => {
                    "declare it with `org ID \"Title\" { parent … }`, or correct the id".to_string()
                }
            };
            self.findings.push(
                Finding::new(
                    Rule::UnknownOrg,
                    Span::new(file, cell.span.clone()),
                    format!(
                        "no org `{}` is declared: its rows in this file are left out",
                        shorten(name, CELL_SHOWN)
                    ),
                )
                .label("unknown org")
                .help(help),
            );
        }
        None
    }

    /// The period of a cell, or a `bad-value` finding.
    pub(super) fn period(&mut self, file: FileId, text: &str, cell: &Cell) -> Option<Period> {
        let span = Span::new(file, cell.span.clone());
        let written = match &cell.raw {
            Raw::Text(written) if !value::is_no_value(written) => written.as_ref(),
            Raw::Number(_) => cell_text(text, &cell.span),
            Raw::Empty | Raw::Text(_) => {
                self.bad(
                    span,
                    "a value without a period".to_string(),
                    "no period",
                    PERIOD_HELP,
                );
                return None;
            }
            Raw::Other(what) => {
                self.bad(
                    span,
                    format!("a period must be text such as \"2026-07\", not {what}"),
                    "not a period",
                    PERIOD_HELP,
                );
                return None;
            }
        };
        match value::period(written) {
            Ok(period) => Some(period),
            Err(error) => {
                let message = format!("{}; the values of this row are left out", error.0);
                self.bad(span, message, "not a period", PERIOD_HELP);
                self.unread_periods.push(span);
                None
            }
        }
    }

    /// One value of series `group` in `period`: checked for its granularity and its value, then
    /// kept.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn observe(
        &mut self,
        file: FileId,
        text: &str,
        (group, org): (usize, Option<ItemId>),
        period: Period,
        period_span: Range<usize>,
        cell: &Cell,
        note: Option<String>,
    ) {
        if cell.raw.is_empty() {
            return;
        }
        let period_span = Span::new(file, period_span);
        let value_span = Span::new(file, cell.span.clone());
        let series = &self.groups[group];
        match series.grain {
            Some((grain, first)) if grain != period.grain() => {
                let message = format!(
                    "`{period}` is a {}, but the series `{}` is written by {}: one series uses \
                     one granularity",
                    period.grain().noun(),
                    series.name,
                    grain.noun()
                );
                let finding = Finding::new(Rule::BadValue, period_span, message)
                    .label(format!("a {}", period.grain().noun()))
                    .with_secondary(first, format!("the first period of `{}`", series.name))
                    .help(format!(
                        "write every period of `{}` as a {}; a KPI aggregates finer inputs up to \
                         its own frequency",
                        series.name,
                        grain.noun()
                    ));
                self.findings.push(finding);
                return;
            }
            Some(_) => {}
            None => self.groups[group].grain = Some((period.grain(), period_span)),
        }
        let series = &self.groups[group];
        let percent = series.percent.is_some();
        let read = value::value(&cell.raw, percent, series.unit.as_deref());
        let number = match read {
            Ok(Some(number)) => number,
            Ok(None) => return,
            Err(_)
                if let Some(number) = self.read_decimal_comma(&cell.raw, percent, value_span) =>
            {
                number
            }
            Err(not_a_value) => {
                let written = match &cell.raw {
                    Raw::Text(written) => written.trim(),
                    _ => cell_text(text, &cell.span),
                };
                let what = match &cell.raw {
                    Raw::Other(what) => format!("{what}, not a number"),
                    Raw::Number(_) => "out of range".to_string(),
                    _ => "not a number".to_string(),
                };
                let message = format!(
                    "`{}` is {what}: the value of `{}` for {period} is left out",
                    shorten(written, CELL_SHOWN),
                    self.groups[group].name
                );
                self.bad(value_span, message, &not_a_value.label, &not_a_value.help);
                self.groups[group]
                    .bad_periods
                    .push((org, period, value_span));
                return;
            }
        };
        self.groups[group].observations.push(Read {
            org,
            period,
            value: number,
            note,
            period_span,
            value_span,
        });
    }

    /// Starts a file: whether its numbers are written with decimal commas.
    pub(super) fn set_decimal_comma(&mut self, read: bool) {
        self.decimal_comma = if read {
            DecimalComma::Read
        } else {
            DecimalComma::No
        };
    }

    /// A cell with a decimal comma in a file whose convention it is (`37,5`), said once a file.
    pub(super) fn read_decimal_comma(
        &mut self,
        raw: &Raw,
        percent: bool,
        span: Span,
    ) -> Option<f64> {
        let Raw::Text(written) = raw else { return None };
        if self.decimal_comma == DecimalComma::No {
            return None;
        }
        let written = written.trim();
        let number = if percent {
            written.strip_suffix('%').map_or(written, str::trim_end)
        } else {
            written
        };
        let value = value::decimal_comma_in_convention(number)?;
        if self.decimal_comma == DecimalComma::Read {
            self.decimal_comma = DecimalComma::Said;
            let message = format!(
                "this `;`-separated file writes decimal commas: `{written}` is read as {}, and so \
                 is every number of the file",
                value::show(value)
            );
            self.findings.push(
                Finding::new(Rule::DecimalComma, span, message)
                    .label("a decimal comma")
                    .help(
                        "a `;`-separated CSV is read with `,` as the decimal point (a spreadsheet's \
                         export in many European locales); say that this is meant with \
                         `lint { allow decimal-comma }` in the scorecard",
                    ),
            );
        }
        Some(value)
    }

    pub(super) fn bad(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.findings.push(
            Finding::new(Rule::BadValue, span, message)
                .label(label)
                .help(help),
        );
    }
}

const PERIOD_HELP: &str =
    "write periods as 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W05 or 2026-07-15";

/// The text of a cell as written, trimmed.
pub(super) fn cell_text<'t>(text: &'t str, span: &Range<usize>) -> &'t str {
    text.get(span.clone()).unwrap_or("").trim()
}
