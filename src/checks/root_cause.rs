//! Root cause first: a SMART or data rule is not run on what an error already broke. A KPI with
//! a unit error in its formula, an invalid target period or an impossible target is judged
//! again once the error is fixed; until then its `target-unrealistic`, `stale-data` or
//! `no-deadline` would only be consequences of the error (or judge numbers that mean nothing),
//! and would bury it.
//!
//! A declaration is *broken* when an error lies inside it, or when its formula reads (through
//! metrics, KPIs and `fn`s) a declaration that is. The findings made moot there are those of the
//! rules that judge its values, plan and deadlines ([`is_moot_there`]) whose default level is
//! warn: the errors themselves stay, and so do the rules on what is written (owner,
//! description, unit) and on the links between declarations.

use super::DATA_CHECKS;
use crate::diagnostics::{Category, Finding, Level, Rule};
use crate::graph::fold_reachable;
use crate::semantic::Model;
use crate::semantic::cycles::formula_edges;
use crate::source::Span;

/// The declarations an error broke, by their spans (sorted by file and start).
#[derive(Debug, Default)]
pub struct Broken {
    spans: Vec<Span>,
}

impl Broken {
    /// Nothing broken.
    pub const EMPTY: Broken = Broken { spans: Vec::new() };

    /// The declarations of `model` broken by the errors among `findings` (at their default
    /// levels: this runs before the levels are settled).
    pub fn of(model: &Model, findings: &[Finding]) -> Broken {
        let mut errors: Vec<Span> = findings
            .iter()
            .filter(|finding| finding.level == Level::Error)
            .map(|finding| finding.primary.span)
            .collect();
        if errors.is_empty() {
            return Broken::default();
        }
        errors.sort_by_key(|span| (span.file, span.start));
        // Whether an error starts inside `item` and lies in it: the first error starting at or
        // after the item's start is the one to look at (binary search, not a pass per item).
        let holds_error = |item: Span| {
            let first = errors.partition_point(|e| (e.file, e.start) < (item.file, item.start));
            errors[first..]
                .iter()
                .take_while(|e| e.file == item.file && e.start <= item.end)
                .any(|e| item.contains(e))
        };
        let own: Vec<Option<bool>> = model
            .items
            .iter()
            .map(|item| Some(holds_error(item.span)))
            .collect();
        let reached = fold_reachable(&formula_edges(model), &own, |a, b| a || b);
        let mut spans: Vec<Span> = model
            .items
            .iter()
            .zip(reached)
            .filter(|(_, broken)| *broken == Some(true))
            .map(|(item, _)| item.span)
            .collect();
        spans.sort_by_key(|span| (span.file, span.start));
        Broken { spans }
    }

    /// Whether `span` lies in a broken declaration. Declarations do not overlap: the one to look
    /// at is the last starting at or before `span`.
    pub fn holds(&self, span: Span) -> bool {
        let after = self
            .spans
            .partition_point(|s| (s.file, s.start) <= (span.file, span.start));
        after > 0 && self.spans[after - 1].contains(&span)
    }

    /// Leaves out the findings an error made moot.
    pub fn drop_moot(&self, findings: &mut Vec<Finding>) {
        if self.spans.is_empty() {
            return;
        }
        findings
            .retain(|finding| !(is_moot_there(finding.rule) && self.holds(finding.primary.span)));
    }
}

/// Whether a finding of `rule` inside a broken declaration is moot: a rule that judges its
/// values, plan or deadlines (the SMART letters M, A and T, and the rules on the data), at warn
/// by default. What is written (a description, a unit, an owner: S) and what refers to it (R)
/// do not depend on the error and are still judged.
pub fn is_moot_there(rule: Rule) -> bool {
    let judges_meaning = matches!(rule.category(), Category::Smart('M' | 'A' | 'T'))
        || DATA_CHECKS.iter().any(|check| check.rule == rule);
    judges_meaning && rule.default_level() == Level::Warn
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{CheckOptions, check_project};
    use crate::project::load_text;

    const PROJECT: &str = "scorecard \"S\" { owner \"O\" period 2026-01 .. 2026-12 }\n\
        perspective p \"P\"\nobjective o \"O\" { perspective p owner \"O\" }\n\
        metric visits \"V\" { unit visits }\n\
        metric bad \"B\" { unit visits formula visits + 1 EUR }\n\
        /// Reads a broken metric.\n\
        kpi reads_bad \"R\" { objective o owner \"O\" unit visits formula bad direction up }\n\
        /// Sound.\n\
        kpi sound \"S\" { objective o owner \"O\" unit visits formula visits direction up }\n";

    #[test]
    fn an_error_breaks_its_declaration_and_what_reads_it() {
        let outcome = check_project(
            load_text("scorecard.kpi", std::path::Path::new("."), PROJECT),
            &CheckOptions::default(),
        );
        let rules: Vec<(Rule, &str)> = outcome
            .findings
            .iter()
            .map(|f| {
                let text = &outcome.sources.get(f.primary.span.file).text;
                (f.rule, &text[f.primary.span.range()])
            })
            .collect();
        assert!(rules.contains(&(Rule::UnitMismatch, "1 EUR")), "{rules:?}");
        // `no-target` of `sound` stays; that of `reads_bad` is a consequence of the error.
        assert!(rules.contains(&(Rule::NoTarget, "sound")), "{rules:?}");
        assert!(
            !rules
                .iter()
                .any(|(rule, text)| *rule == Rule::NoTarget && *text == "reads_bad"),
            "{rules:?}"
        );
    }

    #[test]
    fn moot_rules_are_warnings_that_judge_meaning() {
        assert!(is_moot_there(Rule::TargetUnrealistic));
        assert!(is_moot_there(Rule::NoTarget));
        assert!(is_moot_there(Rule::StaleData));
        assert!(!is_moot_there(Rule::TargetOutOfRange));
        assert!(!is_moot_there(Rule::UnitMismatch));
        assert!(!is_moot_there(Rule::ObjectiveWithoutKpi));
        assert!(!is_moot_there(Rule::OrphanMetric));
        assert!(!is_moot_there(Rule::MissingOwner));
    }
}
