//! Evaluation of small projects parsed from `.kpi` text, with data sets built by hand.

use super::*;
use crate::data::{BadCell, DataSet, Observation};
use crate::period::{Grain, Period};
use crate::project::load_text;
use crate::semantic::{self, Model, model::Builtin, model::ItemId};
use crate::source::{FileId, Span};

fn p(text: &str) -> Period {
    Period::parse(text).unwrap()
}

/// A project: a scorecard (`settings` go in its block), `use std.bsc`, objective `o`, then `body`.
fn project(settings: &str, body: &str) -> (Model, Vec<crate::diagnostics::Finding>) {
    let source = format!(
        "scorecard \"S\" {{\n  period 2026-01 .. 2026-12\n  {settings}\n}}\nuse std.bsc\nobjective o \"O\" {{ perspective financial }}\n{body}"
    );
    let project = load_text("eval.kpi", std::path::Path::new("."), &source);
    semantic::analyze(&project)
}

fn model(settings: &str, body: &str) -> Model {
    let (model, findings) = project(settings, body);
    assert!(findings.is_empty(), "{findings:#?}");
    model
}

/// `metric ID "ID" { unit UNIT }` for each `(id, unit)`.
fn metrics(list: &[(&str, &str)]) -> String {
    list.iter()
        .map(|(id, unit)| format!("metric {id} \"{id}\" {{ unit {unit} }}\n"))
        .collect()
}

/// A KPI of objective `o`, direction up; `extra` holds further properties.
fn kpi(id: &str, unit: &str, formula: &str, extra: &str) -> String {
    format!(
        "kpi {id} \"{id}\" {{ objective o direction up unit {unit} formula {formula} {extra} }}\n"
    )
}

/// Observations as written in a data file, by series id.
fn data(model: &Model, series: &[(&str, &[(&str, f64)])]) -> DataSet {
    let mut set = DataSet::default();
    for (id, values) in series {
        let observations = values
            .iter()
            .map(|(period, value)| Observation {
                period: p(period),
                value: *value,
                note: None,
                span: Span::new(FileId(0), 0..0),
            })
            .collect();
        set.series.insert(model.names[*id], observations);
    }
    set
}

fn id(model: &Model, name: &str) -> ItemId {
    model.names[name]
}

fn close(value: Value, expected: f64) {
    match value {
        Ok(actual) => assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        ),
        Err(missing) => panic!("no value ({missing}), expected {expected}"),
    }
}

const MONTHS_2026: [&str; 12] = [
    "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
    "2026-09", "2026-10", "2026-11", "2026-12",
];

/// `(month, value)` pairs: the months of 2026 from `first` on, valued by `value(index)`.
fn monthly(from: usize, to: usize, value: impl Fn(usize) -> f64) -> Vec<(&'static str, f64)> {
    (from..to).map(|i| (MONTHS_2026[i], value(i))).collect()
}

#[test]
fn a_ratio_kpi_is_a_ratio_of_sums() {
    let m = model(
        "",
        &(metrics(&[("a", "orders"), ("b", "orders")])
            + &kpi("share", "%", "a / b", "frequency quarterly")),
    );
    let d = data(
        &m,
        &[
            // April's data makes the first quarter complete (its data does not end in it).
            ("a", &[("2026-01", 2.0), ("2026-02", 2.0), ("2026-04", 1.0)]),
            (
                "b",
                &[("2026-01", 4.0), ("2026-02", 100.0), ("2026-04", 1.0)],
            ),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let share = id(&m, "share");
    close(e.value(share, Grain::Quarter, p("2026-Q1")), 4.0 / 104.0);
    close(e.kpi_value(share, p("2026-Q1")), 400.0 / 104.0);
    // A period of another grain stands for the period of the grain that holds it.
    close(e.kpi_value(share, p("2026-02")), 400.0 / 104.0);
    close(e.value(share, Grain::Month, p("2026-01")), 0.5);
    close(e.value(share, Grain::Month, p("2026-02")), 0.02);
    assert_eq!(
        e.value(share, Grain::Month, p("2026-03")),
        Err(Missing::NoData)
    );
}

#[test]
fn a_quarterly_kpi_from_monthly_inputs() {
    let m = model(
        "",
        &(metrics(&[("revenue", "EUR"), ("cogs", "EUR")])
            + &kpi(
                "margin",
                "%",
                "(revenue - cogs) / revenue",
                "frequency quarterly",
            )),
    );
    let d = data(
        &m,
        &[
            ("revenue", &monthly(0, 6, |i| 100.0 * (i + 1) as f64)),
            ("cogs", &monthly(0, 6, |i| 60.0 * (i + 1) as f64)),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let margin = id(&m, "margin");
    assert_eq!(periods::measure_grain(&m, margin), Grain::Quarter);
    let series = e.kpi_series(margin);
    let shown: Vec<(String, Value)> = series
        .into_iter()
        .map(|(period, value)| (period.to_string(), value.map(|v| (v * 1e6).round() / 1e6)))
        .collect();
    assert_eq!(
        shown,
        [
            ("2026-Q1".to_string(), Ok(40.0)),
            ("2026-Q2".to_string(), Ok(40.0)),
            ("2026-Q3".to_string(), Err(Missing::NoData)),
            ("2026-Q4".to_string(), Err(Missing::NoData)),
        ]
    );
    close(
        e.value(id(&m, "revenue"), Grain::Quarter, p("2026-Q2")),
        1500.0,
    );
}

#[test]
fn percent_inputs_are_fractions_inside_and_percent_outside() {
    let m = model(
        "",
        &(metrics(&[("uptime", "%"), ("cost", "EUR/customer")])
            + &kpi("avail", "%", "uptime - 1%", "")
            + "kpi up \"Up\" extends uptime { objective o direction up frequency quarterly }\n"
            + &kpi("c", "EUR/customer", "cost", "frequency quarterly")),
    );
    let d = data(
        &m,
        &[
            (
                "uptime",
                &[("2026-01", 99.0), ("2026-02", 97.0), ("2026-03", 98.0)],
            ),
            (
                "cost",
                &[("2026-01", 10.0), ("2026-02", 20.0), ("2026-03", 30.0)],
            ),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    close(e.value(id(&m, "uptime"), Grain::Month, p("2026-01")), 0.99);
    close(e.value(id(&m, "avail"), Grain::Month, p("2026-01")), 0.98);
    close(e.kpi_value(id(&m, "avail"), p("2026-01")), 98.0);
    // `%` and `EUR/customer` inputs average by default.
    close(e.kpi_value(id(&m, "up"), p("2026-Q1")), 98.0);
    close(e.kpi_value(id(&m, "c"), p("2026-Q1")), 20.0);
    close(
        e.display_value(id(&m, "uptime"), Grain::Quarter, p("2026-Q1")),
        98.0,
    );
}

#[test]
fn written_aggregates_apply_at_coarser_grains() {
    let m = model(
        "",
        &["sum", "avg", "last", "min", "max"]
            .iter()
            .map(|how| format!("metric {how}_x \"X\" {{ unit customers aggregate {how} }}\n"))
            .collect::<String>(),
    );
    let values = [("2026-01", 5.0), ("2026-02", 9.0), ("2026-03", 4.0)];
    let series: Vec<(&str, &[(&str, f64)])> = ["sum_x", "avg_x", "last_x", "min_x", "max_x"]
        .iter()
        .map(|name| (*name, &values[..]))
        .collect();
    let d = data(&m, &series);
    let mut e = Evaluator::new(&m, &d);
    let q1 = p("2026-Q1");
    close(e.value(id(&m, "sum_x"), Grain::Quarter, q1), 18.0);
    close(e.value(id(&m, "avg_x"), Grain::Quarter, q1), 6.0);
    close(e.value(id(&m, "last_x"), Grain::Quarter, q1), 4.0);
    close(e.value(id(&m, "min_x"), Grain::Quarter, q1), 4.0);
    close(e.value(id(&m, "max_x"), Grain::Quarter, q1), 9.0);
    // The data ends in March: the year is incomplete.
    assert_eq!(
        e.value(id(&m, "sum_x"), Grain::Year, p("2026")),
        Err(Missing::Incomplete {
            data_ends: p("2026-03")
        })
    );
}

#[test]
fn a_kpi_that_states_its_aggregate_applies_it_to_its_input() {
    let m = model(
        "",
        &(metrics(&[("balance", "EUR")])
            + "kpi closing \"Closing\" extends balance { objective o direction up frequency quarterly aggregate last }\n"
            + "kpi total \"Total\" extends balance { objective o direction up frequency quarterly }\n"
            + &kpi(
                "peak",
                "EUR",
                "balance",
                "aggregate max frequency quarterly",
            )),
    );
    let d = data(
        &m,
        &[(
            "balance",
            &[("2026-01", 5.0), ("2026-02", 9.0), ("2026-03", 4.0)],
        )],
    );
    let mut e = Evaluator::new(&m, &d);
    close(e.kpi_value(id(&m, "closing"), p("2026-Q1")), 4.0);
    close(e.kpi_value(id(&m, "total"), p("2026-Q1")), 18.0);
    close(e.kpi_value(id(&m, "peak"), p("2026-Q1")), 9.0);
}

#[test]
fn a_kpi_used_in_a_formula_is_evaluated_at_the_grain_of_that_formula() {
    let m = model(
        "",
        &(metrics(&[("a", "orders"), ("b", "orders")])
            + &kpi("monthly_share", "%", "a / b", "")
            + &kpi("quarterly", "%", "monthly_share * 2", "frequency quarterly")),
    );
    let d = data(
        &m,
        &[
            // April's data makes the first quarter complete (its data does not end in it).
            ("a", &[("2026-01", 2.0), ("2026-02", 2.0), ("2026-04", 1.0)]),
            (
                "b",
                &[("2026-01", 4.0), ("2026-02", 100.0), ("2026-04", 1.0)],
            ),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    close(
        e.value(id(&m, "quarterly"), Grain::Quarter, p("2026-Q1")),
        8.0 / 104.0,
    );
    close(
        e.value(id(&m, "quarterly"), Grain::Month, p("2026-01")),
        1.0,
    );
}

#[test]
fn lag_before_the_first_period_needs_that_period() {
    let m = model(
        "",
        &(metrics(&[("customers", "customers"), ("lost", "customers")])
            + &kpi("churn", "%", "lost / lag(customers, 1)", "")
            + &kpi("before", "customers", "lag(customers, 2)", "")
            + &kpi("q", "customers", "lag(customers, 1)", "frequency quarterly")),
    );
    let d = data(
        &m,
        &[
            ("customers", &monthly(0, 6, |i| 100.0 + i as f64)),
            ("lost", &monthly(0, 7, |_| 5.0)),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let churn = id(&m, "churn");
    let missing = e.value(churn, Grain::Month, p("2026-01")).unwrap_err();
    assert_eq!(
        missing,
        Missing::Needs {
            period: p("2025-12"),
            why: Builtin::Lag
        }
    );
    assert_eq!(missing.message(), "needs 2025-12 (lag)");
    close(e.value(churn, Grain::Month, p("2026-02")), 0.05);
    close(e.kpi_value(churn, p("2026-02")), 5.0);
    // After the data ends, the input of this period is missing first.
    assert_eq!(
        e.value(churn, Grain::Month, p("2026-08")),
        Err(Missing::NoData)
    );
    // lost has data in 2026-07, customers in 2026-06 is the lagged one.
    close(e.value(churn, Grain::Month, p("2026-07")), 5.0 / 105.0);
    let before = id(&m, "before");
    assert_eq!(
        e.value(before, Grain::Month, p("2026-02"))
            .unwrap_err()
            .message(),
        "needs 2025-12 (lag)"
    );
    close(e.value(before, Grain::Month, p("2026-03")), 100.0);
    // At a quarterly grain, one period earlier is one quarter earlier.
    close(
        e.kpi_value(id(&m, "q"), p("2026-Q2")),
        100.0 + 101.0 + 102.0,
    );
    assert_eq!(
        e.kpi_value(id(&m, "q"), p("2026-Q1"))
            .unwrap_err()
            .message(),
        "needs 2025-Q4 (lag)"
    );
}

#[test]
fn data_before_the_span_feeds_lag() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR")]) + &kpi("pop", "%", "growth(x, 1)", "")),
    );
    let d = data(&m, &[("x", &[("2025-12", 100.0), ("2026-01", 110.0)])]);
    let mut e = Evaluator::new(&m, &d);
    close(e.kpi_value(id(&m, "pop"), p("2026-01")), 10.0);
}

#[test]
fn delta_and_growth() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR")])
            + &kpi("d", "EUR", "delta(x)", "")
            + &kpi("g", "%", "growth(x, 1)", "")
            + &kpi("g2", "%", "growth(x, 2)", "")),
    );
    let d = data(
        &m,
        &[(
            "x",
            &[("2026-01", 0.0), ("2026-02", 50.0), ("2026-03", 75.0)],
        )],
    );
    let mut e = Evaluator::new(&m, &d);
    let (delta, growth, growth2) = (id(&m, "d"), id(&m, "g"), id(&m, "g2"));
    close(e.value(delta, Grain::Month, p("2026-02")), 50.0);
    close(e.value(delta, Grain::Month, p("2026-03")), 25.0);
    assert_eq!(
        e.value(delta, Grain::Month, p("2026-01"))
            .unwrap_err()
            .message(),
        "needs 2025-12 (delta)"
    );
    close(e.value(growth, Grain::Month, p("2026-03")), 0.5);
    close(e.kpi_value(growth, p("2026-03")), 50.0);
    // Growth on a zero base is a division by zero.
    assert_eq!(
        e.value(growth, Grain::Month, p("2026-02")),
        Err(Missing::DivisionByZero)
    );
    assert_eq!(
        e.value(growth2, Grain::Month, p("2026-03")),
        Err(Missing::DivisionByZero)
    );
    assert_eq!(
        e.value(growth, Grain::Month, p("2026-01"))
            .unwrap_err()
            .message(),
        "needs 2025-12 (growth)"
    );
    assert_eq!(
        e.value(growth, Grain::Month, p("2026-04")),
        Err(Missing::NoData)
    );
}

#[test]
fn sums_and_averages_over_the_last_periods() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR")])
            + &kpi("s", "EUR", "sum_over(x, 3)", "")
            + &kpi("a", "EUR", "avg_over(x, 3)", "")
            + &kpi("one", "EUR", "sum_over(x, 1)", "")
            + &kpi("q", "EUR", "sum_over(x, 2)", "frequency quarterly")),
    );
    let d = data(&m, &[("x", &monthly(0, 12, |i| (i + 1) as f64))]);
    let mut e = Evaluator::new(&m, &d);
    let (sum, avg) = (id(&m, "s"), id(&m, "a"));
    close(e.value(sum, Grain::Month, p("2026-03")), 6.0);
    close(e.value(sum, Grain::Month, p("2026-12")), 10.0 + 11.0 + 12.0);
    close(e.value(avg, Grain::Month, p("2026-05")), 4.0);
    close(e.value(id(&m, "one"), Grain::Month, p("2026-01")), 1.0);
    // Not enough history: the earliest period missing is named.
    assert_eq!(
        e.value(sum, Grain::Month, p("2026-01"))
            .unwrap_err()
            .message(),
        "needs 2025-11 (sum_over)"
    );
    assert_eq!(
        e.value(avg, Grain::Month, p("2026-02"))
            .unwrap_err()
            .message(),
        "needs 2025-12 (avg_over)"
    );
    // This period's own reason comes first.
    assert_eq!(
        e.value(sum, Grain::Month, p("2027-01")),
        Err(Missing::NoData)
    );
    close(e.kpi_value(id(&m, "q"), p("2026-Q2")), 21.0);
}

#[test]
fn ytd_with_a_financial_year_starting_in_april() {
    let m = model(
        "year_start 4",
        &(metrics(&[("x", "EUR"), ("rate", "%")])
            + &kpi("y", "EUR", "ytd(x)", "")
            + &kpi("r", "%", "ytd(rate)", "")
            + &kpi("yq", "EUR", "ytd(x)", "frequency quarterly")),
    );
    let mut x: Vec<(&str, f64)> = vec![("2025-03", 1000.0)];
    x.extend(monthly(0, 12, |i| (i + 1) as f64));
    let x_2027 = [("2027-01", 100.0), ("2027-02", 200.0), ("2027-04", 400.0)];
    x.extend(x_2027);
    let d = data(
        &m,
        &[
            ("x", &x),
            (
                "rate",
                &[("2026-03", 10.0), ("2026-04", 20.0), ("2026-05", 40.0)],
            ),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let y = id(&m, "y");
    // 2026-01 .. 2026-03 close the financial year that started in 2025-04 (only 2025-03 before).
    close(e.value(y, Grain::Month, p("2026-03")), 1.0 + 2.0 + 3.0);
    close(e.value(y, Grain::Month, p("2026-04")), 4.0);
    close(
        e.value(y, Grain::Month, p("2026-12")),
        (4..=12).sum::<i32>() as f64,
    );
    // Across the calendar year end.
    close(
        e.value(y, Grain::Month, p("2027-02")),
        (4..=12).sum::<i32>() as f64 + 300.0,
    );
    // No value in the period itself: none, even though earlier months have one.
    assert_eq!(e.value(y, Grain::Month, p("2027-03")), Err(Missing::NoData));
    close(e.value(y, Grain::Month, p("2027-04")), 400.0);
    // A `%` series averages: 20% and 40% in the year from April.
    close(e.kpi_value(id(&m, "r"), p("2026-05")), 30.0);
    close(e.kpi_value(id(&m, "r"), p("2026-03")), 10.0);
    // Quarterly: 2026-Q2 (Apr–Jun) starts the year; 2027-Q1 closes it.
    close(e.kpi_value(id(&m, "yq"), p("2026-Q2")), 4.0 + 5.0 + 6.0);
    close(
        e.kpi_value(id(&m, "yq"), p("2027-Q1")),
        (4..=12).sum::<i32>() as f64 + 300.0,
    );
}

#[test]
fn ytd_skips_earlier_periods_without_a_value() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR")]) + &kpi("y", "EUR", "ytd(x)", "")),
    );
    let d = data(&m, &[("x", &[("2026-01", 1.0), ("2026-03", 3.0)])]);
    let mut e = Evaluator::new(&m, &d);
    close(e.value(id(&m, "y"), Grain::Month, p("2026-03")), 4.0);
    assert_eq!(
        e.value(id(&m, "y"), Grain::Month, p("2026-02")),
        Err(Missing::NoData)
    );
}

#[test]
fn min_max_abs_clamp_and_round() {
    let m = model(
        "",
        &(metrics(&[("a", "EUR"), ("b", "EUR")])
            + &kpi("lo", "EUR", "min(a, b)", "")
            + &kpi("hi", "EUR", "max(a, b)", "")
            + &kpi("ab", "EUR", "abs(a - b)", "")
            + &kpi("cl", "EUR", "clamp(a, 0 EUR, 10 EUR)", "")
            + &kpi("r0", "EUR", "round(a / 3, 0)", "")
            + &kpi("r2", "EUR", "round(a / 3, 2)", "")
            + &kpi("share", "%", "round(b / a, 2)", "")),
    );
    let d = data(
        &m,
        &[
            (
                "a",
                &[("2026-01", 20.0), ("2026-02", -5.0), ("2026-03", 5.0)],
            ),
            ("b", &[("2026-01", 7.0), ("2026-02", 3.0)]),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let at =
        |e: &mut Evaluator, name: &str, month: &str| e.value(id(&m, name), Grain::Month, p(month));
    close(at(&mut e, "lo", "2026-01"), 7.0);
    close(at(&mut e, "hi", "2026-01"), 20.0);
    close(at(&mut e, "ab", "2026-02"), 8.0);
    close(at(&mut e, "cl", "2026-01"), 10.0);
    close(at(&mut e, "cl", "2026-02"), 0.0);
    close(at(&mut e, "cl", "2026-03"), 5.0);
    close(at(&mut e, "r0", "2026-01"), 7.0);
    close(at(&mut e, "r2", "2026-01"), 6.67);
    close(at(&mut e, "r0", "2026-02"), -2.0);
    close(at(&mut e, "r2", "2026-02"), -1.67);
    // Round works on the internal fraction: 0.35 is 35%.
    close(e.kpi_value(id(&m, "share"), p("2026-01")), 35.0);
    // Every argument is needed.
    assert_eq!(at(&mut e, "lo", "2026-03"), Err(Missing::NoData));
}

#[test]
fn coalesce_takes_the_second_where_the_first_has_no_value() {
    let m = model(
        "",
        &(metrics(&[("actual", "EUR"), ("estimate", "EUR"), ("zero", "EUR")])
            + &kpi("best", "EUR", "coalesce(actual, estimate)", "")
            + &kpi("safe", "%", "coalesce(actual / zero, 0%)", "")),
    );
    let d = data(
        &m,
        &[
            ("actual", &[("2026-01", 10.0)]),
            ("estimate", &[("2026-01", 99.0), ("2026-02", 12.0)]),
            ("zero", &[("2026-01", 0.0)]),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let best = id(&m, "best");
    close(e.value(best, Grain::Month, p("2026-01")), 10.0);
    close(e.value(best, Grain::Month, p("2026-02")), 12.0);
    assert_eq!(
        e.value(best, Grain::Month, p("2026-03")),
        Err(Missing::NoData)
    );
    close(e.value(id(&m, "safe"), Grain::Month, p("2026-01")), 0.0);
}

#[test]
fn fn_helpers_substitute_their_arguments() {
    let (m, findings) = project(
        "",
        &("use std.time\n".to_string()
            + &metrics(&[("revenue", "EUR"), ("cogs", "EUR")])
            + "fn margin_of(r, c) = (r - c) / r\n"
            + "fn earlier(x, n) = lag(x, n)\n"
            + "fn twice(x) = x + x\n"
            + &kpi("m", "%", "margin_of(revenue, cogs)", "")
            + &kpi(
                "prev_margin",
                "%",
                "earlier((revenue - cogs) / revenue, 1)",
                "",
            )
            + &kpi(
                "deep",
                "EUR",
                &format!("{}revenue{}", "twice(".repeat(40), ")".repeat(40)),
                "",
            )
            + &kpi("yoy", "%", "yoy_monthly(revenue)", "")
            + &kpi("ttm", "%", "ttm_growth(revenue)", "")),
    );
    assert!(findings.is_empty(), "{findings:#?}");
    let mut revenue = vec![];
    let mut cogs = vec![];
    for (i, month) in MONTHS_2026.iter().enumerate() {
        revenue.push((*month, 100.0 + i as f64));
        cogs.push((*month, 50.0));
    }
    let months_2025 = [
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
        "2025-09", "2025-10", "2025-11", "2025-12",
    ];
    for month in months_2025 {
        revenue.push((month, 50.0));
    }
    let d = data(&m, &[("revenue", &revenue), ("cogs", &cogs)]);
    let mut e = Evaluator::new(&m, &d);
    close(e.kpi_value(id(&m, "m"), p("2026-01")), 50.0);
    close(
        e.value(id(&m, "prev_margin"), Grain::Month, p("2026-02")),
        0.5,
    );
    assert_eq!(
        e.value(id(&m, "prev_margin"), Grain::Month, p("2026-01"))
            .unwrap_err()
            .message(),
        "needs 2025-12 (lag)"
    );
    // 2^40 additions of the argument: memoized per call, not expanded.
    close(
        e.value(id(&m, "deep"), Grain::Month, p("2026-01")),
        100.0 * 2f64.powi(40),
    );
    close(e.kpi_value(id(&m, "yoy"), p("2026-01")), 100.0);
    let ttm_2026 = (0..12).map(|i| 100.0 + i as f64).sum::<f64>();
    close(
        e.kpi_value(id(&m, "ttm"), p("2026-12")),
        (ttm_2026 / 600.0 - 1.0) * 100.0,
    );
    assert_eq!(
        e.kpi_value(id(&m, "ttm"), p("2026-11"))
            .unwrap_err()
            .message(),
        "needs 2024-12 (sum_over)"
    );
}

#[test]
fn missing_values_propagate_with_the_first_reason() {
    let m = model(
        "",
        &(metrics(&[("a", "EUR"), ("b", "EUR"), ("zero", "EUR")])
            + &kpi("sum", "EUR", "a + b", "")
            + &kpi("div", "EUR", "a / zero * b", "")
            + &kpi("neg", "EUR", "-(b - a)", "")
            + &kpi("chain", "EUR", "sum * 2", "")),
    );
    let d = data(
        &m,
        &[
            ("a", &[("2026-01", 1.0), ("2026-02", 2.0)]),
            ("b", &[("2026-02", 5.0)]),
            ("zero", &[("2026-01", 0.0), ("2026-02", 0.0)]),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let at =
        |e: &mut Evaluator, name: &str, month: &str| e.value(id(&m, name), Grain::Month, p(month));
    assert_eq!(at(&mut e, "sum", "2026-01"), Err(Missing::NoData));
    close(at(&mut e, "sum", "2026-02"), 7.0);
    // The division fails before the missing `b` is met.
    assert_eq!(at(&mut e, "div", "2026-01"), Err(Missing::DivisionByZero));
    assert_eq!(
        at(&mut e, "div", "2026-01").unwrap_err().message(),
        "division by zero"
    );
    close(at(&mut e, "neg", "2026-02"), -3.0);
    assert_eq!(at(&mut e, "chain", "2026-01"), Err(Missing::NoData));
    close(at(&mut e, "chain", "2026-02"), 14.0);
    // An input with no data at all.
    assert_eq!(at(&mut e, "b", "2026-01").unwrap_err().message(), "no data");
}

#[test]
fn bad_cells_and_coarse_data_explain_the_gap() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR"), ("q", "EUR")]) + &kpi("k", "EUR", "x + q", "")),
    );
    let mut d = data(
        &m,
        &[
            ("x", &[("2026-01", 1.0), ("2026-03", 3.0)]),
            ("q", &[("2026-Q1", 30.0)]),
        ],
    );
    let mut e = Evaluator::new(&m, &d);
    let k = id(&m, "k");
    close(e.value(k, Grain::Quarter, p("2026-Q1")), 34.0);
    assert_eq!(
        e.value(k, Grain::Month, p("2026-01"))
            .unwrap_err()
            .message(),
        "no monthly value: the input is quarterly"
    );
    d.bad_cells.push(BadCell {
        org: None,
        measure: id(&m, "x"),
        period: p("2026-02"),
        place: "data/actuals.csv:14".to_string(),
    });
    let mut e = Evaluator::new(&m, &d);
    assert_eq!(
        e.value(k, Grain::Quarter, p("2026-Q1"))
            .unwrap_err()
            .message(),
        "input bad-value at data/actuals.csv:14"
    );
    assert_eq!(
        e.value(id(&m, "x"), Grain::Month, p("2026-02"))
            .unwrap_err()
            .message(),
        "input bad-value at data/actuals.csv:14"
    );
}

#[test]
fn notes_of_input_periods() {
    let m = model("", &metrics(&[("x", "EUR")]));
    let mut d = data(&m, &[("x", &[("2026-01", 1.0), ("2026-02", 2.0)])]);
    d.series.get_mut(&id(&m, "x")).unwrap()[1].note = Some("price rise".to_string());
    let mut e = Evaluator::new(&m, &d);
    let mut note = |period: &str| e.note(id(&m, "x"), p(period));
    assert_eq!(note("2026-02").as_deref(), Some("price rise"));
    assert_eq!(note("2026-Q1").as_deref(), Some("price rise"));
    assert_eq!(note("2026-01"), None);
}

#[test]
fn a_formula_gathers_the_notes_of_the_inputs_it_reads() {
    let body = metrics(&[("a", "EUR"), ("b", "EUR"), ("c", "EUR")])
        + "fn twice(v) = v * 2\n"
        + &kpi("inner", "EUR", "twice(b) + a", "")
        + &kpi("k", "EUR", "a - (inner + c)", "");
    let m = model("", &body);
    let one = [("2026-01", 1.0)];
    let mut d = data(&m, &[("a", &one), ("b", &one), ("c", &one)]);
    for (name, note) in [("a", "price rise"), ("b", "strike")] {
        d.series.get_mut(&id(&m, name)).unwrap()[0].note = Some(note.to_string());
    }
    let mut e = Evaluator::new(&m, &d);
    assert_eq!(
        e.note(id(&m, "k"), p("2026-01")).as_deref(),
        Some("price rise; strike"),
        "each input once, in the order the formulas name them"
    );
    assert_eq!(e.note(id(&m, "k"), p("2026-02")), None);
}

#[test]
fn cycles_and_invalid_formulas_have_no_value_and_do_not_loop() {
    let (m, findings) = project(
        "",
        &(metrics(&[("x", "EUR")])
            + &kpi("a", "EUR", "b + x", "")
            + &kpi("b", "EUR", "a + x", "")
            + &kpi("self_lag", "EUR", "lag(self_lag, 1) + x", "")
            + "fn forever(v) = forever(v)\n"
            + &kpi("f", "EUR", "forever(x)", "")
            + &kpi("uses_a", "EUR", "a * 2", "")
            + &kpi("unknown", "EUR", "nothing + x", "")),
    );
    assert!(findings.iter().any(|f| f.rule.name() == "formula-cycle"));
    let d = data(&m, &[("x", &[("2026-01", 1.0)])]);
    let mut e = Evaluator::new(&m, &d);
    for name in ["a", "b", "self_lag", "f", "uses_a"] {
        assert_eq!(
            e.value(id(&m, name), Grain::Month, p("2026-01")),
            Err(Missing::Cycle),
            "{name}"
        );
    }
    assert_eq!(
        e.value(id(&m, "unknown"), Grain::Month, p("2026-01")),
        Err(Missing::Invalid)
    );
    // Not a measure.
    assert_eq!(
        e.value(id(&m, "o"), Grain::Month, p("2026-01")),
        Err(Missing::Invalid)
    );
}

#[test]
fn long_chains_need_no_deep_recursion() {
    // k0 = x, k1 = k0 + x, …: recursion through 3,000 KPIs would overflow a test thread's stack.
    const CHAIN: usize = 3_000;
    let mut body = metrics(&[("x", "EUR")]);
    body += &kpi("k0", "EUR", "x", "");
    for i in 1..CHAIN {
        body += &kpi(&format!("k{i}"), "EUR", &format!("k{} + x", i - 1), "");
    }
    let m = model("", &body);
    let d = data(&m, &[("x", &monthly(0, 12, |_| 1.0))]);
    let mut e = Evaluator::new(&m, &d);
    let last = id(&m, &format!("k{}", CHAIN - 1));
    close(e.value(last, Grain::Month, p("2026-12")), CHAIN as f64);
    close(
        e.value(last, Grain::Quarter, p("2026-Q4")),
        3.0 * CHAIN as f64,
    );
    assert_eq!(
        e.value(last, Grain::Month, p("2027-01")),
        Err(Missing::NoData)
    );
}

#[test]
fn lag_chains_are_evaluated_once_per_period() {
    // k_i = k_(i-1) + lag(k_(i-1), 1): 2^40 paths, 40 × 84 values.
    const LEVELS: usize = 40;
    let mut body = metrics(&[("x", "EUR")]);
    body += &kpi("k0", "EUR", "x", "");
    for i in 1..LEVELS {
        body += &kpi(
            &format!("k{i}"),
            "EUR",
            &format!("k{} + lag(k{}, 1)", i - 1, i - 1),
            "",
        );
    }
    let m = model("", &body);
    let months: Vec<String> = p("2020-01")
        .through(p("2026-12"))
        .map(|m| m.to_string())
        .collect();
    let values: Vec<(&str, f64)> = months.iter().map(|m| (m.as_str(), 1.0)).collect();
    let d = data(&m, &[("x", &values)]);
    let mut e = Evaluator::new(&m, &d);
    let last = id(&m, &format!("k{}", LEVELS - 1));
    close(
        e.value(last, Grain::Month, p("2026-12")),
        2f64.powi(LEVELS as i32 - 1),
    );
    assert_eq!(
        e.value(last, Grain::Month, p("2020-01"))
            .unwrap_err()
            .message(),
        "needs 2019-12 (lag)"
    );
}

#[test]
fn report_and_kpi_periods() {
    let m = model(
        "frequency monthly",
        &(metrics(&[("x", "EUR")])
            + &kpi("q", "EUR", "x", "frequency quarterly")
            + &kpi("m", "EUR", "x", "")),
    );
    assert_eq!(periods::report_periods(&m).len(), 12);
    assert_eq!(periods::kpi_periods(&m, id(&m, "q")).len(), 4);
    assert_eq!(periods::kpi_periods(&m, id(&m, "m")).len(), 12);
    let weekly = model("frequency weekly", &metrics(&[("x", "EUR")]));
    assert_eq!(periods::report_periods(&weekly).len(), 53);
    let d = data(&m, &[("x", &[("2026-01", 1.0), ("2026-03", 0.0)])]);
    let mut e = Evaluator::new(&m, &d);
    let series = e.kpi_series(id(&m, "q"));
    assert_eq!(series.len(), 4);
    close(series[0].1.clone(), 1.0);
    assert_eq!(series[1].1, Err(Missing::NoData));
}

/// `cargo test --release --lib eval::tests::timing -- --ignored --nocapture`: evaluates a
/// generated project of 10,000 KPIs (each using 2–3 of 2,000 inputs, some through `growth`,
/// `sum_over`, `ytd`, other KPIs, one in seven quarterly) over a 36-month span, and prints the
/// time taken.
#[test]
#[ignore]
fn timing_10000_kpis_over_36_months() {
    const KPIS: usize = 10_000;
    const INPUTS: usize = 2_000;
    let mut body = String::new();
    for i in 0..INPUTS {
        body += &format!("metric m{i} \"M{i}\" {{ unit EUR }}\n");
    }
    for i in 0..KPIS {
        let (a, b, c) = (i % INPUTS, (i * 7 + 1) % INPUTS, (i * 13 + 5) % INPUTS);
        let (unit, formula) = match i % 6 {
            0 => ("%", format!("(m{a} - m{b}) / m{a}")),
            1 => ("%", format!("m{a} / (m{b} + m{c})")),
            2 => ("%", format!("growth(m{a}, 1)")),
            3 => ("EUR", format!("sum_over(m{a}, 3) + m{b}")),
            4 => ("EUR", format!("ytd(m{a}) - m{b} + m{c}")),
            _ => ("EUR", format!("k{} * 2 + m{b}", i - 2)),
        };
        let frequency = if i % 7 == 0 {
            "frequency quarterly"
        } else {
            ""
        };
        body += &kpi(&format!("k{i}"), unit, &formula, frequency);
    }
    let started = std::time::Instant::now();
    let source = format!(
        "scorecard \"S\" {{\n  period 2026-01 .. 2028-12\n  year_start 4\n}}\nuse std.bsc\nobjective o \"O\" {{ perspective financial }}\n{body}"
    );
    let project = load_text("eval.kpi", std::path::Path::new("."), &source);
    let (m, findings) = semantic::analyze(&project);
    assert!(
        findings.is_empty(),
        "{:#?}",
        &findings[..findings.len().min(3)]
    );
    let parsed = started.elapsed();
    let months: Vec<String> = p("2025-01")
        .through(p("2028-12"))
        .map(|m| m.to_string())
        .collect();
    let mut d = DataSet::default();
    for i in 0..INPUTS {
        let observations = months
            .iter()
            .enumerate()
            .map(|(k, month)| Observation {
                period: p(month),
                value: 1000.0 + ((i * 31 + k * 17) % 500) as f64,
                note: None,
                span: Span::new(FileId(0), 0..0),
            })
            .collect();
        d.series.insert(id(&m, &format!("m{i}")), observations);
    }
    let kpis: Vec<ItemId> = (0..KPIS).map(|i| id(&m, &format!("k{i}"))).collect();
    let started = std::time::Instant::now();
    let mut e = Evaluator::new(&m, &d);
    let (mut values, mut missing) = (0usize, 0usize);
    for kpi in kpis {
        for (_, value) in e.kpi_series(kpi) {
            match value {
                Ok(_) => values += 1,
                Err(_) => missing += 1,
            }
        }
    }
    let evaluated = started.elapsed();
    println!(
        "parse + analyze {parsed:?}; evaluate {KPIS} KPIs over 36 months: {evaluated:?} \
         ({values} values, {missing} missing)"
    );
    assert!(values > 300_000, "{values}");
}

#[test]
fn a_resumed_evaluator_keeps_the_values_and_the_bad_cells() {
    let m = model(
        "",
        &(metrics(&[("x", "EUR")]) + &kpi("k", "EUR", "x * 2", "")),
    );
    let mut d = data(&m, &[("x", &[("2026-01", 1.0), ("2026-03", 3.0)])]);
    d.bad_cells.push(BadCell {
        org: None,
        measure: id(&m, "x"),
        period: p("2026-02"),
        place: "data/actuals.csv:3".to_string(),
    });
    let k = id(&m, "k");
    let mut first = Evaluator::new(&m, &d);
    close(first.kpi_value(k, p("2026-01")), 2.0);
    let mut resumed = Evaluator::resume(&m, &d, first.into_evaluated());
    close(resumed.kpi_value(k, p("2026-01")), 2.0);
    close(resumed.kpi_value(k, p("2026-03")), 6.0);
    assert_eq!(
        resumed.kpi_value(k, p("2026-02")).unwrap_err().message(),
        "input bad-value at data/actuals.csv:3"
    );
}
