//! Step 2: names to items. Every reference is resolved against the one namespace and checked for
//! its kind; formulas become [`Formula`] trees; calls are checked for their arguments; `extends`
//! is applied.

use std::collections::HashMap;

use super::model::*;
use crate::diagnostics::{self, Edit, Finding, Fix, Rule};
use crate::project::Project;
use crate::source::{FileId, Origin, Span};
use crate::syntax::ast::{self, ExprKind};
use crate::unit::Unit;

pub fn resolve(
    model: &mut Model,
    formulas: Vec<(ItemId, &ast::Expr)>,
    functions: Vec<(ItemId, &ast::Expr)>,
    uses: UsePlaces,
    findings: &mut Vec<Finding>,
) {
    let mut suggestions = Suggestions {
        known: HashMap::new(),
        uses,
    };
    resolve_references(model, &mut suggestions, findings);
    for (id, body) in functions {
        let params: Vec<String> = match &model.item(id).kind {
            ItemKind::Function(function) => {
                function.params.iter().map(|p| p.node.clone()).collect()
            }
            _ => unreachable!("functions are declared as functions"),
        };
        let body = FormulaResolver {
            in_library: model.item(id).from_stdlib,
            model,
            suggestions: &mut suggestions,
            params: &params,
            findings,
        }
        .resolve(body);
        if let ItemKind::Function(function) = &mut model.items[id.0 as usize].kind {
            function.body = body;
        }
    }
    for (id, expr) in formulas {
        let formula = FormulaResolver {
            in_library: model.item(id).from_stdlib,
            model,
            suggestions: &mut suggestions,
            params: &[],
            findings,
        }
        .resolve(expr);
        if let ItemKind::Measure(measure) = &mut model.items[id.0 as usize].kind {
            measure.formula = Some(formula);
        }
    }
    check_literal_arguments(model, findings);
    apply_extends(model);
}

/// What a reference may point at, for messages.
struct Expected {
    kinds: &'static [Kind],
    /// "an objective", "a metric or KPI"
    words: &'static str,
    /// Why, for the help of a wrong-kind finding.
    why: &'static str,
}

const PERSPECTIVE: Expected = Expected {
    kinds: &[Kind::Perspective],
    words: "a perspective",
    why: "an objective sits in a perspective",
};
const OBJECTIVE_OF_KPI: Expected = Expected {
    kinds: &[Kind::Objective],
    words: "an objective",
    why: "a KPI measures an objective",
};
const OBJECTIVE_OF_INITIATIVE: Expected = Expected {
    kinds: &[Kind::Objective],
    words: "an objective",
    why: "an initiative serves an objective",
};
const DRIVEN: Expected = Expected {
    kinds: &[Kind::Objective],
    words: "an objective",
    why: "`drives` links objectives",
};
const EXTENDED: Expected = Expected {
    kinds: &[Kind::Metric],
    words: "a metric",
    why: "a KPI extends a metric",
};
const PARENT_ORG: Expected = Expected {
    kinds: &[Kind::Org],
    words: "an org",
    why: "an org's `parent` is another org",
};
const FOR_ORG: Expected = Expected {
    kinds: &[Kind::Org],
    words: "an org",
    why: "a `for` block gives properties for one org of the organisation",
};
const MEASURE: Expected = Expected {
    kinds: &[Kind::Metric, Kind::Kpi],
    words: "a metric or KPI",
    why: "a formula computes over metrics and KPIs",
};

/// Resolves a reference, reporting `unknown-name` or `wrong-kind` (no finding for a name whose
/// declaration did not parse: its syntax error says enough).
fn lookup(
    model: &Model,
    suggestions: &mut Suggestions,
    reference: &Reference,
    expected: &Expected,
    in_library: bool,
) -> Result<ItemId, Option<Box<Finding>>> {
    let Some(target) = model.lookup(&reference.name, in_library) else {
        if model.unparsed_names.contains(&reference.name) {
            return Err(None);
        }
        let mut finding = Finding::new(
            Rule::UnknownName,
            reference.span,
            format!("`{}` is not declared anywhere", reference.name),
        )
        .label(format!("expected {}", expected.words));
        if let Some((module, certain)) = library_module_of(model, &reference.name) {
            finding = finding.help(format!(
                "`{}` is in the standard library: add `use std.{module}`",
                reference.name
            ));
            let fix = certain.then(|| suggestions.uses.fix(reference.span.file, &module));
            if let Some(fix) = fix.flatten() {
                finding = finding.fix(fix);
            }
        } else {
            let close = suggestions.closest(model, &reference.name, expected);
            let close = close
                .as_ref()
                .map(|(name, only)| diagnostics::Close { name, only: *only });
            finding = finding.did_you_mean(close, &reference.name);
        }
        return Err(Some(Box::new(finding)));
    };
    let item = model.item(target);
    if expected.kinds.contains(&item.kind()) {
        return Ok(target);
    }
    let mut finding = Finding::new(
        Rule::WrongKind,
        reference.span,
        format!(
            "`{}` is {}, not {}",
            reference.name,
            item.kind().article_name(),
            expected.words
        ),
    )
    .label(format!("expected {}", expected.words))
    .with_secondary(
        item.id.span,
        format!(
            "`{}` is declared here as {}",
            reference.name,
            item.kind().article_name()
        ),
    );
    finding = match suggestions.closest(model, &reference.name, expected) {
        Some((close, _)) => finding.help(format!("{}: did you mean `{close}`?", expected.why)),
        None => finding.help(format!("{}: name {}", expected.why, expected.words)),
    };
    Err(Some(Box::new(finding)))
}

/// The standard library module that declares `name`, when the project does not use it: loaded
/// for another module but not visible, or not loaded at all; and whether it is the only module
/// that declares the name (then adding its `use` is a certain fix).
fn library_module_of(model: &Model, name: &str) -> Option<(String, bool)> {
    let declared = library_declarations().get(name);
    let only = declared.is_none_or(|(_, only)| *only);
    if let Some(module) = model.hidden_library_names.get(name) {
        return Some((module.clone(), only));
    }
    declared.map(|(module, only)| (module.to_string(), *only))
}

/// Every name the standard library declares at the start of a line, its module (the first
/// one), and whether no other module declares it: read once per process (a project with
/// thousands of unknown names looks each up in constant time).
fn library_declarations() -> &'static HashMap<&'static str, (&'static str, bool)> {
    static DECLARATIONS: std::sync::OnceLock<HashMap<&'static str, (&'static str, bool)>> =
        std::sync::OnceLock::new();
    DECLARATIONS.get_or_init(|| {
        let mut declarations = HashMap::new();
        for (module, text) in crate::stdlib::MODULES {
            for line in text.lines() {
                let declared = ["metric", "kpi", "fn", "objective", "perspective"]
                    .iter()
                    .find_map(|keyword| line.strip_prefix(keyword)?.strip_prefix(' '));
                if let Some(rest) = declared {
                    let end = rest.find([' ', '(']).unwrap_or(rest.len());
                    declarations
                        .entry(&rest[..end])
                        .and_modify(|(first, only): &mut (&str, bool)| *only &= first == module)
                        .or_insert((*module, true));
                }
            }
        }
        declarations
    })
}

/// "did you mean" for unknown names. Each look-up is a pass over every name of the project, so
/// the answer for a name is kept, and after [`SUGGESTION_BUDGET`] different names no more are
/// looked up: a project with thousands of unknown names is checked in linear time.
struct Suggestions {
    /// The closest name of the expected kind, and whether it is the only close one.
    known: HashMap<(String, &'static str), Option<(String, bool)>>,
    uses: UsePlaces,
}

const SUGGESTION_BUDGET: usize = 200;

impl Suggestions {
    fn closest(
        &mut self,
        model: &Model,
        name: &str,
        expected: &Expected,
    ) -> Option<(String, bool)> {
        let key = (name.to_string(), expected.words);
        if let Some(known) = self.known.get(&key) {
            return known.clone();
        }
        if self.known.len() >= SUGGESTION_BUDGET {
            return None;
        }
        let candidates = model
            .names
            .iter()
            .filter(|(_, id)| expected.kinds.contains(&model.item(**id).kind()))
            .map(|(name, _)| name.as_str());
        let close = diagnostics::closest_of(name, candidates)
            .map(|close| (close.name.to_string(), close.only));
        self.known.insert(key, close.clone());
        close
    }
}

/// Where a `use std.X` goes in each file of the project on disk: after its last `use` line, or
/// at its top.
pub struct UsePlaces {
    places: HashMap<FileId, UsePlace>,
}

struct UsePlace {
    offset: usize,
    /// The last line of the file is a `use` without a line end: the new one starts a line.
    after_last_line: bool,
}

impl UsePlaces {
    pub fn of(project: &Project) -> UsePlaces {
        let mut places = HashMap::new();
        for (id, file) in project.sources.iter() {
            if !matches!(file.origin, Origin::Disk(_)) {
                continue;
            }
            let items = project
                .files
                .get(id.0 as usize)
                .map_or(&[][..], |f| &f.items);
            let last_use = items.iter().rev().find_map(|item| match &item.decl {
                ast::Decl::Use(use_decl) => Some(use_decl.span),
                _ => None,
            });
            let place = match last_use {
                None => UsePlace {
                    offset: 0,
                    after_last_line: false,
                },
                Some(span) => {
                    let line = file.line_index(span.end as usize);
                    match line + 1 < file.line_count() {
                        true => UsePlace {
                            offset: file.line_start(line + 1),
                            after_last_line: false,
                        },
                        false => UsePlace {
                            offset: file.text.len(),
                            after_last_line: true,
                        },
                    }
                }
            };
            places.insert(id, place);
        }
        UsePlaces { places }
    }

    /// The fix that adds `use std.MODULE` to `file`; none for a file not on disk.
    fn fix(&self, file: FileId, module: &str) -> Option<Fix> {
        let place = self.places.get(&file)?;
        let line = format!("use std.{module}");
        let text = match place.after_last_line {
            true => format!("\n{line}"),
            false => format!("{line}\n"),
        };
        let at = Span::new(file, place.offset..place.offset);
        Some(Fix::new(format!("add `{line}`"), vec![Edit::new(at, text)]))
    }
}

/// Resolves the references outside formulas: every one is looked up first (the model is read),
/// then the targets are recorded (the model is written).
fn resolve_references(
    model: &mut Model,
    suggestions: &mut Suggestions,
    findings: &mut Vec<Finding>,
) {
    let mut targets = Vec::new();
    for item in &model.items {
        references(&item.kind, |reference, expected| {
            let in_library = item.from_stdlib;
            targets.push(
                match lookup(model, suggestions, reference, expected, in_library) {
                    Ok(target) => Some(target),
                    Err(finding) => {
                        findings.extend(finding.map(|f| *f));
                        None
                    }
                },
            );
        });
    }
    let mut targets = targets.into_iter();
    for item in &mut model.items {
        references_mut(&mut item.kind, |reference| {
            reference.target = targets.next().expect("one target per reference");
        });
    }
}

/// Each reference an item makes outside formulas, with what it must name. [`references_mut`]
/// walks the same references in the same order.
fn references(kind: &ItemKind, mut f: impl FnMut(&Reference, &Expected)) {
    match kind {
        ItemKind::Objective(objective) => {
            objective
                .perspective
                .iter()
                .for_each(|r| f(r, &PERSPECTIVE));
            objective.drives.iter().for_each(|r| f(r, &DRIVEN));
            objective.for_orgs.iter().for_each(|b| f(&b.org, &FOR_ORG));
        }
        ItemKind::Initiative(initiative) => {
            initiative
                .objective
                .iter()
                .for_each(|r| f(r, &OBJECTIVE_OF_INITIATIVE));
        }
        ItemKind::Measure(measure) => {
            measure.extends.iter().for_each(|r| f(r, &EXTENDED));
            if let Some(kpi) = &measure.kpi {
                kpi.objective.iter().for_each(|r| f(r, &OBJECTIVE_OF_KPI));
                kpi.for_orgs.iter().for_each(|b| f(&b.org, &FOR_ORG));
            }
        }
        ItemKind::Org(org) => org.parent.iter().for_each(|r| f(r, &PARENT_ORG)),
        ItemKind::Perspective(_) | ItemKind::Function(_) => {}
    }
}

/// The references of [`references`], in the same order, to record their targets.
fn references_mut(kind: &mut ItemKind, mut f: impl FnMut(&mut Reference)) {
    match kind {
        ItemKind::Objective(objective) => {
            objective.perspective.iter_mut().for_each(&mut f);
            objective.drives.iter_mut().for_each(&mut f);
            objective.for_orgs.iter_mut().for_each(|b| f(&mut b.org));
        }
        ItemKind::Initiative(initiative) => initiative.objective.iter_mut().for_each(f),
        ItemKind::Measure(measure) => {
            measure.extends.iter_mut().for_each(&mut f);
            if let Some(kpi) = &mut measure.kpi {
                kpi.objective.iter_mut().for_each(&mut f);
                kpi.for_orgs.iter_mut().for_each(|b| f(&mut b.org));
            }
        }
        ItemKind::Org(org) => org.parent.iter_mut().for_each(f),
        ItemKind::Perspective(_) | ItemKind::Function(_) => {}
    }
}

/// Turns one formula's AST into a [`Formula`], reporting unknown names and arity errors.
struct FormulaResolver<'a> {
    model: &'a Model,
    /// Whether the formula is the standard library's: its names resolve there first.
    in_library: bool,
    suggestions: &'a mut Suggestions,
    params: &'a [String],
    findings: &'a mut Vec<Finding>,
}

impl FormulaResolver<'_> {
    fn resolve(&mut self, expr: &ast::Expr) -> Formula {
        let kind = match &expr.kind {
            ExprKind::Number(value) => FormulaKind::Number(*value, Unit::dimensionless()),
            ExprKind::Quantity(value, unit) if unit.text() == "%" => {
                FormulaKind::Number(value / 100.0, Unit::dimensionless())
            }
            ExprKind::Quantity(value, unit) => FormulaKind::Number(*value, Unit::from_expr(unit)),
            ExprKind::Reference(name) => self.reference(name, expr.span),
            ExprKind::Call { function, args } => self.call(function, args, expr.span),
            ExprKind::Negate(operand) => FormulaKind::Negate(Box::new(self.resolve(operand))),
            ExprKind::Binary(op, left, right) => FormulaKind::Binary(
                *op,
                Box::new(self.resolve(left)),
                Box::new(self.resolve(right)),
            ),
        };
        Formula {
            kind,
            span: expr.span,
        }
    }

    fn reference(&mut self, name: &str, span: crate::source::Span) -> FormulaKind {
        if let Some(position) = self.params.iter().position(|param| param == name) {
            return FormulaKind::Param(position);
        }
        let reference = Reference {
            name: name.to_string(),
            span,
            target: None,
        };
        match lookup(
            self.model,
            self.suggestions,
            &reference,
            &MEASURE,
            self.in_library,
        ) {
            Ok(target) => FormulaKind::Measure(target),
            Err(None) => FormulaKind::Invalid,
            Err(Some(finding)) => {
                let mut finding = *finding;
                if finding.rule == Rule::UnknownName && finding.help.is_none() {
                    let params = self.params.iter().map(String::as_str);
                    if let Some(close) = diagnostics::closest_of(name, params) {
                        finding = finding
                            .did_you_mean(Some(close), name)
                            .help(format!("did you mean the parameter `{}`?", close.name));
                    }
                }
                self.findings.push(finding);
                FormulaKind::Invalid
            }
        }
    }

    fn call(
        &mut self,
        function: &ast::Ident,
        args: &[ast::Expr],
        span: crate::source::Span,
    ) -> FormulaKind {
        let resolved_args: Vec<Formula> = args.iter().map(|arg| self.resolve(arg)).collect();
        let (callee, params): (Callee, Vec<String>) =
            if let Some(builtin) = Builtin::from_name(&function.node) {
                (
                    Callee::Builtin(builtin),
                    builtin.params().iter().map(|p| p.to_string()).collect(),
                )
            } else {
                match self
                    .model
                    .lookup(&function.node, self.in_library)
                    .map(|id| (id, self.model.item(id)))
                {
                    Some((id, item)) => match &item.kind {
                        ItemKind::Function(f) => (
                            Callee::Function(id),
                            f.params.iter().map(|p| p.node.clone()).collect(),
                        ),
                        _ => {
                            let finding = Finding::new(
                                Rule::WrongKind,
                                function.span,
                                format!(
                                    "`{}` is {}, not a function",
                                    function.node,
                                    item.kind().article_name()
                                ),
                            )
                            .label("called here")
                            .with_secondary(
                                item.id.span,
                                format!("`{}` is declared here", function.node),
                            )
                            .help(format!(
                                "refer to it without parentheses: `{}`",
                                function.node
                            ));
                            self.findings.push(finding);
                            return FormulaKind::Invalid;
                        }
                    },
                    None => {
                        self.findings.push(self.unknown_function(function));
                        return FormulaKind::Invalid;
                    }
                }
            };
        if resolved_args.len() != params.len() {
            let signature = format!("{}({})", function.node, params.join(", "));
            let finding = Finding::new(
                Rule::BadArity,
                span,
                format!(
                    "`{}` takes {} but is given {}",
                    function.node,
                    count(params.len()),
                    count(resolved_args.len())
                ),
            )
            .label(format!("{} given", count(resolved_args.len())))
            .help(format!("call it as `{signature}`"));
            self.findings.push(finding);
            return FormulaKind::Invalid;
        }
        if callee == Callee::Builtin(Builtin::Ytd)
            && !matches!(
                resolved_args[0].kind,
                FormulaKind::Measure(_) | FormulaKind::Param(_) | FormulaKind::Invalid
            )
        {
            let finding = Finding::new(Rule::BadArity, resolved_args[0].span, "`ytd` takes the id of a metric or KPI")
                .label("not a metric or KPI id")
                .help("`ytd(x)` aggregates `x` with its own `aggregate` from the start of the year: name a metric or KPI");
            self.findings.push(finding);
            return FormulaKind::Invalid;
        }
        FormulaKind::Call(callee, resolved_args)
    }

    fn unknown_function(&self, function: &ast::Ident) -> Finding {
        let functions = self
            .model
            .names
            .iter()
            .filter(|(_, id)| self.model.item(**id).kind() == Kind::Function)
            .map(|(name, _)| name.as_str())
            .chain(Builtin::ALL.iter().map(|b| b.name()));
        let finding = Finding::new(
            Rule::UnknownName,
            function.span,
            format!("there is no function `{}`", function.node),
        )
        .label("unknown function");
        match diagnostics::closest_of(&function.node, functions) {
            Some(close) => finding.did_you_mean(Some(close), &function.node),
            None => finding.help("the built-in functions are lag, delta, growth, sum_over, avg_over, ytd, min, max, abs, round, clamp and coalesce; `fn` declares more"),
        }
    }
}

fn count(n: usize) -> String {
    match n {
        1 => "1 argument".to_string(),
        n => format!("{n} arguments"),
    }
}

/// Arguments such as the `n` of `lag(x, n)` must be whole-number literals, or parameters of
/// the enclosing `fn` (which its callers must then give as literals).
fn check_literal_arguments(model: &Model, findings: &mut Vec<Finding>) {
    let literal_params = literal_parameters(model);
    for item in &model.items {
        let formula = match &item.kind {
            ItemKind::Measure(Measure {
                formula: Some(formula),
                ..
            }) => formula,
            ItemKind::Function(function) => &function.body,
            _ => continue,
        };
        visit(formula, &mut |node| {
            let FormulaKind::Call(callee, args) = &node.kind else {
                return;
            };
            for (position, arg) in args.iter().enumerate() {
                if !is_literal_position(*callee, position, &literal_params) {
                    continue;
                }
                let ok = match &arg.kind {
                    FormulaKind::Number(value, unit) => {
                        unit.is_dimensionless() && value.fract() == 0.0 && *value >= 0.0
                    }
                    FormulaKind::Param(_) | FormulaKind::Invalid => true,
                    _ => false,
                };
                if !ok {
                    let name = callee_name(model, *callee);
                    let finding = Finding::new(
                        Rule::BadArity,
                        arg.span,
                        format!(
                            "argument {} of `{name}` must be a whole-number literal",
                            position + 1
                        ),
                    )
                    .label("not a whole number written out")
                    .help(format!(
                        "write the count of periods as a number, e.g. `{name}(x, 12)`"
                    ));
                    findings.push(finding);
                }
            }
        });
    }
}

fn callee_name(model: &Model, callee: Callee) -> String {
    match callee {
        Callee::Builtin(builtin) => builtin.name().to_string(),
        Callee::Function(id) => model.item(id).id.node.clone(),
    }
}

fn is_literal_position(
    callee: Callee,
    position: usize,
    literal_params: &HashMap<ItemId, Vec<bool>>,
) -> bool {
    match callee {
        Callee::Builtin(builtin) => builtin.literal_param() == Some(position),
        Callee::Function(id) => literal_params
            .get(&id)
            .is_some_and(|params| params.get(position) == Some(&true)),
    }
}

/// For each `fn`, which parameters reach a literal-only argument position (a fixpoint, since
/// functions call functions).
fn literal_parameters(model: &Model) -> HashMap<ItemId, Vec<bool>> {
    let functions: Vec<(ItemId, &Function)> = model
        .ids()
        .filter_map(|id| match &model.item(id).kind {
            ItemKind::Function(function) => Some((id, function)),
            _ => None,
        })
        .collect();
    let mut literal: HashMap<ItemId, Vec<bool>> = functions
        .iter()
        .map(|(id, f)| (*id, vec![false; f.params.len()]))
        .collect();
    loop {
        let mut changed = false;
        for (id, function) in &functions {
            let mut found = Vec::new();
            visit(&function.body, &mut |node| {
                let FormulaKind::Call(callee, args) = &node.kind else {
                    return;
                };
                for (position, arg) in args.iter().enumerate() {
                    if let FormulaKind::Param(param) = arg.kind
                        && is_literal_position(*callee, position, &literal)
                    {
                        found.push(param);
                    }
                }
            });
            let flags = literal.get_mut(id).expect("every function has flags");
            for param in found {
                if !flags[param] {
                    flags[param] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return literal;
        }
    }
}

/// Calls `f` on every node of a formula, parents before children.
pub fn visit(formula: &Formula, f: &mut impl FnMut(&Formula)) {
    f(formula);
    match &formula.kind {
        FormulaKind::Call(_, args) => args.iter().for_each(|arg| visit(arg, f)),
        FormulaKind::Negate(operand) => visit(operand, f),
        FormulaKind::Binary(_, left, right) => {
            visit(left, f);
            visit(right, f);
        }
        FormulaKind::Number(..)
        | FormulaKind::Measure(_)
        | FormulaKind::Param(_)
        | FormulaKind::Invalid => {}
    }
}

/// `kpi X extends M`: the KPI takes M's unit, formula (or M itself, when M is an input),
/// aggregate and description, unless it states them itself.
fn apply_extends(model: &mut Model) {
    for index in 0..model.items.len() {
        let Some(extended) = model.items[index]
            .as_measure()
            .and_then(|m| m.extends.as_ref())
            .and_then(|r| r.target.map(|t| (t, r.span)))
        else {
            continue;
        };
        let (metric_id, extends_span) = extended;
        let metric = model.item(metric_id);
        let Some(base) = metric.as_measure() else {
            continue;
        };
        let formula = base.formula.clone().unwrap_or(Formula {
            kind: FormulaKind::Measure(metric_id),
            span: extends_span,
        });
        let (unit, aggregate, description) = (
            base.unit.clone(),
            base.aggregate,
            metric.description.clone(),
        );
        let item = &mut model.items[index];
        if item.description.is_none() {
            item.description = description;
        }
        if let ItemKind::Measure(measure) = &mut item.kind {
            measure.unit = measure.unit.take().or(unit);
            measure.aggregate = measure.aggregate.or(aggregate);
            measure.formula = measure.formula.take().or(Some(formula));
        }
    }
}
