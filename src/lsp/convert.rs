//! Between kpic's places and the protocol's: file paths and `file://` URIs, byte offsets and
//! positions (a line and a column counted in UTF-16 code units, as LSP counts by default), and
//! findings as diagnostics.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostics::{Finding, Level};
use crate::source::{SourceFile, Span, line_ends};

/// The `file://` URI of an absolute path, each byte outside the unreserved set and `/`
/// percent-encoded.
pub fn path_to_uri(path: &Path) -> Uri {
    let mut text = String::from("file://");
    let path = path.to_string_lossy();
    if !path.starts_with('/') {
        text.push('/'); // a Windows path: file:///C:/…
    }
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                text.push(byte as char)
            }
            b':' if cfg!(windows) => text.push(':'),
            _ => text.push_str(&format!("%{byte:02X}")),
        }
    }
    Uri::from_str(&text).expect("an encoded path is a valid URI")
}

/// The path of a `file://` URI; `None` for any other scheme.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://host/path`) is skipped: the path starts at the next `/`.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path);
    let decoded = String::from_utf8(bytes).ok()?;
    // `/C:/x` on Windows is `C:/x`.
    let windows_drive = decoded.len() > 2 && decoded.as_bytes()[2] == b':';
    Some(PathBuf::from(if cfg!(windows) && windows_drive {
        &decoded[1..]
    } else {
        &decoded[..]
    }))
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The position of a byte offset of a loaded file (rounded down to a character).
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let offset = floor_char_boundary(&file.text, offset.min(file.text.len()));
    let line = file.line_index(offset);
    let start = file.line_start(line);
    Position::new(line as u32, utf16_len(&file.text[start..offset]))
}

/// The range of a span of a loaded file.
pub fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(
        position(file, span.start as usize),
        position(file, span.end as usize),
    )
}

/// The byte offset of a position in a loaded file: clamped to the end of its line, and to the
/// end of the text past the last line.
pub fn offset(file: &SourceFile, position: Position) -> usize {
    let line = position.line as usize;
    if line >= file.line_count() {
        return file.text.len();
    }
    let start = file.line_start(line);
    let end = match line + 1 < file.line_count() {
        true => file.line_start(line + 1),
        false => file.text.len(),
    };
    start + column_offset(&file.text[start..end], position.character)
}

/// The byte offset of a position in a text that is not loaded (an open document).
pub fn offset_in_text(text: &str, position: Position) -> usize {
    let starts = std::iter::once(0).chain(line_ends(text).map(|end| end as usize));
    let mut starts = starts.skip(position.line as usize);
    let Some(start) = starts.next() else {
        return text.len();
    };
    let end = starts.next().unwrap_or(text.len());
    start + column_offset(&text[start..end], position.character)
}

/// The position of a byte offset in a text that is not loaded.
pub fn position_in_text(text: &str, offset: usize) -> Position {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let (line, start) = line_ends(text)
        .take_while(|&end| end as usize <= offset)
        .enumerate()
        .last()
        .map_or((0, 0), |(index, end)| (index + 1, end as usize));
    Position::new(line as u32, utf16_len(&text[start..offset]))
}

/// The byte offset in `line` (its line end included) of a UTF-16 column: at most the start of
/// the line end.
fn column_offset(line: &str, character: u32) -> usize {
    let content = line.trim_end_matches(['\n', '\r']);
    let mut units = 0;
    for (at, c) in content.char_indices() {
        if units >= character {
            return at;
        }
        units += c.len_utf16() as u32;
    }
    content.len()
}

fn utf16_len(text: &str) -> u32 {
    text.chars().map(|c| c.len_utf16() as u32).sum()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A finding as a diagnostic of the file of its primary place. `locate` gives the location of a
/// secondary label's span (`None` where it cannot be shown: the label is left out).
pub fn diagnostic(
    finding: &Finding,
    file: &SourceFile,
    locate: impl Fn(Span) -> Option<Location>,
) -> Diagnostic {
    let severity = match finding.level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warn => DiagnosticSeverity::WARNING,
        Level::Allow => DiagnosticSeverity::HINT,
    };
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .secondary
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: locate(label.span)?,
                message: label.message.clone().unwrap_or_default(),
            })
        })
        .collect();
    Diagnostic {
        range: range(file, finding.primary.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.name().to_string())),
        // The rule's explanation is `kpic explain RULE`, and its hover in an attribute: there
        // is no page to link to that every install has.
        code_description: None,
        source: Some("kpic".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.kpi".into(), Origin::Stdlib("a".into()), text.into())
    }

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is one UTF-16 unit (two bytes), `😀` two units (four bytes).
        let text = "ab\né😀x\r\ny";
        let loaded = file(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(&loaded, x), Position::new(1, 3));
        assert_eq!(offset(&loaded, Position::new(1, 3)), x);
        assert_eq!(offset_in_text(text, Position::new(1, 3)), x);
        assert_eq!(position_in_text(text, x), Position::new(1, 3));
        // Past the end of a line: its end, before the CRLF.
        assert_eq!(offset(&loaded, Position::new(1, 99)), x + 1);
        assert_eq!(offset_in_text(text, Position::new(1, 99)), x + 1);
        assert_eq!(offset(&loaded, Position::new(2, 0)), text.len() - 1);
        assert_eq!(position_in_text(text, text.len()), Position::new(2, 1));
        assert_eq!(offset_in_text(text, Position::new(7, 0)), text.len());
    }

    #[test]
    fn paths_and_uris_round_trip() {
        let path = Path::new("/tmp/my project/é#1.kpi");
        let uri = path_to_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/my%20project/%C3%A9%231.kpi");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&other), None);
    }
}
