//! Stage 4, checks: the rules that judge a well-formed model — SMART and alignment — one module
//! each under `rules/`, listed in [`CHECKS`]; then the levels of every finding are settled
//! (attributes, the lint block, the command line).

pub mod levels;
mod rules;

use crate::diagnostics::{Category, Finding, Rule};
use crate::semantic::Model;
use crate::source::SourceMap;

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

/// Whether kpic finds this rule yet: the errors of the first table (found while the model is
/// built), the rules about the lint settings ([`levels`]), the rules with a check, and the rules
/// that reading the data files finds ([`crate::data::RULES`]).
pub fn is_implemented(rule: Rule) -> bool {
    matches!(rule.category(), Category::Error | Category::Lint)
        || CHECKS.iter().any(|check| check.rule == rule)
        || crate::data::RULES.contains(&rule)
}
