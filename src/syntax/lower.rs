//! From pest's parse tree to the spanned AST: one small function per grammar rule.

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::parser::Rule;
use crate::diagnostics::{self, Finding};
use crate::period::Grain;
use crate::source::{FileId, Span};

/// The deepest formula kpic accepts (operators and calls nested in one another).
pub const MAX_FORMULA_DEPTH: usize = 256;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

/// Builds the AST of one file. The grammar guarantees the shape of the tree; what it cannot
/// guarantee (a number too large, a formula too deep) is reported as a finding, and the
/// declaration concerned is left out.
pub struct Lowerer {
    file: FileId,
    /// Where the parsed text starts in the file (a file is parsed in pieces after an error).
    base: usize,
    pub findings: Vec<Finding>,
}

impl Lowerer {
    pub fn new(file: FileId, base: usize) -> Lowerer {
        Lowerer {
            file,
            base,
            findings: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        let span = pair.as_span();
        let end = span.start() + trivia_free_len(pair.as_str());
        Span::new(self.file, self.base + span.start()..self.base + end)
    }

    fn spanned_str(&self, pair: &Pair<Rule>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    fn error(&mut self, span: Span, message: String, label: &str) {
        self.findings
            .push(Finding::new(diagnostics::Rule::Syntax, span, message).label(label));
    }

    pub fn items(&mut self, file: Pair<Rule>) -> Vec<Item> {
        file.into_inner()
            .filter(|pair| pair.as_rule() == Rule::item)
            .filter_map(|pair| self.item(pair))
            .collect()
    }

    fn item(&mut self, item: Pair<Rule>) -> Option<Item> {
        let mut doc_lines: Vec<Pair<Rule>> = Vec::new();
        let mut attributes = Vec::new();
        let mut decl = None;
        for pair in item.into_inner() {
            match pair.as_rule() {
                Rule::doc_comment => doc_lines.push(pair),
                Rule::attribute => attributes.push(self.attribute(pair)),
                _ => decl = self.declaration(pair),
            }
        }
        let doc = doc_text(&doc_lines).map(|text| {
            let first = self.span(&doc_lines[0]);
            let last = self.span(doc_lines.last().expect("a doc comment has lines"));
            Spanned::new(text, first.to(last))
        });
        Some(Item {
            doc,
            attributes,
            decl: decl?,
        })
    }

    fn attribute(&mut self, attribute: Pair<Rule>) -> Attribute {
        let span = self.span(&attribute);
        let mut inner = attribute.into_inner();
        let level = self.lint_level(inner.next().expect("an attribute has a level"));
        let mut rules = Vec::new();
        let mut reason = None;
        for pair in inner {
            match pair.as_rule() {
                Rule::rule_name => rules.push(self.spanned_str(&pair)),
                _ => reason = Some(self.string(pair)),
            }
        }
        Attribute {
            level,
            rules,
            reason,
            span,
        }
    }

    fn lint_level(&self, pair: Pair<Rule>) -> Spanned<LintLevel> {
        let level = match pair.as_str() {
            "allow" => LintLevel::Allow,
            "warn" => LintLevel::Warn,
            _ => LintLevel::Deny,
        };
        Spanned::new(level, self.span(&pair))
    }

    fn declaration(&mut self, pair: Pair<Rule>) -> Option<Decl> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::use_decl => return Some(Decl::Use(self.use_decl(pair, span))),
            Rule::fn_decl => return self.fn_decl(pair, span).map(Decl::Function),
            Rule::scorecard_decl => BlockKind::Scorecard,
            Rule::perspective_decl => BlockKind::Perspective,
            Rule::objective_decl => BlockKind::Objective,
            Rule::metric_decl => BlockKind::Metric,
            Rule::kpi_decl => BlockKind::Kpi,
            Rule::initiative_decl => BlockKind::Initiative,
            Rule::org_decl => BlockKind::Org,
            rule => unreachable!("not a declaration: {rule:?}"),
        };
        let mut inner = pair.into_inner();
        let keyword = self.span(&inner.next().expect("a declaration starts with its keyword"));
        let id = (kind != BlockKind::Scorecard)
            .then(|| self.spanned_str(&inner.next().expect("a declaration has an id")));
        let title = self.string(inner.next().expect("a declaration has a title"));
        let mut extends = None;
        let mut properties = Vec::new();
        for pair in inner {
            match pair.as_rule() {
                Rule::extends => {
                    let id = pair.into_inner().nth(1).expect("extends names a metric");
                    extends = Some(self.spanned_str(&id));
                }
                Rule::block_end => {}
                _ => properties.extend(self.property(pair)),
            }
        }
        Some(Decl::Block(BlockDecl {
            kind,
            keyword,
            id,
            title,
            extends,
            properties,
            span,
        }))
    }

    fn use_decl(&mut self, pair: Pair<Rule>, span: Span) -> Use {
        let target = pair
            .into_inner()
            .nth(1)
            .expect("use names a module or file");
        let target_span = self.span(&target);
        let target = match target.as_rule() {
            Rule::std_module => UseTarget::Stdlib(target.as_str()["std.".len()..].to_string()),
            _ => UseTarget::File(self.string(target).node),
        };
        Use {
            target,
            target_span,
            span,
        }
    }

    fn fn_decl(&mut self, pair: Pair<Rule>, span: Span) -> Option<FnDecl> {
        let mut inner = pair.into_inner().skip(1);
        let id = self.spanned_str(&inner.next().expect("fn has a name"));
        let mut params = Vec::new();
        let mut body = None;
        for pair in inner {
            match pair.as_rule() {
                Rule::fn_params => {
                    params = pair.into_inner().map(|p| self.spanned_str(&p)).collect()
                }
                _ => body = self.expr(pair),
            }
        }
        Some(FnDecl {
            id,
            params,
            body: body?,
            span,
        })
    }

    /// One `*_property` pair, holding one `p_*` pair: the keyword and its value.
    fn property(&mut self, pair: Pair<Rule>) -> Option<Property> {
        let pair = pair
            .into_inner()
            .next()
            .expect("a property wraps one p_* rule");
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let key_span = self.span(&inner.next().expect("a property starts with its keyword"));
        let mut value = || inner.next().expect("a property has a value");
        let (key, value) = match rule {
            Rule::p_owner => (
                PropertyKey::Owner,
                PropertyValue::Text(self.string(value())),
            ),
            Rule::p_period => {
                let mut ends = value().into_inner();
                let from = self.period(ends.next().expect("a span has a start"));
                let to = self.period(ends.next().expect("a span has an end"));
                (
                    PropertyKey::Period,
                    PropertyValue::PeriodSpan(Box::new((from, to))),
                )
            }
            Rule::p_frequency => (
                PropertyKey::Frequency,
                PropertyValue::Frequency(self.frequency(value())),
            ),
            Rule::p_tolerance => (
                PropertyKey::Tolerance,
                PropertyValue::Quantity(Box::new(self.quantity(value())?)),
            ),
            Rule::p_year_start => (
                PropertyKey::YearStart,
                PropertyValue::Number(self.number(value())?),
            ),
            Rule::p_review => (
                PropertyKey::Review,
                PropertyValue::Frequency(self.frequency(value())),
            ),
            Rule::p_data => (PropertyKey::Data, PropertyValue::Text(self.string(value()))),
            Rule::p_lint => {
                let entries = inner
                    .filter(|p| p.as_rule() == Rule::lint_entry)
                    .map(|entry| self.lint_entry(entry))
                    .collect();
                (PropertyKey::Lint, PropertyValue::Lint(entries))
            }
            Rule::p_weight => (
                PropertyKey::Weight,
                PropertyValue::Quantity(Box::new(self.quantity(value())?)),
            ),
            Rule::p_description => (
                PropertyKey::Description,
                PropertyValue::Text(self.string(value())),
            ),
            Rule::p_perspective => (
                PropertyKey::Perspective,
                PropertyValue::Ident(self.spanned_str(&value())),
            ),
            Rule::p_objective => (
                PropertyKey::Objective,
                PropertyValue::Ident(self.spanned_str(&value())),
            ),
            Rule::p_drives => {
                let ids = inner.map(|p| self.spanned_str(&p)).collect();
                (PropertyKey::Drives, PropertyValue::Idents(ids))
            }
            Rule::p_unit => (PropertyKey::Unit, PropertyValue::Unit(self.unit(value()))),
            Rule::p_formula => (
                PropertyKey::Formula,
                PropertyValue::Formula(Box::new(self.expr(value())?)),
            ),
            Rule::p_column => (
                PropertyKey::Column,
                PropertyValue::Text(self.string(value())),
            ),
            Rule::p_aggregate => (
                PropertyKey::Aggregate,
                PropertyValue::Aggregate(self.aggregate(value())),
            ),
            Rule::p_direction => (
                PropertyKey::Direction,
                PropertyValue::Direction(self.direction(value())),
            ),
            Rule::p_baseline => {
                let value_pair = value();
                let period = inner.nth(1).expect("a baseline has a period");
                let value = self.quantity(value_pair)?;
                (
                    PropertyKey::Baseline,
                    PropertyValue::Baseline(Box::new(Baseline {
                        value,
                        period: self.period(period),
                    })),
                )
            }
            Rule::p_target => (
                PropertyKey::Target,
                PropertyValue::Target(Box::new(self.target(value())?)),
            ),
            Rule::p_thresholds => {
                let thresholds = inner
                    .filter(|p| p.as_rule() == Rule::threshold)
                    .map(|p| self.threshold(p))
                    .collect::<Option<Vec<_>>>()?;
                (
                    PropertyKey::Thresholds,
                    PropertyValue::Thresholds(thresholds),
                )
            }
            Rule::p_reviewed => (
                PropertyKey::Reviewed,
                PropertyValue::Period(self.period(value())),
            ),
            Rule::p_due => (
                PropertyKey::Due,
                PropertyValue::Period(self.period(value())),
            ),
            Rule::p_status => (
                PropertyKey::Status,
                PropertyValue::Status(self.status(value())),
            ),
            Rule::p_budget => (
                PropertyKey::Budget,
                PropertyValue::Quantity(Box::new(self.quantity(value())?)),
            ),
            Rule::p_parent => (
                PropertyKey::Parent,
                PropertyValue::Ident(self.spanned_str(&value())),
            ),
            Rule::p_targets => (
                PropertyKey::Targets,
                PropertyValue::Text(self.string(value())),
            ),
            Rule::p_for => {
                let org = self.spanned_str(&value());
                let properties = inner
                    .filter(|p| p.as_rule() == Rule::for_property)
                    .filter_map(|p| self.property(p))
                    .collect();
                (PropertyKey::For, PropertyValue::For { org, properties })
            }
            rule => unreachable!("not a property: {rule:?}"),
        };
        Some(Property {
            key,
            key_span,
            value,
            span,
        })
    }

    fn lint_entry(&mut self, entry: Pair<Rule>) -> LintEntry {
        let mut inner = entry.into_inner();
        let level = self.lint_level(inner.next().expect("a lint entry has a level"));
        let rules = inner.map(|p| self.spanned_str(&p)).collect();
        LintEntry { level, rules }
    }

    fn target(&mut self, pair: Pair<Rule>) -> Option<Target> {
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        Some(match rule {
            Rule::milestones => {
                let mut milestones = Vec::new();
                for milestone in inner.filter(|p| p.as_rule() == Rule::milestone) {
                    let mut parts = milestone.into_inner();
                    let period = self.period(parts.next().expect("a milestone has a period"));
                    let value = self.quantity(parts.next().expect("a milestone has a value"))?;
                    milestones.push((period, value));
                }
                Target::Milestones(milestones)
            }
            Rule::target_range => {
                let low = self.quantity(inner.next().expect("a range has a low end"))?;
                let high = self.quantity(inner.next().expect("a range has a high end"))?;
                let deadline = inner.next().map(|d| self.deadline(d));
                Target::Range {
                    low,
                    high,
                    deadline,
                }
            }
            _ => {
                let value = self.quantity(inner.next().expect("a target has a value"))?;
                let deadline = inner.next().map(|d| self.deadline(d));
                Target::Value { value, deadline }
            }
        })
    }

    fn deadline(&mut self, pair: Pair<Rule>) -> PeriodLit {
        self.period(pair.into_inner().nth(1).expect("by names a period"))
    }

    fn threshold(&mut self, pair: Pair<Rule>) -> Option<Threshold> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let band_pair = inner.next().expect("a threshold names its band");
        let band = match band_pair.as_str() {
            "green" => Band::Green,
            _ => Band::Amber,
        };
        let band = Spanned::new(band, self.span(&band_pair));
        let first = inner.next().expect("a threshold has a bound");
        let bound = if first.as_rule() == Rule::comparison {
            let comparison = match first.as_str() {
                ">=" => Comparison::AtLeast,
                _ => Comparison::AtMost,
            };
            let comparison = Spanned::new(comparison, self.span(&first));
            ThresholdBound::Compare(comparison, self.quantity(inner.next().expect("a bound"))?)
        } else {
            let low = self.quantity(first)?;
            ThresholdBound::Between(low, self.quantity(inner.next().expect("a high bound"))?)
        };
        Some(Threshold { band, bound, span })
    }

    fn string(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let span = self.span(&pair);
        let raw = pair.as_str();
        Spanned::new(unescape(&raw[1..raw.len() - 1]), span)
    }

    fn period(&self, pair: Pair<Rule>) -> PeriodLit {
        PeriodLit {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn number(&mut self, pair: Pair<Rule>) -> Option<Spanned<f64>> {
        let span = self.span(&pair);
        let text = pair.as_str().replace('_', "");
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Some(Spanned::new(value, span)),
            _ => {
                let text = pair.as_str();
                let shown = match text.char_indices().nth(20) {
                    Some((cut, _)) => format!("{}… ({} characters)", &text[..cut], text.len()),
                    None => text.to_string(),
                };
                self.error(
                    span,
                    format!("the number {shown} is too large"),
                    "too large",
                );
                None
            }
        }
    }

    fn quantity(&mut self, pair: Pair<Rule>) -> Option<Quantity> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let value = self
            .number(inner.next().expect("a quantity has a number"))?
            .node;
        let unit = inner.next().map(|unit| self.unit(unit));
        Some(Quantity { value, unit, span })
    }

    fn unit(&self, pair: Pair<Rule>) -> UnitExpr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = inner
            .next()
            .expect("a unit has an atom")
            .as_str()
            .to_string();
        let mut rest = Vec::new();
        while let (Some(op), Some(atom)) = (inner.next(), inner.next()) {
            let op = if op.as_str() == "/" {
                UnitOp::Div
            } else {
                UnitOp::Mul
            };
            rest.push((op, atom.as_str().to_string()));
        }
        UnitExpr { first, rest, span }
    }

    /// A unit written directly after a number in a formula: `%`, one word, or `( unit )`.
    fn formula_unit(&self, pair: Pair<Rule>) -> UnitExpr {
        match pair.as_rule() {
            Rule::unit => self.unit(pair),
            _ => UnitExpr {
                first: pair.as_str().to_string(),
                rest: Vec::new(),
                span: self.span(&pair),
            },
        }
    }

    fn frequency(&self, pair: Pair<Rule>) -> Spanned<Grain> {
        let grain = Grain::from_frequency_name(pair.as_str()).expect("the grammar's frequencies");
        Spanned::new(grain, self.span(&pair))
    }

    fn aggregate(&self, pair: Pair<Rule>) -> Spanned<Aggregate> {
        let aggregate = match pair.as_str() {
            "sum" => Aggregate::Sum,
            "avg" => Aggregate::Avg,
            "last" => Aggregate::Last,
            "min" => Aggregate::Min,
            _ => Aggregate::Max,
        };
        Spanned::new(aggregate, self.span(&pair))
    }

    fn direction(&self, pair: Pair<Rule>) -> Spanned<Direction> {
        let direction = match pair.as_str() {
            "up" => Direction::Up,
            "down" => Direction::Down,
            _ => Direction::Range,
        };
        Spanned::new(direction, self.span(&pair))
    }

    fn status(&self, pair: Pair<Rule>) -> Spanned<InitiativeStatus> {
        let status = match pair.as_str() {
            "planned" => InitiativeStatus::Planned,
            "on_track" => InitiativeStatus::OnTrack,
            "at_risk" => InitiativeStatus::AtRisk,
            "late" => InitiativeStatus::Late,
            _ => InitiativeStatus::Done,
        };
        Spanned::new(status, self.span(&pair))
    }

    /// A formula. Returns `None` (with a finding) when it is nested deeper than
    /// [`MAX_FORMULA_DEPTH`], so that no later stage has to recurse that deep.
    fn expr(&mut self, pair: Pair<Rule>) -> Option<Expr> {
        let span = self.span(&pair);
        match self.expr_with_depth(pair) {
            Ok((expr, _)) => Some(expr),
            Err(FormulaError::AlreadyReported) => None,
            Err(FormulaError::TooDeep) => {
                let message =
                    format!("this formula is nested more than {MAX_FORMULA_DEPTH} levels deep");
                let finding = Finding::new(diagnostics::Rule::Syntax, span, message)
                    .label("too deep")
                    .help("a chain of terms counts as deep as it is long: compute parts of it in metrics of their own");
                self.findings.push(finding);
                None
            }
        }
    }

    fn expr_with_depth(&mut self, pair: Pair<Rule>) -> Result<(Expr, usize), FormulaError> {
        let pairs = pair.into_inner();
        if longest_prefix_run(pairs.clone()) > MAX_FORMULA_DEPTH {
            return Err(FormulaError::TooDeep);
        }
        let (file, base) = (self.file, self.base);
        let span_of = |pair: &Pair<Rule>| {
            let span = pair.as_span();
            let end = span.start() + trivia_free_len(pair.as_str());
            Span::new(file, base + span.start()..base + end)
        };
        PRATT
            .map_primary(|primary| self.primary(primary))
            .map_prefix(|op, operand| {
                let (operand, depth) = operand?;
                let span = span_of(&op).to(operand.span);
                deeper(
                    Expr {
                        kind: ExprKind::Negate(Box::new(operand)),
                        span,
                    },
                    depth,
                )
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, left_depth), (rhs, right_depth)) = (lhs?, rhs?);
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                let span = lhs.span.to(rhs.span);
                let kind = ExprKind::Binary(op, Box::new(lhs), Box::new(rhs));
                deeper(Expr { kind, span }, left_depth.max(right_depth))
            })
            .parse(pairs)
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Result<(Expr, usize), FormulaError> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => {
                let inner = pair
                    .into_inner()
                    .next()
                    .expect("parentheses hold a formula");
                let (expr, depth) = self.expr_with_depth(inner)?;
                Ok((
                    Expr {
                        kind: expr.kind,
                        span,
                    },
                    depth,
                ))
            }
            Rule::reference => Ok((
                Expr {
                    kind: ExprKind::Reference(pair.as_str().to_string()),
                    span,
                },
                1,
            )),
            Rule::call => {
                let mut inner = pair.into_inner();
                let function = self.spanned_str(&inner.next().expect("a call names a function"));
                let mut args = Vec::new();
                let mut depth = 0;
                for arg in inner {
                    let (arg, arg_depth) = self.expr_with_depth(arg)?;
                    depth = depth.max(arg_depth);
                    args.push(arg);
                }
                deeper(
                    Expr {
                        kind: ExprKind::Call { function, args },
                        span,
                    },
                    depth,
                )
            }
            _ => {
                let mut inner = pair.into_inner();
                let number_pair = inner.next().expect("a quantity has a number");
                // A number too large is reported here; the formula is then left out.
                let value = self
                    .number(number_pair)
                    .ok_or(FormulaError::AlreadyReported)?
                    .node;
                let kind = match inner.next() {
                    Some(unit) => ExprKind::Quantity(value, self.formula_unit(unit)),
                    None => ExprKind::Number(value),
                };
                Ok((Expr { kind, span }, 1))
            }
        }
    }
}

/// The length of `text` without the whitespace and comments pest's implicit skipping leaves at
/// the end of a rule that ends in an optional or repeated part (`42` in `target 42 by …`).
fn trivia_free_len(text: &str) -> usize {
    // Trivia can only end the text after blanks, a block comment, or a line comment on its last
    // line (one at the end of the file has no line end): otherwise the text is taken whole,
    // without reading it (an item's text holds its doc comment's `///`).
    let last_line = &text[text.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    let may_end_in_trivia = text.ends_with(|c: char| c.is_whitespace())
        || text.ends_with("*/")
        || last_line.contains("//");
    if !may_end_in_trivia {
        return text.len();
    }
    let bytes = text.as_bytes();
    let (mut i, mut end, mut comment_depth) = (0, 0, 0usize);
    while i < bytes.len() {
        let pair = (bytes[i], bytes.get(i + 1).copied());
        match pair {
            (b'/', Some(b'*')) => {
                comment_depth += 1;
                i += 2;
                continue;
            }
            (b'*', Some(b'/')) if comment_depth > 0 => {
                comment_depth -= 1;
                i += 2;
                continue;
            }
            _ if comment_depth > 0 => {}
            // A line comment and a string end at a line end: `\n`, `\r\n` or a lone `\r`.
            (b'/', Some(b'/')) => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                continue;
            }
            (b'"', _) => {
                // Skip the string: its closing quote is on the same line.
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                end = (i + 1).min(bytes.len());
            }
            (byte, _) if !byte.is_ascii_whitespace() => end = i + 1,
            _ => {}
        }
        i += 1;
    }
    // `end` may fall inside a multi-byte character: move it to the character's end.
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// Wraps a node one level deeper than its deepest child, refusing to go past the limit.
fn deeper(expr: Expr, child_depth: usize) -> Result<(Expr, usize), FormulaError> {
    if child_depth + 1 > MAX_FORMULA_DEPTH {
        Err(FormulaError::TooDeep)
    } else {
        Ok((expr, child_depth + 1))
    }
}

/// Why a formula was left out of the AST.
enum FormulaError {
    TooDeep,
    /// A finding was already pushed (a number too large).
    AlreadyReported,
}

/// The longest run of prefix operators, which pest's Pratt parser handles by recursion.
fn longest_prefix_run(pairs: Pairs<Rule>) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for pair in pairs {
        run = if pair.as_rule() == Rule::neg {
            run + 1
        } else {
            0
        };
        longest = longest.max(run);
    }
    longest
}

/// The text of consecutive `///` lines: the marker and one following space removed.
fn doc_text(lines: &[Pair<Rule>]) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    let text: Vec<&str> = lines
        .iter()
        .map(|line| {
            let text = &line.as_str()[3..];
            text.strip_prefix(' ').unwrap_or(text).trim_end()
        })
        .collect();
    Some(text.join("\n"))
}

/// Resolves the escapes of a string the grammar has already validated.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(code.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn spans_leave_out_trailing_whitespace_and_comments() {
        use super::trivia_free_len;
        assert_eq!(trivia_free_len("EUR \n  "), 3);
        assert_eq!(trivia_free_len("EUR // a comment\n  "), 3);
        assert_eq!(trivia_free_len("42 /* x */ "), 2);
        assert_eq!(trivia_free_len("\"a // b\" "), 8);
        assert_eq!(trivia_free_len("é "), 2);
        assert_eq!(trivia_free_len("lag(x, 1)"), 9);
        assert_eq!(trivia_free_len("EUR // a comment\r  "), 3);
        // A comment ended by a lone CR (old Mac line ends) does not swallow the code after it.
        assert_eq!(trivia_free_len("kpi k \"K\" { // c\r unit EUR }  "), 28);
        assert_eq!(trivia_free_len("/// doc\nkpi k \"K\" { unit EUR }"), 30);
        assert_eq!(trivia_free_len("EUR // at the end of the file"), 3);
    }

    #[test]
    fn unescape_handles_every_escape() {
        assert_eq!(unescape(r#"a\"b\\c\nd\te\u{e9}"#), "a\"b\\c\nd\te\u{e9}");
        // A surrogate is not a character: it becomes the replacement character, not a panic.
        assert_eq!(unescape(r"\u{d800}"), "\u{fffd}");
    }
}
