//! `no-target` (SMART, M): a KPI of the project without a target.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::vocabulary::Direction;

use super::common;

pub const CHECK: Check = Check {
    rule: Rule::NoTarget,
    run,
};

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        if kpi.kpi.target_written {
            continue;
        }
        let help = match kpi.kpi.direction.as_ref().map(|d| d.node) {
            Some(Direction::Range) => {
                "say which band it must stay in, and from when: `target LO .. HI by PERIOD`"
            }
            _ => {
                "say what good looks like and by when: `target VALUE by PERIOD`, or milestones \
                 `target { PERIOD VALUE … }`"
            }
        };
        out.push(
            Finding::new(
                Rule::NoTarget,
                kpi.item.id.span,
                format!("KPI `{}` has no target", kpi.name()),
            )
            .label("no target")
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::common::case_findings;
    use crate::diagnostics::Rule;

    #[test]
    fn a_kpi_without_a_target_is_found() {
        assert_eq!(
            case_findings(Rule::NoTarget, "no_target"),
            ["21: KPI `monthly_revenue` has no target"]
        );
        assert!(case_findings(Rule::NoTarget, "no_target_fixed").is_empty());
    }
}
