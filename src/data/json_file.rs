//! JSON data files: an array of observations (long), an object of series, or NDJSON (one
//! observation object a line).
//!
//! serde_json does all the reading. The file is first checked whole (a syntax error makes it
//! unreadable); then [`Walker`] steps through its arrays and objects, handing each key and value
//! to serde_json's stream deserializer, which says where the value ends: so every key and cell
//! has its byte range without a JSON parser of our own (the walker only skips whitespace and the
//! `[ ] { } , :` between values).

use std::borrow::Cow;
use std::ops::Range;

use serde::de::{DeserializeOwned, IgnoredAny};

use super::value::Raw;
use super::{CELL_SHOWN, Cell, Loader, Unreadable};
use crate::source::shorten;
use crate::source::{FileId, Span};

/// Whether a `.json` file is of a known form: valid JSON holding an array or an object.
pub(super) fn check(text: &str) -> Result<(), Unreadable> {
    let start = after_bom(text);
    if let Err(error) = serde_json::from_str::<IgnoredAny>(&text[start..]) {
        let at = start + offset_of(&text[start..], error.line(), error.column());
        return Err(Unreadable {
            at: Some(at..at),
            ..Unreadable::form(format!("not valid JSON: {error}"))
        });
    }
    match Walker::new(text, start).peek() {
        Some(b'[' | b'{') => Ok(()),
        _ => Err(Unreadable::form(
            "a JSON data file holds an array of observations or an object of series",
        )),
    }
}

/// Reads a `.json` file of a known form ([`check`]): an array of observations, or an object of
/// series.
pub(super) fn read_json(loader: &mut Loader, file: FileId, text: &str) {
    let mut walker = Walker::new(text, after_bom(text));
    match walker.peek() {
        Some(b'[') => walker.items(|walker| observation(loader, file, text, walker)),
        Some(b'{') => walker.entries(|walker, name, name_span| {
            series(loader, file, text, walker, name, name_span);
        }),
        _ => {}
    }
}

/// Reads an `.ndjson` or `.jsonl` file: one observation object a line (blank lines are fine). A
/// line that is not a JSON object is a `bad-value` finding, and the other lines still load.
pub(super) fn read_ndjson(loader: &mut Loader, file: FileId, text: &str) {
    let first = after_bom(text);
    let ends: Vec<usize> = crate::source::line_ends(text)
        .map(|end| end as usize)
        .collect();
    let starts = std::iter::once(first).chain(ends.iter().copied());
    for (line_start, line_end) in starts.zip(ends.iter().copied().chain([text.len()])) {
        let content = text[line_start..line_end.max(line_start)].trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let offset = line_start + (content.len() - content.trim_start().len());
        if let Err(error) = serde_json::from_str::<IgnoredAny>(content) {
            let at = line_start + offset_of(content, error.line(), error.column());
            let message = error.to_string();
            let message = message
                .strip_suffix(&format!(
                    " at line {} column {}",
                    error.line(),
                    error.column()
                ))
                .unwrap_or(&message);
            loader.bad(
                Span::new(file, at..at),
                format!("this line is not valid JSON: {message}"),
                "here",
                "write one observation a line: {\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 1250000}",
            );
            continue;
        }
        let mut walker = Walker::new(text, offset);
        walker.end = line_start + content.len();
        observation(loader, file, text, &mut walker);
    }
}

/// One long-form observation (the walker is at the value): `{"period", "metric", "value",
/// "note"}`, keys in any case.
fn observation(loader: &mut Loader, file: FileId, text: &str, walker: &mut Walker) {
    if walker.peek() != Some(b'{') {
        let (what, span) = walker.cell();
        let what = match what {
            Raw::Other(what) => what,
            Raw::Text(_) => "a string",
            Raw::Number(_) => "a number",
            Raw::Empty => "null",
        };
        loader.bad(
            Span::new(file, span),
            format!("an observation must be an object, not {what}"),
            "not an observation",
            "write each observation as {\"period\": \"2026-01\", \"metric\": \"revenue\", \"value\": 1250000}",
        );
        return;
    }
    let open = walker.at;
    let (mut period, mut metric, mut value, mut note, mut org) = (None, None, None, None, None);
    walker.entries(|walker, key, _| {
        let (raw, span) = walker.cell();
        let slot = match key.to_ascii_lowercase().as_str() {
            "period" => &mut period,
            "metric" => &mut metric,
            "value" => &mut value,
            "note" => &mut note,
            "org" => &mut org,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(Cell { raw, span });
        }
    });
    let object = Span::new(file, open..open + 1);
    let name = match &metric {
        Some(Cell {
            raw: Raw::Text(name),
            span,
        }) if !name.trim().is_empty() => (name.trim().to_string(), span.clone()),
        Some(Cell {
            raw: Raw::Text(_) | Raw::Empty,
            ..
        })
        | None => {
            if value.as_ref().is_some_and(|cell| !cell.raw.is_empty()) {
                let span = metric
                    .as_ref()
                    .map_or(object, |cell| Span::new(file, cell.span.clone()));
                loader.bad(
                    span,
                    "a value without a metric name".to_string(),
                    "no metric",
                    "name the series of each observation in its \"metric\" key",
                );
            }
            return;
        }
        Some(Cell { span, .. }) => {
            loader.bad(
                Span::new(file, span.clone()),
                format!(
                    "`{}` is not a metric name: write it as a string",
                    shorten(&text[span.clone()], CELL_SHOWN)
                ),
                "not a name",
                "name the series of each observation in its \"metric\" key",
            );
            return;
        }
    };
    let Some(group) = loader.series(file, &name.0, name.1) else {
        return;
    };
    let Some(value) = value.filter(|cell| !cell.raw.is_empty()) else {
        return;
    };
    let Some(org) = loader.org(file, text, org.as_ref()) else {
        return;
    };
    let period_cell = period.unwrap_or(Cell {
        raw: Raw::Empty,
        span: object.range(),
    });
    let Some(at) = loader.period(file, text, &period_cell) else {
        return;
    };
    let note = note.and_then(|cell| match cell.raw {
        Raw::Text(note) if !note.trim().is_empty() => Some(note.trim().to_string()),
        _ => None,
    });
    loader.observe(file, text, (group, org), at, period_cell.span, &value, note);
}

/// One entry of the by-series form (the walker is at its value): `"revenue": {"2026-01": 1}`.
fn series(
    loader: &mut Loader,
    file: FileId,
    text: &str,
    walker: &mut Walker,
    name: String,
    name_span: Range<usize>,
) {
    let group = loader.series(file, name.trim(), name_span);
    if walker.peek() != Some(b'{') {
        let (_, span) = walker.value::<IgnoredAny>();
        if group.is_some() {
            loader.bad(
                Span::new(file, span),
                format!(
                    "the series `{}` must be an object of periods and values",
                    name.trim()
                ),
                "not an object",
                "write a series as {\"2026-01\": 1250000, \"2026-02\": 1310000}",
            );
        }
        return;
    }
    let Some(group) = group else {
        walker.value::<IgnoredAny>();
        return;
    };
    walker.entries(|walker, period, period_span| {
        let (raw, span) = walker.cell();
        let cell = Cell { raw, span };
        if cell.raw.is_empty() {
            return;
        }
        let period_cell = Cell {
            raw: Raw::Text(Cow::Owned(period)),
            span: period_span,
        };
        if let Some(at) = loader.period(file, text, &period_cell) {
            loader.observe(file, text, (group, None), at, period_cell.span, &cell, None);
        }
    });
}

/// Steps through a JSON text known to be valid, giving the byte range of every value.
struct Walker<'t> {
    text: &'t str,
    at: usize,
    /// Where the text to walk ends (a line of NDJSON).
    end: usize,
}

impl<'t> Walker<'t> {
    fn new(text: &'t str, at: usize) -> Walker<'t> {
        let mut walker = Walker {
            text,
            at,
            end: text.len(),
        };
        walker.skip_space();
        walker
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while self.at < self.end && matches!(bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.at < self.end).then(|| self.text.as_bytes()[self.at])
    }

    /// Skips `byte` (and the space after it) if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            self.skip_space();
            true
        } else {
            false
        }
    }

    /// Reads the value that starts here, and its byte range. A value that is valid JSON but not
    /// a `T` (`1e999` is out of range of a number; serde_json stops at 128 levels of nesting) is
    /// stepped over, `None`, and the walk goes on. On text that is not valid JSON (never, after
    /// the whole was checked) it reads nothing, and the walk ends.
    fn value<T: DeserializeOwned>(&mut self) -> (Option<T>, Range<usize>) {
        let start = self.at;
        let mut stream =
            serde_json::Deserializer::from_str(&self.text[start..self.end]).into_iter::<T>();
        if let Some(Ok(value)) = stream.next() {
            self.at = start + stream.byte_offset();
            self.skip_space();
            return (Some(value), start..start + stream.byte_offset());
        }
        // Stepping over a value reads no number and keeps no nesting: it always succeeds on
        // valid JSON.
        let mut skip = serde_json::Deserializer::from_str(&self.text[start..self.end])
            .into_iter::<IgnoredAny>();
        match skip.next() {
            Some(Ok(_)) => {
                self.at = start + skip.byte_offset();
                self.skip_space();
                (None, start..start + skip.byte_offset())
            }
            _ => {
                self.at = self.end;
                (None, start..start)
            }
        }
    }

    /// The JSON value that starts here as a cell, and its byte range: a value serde_json cannot
    /// hold is a cell that says why, so that it becomes a located `bad-value`.
    fn cell(&mut self) -> (Raw<'static>, Range<usize>) {
        let first = self.peek();
        let (value, span) = self.value::<serde_json::Value>();
        let raw = match (value, first) {
            (Some(value), _) => Raw::of_json(value),
            // Beyond the range of a double: infinite, which no value may be.
            (None, Some(b'-' | b'0'..=b'9')) => {
                Raw::Number(self.text[span.clone()].parse().unwrap_or(f64::NAN))
            }
            (None, Some(b'"')) => Raw::Other("a string with an escape that is no character"),
            (None, _) => Raw::Other("a value nested too deeply"),
        };
        (raw, span)
    }

    /// Calls `f` at each item of the array that starts here.
    fn items(&mut self, mut f: impl FnMut(&mut Walker<'t>)) {
        if !self.eat(b'[') {
            return;
        }
        while self.peek().is_some() && !self.eat(b']') {
            let before = self.at;
            f(self);
            if self.at == before {
                // `f` read nothing: step over the item.
                self.value::<IgnoredAny>();
            }
            self.eat(b',');
        }
    }

    /// Calls `f` with each key of the object that starts here, its range, and the walker at its
    /// value; a value `f` does not read is skipped.
    fn entries(&mut self, mut f: impl FnMut(&mut Walker<'t>, String, Range<usize>)) {
        if !self.eat(b'{') {
            return;
        }
        while self.peek() == Some(b'"') {
            let (key, key_span) = self.value::<String>();
            let key = key.unwrap_or_default();
            if !self.eat(b':') {
                self.at = self.end;
                return;
            }
            let before = self.at;
            f(self, key, key_span);
            if self.at == before {
                self.value::<IgnoredAny>();
            }
            self.eat(b',');
        }
        self.eat(b'}');
    }
}

/// Where the JSON starts: after a UTF-8 byte order mark, which editors on Windows write and
/// which CSV and `.kpi` files may carry too.
fn after_bom(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// The byte offset of the 1-based line and column (in bytes) of serde_json's errors, on a
/// character boundary.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |end| line_start + end);
    let mut at = (line_start + column.saturating_sub(1)).min(line_end);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walker_gives_the_place_of_every_key_and_value() {
        let text = " {\"a\" : [1, 2] ,\"b\":{\"2026-01\": \"x\\\"y\", \"2026-02\":null}}";
        let mut walker = Walker::new(text, 0);
        let mut seen = Vec::new();
        walker.entries(|walker, key, key_span| {
            seen.push((key.clone(), text[key_span].to_string()));
            if key == "b" {
                walker.entries(|walker, period, _| {
                    let (_, span) = walker.value::<serde_json::Value>();
                    seen.push((period, text[span].to_string()));
                });
            }
        });
        assert_eq!(
            seen,
            [
                ("a".to_string(), "\"a\"".to_string()),
                ("b".to_string(), "\"b\"".to_string()),
                ("2026-01".to_string(), "\"x\\\"y\"".to_string()),
                ("2026-02".to_string(), "null".to_string()),
            ]
        );
        assert_eq!(walker.at, text.len());
    }

    #[test]
    fn array_items_and_their_places() {
        let text = "[ 1,\n{\"k\": 2.5e3} , \"s\" ]";
        let mut walker = Walker::new(text, 0);
        let mut seen = Vec::new();
        walker.items(|walker| {
            let (_, span) = walker.value::<serde_json::Value>();
            seen.push(&text[span]);
        });
        assert_eq!(seen, ["1", "{\"k\": 2.5e3}", "\"s\""]);
    }

    #[test]
    fn error_positions_become_offsets() {
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab\ncd", 1, 1), 0);
        assert_eq!(offset_of("ab", 5, 9), 2);
    }
}
