//! `orphan-metric` (SMART, R): a metric of the project that no KPI uses, directly or through
//! the formulas of other metrics and `fn`s (a KPI's `extends` counts as a use). Library metrics
//! are used only when a project needs them, so they are never orphans; nor is a metric that lost
//! its id to another declaration (a `duplicate-name`), which no formula can name. Nothing is
//! reported while a formula or an `extends` names nothing, or while a declaration is left out
//! for a syntax error: the broken reference may be the missing use.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::model::{Callee, FormulaKind, ItemId, ItemKind, Kind};
use crate::semantic::{Model, visit};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::OrphanMetric,
    run,
};

/// Which items the KPIs use, by item index: every KPI, and whatever their formulas reach.
fn used_by_kpis(model: &Model) -> Vec<bool> {
    let mut used = vec![false; model.items.len()];
    let mut stack: Vec<ItemId> = Vec::new();
    for (id, item) in model.ids().zip(&model.items) {
        if item.kind() == Kind::Kpi {
            used[id.0 as usize] = true;
            stack.push(id);
        }
    }
    let mark = |id: ItemId, used: &mut Vec<bool>, stack: &mut Vec<ItemId>| {
        if !used[id.0 as usize] {
            used[id.0 as usize] = true;
            stack.push(id);
        }
    };
    while let Some(id) = stack.pop() {
        let item = model.item(id);
        let formula = match &item.kind {
            ItemKind::Measure(measure) => {
                if let Some(extended) = measure.extends.as_ref().and_then(|r| r.target) {
                    mark(extended, &mut used, &mut stack);
                }
                measure.formula.as_ref()
            }
            ItemKind::Function(function) => Some(&function.body),
            _ => None,
        };
        let Some(formula) = formula else { continue };
        let mut found = Vec::new();
        visit(formula, &mut |node| match &node.kind {
            FormulaKind::Measure(target) | FormulaKind::Call(Callee::Function(target), _) => {
                found.push(*target)
            }
            _ => {}
        });
        for target in found {
            mark(target, &mut used, &mut stack);
        }
    }
    used
}

/// Whether some formula or `extends` of the project names nothing (or the wrong kind of thing).
fn has_broken_reference(model: &Model) -> bool {
    model.items.iter().any(|item| {
        let formula = match &item.kind {
            ItemKind::Measure(measure) => {
                if measure.extends.as_ref().is_some_and(|r| r.target.is_none()) {
                    return true;
                }
                measure.formula.as_ref()
            }
            ItemKind::Function(function) => Some(&function.body),
            _ => None,
        };
        let mut broken = false;
        if let Some(formula) = formula {
            visit(formula, &mut |node| {
                broken |= matches!(node.kind, FormulaKind::Invalid);
            });
        }
        broken
    })
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    if !common::all_parsed(cx.model) || has_broken_reference(cx.model) {
        return;
    }
    let used = used_by_kpis(cx.model);
    for (id, item) in cx.model.ids().zip(&cx.model.items) {
        if item.from_stdlib
            || item.kind() != Kind::Metric
            || used[id.0 as usize]
            || common::is_shadowed(cx.model, id)
        {
            continue;
        }
        out.push(
            Finding::new(
                Rule::OrphanMetric,
                item.id.span,
                format!("metric `{}` is used by no KPI", item.id.node),
            )
            .label("used by no KPI")
            .help(format!(
                "measure something with it (in a KPI's `formula`, or `kpi … extends {}`), or \
                 remove it",
                item.id.node
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;

    use super::super::common::findings_of;

    const HEAD: &str = "scorecard \"S\" { period 2026-01 .. 2026-12 }\n\
        perspective p \"P\"\nobjective o \"O\" { perspective p }\n";

    fn orphans(text: &str) -> Vec<String> {
        findings_of(Rule::OrphanMetric, &format!("{HEAD}{text}"))
            .iter()
            .map(|f| f.message.split('`').nth(1).unwrap().to_string())
            .collect()
    }

    #[test]
    fn uses_through_metrics_functions_and_extends_count() {
        let text = "metric a \"A\" { unit EUR }\nmetric b \"B\" { unit EUR }\n\
            metric c \"C\" { unit EUR }\nmetric d \"D\" { unit EUR formula a }\n\
            fn plus_b(x) = x + b\n\
            kpi k \"K\" { objective o unit EUR formula plus_b(d) direction up }\n\
            kpi e \"E\" extends c { objective o direction up }\n\
            metric lone \"L\" { unit EUR }\nmetric chain \"C\" { unit EUR formula lone }\n";
        assert_eq!(orphans(text), ["lone", "chain"]);
    }

    #[test]
    fn a_broken_reference_silences_the_rule() {
        let text = "metric a \"A\" { unit EUR }\n\
            kpi k \"K\" { objective o unit EUR formula aa direction up }\n";
        assert!(orphans(text).is_empty());
    }
}
