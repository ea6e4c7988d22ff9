//! Source files and positions: every span in kpic is a byte range inside one file of a
//! [`SourceMap`]; lines and columns are computed only when a finding is rendered.

use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies within `self` (same file).
    pub fn contains(&self, other: &Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }

    /// The span from the start of `self` to the end of `other` (same file).
    pub fn to(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Where a file came from: a file on disk, or a module of the embedded standard library.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    Disk(PathBuf),
    Stdlib(String),
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in findings: a path relative to the working directory, or `<std>/NAME.kpi`.
    pub name: String,
    pub origin: Origin,
    pub text: String,
    /// Where each line starts; a line ends at LF, CRLF or a CR alone (old Mac line ends), so
    /// that every format counts the same lines.
    line_starts: Vec<u32>,
    /// Where each line's first byte that is not ASCII is (its end if none): columns count
    /// characters, and up to there a character is a byte, so a finding on a long ASCII line
    /// (a CSV header of 100,000 columns) costs no count from the line's start.
    first_non_ascii: Vec<u32>,
    /// Past a line's ASCII start, made when first needed: how many characters come before each
    /// block of [`BLOCK`] bytes, so that a column costs a count within one block however long
    /// its line (a CSV header of 300,000 non-ASCII names).
    chars_before_block: OnceLock<Vec<u32>>,
    /// Whether a `\r` ends a line on its own somewhere (old Mac line ends).
    has_lone_cr: bool,
    /// The text with each lone `\r` an `\n`, made once when first asked for: see
    /// [`SourceFile::display_text`].
    display_text: OnceLock<String>,
}

/// The bytes of a block of [`SourceFile::chars_before_block`].
const BLOCK: usize = 256;

/// How many characters UTF-8 bytes hold: every byte but the continuation bytes (`10xxxxxx`).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte as i8) >= -0x40).count()
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: String, origin: Origin, text: String) -> SourceFile {
        let line_starts: Vec<u32> = std::iter::once(0).chain(line_ends(&text)).collect();
        let lf_count = text.bytes().filter(|&byte| byte == b'\n').count();
        let has_lone_cr = line_starts.len() - 1 > lf_count;
        let first_non_ascii = first_non_ascii(&text, &line_starts);
        SourceFile {
            name,
            origin,
            text,
            line_starts,
            first_non_ascii,
            chars_before_block: OnceLock::new(),
            has_lone_cr,
            display_text: OnceLock::new(),
        }
    }

    /// The text with every line ended by `\n` or `\r\n`: a `\r` that ends a line alone is a
    /// `\n` here, at the same offset. For renderers that split lines at `\n` only (miette's
    /// snippets); made once per file, not once per finding.
    pub fn display_text(&self) -> &str {
        if !self.has_lone_cr {
            return &self.text;
        }
        self.display_text.get_or_init(|| {
            let mut bytes = self.text.as_bytes().to_vec();
            for &start in &self.line_starts[1..] {
                let end = start as usize - 1;
                if bytes[end] == b'\r' {
                    bytes[end] = b'\n';
                }
            }
            // Only one ASCII byte was swapped for another.
            String::from_utf8(bytes).expect("still UTF-8")
        })
    }

    /// How many characters come before the byte offset `at`.
    fn chars_before(&self, at: usize) -> usize {
        let blocks = self.chars_before_block.get_or_init(|| {
            let mut total = 0;
            std::iter::once(0)
                .chain(self.text.as_bytes().chunks(BLOCK).map(|block| {
                    total += count_chars(block) as u32;
                    total
                }))
                .collect()
        });
        let block = at / BLOCK;
        blocks[block] as usize + count_chars(&self.text.as_bytes()[block * BLOCK..at])
    }

    /// The 0-based line that holds a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line] as usize
    }

    /// Whether a `\r` ends a line on its own somewhere (old Mac line ends).
    pub fn has_lone_cr(&self) -> bool {
        self.has_lone_cr
    }

    /// The line and column of a byte offset (clamped to the text, rounded down to a character).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let line_start = self.line_starts[line] as usize;
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let ascii_end = (self.first_non_ascii[line] as usize).min(end);
        let column = ascii_end - line_start
            + 1
            + match end > ascii_end {
                true => self.chars_before(end) - self.chars_before(ascii_end),
                false => 0,
            };
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// The offsets just after each line end of `text`: after `\n`, and after a `\r` not followed
/// by `\n`. The one definition of a line, for the parser's recovery and the data loaders too.
pub fn line_ends(text: &str) -> impl Iterator<Item = u32> + '_ {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, &byte)| {
        let ends = byte == b'\n' || byte == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        ends.then_some(i as u32 + 1)
    })
}

/// User text quoted in a message, cut after `max_chars` characters (never inside one) with `…`
/// where it was cut: a 1 MB cell makes a short message.
pub fn shorten(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// For each line (starting at `line_starts`), the offset of its first byte that is not ASCII, or
/// of its end.
fn first_non_ascii(text: &str, line_starts: &[u32]) -> Vec<u32> {
    let bytes = text.as_bytes();
    let ends = line_starts.iter().skip(1).map(|&start| start as usize);
    line_starts
        .iter()
        .zip(ends.chain(std::iter::once(bytes.len())))
        .map(|(&start, end)| {
            let line = &bytes[start as usize..end];
            let ascii = line
                .iter()
                .position(|byte| !byte.is_ascii())
                .unwrap_or(line.len());
            (start as usize + ascii) as u32
        })
        .collect()
}

/// Every source file of one run, stdlib modules included.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find(&self, origin: &Origin) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| &f.origin == origin)
            .map(|i| FileId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shorten_cuts_at_characters_and_says_so() {
        assert_eq!(super::shorten("abc", 3), "abc");
        assert_eq!(super::shorten("abcd", 3), "abc…");
        assert_eq!(super::shorten("ééééé", 2), "éé…");
    }

    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new(
            "a.kpi".into(),
            Origin::Stdlib("a".into()),
            "ab\nçd\n".into(),
        );
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes: the byte after it is the third character of the line.
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(100), LineCol { line: 3, column: 1 });
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.kpi".into(), Origin::Stdlib("a".into()), text.into())
    }

    #[test]
    fn columns_count_characters_past_the_ascii_start_of_a_line() {
        let line = format!("ab{}é{}x", "é".repeat(300), "a".repeat(1000));
        let file = file(&format!("q\n{line}"));
        let x = file.text.rfind('x').unwrap();
        assert_eq!(
            file.line_col(x),
            LineCol {
                line: 2,
                column: 1304
            }
        );
        // Inside a character: rounded down to it.
        assert_eq!(file.line_col(4), LineCol { line: 2, column: 3 });
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 3 });
        assert_eq!(file.line_col(6), LineCol { line: 2, column: 4 });
    }

    /// Regression (issue 16, item 7): past a line's first character that is not ASCII, a column
    /// was counted from there, so a finding per cell of a wide CSV header of non-ASCII names was
    /// quadratic (300,000 columns: 15 s in release). 200,000 columns of a 3 MB line now take
    /// milliseconds; counting each from the line's start takes half a minute.
    #[test]
    fn a_column_is_found_without_counting_its_whole_line() {
        let line = "é,".repeat(1_000_000);
        let file = file(&line);
        let started = std::time::Instant::now();
        for i in 0..200_000 {
            let at = line.len() - 1 - 3 * i;
            assert_eq!(file.line_col(at).column, 2_000_000 - 2 * i);
        }
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    }

    #[test]
    fn the_display_text_has_a_lf_for_each_lone_cr() {
        assert_eq!(file("a\rb\r\nc\nd\r").display_text(), "a\nb\r\nc\nd\n");
        let lf = file("a\r\nb\n");
        assert!(std::ptr::eq(lf.display_text(), lf.text.as_str()));
    }
}
