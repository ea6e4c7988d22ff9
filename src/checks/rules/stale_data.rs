//! `stale-data` (SMART, T): a KPI's latest actual is more than one of its own periods older than
//! `as_of`.
//!
//! The KPI's period at `as_of` is its latest period complete then (a quarterly KPI at 2026-05
//! is at 2026-Q1), so a quarter whose figures are not yet in is never stale before it ends. The
//! latest actual is sought back from there to the earliest observation of the KPI's inputs. A KPI
//! with no actual at all is left to `no-data` and to the report's `missing`; without `as_of`
//! (no KPI has an actual) the rule is silent.

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::eval::completed_by;
use crate::period::{Grain, Period};

use super::common::{self, Kpi, readable, show_value};
use crate::eval::Evaluator;
use crate::semantic::Model;
use crate::semantic::model::{Item, ItemId};
use chrono::NaiveDate;

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::StaleData,
    run,
};

/// How many of its own periods an actual may lag behind `as_of`.
const ALLOWED_LAG: i64 = 1;

/// How many periods of the KPI lie between its latest actual and its period at `as_of`.
fn periods_behind(latest: Period, current: Period) -> i64 {
    current.ordinal() - latest.ordinal()
}

/// "2 months", "1 quarter".
fn count(n: i64, grain: Grain) -> String {
    format!("{n} {}{}", grain.noun(), if n == 1 { "" } else { "s" })
}

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let Some(as_of) = cx.as_of else {
        return;
    };
    let mut stale_at_root = Vec::new();
    for kpi in common::kpis(cx.model) {
        let earliest = cx.earliest[kpi.id.0 as usize];
        let Some(stale) = staleness(cx.model, earliest, &mut cx.eval, &kpi, as_of) else {
            continue;
        };
        stale_at_root.push(kpi.id);
        out.push(stale.finding(&kpi, None));
    }
    // A leaf org (a store) whose figures stopped, while its parent still adds up the others':
    // said once, naming the org. A KPI stale at the root is stale everywhere, and said there.
    let model = cx.model;
    let leaves: Vec<ItemId> = model
        .orgs
        .order
        .iter()
        .copied()
        .filter(|&org| model.orgs.is_leaf(org) && model.orgs.root != Some(org))
        .collect();
    for org in leaves {
        let Some(data) = cx.orgs.get(&org) else {
            continue;
        };
        let mut eval = Evaluator::new(model, data);
        for kpi in common::kpis(model) {
            if stale_at_root.contains(&kpi.id) {
                continue;
            }
            let earliest = cx.earliest[kpi.id.0 as usize];
            if let Some(stale) = staleness(model, earliest, &mut eval, &kpi, as_of) {
                out.push(stale.finding(&kpi, Some((org, model.item(org)))));
            }
        }
    }
}

/// A KPI's latest actual, when it lies more than [`ALLOWED_LAG`] periods before its period at
/// `as_of`.
struct Stale {
    latest: Period,
    value: f64,
    current: Period,
    as_of: Period,
    behind: i64,
    grain: Grain,
}

/// Whether the KPI is stale as `eval` (the project's, or an org's) evaluates it; `earliest` is
/// the first day of its inputs' earliest observation.
fn staleness(
    model: &Model,
    earliest: Option<NaiveDate>,
    eval: &mut Evaluator,
    kpi: &Kpi,
    as_of: Period,
) -> Option<Stale> {
    let grain = common::grain(model, kpi.kpi);
    let current = completed_by(grain, as_of);
    let oldest = Period::containing(earliest?, grain);
    let mut period = current;
    let (latest, value) = loop {
        if period.ordinal() < oldest.ordinal() {
            return None;
        }
        if let Ok(value) = eval.kpi_value(kpi.id, period) {
            break (period, value);
        }
        period = period.prev();
    };
    let behind = periods_behind(latest, current);
    (behind > ALLOWED_LAG).then_some(Stale {
        latest,
        value,
        current,
        as_of,
        behind,
        grain,
    })
}

impl Stale {
    /// The finding on the KPI, naming the org whose figures stopped (`None`: the project's).
    fn finding(&self, kpi: &Kpi, org: Option<(ItemId, &Item)>) -> Finding {
        let Stale {
            latest,
            value,
            current,
            as_of,
            behind,
            grain,
        } = *self;
        let now = if current == as_of {
            format!("as_of {as_of}")
        } else {
            format!(
                "{current}, its latest {} complete at as_of {as_of}",
                grain.noun()
            )
        };
        let of_org = org.map_or_else(String::new, |(_, item)| {
            format!(" for org `{}`", item.id.node)
        });
        let finding = Finding::new(
            Rule::StaleData,
            kpi.item.id.span,
            format!(
                "the latest actual of KPI `{}`{of_org} is for {latest} ({}), {} before {now}",
                kpi.name(),
                show_value(readable(value), kpi.unit()),
                count(behind, grain)
            ),
        )
        .label(format!("no actual{of_org} since {latest}"))
        .help(format!(
            "deliver the figures for {} .. {current}, or, if the KPI is no longer measured, take \
             it off the scorecard: the report still shows the status of {latest}",
            latest.next()
        ));
        match org {
            Some((_, item)) => finding.with_secondary(item.id.span, "the org"),
            None => finding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn one_period_behind_is_current_two_are_stale() {
        let as_of = p("2026-06");
        let monthly = completed_by(Grain::Month, as_of);
        assert_eq!(periods_behind(p("2026-05"), monthly), 1);
        assert_eq!(periods_behind(p("2026-04"), monthly), 2);
        // A quarterly KPI at 2026-06 is at 2026-Q2: 2026-Q1 is one quarter behind.
        let quarterly = completed_by(Grain::Quarter, as_of);
        assert_eq!(periods_behind(p("2026-Q1"), quarterly), 1);
        assert_eq!(periods_behind(p("2025-Q4"), quarterly), 2);
        // At 2026-05 it is still at 2026-Q1, so 2025-Q4 is current.
        let quarterly = completed_by(Grain::Quarter, p("2026-05"));
        assert_eq!(periods_behind(p("2025-Q4"), quarterly), 1);
        // Across a year end.
        assert_eq!(periods_behind(p("2025-11"), p("2026-01")), 2);
    }

    #[test]
    fn stale_kpis_are_named_with_their_latest_actual() {
        let text = "scorecard \"S\" { period 2026-01 .. 2026-12 data \"actuals.csv\" }\n\
                    perspective p \"P\"\nobjective o \"O\" { perspective p }\n\
                    kpi churn \"C\" { objective o unit % direction down }\n\
                    kpi complaints \"K\" { objective o unit complaints direction down }\n";
        let csv = "period,churn,complaints\n2026-04,1.8,37\n2026-05,1.8,\n2026-06,1.7,\n";
        let findings = common::data_findings_of(Rule::StaleData, text, csv);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(
            findings[0].message,
            "the latest actual of KPI `complaints` is for 2026-04 (37 complaints), 2 months \
             before as_of 2026-06"
        );
    }
}
