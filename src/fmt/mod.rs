//! `kpic fmt`: the layout of a `.kpi` file made canonical, line by line.
//!
//! This first stage of the formatter changes whitespace only, never a token: two spaces of
//! indent per open brace (and one more level inside open parentheses), no trailing spaces, at
//! most one blank line in a row and none right inside braces or at either end of the file, LF
//! line ends and a final newline. Lines inside a `/* … */` comment keep their text (their
//! trailing spaces aside), so comments, spellings and meaning are kept by construction; a file
//! that does not parse is not formatted at all.

use crate::diagnostics::{Finding, Rule};
use crate::source::FileId;
use crate::syntax;

/// The canonical layout of `text`, or the syntax findings that keep it from being formatted.
pub fn format(text: &str) -> Result<String, Vec<Finding>> {
    let (_, findings) = syntax::parse_file(FileId(0), text);
    let syntax_errors: Vec<Finding> = findings
        .into_iter()
        .filter(|finding| finding.rule == Rule::Syntax)
        .collect();
    if !syntax_errors.is_empty() {
        return Err(syntax_errors);
    }
    Ok(layout(text))
}

/// Where the scan of the text stands at the start of a line.
#[derive(Debug, Default, Clone, Copy)]
struct Nesting {
    braces: usize,
    parens: usize,
    /// How many `/* … */` comments are open (they nest).
    comments: usize,
}

/// Re-indents and trims `text`; see the module's documentation.
fn layout(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut nesting = Nesting::default();
    let mut blank_pending = false;
    let mut last_opened_block = true; // no blank line at the start of the file
    for raw in text.split('\n') {
        let line = raw.trim_end();
        if nesting.comments > 0 {
            // Inside a block comment: its text as written.
            flush_blank(&mut out, &mut blank_pending);
            out.push_str(line);
            out.push('\n');
            nesting = scan(line, nesting);
            last_opened_block = false;
            continue;
        }
        let content = line.trim_start();
        if content.is_empty() {
            blank_pending = !last_opened_block;
            continue;
        }
        if content.starts_with('}') {
            blank_pending = false;
        }
        flush_blank(&mut out, &mut blank_pending);
        let closes_brace = content.starts_with('}');
        let closes_paren = content.starts_with(')');
        let braces = nesting.braces.saturating_sub(usize::from(closes_brace));
        let parens = nesting.parens.saturating_sub(usize::from(closes_paren));
        let level = braces + usize::from(parens > 0);
        out.extend(std::iter::repeat_n("  ", level));
        out.push_str(content);
        out.push('\n');
        nesting = scan(content, nesting);
        last_opened_block = content.ends_with('{');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out == "\n" {
        out.clear();
    }
    out
}

fn flush_blank(out: &mut String, blank_pending: &mut bool) {
    if std::mem::take(blank_pending) {
        out.push('\n');
    }
}

/// The nesting after one line: braces and parentheses outside strings and comments, and block
/// comments opened or closed. Strings end on their line (the grammar says so).
fn scan(line: &str, mut nesting: Nesting) -> Nesting {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let pair = bytes.get(i..i + 2);
        if nesting.comments > 0 {
            match pair {
                Some(b"/*") => {
                    nesting.comments += 1;
                    i += 2;
                }
                Some(b"*/") => {
                    nesting.comments -= 1;
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        match (bytes[i], pair) {
            (_, Some(b"//")) => break,
            (_, Some(b"/*")) => {
                nesting.comments += 1;
                i += 2;
                continue;
            }
            (b'"', _) => i = string_end(bytes, i + 1),
            (b'{', _) => nesting.braces += 1,
            (b'}', _) => nesting.braces = nesting.braces.saturating_sub(1),
            (b'(', _) => nesting.parens += 1,
            (b')', _) => nesting.parens = nesting.parens.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    nesting
}

/// The index of the closing quote of a string whose text starts at `i` (or the line's end).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn indents_by_nesting_and_trims() {
        let text = "\n\nmetric m \"M {\" {   \n      unit EUR\n\n\n   formula (a +\nb)\n\n}\n\n\n\nuse std.bsc";
        let expected =
            "metric m \"M {\" {\n  unit EUR\n\n  formula (a +\n    b)\n}\n\nuse std.bsc\n";
        assert_eq!(format(text).unwrap(), expected);
        assert_eq!(format(expected).unwrap(), expected, "idempotent");
    }

    #[test]
    fn block_comments_keep_their_lines() {
        let text = "/* a\n      { kept\n*/\nmetric m \"M\" { // {\n unit EUR /* } */\n}\n";
        let expected = "/* a\n      { kept\n*/\nmetric m \"M\" { // {\n  unit EUR /* } */\n}\n";
        assert_eq!(format(text).unwrap(), expected);
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(
            format("use std.bsc\r\nuse std.time\r\n").unwrap(),
            "use std.bsc\nuse std.time\n"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        let findings = format("metric m \"M\" {\n  unit +\n}\n").unwrap_err();
        assert_eq!(findings.len(), 1);
    }
}
