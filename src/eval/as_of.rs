//! `as_of` (SCORING.md, "Periods and aggregation"): the latest report period in which any KPI
//! has an actual, shared by the report and the data rules of the checker; and the period of a
//! KPI's own frequency that is complete at a report period.

use super::{Evaluator, periods};
use crate::period::{Grain, Period};
use crate::semantic::model::ItemId;

/// The latest report period that the data completes: the latest one complete by the end of a
/// KPI period holding an actual (`as_of` without `--as-of`); `None` when no KPI has an actual
/// in the report's periods. A monthly actual for July makes a quarterly scorecard's `as_of`
/// 2026-Q2, not a Q3 that holds July alone; a quarterly actual makes a monthly scorecard's
/// `as_of` the quarter's last month.
///
/// Each KPI's periods are walked from the last one back, and only while they end after the
/// latest report period found so far: a KPI with recent data costs a few evaluations, not its
/// whole series.
pub fn latest_with_actual(
    eval: &mut Evaluator<'_>,
    kpis: &[ItemId],
    report_periods: &[Period],
    grain: Grain,
) -> Option<Period> {
    let (first, last) = (report_periods.first()?, report_periods.last()?);
    let in_report = |r: Period| (first.ordinal()..=last.ordinal()).contains(&r.ordinal());
    let mut latest: Option<Period> = None;
    for &kpi in kpis {
        for period in periods::kpi_periods(eval.model(), kpi).into_iter().rev() {
            // The report period complete when this KPI period ends; earlier ones complete no later.
            let r = completed_by(grain, period);
            if latest.is_some_and(|l| r.ordinal() <= l.ordinal()) {
                break;
            }
            if in_report(r) && eval.kpi_value(kpi, period).is_ok() {
                latest = Some(r);
                break;
            }
        }
    }
    latest
}

/// The latest period of `grain` that is complete at `period`: the last one ending on or before
/// `period`'s last day. A quarterly KPI has 2026-Q1 complete in 2026-04 and 2026-05, and
/// 2026-Q2 in 2026-06; a monthly one has `period` itself in a monthly scorecard.
pub fn completed_by(grain: Grain, period: Period) -> Period {
    let holding = Period::containing(period.last_day(), grain);
    if holding.last_day() > period.last_day() {
        holding.prev()
    } else {
        holding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSet, Observation};
    use crate::semantic::model_of;
    use crate::source::{FileId, Span};

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn the_complete_period_of_a_coarser_or_equal_grain() {
        assert_eq!(completed_by(Grain::Quarter, p("2026-04")), p("2026-Q1"));
        assert_eq!(completed_by(Grain::Quarter, p("2026-05")), p("2026-Q1"));
        assert_eq!(completed_by(Grain::Quarter, p("2026-06")), p("2026-Q2"));
        assert_eq!(completed_by(Grain::Month, p("2026-06")), p("2026-06"));
        assert_eq!(completed_by(Grain::Year, p("2026-11")), p("2025"));
        // 2026-W05 ends on Sunday 1 February: January's last complete week is 2026-W04.
        assert_eq!(completed_by(Grain::Week, p("2026-01")), p("2026-W04"));
    }

    #[test]
    fn as_of_is_the_latest_report_period_with_an_actual() {
        let model = model_of(
            "scorecard \"S\" { period 2026-01 .. 2026-12 }\n\
             perspective p \"P\"\nobjective o \"O\" { perspective p }\n\
             kpi monthly \"M\" { objective o direction up }\n\
             kpi quarterly \"Q\" { objective o direction up frequency quarterly }\n",
        );
        let id = |name: &str| model.names[name];
        let observation = |period: &str| Observation {
            period: p(period),
            value: 1.0,
            note: None,
            span: Span::new(FileId(0), 0..0),
        };
        let mut data = DataSet::default();
        data.series
            .insert(id("monthly"), vec![observation("2026-03")]);
        data.series
            .insert(id("quarterly"), vec![observation("2026-Q2")]);
        let report = periods::report_periods(&model);
        let kpis = [id("monthly"), id("quarterly")];
        let mut eval = Evaluator::new(&model, &data);
        // The quarter's actual ends in 2026-06, after the month's.
        assert_eq!(
            latest_with_actual(&mut eval, &kpis, &report, Grain::Month),
            Some(p("2026-06"))
        );
        assert_eq!(
            latest_with_actual(&mut eval, &kpis[..1], &report, Grain::Month),
            Some(p("2026-03"))
        );
        let empty = DataSet::default();
        let mut eval = Evaluator::new(&model, &empty);
        assert_eq!(
            latest_with_actual(&mut eval, &kpis, &report, Grain::Month),
            None
        );
    }
}
