//! CSV data files, long (`period,metric,value[,note]`) and wide (`period` and one column per
//! series), read with the `csv` crate. The crate decodes each record; the place of each cell is
//! found from the record's byte position by [`field_spans`], which walks the record's fields
//! (quotes included) the way the crate does.

use std::borrow::Cow;
use std::ops::Range;

use super::value::Raw;
use super::{Cell, Loader, Unreadable};
use crate::source::FileId;

/// Whether a `.csv` file is of a known form: a header with a `period` column.
pub(super) fn check(text: &str) -> Result<(), Unreadable> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true)
            if record
                .iter()
                .any(|cell| cell.trim().eq_ignore_ascii_case("period")) =>
        {
            Ok(())
        }
        Ok(true) => {
            let line = text.find(['\r', '\n']).unwrap_or(text.len());
            Err(Unreadable {
                at: Some(0..line),
                ..Unreadable::form("a CSV data file needs a `period` column in its header")
            })
        }
        Ok(false) => Err(Unreadable::form(
            "it is empty: a CSV data file needs a header with a `period` column",
        )),
        Err(error) => Err(Unreadable::form(format!("not readable as CSV: {error}"))),
    }
}

/// Reads a CSV file of a known form ([`check`]) into the loader.
pub(super) fn read(loader: &mut Loader, file: FileId, text: &str) {
    let delimiter = delimiter(text);
    // A `;`-separated file is a spreadsheet's export where `,` is the decimal point.
    loader.set_decimal_comma(delimiter == b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        return;
    }
    field_spans(text.as_bytes(), start(&record), delimiter, &mut spans);
    // The crate decodes quoted cells; a header cell is text, since the file is.
    let header: Vec<String> = record
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).trim().to_string())
        .collect();
    let position = |name: &str| {
        header
            .iter()
            .position(|cell| cell.eq_ignore_ascii_case(name))
    };
    let Some(period) = position("period") else {
        return;
    };
    // The org of each row, in either form (ORGS.md): without the column, rows are the root's.
    let org_column = position("org");
    let columns = match (position("metric"), position("value")) {
        (Some(metric), Some(value)) => Columns::Long {
            metric,
            value,
            note: position("note"),
        },
        _ => {
            let series = (0..header.len())
                .filter(|i| *i != period && Some(*i) != org_column && !header[*i].is_empty())
                .map(|i| (i, loader.series(file, &header[i], field(text, &spans, i).1)))
                .collect();
            Columns::Wide { series }
        }
    };
    // Reading bytes from memory, with any number of fields a record, cannot fail.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        field_spans(text.as_bytes(), start(&record), delimiter, &mut spans);
        let cell = |i: usize| -> Cell {
            let (content, span) = field(text, &spans, i);
            let raw = match record.get(i) {
                // A quoted cell: the crate's decoding (without quotes, `""` as `"`).
                Some(bytes) if text.as_bytes().get(span.start) == Some(&b'"') => Raw::Text(
                    Cow::Owned(String::from_utf8_lossy(bytes).trim().to_string()),
                ),
                Some(_) if !content.is_empty() => Raw::Text(Cow::Borrowed(content)),
                _ => Raw::Empty,
            };
            Cell { raw, span }
        };
        let Some(org) = loader.org(file, text, org_column.map(cell).as_ref()) else {
            continue;
        };
        match &columns {
            Columns::Long {
                metric,
                value,
                note,
            } => {
                let (name_cell, value_cell, period_cell) =
                    (cell(*metric), cell(*value), cell(period));
                let name = match &name_cell.raw {
                    Raw::Text(name) => name.as_ref(),
                    _ => "",
                };
                if name.is_empty() {
                    if !value_cell.raw.is_empty() {
                        let span = crate::source::Span::new(file, name_cell.span.clone());
                        loader.bad(
                            span,
                            "a value without a metric name".to_string(),
                            "no metric",
                            "name the series of each row in its `metric` cell",
                        );
                    }
                    continue;
                }
                let Some(group) = loader.series(file, name, name_cell.span.clone()) else {
                    continue;
                };
                if value_cell.raw.is_empty() {
                    continue;
                }
                let Some(at) = loader.period(file, text, &period_cell) else {
                    continue;
                };
                let note = note.and_then(|i| match cell(i).raw {
                    Raw::Text(note) if !note.trim().is_empty() => Some(note.trim().to_string()),
                    _ => None,
                });
                let series = (group, org);
                loader.observe(file, text, series, at, period_cell.span, &value_cell, note);
            }
            Columns::Wide { series } => {
                let cells: Vec<(usize, Cell)> = series
                    .iter()
                    .filter_map(|(i, group)| Some((*group)?).map(|group| (group, cell(*i))))
                    .collect();
                if cells.iter().all(|(_, cell)| cell.raw.is_empty()) {
                    continue;
                }
                let period_cell = cell(period);
                let Some(at) = loader.period(file, text, &period_cell) else {
                    continue;
                };
                for (group, value_cell) in &cells {
                    loader.observe(
                        file,
                        text,
                        (*group, org),
                        at,
                        period_cell.span.clone(),
                        value_cell,
                        None,
                    );
                }
            }
        }
    }
}

/// Which columns hold what.
enum Columns {
    Long {
        metric: usize,
        value: usize,
        note: Option<usize>,
    },
    /// Each series column and the series it is read into (`None`: unknown).
    Wide { series: Vec<(usize, Option<usize>)> },
}

/// `,`, or `;` or a tab when the header line has one of them and no `,`.
pub(super) fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.contains(',') {
        b','
    } else if header.contains(';') {
        b';'
    } else if header.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// The byte offset where a record starts.
pub(super) fn start(record: &csv::ByteRecord) -> usize {
    record
        .position()
        .map_or(0, |position| position.byte() as usize)
}

/// The text of field `i` (trimmed, as written, quotes included) and its place; a field the
/// record does not have is empty, at the end of the record.
pub(super) fn field<'t>(
    text: &'t str,
    spans: &[Range<usize>],
    i: usize,
) -> (&'t str, Range<usize>) {
    match spans.get(i) {
        Some(span) => {
            let raw = &text[span.clone()];
            let start = span.start + (raw.len() - raw.trim_start().len());
            let trimmed = raw.trim();
            (trimmed, start..start + trimmed.len())
        }
        None => {
            let end = spans.last().map_or(0, |span| span.end);
            ("", end..end)
        }
    }
}

/// The byte range of each field of the record that starts at `at`, as the `csv` crate splits
/// it: a field that starts with `"` runs to the closing quote (`""` inside is a quote), and then
/// to the next delimiter or line end.
pub(super) fn field_spans(
    text: &[u8],
    mut at: usize,
    delimiter: u8,
    spans: &mut Vec<Range<usize>>,
) {
    spans.clear();
    if at == 0 && text.starts_with(b"\xEF\xBB\xBF") {
        at = 3;
    }
    while matches!(text.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    loop {
        let start = at;
        if text.get(at) == Some(&b'"') {
            at += 1;
            while at < text.len() {
                if text[at] == b'"' {
                    if text.get(at + 1) == Some(&b'"') {
                        at += 2;
                        continue;
                    }
                    at += 1;
                    break;
                }
                at += 1;
            }
        }
        while at < text.len() && !matches!(text[at], b'\r' | b'\n') && text[at] != delimiter {
            at += 1;
        }
        spans.push(start..at);
        if text.get(at) == Some(&delimiter) {
            at += 1;
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(text: &str) -> Vec<Vec<&str>> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut record = csv::ByteRecord::new();
        let mut spans = Vec::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            field_spans(text.as_bytes(), start(&record), b',', &mut spans);
            assert_eq!(spans.len(), record.len(), "{text:?}");
            out.push(spans.iter().map(|span| &text[span.clone()]).collect());
        }
        out
    }

    #[test]
    fn cells_are_found_where_the_crate_reads_them() {
        assert_eq!(
            spans_of("a,b\r\n1,2\r\n\r\n3,\"x,\"\"y\"\"\"\n"),
            vec![vec!["a", "b"], vec!["1", "2"], vec!["3", "\"x,\"\"y\"\"\""]]
        );
        assert_eq!(
            spans_of("\u{feff}period,v\n\n\n2026-01,1"),
            vec![vec!["period", "v"], vec!["2026-01", "1"]]
        );
        // A quoted cell over two lines is one cell.
        assert_eq!(
            spans_of("p,n\n2026-01,\"a\nb\"\n2026-02,c\n"),
            vec![
                vec!["p", "n"],
                vec!["2026-01", "\"a\nb\""],
                vec!["2026-02", "c"]
            ]
        );
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("period;revenue\n1,5;2\n"), b';');
        assert_eq!(delimiter("period\trevenue\n"), b'\t');
        assert_eq!(delimiter("period,revenue;x\n"), b',');
        assert_eq!(delimiter(""), b',');
    }
}
