//! The example projects and every standard library module check clean.

use std::path::Path;

use kpic::diagnostics::{Level, render_short};
use kpic::pipeline::{CheckOptions, CheckOutcome, check_path, check_project};
use kpic::semantic::model::Kind;
use kpic::stdlib;

fn assert_clean(outcome: &CheckOutcome, what: &str) {
    assert!(
        outcome.findings.is_empty(),
        "{what} has findings:\n{}",
        render_short(&outcome.findings, &outcome.sources)
    );
}

/// Every example checks without a warning or an error; a finding an example allows (with its
/// reason) is kept at level `allow`, as the chain's cascade gap is.
#[test]
fn every_example_checks_clean() {
    let mut examples = 0;
    for entry in std::fs::read_dir("examples").expect("examples/ exists") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let mut outcome = check_path(&path, &CheckOptions::default()).expect("example loads");
            outcome.findings.retain(|f| f.level != Level::Allow);
            assert_clean(&outcome, &path.display().to_string());
            examples += 1;
        }
    }
    assert!(examples >= 3, "at least three examples");
}

#[test]
fn the_chain_example_allows_its_cascade_gap_and_nothing_else() {
    let outcome =
        check_path(Path::new("examples/chain"), &CheckOptions::default()).expect("example loads");
    let allowed: Vec<&str> = outcome.findings.iter().map(|f| f.rule.name()).collect();
    assert_eq!(allowed, ["cascade-gap"]);
    assert_eq!(outcome.findings[0].level, Level::Allow);
    assert_eq!(outcome.model.orgs.order.len(), 29);
}

/// A project whose entry file is a bare scorecard using the given modules.
fn check_modules(modules: &[&str]) -> CheckOutcome {
    let uses: String = modules.iter().map(|m| format!("use std.{m}\n")).collect();
    let text =
        format!("scorecard \"Stdlib\" {{\n  owner \"QA\"\n  period 2026-01 .. 2026-12\n}}\n{uses}");
    let project = kpic::project::load_text("scorecard.kpi", Path::new("."), &text);
    check_project(project, &CheckOptions::default())
}

#[test]
fn every_stdlib_module_checks_clean_alone_and_together() {
    let all: Vec<&str> = stdlib::MODULES.iter().map(|(name, _)| *name).collect();
    for module in &all {
        assert_clean(&check_modules(&[module]), &format!("std.{module}"));
    }
    assert_clean(&check_modules(&all), "all stdlib modules together");
}

#[test]
fn stdlib_metric_modules_hold_a_dozen_documented_metrics_each() {
    for module in ["finance", "customer", "people", "operations"] {
        let outcome = check_modules(&[module]);
        let file_name = stdlib::file_name(module);
        let metrics: Vec<_> = outcome
            .model
            .items
            .iter()
            .filter(|item| {
                item.kind() == Kind::Metric
                    && outcome.sources.get(item.id.span.file).name == file_name
            })
            .collect();
        assert!(
            metrics.len() >= 12,
            "std.{module} has {} metrics",
            metrics.len()
        );
        let derived = metrics
            .iter()
            .filter(|m| m.as_measure().is_some_and(|m| m.formula.is_some()))
            .count();
        assert!(
            derived >= 6,
            "std.{module} derives {derived} metrics with formulas"
        );
        for metric in metrics {
            assert!(
                metric.description.is_some(),
                "std.{module}: `{}` has no description",
                metric.id.node
            );
            assert!(
                metric.as_measure().unwrap().unit.is_some(),
                "std.{module}: `{}` has no unit",
                metric.id.node
            );
        }
    }
}

#[test]
fn a_project_item_shadows_a_library_item_whose_formulas_keep_their_own() {
    let outcome = check_path(
        Path::new("tests/ui/stdlib_visibility_fixed"),
        &CheckOptions::default(),
    )
    .unwrap();
    assert!(outcome.findings.is_empty());
    let model = &outcome.model;
    let project = model.lookup("revenue", false).unwrap();
    let library = model.lookup("revenue", true).unwrap();
    assert!(
        !model.item(project).from_stdlib,
        "the project sees its own revenue"
    );
    assert!(model.item(library).from_stdlib, "the library sees its own");
    // std.people uses std.finance, but only what the project uses is visible to it.
    let people = kpic::project::load_text(
        "scorecard.kpi",
        Path::new("."),
        "scorecard \"S\" { period 2026-01 .. 2026-12 }\nuse std.people\n",
    );
    let outcome = kpic::pipeline::check_project(people, &CheckOptions::default());
    assert!(outcome.model.lookup("gross_margin", false).is_none());
    assert!(outcome.model.lookup("gross_margin", true).is_some());
}
