//! The scorecard's span, bounded: `period 2026-01 .. 9999-12` (a typo for 2029-12) would make
//! every later stage walk 95,688 months, or millions of days. A span that holds more than
//! [`MAX_SPAN_PERIODS`] periods of the finest frequency in the project (the scorecard's or a
//! KPI's) is an `invalid-period` at the span, and the scorecard is left without one, so that
//! nothing walks it.

use crate::diagnostics::{Finding, Rule};
use crate::period::Period;
use crate::semantic::model::Model;

/// The most periods a span holds at the finest frequency of the project: 27 years of days,
/// 190 of weeks, 833 of months.
pub const MAX_SPAN_PERIODS: i64 = 10_000;

pub fn check(model: &mut Model, findings: &mut Vec<Finding>) {
    let finest = model
        .items
        .iter()
        .filter_map(|item| item.as_measure()?.kpi.as_ref()?.frequency)
        .min();
    let Some(scorecard) = &mut model.scorecard else {
        return;
    };
    let (Some((from, to)), Some(span)) = (scorecard.period, scorecard.period_span) else {
        return;
    };
    let grain = finest.map_or(scorecard.frequency, |kpi| kpi.min(scorecard.frequency));
    let count = Period::containing(to.last_day(), grain).ordinal()
        - Period::containing(from.first_day(), grain).ordinal()
        + 1;
    if count <= MAX_SPAN_PERIODS {
        return;
    }
    let finding = Finding::new(
        Rule::InvalidPeriod,
        span,
        format!(
            "the span {from} .. {to} holds {count} {}s; a scorecard spans at most \
             {MAX_SPAN_PERIODS} periods of its finest frequency ({})",
            grain.noun(),
            grain.frequency_name()
        ),
    )
    .label("too long")
    .help("a scorecard covers a few years: check the years of the span");
    findings.push(finding);
    scorecard.period = None;
}

#[cfg(test)]
mod tests {
    use crate::project::load_text;
    use crate::semantic::analyze;

    fn findings(source: &str) -> Vec<String> {
        let project = load_text("s.kpi", std::path::Path::new("."), source);
        let (model, findings) = analyze(&project);
        let refused = findings.iter().any(|f| f.message.starts_with("the span"));
        assert_eq!(model.scorecard.unwrap().period.is_none(), refused);
        findings.iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn a_span_too_long_for_its_finest_frequency_is_refused() {
        assert_eq!(
            findings("scorecard \"S\" { period 2026-01 .. 9999-12 }\n"),
            [
                "the span 2026-01 .. 9999-12 holds 95688 months; a scorecard spans at most 10000 \
              periods of its finest frequency (monthly)"
            ]
        );
        assert!(findings("scorecard \"S\" { period 2026-01 .. 2858-12 }\n").is_empty());
        assert!(findings("scorecard \"S\" { period 2026 .. 2052  frequency daily }\n").is_empty());
        let daily_kpi = "scorecard \"S\" { period 2026-01 .. 2099-12 }\n\
                         objective o \"O\" {}\n\
                         kpi k \"K\" { objective o  owner \"x\"  unit %  direction up  frequency daily }\n";
        let found = findings(daily_kpi);
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("the span 2026-01 .. 2099-12 holds 27028 days")),
            "{found:?}"
        );
    }
}
