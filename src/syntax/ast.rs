//! The abstract syntax tree of one `.kpi` file. Every node keeps its [`Span`]; nothing here is
//! resolved or validated beyond what the grammar guarantees.

use crate::period::Grain;
use crate::source::Span;
pub use crate::vocabulary::{
    Aggregate, Attribute, BinaryOp, Direction, InitiativeStatus, LintEntry, LintLevel, Spanned,
    UnitExpr, UnitOp,
};

pub type Ident = Spanned<String>;

#[derive(Debug, Clone, Default)]
pub struct File {
    pub items: Vec<Item>,
    /// Declarations left out because of a syntax error in them: their keyword and id, so that
    /// later stages do not report their absence as well.
    pub broken: Vec<BrokenDecl>,
}

/// What could be read of a declaration that did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenDecl {
    pub keyword: String,
    pub id: Option<String>,
}

/// A declaration with the doc comments and attributes written before it.
#[derive(Debug, Clone)]
pub struct Item {
    pub doc: Option<Spanned<String>>,
    pub attributes: Vec<Attribute>,
    pub decl: Decl,
}

#[derive(Debug, Clone)]
pub enum Decl {
    Use(Use),
    Block(BlockDecl),
    Function(FnDecl),
}

/// `use std.NAME` or `use "path.kpi"`.
#[derive(Debug, Clone)]
pub struct Use {
    pub target: UseTarget,
    /// The module name or the path, as written (without quotes).
    pub target_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseTarget {
    Stdlib(String),
    File(String),
}

/// The kinds of declaration written as `KEYWORD [ID] "Title" { properties }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Scorecard,
    Perspective,
    Objective,
    Metric,
    Kpi,
    Initiative,
    Org,
}

impl BlockKind {
    pub fn keyword(self) -> &'static str {
        match self {
            BlockKind::Scorecard => "scorecard",
            BlockKind::Perspective => "perspective",
            BlockKind::Objective => "objective",
            BlockKind::Metric => "metric",
            BlockKind::Kpi => "kpi",
            BlockKind::Initiative => "initiative",
            BlockKind::Org => "org",
        }
    }
}

/// A scorecard, perspective, objective, metric, KPI or initiative.
#[derive(Debug, Clone)]
pub struct BlockDecl {
    pub kind: BlockKind,
    pub keyword: Span,
    /// Absent only on the scorecard.
    pub id: Option<Ident>,
    pub title: Spanned<String>,
    pub extends: Option<Ident>,
    pub properties: Vec<Property>,
    pub span: Span,
}

/// `fn ID(a, b) = EXPR`.
#[derive(Debug, Clone)]
pub struct FnDecl {
    pub id: Ident,
    pub params: Vec<Ident>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub key: PropertyKey,
    /// The keyword.
    pub key_span: Span,
    pub value: PropertyValue,
    /// The keyword and its value.
    pub span: Span,
}

macro_rules! property_keys {
    ($($variant:ident = $name:literal,)*) => {
        /// The keyword of a property.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum PropertyKey { $($variant),* }

        impl PropertyKey {
            /// How many keys there are: properties can be kept in an array indexed by key.
            pub const COUNT: usize = [$(PropertyKey::$variant),*].len();

            pub fn name(self) -> &'static str {
                match self { $(PropertyKey::$variant => $name),* }
            }
        }
    };
}

property_keys! {
    Owner = "owner", Period = "period", Frequency = "frequency", Tolerance = "tolerance",
    YearStart = "year_start", Review = "review", Data = "data", Lint = "lint", Weight = "weight",
    Description = "description", Perspective = "perspective", Objective = "objective",
    Drives = "drives", Unit = "unit", Formula = "formula", Column = "column",
    Aggregate = "aggregate", Direction = "direction", Baseline = "baseline", Target = "target",
    Thresholds = "thresholds", Reviewed = "reviewed", Due = "due", Status = "status",
    Budget = "budget", Parent = "parent", Targets = "targets", For = "for",
}

/// The value of a property. The large values are boxed: a project holds hundreds of thousands
/// of properties, each as large as the largest variant (248 bytes a property unboxed, 104
/// boxed).
#[derive(Debug, Clone)]
pub enum PropertyValue {
    Text(Spanned<String>),
    Ident(Ident),
    Idents(Vec<Ident>),
    Number(Spanned<f64>),
    Quantity(Box<Quantity>),
    Unit(UnitExpr),
    Period(PeriodLit),
    PeriodSpan(Box<(PeriodLit, PeriodLit)>),
    Frequency(Spanned<Grain>),
    Aggregate(Spanned<Aggregate>),
    Direction(Spanned<Direction>),
    Status(Spanned<InitiativeStatus>),
    Formula(Box<Expr>),
    Baseline(Box<Baseline>),
    Target(Box<Target>),
    Thresholds(Vec<Threshold>),
    Lint(Vec<LintEntry>),
    /// `for ORG { properties }`: properties of a KPI or objective for one org and its
    /// descendants.
    For {
        org: Ident,
        properties: Vec<Property>,
    },
}

/// `baseline VALUE in PERIOD`.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub value: Quantity,
    pub period: PeriodLit,
}

/// A period as written: its text, checked later (`2026-13` parses and is an `invalid-period`).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodLit {
    pub text: String,
    pub span: Span,
}

/// A number with an optional unit: `42%`, `3.5 days`, `12 EUR/customer`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Option<UnitExpr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Target {
    /// `target V [by PERIOD]`
    Value {
        value: Quantity,
        deadline: Option<PeriodLit>,
    },
    /// `target LO .. HI [by PERIOD]`
    Range {
        low: Quantity,
        high: Quantity,
        deadline: Option<PeriodLit>,
    },
    /// `target { PERIOD V … }`
    Milestones(Vec<(PeriodLit, Quantity)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Green,
    Amber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
}

/// `green >= V`, `amber <= V` or `green LO .. HI`.
#[derive(Debug, Clone)]
pub struct Threshold {
    pub band: Spanned<Band>,
    pub bound: ThresholdBound,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ThresholdBound {
    Compare(Spanned<Comparison>, Quantity),
    Between(Quantity, Quantity),
}

/// A formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(f64),
    Quantity(f64, UnitExpr),
    Reference(String),
    Call { function: Ident, args: Vec<Expr> },
    Negate(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}
