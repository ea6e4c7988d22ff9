//! What is judged once every file is read, series by series: gaps (`missing-period`), values
//! outside the scorecard's span (`period-outside-scorecard`), fractions written for percentages
//! (`percent-scale-suspect`) and inputs without data (`no-data`).
//!
//! How far before the scorecard's span a series is needed ([`earliest_needed`]), kept simple:
//! a KPI with a baseline needs every earlier observation of its inputs (the history up to the
//! baseline, which `target-unrealistic` and `target-within-noise` judge its target against, and
//! the periods from the baseline to the span); any other KPI needs its inputs from the start of
//! the span, moved back by the largest sum of the `n` of `lag`, `growth` (n), `delta` (1),
//! `sum_over` and `avg_over` (n - 1) on the way from the KPI's formula to the input (through other
//! measures and `fn`s), in periods of the KPI's frequency; and when a `ytd` lies on the way, from
//! the start of the financial year (`year_start`) that holds that day. An input no KPI reaches is
//! needed from the start of the span. Nothing after the span is needed.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{BadCell, DataSet, Group, Observation, Read};
use crate::diagnostics::{Finding, Rule};
use crate::graph;
use crate::period::{Period, financial_year_start};
use crate::semantic::Model;
use crate::semantic::model::{Callee, Formula, FormulaKind, ItemId, ItemKind};
use crate::source::{SourceMap, Span};

/// `data/actuals.csv:14`: the file of `span` as findings name it, and its line.
fn place_of(sources: &SourceMap, span: Span) -> String {
    let file = sources.get(span.file);
    format!("{}:{}", file.name, file.line_col(span.start as usize).line)
}

/// Sorts each series, reports the series findings and `no-data` (when `no_data` says the run's
/// data files were all read), and builds the data set.
pub(super) fn finish(
    model: &Model,
    sources: &SourceMap,
    mut groups: Vec<Group>,
    unread_periods: &[crate::source::Span],
    no_data: bool,
    findings: &mut Vec<Finding>,
) -> DataSet {
    let any_observation = groups.iter().any(|group| !group.observations.is_empty());
    let needed = if any_observation {
        earliest_needed(model)
    } else {
        HashMap::new()
    };
    let used = if no_data {
        used_by_project(model)
    } else {
        Vec::new()
    };
    let mut data = DataSet::default();
    for group in &mut groups {
        // By org (the root's first), then period; a stable sort keeps the order read among the
        // values of one period.
        group
            .observations
            .sort_by_cached_key(|read| (read.org.map(|o| o.0), read.period.ordinal()));
        // Judged on the whole series, every org's values together: one finding, not one a store.
        outside_scorecard(model, group, &needed, findings);
        percent_scale(model, group, findings);
        if no_data && group.observations.is_empty() && group.bad_periods.is_empty() {
            report_no_data(model, group, &used, findings);
        }
        for &(org, period, span) in &group.bad_periods {
            data.bad_cells
                .extend(group.items.iter().map(|&measure| BadCell {
                    measure,
                    org,
                    period,
                    place: place_of(sources, span),
                }));
        }
        for mut own in split_by_org(group) {
            duplicates(model, &mut own, findings);
            missing_periods(model, &own, unread_periods, findings);
            keep(&mut data, own);
        }
    }
    data
}

/// The series of a group, one an org (the root's first), each sorted by period.
fn split_by_org(group: &mut Group) -> Vec<Group> {
    let mut split: Vec<Group> = Vec::new();
    for read in std::mem::take(&mut group.observations) {
        if split.last().is_none_or(|last| last.org != read.org) {
            split.push(Group {
                name: group.name.clone(),
                items: group.items.clone(),
                percent: group.percent,
                unit: group.unit.clone(),
                grain: group.grain,
                observations: Vec::new(),
                bad_periods: group
                    .bad_periods
                    .iter()
                    .filter(|(org, ..)| *org == read.org)
                    .copied()
                    .collect(),
                org: read.org,
            });
        }
        split.last_mut().expect("pushed").observations.push(read);
    }
    split
}

/// Keeps one org's series as the observations of every input that reads it.
fn keep(data: &mut DataSet, group: Group) {
    let series: Vec<Observation> = group
        .observations
        .into_iter()
        .map(|read| Observation {
            period: read.period,
            value: read.value,
            note: read.note,
            span: read.value_span,
        })
        .collect();
    let by_input = match group.org {
        None => &mut data.series,
        Some(org) => data.orgs.entry(org).or_default(),
    };
    if let Some((last, others)) = group.items.split_last() {
        for item in others {
            by_input.insert(*item, series.clone());
        }
        by_input.insert(*last, series);
    }
}

/// `duplicate-observation`: of two values of one period (sorted next to each other, in the order
/// read), the later is reported and left out.
fn duplicates(model: &Model, group: &mut Group, findings: &mut Vec<Finding>) {
    let reads = &group.observations;
    if reads
        .windows(2)
        .all(|pair| pair[0].period != pair[1].period)
    {
        return;
    }
    let mut kept: Vec<Read> = Vec::with_capacity(reads.len());
    for read in std::mem::take(&mut group.observations) {
        match kept.last() {
            Some(first) if first.period == read.period => {
                let period = read.period;
                let finding = Finding::new(
                    Rule::DuplicateObservation,
                    read.value_span,
                    format!(
                        "a second value of {} for {period}: this one is ignored",
                        group.what(model)
                    ),
                )
                .label("ignored")
                .with_secondary(
                    first.value_span,
                    format!("the value of {} for {period}", group.what(model)),
                )
                .help("keep one value per series and period; of two, the one read first counts");
                findings.push(finding);
            }
            _ => kept.push(read),
        }
    }
    group.observations = kept;
}

/// `missing-period`: one finding per run of missing periods between two that have a value (or
/// a bad one, which has its own finding). A gap with a row whose period could not be read
/// between its two ends is that row's consequence: its `bad-value` says it all.
fn missing_periods(
    model: &Model,
    group: &Group,
    unread_periods: &[crate::source::Span],
    findings: &mut Vec<Finding>,
) {
    let mut points: Vec<(i64, Period, crate::source::Span)> = group
        .observations
        .iter()
        .map(|read| (read.period.ordinal(), read.period, read.value_span))
        .chain(
            group
                .bad_periods
                .iter()
                .map(|(_, period, span)| (period.ordinal(), *period, *span)),
        )
        .collect();
    points.sort_by_key(|point| point.0);
    points.dedup_by_key(|point| point.0);
    for pair in points.windows(2) {
        let ((before, before_period, before_span), (after, after_period, after_span)) =
            (pair[0], pair[1]);
        let missing = after - before - 1;
        let row_left_out = unread_periods.iter().any(|row| {
            row.file == after_span.file
                && row.file == before_span.file
                && (before_span.start.min(after_span.start)
                    ..before_span.start.max(after_span.start))
                    .contains(&row.start)
        });
        if missing <= 0 || row_left_out {
            continue;
        }
        let grain = before_period.grain();
        let (Some(first), Some(last)) = (
            Period::from_ordinal(grain, before + 1),
            Period::from_ordinal(grain, after - 1),
        ) else {
            continue;
        };
        let what = if missing == 1 {
            format!("{first}")
        } else {
            format!("the {missing} {}s {first} .. {last}", grain.noun())
        };
        let finding = Finding::new(
            Rule::MissingPeriod,
            after_span,
            format!(
                "{} has no value for {what}, between {before_period} and {after_period}",
                group.what(model)
            ),
        )
        .label("the next value after the gap")
        .with_secondary(before_span, "the last value before the gap")
        .help("add the missing values: a period without one shows as \"no data\" in the report");
        findings.push(finding);
    }
}

/// `period-outside-scorecard`: the values before what the scorecard needs, and those after its
/// span, one finding for each side.
fn outside_scorecard(
    model: &Model,
    group: &Group,
    needed: &HashMap<ItemId, NaiveDate>,
    findings: &mut Vec<Finding>,
) {
    let Some(scorecard) = &model.scorecard else {
        return;
    };
    let Some((from, to)) = scorecard.period else {
        return;
    };
    let Some(grain) = group.observations.first().map(|read| read.period.grain()) else {
        return;
    };
    let earliest = group
        .items
        .iter()
        .filter_map(|item| needed.get(item))
        .copied()
        .chain([from.first_day()])
        .min()
        .unwrap_or(from.first_day());
    let before: Vec<&Read> = group
        .observations
        .iter()
        .filter(|read| read.period.last_day() < earliest)
        .collect();
    let after: Vec<&Read> = group
        .observations
        .iter()
        .filter(|read| read.period.first_day() > to.last_day())
        .collect();
    let values = |reads: &[&Read]| match reads {
        [one] => format!("the value of `{}` for {} lies", group.name, one.period),
        [first, .., last] => format!(
            "{} values of `{}` ({} .. {}) lie",
            reads.len(),
            group.name,
            first.period,
            last.period
        ),
        [] => String::new(),
    };
    let span = format!("{from} .. {to}");
    if let (Some(first), Some(last)) = (before.first(), before.last()) {
        let message = format!(
            "{} before {}, the earliest period the scorecard needs",
            values(&before),
            Period::containing(earliest, grain)
        );
        let mut finding = Finding::new(Rule::PeriodOutsideScorecard, first.period_span, message)
            .label("not needed")
            .help(format!(
                "the scorecard's period is {span}; values before it are read only for baselines, \
                 `lag`, `delta`, `growth`, `sum_over`, `avg_over` and `ytd`: remove these, or \
                 widen the scorecard's `period`"
            ));
        if before.len() > 1 {
            finding = finding.with_secondary(last.period_span, "the last one");
        }
        findings.push(finding);
    }
    if let (Some(first), Some(last)) = (after.first(), after.last()) {
        let message = format!(
            "{} after the scorecard's period, which ends with {to}",
            values(&after)
        );
        let mut finding = Finding::new(Rule::PeriodOutsideScorecard, first.period_span, message)
            .label("after the scorecard's period")
            .help(format!(
                "the scorecard's period is {span}, and nothing reads values after it: remove \
                 these, or widen the scorecard's `period`"
            ));
        if after.len() > 1 {
            finding = finding.with_secondary(last.period_span, "the last one");
        }
        findings.push(finding);
    }
}

/// `percent-scale-suspect`: a `%` series with at least two values, all in [-1, 1] and not all
/// zero.
fn percent_scale(model: &Model, group: &Group, findings: &mut Vec<Finding>) {
    let Some(unit) = group.percent else {
        return;
    };
    let reads = &group.observations;
    if reads.len() < 2
        || reads.iter().any(|read| read.value.abs() > 1.0)
        || reads.iter().all(|read| read.value == 0.0)
    {
        return;
    }
    let Some(example) = reads.iter().find(|read| read.value != 0.0) else {
        return;
    };
    let as_percent = (example.value * 100.0 * 1e9).round() / 1e9;
    let finding = Finding::new(
        Rule::PercentScaleSuspect,
        example.value_span,
        format!(
            "every value of the `%` series {} lies between -1 and 1 ({} values): they look \
             like fractions written for percentages",
            group.what(model),
            reads.len()
        ),
    )
    .label(format!("read as {}%, not {as_percent}%", example.value))
    .with_secondary(unit, "a `%` unit")
    .help(format!(
        "in a `%` series write percentages as people write them: {as_percent} for {as_percent}%"
    ));
    findings.push(finding);
}

/// `no-data` on each input of the group that the project declares or uses.
fn report_no_data(model: &Model, group: &Group, used: &[bool], findings: &mut Vec<Finding>) {
    for id in &group.items {
        if !used.get(id.0 as usize).copied().unwrap_or(false) {
            continue;
        }
        let item = model.item(*id);
        let what = if item.as_measure().is_some_and(|m| m.kpi.is_some()) {
            "KPI"
        } else {
            "metric"
        };
        let finding = Finding::new(
            Rule::NoData,
            item.id.span,
            format!(
                "no data file has a value for the input {what} `{}`",
                item.id.node
            ),
        )
        .label("an input: it has no formula")
        .help(format!(
            "add values of the series `{}` to a data file, or give `{}` a formula",
            group.name, item.id.node
        ));
        findings.push(finding);
    }
}

/// Which items the project uses, by item index: its own declarations, and whatever their
/// formulas, `fn`s and `extends` reach.
fn used_by_project(model: &Model) -> Vec<bool> {
    let mut used = vec![false; model.items.len()];
    let mut stack: Vec<ItemId> = model
        .ids()
        .zip(&model.items)
        .filter(|(_, item)| !item.from_stdlib)
        .map(|(id, _)| id)
        .collect();
    for id in &stack {
        used[id.0 as usize] = true;
    }
    while let Some(id) = stack.pop() {
        let item = model.item(id);
        let mut reached = Vec::new();
        let formula = match &item.kind {
            ItemKind::Measure(measure) => {
                reached.extend(measure.extends.as_ref().and_then(|r| r.target));
                measure.formula.as_ref()
            }
            ItemKind::Function(function) => Some(&function.body),
            _ => None,
        };
        if let Some(formula) = formula {
            crate::semantic::visit(formula, &mut |node| match &node.kind {
                FormulaKind::Measure(target) => reached.push(*target),
                FormulaKind::Call(Callee::Function(target), _) => reached.push(*target),
                _ => {}
            });
        }
        for target in reached {
            if !used[target.0 as usize] {
                used[target.0 as usize] = true;
                stack.push(target);
            }
        }
    }
    used
}

/// How far back one measure reaches one input: the periods of lag, and whether a `ytd` is on
/// the way.
type Reach = HashMap<ItemId, (u32, bool)>;

/// The earliest day each input is needed from, for the inputs KPIs reach (module docs).
pub(super) fn earliest_needed(model: &Model) -> HashMap<ItemId, NaiveDate> {
    let mut needed: HashMap<ItemId, NaiveDate> = HashMap::new();
    let Some(scorecard) = &model.scorecard else {
        return needed;
    };
    let Some((from, _)) = scorecard.period else {
        return needed;
    };
    let reaches = reaches(model);
    for (id, item) in model.ids().zip(&model.items) {
        let Some(kpi) = item.as_measure().and_then(|m| m.kpi.as_deref()) else {
            continue;
        };
        let Some(reach) = &reaches[id.0 as usize] else {
            continue;
        };
        let grain = kpi.frequency.unwrap_or(scorecard.frequency);
        let start = Period::containing(from.first_day(), grain);
        for (input, (back, ytd)) in reach {
            let mut day = Period::from_ordinal(grain, start.ordinal() - i64::from(*back))
                .map_or(NaiveDate::MIN, Period::first_day);
            if *ytd {
                day = financial_year_start(day, scorecard.year_start);
            }
            if kpi.baseline.is_some() {
                // The KPI's history up to its baseline, which the SMART rules judge its target
                // against: every observation before the span is at or before the baseline, or
                // between it and the span.
                day = NaiveDate::MIN;
            }
            needed
                .entry(*input)
                .and_modify(|earliest| *earliest = (*earliest).min(day))
                .or_insert(day);
        }
    }
    needed
}

/// The reach of every measure, by item index, computed dependencies first. Within a formula
/// cycle (a finding of its own) a measure reaches what was computed so far.
fn reaches(model: &Model) -> Vec<Option<Reach>> {
    // Each measure's dependencies, last named first (the order this walk has always taken,
    // which decides what a measure on a loop sees).
    let edges: graph::Edges<ItemId, ()> = model
        .ids()
        .map(|id| {
            dependencies(model, id)
                .into_iter()
                .rev()
                .map(|dep| (dep, ()))
                .collect()
        })
        .collect();
    let measures = model
        .ids()
        .filter(|id| model.item(*id).as_measure().is_some());
    let mut reach: Vec<Option<Reach>> = (0..model.items.len()).map(|_| None).collect();
    for id in graph::post_order(&edges, measures) {
        reach[id.0 as usize] = Some(reach_of(model, id, &reach));
    }
    reach
}

/// The measures a measure's formula names, through `fn` bodies too.
fn dependencies(model: &Model, id: ItemId) -> Vec<ItemId> {
    let mut deps = Vec::new();
    let Some(formula) = model.item(id).as_measure().and_then(|m| m.formula.as_ref()) else {
        return deps;
    };
    let mut functions: Vec<&Formula> = vec![formula];
    let mut seen: HashSet<ItemId> = HashSet::new();
    while let Some(formula) = functions.pop() {
        crate::semantic::visit(formula, &mut |node| match &node.kind {
            FormulaKind::Measure(target) => deps.push(*target),
            FormulaKind::Call(Callee::Function(target), _) if seen.insert(*target) => {
                if let ItemKind::Function(function) = &model.item(*target).kind {
                    functions.push(&function.body);
                }
            }
            _ => {}
        });
    }
    deps
}

/// The reach of one measure, from the reach of the measures it names.
fn reach_of(model: &Model, id: ItemId, known: &[Option<Reach>]) -> Reach {
    let mut out = Reach::new();
    let Some(measure) = model.item(id).as_measure() else {
        return out;
    };
    match &measure.formula {
        None => {
            out.insert(id, (0, false));
        }
        Some(formula) => Walk { model, known }.formula(formula, 0, false, None, 0, &mut out),
    }
    out
}

/// The arguments of the `fn` call being walked, and those of the calls around it.
struct Env<'f> {
    args: &'f [Formula],
    parent: Option<&'f Env<'f>>,
}

struct Walk<'a> {
    model: &'a Model,
    known: &'a [Option<Reach>],
}

impl Walk<'_> {
    /// `fn`s calling `fn`s deeper than this are not followed.
    const MAX_CALLS: u32 = 32;

    fn formula(
        &self,
        formula: &Formula,
        back: u32,
        ytd: bool,
        env: Option<&Env>,
        calls: u32,
        out: &mut Reach,
    ) {
        match &formula.kind {
            FormulaKind::Measure(target) => {
                for (input, (more, in_ytd)) in self.known[target.0 as usize].iter().flatten() {
                    let entry = out.entry(*input).or_insert((0, false));
                    entry.0 = entry.0.max(back.saturating_add(*more));
                    entry.1 |= ytd || *in_ytd;
                }
            }
            FormulaKind::Param(index) => {
                if let Some(arg) = env.and_then(|env| env.args.get(*index)) {
                    let parent = env.and_then(|env| env.parent);
                    self.formula(arg, back, ytd, parent, calls, out);
                }
            }
            FormulaKind::Call(Callee::Builtin(builtin), args) => {
                let n = args.get(1).map_or(0, |arg| literal(arg, env));
                let look_back = builtin.look_back(n);
                let (more, in_ytd) = (look_back.periods, look_back.to_year_start);
                let literal_arg = builtin.literal_param();
                for (position, arg) in args.iter().enumerate() {
                    if Some(position) == literal_arg {
                        continue;
                    }
                    let back = if position == 0 {
                        back.saturating_add(more)
                    } else {
                        back
                    };
                    self.formula(arg, back, ytd || in_ytd, env, calls, out);
                }
            }
            FormulaKind::Call(Callee::Function(function), args) => {
                if calls >= Self::MAX_CALLS {
                    return;
                }
                if let ItemKind::Function(function) = &self.model.item(*function).kind {
                    let inner = Env { args, parent: env };
                    self.formula(&function.body, back, ytd, Some(&inner), calls + 1, out);
                }
            }
            FormulaKind::Negate(operand) => self.formula(operand, back, ytd, env, calls, out),
            FormulaKind::Binary(_, left, right) => {
                self.formula(left, back, ytd, env, calls, out);
                self.formula(right, back, ytd, env, calls, out);
            }
            FormulaKind::Number(..) | FormulaKind::Invalid => {}
        }
    }
}

/// The whole number a literal argument stands for (a number, or a `fn` parameter bound to one).
fn literal(formula: &Formula, env: Option<&Env>) -> u32 {
    match &formula.kind {
        FormulaKind::Number(value, _) if *value >= 0.0 => value.min(f64::from(u32::MAX)) as u32,
        FormulaKind::Param(index) => env
            .and_then(|env| Some((env.args.get(*index)?, env.parent)))
            .map_or(0, |(arg, parent)| literal(arg, parent)),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needed(source: &str) -> HashMap<String, String> {
        let project = crate::project::load_text("n.kpi", std::path::Path::new("."), source);
        let (model, _) = crate::semantic::analyze(&project);
        earliest_needed(&model)
            .into_iter()
            .map(|(id, day)| (model.item(id).id.node.clone(), day.to_string()))
            .collect()
    }

    #[test]
    fn lags_baselines_and_ytd_reach_back() {
        let source = r#"
scorecard "S" { period 2026-01 .. 2026-12  year_start 4 }
perspective p "P"
objective o "O" { perspective p }
metric a "A" { unit EUR }
metric b "B" { unit EUR }
metric c "C" { unit EUR }
metric d "D" { unit EUR }
metric e "E" { unit EUR }
metric twice "Twice" { unit EUR formula lag(a, 2) }
fn back(x, n) = lag(x, n)
kpi k1 "K1" { objective o direction up unit EUR formula lag(twice, 1) + b }
kpi k2 "K2" { objective o direction up unit EUR formula ytd(c) frequency quarterly }
kpi k3 "K3" { objective o direction up unit EUR formula back(d, 3) baseline 1 in 2025-06 }
kpi k4 "K4" { objective o direction up unit EUR formula sum_over(e, 3) }
"#;
        let needed = needed(source);
        assert_eq!(needed["a"], "2025-10-01");
        assert_eq!(needed["b"], "2026-01-01");
        assert_eq!(needed["c"], "2025-04-01");
        // k3's history up to its baseline: every observation before the span.
        assert_eq!(needed["d"], NaiveDate::MIN.to_string());
        assert_eq!(needed["e"], "2025-11-01");
    }
}
