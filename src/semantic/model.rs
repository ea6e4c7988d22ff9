//! The semantic model: every declaration of the project with its references resolved, units
//! parsed and periods validated. Later stages (rules, evaluation, reports) read only this.

use std::collections::{HashMap, HashSet};

use crate::period::{Grain, Period};
use crate::source::Span;
use crate::unit::Unit;
use crate::vocabulary::{
    Aggregate, Attribute, BinaryOp, Direction, InitiativeStatus, LintEntry, Spanned,
};

/// Index of an item in [`Model::items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u32);

#[derive(Debug, Default)]
pub struct Model {
    pub scorecard: Option<Scorecard>,
    pub items: Vec<Item>,
    /// The project's namespace: its own ids, and those of the standard library modules it uses
    /// (a project's own declaration shadows a library item of the same name; the first
    /// declaration where the project declares one twice).
    pub names: HashMap<String, ItemId>,
    /// The standard library's own namespace, which the library's references resolve in: every
    /// item of every library module loaded, visible to the project or not.
    pub library_names: HashMap<String, ItemId>,
    /// Library items loaded only because another library module uses them: not visible to the
    /// project; the module each is in, for the help `add use std.X`.
    pub hidden_library_names: HashMap<String, String>,
    /// Ids of declarations left out for a syntax error: references to them are not reported.
    pub unparsed_names: HashSet<String>,
    /// The organisation's tree (ORGS.md); empty in a project without `org` declarations.
    pub orgs: OrgTree,
}

impl Model {
    /// The item a reference names: in the project's namespace, or, for a reference written in
    /// the standard library, in the library's first.
    pub fn lookup(&self, name: &str, in_library: bool) -> Option<ItemId> {
        let library = in_library.then(|| self.library_names.get(name)).flatten();
        library.or_else(|| self.names.get(name)).copied()
    }

    pub fn item(&self, id: ItemId) -> &Item {
        &self.items[id.0 as usize]
    }

    pub fn ids(&self) -> impl Iterator<Item = ItemId> + use<> {
        (0..self.items.len() as u32).map(ItemId)
    }
}

/// The kinds of thing a name can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Perspective,
    Objective,
    Metric,
    Kpi,
    Initiative,
    Function,
    Org,
}

impl Kind {
    /// How a message names the kind: "a perspective", "a KPI".
    pub fn article_name(self) -> &'static str {
        match self {
            Kind::Perspective => "a perspective",
            Kind::Objective => "an objective",
            Kind::Metric => "a metric",
            Kind::Kpi => "a KPI",
            Kind::Initiative => "an initiative",
            Kind::Function => "a function",
            Kind::Org => "an org",
        }
    }
}

/// One declaration with an id.
#[derive(Debug)]
pub struct Item {
    pub id: Spanned<String>,
    pub title: String,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    /// The whole declaration.
    pub span: Span,
    pub from_stdlib: bool,
    pub kind: ItemKind,
}

impl Item {
    pub fn kind(&self) -> Kind {
        match &self.kind {
            ItemKind::Perspective(_) => Kind::Perspective,
            ItemKind::Objective(_) => Kind::Objective,
            ItemKind::Measure(measure) if measure.kpi.is_some() => Kind::Kpi,
            ItemKind::Measure(_) => Kind::Metric,
            ItemKind::Initiative(_) => Kind::Initiative,
            ItemKind::Function(_) => Kind::Function,
            ItemKind::Org(_) => Kind::Org,
        }
    }

    pub fn as_measure(&self) -> Option<&Measure> {
        match &self.kind {
            ItemKind::Measure(measure) => Some(measure),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub enum ItemKind {
    Perspective(Perspective),
    Objective(Objective),
    /// A metric, or a KPI (a metric with a [`KpiPart`]).
    Measure(Measure),
    Initiative(Initiative),
    Function(Function),
    Org(Org),
}

/// A name written in the source, and what it resolved to (`None` when it did not).
#[derive(Debug, Clone)]
pub struct Reference {
    pub name: String,
    pub span: Span,
    pub target: Option<ItemId>,
}

#[derive(Debug)]
pub struct Scorecard {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<Spanned<String>>,
    pub period: Option<(Period, Period)>,
    /// Where the span is written (`2026-01 .. 2026-12`).
    pub period_span: Option<Span>,
    pub frequency: Grain,
    /// A fraction: 10% is 0.1.
    pub tolerance: f64,
    pub year_start: u32,
    pub review: Option<Grain>,
    pub data: Vec<Spanned<String>>,
    pub lint: Vec<LintEntry>,
    /// Files of per-org targets (`targets "path.csv"`), as written.
    pub targets: Vec<Spanned<String>>,
    pub attributes: Vec<Attribute>,
    /// The keyword and title.
    pub span: Span,
    /// The whole block, which its attributes apply to.
    pub declaration: Span,
}

#[derive(Debug)]
pub struct Perspective {
    pub weight: Option<Spanned<f64>>,
    /// Declaration order, which is the drawing order of the strategy map.
    pub order: usize,
}

#[derive(Debug)]
pub struct Objective {
    pub perspective: Option<Reference>,
    pub owner: Option<Spanned<String>>,
    pub weight: Option<Spanned<f64>>,
    pub drives: Vec<Reference>,
    /// `for ORG { owner weight }` blocks, in the order written.
    pub for_orgs: Vec<ObjectiveFor>,
}

/// A `for ORG { … }` block of an objective.
#[derive(Debug, Clone)]
pub struct ObjectiveFor {
    pub org: Reference,
    pub owner: Option<Spanned<String>>,
    pub weight: Option<Spanned<f64>>,
}

/// An `org`: one unit of the organisation (ORGS.md).
#[derive(Debug)]
pub struct Org {
    pub parent: Option<Reference>,
    pub owner: Option<Spanned<String>>,
}

/// The orgs as one tree: the root, each org's parent and children, and the order pages and
/// tables list them in (the root, then depth first in declaration order). Orgs whose parents
/// loop, and second roots, are left out of it (each has its finding).
#[derive(Debug, Default)]
pub struct OrgTree {
    pub root: Option<ItemId>,
    pub order: Vec<ItemId>,
    pub parent: HashMap<ItemId, ItemId>,
    pub children: HashMap<ItemId, Vec<ItemId>>,
}

impl OrgTree {
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn children(&self, org: ItemId) -> &[ItemId] {
        self.children.get(&org).map_or(&[], Vec::as_slice)
    }

    /// The org and its ancestors, nearest first, up to the root.
    pub fn lineage(&self, org: ItemId) -> impl Iterator<Item = ItemId> + '_ {
        std::iter::successors(Some(org), |o| self.parent.get(o).copied())
    }

    /// How many steps below the root (the root is 0).
    pub fn depth(&self, org: ItemId) -> usize {
        self.lineage(org).count() - 1
    }

    /// Whether the org has no children.
    pub fn is_leaf(&self, org: ItemId) -> bool {
        self.children(org).is_empty()
    }
}

#[derive(Debug)]
pub struct Initiative {
    pub objective: Option<Reference>,
    pub owner: Option<Spanned<String>>,
    pub due: Option<Spanned<Period>>,
    pub status: Option<InitiativeStatus>,
    pub budget: Option<Quantity>,
}

/// A `fn` helper.
#[derive(Debug)]
pub struct Function {
    pub params: Vec<Spanned<String>>,
    pub body: Formula,
}

/// A unit as declared: its text for display, its dimension for checking.
#[derive(Debug, Clone)]
pub struct DeclaredUnit {
    pub text: String,
    pub unit: Unit,
    pub is_percent: bool,
    pub span: Span,
}

/// A number with the unit it was written in (`None`: a plain number, which takes the unit of
/// the KPI it belongs to).
#[derive(Debug, Clone)]
pub struct Quantity {
    pub value: f64,
    pub unit: Option<DeclaredUnit>,
    pub span: Span,
}

impl std::fmt::Display for Quantity {
    /// As written: `42%`, `30 days`, `120` (a plain number).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.unit {
            Some(unit) if unit.is_percent => write!(f, "{}%", self.value),
            Some(unit) => write!(f, "{} {}", self.value, unit.text),
            None => write!(f, "{}", self.value),
        }
    }
}

/// A metric or a KPI.
#[derive(Debug)]
pub struct Measure {
    pub unit: Option<DeclaredUnit>,
    pub formula: Option<Formula>,
    pub column: Option<String>,
    pub aggregate: Option<Aggregate>,
    pub extends: Option<Reference>,
    pub kpi: Option<Box<KpiPart>>,
}

/// A measure's `aggregate`, or the default when none is written: `avg` for `%` and for units
/// containing `/` (rates such as `EUR/customer`), `sum` for everything else (no unit included).
pub fn effective_aggregate(measure: &Measure) -> Aggregate {
    measure.aggregate.unwrap_or(match &measure.unit {
        Some(unit) if unit.is_percent || unit.text.contains('/') => Aggregate::Avg,
        _ => Aggregate::Sum,
    })
}

/// What a KPI has beyond a metric.
#[derive(Debug, Clone)]
pub struct KpiPart {
    pub objective: Option<Reference>,
    pub owner: Option<Spanned<String>>,
    pub direction: Option<Spanned<Direction>>,
    pub frequency: Option<Grain>,
    pub baseline: Option<Baseline>,
    /// `None` when no target is written, or when the one written has an invalid period (then
    /// `target_written` is still set, so that no finding says the target is missing).
    pub target: Option<Target>,
    pub target_written: bool,
    pub thresholds: Option<Thresholds>,
    /// A fraction: 10% is 0.1.
    pub tolerance: Option<f64>,
    pub weight: Option<Spanned<f64>>,
    pub reviewed: Option<Spanned<Period>>,
    /// `for ORG { … }` blocks and the rows of targets files, in the order read.
    pub for_orgs: Vec<KpiFor>,
}

/// What a `for ORG { … }` block of a KPI (or a targets-file row, which acts as one) gives for
/// that org and its descendants.
#[derive(Debug, Clone)]
pub struct KpiFor {
    pub org: Reference,
    pub owner: Option<Spanned<String>>,
    pub baseline: Option<Baseline>,
    pub target: Option<Target>,
    pub thresholds: Option<Thresholds>,
    /// A fraction: 10% is 0.1.
    pub tolerance: Option<f64>,
    pub weight: Option<Spanned<f64>>,
    /// The block, or the targets file's rows.
    pub span: Span,
    /// Whether it was read from a targets file.
    pub from_file: bool,
}

impl KpiPart {
    /// Every value of the KPI that is written in its unit: baseline, targets, thresholds, its
    /// own and those of its `for` blocks.
    pub fn values(&self) -> Vec<&Quantity> {
        let mut values = Vec::new();
        push_plan_values(&mut values, &self.baseline, &self.target, &self.thresholds);
        for block in &self.for_orgs {
            push_plan_values(
                &mut values,
                &block.baseline,
                &block.target,
                &block.thresholds,
            );
        }
        values
    }
}

fn push_plan_values<'a>(
    values: &mut Vec<&'a Quantity>,
    baseline: &'a Option<Baseline>,
    target: &'a Option<Target>,
    thresholds: &'a Option<Thresholds>,
) {
    if let Some(baseline) = baseline {
        values.push(&baseline.value);
    }
    match target {
        Some(Target::Value { value, .. }) => values.push(value),
        Some(Target::Range { low, high, .. }) => values.extend([low, high]),
        Some(Target::Milestones(milestones)) => {
            values.extend(milestones.iter().map(|(_, value)| value))
        }
        None => {}
    }
    match thresholds {
        Some(Thresholds::Bounds { green, amber, .. }) => values.extend([green, amber]),
        Some(Thresholds::Range { green, amber }) => {
            values.extend([&green.0, &green.1, &amber.0, &amber.1])
        }
        None => {}
    }
}

#[derive(Debug, Clone)]
pub struct Baseline {
    pub value: Quantity,
    pub period: Spanned<Period>,
}

#[derive(Debug, Clone)]
pub enum Target {
    Value {
        value: Quantity,
        deadline: Option<Spanned<Period>>,
    },
    Range {
        low: Quantity,
        high: Quantity,
        deadline: Option<Spanned<Period>>,
    },
    Milestones(Vec<(Spanned<Period>, Quantity)>),
}

#[derive(Debug, Clone)]
pub enum Thresholds {
    /// `green >= G amber >= A` (or `<=`): `at_least` says which.
    Bounds {
        green: Quantity,
        amber: Quantity,
        at_least: Spanned<bool>,
    },
    /// `green LO .. HI amber LO .. HI`
    Range {
        green: (Quantity, Quantity),
        amber: (Quantity, Quantity),
    },
}

/// A formula with its references resolved.
#[derive(Debug, Clone)]
pub struct Formula {
    pub kind: FormulaKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum FormulaKind {
    /// A plain number, or a quantity: `5%` is the number 0.05 with no unit.
    Number(f64, Unit),
    /// A metric or KPI.
    Measure(ItemId),
    /// A parameter of the enclosing `fn`, by position.
    Param(usize),
    Call(Callee, Vec<Formula>),
    Negate(Box<Formula>),
    Binary(BinaryOp, Box<Formula>, Box<Formula>),
    /// A part that did not resolve; a finding has been reported.
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    Builtin(Builtin),
    Function(ItemId),
}

/// The built-in functions of LANGUAGE.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Lag,
    Delta,
    Growth,
    SumOver,
    AvgOver,
    Ytd,
    Min,
    Max,
    Abs,
    Round,
    Clamp,
    Coalesce,
}

/// What a builtin reads before the period it is evaluated in ([`Builtin::look_back`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookBack {
    /// How many periods back (at the grain being evaluated).
    pub periods: u32,
    /// Whether it also reads back to the start of the financial year (`ytd`).
    pub to_year_start: bool,
}

impl Builtin {
    pub const ALL: &'static [Builtin] = &[
        Builtin::Lag,
        Builtin::Delta,
        Builtin::Growth,
        Builtin::SumOver,
        Builtin::AvgOver,
        Builtin::Ytd,
        Builtin::Min,
        Builtin::Max,
        Builtin::Abs,
        Builtin::Round,
        Builtin::Clamp,
        Builtin::Coalesce,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Lag => "lag",
            Builtin::Delta => "delta",
            Builtin::Growth => "growth",
            Builtin::SumOver => "sum_over",
            Builtin::AvgOver => "avg_over",
            Builtin::Ytd => "ytd",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Abs => "abs",
            Builtin::Round => "round",
            Builtin::Clamp => "clamp",
            Builtin::Coalesce => "coalesce",
        }
    }

    /// The parameter names, for messages: `lag(x, n)`.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Builtin::Lag | Builtin::Growth | Builtin::SumOver | Builtin::AvgOver => &["x", "n"],
            Builtin::Delta | Builtin::Ytd | Builtin::Abs => &["x"],
            Builtin::Min | Builtin::Max | Builtin::Coalesce => &["a", "b"],
            Builtin::Round => &["x", "digits"],
            Builtin::Clamp => &["x", "lo", "hi"],
        }
    }

    /// The position of the argument that must be a whole-number literal, if any.
    pub fn literal_param(self) -> Option<usize> {
        match self {
            Builtin::Lag
            | Builtin::Growth
            | Builtin::SumOver
            | Builtin::AvgOver
            | Builtin::Round => Some(1),
            _ => None,
        }
    }

    /// How far before the period it is evaluated in a call reads its first argument, given its
    /// whole-number argument `n` (ignored by those without one): the one statement of it, which
    /// the evaluator follows and the data stage uses to know which earlier observations a KPI
    /// needs. `lag(x, n)` and `growth(x, n)` read `n` periods back, `sum_over` and `avg_over`
    /// the `n` periods up to this one, `delta` one period back, `ytd` back to the start of the
    /// financial year.
    pub fn look_back(self, n: u32) -> LookBack {
        let periods = match self {
            Builtin::Lag | Builtin::Growth => n,
            Builtin::SumOver | Builtin::AvgOver => n.saturating_sub(1),
            Builtin::Delta => 1,
            _ => 0,
        };
        LookBack {
            periods,
            to_year_start: self == Builtin::Ytd,
        }
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL
            .iter()
            .copied()
            .find(|builtin| builtin.name() == name)
    }
}
