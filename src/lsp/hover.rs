//! Hover: what an id stands for (kind, title, description, unit, formula, target and deadline,
//! and for a KPI its latest figures), or what a rule named in an attribute or lint block finds.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::convert;
use super::snapshot::{Figures, Snapshot, Symbol};
use super::world::InFile;
use crate::diagnostics::Rule;
use crate::report::html::format;
use crate::semantic::model::{Item, ItemId, ItemKind, Kind, Target};

/// The hover at byte `offset` of a file, if a name is written there.
pub fn hover(at: &InFile<'_>, offset: usize) -> Option<Hover> {
    let snapshot = at.snapshot;
    let occurrence = snapshot.occurrence_at(at.file, offset)?;
    let text = match occurrence.symbol {
        Symbol::Item(id) => item_text(snapshot, id),
        Symbol::Rule(rule) => rule_text(rule),
    };
    let file = snapshot.sources().get(at.file);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(convert::range(file, occurrence.span)),
    })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Perspective => "perspective",
        Kind::Objective => "objective",
        Kind::Metric => "metric",
        Kind::Kpi => "KPI",
        Kind::Initiative => "initiative",
        Kind::Function => "function",
        Kind::Org => "org",
    }
}

/// An item in Markdown: a heading line, its description, then one line a fact.
pub fn item_text(snapshot: &Snapshot, id: ItemId) -> String {
    let item = snapshot.model().item(id);
    let library = match item.from_stdlib {
        true => " (standard library)",
        false => "",
    };
    let mut text = format!(
        "**{}** `{}`: {}{library}\n",
        kind_name(item.kind()),
        item.id.node,
        item.title
    );
    if let Some(description) = &item.description {
        text.push_str(&format!("\n{description}\n"));
    }
    let facts = facts(snapshot, item);
    if !facts.is_empty() {
        text.push('\n');
        for fact in facts {
            text.push_str(&format!("- {fact}\n"));
        }
    }
    if let Some(figures) = snapshot.figures_of(id) {
        text.push_str(&format!("\n{}\n", latest_line(figures)));
    }
    text
}

/// The facts of an item worth a line each.
fn facts(snapshot: &Snapshot, item: &Item) -> Vec<String> {
    let mut facts = Vec::new();
    let source_of = |span: crate::source::Span| {
        snapshot.sources().get(span.file).text[span.range()].to_string()
    };
    match &item.kind {
        ItemKind::Measure(measure) => {
            if let Some(unit) = &measure.unit {
                facts.push(format!("unit: `{}`", unit.text));
            }
            if let Some(formula) = &measure.formula {
                facts.push(format!("formula: `{}`", source_of(formula.span)));
            }
            if let Some(extended) = measure.extends.as_ref().and_then(|r| r.target) {
                facts.push(format!(
                    "extends `{}`",
                    snapshot.model().item(extended).id.node
                ));
            }
            if let Some(kpi) = &measure.kpi {
                if let Some(direction) = &kpi.direction {
                    facts.push(format!("direction: {}", source_of(direction.span)));
                }
                if let Some(target) = &kpi.target {
                    facts.push(format!("target: {}", target_text(target)));
                }
                if let Some(objective) = kpi.objective.as_ref().and_then(|r| r.target) {
                    facts.push(format!(
                        "objective: `{}`",
                        snapshot.model().item(objective).id.node
                    ));
                }
                if let Some(owner) = &kpi.owner {
                    facts.push(format!("owner: {}", owner.node));
                }
            }
        }
        ItemKind::Objective(objective) => {
            if let Some(perspective) = objective.perspective.as_ref().and_then(|r| r.target) {
                facts.push(format!(
                    "perspective: `{}`",
                    snapshot.model().item(perspective).id.node
                ));
            }
            if let Some(owner) = &objective.owner {
                facts.push(format!("owner: {}", owner.node));
            }
        }
        ItemKind::Initiative(initiative) => {
            if let Some(owner) = &initiative.owner {
                facts.push(format!("owner: {}", owner.node));
            }
            if let Some(due) = &initiative.due {
                facts.push(format!("due: {}", due.node));
            }
        }
        ItemKind::Function(function) => {
            let params: Vec<&str> = function.params.iter().map(|p| p.node.as_str()).collect();
            facts.push(format!(
                "`{}({}) = {}`",
                item.id.node,
                params.join(", "),
                source_of(function.body.span)
            ));
        }
        ItemKind::Org(org) => {
            if let Some(parent) = org.parent.as_ref().and_then(|r| r.target) {
                facts.push(format!(
                    "parent: `{}`",
                    snapshot.model().item(parent).id.node
                ));
            }
        }
        ItemKind::Perspective(_) => {}
    }
    facts
}

/// A target as written: `39.5% by 2026-12`, `20 .. 30 by 2026-12`, or its milestones.
fn target_text(target: &Target) -> String {
    let by = |deadline: &Option<crate::vocabulary::Spanned<crate::period::Period>>| {
        deadline
            .as_ref()
            .map_or(String::new(), |d| format!(" by {}", d.node))
    };
    match target {
        Target::Value { value, deadline } => format!("{value}{}", by(deadline)),
        Target::Range {
            low,
            high,
            deadline,
        } => format!("{low} .. {high}{}", by(deadline)),
        Target::Milestones(milestones) => milestones
            .iter()
            .map(|(period, value)| format!("{} {value}", period.node))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `**amber** in 2026-06: actual 38.1%, plan 38.5%, score 0.62`.
fn latest_line(figures: &Figures) -> String {
    let value = |value: Option<f64>| match value {
        Some(value) => quantity(value, figures.unit.as_deref()),
        None => "none".to_string(),
    };
    let score = figures.score.map_or(String::new(), |score| {
        format!(", score {}", format::score(score))
    });
    format!(
        "**{}** in {}: actual {}, plan {}{score}",
        figures.status.name(),
        figures.period,
        value(figures.actual),
        value(figures.plan),
    )
}

/// A value in its unit, with the decimals its size calls for: `42.1%`, `1,750,000 EUR`.
pub fn quantity(value: f64, unit: Option<&str>) -> String {
    format::quantity(value, unit, format::decimals_for(value))
}

fn rule_text(rule: Rule) -> String {
    format!(
        "**{}** ({}, {} by default): {}\n\n`kpic explain {}` tells more.",
        rule.name(),
        rule.category().name(),
        rule.default_level().name(),
        rule.summary(),
        rule.name()
    )
}
