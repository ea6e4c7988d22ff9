//! Certain fixes: the one obvious edit a finding calls for (a typo with a single close
//! candidate, a missing `use std.X`, an `@allow` that suppresses nothing, a line given twice),
//! which `kpic check --fix` applies and the `json` and `sarif` formats carry.

use crate::source::{FileId, SourceFile, Span};

/// What a fix does, in words (`replace \`revenu\` with \`revenue\``), and its edits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

/// One edit: the bytes of `span` replaced by `text` (an insertion when the span is empty, a
/// removal when the text is).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Fix {
    pub fn new(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            message: message.into(),
            edits,
        }
    }

    /// The fix that replaces `span` by `text`.
    pub fn replace(span: Span, text: &str, message: impl Into<String>) -> Fix {
        Fix::new(message, vec![Edit::new(span, text)])
    }
}

impl Edit {
    pub fn new(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }

    fn overlaps(&self, other: &Edit) -> bool {
        // Two insertions at one place, or an insertion at either end of a removal, do not
        // overlap: their order is that of the edits.
        self.span.file == other.span.file
            && self.span.start < other.span.end
            && other.span.start < self.span.end
    }
}

/// The whole line that `span` is written on, its line end included, when nothing but blanks
/// shares the line with it: removing that line leaves no empty line behind.
pub fn whole_line(file: &SourceFile, id: FileId, span: Span) -> Option<Span> {
    let line = file.line_index(span.start as usize);
    if file.line_index(span.end as usize) != line {
        return None;
    }
    let start = file.line_start(line);
    let end = match line + 1 < file.line_count() {
        true => file.line_start(line + 1),
        false => file.text.len(),
    };
    let before = &file.text[start..span.start as usize];
    let after = &file.text[span.end as usize..end];
    let blank = |text: &str| text.chars().all(char::is_whitespace);
    (blank(before) && blank(after)).then(|| Span::new(id, start..end))
}

/// The fixes to apply together: each fix whole or not at all, none overlapping another (the
/// first one wins; the others are left for the check that follows). Identical edits of two
/// findings (one `use std.bsc` for two names of `std.bsc`) are made once, and a fix whose edits
/// are all made already is left out.
pub fn compatible<'f>(fixes: impl IntoIterator<Item = &'f Fix>) -> Vec<&'f Fix> {
    let mut accepted: Vec<&Fix> = Vec::new();
    let mut edits: Vec<&Edit> = Vec::new();
    for fix in fixes {
        let new: Vec<&Edit> = fix.edits.iter().filter(|e| !edits.contains(e)).collect();
        let clashes = new
            .iter()
            .any(|edit| edits.iter().any(|taken| taken.overlaps(edit)));
        // A fix whose every edit is already made (two findings on one attribute) is made once.
        if !clashes && !new.is_empty() {
            edits.extend(new);
            accepted.push(fix);
        }
    }
    accepted
}

/// `text` with `edits` of one file made (none overlapping; identical ones once), from the end
/// so that the offsets of the ones before stay valid.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut ordered: Vec<(usize, &Edit)> = edits.iter().copied().enumerate().collect();
    ordered.sort_by_key(|(index, edit)| (edit.span.start, edit.span.end, *index));
    ordered.dedup_by(|(_, a), (_, b)| a == b);
    let mut result = text.to_string();
    for (_, edit) in ordered.iter().rev() {
        result.replace_range(edit.span.range(), &edit.text);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;

    const FILE: FileId = FileId(0);

    fn span(range: std::ops::Range<usize>) -> Span {
        Span::new(FILE, range)
    }

    fn source(text: &str) -> SourceFile {
        SourceFile::new("a.kpi".into(), Origin::Disk("a.kpi".into()), text.into())
    }

    #[test]
    fn edits_are_made_from_the_end_and_insertions_keep_their_order() {
        let text = "abc def";
        let edits = [
            Edit::new(span(4..7), "xyz"),
            Edit::new(span(0..0), "1"),
            Edit::new(span(0..0), "2"),
            Edit::new(span(0..3), ""),
        ];
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(apply(text, &refs), "12 xyz");
    }

    #[test]
    fn overlapping_fixes_are_left_for_later_and_identical_edits_made_once() {
        let a = Fix::replace(span(0..3), "x", "a");
        let b = Fix::replace(span(2..5), "y", "b");
        let c = Fix::new(
            "c",
            vec![Edit::new(span(0..3), "x"), Edit::new(span(6..6), "z")],
        );
        let accepted = compatible([&a, &b, &c]);
        assert_eq!(accepted, vec![&a, &c]);
        let edits: Vec<&Edit> = accepted.iter().flat_map(|f| &f.edits).collect();
        assert_eq!(apply("abcdefg", &edits), "xdefzg");
    }

    #[test]
    fn a_whole_line_only_when_nothing_else_is_on_it() {
        let file = source("a\n  @allow(x)\nb @allow(y)\n@allow(z)");
        assert_eq!(whole_line(&file, FILE, span(4..13)), Some(span(2..14)));
        assert_eq!(whole_line(&file, FILE, span(16..25)), None);
        assert_eq!(whole_line(&file, FILE, span(26..35)), Some(span(26..35)));
    }
}
