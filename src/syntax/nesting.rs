//! A guard run before pest: pest parses nested brackets and comments recursively, so input nested
//! thousands of levels deep would overflow the stack. This scan finds such nesting first and
//! reports it as a located syntax error instead.

use std::ops::Range;

/// The deepest nesting of brackets, braces and block comments kpic accepts.
pub const MAX_NESTING: usize = 128;

/// The place where nesting first goes deeper than [`MAX_NESTING`], if it does.
pub fn too_deep(text: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut comment_depth = 0usize;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let next = bytes.get(i + 1).copied();
        match bytes[i] {
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
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ if comment_depth > 0 => {}
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth + comment_depth > MAX_NESTING {
            return Some(start..i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_nesting_passes() {
        assert_eq!(too_deep("kpi a \"(((\" { formula ((a)) /* (( */ }"), None);
    }

    #[test]
    fn deep_brackets_and_comments_are_found() {
        let deep = "(".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep(&deep), Some(MAX_NESTING..MAX_NESTING + 1));
        assert!(too_deep(&"/*".repeat(MAX_NESTING + 1)).is_some());
    }
}
