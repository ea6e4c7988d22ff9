//! `frequency-mismatch` (alignment): a KPI more frequent than one of its inputs.
//!
//! From the definitions ([`CHECK`]): a KPI whose frequency (its own, else the scorecard's) is
//! finer than that of a KPI its formula names, e.g. a monthly KPI computed from a quarterly one,
//! which has a value only once a quarter. Metrics have no frequency of their own (they are
//! computed at the frequency of the KPI that uses them), so only KPIs named in the formula are
//! compared.
//!
//! From the data files ([`DATA_CHECK`]): a KPI whose inputs — the metrics and KPIs without a
//! formula that it reaches through formulas and `fn`s, itself when it has no formula — include
//! one observed only at a coarser grain than the KPI's frequency (quarterly data behind a
//! monthly KPI), which leaves the KPI without a value in its periods. The walk does not go
//! through a KPI of a coarser frequency than the one judged: that KPI is the mismatch, and the
//! definitions half names it.

use std::collections::HashSet;

use crate::checks::{Check, Context, DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::graph::fold_reachable;
use crate::period::Grain;
use crate::semantic::model::{FormulaKind, ItemId};
use crate::semantic::visit;
use crate::source::Span;

use super::common::{self, Kpi};

pub const CHECK: Check = Check {
    rule: Rule::FrequencyMismatch,
    run,
};

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::FrequencyMismatch,
    run: run_on_data,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    for kpi in common::kpis(model) {
        let Some(formula) = &kpi.measure.formula else {
            continue;
        };
        let grain = common::grain(model, kpi.kpi);
        let mut coarser: Vec<(ItemId, Span)> = Vec::new();
        visit(formula, &mut |node| {
            if let FormulaKind::Measure(used) = node.kind
                && used != kpi.id
                && !coarser.iter().any(|(seen, _)| *seen == used)
                && let Some(used_kpi) = model.item(used).as_measure().and_then(|m| m.kpi.as_ref())
                && common::grain(model, used_kpi) > grain
            {
                coarser.push((used, node.span));
            }
        });
        for (used, span) in coarser {
            let used_item = model.item(used);
            let used_grain = used_item
                .as_measure()
                .and_then(|m| m.kpi.as_ref())
                .map_or(grain, |used_kpi| common::grain(model, used_kpi));
            let (mine, theirs) = (grain.frequency_name(), used_grain.frequency_name());
            out.push(
                Finding::new(
                    Rule::FrequencyMismatch,
                    span,
                    format!(
                        "{mine} KPI `{}` uses {theirs} KPI `{}`, which has a value only once a \
                         {}",
                        kpi.name(),
                        used_item.id.node,
                        used_grain.noun()
                    ),
                )
                .label(format!("a {theirs} KPI"))
                .with_secondary(
                    used_item.id.span,
                    format!("`{}` is {theirs}", used_item.id.node),
                )
                .help(format!(
                    "give `{}` `frequency {theirs}` (or coarser), or measure `{}` {mine}",
                    kpi.name(),
                    used_item.id.node
                )),
            );
        }
    }
}

fn run_on_data(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let model = cx.model;
    let mut observed: Vec<Option<Grain>> = vec![None; model.items.len()];
    for (input, series) in &cx.data.series {
        if let (Some(slot), Some(first)) = (observed.get_mut(input.0 as usize), series.first()) {
            *slot = Some(first.period.grain());
        }
    }
    // The coarsest grain each item reaches decides cheaply which KPIs to walk.
    let coarsest = fold_reachable(cx.eval.formula_edges(), &observed, Grain::max);
    for kpi in common::kpis(model) {
        let grain = common::grain(model, kpi.kpi);
        if coarsest[kpi.id.0 as usize].is_none_or(|reached| reached <= grain) {
            continue;
        }
        for input in coarser_inputs(cx, &observed, &kpi, grain) {
            out.push(data_finding(cx, &kpi, grain, input));
        }
    }
}

/// The inputs of `kpi` observed at a grain coarser than its own, in the order reached, not
/// walking through KPIs coarser than it (module docs).
fn coarser_inputs(
    cx: &DataContext,
    observed: &[Option<Grain>],
    kpi: &Kpi,
    grain: Grain,
) -> Vec<ItemId> {
    let model = cx.model;
    let mut seen = HashSet::from([kpi.id]);
    let mut stack = vec![kpi.id];
    let mut found = Vec::new();
    while let Some(item) = stack.pop() {
        if observed[item.0 as usize].is_some_and(|observed| observed > grain) {
            found.push(item);
        }
        for (child, _) in &cx.eval.formula_edges()[item.0 as usize] {
            let coarser_kpi = model
                .item(*child)
                .as_measure()
                .and_then(|m| m.kpi.as_deref())
                .is_some_and(|other| common::grain(model, other) > grain);
            if !coarser_kpi && seen.insert(*child) {
                stack.push(*child);
            }
        }
    }
    found
}

fn data_finding(cx: &DataContext, kpi: &Kpi, grain: Grain, input: ItemId) -> Finding {
    let input_name = &cx.model.item(input).id.node;
    let first = cx.data.series.get(&input).and_then(|series| series.first());
    let observed = first.map_or(grain, |first| first.period.grain());
    let (mine, theirs) = (grain.frequency_name(), observed.frequency_name());
    let message = if input == kpi.id {
        format!(
            "{mine} KPI `{}` is observed only {theirs} in the data files: it has no {mine} value",
            kpi.name()
        )
    } else {
        format!(
            "{mine} KPI `{}` reads the input `{input_name}`, which the data files hold only \
             {theirs}: the KPI has no {mine} value",
            kpi.name()
        )
    };
    let mut finding = Finding::new(Rule::FrequencyMismatch, kpi.item.id.span, message)
        .label(format!("a {mine} KPI"))
        .help(format!(
            "give `{}` `frequency {theirs}` (or coarser), or deliver `{input_name}` {mine}",
            kpi.name()
        ));
    if let Some(first) = first {
        finding = finding.with_secondary(
            first.span,
            format!("`{input_name}` is observed {theirs}: {}", first.period),
        );
    }
    finding
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Rule;

    use super::super::common::findings_of;

    fn project(user: &str, used: &str) -> String {
        format!(
            "scorecard \"S\" {{ period 2026-01 .. 2026-12 frequency monthly }}\n\
             perspective p \"P\"\nobjective o \"O\" {{ perspective p }}\n\
             kpi survey \"S\" {{ objective o unit points direction up {used} }}\n\
             kpi index \"I\" {{ objective o unit points formula survey + survey direction up {user} }}\n"
        )
    }

    #[test]
    fn a_finer_kpi_over_a_coarser_one_is_reported_once() {
        let findings = findings_of(Rule::FrequencyMismatch, &project("", "frequency quarterly"));
        assert_eq!(findings.len(), 1, "one finding however often it is named");
        assert!(
            findings[0]
                .message
                .starts_with("monthly KPI `index` uses quarterly KPI `survey`")
        );
    }

    #[test]
    fn equal_or_coarser_kpis_are_fine() {
        assert!(findings_of(Rule::FrequencyMismatch, &project("", "")).is_empty());
        let coarser = project("frequency yearly", "frequency quarterly");
        assert!(findings_of(Rule::FrequencyMismatch, &coarser).is_empty());
    }
}
