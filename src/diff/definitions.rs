//! The definitions of the two versions compared: KPIs matched by id (or found renamed), then
//! their targets, deadlines, baselines, thresholds, formulas, owners and weights; objectives'
//! owners and weights; perspectives' weights.
//!
//! Targets compare in the KPI's unit as written (a `%` target's value is the percentage), for
//! the new version's direction; a change of direction or of the target's form (a value, a band,
//! milestones) is not compared as easier or harder.

use std::collections::HashMap;

use super::formulas::{self, Definition, Inputs, canonical};
use super::{Change, OldVersion, number};
use crate::diagnostics::Rule;
use crate::eval::periods;
use crate::period::Period;
use crate::score::{self, Plan};
use crate::semantic::model::{
    ItemId, ItemKind, KpiPart, Measure, Model, Quantity, Target, Thresholds,
};
use crate::source::{SourceMap, Span};
use crate::vocabulary::{Direction, Spanned};

/// Every change of definition from `old` to the new version.
pub fn compare(
    old: &OldVersion,
    new: &Model,
    new_sources: &SourceMap,
    as_of: Option<Period>,
) -> Vec<Change> {
    let mut compare = Comparison {
        old,
        new,
        new_sources,
        as_of,
        inputs: Inputs::new((&old.model, &old.sources), (new, new_sources)),
        changes: Vec::new(),
    };
    let (pairs, removed) = match_kpis(&old.model, new);
    for &(old_id, new_id) in &pairs {
        compare.kpi(old_id, new_id);
    }
    for old_id in removed {
        compare.removed(old_id);
    }
    compare.objectives_and_perspectives();
    compare.changes
}

/// The project's KPIs of a model by id (the standard library's are not the project's).
fn kpis(model: &Model) -> HashMap<&str, ItemId> {
    model
        .ids()
        .filter(|&id| {
            let item = model.item(id);
            !item.from_stdlib && item.as_measure().is_some_and(|m| m.kpi.is_some())
        })
        .map(|id| (model.item(id).id.node.as_str(), id))
        .collect()
}

/// The KPIs of both versions, in the new version's order: by id, or renamed (a new id, the
/// old title and formula); and the old KPIs that are gone.
fn match_kpis(old: &Model, new: &Model) -> (Vec<(ItemId, ItemId)>, Vec<ItemId>) {
    let old_kpis = kpis(old);
    let new_kpis = kpis(new);
    let formula = |model: &Model, id: ItemId| {
        model
            .item(id)
            .as_measure()
            .and_then(|m| m.formula.as_ref())
            .map(|f| canonical(model, f))
    };
    let mut gone: Vec<ItemId> = old_kpis
        .iter()
        .filter(|(name, _)| !new_kpis.contains_key(*name))
        .map(|(_, &id)| id)
        .collect();
    gone.sort();
    let mut pairs = Vec::new();
    let mut new_ids: Vec<ItemId> = new_kpis.values().copied().collect();
    new_ids.sort();
    for new_id in new_ids {
        let name = new.item(new_id).id.node.as_str();
        if let Some(&old_id) = old_kpis.get(name) {
            pairs.push((old_id, new_id));
            continue;
        }
        let renamed = gone.iter().position(|&old_id| {
            old.item(old_id).title == new.item(new_id).title
                && formula(old, old_id) == formula(new, new_id)
        });
        if let Some(at) = renamed {
            pairs.push((gone.remove(at), new_id));
        }
    }
    (pairs, gone)
}

struct Comparison<'a> {
    old: &'a OldVersion,
    new: &'a Model,
    new_sources: &'a SourceMap,
    /// Milestones due by then are compared too.
    as_of: Option<Period>,
    inputs: Inputs<'a>,
    changes: Vec<Change>,
}

/// One KPI in both versions.
struct Pair<'a> {
    old_id: ItemId,
    new_id: ItemId,
    name: &'a str,
    old: &'a KpiPart,
    new: &'a KpiPart,
    old_measure: &'a Measure,
    new_measure: &'a Measure,
    /// The id in the new version: where a change without a place of its own is located.
    at: Span,
    old_at: Span,
    /// The new version's unit, for values.
    unit: Option<String>,
}

impl Pair<'_> {
    fn show(&self, quantity: &Quantity) -> String {
        show_quantity(quantity, self.unit.as_deref())
    }
}

impl<'a> Comparison<'a> {
    fn kpi(&mut self, old_id: ItemId, new_id: ItemId) {
        let (old_model, new_model) = (&self.old.model, self.new);
        let old_measure = old_model.item(old_id).as_measure().expect("a KPI");
        let new_measure = new_model.item(new_id).as_measure().expect("a KPI");
        let pair = Pair {
            old_id,
            new_id,
            name: &new_model.item(new_id).id.node,
            old: old_measure.kpi.as_deref().expect("a KPI"),
            new: new_measure.kpi.as_deref().expect("a KPI"),
            old_measure,
            new_measure,
            at: new_model.item(new_id).id.span,
            old_at: old_model.item(old_id).id.span,
            unit: new_measure.unit.as_ref().map(|u| u.text.clone()),
        };
        let old_name = &old_model.item(old_id).id.node;
        if old_name != pair.name {
            self.push(
                &pair,
                Rule::KpiRenamed,
                pair.at,
                "KPI renamed",
                format!("`{old_name}`"),
                format!("`{}`", pair.name),
                pair.old_at,
            );
        }
        self.targets(&pair);
        self.deadlines(&pair);
        self.baseline(&pair);
        self.thresholds(&pair);
        self.formula(&pair);
        if let (Some(owner), None) = (&pair.old.owner, &pair.new.owner) {
            self.push(
                &pair,
                Rule::OwnerRemoved,
                pair.at,
                "owner removed",
                format!("\"{}\"", owner.node),
                "none".into(),
                owner.span,
            );
        }
        self.weight(
            Some(&pair),
            pair.name,
            pair.at,
            (pair.old.weight.as_ref(), pair.old_at),
            pair.new.weight.as_ref(),
        );
    }

    /// A change of `pair`'s KPI (or, without a pair, of another item), located at `at` in the
    /// new version, `old_at` in the old.
    #[expect(
        clippy::too_many_arguments,
        reason = "a change is its rule, its subject, its words, and its value and place in each version"
    )]
    fn push(
        &mut self,
        pair: &Pair,
        rule: Rule,
        at: Span,
        what: &str,
        old: String,
        new: String,
        old_at: Span,
    ) {
        let change = self.change(pair.name, rule, at, what, old, new, old_at);
        self.changes.push(Change {
            kpi: Some((pair.old_id, pair.new_id)),
            ..change
        });
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "a change is its rule, its subject, its words, and its value and place in each version"
    )]
    fn change(
        &self,
        subject: &str,
        rule: Rule,
        at: Span,
        what: &str,
        old: String,
        new: String,
        old_at: Span,
    ) -> Change {
        Change::new(rule, at, subject, what, old, new, &self.old.place(old_at))
    }

    /// `target-lowered` / `target-raised`: the final target, and the milestones at or before
    /// `as_of` ([`Comparison::due_milestones`]).
    fn targets(&mut self, pair: &Pair) {
        let (Some(direction), Some(old_direction)) = (&pair.new.direction, &pair.old.direction)
        else {
            return;
        };
        if direction.node != old_direction.node {
            return;
        }
        self.due_milestones(pair, direction.node);
        match (&pair.old.target, &pair.new.target) {
            (Some(old), Some(new)) => {
                let (Some(old_final), Some(new_final)) = (Final::of(old), Final::of(new)) else {
                    return;
                };
                let Some(easier) = new_final.easier_than(&old_final, direction.node) else {
                    return;
                };
                let rule = if easier {
                    Rule::TargetLowered
                } else {
                    Rule::TargetRaised
                };
                self.push(
                    pair,
                    rule,
                    new_final.span,
                    if easier {
                        "target lowered"
                    } else {
                        "target raised"
                    },
                    old_final.show(pair),
                    new_final.show(pair),
                    old_final.span,
                );
            }
            (Some(old), None) => {
                if let Some(old_final) = Final::of(old) {
                    self.push(
                        pair,
                        Rule::TargetLowered,
                        pair.at,
                        "target removed",
                        old_final.show(pair),
                        "none".into(),
                        old_final.span,
                    );
                }
            }
            _ => {}
        }
    }

    /// `target-lowered` for each milestone of the old version (but the last, the final target)
    /// due at or before `as_of` whose period the new version plans easier.
    fn due_milestones(&mut self, pair: &Pair, direction: Direction) {
        let (Some(as_of), Some(Target::Milestones(milestones)), Some(new_target)) =
            (self.as_of, &pair.old.target, &pair.new.target)
        else {
            return;
        };
        let grain = periods::measure_grain(self.new, pair.new_id);
        let Some(plan) = Plan::of_kpi(pair.new, grain) else {
            return;
        };
        let new_milestones = match new_target {
            Target::Milestones(milestones) => milestones.as_slice(),
            _ => &[],
        };
        let final_span = Final::of(new_target).map_or(pair.at, |f| f.span);
        let due = &milestones[..milestones.len().saturating_sub(1)];
        for (period, value) in due {
            if period.node.last_day() > as_of.last_day() {
                continue;
            }
            let planned = plan.value(period.node);
            if easier(planned, value.value, direction == Direction::Down) != Some(true) {
                continue;
            }
            let at = new_milestones
                .iter()
                .find(|(new_period, _)| new_period.node == period.node)
                .map_or(final_span, |(_, value)| value.span);
            let unit = pair.unit.as_deref();
            let show = |v: f64| {
                show_quantity(
                    &Quantity {
                        value: v,
                        unit: None,
                        span: at,
                    },
                    unit,
                )
            };
            self.push(
                pair,
                Rule::TargetLowered,
                at,
                &format!("milestone of {} lowered", period.node),
                show(value.value),
                show(planned),
                value.span,
            );
        }
    }

    /// `deadline-postponed`: the final deadline, and each milestone where both versions have
    /// the same number of them.
    fn deadlines(&mut self, pair: &Pair) {
        let (Some(old), Some(new)) = (&pair.old.target, &pair.new.target) else {
            return;
        };
        if let (Target::Milestones(old), Target::Milestones(new)) = (old, new)
            && old.len() == new.len()
        {
            for ((old_period, _), (new_period, _)) in old.iter().zip(new) {
                if later(new_period.node, old_period.node) {
                    self.push(
                        pair,
                        Rule::DeadlinePostponed,
                        new_period.span,
                        "milestone postponed",
                        old_period.node.to_string(),
                        new_period.node.to_string(),
                        old_period.span,
                    );
                }
            }
            return;
        }
        let (Some(old_deadline), new_deadline) = (deadline(old), deadline(new)) else {
            return;
        };
        match new_deadline {
            Some(new_deadline) if later(new_deadline.node, old_deadline.node) => self.push(
                pair,
                Rule::DeadlinePostponed,
                new_deadline.span,
                "deadline postponed",
                old_deadline.node.to_string(),
                new_deadline.node.to_string(),
                old_deadline.span,
            ),
            None => self.push(
                pair,
                Rule::DeadlinePostponed,
                pair.at,
                "deadline removed",
                old_deadline.node.to_string(),
                "no deadline".into(),
                old_deadline.span,
            ),
            _ => {}
        }
    }

    fn baseline(&mut self, pair: &Pair) {
        let Some(old) = &pair.old.baseline else {
            return;
        };
        let show = |b: &crate::semantic::model::Baseline| {
            format!("{} in {}", pair.show(&b.value), b.period.node)
        };
        match &pair.new.baseline {
            Some(new)
                if new.value.value != old.value.value || new.period.node != old.period.node =>
            {
                self.push(
                    pair,
                    Rule::BaselineChanged,
                    new.value.span,
                    "baseline changed",
                    show(old),
                    show(new),
                    old.value.span,
                );
            }
            None => self.push(
                pair,
                Rule::BaselineChanged,
                pair.at,
                "baseline removed",
                show(old),
                "none".into(),
                old.value.span,
            ),
            _ => {}
        }
    }

    /// `thresholds-loosened`: a bound made easier (for the new direction), or the effective
    /// tolerance widened.
    fn thresholds(&mut self, pair: &Pair) {
        if let (Some(old), Some(new)) = (&pair.old.thresholds, &pair.new.thresholds) {
            for (band, old_bound, new_bound) in loosened(old, new) {
                self.push(
                    pair,
                    Rule::ThresholdsLoosened,
                    new_bound.span,
                    &format!("{band} threshold loosened"),
                    pair.show(old_bound),
                    pair.show(new_bound),
                    old_bound.span,
                );
            }
        }
        let tolerance = |model: &Model, part: &KpiPart| {
            score::tolerance(part, model.scorecard.as_ref().map_or(0.1, |s| s.tolerance))
        };
        let (old_tol, new_tol) = (
            tolerance(&self.old.model, pair.old),
            tolerance(self.new, pair.new),
        );
        if new_tol > old_tol + 1e-12 {
            let percent = |t: f64| format!("{}%", number(t * 100.0));
            self.push(
                pair,
                Rule::ThresholdsLoosened,
                pair.at,
                "tolerance widened",
                percent(old_tol),
                percent(new_tol),
                pair.old_at,
            );
        }
    }

    /// `formula-changed`: the KPI's own formula or unit, else the inputs it reads.
    fn formula(&mut self, pair: &Pair) {
        let old_definition = Definition::of(&self.old.model, &self.old.sources, pair.old_id);
        let new_definition = Definition::of(self.new, self.new_sources, pair.new_id);
        let at = self.formula_place(pair.new_measure, pair.at);
        let old_at = pair
            .old_measure
            .formula
            .as_ref()
            .filter(|f| f.span.file == pair.old_at.file)
            .map_or(pair.old_at, |f| f.span);
        if let (Some(old), Some(new)) = (&old_definition, &new_definition)
            && (old.formula != new.formula || old.unit != new.unit)
        {
            let (what, old_text, new_text) = if old.formula != new.formula {
                let text = |measure: &Measure, sources: &SourceMap, model: &Model| {
                    measure.formula.as_ref().map_or("none".to_string(), |f| {
                        format!("`{}`", formulas::written(sources, f, model))
                    })
                };
                (
                    "formula changed",
                    text(pair.old_measure, &self.old.sources, &self.old.model),
                    text(pair.new_measure, self.new_sources, self.new),
                )
            } else {
                let unit =
                    |u: &Option<String>| u.clone().map_or("none".into(), |u| format!("`{u}`"));
                ("unit changed", unit(&old.unit), unit(&new.unit))
            };
            self.push(
                pair,
                Rule::FormulaChanged,
                at,
                what,
                old_text,
                new_text,
                old_at,
            );
            return;
        }
        let changed = self.inputs.changed_below(pair.new_id);
        if changed.is_empty() {
            return;
        }
        let mut old_parts = Vec::new();
        let mut new_parts = Vec::new();
        let mut names = Vec::new();
        let mut secondary = Vec::new();
        for input in &changed {
            let item = self.new.item(*input);
            let name = &item.id.node;
            names.push(format!("`{name}`"));
            let old_id = self.old.model.names[name];
            if let (Some(old), Some(new)) = (
                Definition::of(&self.old.model, &self.old.sources, old_id),
                Definition::of(self.new, self.new_sources, *input),
            ) {
                for (part, old_text, new_text) in new.differences(&old) {
                    old_parts.push(format!("`{name}` {part} {old_text}"));
                    new_parts.push(format!("`{name}` {part} {new_text}"));
                }
            }
            if !item.from_stdlib {
                secondary.push((item.id.span, format!("`{name}` changed")));
            }
        }
        let what = format!(
            "history does not compare: input{} {} changed",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
        let mut change = self.change(
            pair.name,
            Rule::FormulaChanged,
            at,
            &what,
            old_parts.join("; "),
            new_parts.join("; "),
            old_at,
        );
        for (span, label) in secondary {
            change.finding = change.finding.with_secondary(span, label);
        }
        change.kpi = Some((pair.old_id, pair.new_id));
        self.changes.push(change);
    }

    /// The KPI's formula where it is written in the KPI's own file, else its id.
    fn formula_place(&self, measure: &Measure, id: Span) -> Span {
        measure
            .formula
            .as_ref()
            .filter(|f| f.span.file == id.file)
            .map_or(id, |f| f.span)
    }

    /// `weight-changed` for one item.
    fn weight(
        &mut self,
        pair: Option<&Pair>,
        subject: &str,
        at: Span,
        (old, old_at): (Option<&Spanned<f64>>, Span),
        new: Option<&Spanned<f64>>,
    ) {
        let value = |w: Option<&Spanned<f64>>| w.map(|w| w.node);
        if value(old) == value(new) {
            return;
        }
        let show =
            |w: Option<&Spanned<f64>>| w.map_or("none".into(), |w| format!("{}%", number(w.node)));
        let change = self.change(
            subject,
            Rule::WeightChanged,
            new.map_or(at, |w| w.span),
            "weight changed",
            show(old),
            show(new),
            old.map_or(old_at, |w| w.span),
        );
        self.changes.push(Change {
            kpi: pair.map(|p| (p.old_id, p.new_id)),
            ..change
        });
    }

    /// `kpi-removed`, at the KPI's objective in the new version, or at the scorecard.
    fn removed(&mut self, old_id: ItemId) {
        let old_model = &self.old.model;
        let item = old_model.item(old_id);
        let objective = item
            .as_measure()
            .and_then(|m| m.kpi.as_ref())
            .and_then(|k| k.objective.as_ref())
            .map(|o| o.name.clone());
        let at = objective
            .as_ref()
            .and_then(|name| self.new.names.get(name))
            .map(|&id| self.new.item(id))
            .filter(|item| matches!(item.kind, ItemKind::Objective(_)))
            .map(|item| item.id.span)
            .or_else(|| self.new.scorecard.as_ref().map(|s| s.span));
        let Some(at) = at else {
            return;
        };
        let change = self.change(
            &item.id.node,
            Rule::KpiRemoved,
            at,
            "KPI removed",
            format!("`{}` \"{}\"", item.id.node, item.title),
            "none".into(),
            item.id.span,
        );
        self.changes.push(change);
    }

    /// Owners and weights of objectives, weights of perspectives.
    fn objectives_and_perspectives(&mut self) {
        for new_id in self.new.ids() {
            let item = self.new.item(new_id);
            if item.from_stdlib {
                continue;
            }
            let Some(&old_id) = self.old.model.names.get(&item.id.node) else {
                continue;
            };
            let old_item = self.old.model.item(old_id);
            match (&old_item.kind, &item.kind) {
                (ItemKind::Objective(old), ItemKind::Objective(new)) => {
                    if let (Some(owner), None) = (&old.owner, &new.owner) {
                        let change = self.change(
                            &item.id.node,
                            Rule::OwnerRemoved,
                            item.id.span,
                            "owner removed",
                            format!("\"{}\"", owner.node),
                            "none".into(),
                            owner.span,
                        );
                        self.changes.push(change);
                    }
                    self.weight(
                        None,
                        &item.id.node,
                        item.id.span,
                        (old.weight.as_ref(), old_item.id.span),
                        new.weight.as_ref(),
                    );
                }
                (ItemKind::Perspective(old), ItemKind::Perspective(new)) => self.weight(
                    None,
                    &item.id.node,
                    item.id.span,
                    (old.weight.as_ref(), old_item.id.span),
                    new.weight.as_ref(),
                ),
                _ => {}
            }
        }
    }
}

/// A target's end: its value or band, at its last place.
struct Final<'a> {
    low: &'a Quantity,
    high: Option<&'a Quantity>,
    span: Span,
}

impl<'a> Final<'a> {
    fn of(target: &'a Target) -> Option<Final<'a>> {
        match target {
            Target::Value { value, .. } => Some(Final {
                low: value,
                high: None,
                span: value.span,
            }),
            Target::Range { low, high, .. } => Some(Final {
                low,
                high: Some(high),
                span: low.span.to(high.span),
            }),
            Target::Milestones(milestones) => milestones.last().map(|(_, value)| Final {
                low: value,
                high: None,
                span: value.span,
            }),
        }
    }

    /// Whether `self` is easier than `old` (`Some(true)`), harder (`Some(false)`), or neither.
    fn easier_than(&self, old: &Final, direction: Direction) -> Option<bool> {
        match (direction, self.high, old.high) {
            (Direction::Up, None, None) => easier(self.low.value, old.low.value, false),
            (Direction::Down, None, None) => easier(self.low.value, old.low.value, true),
            (Direction::Range, Some(high), Some(old_high)) => {
                let wider = self.low.value < old.low.value || high.value > old_high.value;
                let narrower = self.low.value > old.low.value || high.value < old_high.value;
                if wider {
                    Some(true)
                } else {
                    narrower.then_some(false)
                }
            }
            _ => None,
        }
    }

    fn show(&self, pair: &Pair) -> String {
        match self.high {
            Some(high) => format!("{} .. {}", pair.show(self.low), pair.show(high)),
            None => pair.show(self.low),
        }
    }
}

/// Whether `new` is easier than `old`: for `higher_is_easier` a higher value is.
fn easier(new: f64, old: f64, higher_is_easier: bool) -> Option<bool> {
    if new == old {
        None
    } else {
        Some((new > old) == higher_is_easier)
    }
}

fn deadline(target: &Target) -> Option<&Spanned<Period>> {
    match target {
        Target::Value { deadline, .. } | Target::Range { deadline, .. } => deadline.as_ref(),
        Target::Milestones(milestones) => milestones.last().map(|(period, _)| period),
    }
}

/// Whether `new` ends after `old`.
fn later(new: Period, old: Period) -> bool {
    new.last_day() > old.last_day()
}

/// The threshold bounds made easier: (band, old, new).
fn loosened<'a>(
    old: &'a Thresholds,
    new: &'a Thresholds,
) -> Vec<(&'static str, &'a Quantity, &'a Quantity)> {
    let mut out = Vec::new();
    match (old, new) {
        (
            Thresholds::Bounds {
                green: old_green,
                amber: old_amber,
                at_least: old_at_least,
            },
            Thresholds::Bounds {
                green,
                amber,
                at_least,
            },
        ) if old_at_least.node == at_least.node => {
            // `>=` bounds are easier lower, `<=` bounds higher.
            let higher_is_easier = !at_least.node;
            for (band, old, new) in [("green", old_green, green), ("amber", old_amber, amber)] {
                if easier(new.value, old.value, higher_is_easier) == Some(true) {
                    out.push((band, old, new));
                }
            }
        }
        (
            Thresholds::Range {
                green: old_green,
                amber: old_amber,
            },
            Thresholds::Range { green, amber },
        ) => {
            for (band, old, new) in [("green", old_green, green), ("amber", old_amber, amber)] {
                if new.0.value < old.0.value {
                    out.push((band, &old.0, &new.0));
                }
                if new.1.value > old.1.value {
                    out.push((band, &old.1, &new.1));
                }
            }
        }
        _ => {}
    }
    out
}

/// A value in the unit it was written in, else the KPI's: `95%`, `120 EUR`, `4.5`.
pub fn show_quantity(quantity: &Quantity, kpi_unit: Option<&str>) -> String {
    match (&quantity.unit, kpi_unit) {
        (Some(unit), _) if unit.is_percent => format!("{}%", number(quantity.value)),
        (Some(unit), _) => format!("{} {}", number(quantity.value), unit.text),
        (None, Some("%")) => format!("{}%", number(quantity.value)),
        (None, Some(unit)) => format!("{} {unit}", number(quantity.value)),
        (None, None) => number(quantity.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataSet;
    use crate::diff::OldVersion;
    use crate::project;
    use crate::semantic;
    use std::path::Path;

    const HEAD: &str =
        "scorecard \"S\" {\n  owner \"O\"\n  period 2026-01 .. 2026-12\n}\nuse std.bsc\n";

    fn version(body: &str) -> (crate::project::Project, Model) {
        let project = project::load_text("scorecard.kpi", Path::new("."), &format!("{HEAD}{body}"));
        let (model, findings) = semantic::analyze(&project);
        assert!(
            findings
                .iter()
                .all(|f| f.level != crate::diagnostics::Level::Error),
            "{findings:#?}"
        );
        (project, model)
    }

    /// The changes from `old` to `new` (bodies after the scorecard block), as `rule: message`.
    fn changes(old: &str, new: &str, as_of: Option<&str>) -> Vec<String> {
        let (old_project, old_model) = version(old);
        let old = OldVersion {
            entry: old_project.entry,
            sources: old_project.sources,
            model: old_model,
            data: DataSet::default(),
            snapshot: None,
            data_bytes: Vec::new(),
            new_data: None,
        };
        let (new_project, new_model) = version(new);
        let as_of = as_of.map(|p| Period::parse(p).unwrap());
        compare(&old, &new_model, &new_project.sources, as_of)
            .into_iter()
            .map(|c| format!("{}: {}", c.finding.rule, c.finding.message))
            .collect()
    }

    const OBJECTIVE: &str =
        "objective o \"O\" { perspective financial  owner \"CFO\" }\nmetric m \"M\" { unit EUR }\n";

    fn kpi(id: &str, title: &str, body: &str) -> String {
        format!(
            "kpi {id} \"{title}\" {{\n  objective o\n  owner \"A\"\n  unit EUR\n  formula m\n{body}}}\n"
        )
    }

    #[test]
    fn a_removed_kpi_is_located_at_its_objective_and_a_renamed_one_is_not_removed() {
        let old = format!(
            "{OBJECTIVE}{}{}",
            kpi("a", "A", "  direction up\n"),
            kpi("b", "B", "  direction up\n")
        );
        let new = format!("{OBJECTIVE}{}", kpi("a2", "A", "  direction up\n"));
        assert_eq!(
            changes(&old, &new, None),
            [
                "kpi-renamed: `a2`: KPI renamed, `a` → `a2` (before: scorecard.kpi:8)",
                "kpi-removed: `b`: KPI removed, `b` \"B\" → none (before: scorecard.kpi:15)",
            ]
        );
    }

    #[test]
    fn baselines_thresholds_tolerance_and_weights() {
        let old = format!(
            "{OBJECTIVE}{}",
            kpi(
                "k",
                "K",
                "  direction range\n  baseline 10 in 2025-12\n  target 20 .. 30 by 2026-12\n  thresholds { green 20 .. 30  amber 15 .. 35 }\n  tolerance 5%\n  weight 100%\n"
            )
        );
        let new = old
            .replace("baseline 10 in 2025-12", "baseline 12 in 2025-12")
            .replace("amber 15 .. 35", "amber 14 .. 35")
            .replace("tolerance 5%", "tolerance 8%")
            .replace("target 20 .. 30", "target 22 .. 30")
            .replace("weight 100%", "");
        assert_eq!(
            changes(&old, &new, None),
            [
                "target-raised: `k`: target raised, 20 EUR .. 30 EUR → 22 EUR .. 30 EUR (before: scorecard.kpi:15)",
                "baseline-changed: `k`: baseline changed, 10 EUR in 2025-12 → 12 EUR in 2025-12 (before: scorecard.kpi:14)",
                "thresholds-loosened: `k`: amber threshold loosened, 15 EUR → 14 EUR (before: scorecard.kpi:16)",
                "thresholds-loosened: `k`: tolerance widened, 5% → 8% (before: scorecard.kpi:8)",
                "weight-changed: `k`: weight changed, 100% → none (before: scorecard.kpi:18)",
            ]
        );
    }

    #[test]
    fn milestones_due_by_as_of_and_postponed() {
        let old = format!(
            "{OBJECTIVE}{}",
            kpi(
                "k",
                "K",
                "  direction down\n  target {\n    2026-03 90\n    2026-06 80\n    2026-12 70\n  }\n"
            )
        );
        let new = old
            .replace("2026-03 90", "2026-03 95")
            .replace("2026-06 80", "2026-07 80");
        // By 2026-04 the first milestone was due: easier, and the second one moved later.
        assert_eq!(
            changes(&old, &new, Some("2026-04")),
            [
                "target-lowered: `k`: milestone of 2026-03 lowered, 90 EUR → 95 EUR (before: scorecard.kpi:15)",
                "deadline-postponed: `k`: milestone postponed, 2026-06 → 2026-07 (before: scorecard.kpi:16)",
            ]
        );
        // Before any was due, only the postponement.
        assert_eq!(changes(&old, &new, Some("2026-02")).len(), 1);
    }

    #[test]
    fn formulas_compare_by_meaning_and_name_the_changed_inputs() {
        let old = format!(
            "{OBJECTIVE}metric n \"N\" {{ unit EUR  formula m  *  2 }}\nfn twice(x) = x * 2\n{}{}",
            kpi("k", "K", "  direction up\n").replace("formula m", "formula n"),
            kpi("j", "J", "  direction up\n").replace("formula m", "formula twice(m)")
        );
        // Layout only: nothing.
        assert_eq!(
            changes(&old, &old.replace("m  *  2", "(m * 2)"), None),
            Vec::<String>::new()
        );
        let new = old
            .replace("m  *  2", "m * 3")
            .replace("fn twice(x) = x * 2", "fn twice(x) = x * 2.5");
        assert_eq!(
            changes(&old, &new, None),
            [
                "formula-changed: `k`: history does not compare: input `n` changed, `n` formula `m * 2` → `n` formula `m * 3` (before: scorecard.kpi:14)",
                "formula-changed: `j`: history does not compare: input `twice` changed, `twice` formula `x * 2` → `twice` formula `x * 2.5` (before: scorecard.kpi:21)",
            ]
        );
    }
}
