//! The values of properties: targets and milestones, thresholds, weights and tolerances,
//! periods and spans, quantities and units as declared.

use super::{Declarer, Properties};
use crate::diagnostics::{Finding, Rule};
use crate::period::Period;
use crate::semantic::model::*;
use crate::syntax::ast::{self, PropertyKey, PropertyValue, Spanned};
use crate::unit::Unit;

impl Declarer<'_, '_> {
    pub(super) fn target(&mut self, target: &ast::Target) -> Option<Target> {
        let deadline = |this: &mut Self, deadline: &Option<ast::PeriodLit>| match deadline {
            Some(lit) => this.period(lit).map(Some),
            None => Some(None),
        };
        Some(match target {
            ast::Target::Value {
                value,
                deadline: lit,
            } => Target::Value {
                value: quantity(value),
                deadline: deadline(self, lit)?,
            },
            ast::Target::Range {
                low,
                high,
                deadline: lit,
            } => Target::Range {
                low: quantity(low),
                high: quantity(high),
                deadline: deadline(self, lit)?,
            },
            ast::Target::Milestones(milestones) => {
                // Every milestone is checked, so that each invalid period is reported.
                let periods: Vec<Option<Spanned<Period>>> =
                    milestones.iter().map(|(lit, _)| self.period(lit)).collect();
                let periods: Option<Vec<Spanned<Period>>> = periods.into_iter().collect();
                Target::Milestones(
                    periods?
                        .into_iter()
                        .zip(milestones)
                        .map(|(period, (_, value))| (period, quantity(value)))
                        .collect(),
                )
            }
        })
    }

    /// `thresholds { green … amber … }`: one bound of each band, both of the same form.
    pub(super) fn thresholds(&mut self, property: &ast::Property) -> Option<Thresholds> {
        let PropertyValue::Thresholds(entries) = &property.value else {
            return None;
        };
        let mut green: Option<&ast::Threshold> = None;
        let mut amber: Option<&ast::Threshold> = None;
        for entry in entries {
            let slot = if entry.band.node == ast::Band::Green {
                &mut green
            } else {
                &mut amber
            };
            if let Some(first) = slot {
                let band = if entry.band.node == ast::Band::Green {
                    "green"
                } else {
                    "amber"
                };
                let finding = Finding::new(
                    Rule::DuplicateProperty,
                    entry.band.span,
                    format!("the {band} bound is given twice"),
                )
                .label("given again here")
                .with_secondary(first.band.span, "first given here");
                self.findings.push(finding);
            } else {
                *slot = Some(entry);
            }
        }
        let (Some(green), Some(amber)) = (green, amber) else {
            let missing = if green.is_none() { "green" } else { "amber" };
            let finding = Finding::new(
                Rule::BadTarget,
                property.key_span,
                format!("the thresholds have no {missing} bound"),
            )
            .label(format!("no {missing} bound"))
            .help("give both bands: `thresholds { green >= 90% amber >= 80% }`");
            self.findings.push(finding);
            return None;
        };
        match (&green.bound, &amber.bound) {
            (
                ast::ThresholdBound::Compare(green_op, green_value),
                ast::ThresholdBound::Compare(amber_op, amber_value),
            ) => {
                if green_op.node != amber_op.node {
                    let finding = Finding::new(Rule::BadTarget, amber_op.span, "the green and amber bounds compare in opposite directions")
                        .label(format!("amber uses `{}`", comparison_text(amber_op.node)))
                        .with_secondary(green_op.span, format!("green uses `{}`", comparison_text(green_op.node)))
                        .help("use `>=` for both when higher is better, `<=` for both when lower is better");
                    self.findings.push(finding);
                    return None;
                }
                let at_least =
                    Spanned::new(green_op.node == ast::Comparison::AtLeast, green_op.span);
                Some(Thresholds::Bounds {
                    green: quantity(green_value),
                    amber: quantity(amber_value),
                    at_least,
                })
            }
            (
                ast::ThresholdBound::Between(green_low, green_high),
                ast::ThresholdBound::Between(amber_low, amber_high),
            ) => Some(Thresholds::Range {
                green: (quantity(green_low), quantity(green_high)),
                amber: (quantity(amber_low), quantity(amber_high)),
            }),
            _ => {
                let finding = Finding::new(Rule::BadTarget, amber.span, "one threshold is a bound and the other a band")
                    .label("this band is written differently")
                    .with_secondary(green.span, "from this one")
                    .help("write `green >= G amber >= A` (or `<=`), or for a range KPI `green LO .. HI amber LO .. HI`");
                self.findings.push(finding);
                None
            }
        }
    }

    /// A weight as a percentage (`60%` and `60` are both 60).
    pub(super) fn weight(&mut self, properties: &Properties) -> Option<Spanned<f64>> {
        let weight = properties.quantity(PropertyKey::Weight)?;
        self.expect_percent(weight, "a weight")?;
        Some(Spanned::new(weight.value, weight.span))
    }

    /// A tolerance as a fraction (`10%` and `10` are both 0.1).
    pub(super) fn tolerance(&mut self, properties: &Properties) -> Option<f64> {
        let tolerance = properties.quantity(PropertyKey::Tolerance)?;
        self.expect_percent(tolerance, "a tolerance")?;
        Some(tolerance.value / 100.0)
    }

    pub(super) fn expect_percent(&mut self, quantity: &ast::Quantity, what: &str) -> Option<()> {
        match &quantity.unit {
            Some(unit) if unit.text() != "%" => {
                let finding = Finding::new(
                    Rule::UnitMismatch,
                    unit.span,
                    format!("{what} is a percentage, not {}", unit.text()),
                )
                .label("not %")
                .help(format!("write {what} in %, e.g. `{}%`", quantity.value));
                self.findings.push(finding);
                None
            }
            _ => Some(()),
        }
    }

    pub(super) fn year_start(&mut self, number: &Spanned<f64>) -> u32 {
        if number.node.fract() == 0.0 && (1.0..=12.0).contains(&number.node) {
            return number.node as u32;
        }
        let finding = Finding::new(
            Rule::InvalidPeriod,
            number.span,
            format!("`year_start {}` is not a month", number.node),
        )
        .label("not 1–12")
        .help(
            "`year_start` is the month the financial year starts in: 1 (January) to 12 (December)",
        );
        self.findings.push(finding);
        1
    }

    pub(super) fn period(&mut self, lit: &ast::PeriodLit) -> Option<Spanned<Period>> {
        match Period::parse(&lit.text) {
            Ok(period) => Some(Spanned::new(period, lit.span)),
            Err(error) => {
                self.findings.push(
                    Finding::new(Rule::InvalidPeriod, lit.span, error.0).label("no such period")
                        .help("periods are written 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W05 or 2026-07-15"),
                );
                None
            }
        }
    }

    pub(super) fn period_span(
        &mut self,
        from: &ast::PeriodLit,
        to: &ast::PeriodLit,
    ) -> Option<(Period, Period)> {
        let (from_period, to_period) = (self.period(from)?, self.period(to)?);
        if to_period.node.last_day() < from_period.node.first_day() {
            let finding = Finding::new(
                Rule::InvalidPeriod,
                from.span.to(to.span),
                format!(
                    "the span {} .. {} ends before it starts",
                    from.text, to.text
                ),
            )
            .label("ends before it starts")
            .help(format!("did you mean {} .. {}?", to.text, from.text));
            self.findings.push(finding);
            return None;
        }
        // A span too long for the project's finest frequency is refused by `span::check`, once
        // every KPI's frequency is known.
        Some((from_period.node, to_period.node))
    }
}

pub(super) fn reference(ident: &ast::Ident) -> Reference {
    Reference {
        name: ident.node.clone(),
        span: ident.span,
        target: None,
    }
}

pub(super) fn declared_unit(unit: &ast::UnitExpr) -> DeclaredUnit {
    let text = unit.text();
    DeclaredUnit {
        is_percent: text == "%",
        unit: Unit::from_expr(unit),
        text,
        span: unit.span,
    }
}

pub(super) fn quantity(quantity: &ast::Quantity) -> Quantity {
    Quantity {
        value: quantity.value,
        unit: quantity.unit.as_ref().map(declared_unit),
        span: quantity.span,
    }
}

pub(super) fn comparison_text(comparison: ast::Comparison) -> &'static str {
    match comparison {
        ast::Comparison::AtLeast => ">=",
        ast::Comparison::AtMost => "<=",
    }
}
