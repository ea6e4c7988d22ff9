//! Data files: where actual values come from (SCORING.md, "Data files"). [`load`] reads every
//! data file of a run into a [`DataSet`] and reports the data findings of CHECKS.md, each at the
//! file, line and column of the offending cell: a data file that could be read becomes a source
//! file of the run (named like the `.kpi` files, relative to the working directory).
//!
//! Forms, by extension and content: a `.csv` whose header has `period`, `metric` and `value` (any
//! case, an optional `note`) is long, one observation a row; any other `.csv` with a `period`
//! column is wide, one column per series; a `.json` holding an array of observation objects is
//! long, one holding an object is by series (`{"revenue": {"2026-01": 1250000}}`); `.ndjson` and
//! `.jsonl` hold one long-form object a line.
//!
//! Choices where the contract is silent:
//! - A series is read by the input measures (metrics and KPIs without formula, once `extends` is
//!   applied) whose `column`, or else id, is its name, matched exactly (header cells and names are
//!   trimmed). Several inputs may read one series.
//! - CSV: the delimiter is `,`, or `;` or a tab when the header line has one of them and no `,`.
//!   Cells are trimmed; a UTF-8 byte order mark, CRLF line ends, quoted cells and empty lines are
//!   fine. The long form ignores columns other than its four; the wide form ignores columns with
//!   an empty header and rows whose series cells are all empty.
//! - JSON keys of the long form are matched in any case, like CSV headers; other keys are
//!   ignored. A period may be a JSON string or a whole number (`2026`).
//! - `null` (in any case) is no value in CSV too, as is an empty string in JSON.
//! - A period cell that is not a period of the language is `bad-value` (not `invalid-period`,
//!   which is about the `.kpi` source and cannot be lowered): data come from other systems, and
//!   their findings can be lowered. So is a period of another granularity than the series'
//!   first one (one series, one granularity), a value without a period or metric, and an entry of
//!   the wrong shape (a JSON array item that is no object, a series that is no object, an NDJSON
//!   line that is no JSON object): each is left out and the rest still loads.
//! - A file that is not UTF-8, a CSV without a `period` column, and a `.json` that does not parse
//!   are `data-unreadable`, at the `data` line naming them (at the error in the file, or its first
//!   line, for a file given on the command line). A file named twice is read once.
//! - Series findings, after every file is read: `missing-period` once per gap (a run of missing
//!   periods; a cell with a bad value is not a gap, it has its own finding);
//!   `period-outside-scorecard` once per series and side; `percent-scale-suspect` needs two values
//!   and one that is not zero. What the scorecard needs before its span: a KPI with a baseline
//!   needs every earlier observation of its inputs (its history up to the baseline); any other
//!   KPI needs its inputs from the start of the span, moved back by the sum of the `n` of
//!   `lag`/`growth` (n), `delta` (1) and `sum_over`/`avg_over` (n - 1) on the way to the input,
//!   in periods of the KPI's frequency, and to the start of that financial year when a `ytd` is
//!   on the way (module `series`).
//! - Duplicates count per series, in the order read (files in the order named: the scorecard's,
//!   then `--data`); values in other files than the first are the later ones.
//! - `no-data` is reported only when the run reads at least one data file and every data file
//!   could be read (otherwise a project with no data yet, or one missing file, would warn for
//!   every input), for the inputs the project declares or uses through its formulas; an input
//!   whose every cell was a bad value has its `bad-value` findings instead.

mod csv_file;
mod dataset;
mod json_file;
mod series;
mod value;

pub use dataset::{BadCell, DataSet, Observation};

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostics::{self, Finding, Rule};
use crate::input;
use crate::period::{Grain, Period};
use crate::project::paths;
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span, shorten};

use value::Raw;

/// The rules [`load`] reports (besides `data-unreadable`, an error of the first table).
pub const RULES: &[Rule] = &[
    Rule::BadValue,
    Rule::DuplicateObservation,
    Rule::UnknownSeries,
    Rule::MissingPeriod,
    Rule::PeriodOutsideScorecard,
    Rule::PercentScaleSuspect,
    Rule::DecimalComma,
    Rule::NoData,
];

/// The forms of data file kpic reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Csv,
    Json,
    Ndjson,
}

impl Form {
    pub fn of(path: &Path) -> Option<Form> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Form::Csv),
            "json" => Some(Form::Json),
            "ndjson" | "jsonl" => Some(Form::Ndjson),
            _ => None,
        }
    }
}

/// One data file to read: from a `data "…"` line of the scorecard, or from `--data FILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Where to read it.
    pub path: PathBuf,
    /// The path as the user wrote it, for messages.
    pub written: String,
    /// The `data "…"` string that names it; `None` for a file given on the command line, whose
    /// findings then point into the file itself.
    pub named_at: Option<Span>,
}

impl DataFile {
    /// The data files the scorecard names, relative to the folder of the entry file.
    pub fn of_scorecard(model: &Model, sources: &SourceMap, entry: FileId) -> Vec<DataFile> {
        let Some(scorecard) = &model.scorecard else {
            return Vec::new();
        };
        let folder = match &sources.get(entry).origin {
            Origin::Disk(path) => path.parent().unwrap_or(Path::new("")).to_path_buf(),
            Origin::Stdlib(_) => return Vec::new(),
        };
        scorecard
            .data
            .iter()
            .map(|data| DataFile {
                path: folder.join(&data.node),
                written: data.node.clone(),
                named_at: Some(data.span),
            })
            .collect()
    }

    /// A file given on the command line (`--data FILE`), relative to the working directory.
    pub fn from_command_line(path: &Path) -> DataFile {
        DataFile {
            path: path.to_path_buf(),
            written: path.display().to_string(),
            named_at: None,
        }
    }
}

/// Reads the data files, in order (a later duplicate observation is the one ignored), adding
/// each one read to `sources`. Returns the observations of every input measure and the data
/// findings, `no-data` included.
pub fn load(model: &Model, sources: &mut SourceMap, files: &[DataFile]) -> (DataSet, Vec<Finding>) {
    let mut loader = Loader::new(model);
    let mut read: HashSet<PathBuf> = HashSet::new();
    let mut all_readable = true;
    for file in files {
        let identity = file
            .path
            .canonicalize()
            .unwrap_or_else(|_| paths::normalize(&file.path));
        if read.contains(&identity) {
            continue;
        }
        match loader.read_file(sources, file, &identity) {
            Ok(()) => {
                read.insert(identity);
            }
            Err(unreadable) => {
                all_readable = false;
                let finding = unreadable.finding(file, sources);
                loader.findings.push(finding);
            }
        }
    }
    let no_data = !files.is_empty() && all_readable;
    let Loader {
        groups,
        unread_periods,
        mut findings,
        ..
    } = loader;
    let data = series::finish(
        model,
        sources,
        groups,
        &unread_periods,
        no_data,
        &mut findings,
    );
    (data, findings)
}

/// Why a file cannot be read: the reason in words, how to fix it, and, when the file was read
/// (as text of no known form), its text and the place of the error in it.
struct Unreadable {
    reason: String,
    /// How to fix it; by default, where data paths are read from.
    help: Option<&'static str>,
    /// The place of the error in the file's text.
    at: Option<Range<usize>>,
    text: Option<String>,
    /// The file is not there: the help names the closest data file beside where it was sought.
    not_found: bool,
}

impl Unreadable {
    fn new(reason: impl Into<String>) -> Unreadable {
        Unreadable {
            reason: reason.into(),
            help: None,
            at: None,
            text: None,
            not_found: false,
        }
    }

    /// A file that was read but is not of a known form.
    fn form(reason: impl Into<String>) -> Unreadable {
        Unreadable {
            help: Some(HELP_FORMS),
            ..Unreadable::new(reason)
        }
    }

    /// The `data-unreadable` finding: at the `data` line that names the file; for a file given
    /// on the command line, in the file (at the error, or at its start), which becomes a source
    /// file of the run (empty when it could not be read at all).
    fn finding(self, file: &DataFile, sources: &mut SourceMap) -> Finding {
        let message = format!(
            "cannot read data file \"{}\": {}",
            file.written, self.reason
        );
        let closest = self.not_found.then(|| closest_data_file(file)).flatten();
        if let Some(span) = file.named_at {
            let help = match closest {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => self
                    .help
                    .unwrap_or("data paths are relative to the file that names them")
                    .to_string(),
            };
            return Finding::new(Rule::DataUnreadable, span, message)
                .label("this data file")
                .help(help);
        }
        let id = sources.add(SourceFile::new(
            paths::display_name(&file.path),
            Origin::Disk(paths::normalize(&file.path)),
            self.text.unwrap_or_default(),
        ));
        let at = self.at.unwrap_or(0..0);
        Finding::new(Rule::DataUnreadable, Span::new(id, at), message)
            .label("here")
            .help(
                self.help
                    .unwrap_or("`--data` paths are relative to the working directory"),
            )
    }
}

/// The data file beside where `file` was sought whose name is closest to it, written as the
/// user wrote the missing one (same folder part).
fn closest_data_file(file: &DataFile) -> Option<String> {
    let wanted = file.path.file_name()?.to_str()?;
    let folder = file.path.parent().unwrap_or(Path::new(""));
    let siblings = paths::files_in(folder, &["csv", "json", "ndjson", "jsonl"]);
    let close = diagnostics::closest(wanted, siblings.iter().map(String::as_str))?;
    let written_folder = file
        .written
        .rsplit_once('/')
        .map_or(String::new(), |(folder, _)| format!("{folder}/"));
    Some(format!("{written_folder}{close}"))
}

const HELP_FORMS: &str = "a data file is a .csv with a `period` column (long: `period,metric,value`; \
     wide: one column per series), a .json (an array of {\"period\", \"metric\", \"value\"} objects, \
     or an object of series), or an .ndjson/.jsonl file with one object a line";

/// A cell of a data file: what it holds and its place (a byte range of the file's text).
#[derive(Debug, Clone)]
pub(crate) struct Cell<'t> {
    pub raw: Raw<'t>,
    pub span: Range<usize>,
}

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
    /// Periods whose cell held a bad value, and the cell: not gaps (the value has its own
    /// finding).
    pub bad_periods: Vec<(Period, Span)>,
}

/// One observation read, with the places of its period and value cells.
pub struct Read {
    pub period: Period,
    pub value: f64,
    pub note: Option<String>,
    pub period_span: Span,
    pub value_span: Span,
}

/// What is known about the series while files are read.
struct Loader<'m> {
    model: &'m Model,
    /// Series name → index in `groups`.
    names: HashMap<String, usize>,
    groups: Vec<Group>,
    /// The names of computed measures (id or column) → their id, for unknown-series help.
    computed: HashMap<String, String>,
    /// The unknown names reported, per file.
    unknown: HashSet<(FileId, String)>,
    /// Whether the file being read writes decimal commas (a `;`-separated CSV), and whether it
    /// has been said so yet.
    decimal_comma: DecimalComma,
    /// The period cells that were no period: their rows are left out, and a gap where they
    /// stand is their consequence, not a `missing-period` of its own.
    unread_periods: Vec<Span>,
    findings: Vec<Finding>,
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
    fn new(model: &'m Model) -> Loader<'m> {
        let mut loader = Loader {
            model,
            names: HashMap::new(),
            groups: Vec::new(),
            computed: HashMap::new(),
            unknown: HashSet::new(),
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
    fn read_file(
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
    fn series(&mut self, file: FileId, name: &str, span: Range<usize>) -> Option<usize> {
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
    fn column_of(&self, id: &str) -> Option<&str> {
        let item = self.model.item(*self.model.names.get(id)?);
        let measure = item.as_measure()?;
        measure
            .formula
            .is_none()
            .then_some(measure.column.as_deref())
            .flatten()
    }

    /// The period of a cell, or a `bad-value` finding.
    fn period(&mut self, file: FileId, text: &str, cell: &Cell) -> Option<Period> {
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
    fn observe(
        &mut self,
        file: FileId,
        text: &str,
        group: usize,
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
                self.groups[group].bad_periods.push((period, value_span));
                return;
            }
        };
        self.groups[group].observations.push(Read {
            period,
            value: number,
            note,
            period_span,
            value_span,
        });
    }

    /// Starts a file: whether its numbers are written with decimal commas.
    fn set_decimal_comma(&mut self, read: bool) {
        self.decimal_comma = if read {
            DecimalComma::Read
        } else {
            DecimalComma::No
        };
    }

    /// A cell with a decimal comma in a file whose convention it is (`37,5`), said once a file.
    fn read_decimal_comma(&mut self, raw: &Raw, percent: bool, span: Span) -> Option<f64> {
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

    fn bad(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.findings.push(
            Finding::new(Rule::BadValue, span, message)
                .label(label)
                .help(help),
        );
    }
}

const PERIOD_HELP: &str =
    "write periods as 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W05 or 2026-07-15";

/// The characters of a cell that a message quotes: a 1 MB cell makes a short message.
pub(super) const CELL_SHOWN: usize = 60;

/// The text of a cell as written, trimmed.
fn cell_text<'t>(text: &'t str, span: &Range<usize>) -> &'t str {
    text.get(span.clone()).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic;

    const SCORECARD: &str = r#"
scorecard "S" { period 2026-01 .. 2026-12 }
metric revenue "Revenue" { unit EUR }
metric cogs "COGS" { unit EUR  column "Cost of goods" }
metric churn "Churn" { unit % }
metric margin "Margin" { unit %  formula (revenue - cogs) / revenue }
"#;

    struct Loaded {
        data: DataSet,
        findings: Vec<Finding>,
        sources: SourceMap,
        model: Model,
    }

    impl Loaded {
        /// `(period, value, note)` of a series, in order.
        fn series(&self, id: &str) -> Vec<(String, f64, Option<String>)> {
            self.data
                .series
                .get(&self.model.names[id])
                .map(|series| {
                    series
                        .iter()
                        .map(|o| (o.period.to_string(), o.value, o.note.clone()))
                        .collect()
                })
                .unwrap_or_default()
        }

        /// The text a span covers.
        fn text(&self, span: Span) -> &str {
            &self.sources.get(span.file).text[span.range()]
        }

        /// `rule: text of the primary span` of each finding but `no-data`, in order of place.
        fn findings(&self) -> Vec<String> {
            let mut findings = self.findings.clone();
            findings.retain(|f| f.rule != Rule::NoData);
            diagnostics::sort(&mut findings, &self.sources);
            findings
                .iter()
                .map(|f| format!("{}: {}", f.rule, self.text(f.primary.span)))
                .collect()
        }
    }

    /// Loads the files (name, bytes) as given on the command line, in order.
    fn load_files(files: &[(&str, &[u8])]) -> Loaded {
        let dir = tempfile::tempdir().unwrap();
        let project = crate::project::load_text("scorecard.kpi", dir.path(), SCORECARD);
        let (model, model_findings) = semantic::analyze(&project);
        assert!(model_findings.is_empty(), "{model_findings:#?}");
        let mut sources = project.sources;
        let data_files: Vec<DataFile> = files
            .iter()
            .map(|(name, bytes)| {
                let path = dir.path().join(name);
                std::fs::write(&path, bytes).unwrap();
                DataFile::from_command_line(&path)
            })
            .collect();
        let (data, findings) = load(&model, &mut sources, &data_files);
        Loaded {
            data,
            findings,
            sources,
            model,
        }
    }

    fn one(name: &str, text: &str) -> Loaded {
        load_files(&[(name, text.as_bytes())])
    }

    fn obs(period: &str, value: f64) -> (String, f64, Option<String>) {
        (period.to_string(), value, None)
    }

    #[test]
    fn long_csv_with_bom_crlf_quotes_empty_lines_and_notes() {
        let loaded = one(
            "a.csv",
            "\u{feff}Period,METRIC,Value,Note\r\n\
             2026-02,revenue,\"1e6\",\"Late, but in\"\r\n\
             \r\n\
             2026-01, revenue , -0.5 ,\r\n\
             2026-03,revenue,null,\r\n\
             2026-01,churn,42%,\r\n\
             2026-02,churn,,\r\n\
             2026-01,Cost of goods,7,\r\n",
        );
        assert_eq!(loaded.findings(), Vec::<String>::new());
        assert_eq!(
            loaded.series("revenue"),
            [
                obs("2026-01", -0.5),
                ("2026-02".to_string(), 1e6, Some("Late, but in".to_string()))
            ]
        );
        assert_eq!(loaded.series("churn"), [obs("2026-01", 42.0)]);
        assert_eq!(loaded.series("cogs"), [obs("2026-01", 7.0)]);
        let revenue = &loaded.data.series[&loaded.model.names["revenue"]];
        assert_eq!(loaded.text(revenue[0].span), "-0.5");
        assert_eq!(loaded.text(revenue[1].span), "\"1e6\"");
        assert!(
            !loaded
                .data
                .series
                .contains_key(&loaded.model.names["margin"])
        );
    }

    #[test]
    fn wide_csv_reads_a_column_per_series() {
        let loaded = one(
            "w.csv",
            "period,revenue,Cost of goods,churn,\n2026-01,10,4,2.5%,\n2026-02,,5,2.4,\n,,,,\n",
        );
        assert_eq!(loaded.findings(), Vec::<String>::new());
        assert_eq!(loaded.series("revenue"), [obs("2026-01", 10.0)]);
        assert_eq!(
            loaded.series("cogs"),
            [obs("2026-01", 4.0), obs("2026-02", 5.0)]
        );
        assert_eq!(
            loaded.series("churn"),
            [obs("2026-01", 2.5), obs("2026-02", 2.4)]
        );
        let semicolons = one("s.csv", "period;revenue\n2026-01;1.5\n");
        assert_eq!(semicolons.series("revenue"), [obs("2026-01", 1.5)]);
    }

    #[test]
    fn json_long_by_series_and_ndjson() {
        let long = one(
            "l.json",
            r#"[{"period": "2026-01", "metric": "revenue", "value": 10, "note": "n"},
                {"PERIOD": "2026-02", "Metric": "revenue", "Value": "1e6"},
                {"period": "2026-03", "metric": "revenue", "value": null}]"#,
        );
        assert_eq!(long.findings(), Vec::<String>::new());
        assert_eq!(
            long.series("revenue"),
            [
                ("2026-01".to_string(), 10.0, Some("n".to_string())),
                obs("2026-02", 1e6)
            ]
        );
        let by_series = one(
            "s.json",
            r#"{"churn": {"2026-02": "42%", "2026-01": -0.5, "2026-03": null}, "Cost of goods": {"2026": 3}}"#,
        );
        assert_eq!(by_series.findings(), Vec::<String>::new());
        assert_eq!(
            by_series.series("churn"),
            [obs("2026-01", -0.5), obs("2026-02", 42.0)]
        );
        assert_eq!(by_series.series("cogs"), [obs("2026", 3.0)]);
        let churn = &by_series.data.series[&by_series.model.names["churn"]];
        assert_eq!(by_series.text(churn[1].span), "\"42%\"");
        // Lines end at a lone CR too (issue 16, item 8).
        let cr_only = one(
            "c.ndjson",
            "{\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 1}\r\r\
             {\"period\": \"2026-02\", \"metric\": \"revenue\", \"value\": 2}\r",
        );
        assert_eq!(cr_only.findings(), Vec::<String>::new());
        assert_eq!(
            cr_only.series("revenue"),
            [obs("2026-01", 1.0), obs("2026-02", 2.0)]
        );
        let ndjson = one(
            "n.ndjson",
            "{\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 1}\r\n\r\n  \n\
             {\"period\": \"2026-02\", \"metric\": \"revenue\", \"value\": 2}",
        );
        assert_eq!(ndjson.findings(), Vec::<String>::new());
        assert_eq!(
            ndjson.series("revenue"),
            [obs("2026-01", 1.0), obs("2026-02", 2.0)]
        );
        let jsonl = one(
            "n.jsonl",
            "{\"period\": \"2026-01\", \"metric\": \"churn\", \"value\": \"2%\"}\n",
        );
        assert_eq!(jsonl.series("churn"), [obs("2026-01", 2.0)]);
    }

    #[test]
    fn bad_values_are_left_out_and_named_by_their_cell() {
        let loaded = one(
            "a.csv",
            "period,metric,value\n2026-01,revenue,\"1,234\"\n2026-02,revenue,n/a\n\
             2026-03,revenue,12 EUR\n2026-04,revenue,42%\n2026-05,revenue,5\n2026-13,revenue,6\n\
             2026-Q3,revenue,7\n",
        );
        assert_eq!(
            loaded.findings(),
            [
                "bad-value: \"1,234\"",
                "bad-value: n/a",
                "bad-value: 12 EUR",
                "bad-value: 42%",
                "bad-value: 2026-13",
                "bad-value: 2026-Q3",
            ]
        );
        assert!(
            loaded.findings[0]
                .message
                .starts_with("`1,234` is not a number")
        );
        assert_eq!(loaded.series("revenue"), [obs("2026-05", 5.0)]);
        // Bad cells are not gaps: no missing-period before 2026-05.
    }

    #[test]
    fn unknown_series_duplicates_and_gaps() {
        let loaded = load_files(&[
            (
                "a.csv",
                b"period,metric,value\n2026-01,revenu,1\n2026-01,revenu,2\n2026-01,cogs,3\n\
                  2026-01,margin,4\n2026-01,revenue,5\n2026-01,revenue,6\n2026-04,revenue,7\n",
            ),
            ("b.json", br#"{"revenue": {"2026-04": 8}}"#),
        ]);
        assert_eq!(
            loaded.findings(),
            [
                "unknown-series: revenu",
                "unknown-series: cogs",
                "unknown-series: margin",
                "duplicate-observation: 6",
                "missing-period: 7",
                "duplicate-observation: 8",
            ]
        );
        let mut sorted = loaded.findings.clone();
        diagnostics::sort(&mut sorted, &loaded.sources);
        let help = |i: usize| sorted[i].help.clone().unwrap();
        assert_eq!(help(0), "did you mean `revenue`?");
        assert!(help(1).contains("`Cost of goods`"), "{}", help(1));
        assert!(help(2).contains("computed"), "{}", help(2));
        let duplicate = &sorted[3];
        assert_eq!(loaded.text(duplicate.secondary[0].span), "5");
        assert!(
            sorted[4]
                .message
                .contains("the 2 months 2026-02 .. 2026-03"),
            "{}",
            sorted[4].message
        );
        assert_eq!(
            loaded.series("revenue"),
            [obs("2026-01", 5.0), obs("2026-04", 7.0)]
        );
    }

    #[test]
    fn outside_the_span_and_percent_scale() {
        let loaded = one(
            "a.csv",
            "period,metric,value\n2025-11,churn,0.5\n2025-12,churn,0.4\n2026-01,churn,-0.3\n\
             2027-01,churn,0\n",
        );
        assert_eq!(
            loaded.findings(),
            [
                "period-outside-scorecard: 2025-11",
                "percent-scale-suspect: 0.5",
                "period-outside-scorecard: 2027-01",
                "missing-period: 0",
            ]
        );
        let all_zero = one("z.csv", "period,churn\n2026-01,0\n2026-02,0\n");
        assert_eq!(all_zero.findings(), Vec::<String>::new());
        let one_value = one("o.csv", "period,churn\n2026-01,0.2\n");
        assert_eq!(one_value.findings(), Vec::<String>::new());
    }

    #[test]
    fn no_data_for_the_project_inputs_when_every_file_was_read() {
        let loaded = one("a.csv", "period,revenue\n2026-01,1\n");
        let mut no_data: Vec<&str> = loaded
            .findings
            .iter()
            .filter(|f| f.rule == Rule::NoData)
            .map(|f| loaded.text(f.primary.span))
            .collect();
        no_data.sort();
        assert_eq!(no_data, ["churn", "cogs"]);
        let unreadable = load_files(&[("a.csv", b"period,revenue\n2026-01,1\n"), ("b.csv", b"")]);
        assert!(unreadable.findings.iter().all(|f| f.rule != Rule::NoData));
    }

    #[test]
    fn command_line_files_that_cannot_be_read_are_named_in_themselves() {
        let loaded = load_files(&[("a.json", b"[\n  {\"period\": 1,}\n]"), ("b.txt", b"x")]);
        let places: Vec<String> = loaded
            .findings
            .iter()
            .map(|f| {
                let file = loaded.sources.get(f.primary.span.file);
                let at = file.line_col(f.primary.span.start as usize);
                format!("{} {}:{}", f.rule, at.line, at.column)
            })
            .collect();
        assert_eq!(places, ["data-unreadable 2:16", "data-unreadable 1:1"]);
        assert!(loaded.findings[1].message.contains("not a known form"));
        let missing = DataFile::from_command_line(Path::new("/no/such/file.csv"));
        let project = crate::project::load_text("s.kpi", Path::new("."), SCORECARD);
        let (model, _) = semantic::analyze(&project);
        let mut sources = project.sources;
        let (_, findings) = load(&model, &mut sources, &[missing]);
        assert_eq!(findings.len(), 1);
        // Named as every path is: relative to the working directory, never absolute.
        let name = &sources.get(findings[0].primary.span.file).name;
        assert!(
            name.ends_with("no/such/file.csv") && !name.starts_with('/'),
            "{name}"
        );
        assert!(findings[0].message.contains("no such file"));
    }

    #[test]
    fn a_file_named_twice_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "period,revenue\n2026-01,1\n").unwrap();
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12  data \"a.csv\"  data \"./a.csv\" }\nmetric revenue \"R\" { unit EUR }\n";
        let project = crate::project::load_text("scorecard.kpi", dir.path(), text);
        let (model, _) = semantic::analyze(&project);
        let mut sources = project.sources;
        let files = DataFile::of_scorecard(&model, &sources, project.entry);
        assert_eq!(files.len(), 2);
        let (data, findings) = load(&model, &mut sources, &files);
        assert!(findings.is_empty(), "{findings:#?}");
        assert_eq!(data.series[&model.names["revenue"]].len(), 1);
    }

    #[test]
    fn mangled_files_never_panic_and_every_span_is_in_its_file() {
        let samples: [(&str, &str); 4] = [
            (
                "a.csv",
                "\u{feff}period,metric,value,note\r\n2026-01,revenue,\"1,5\",\"a \"\"b\"\"\"\r\n2026-02,churn,4%,\n",
            ),
            (
                "w.csv",
                "period,revenue,Cost of goods\n2026-01,1,2\n2026-Q1,,3\n",
            ),
            (
                "l.json",
                r#"[{"period": "2026-01", "metric": "revenue", "value": "1é"}, {"period": 2026}]"#,
            ),
            (
                "s.ndjson",
                "{\"period\": \"2026-01\", \"metric\": \"churn\", \"value\": 0.5}\n{\"x\": [}\n",
            ),
        ];
        for (name, text) in samples {
            let bytes = text.as_bytes();
            let mut variants: Vec<Vec<u8>> = Vec::new();
            for i in 0..bytes.len() {
                variants.push([&bytes[..i], &bytes[i + 1..]].concat());
                for insert in [b"\"".as_slice(), b",", b"\n"] {
                    variants.push([&bytes[..i], insert, &bytes[i..]].concat());
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let project = crate::project::load_text("scorecard.kpi", dir.path(), SCORECARD);
            let (model, _) = semantic::analyze(&project);
            let mut sources = project.sources;
            let path = dir.path().join(name);
            for variant in variants {
                std::fs::write(&path, &variant).unwrap();
                let (_, findings) =
                    load(&model, &mut sources, &[DataFile::from_command_line(&path)]);
                for finding in &findings {
                    for label in std::iter::once(&finding.primary).chain(&finding.secondary) {
                        let file = &sources.get(label.span.file).text;
                        assert!(
                            file.get(label.span.range()).is_some(),
                            "{finding:?} in {:?}",
                            String::from_utf8_lossy(&variant)
                        );
                    }
                }
            }
        }
    }
}
