//! Formulas compared by what they compute, not how they are written: each is rendered in one
//! canonical text (names for references, every operation parenthesized, no comments or line
//! breaks), and an input's definition is the canonical text of its formula, unit, aggregate and
//! column. [`Inputs`] finds, for a measure of the new version, the inputs it reads (through
//! formulas, KPIs it reads, `fn`s, and what `extends` gave it) whose definition changed.

use std::collections::HashMap;

use crate::semantic::model::{Callee, Formula, FormulaKind, ItemId, ItemKind, Measure, Model};
use crate::source::SourceMap;
use crate::vocabulary::{Aggregate, BinaryOp};

/// The canonical text of a formula.
pub fn canonical(model: &Model, formula: &Formula) -> String {
    let mut text = String::new();
    write(model, formula, &mut text);
    text
}

fn write(model: &Model, formula: &Formula, out: &mut String) {
    match &formula.kind {
        FormulaKind::Number(value, unit) if unit.is_dimensionless() => {
            out.push_str(&value.to_string())
        }
        FormulaKind::Number(value, unit) => out.push_str(&format!("{value} {unit}")),
        FormulaKind::Measure(id) => out.push_str(&model.item(*id).id.node),
        FormulaKind::Param(at) => out.push_str(&format!("${at}")),
        FormulaKind::Call(callee, arguments) => {
            match callee {
                Callee::Builtin(builtin) => out.push_str(builtin.name()),
                Callee::Function(id) => out.push_str(&model.item(*id).id.node),
            }
            out.push('(');
            for (at, argument) in arguments.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                write(model, argument, out);
            }
            out.push(')');
        }
        FormulaKind::Negate(inner) => {
            out.push_str("-(");
            write(model, inner, out);
            out.push(')');
        }
        FormulaKind::Binary(op, left, right) => {
            out.push('(');
            write(model, left, out);
            out.push_str(match op {
                BinaryOp::Add => " + ",
                BinaryOp::Sub => " - ",
                BinaryOp::Mul => " * ",
                BinaryOp::Div => " / ",
            });
            write(model, right, out);
            out.push(')');
        }
        FormulaKind::Invalid => out.push('?'),
    }
}

/// The parts of a measure's or `fn`'s definition that decide its values, each as text; two
/// definitions are equal when those are, however the formulas are written.
#[derive(Debug, Clone)]
pub struct Definition {
    /// Canonical.
    pub formula: Option<String>,
    /// As written, for messages.
    pub written: Option<String>,
    pub unit: Option<String>,
    pub aggregate: Option<&'static str>,
    pub column: Option<String>,
}

impl PartialEq for Definition {
    fn eq(&self, other: &Definition) -> bool {
        (&self.formula, &self.unit, self.aggregate, &self.column)
            == (&other.formula, &other.unit, other.aggregate, &other.column)
    }
}

impl Definition {
    /// The definition of a measure or `fn`; `None` for other items.
    pub fn of(model: &Model, sources: &SourceMap, id: ItemId) -> Option<Definition> {
        match &model.item(id).kind {
            ItemKind::Measure(measure) => Some(Definition::of_measure(model, sources, measure)),
            ItemKind::Function(function) => Some(Definition {
                formula: Some(format!(
                    "({}) = {}",
                    function.params.len(),
                    canonical(model, &function.body)
                )),
                written: Some(written(sources, &function.body, model)),
                unit: None,
                aggregate: None,
                column: None,
            }),
            _ => None,
        }
    }

    fn of_measure(model: &Model, sources: &SourceMap, measure: &Measure) -> Definition {
        Definition {
            formula: measure.formula.as_ref().map(|f| canonical(model, f)),
            written: measure.formula.as_ref().map(|f| written(sources, f, model)),
            unit: measure.unit.as_ref().map(|u| u.text.clone()),
            aggregate: measure.aggregate.map(aggregate_name),
            column: measure.column.clone(),
        }
    }

    /// `formula `a / b` → `a / c``, one part a line, for the parts that differ from `old`.
    pub fn differences(&self, old: &Definition) -> Vec<(&'static str, String, String)> {
        let show =
            |value: &Option<String>| value.clone().map_or("none".into(), |v| format!("`{v}`"));
        let mut parts = Vec::new();
        if self.formula != old.formula {
            parts.push(("formula", show(&old.written), show(&self.written)));
        }
        if self.unit != old.unit {
            parts.push(("unit", show(&old.unit), show(&self.unit)));
        }
        if self.aggregate != old.aggregate {
            let show = |a: Option<&str>| a.map_or("default".to_string(), |a| format!("`{a}`"));
            parts.push(("aggregate", show(old.aggregate), show(self.aggregate)));
        }
        if self.column != old.column {
            parts.push(("column", show(&old.column), show(&self.column)));
        }
        parts
    }
}

/// A formula as written, on one line; its canonical text where the source cannot be read.
pub fn written(sources: &SourceMap, formula: &Formula, model: &Model) -> String {
    sources
        .get(formula.span.file)
        .text
        .get(formula.span.range())
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| canonical(model, formula))
}

fn aggregate_name(aggregate: Aggregate) -> &'static str {
    match aggregate {
        Aggregate::Sum => "sum",
        Aggregate::Avg => "avg",
        Aggregate::Last => "last",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
    }
}

/// The items a formula names: measures and `fn`s.
fn references(formula: &Formula, out: &mut Vec<ItemId>) {
    match &formula.kind {
        FormulaKind::Measure(id) => out.push(*id),
        FormulaKind::Call(callee, arguments) => {
            if let Callee::Function(id) = callee {
                out.push(*id);
            }
            arguments.iter().for_each(|a| references(a, out));
        }
        FormulaKind::Negate(inner) => references(inner, out),
        FormulaKind::Binary(_, left, right) => {
            references(left, out);
            references(right, out);
        }
        FormulaKind::Number(..) | FormulaKind::Param(_) | FormulaKind::Invalid => {}
    }
}

/// The inputs of the new version's measures whose definitions differ from the old version's,
/// worked out once per item.
pub struct Inputs<'a> {
    old: &'a Model,
    new: &'a Model,
    old_sources: &'a SourceMap,
    new_sources: &'a SourceMap,
    /// Whether an item of the new version has a definition other than its namesake's in the old.
    changed: HashMap<ItemId, bool>,
    /// The changed items an item reads, directly or not, in the order first reached.
    below: HashMap<ItemId, Vec<ItemId>>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        (old, old_sources): (&'a Model, &'a SourceMap),
        (new, new_sources): (&'a Model, &'a SourceMap),
    ) -> Inputs<'a> {
        Inputs {
            old,
            new,
            old_sources,
            new_sources,
            changed: HashMap::new(),
            below: HashMap::new(),
        }
    }

    /// Whether the item's own definition changed. An item the old version does not have is not
    /// a change of its own: the formula that now names it changed.
    pub fn changed(&mut self, id: ItemId) -> bool {
        if let Some(&changed) = self.changed.get(&id) {
            return changed;
        }
        let name = &self.new.item(id).id.node;
        let changed = match self.old.names.get(name) {
            Some(&old_id) => {
                Definition::of(self.old, self.old_sources, old_id)
                    != Definition::of(self.new, self.new_sources, id)
            }
            None => false,
        };
        self.changed.insert(id, changed);
        changed
    }

    /// The changed items `id` reads, through every formula and `fn` below it. The new version
    /// checks without errors, so its formulas have no cycle.
    pub fn changed_below(&mut self, id: ItemId) -> Vec<ItemId> {
        if let Some(below) = self.below.get(&id) {
            return below.clone();
        }
        let mut direct = Vec::new();
        match &self.new.item(id).kind {
            ItemKind::Measure(measure) => measure
                .formula
                .iter()
                .for_each(|f| references(f, &mut direct)),
            ItemKind::Function(function) => references(&function.body, &mut direct),
            _ => {}
        }
        let mut below = Vec::new();
        for read in direct {
            if read == id {
                continue;
            }
            if self.changed(read) && !below.contains(&read) {
                below.push(read);
            }
            for deeper in self.changed_below(read) {
                if !below.contains(&deeper) {
                    below.push(deeper);
                }
            }
        }
        self.below.insert(id, below.clone());
        below
    }
}
