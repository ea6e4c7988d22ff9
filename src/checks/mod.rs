//! Stage 4, checks: the rules that judge a well-formed model — SMART and alignment — one module
//! each under `rules/`, listed in [`CHECKS`]; the rules that also need the data files (history,
//! `as_of`), listed in [`DATA_CHECKS`], run once the data is read; then the levels of every
//! finding are settled (attributes, the lint block, the command line).

pub mod levels;
pub mod root_cause;
mod rules;

use chrono::NaiveDate;

use crate::data::DataSet;
use crate::diagnostics::{Category, Finding, Rule};
use crate::eval::{Evaluator, latest_with_actual, periods};
use crate::graph::fold_reachable;
use crate::period::Period;
use crate::semantic::Model;
use crate::semantic::model::ItemId;
use crate::source::SourceMap;
use rustc_hash::FxHashMap;

/// What a check reads.
pub struct Context<'a> {
    pub model: &'a Model,
    pub sources: &'a SourceMap,
}

/// One rule of the registry that is checked on the model: its rule and the check itself.
pub struct Check {
    pub rule: Rule,
    pub run: fn(&Context, &mut Vec<Finding>),
}

/// Every check on the model, in the order of CHECKS.md.
pub const CHECKS: &[Check] = rules::ALL;

/// Runs every check on the model.
pub fn run(context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in CHECKS {
        (check.run)(context, &mut findings);
    }
    findings
}

/// What a data check reads: the model, the observations, `as_of`, and one evaluator that every
/// data check shares, so that a KPI's value in a period is computed once in a run.
pub struct DataContext<'a> {
    pub model: &'a Model,
    pub data: &'a DataSet,
    /// Each org's data (ORGS.md), for the rules that judge orgs one by one; empty without orgs.
    pub orgs: &'a FxHashMap<ItemId, DataSet>,
    /// The period the rules judge "now" by: `--as-of` (at the scorecard's frequency), else the
    /// latest report period in which any KPI has an actual; `None` when no KPI has one.
    pub as_of: Option<Period>,
    /// For each item, the first day of the earliest observation of an input it reaches through
    /// formulas and `fn`s (itself included): where its history can start.
    pub earliest: Vec<Option<NaiveDate>>,
    pub eval: Evaluator<'a>,
    /// The KPIs' histories computed so far, shared by the rules that judge them.
    histories: rules::HistoryCache,
}

impl<'a> DataContext<'a> {
    /// The context of the data checks; `as_of` is `--as-of` when given.
    pub fn new(
        model: &'a Model,
        data: &'a DataSet,
        orgs: &'a FxHashMap<ItemId, DataSet>,
        as_of: Option<Period>,
    ) -> DataContext<'a> {
        let mut eval = Evaluator::new(model, data);
        let grain = periods::scorecard_grain(model);
        let as_of = match as_of {
            Some(period) => Some(period.at_grain(grain)),
            None => {
                let kpis: Vec<_> = model
                    .ids()
                    .filter(|&id| model.item(id).as_measure().is_some_and(|m| m.kpi.is_some()))
                    .collect();
                latest_with_actual(&mut eval, &kpis, &periods::report_periods(model), grain)
            }
        };
        let mut first_observed = vec![None; model.items.len()];
        for (input, series) in &data.series {
            if let (Some(slot), Some(first)) =
                (first_observed.get_mut(input.0 as usize), series.first())
            {
                *slot = Some(first.period.first_day());
            }
        }
        let earliest = fold_reachable(eval.formula_edges(), &first_observed, NaiveDate::min);
        DataContext {
            model,
            data,
            orgs,
            as_of,
            earliest,
            eval,
            histories: rules::HistoryCache::default(),
        }
    }
}

/// One rule of the registry that needs the data files: its rule and the check itself.
pub struct DataCheck {
    pub rule: Rule,
    pub run: fn(&mut DataContext, &mut Vec<Finding>),
}

/// Every check that needs the data files, in the order of CHECKS.md.
pub const DATA_CHECKS: &[DataCheck] = rules::DATA;

/// Runs every data check; only when data files were read.
pub fn run_data(context: &mut DataContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in DATA_CHECKS {
        (check.run)(context, &mut findings);
    }
    findings
}

/// Whether finding this rule needs the data files, in whole or in part: the findings of reading
/// them ([`crate::data::RULES`]) and the rules of [`DATA_CHECKS`]. Without data files an `@allow`
/// of such a rule may suppress nothing, which says nothing about the allow.
pub fn needs_data(rule: Rule) -> bool {
    crate::data::RULES.contains(&rule) || DATA_CHECKS.iter().any(|check| check.rule == rule)
}

/// Whether kpic finds this rule yet: the errors of the first table (found while the model is
/// built), the rules about the lint settings ([`levels`]), the changes `kpic diff` finds, the
/// rules with a check, and the rules found with the data files.
pub fn is_implemented(rule: Rule) -> bool {
    matches!(
        rule.category(),
        Category::Error | Category::Lint | Category::Change
    ) || CHECKS.iter().any(|check| check.rule == rule)
        || needs_data(rule)
}
