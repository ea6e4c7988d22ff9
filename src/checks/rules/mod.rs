//! One module per rule, each with its check; [`ALL`] lists them in the order of CHECKS.md.
//! `common` holds what several rules share.

use super::Check;

mod common;
mod deadline_outside_period;
mod downward_link;
mod frequency_mismatch;
mod isolated_objective;
mod missing_description;
mod missing_owner;
mod missing_unit;
mod no_deadline;
mod no_target;
mod objective_without_kpi;
mod orphan_metric;
mod perspective_without_objective;
mod strategy_map_cycle;
mod target_already_met;
mod target_out_of_range;
mod too_many_kpis;
mod too_many_objectives;
mod weights_not_100;

pub const ALL: &[Check] = &[
    missing_description::CHECK,
    missing_unit::CHECK,
    missing_owner::CHECK,
    no_target::CHECK,
    target_already_met::CHECK,
    target_out_of_range::CHECK,
    orphan_metric::CHECK,
    no_deadline::CHECK,
    deadline_outside_period::CHECK,
    objective_without_kpi::CHECK,
    perspective_without_objective::CHECK,
    weights_not_100::CHECK,
    strategy_map_cycle::CHECK,
    downward_link::CHECK,
    isolated_objective::CHECK,
    too_many_kpis::CHECK,
    too_many_objectives::CHECK,
    frequency_mismatch::CHECK,
];

#[cfg(test)]
mod tests {
    use super::ALL;
    use crate::diagnostics::Rule;

    #[test]
    fn checks_follow_the_order_of_checks_md() {
        let position = |rule: Rule| Rule::ALL.iter().position(|r| *r == rule).unwrap();
        for pair in ALL.windows(2) {
            assert!(
                position(pair[0].rule) < position(pair[1].rule),
                "{} before {}",
                pair[0].rule,
                pair[1].rule
            );
        }
    }
}
