//! `too-many-objectives` (alignment): more than 30 objectives in the project (15–25 is the
//! practice). One finding, on the first objective beyond 30 in declaration order.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::TooManyObjectives,
    run,
};

/// More than this many objectives in one scorecard is too many.
const MAX_OBJECTIVES: usize = 30;

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let objectives: Vec<_> = common::objectives(cx.model).collect();
    if objectives.len() <= MAX_OBJECTIVES {
        return;
    }
    let (_, first_too_many, _) = objectives[MAX_OBJECTIVES];
    out.push(
        Finding::new(
            Rule::TooManyObjectives,
            first_too_many.id.span,
            format!(
                "the scorecard has {} objectives: more than {MAX_OBJECTIVES} blur the strategy",
                objectives.len()
            ),
        )
        .label(format!(
            "objective {} of {}",
            MAX_OBJECTIVES + 1,
            objectives.len()
        ))
        .help(
            "15–25 objectives is the practice: merge the ones that say the same, or cascade the \
             detail into the scorecards of the units",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::common::case_findings;
    use crate::diagnostics::Rule;

    #[test]
    fn the_first_objective_beyond_thirty_is_found() {
        assert_eq!(
            case_findings(Rule::TooManyObjectives, "too_many_objectives"),
            ["129: the scorecard has 31 objectives: more than 30 blur the strategy"]
        );
        assert!(case_findings(Rule::TooManyObjectives, "too_many_objectives_fixed").is_empty());
    }
}
