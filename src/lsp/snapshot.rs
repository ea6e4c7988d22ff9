//! The last checked state of one project, which every request is answered from (never by
//! checking again): its sources, model and findings, where each name is written, and each KPI's
//! latest figures as the report computes them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::diagnostics::Rule;
use crate::eval::Evaluated;
use crate::period::Period;
use crate::pipeline::CheckOutcome;
use crate::report;
use crate::score::Status;
use crate::semantic::Model;
use crate::semantic::model::{Callee, Formula, FormulaKind, ItemId, ItemKind, Reference};
use crate::source::{FileId, Origin, SourceMap, Span};
use crate::vocabulary::Spanned;

/// What a name written in the source stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Item(ItemId),
    Rule(Rule),
}

/// One place a symbol is written: its declaration, or a reference to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: Symbol,
    pub is_declaration: bool,
}

/// A KPI's figures at `as_of`: its latest completed period's actual, plan, status and score.
#[derive(Debug, Clone)]
pub struct Figures {
    pub period: Period,
    pub actual: Option<f64>,
    pub plan: Option<f64>,
    pub status: Status,
    pub score: Option<f64>,
    pub unit: Option<String>,
}

/// One project as last checked.
#[derive(Debug)]
pub struct Snapshot {
    /// The project's entry: its `scorecard.kpi`, or the file checked on its own.
    pub entry: PathBuf,
    /// What the check found; its `evaluated` is taken by [`Snapshot::score`].
    pub outcome: CheckOutcome,
    /// The figures of each KPI that has a latest period, by item; set once the KPIs are scored,
    /// after the diagnostics are out.
    pub figures: OnceLock<HashMap<ItemId, Figures>>,
    /// What the check evaluated, for [`Snapshot::score`] to resume from.
    evaluated: Mutex<Option<Evaluated>>,
    /// Each file's occurrences, by [`FileId`], in the order of their places.
    occurrences: Vec<Vec<Occurrence>>,
}

impl Snapshot {
    /// The snapshot of a checked project, its occurrences indexed; its KPIs not scored yet.
    pub fn new(entry: PathBuf, mut outcome: CheckOutcome) -> Snapshot {
        let occurrences = index(&outcome.model, &outcome.sources);
        Snapshot {
            entry,
            evaluated: Mutex::new(outcome.evaluated.take()),
            outcome,
            figures: OnceLock::new(),
            occurrences,
        }
    }

    /// Scores the KPIs as the report does (which evaluates what the check did not) and keeps
    /// their figures.
    pub fn score(&self) {
        let evaluated = self.evaluated.lock().ok().and_then(|mut e| e.take());
        let figures = match report::build(&self.outcome, evaluated, None) {
            Ok(report) => figures_by_item(&self.outcome.model, &report),
            Err(_) => HashMap::new(),
        };
        let _ = self.figures.set(figures);
    }

    pub fn model(&self) -> &Model {
        &self.outcome.model
    }

    pub fn sources(&self) -> &SourceMap {
        &self.outcome.sources
    }

    /// The figures of a KPI, once scored.
    pub fn figures_of(&self, id: ItemId) -> Option<&Figures> {
        self.figures.get()?.get(&id)
    }

    /// The file loaded from `origin`, if the project has it.
    pub fn file(&self, origin: &Origin) -> Option<FileId> {
        self.outcome.sources.find(origin)
    }

    /// The occurrences written in `file`.
    pub fn occurrences_in(&self, file: FileId) -> &[Occurrence] {
        self.occurrences
            .get(file.0 as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The occurrence at (or just before: a cursor at the end of a name) byte `offset` of `file`.
    pub fn occurrence_at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        self.occurrences_in(file)
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of `symbol` in the project, its declaration first.
    pub fn occurrences_of(&self, symbol: Symbol) -> Vec<Occurrence> {
        let mut found: Vec<Occurrence> = self
            .occurrences
            .iter()
            .flatten()
            .filter(|o| o.symbol == symbol)
            .copied()
            .collect();
        found.sort_by_key(|o| (!o.is_declaration, o.span));
        found
    }
}

/// Each KPI's latest figures, from the report's `kpis`.
fn figures_by_item(model: &Model, report: &report::Report<'_>) -> HashMap<ItemId, Figures> {
    report
        .kpis
        .iter()
        .filter_map(|kpi| {
            let id = *model.names.get(&kpi.id)?;
            let latest = kpi.latest.as_ref()?;
            let figures = Figures {
                period: latest.period,
                actual: latest.actual,
                plan: latest.plan,
                status: latest.status,
                score: latest.score,
                unit: kpi.unit.clone(),
            };
            Some((id, figures))
        })
        .collect()
}

/// Every place a name is written in the model: declarations, references, formula inputs and
/// calls, and the rule names of attributes and lint blocks; per file, in order.
fn index(model: &Model, sources: &SourceMap) -> Vec<Vec<Occurrence>> {
    let mut found = Occurrences(Vec::new());
    if let Some(scorecard) = &model.scorecard {
        for entry in &scorecard.lint {
            found.rules(&entry.rules);
        }
        for attribute in &scorecard.attributes {
            found.rules(&attribute.rules);
        }
    }
    for id in model.ids() {
        let item = model.item(id);
        found.push(item.id.span, Symbol::Item(id), true);
        for attribute in &item.attributes {
            found.rules(&attribute.rules);
        }
        match &item.kind {
            ItemKind::Perspective(_) => {}
            ItemKind::Objective(objective) => {
                found.reference(objective.perspective.as_ref());
                for reference in &objective.drives {
                    found.reference(Some(reference));
                }
                for block in &objective.for_orgs {
                    found.reference(Some(&block.org));
                }
            }
            ItemKind::Measure(measure) => {
                found.reference(measure.extends.as_ref());
                // A KPI that extends a metric may hold the metric's formula: the same places,
                // made one occurrence each below.
                if let Some(formula) = &measure.formula {
                    found.formula(model, sources, formula);
                }
                if let Some(kpi) = &measure.kpi {
                    found.reference(kpi.objective.as_ref());
                    for block in kpi.for_orgs.iter().filter(|block| !block.from_file) {
                        found.reference(Some(&block.org));
                    }
                }
            }
            ItemKind::Initiative(initiative) => found.reference(initiative.objective.as_ref()),
            ItemKind::Function(function) => found.formula(model, sources, &function.body),
            ItemKind::Org(org) => found.reference(org.parent.as_ref()),
        }
    }
    let mut by_file = vec![Vec::new(); sources.len()];
    for occurrence in found.0 {
        by_file[occurrence.span.file.0 as usize].push(occurrence);
    }
    for occurrences in &mut by_file {
        occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        occurrences.dedup();
    }
    by_file
}

struct Occurrences(Vec<Occurrence>);

impl Occurrences {
    fn push(&mut self, span: Span, symbol: Symbol, is_declaration: bool) {
        self.0.push(Occurrence {
            span,
            symbol,
            is_declaration,
        });
    }

    fn reference(&mut self, reference: Option<&Reference>) {
        if let Some(Reference {
            span,
            target: Some(target),
            ..
        }) = reference
        {
            self.push(*span, Symbol::Item(*target), false);
        }
    }

    fn rules(&mut self, rules: &[Spanned<String>]) {
        for name in rules {
            if let Some(rule) = Rule::from_name(&name.node) {
                self.push(name.span, Symbol::Rule(rule), false);
            }
        }
    }

    /// The inputs and functions a formula names, each at the place of its name.
    fn formula(&mut self, model: &Model, sources: &SourceMap, formula: &Formula) {
        match &formula.kind {
            FormulaKind::Measure(id) => {
                if let Some(span) = name_in(sources, formula.span, &model.item(*id).id.node) {
                    self.push(span, Symbol::Item(*id), false);
                }
            }
            FormulaKind::Call(callee, args) => {
                if let Callee::Function(id) = callee
                    && let Some(span) = name_in(sources, formula.span, &model.item(*id).id.node)
                {
                    self.push(span, Symbol::Item(*id), false);
                }
                for arg in args {
                    self.formula(model, sources, arg);
                }
            }
            FormulaKind::Negate(inner) => self.formula(model, sources, inner),
            FormulaKind::Binary(_, left, right) => {
                self.formula(model, sources, left);
                self.formula(model, sources, right);
            }
            FormulaKind::Number(..) | FormulaKind::Param(_) | FormulaKind::Invalid => {}
        }
    }
}

/// The span of the first whole-word `name` inside `span` (a formula's span may hold brackets
/// around the name, and a call's holds its arguments too).
fn name_in(sources: &SourceMap, span: Span, name: &str) -> Option<Span> {
    let text = sources.get(span.file).text.get(span.range())?;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let at = text.match_indices(name).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })?;
    let start = span.start as usize + at;
    Some(Span::new(span.file, start..start + name.len()))
}
