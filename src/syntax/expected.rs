//! pest's "expected rule A or rule B" rebuilt in words a scorecard author understands.

use super::parser::Rule;
use crate::diagnostics::{self, Finding};
use crate::source::{FileId, Span};

/// Words for a grammar rule that pest may report as expected. `None` for rules that never stand
/// alone in a message (they are covered by a neighbour's words).
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of file",
        item | doc_comment | attribute => {
            "a declaration (scorecard, use, perspective, objective, metric, kpi, initiative, org or fn)"
        }
        kw_scorecard | kw_use | kw_perspective | kw_objective | kw_metric | kw_kpi
        | kw_initiative | kw_fn | kw_org => {
            "a declaration (scorecard, use, perspective, objective, metric, kpi, initiative, org or fn)"
        }
        scorecard_property => {
            "a scorecard property such as owner, period, frequency, tolerance, data or lint"
        }
        perspective_property => "a perspective property such as weight or description",
        objective_property => {
            "an objective property such as perspective, owner, weight, drives or description"
        }
        metric_property => "a metric property such as unit, formula, column or aggregate",
        kpi_property => "a property such as owner, unit or target",
        initiative_property => "an initiative property such as objective, owner, due or status",
        org_property => "an org property such as parent, owner or description",
        for_property => "a property of a `for` block such as owner, target or weight",
        block_end => "`}`",
        extends => "`extends`",
        string => "a string in double quotes",
        ident | reference => {
            "an identifier (lowercase letters, digits and `_`, not starting with a digit)"
        }
        std_module => "a standard library module such as `std.bsc`",
        fn_params => "parameter names",
        lint_level => "`allow`, `warn` or `deny`",
        rule_name => "a rule name such as `missing-owner`",
        lint_entry => "`allow`, `warn` or `deny` and rule names",
        period => "a period such as 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W05 or 2026-07-15",
        period_span => "a period span such as 2026-01 .. 2026-12",
        frequency => "a frequency (daily, weekly, monthly, quarterly, halfyearly or yearly)",
        aggregate => "an aggregation (sum, avg, last, min or max)",
        direction => "a direction (up, down or range)",
        initiative_status => "a status (planned, on_track, at_risk, late or done)",
        number => "a number",
        quantity => "a number, optionally with a unit (42%, 3.5 days, 1_200 EUR)",
        unit | unit_word | percent => "a unit such as %, EUR, days or EUR/customer",
        unit_op => "`/` or `*`",
        kw_in => "`in` and the baseline's period",
        kw_by => "`by`",
        deadline => "`by` and a deadline",
        milestones => "`{` and milestones",
        milestone => "a milestone (a period and a value)",
        target_range | target_value => "a target value",
        threshold => "a threshold such as `green >= 90%` or `amber <= 5 days`",
        band => "`green` or `amber`",
        comparison => "`>=` or `<=`",
        expr => "a formula",
        add | sub | mul | div => "an operator (+, -, * or /)",
        unsigned_number | call | formula_quantity | paren => {
            "a value (a number, a metric or KPI id, a function call or a parenthesis)"
        }
        neg => return None,
        _ => return None,
    })
}

/// Turns pest's failure into a `syntax` finding with words instead of rule names.
/// `base` is where the parsed piece starts in the file's `text`.
pub fn syntax_finding(
    file: FileId,
    text: &str,
    base: usize,
    error: pest::error::Error<Rule>,
) -> Finding {
    let offset = base
        + match error.location {
            pest::error::InputLocation::Pos(pos) => pos,
            pest::error::InputLocation::Span((start, _)) => start,
        };
    if let Some(finding) = unterminated(file, text, offset) {
        return finding;
    }
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected_words(positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let (found, found_len) = found_at(text, offset);
    let span = Span::new(file, offset..offset + found_len);
    // A long list of expectations is in the message already; the label stays short.
    let label = if expected.len() <= 48 {
        format!("expected {expected}")
    } else {
        format!("unexpected {found}")
    };
    let mut finding = Finding::new(
        diagnostics::Rule::Syntax,
        span,
        format!("expected {expected}, found {found}"),
    )
    .label(label);
    if let Some(help) = help_for(text, offset, &error) {
        finding = finding.help(help);
    }
    finding
}

/// "A, B or C" from the expected rules, without repeats.
fn expected_words(positives: &[Rule]) -> String {
    use Rule::*;
    let operand = positives.iter().any(|rule| {
        matches!(
            rule,
            unsigned_number | call | formula_quantity | reference | paren
        )
    });
    let mut rules: Vec<Rule> = positives
        .iter()
        .copied()
        // Where a formula operand is expected, "an identifier" is one of the operands already.
        .filter(|rule| !(operand && *rule == ident))
        .collect();
    // The closing alternatives read best last: "…, or `}`", "…, or end of file".
    rules.sort_by_key(|rule| matches!(rule, EOI | block_end));
    let mut words: Vec<&str> = Vec::new();
    for rule in &rules {
        if let Some(word) = describe(*rule)
            && !words.contains(&word)
        {
            words.push(word);
        }
    }
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => {
            // "a property such as owner, unit or target, or `}`": a comma keeps the two ors apart.
            let or = if words.iter().any(|w| w.contains(" or ")) {
                ", or"
            } else {
                " or"
            };
            format!("{}{or} {last}", init.join(", "))
        }
    }
}

/// What stands at `offset`, for "found …", and its length in bytes.
fn found_at(text: &str, offset: usize) -> (String, usize) {
    let rest = &text[offset.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return ("end of file".to_string(), 0);
    };
    let word_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-' && first.is_alphabetic()))
        .map_or(rest.len(), |(i, _)| i);
    if word_len > 0 {
        // At most 40 characters of the word, cut between characters.
        let end = rest
            .char_indices()
            .nth(40)
            .map_or(word_len, |(at, _)| at.min(word_len));
        let word = &rest[..end];
        let word = word.trim_end_matches('-');
        return (format!("\"{word}\""), word.len());
    }
    if first == '\n' || first == '\r' {
        return ("end of line".to_string(), 0);
    }
    if first == '"' {
        return ("a string".to_string(), 1);
    }
    (format!("\"{first}\""), first.len_utf8())
}

/// A string or block comment that never ends makes pest fail at its start with a puzzling
/// message; say what really happened.
fn unterminated(file: FileId, text: &str, offset: usize) -> Option<Finding> {
    let rest = &text[offset.min(text.len())..];
    if rest.starts_with('"') {
        return string_problem(file, rest, offset);
    }
    if rest.starts_with("/*") && block_comment_end(rest).is_none() {
        return Some(
            Finding::new(
                diagnostics::Rule::Syntax,
                Span::new(file, offset..offset + 2),
                "unterminated block comment",
            )
            .label("this comment is never closed")
            .help("close it with `*/` (block comments nest: each `/*` needs its own `*/`)"),
        );
    }
    None
}

fn string_problem(file: FileId, rest: &str, offset: usize) -> Option<Finding> {
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\n' | '\r' => break,
            '\\' => {
                let escape = &rest[i..];
                if !valid_escape(escape) {
                    let len = escape.chars().take(2).map(char::len_utf8).sum::<usize>();
                    let span = Span::new(file, offset + i..offset + i + len);
                    return Some(
                        Finding::new(
                            diagnostics::Rule::Syntax,
                            span,
                            format!("unknown escape `{}` in a string", &escape[..len]),
                        )
                        .label("not an escape")
                        .help(
                            r#"the escapes are \", \\, \n, \t and \u{…}; write \\ for a backslash"#,
                        ),
                    );
                }
                chars.next();
            }
            _ => {}
        }
    }
    Some(
        Finding::new(
            diagnostics::Rule::Syntax,
            Span::new(file, offset..offset + 1),
            "unterminated string",
        )
        .label("this string is never closed")
        .help("add the closing `\"`"),
    )
}

fn valid_escape(escape: &str) -> bool {
    let after = &escape[1..];
    if after.starts_with(['"', '\\', 'n', 't']) {
        return true;
    }
    let Some(hex) = after.strip_prefix("u{") else {
        return false;
    };
    let digits = hex.chars().take_while(char::is_ascii_hexdigit).count();
    (1..=6).contains(&digits) && hex[digits..].starts_with('}')
}

fn block_comment_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// A hint for the common mistakes: a misspelt property keyword, an uppercase identifier.
/// The words a rule of fixed choices accepts.
fn choices(rule: Rule) -> Option<&'static [&'static str]> {
    Some(match rule {
        Rule::direction => &["up", "down", "range"],
        Rule::aggregate => &["sum", "avg", "last", "min", "max"],
        Rule::frequency => &[
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "halfyearly",
            "yearly",
        ],
        Rule::initiative_status => &["planned", "on_track", "at_risk", "late", "done"],
        Rule::lint_level => &["allow", "warn", "deny"],
        Rule::band => &["green", "amber"],
        _ => return None,
    })
}

/// Where one word of a fixed set fits: the closest to what was written, or all of them.
fn choice_help(positives: &[Rule], word: &str) -> Option<String> {
    let words = positives.iter().find_map(|rule| choices(*rule))?;
    let listed = |words: &[&str]| {
        let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
        match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, init)) => format!("{} or {last}", init.join(", ")),
            None => String::new(),
        }
    };
    let close = diagnostics::closest(word, words.iter().copied()).or_else(|| {
        words
            .iter()
            .copied()
            .find(|w| word.starts_with(w) || w.starts_with(word))
    });
    Some(match close {
        Some(close) => format!("did you mean `{close}`? (one of {})", listed(words)),
        None => format!("write one of {}", listed(words)),
    })
}

fn help_for(text: &str, offset: usize, error: &pest::error::Error<Rule>) -> Option<String> {
    let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        return None;
    };
    let (found, _) = found_at(text, offset);
    let word = found.trim_matches('"');
    let expects_property = positives.iter().any(|rule| {
        use Rule::*;
        matches!(
            rule,
            scorecard_property
                | perspective_property
                | objective_property
                | metric_property
                | kpi_property
                | initiative_property
                | org_property
                | for_property
        )
    });
    if expects_property
        && let Some(keyword) = diagnostics::closest(word, PROPERTY_KEYWORDS.iter().copied())
    {
        return Some(format!("did you mean `{keyword}`?"));
    }
    let expects_declaration = positives.iter().any(|rule| matches!(rule, Rule::item));
    if expects_declaration
        && let Some(keyword) = diagnostics::closest(word, DECLARATION_KEYWORDS.iter().copied())
    {
        return Some(format!("did you mean `{keyword}`?"));
    }
    if let Some(help) = choice_help(positives, word) {
        return Some(help);
    }
    let expects_ident = positives
        .iter()
        .any(|rule| matches!(rule, Rule::ident | Rule::reference));
    if expects_ident && word.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!(
            "identifiers are lowercase: `{}`",
            to_snake_case(word)
        ));
    }
    None
}

const PROPERTY_KEYWORDS: &[&str] = &[
    "owner",
    "period",
    "frequency",
    "tolerance",
    "year_start",
    "review",
    "data",
    "lint",
    "weight",
    "description",
    "perspective",
    "objective",
    "drives",
    "unit",
    "formula",
    "column",
    "aggregate",
    "direction",
    "baseline",
    "target",
    "thresholds",
    "reviewed",
    "due",
    "status",
    "budget",
    "parent",
    "targets",
    "for",
];

const DECLARATION_KEYWORDS: &[&str] = &[
    "scorecard",
    "use",
    "perspective",
    "objective",
    "metric",
    "kpi",
    "initiative",
    "org",
    "fn",
];

fn to_snake_case(word: &str) -> String {
    let mut out = String::new();
    for (i, c) in word.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_join_with_or() {
        assert_eq!(
            expected_words(&[Rule::kpi_property, Rule::block_end]),
            "a property such as owner, unit or target, or `}`"
        );
        assert_eq!(expected_words(&[]), "something else");
    }

    #[test]
    fn found_names_words_characters_and_the_end() {
        assert_eq!(found_at("onwer \"x\"", 0), ("\"onwer\"".to_string(), 5));
        assert_eq!(
            found_at("missing-owner x", 0),
            ("\"missing-owner\"".to_string(), 13)
        );
        assert_eq!(found_at("}", 0), ("\"}\"".to_string(), 1));
        assert_eq!(found_at("\"x\"", 0), ("a string".to_string(), 1));
        assert_eq!(found_at("", 0), ("end of file".to_string(), 0));
    }

    #[test]
    fn escapes() {
        assert!(valid_escape(r"\n"));
        assert!(valid_escape(r"\u{1F600}"));
        assert!(!valid_escape(r"\q"));
        assert!(!valid_escape(r"\u{}"));
    }

    #[test]
    fn snake_case() {
        assert_eq!(to_snake_case("GrossMargin"), "gross_margin");
    }
}
