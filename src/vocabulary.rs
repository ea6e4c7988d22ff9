//! The words of the language that every stage shares: what the syntax tree holds and the
//! semantic model, the checks, the evaluation and the report read alike (a value with its place,
//! lint levels and attributes, aggregates, directions, initiative statuses, operators, units as
//! written). The front end builds them; later stages never import `syntax`.

use crate::source::Span;

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

/// `@allow(rule, …, "reason")`, `@warn(…)`, `@deny(…)`.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub level: Spanned<LintLevel>,
    pub rules: Vec<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    Allow,
    Warn,
    Deny,
}

/// `allow rule …` inside `lint { }`.
#[derive(Debug, Clone)]
pub struct LintEntry {
    pub level: Spanned<LintLevel>,
    pub rules: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Avg,
    Last,
    Min,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Range,
}

impl Direction {
    /// The direction as written (and in the report): `up`, `down`, `range`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Range => "range",
        }
    }
}

impl serde::Serialize for Direction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitiativeStatus {
    Planned,
    OnTrack,
    AtRisk,
    Late,
    Done,
}

impl InitiativeStatus {
    /// The status as written in a `.kpi` file (and in the report): `on_track`, …
    pub fn name(self) -> &'static str {
        match self {
            InitiativeStatus::Planned => "planned",
            InitiativeStatus::OnTrack => "on_track",
            InitiativeStatus::AtRisk => "at_risk",
            InitiativeStatus::Late => "late",
            InitiativeStatus::Done => "done",
        }
    }
}

impl serde::Serialize for InitiativeStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A unit as written: atoms joined by `*` and `/`, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitExpr {
    pub first: String,
    pub rest: Vec<(UnitOp, String)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitOp {
    Mul,
    Div,
}

impl UnitExpr {
    /// The unit as written, without spaces: `EUR/customer`.
    pub fn text(&self) -> String {
        let mut text = self.first.clone();
        for (op, atom) in &self.rest {
            text.push(if *op == UnitOp::Div { '/' } else { '*' });
            text.push_str(atom);
        }
        text
    }
}
