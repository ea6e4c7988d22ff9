//! A guard run before pest: pest parses nested brackets and comments recursively, so input nested
//! thousands of levels deep would overflow the stack. This scan finds such nesting first and
//! reports it as a located syntax error instead.
//!
//! pest runs without its own stack probe (its `std` feature is off, for speed), so this guard is
//! the only thing between deep input and a stack overflow: whatever the grammar nests, and
//! wherever it ends a comment or a string, this scan must count and end alike (the fuzz target
//! `check` and `tests/hostile.rs` hold it to that).

use std::ops::Range;

/// The deepest nesting of brackets, braces and block comments kpic accepts.
pub const MAX_NESTING: usize = 128;

/// The bytes the scan looks at; any other byte is passed over at once (most of a file).
const MAY_NEST: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = b"\n\r\\\"/*(){}";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Every place where nesting goes deeper than [`MAX_NESTING`], in one pass over the file. After
/// such a place the count starts again at the next declaration start (`restarts`, sorted), where
/// parsing resumes after the error; counting from an earlier start never gives less depth than
/// counting from a later one, so nesting that passes this scan passes it from any later start.
pub fn too_deep(text: &str, restarts: &[usize]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let (mut depth, mut comment_depth, mut in_string) = (0usize, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        if !MAY_NEST[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let start = i;
        let next = bytes.get(i + 1).copied();
        match bytes[i] {
            // A string and a line comment end at a line end: `\n`, `\r\n` or a lone `\r`.
            b'\n' | b'\r' if in_string => in_string = false,
            b'\\' if in_string => i += 1,
            b'"' if comment_depth == 0 => in_string = !in_string,
            _ if in_string => {}
            b'/' if next == Some(b'*') => {
                comment_depth += 1;
                i += 1;
            }
            b'*' if comment_depth > 0 && next == Some(b'/') => {
                comment_depth -= 1;
                i += 1;
            }
            b'/' if comment_depth == 0 && next == Some(b'/') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            _ if comment_depth > 0 => {}
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth + comment_depth > MAX_NESTING {
            found.push(start..i + 1);
            let Some(&restart) = restarts.iter().find(|&&r| r > i) else {
                break;
            };
            (i, depth, comment_depth, in_string) = (restart, 0, 0, false);
            continue;
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_nesting_passes() {
        assert!(too_deep("kpi a \"(((\" { formula ((a)) /* (( */ }", &[]).is_empty());
    }

    #[test]
    fn deep_brackets_and_comments_are_found() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep(&deep, &[]), vec![MAX_NESTING..MAX_NESTING + 1]);
        assert_eq!(too_deep(&"/*".repeat(MAX_NESTING + 1), &[]).len(), 1);
    }

    #[test]
    fn a_line_comment_ends_at_a_lone_carriage_return() {
        let text = format!("// a comment\r{}", "(".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&text, &[]).len(), 1);
        let text = format!("\"a string\r{}", "(".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&text, &[]).len(), 1);
    }

    #[test]
    fn counting_restarts_after_each_place_found() {
        let line = format!("{}\n", "(".repeat(MAX_NESTING + 1));
        let text = line.repeat(3);
        let restarts: Vec<usize> = (0..3).map(|n| n * line.len()).collect();
        let found = too_deep(&text, &restarts);
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].start, 2 * line.len() + MAX_NESTING);
    }
}
