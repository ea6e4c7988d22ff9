//! Step 4: targets, baselines and thresholds against the KPI's direction (`bad-target`).

use super::model::*;
use crate::diagnostics::{Finding, Rule};
use crate::period::{Grain, Period};
use crate::source::Span;
use crate::vocabulary::{Direction, Spanned};

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    let default_grain = model
        .scorecard
        .as_ref()
        .map_or(Grain::Month, |s| s.frequency);
    for item in &model.items {
        let Some(kpi) = item.as_measure().and_then(|m| m.kpi.as_ref()) else {
            continue;
        };
        let grain = kpi.frequency.unwrap_or(default_grain);
        check_plan(
            kpi,
            kpi.baseline.as_ref(),
            &kpi.target,
            &kpi.thresholds,
            grain,
            findings,
        );
        // A `for` block's target and thresholds, with the baseline that holds where it does
        // (its own, else the KPI's).
        for block in &kpi.for_orgs {
            let baseline = block.baseline.as_ref().or(kpi.baseline.as_ref());
            check_plan(
                kpi,
                baseline,
                &block.target,
                &block.thresholds,
                grain,
                findings,
            );
        }
    }
}

fn check_plan(
    kpi: &KpiPart,
    baseline: Option<&Baseline>,
    target: &Option<Target>,
    thresholds: &Option<Thresholds>,
    grain: Grain,
    findings: &mut Vec<Finding>,
) {
    if let Some(target) = target {
        check_schedule(baseline, target, grain, findings);
    }
    let Some(direction) = &kpi.direction else {
        return;
    };
    if let Some(target) = target {
        check_target_form(direction, target, findings);
    }
    if let Some(thresholds) = thresholds {
        check_thresholds(direction, thresholds, findings);
    }
}

fn bad(span: Span, message: String, label: &str) -> Finding {
    Finding::new(Rule::BadTarget, span, message).label(label)
}

/// A range KPI needs a band `LO .. HI` with `LO <= HI`; an up or down KPI a single value.
fn check_target_form(direction: &Spanned<Direction>, target: &Target, findings: &mut Vec<Finding>) {
    match (direction.node, target) {
        (Direction::Range, Target::Value { value, .. }) => findings.push(
            bad(
                value.span,
                "a `direction range` KPI needs a target band, not one value".into(),
                "one value",
            )
            .with_secondary(direction.span, "the KPI stays inside a range")
            .help("write the band: `target LO .. HI by PERIOD` (LO = HI for a point target)"),
        ),
        (Direction::Range, Target::Milestones(milestones)) => {
            let span = milestones
                .first()
                .map_or(direction.span, |(period, _)| period.span);
            findings.push(
                bad(
                    span,
                    "a `direction range` KPI cannot have milestones".into(),
                    "milestones",
                )
                .with_secondary(direction.span, "the KPI stays inside a range")
                .help("a range is not interpolated: write `target LO .. HI by PERIOD`"),
            );
        }
        (Direction::Up | Direction::Down, Target::Range { low, high, .. }) => findings.push(
            bad(
                low.span.to(high.span),
                "a target band needs `direction range`".into(),
                "a band",
            )
            .with_secondary(direction.span, "but the direction is not range")
            .help("use `direction range`, or give one target value"),
        ),
        (Direction::Range, Target::Range { low, high, .. }) if low.value > high.value => findings
            .push(
                bad(
                    low.span.to(high.span),
                    format!("the target band {} .. {} is upside down", low, high),
                    "low end above high end",
                )
                .help(format!("write it low to high: {} .. {}", high, low)),
            ),
        _ => {}
    }
}

/// Milestones strictly in order, and the baseline before the deadline and every milestone, all
/// compared at the KPI's frequency.
fn check_schedule(
    baseline: Option<&Baseline>,
    target: &Target,
    grain: Grain,
    findings: &mut Vec<Finding>,
) {
    let at = |period: &Spanned<Period>| period.node.at_grain(grain).first_day();
    let dated: Vec<&Spanned<Period>> = match target {
        Target::Value { deadline, .. } | Target::Range { deadline, .. } => {
            deadline.iter().collect()
        }
        Target::Milestones(milestones) => milestones.iter().map(|(period, _)| period).collect(),
    };
    for pair in dated.windows(2) {
        if at(pair[1]) <= at(pair[0]) {
            findings.push(
                bad(
                    pair[1].span,
                    format!(
                        "milestone {} does not come after {}",
                        pair[1].node, pair[0].node
                    ),
                    "out of order",
                )
                .with_secondary(pair[0].span, "the milestone before it")
                .help(format!(
                    "list milestones in time order, each in a later {} than the one before",
                    grain.noun()
                )),
            );
        }
    }
    if let (Some(baseline), Some(first)) = (baseline, dated.first())
        && at(first) <= at(&baseline.period)
    {
        findings.push(
                bad(first.span, format!("the target is due in {}, not after the baseline in {}", first.node, baseline.period.node), "not after the baseline")
                    .with_secondary(baseline.period.span, "the baseline")
                    .help("the baseline is where the KPI starts: put it before the deadline and every milestone"),
            );
    }
}

/// Thresholds agree with the direction and are ordered: for up, `green >= G amber >= A` with
/// `A <= G`; for down, `<=` with `A >= G`; for range, bands with the amber one around the green.
fn check_thresholds(
    direction: &Spanned<Direction>,
    thresholds: &Thresholds,
    findings: &mut Vec<Finding>,
) {
    match (direction.node, thresholds) {
        (
            Direction::Up | Direction::Down,
            Thresholds::Bounds {
                green,
                amber,
                at_least,
            },
        ) => {
            let up = direction.node == Direction::Up;
            if at_least.node != up {
                let (wanted, written) = if up { (">=", "<=") } else { ("<=", ">=") };
                findings.push(
                    bad(
                        at_least.span,
                        format!(
                            "`{written}` thresholds contradict `direction {}`",
                            direction.node.name()
                        ),
                        "wrong way round",
                    )
                    .with_secondary(direction.span, "the direction")
                    .help(format!(
                        "{} is better here: write `green {wanted} …  amber {wanted} …`",
                        if up { "higher" } else { "lower" }
                    )),
                );
            } else if (up && amber.value > green.value) || (!up && amber.value < green.value) {
                let beyond = if up { "above" } else { "below" };
                findings.push(
                    bad(amber.span, format!("the amber bound {} is {beyond} the green bound {}", amber, green), format!("amber {beyond} green").as_str())
                        .with_secondary(green.span, "the green bound")
                        .help("amber is the band between red and green: its bound lies on the worse side of green's (equal bounds mean no amber band)"),
                );
            }
        }
        (Direction::Range, Thresholds::Range { green, amber }) => {
            for (band, (low, high)) in [("green", green), ("amber", amber)] {
                if low.value > high.value {
                    findings.push(
                        bad(
                            low.span.to(high.span),
                            format!("the {band} band {} .. {} is upside down", low, high),
                            "low end above high end",
                        )
                        .help("write the band low to high: LO .. HI"),
                    );
                    return;
                }
            }
            if amber.0.value > green.0.value || amber.1.value < green.1.value {
                findings.push(
                    bad(amber.0.span.to(amber.1.span), format!("the amber band {} .. {} does not contain the green band {} .. {}", amber.0, amber.1, green.0, green.1), "amber inside green")
                        .with_secondary(green.0.span.to(green.1.span), "the green band")
                        .help("amber surrounds green: its low end at or below green's, its high end at or above"),
                );
            }
        }
        (Direction::Range, Thresholds::Bounds { at_least, .. }) => findings.push(
            bad(
                at_least.span,
                "a `direction range` KPI needs threshold bands, not bounds".into(),
                "a bound",
            )
            .with_secondary(direction.span, "the direction")
            .help("write `thresholds { green LO .. HI  amber LO .. HI }`"),
        ),
        (_, Thresholds::Range { green, .. }) => findings.push(
            bad(
                green.0.span.to(green.1.span),
                "threshold bands need `direction range`".into(),
                "a band",
            )
            .with_secondary(direction.span, "the direction")
            .help("for up or down, write `thresholds { green >= G  amber >= A }` (or `<=`)"),
        ),
    }
}
