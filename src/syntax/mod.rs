//! Stage 1, syntax: the text of one `.kpi` file to its spanned AST, with syntax findings.
//!
//! pest stops at the first error. To report more than one error per file and to keep the rest of
//! the file checked, parsing resumes after an error at the next declaration that starts a line
//! (a declaration keyword, `@` or `///` in column 1); the declaration with the error is left out
//! and recorded as [`ast::BrokenDecl`].

pub mod ast;
mod expected;
mod lower;
mod nesting;
mod parser;

use pest::Parser;

use crate::diagnostics::{Finding, Rule};
use crate::source::{FileId, Span};

pub use lower::MAX_FORMULA_DEPTH;
pub use nesting::MAX_NESTING;

/// After this many syntax errors in one file the rest of it is not parsed: each error costs
/// pest a scan to the end of the file, and the first errors are the ones worth fixing.
pub const MAX_SYNTAX_ERRORS: usize = 50;

/// Parses one file. Never panics, whatever the text.
pub fn parse_file(file: FileId, text: &str) -> (ast::File, Vec<Finding>) {
    let mut ast = ast::File::default();
    let mut findings = Vec::new();
    let boundaries = declaration_starts(text);
    let deep = nesting::too_deep(text, &boundaries);
    let mut start = 0;
    while start < text.len() || start == 0 {
        match parse_piece(
            file,
            text,
            start..text.len(),
            &deep,
            &mut ast,
            &mut findings,
        ) {
            Ok(()) => break,
            Err(error_at) => {
                // The broken declaration: the one whose keyword is the last before the error, or,
                // for an error in the doc comments or attributes above a keyword, the one they
                // belong to; it starts with the doc comments, attributes, comments and blank
                // lines written right above its keyword.
                let is_keyword = |b: &usize| !text[*b..].starts_with(['@', '/']);
                let mut after_error = boundaries.partition_point(|b| *b <= error_at);
                if after_error > 0 && !is_keyword(&boundaries[after_error - 1]) {
                    after_error += boundaries[after_error..]
                        .iter()
                        .position(is_keyword)
                        .map_or(boundaries.len() - after_error, |i| i + 1);
                }
                let keyword = boundaries[..after_error]
                    .iter()
                    .rev()
                    .find(|b| is_keyword(b))
                    .map_or(start, |&b| b)
                    .max(start);
                let broken_start = leading_lines_start(text, keyword).max(start);
                // The declarations before the broken one parsed; parse them again on their own.
                if broken_start > start {
                    let _ = parse_piece(
                        file,
                        text,
                        start..broken_start,
                        &deep,
                        &mut ast,
                        &mut Vec::new(),
                    );
                }
                ast.broken.push(broken_decl(&text[broken_start..]));
                let unclosed_comment = findings
                    .last()
                    .is_some_and(|f| f.message == "unterminated block comment");
                // Stop at an unclosed comment (nothing after it is code) or after too many
                // errors. What is left goes unchecked, but its declarations still count as
                // declared, so that references to them are not reported too.
                let stop = unclosed_comment || findings.len() >= MAX_SYNTAX_ERRORS;
                match boundaries.get(after_error) {
                    Some(&next) if !stop => start = next,
                    Some(_) => {
                        let rest = &boundaries[after_error..];
                        ast.broken
                            .extend(rest.iter().map(|&b| broken_decl(&text[b..])));
                        break;
                    }
                    None => break,
                }
            }
        }
    }
    (ast, findings)
}

/// Parses `text[range]` as a sequence of declarations, adding them to `ast`. On a syntax error,
/// adds its finding and returns where it is (nothing of the piece is kept). Nesting deeper than
/// pest can recurse is refused first, the same way.
fn parse_piece(
    file: FileId,
    text: &str,
    range: std::ops::Range<usize>,
    too_deep: &[std::ops::Range<usize>],
    ast: &mut ast::File,
    findings: &mut Vec<Finding>,
) -> Result<(), usize> {
    let base = range.start;
    let first_deep = too_deep.partition_point(|deep| deep.start < range.start);
    if let Some(deep) = too_deep
        .get(first_deep)
        .filter(|deep| deep.start < range.end)
    {
        let message =
            format!("brackets, braces or comments nested more than {MAX_NESTING} levels deep");
        let span = Span::new(file, deep.clone());
        findings.push(Finding::new(Rule::Syntax, span, message).label("too deep"));
        return Err(deep.start);
    }
    match parser::KpiParser::parse(parser::Rule::file, &text[range]) {
        Ok(mut pairs) => {
            let mut lowerer = lower::Lowerer::new(file, base);
            ast.items
                .extend(lowerer.items(pairs.next().expect("the file rule matched")));
            findings.extend(lowerer.findings);
            Ok(())
        }
        Err(error) => {
            let finding = expected::syntax_finding(file, text, base, error);
            let at = finding.primary.span.start as usize;
            findings.push(finding);
            Err(at)
        }
    }
}

/// Offsets of the lines that start a declaration in column 1, in order.
fn declaration_starts(text: &str) -> Vec<usize> {
    const STARTS: [&str; 10] = [
        "scorecard",
        "use",
        "perspective",
        "objective",
        "metric",
        "kpi",
        "initiative",
        "fn",
        "@",
        "///",
    ];
    std::iter::once(0)
        .chain(crate::source::line_ends(text).map(|end| end as usize))
        .filter(|&offset| {
            let line = &text[offset..];
            STARTS.iter().any(|start| {
                line.starts_with(start)
                    && (start.starts_with(['@', '/'])
                        || line[start.len()..].starts_with([' ', '\t']))
            })
        })
        .collect()
}

/// Where the lines written right above the declaration at `start` begin: doc comments,
/// attributes, comments and blank lines belong to it, so that what comes before it ends on a
/// declaration's end and parses on its own.
fn leading_lines_start(text: &str, start: usize) -> usize {
    let mut begin = start;
    while begin > 0 {
        let line_start = text[..begin - 1].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = text[line_start..begin].trim();
        let leading = line.is_empty() || line.starts_with("//") || line.starts_with('@');
        if !leading {
            break;
        }
        begin = line_start;
    }
    begin
}

/// The keyword and id of a declaration that did not parse, as far as they can be read.
fn broken_decl(text: &str) -> ast::BrokenDecl {
    let mut rest = text;
    // Skip doc comments and attributes to the keyword.
    while rest.starts_with("///") || rest.starts_with('@') {
        rest = rest
            .split_once(['\n', '\r'])
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    let mut words = rest
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let keyword = words.next().unwrap_or_default().to_string();
    let id = words
        .next()
        .filter(|id| {
            keyword != "scorecard"
                && keyword != "use"
                && id.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        })
        .map(str::to_string);
    ast::BrokenDecl { keyword, id }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (ast::File, Vec<Finding>) {
        parse_file(FileId(0), text)
    }

    /// pest runs without its per-call stack probe: the nesting guard bounds how deep it recurses.
    /// The deepest nesting kpic accepts, of brackets and of comments, parses on a stack of 4 MB
    /// (the parse threads have 64 MB, a main thread 8 MB), in a debug build too.
    #[test]
    fn the_deepest_nesting_accepted_parses_on_a_small_stack() {
        const STACK: usize = 4 * 1024 * 1024;
        let depth = MAX_NESTING - 1;
        let formula = format!("fn f(x) = {}x{}\n", "(".repeat(depth), ")".repeat(depth));
        let comment = format!(
            "{}{}\nmetric m \"M\"\n",
            "/*".repeat(depth),
            "*/".repeat(depth)
        );
        let call = format!("fn g(x) = {}x{}\n", "f(".repeat(depth), ")".repeat(depth));
        let parsed = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || [parse(&formula), parse(&comment), parse(&call)])
            .unwrap()
            .join()
            .unwrap();
        for (ast, findings) in parsed {
            assert!(findings.is_empty(), "{findings:?}");
            assert_eq!(ast.items.len(), 1);
        }
    }

    #[test]
    fn parsing_resumes_at_the_next_declaration() {
        let text = "metric a \"A\" { unit EUR }\nkpi b \"B\" {\n  onwer \"x\"\n}\nmetric c \"C\" { unit % }\nmetric d \"D\" { unit + }\n";
        let (ast, findings) = parse(text);
        assert_eq!(ast.items.len(), 2, "a and c parse");
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_eq!(
            ast.broken,
            vec![
                ast::BrokenDecl {
                    keyword: "kpi".into(),
                    id: Some("b".into())
                },
                ast::BrokenDecl {
                    keyword: "metric".into(),
                    id: Some("d".into())
                },
            ]
        );
    }

    #[test]
    fn a_formula_span_covers_its_parentheses() {
        let text = "metric m \"M\" {\n  formula (a - b) / c // margin\n}\n";
        let (ast, findings) = parse(text);
        assert!(findings.is_empty(), "{findings:?}");
        let ast::Decl::Block(block) = &ast.items[0].decl else {
            panic!("a metric")
        };
        let ast::PropertyValue::Formula(formula) = &block.properties[0].value else {
            panic!("a formula")
        };
        assert_eq!(&text[formula.span.range()], "(a - b) / c");
    }

    #[test]
    fn an_unterminated_string_ends_at_its_line() {
        let (ast, findings) = parse("metric a \"A {\n}\nmetric b \"B\"\n");
        assert_eq!(ast.items.len(), 1, "b parses");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].message, "unterminated string");
    }

    #[test]
    fn an_unterminated_comment_stops_the_file() {
        let (ast, findings) = parse("metric a \"A\" /* {\n}\nmetric b \"B\"\n");
        assert!(ast.items.is_empty());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].message, "unterminated block comment");
    }
}
