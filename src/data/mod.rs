//! Data files: where actual values come from (SCORING.md, "Data files"). [`load`] reads every
//! data file of a run into a [`DataSet`] and reports the data findings of CHECKS.md, each at the
//! file, line and column of the offending cell: a data file that could be read becomes a source
//! file of the run (named like the `.kpi` files, relative to the working directory).
//!
//! The files: `files` (which data files, in which form, and why one cannot be read), `loader`
//! (cells into series, bound to the inputs that read them), `csv_file` and `json_file` (the
//! forms), `value` (periods and numbers as written), `series` (the findings on whole series,
//! and what a KPI needs before its span), `dataset` (the result).
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

pub mod comments;
mod csv_file;
mod dataset;
mod files;
mod json_file;
mod loader;
mod series;
pub mod targets;
mod value;

pub use dataset::{BadCell, DataSet, Observation};
pub use files::{DataFile, Form};
pub use loader::{Group, Read};

use files::Unreadable;
use loader::Loader;

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostics::{Finding, Rule};
use crate::project::paths;
use crate::semantic::Model;
use crate::source::SourceMap;

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
    Rule::UnknownOrg,
    Rule::NoData,
];

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
    let (groups, unread_periods, mut findings) = loader.into_parts();
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

/// The characters of a cell that a message quotes: a 1 MB cell makes a short message.
pub(super) const CELL_SHOWN: usize = 60;

/// A cell of a data file: what it holds and its place (a byte range of the file's text).
#[derive(Debug, Clone)]
pub(crate) struct Cell<'t> {
    pub raw: Raw<'t>,
    pub span: Range<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics;
    use crate::semantic;
    use crate::source::Span;
    use std::path::Path;

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
