//! `percent-scale-suspect` in the source (SMART, M): a `%` KPI whose baseline, targets,
//! milestones and thresholds all lie in [-1, 1] was probably planned in fractions (`target 0.05`
//! for 5%): it would be red forever against actuals of 4.8. The data loader reports the same
//! rule on a `%` series whose values all lie in [-1, 1].
//!
//! Two halves: without data files (the scorecard names none), every such KPI; with them, those
//! whose actuals do not all lie in [-1, 1] as well (fractions on both sides compare, and the
//! series' own finding says the rest). A value written with `%` (`0.5%`) is a percentage the
//! author meant: a KPI with one is never suspect.

use crate::checks::{Check, Context, DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};
use crate::eval::periods;
use crate::semantic::model::Quantity;

use super::common::{self, Kpi};

pub const CHECK: Check = Check {
    rule: Rule::PercentScaleSuspect,
    run,
};

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::PercentScaleSuspect,
    run: run_data,
};

/// The KPI's values when they are all plain numbers in [-1, 1] on a `%` KPI.
fn suspect_values<'a>(kpi: &Kpi<'a>) -> Option<Vec<&'a Quantity>> {
    if !kpi.unit().is_some_and(|unit| unit.is_percent) {
        return None;
    }
    let values = kpi.kpi.values();
    let suspect = !values.is_empty()
        && values
            .iter()
            .all(|value| value.unit.is_none() && (-1.0..=1.0).contains(&value.value));
    suspect.then_some(values)
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    let reads_data = cx
        .model
        .scorecard
        .as_ref()
        .is_some_and(|s| !s.data.is_empty());
    if reads_data {
        return; // the data half judges with the actuals
    }
    for kpi in common::kpis(cx.model) {
        if let Some(values) = suspect_values(&kpi) {
            out.push(finding(&kpi, &values, None));
        }
    }
}

fn run_data(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let reads_data = cx
        .model
        .scorecard
        .as_ref()
        .is_some_and(|s| !s.data.is_empty());
    if !reads_data {
        return; // judged by the source half
    }
    let report_periods = periods::report_periods(cx.model);
    for kpi in common::kpis(cx.model) {
        let Some(values) = suspect_values(&kpi) else {
            continue;
        };
        let actuals: Vec<f64> = report_periods
            .iter()
            .filter_map(|&period| cx.eval.kpi_value(kpi.id, period).ok())
            .collect();
        let outside = actuals
            .iter()
            .find(|actual| !(-1.0..=1.0).contains(*actual));
        if actuals.is_empty() || outside.is_some() {
            out.push(finding(&kpi, &values, outside.copied()));
        }
    }
}

/// At the first value, with the others labelled; `actual`, an actual outside [-1, 1].
fn finding(kpi: &Kpi, values: &[&Quantity], actual: Option<f64>) -> Finding {
    let first = values[0];
    let message = match actual {
        Some(actual) => format!(
            "every target value of the % KPI `{}` lies in [-1, 1], but its actuals do not \
             (one is {}%): fractions written for percentages?",
            kpi.name(),
            common::readable(actual)
        ),
        None => format!(
            "every target value of the % KPI `{}` lies in [-1, 1]: fractions written for \
             percentages?",
            kpi.name()
        ),
    };
    let mut finding = Finding::new(Rule::PercentScaleSuspect, first.span, message)
        .label(format!("{} is read as {}%", first.value, first.value))
        .help(format!(
            "write {}% for {} percent (a % KPI's values are percentages: 5 is 5%); if {}% is meant, \
             write it with its %",
            percentage(first.value),
            percentage(first.value),
            first.value
        ));
    for other in &values[1..] {
        finding = finding.with_secondary(other.span, format!("{}%?", percentage(other.value)));
    }
    finding
}

/// A fraction as the percentage it stands for, without float noise: 0.053 → "5.3".
fn percentage(fraction: f64) -> String {
    let percent = (fraction * 100.0 * 1e9).round() / 1e9;
    format!("{percent}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCORECARD: &str = "scorecard \"S\" { period 2026-01 .. 2026-12 DATA}\n\
        perspective p \"P\"\nobjective o \"O\" { perspective p }\n\
        kpi churn \"C\" { objective o unit % direction down baseline 0.06 in 2025-12 \
        target 0.05 by 2026-12 }\n\
        kpi fine \"F\" { objective o unit % direction down target 0.5% by 2026-12 }\n";

    #[test]
    fn fractions_are_percentages_times_a_hundred() {
        assert_eq!(percentage(0.05), "5");
        assert_eq!(percentage(0.053), "5.3");
        assert_eq!(percentage(-0.2), "-20");
    }

    #[test]
    fn without_data_every_percent_kpi_planned_in_fractions_is_suspect() {
        let text = SCORECARD.replace("DATA", "");
        let findings = common::findings_of(Rule::PercentScaleSuspect, &text);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(findings[0].message.contains("`churn`"));
        assert_eq!(
            findings[0]
                .help
                .as_deref()
                .map(|h| h.starts_with("write 6%")),
            Some(true)
        );
    }

    #[test]
    fn with_data_only_where_the_actuals_are_percentages() {
        let text = SCORECARD.replace("DATA", "data \"actuals.csv\"");
        let percentages = "period,churn,fine\n2026-01,4.8,0.4\n";
        let findings = common::data_findings_of(Rule::PercentScaleSuspect, &text, percentages);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(
            findings[0].message.contains("one is 4.8%"),
            "{}",
            findings[0].message
        );
        let fractions = "period,churn,fine\n2026-01,0.048,0.4\n";
        let findings = common::data_findings_of(Rule::PercentScaleSuspect, &text, fractions);
        let in_source: Vec<_> = findings
            .iter()
            .filter(|f| f.message.contains("target"))
            .collect();
        assert!(in_source.is_empty(), "{findings:#?}");
    }
}
