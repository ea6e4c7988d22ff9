//! One module per rule, each with its check; [`ALL`] lists the checks on the model and [`DATA`]
//! those that need the data files, each in the order of CHECKS.md (a rule with two halves has a
//! check in each). `common` holds what several rules share, `history` a KPI's actuals before its
//! target.

use super::{Check, DataCheck};

pub(super) use history::Cache as HistoryCache;

mod cascade_gap;
mod common;
mod deadline_outside_period;
mod downward_link;
mod duplicate_target;
mod frequency_mismatch;
mod history;
mod initiative_overdue;
mod isolated_objective;
mod missing_description;
mod missing_owner;
mod missing_unit;
mod no_deadline;
mod no_target;
mod objective_without_kpi;
mod org_without_data;
mod orphan_metric;
mod percent_scale_suspect;
mod perspective_without_objective;
mod review_overdue;
mod stale_data;
mod strategy_map_cycle;
mod target_already_met;
mod target_out_of_range;
mod target_unrealistic;
mod target_within_noise;
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
    duplicate_target::CHECK,
    cascade_gap::CHECK,
    percent_scale_suspect::CHECK,
];

pub const DATA: &[DataCheck] = &[
    target_already_met::DATA_CHECK,
    target_unrealistic::DATA_CHECK,
    target_within_noise::DATA_CHECK,
    stale_data::DATA_CHECK,
    review_overdue::DATA_CHECK,
    initiative_overdue::DATA_CHECK,
    frequency_mismatch::DATA_CHECK,
    percent_scale_suspect::DATA_CHECK,
    org_without_data::DATA_CHECK,
];

#[cfg(test)]
mod tests {
    use super::{ALL, DATA};
    use crate::diagnostics::Rule;

    fn in_order(rules: &[Rule]) {
        let position = |rule: Rule| Rule::ALL.iter().position(|r| *r == rule).unwrap();
        for pair in rules.windows(2) {
            assert!(
                position(pair[0]) < position(pair[1]),
                "{} before {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn checks_follow_the_order_of_checks_md() {
        in_order(&ALL.iter().map(|check| check.rule).collect::<Vec<_>>());
        in_order(&DATA.iter().map(|check| check.rule).collect::<Vec<_>>());
    }
}
