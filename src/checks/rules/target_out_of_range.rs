//! `target-out-of-range` (SMART, A; an error by default): a target the KPI's unit makes
//! impossible. Every target value is judged: the single target, both ends of a band and each
//! milestone; a plain number takes the KPI's unit (42 on a `%` KPI is 42%).
//!
//! - A share over 100% or under 0%. A `%` KPI is a share when it is an input (no formula) or its
//!   formula is, at the top, a division (`lost / customers`, `(revenue - cogs) / revenue`),
//!   looking through a bare reference to another metric (`extends` of an input) and through a
//!   `fn` whose body is one. A rate of change such as `growth(x, 12)` or `a / b - 1` is not a
//!   share: it may be negative or above 100%.
//! - A negative count or duration: a KPI whose unit is one word other than `%`, a currency
//!   (`EUR`, the library's `currency`) and `points` (a score such as NPS may be negative), e.g.
//!   `count`, `customers`, `days`, `hours`. A KPI whose formula is, at the top, a change (a
//!   subtraction, a negation, `delta`, `growth`, or a `fn` whose body is one) counts a
//!   difference, which may be negative.

use crate::checks::{Check, Context};
use crate::diagnostics::{Finding, Rule};
use crate::semantic::Model;
use crate::semantic::model::{
    Builtin, Callee, DeclaredUnit, Formula, FormulaKind, ItemKind, Quantity, Target,
};
use crate::vocabulary::BinaryOp;

use super::common::{self, show_value, value_in};

pub const CHECK: Check = Check {
    rule: Rule::TargetOutOfRange,
    run,
};

/// What a formula computes, judged by its top node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// No formula: the KPI is read from the data.
    Input,
    /// A division.
    Ratio,
    /// A difference: subtraction, negation, `delta`, `growth`.
    Change,
    Other,
}

/// How far references and `fn` calls are followed (formula cycles are reported elsewhere).
const MAX_DEPTH: usize = 32;

fn shape(model: &Model, formula: Option<&Formula>, depth: usize) -> Shape {
    let Some(formula) = formula else {
        return Shape::Input;
    };
    if depth > MAX_DEPTH {
        return Shape::Other;
    }
    match &formula.kind {
        FormulaKind::Binary(BinaryOp::Div, ..) => Shape::Ratio,
        FormulaKind::Binary(BinaryOp::Sub, ..) | FormulaKind::Negate(_) => Shape::Change,
        FormulaKind::Call(Callee::Builtin(Builtin::Delta | Builtin::Growth), _) => Shape::Change,
        FormulaKind::Call(Callee::Function(id), _) => match &model.item(*id).kind {
            ItemKind::Function(function) => shape(model, Some(&function.body), depth + 1),
            _ => Shape::Other,
        },
        FormulaKind::Measure(id) => match model.item(*id).as_measure() {
            Some(measure) => shape(model, measure.formula.as_ref(), depth + 1),
            None => Shape::Other,
        },
        _ => Shape::Other,
    }
}

/// What the unit makes impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bounds {
    /// 0% to 100%.
    Share,
    /// Not below 0: a count ("a number of customers") or a duration.
    NotNegative(&'static str),
    None,
}

const DURATIONS: &[&str] = &["second", "minute", "hour", "day", "week", "month", "year"];

fn bounds(unit: &DeclaredUnit, shape: Shape) -> Bounds {
    if unit.is_percent {
        return match shape {
            Shape::Input | Shape::Ratio => Bounds::Share,
            _ => Bounds::None,
        };
    }
    let word = unit.text.as_str();
    let is_word = !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_');
    let is_currency =
        (word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase())) || word == "currency";
    let singular = word.strip_suffix('s').unwrap_or(word);
    if !is_word || is_currency || singular == "point" || shape == Shape::Change {
        return Bounds::None;
    }
    if DURATIONS.contains(&singular) {
        Bounds::NotNegative("a duration")
    } else {
        Bounds::NotNegative("a count")
    }
}

fn run(cx: &Context, out: &mut Vec<Finding>) {
    for kpi in common::kpis(cx.model) {
        let (Some(target), Some(unit)) = (&kpi.kpi.target, kpi.unit()) else {
            continue;
        };
        let bounds = bounds(unit, shape(cx.model, kpi.measure.formula.as_ref(), 0));
        if bounds == Bounds::None {
            continue;
        }
        let mut judge_one = |what: &dyn Fn() -> String, quantity: &Quantity| {
            if let Some(value) = value_in(quantity, Some(unit))
                && let Some(finding) = judge(kpi.name(), unit, bounds, what, quantity, value)
            {
                out.push(finding);
            }
        };
        match target {
            Target::Value { value, .. } => judge_one(&|| "the target".to_string(), value),
            Target::Range { low, high, .. } => {
                judge_one(&|| "the low end of the target band".to_string(), low);
                judge_one(&|| "the high end of the target band".to_string(), high);
            }
            Target::Milestones(milestones) => {
                for (period, value) in milestones {
                    judge_one(&|| format!("the milestone in {}", period.node), value);
                }
            }
        }
    }
}

/// The finding for one target value, if the unit makes it impossible; `what` names the value
/// ("the target", "the milestone in 2026-06").
fn judge(
    kpi: &str,
    unit: &DeclaredUnit,
    bounds: Bounds,
    what: &dyn Fn() -> String,
    quantity: &Quantity,
    value: f64,
) -> Option<Finding> {
    let impossible = match bounds {
        Bounds::Share => !(0.0..=100.0).contains(&value),
        Bounds::NotNegative(_) => value < 0.0,
        Bounds::None => false,
    };
    if !impossible {
        return None;
    }
    let what = what();
    let shown = show_value(value, Some(unit));
    let plain = if quantity.unit.is_none() {
        format!(
            " (a plain number takes the KPI's unit: `{}` is {shown})",
            quantity.value
        )
    } else {
        String::new()
    };
    let (message, label, help) = match bounds {
        Bounds::Share if value > 100.0 => (
            format!("{what} of KPI `{kpi}` is {shown}, but a share cannot be over 100%"),
            "over 100%",
            format!(
                "a share lies between 0% and 100%{plain}; if the KPI is a rate of change, its \
                 formula says so, e.g. `growth(x, 12)` or `a / b - 1`"
            ),
        ),
        Bounds::Share if value < 0.0 => (
            format!("{what} of KPI `{kpi}` is {shown}, but a share cannot be under 0%"),
            "under 0%",
            format!(
                "a share lies between 0% and 100%{plain}; if the KPI is a change, its formula \
                 says so, e.g. `growth(x, 12)` or `a - b`"
            ),
        ),
        Bounds::NotNegative(kind) if value < 0.0 => (
            format!(
                "{what} of KPI `{kpi}` is {shown}, but {kind} in {} cannot be negative",
                unit.text
            ),
            "negative",
            format!(
                "give a target of 0 {} or more; if the KPI measures a change, its formula says \
                 so, e.g. `delta(x)` or `a - b`",
                unit.text
            ),
        ),
        _ => return None,
    };
    Some(
        Finding::new(Rule::TargetOutOfRange, quantity.span, message)
            .label(label)
            .help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};
    use crate::unit::Unit;

    fn unit(text: &str) -> DeclaredUnit {
        let is_percent = text == "%";
        let unit = if is_percent {
            Unit::dimensionless()
        } else {
            Unit::from_expr(&crate::vocabulary::UnitExpr {
                first: text.to_string(),
                rest: Vec::new(),
                span: Span::new(FileId(0), 0..0),
            })
        };
        DeclaredUnit {
            text: text.to_string(),
            unit,
            is_percent,
            span: Span::new(FileId(0), 0..0),
        }
    }

    #[test]
    fn shares_are_inputs_and_ratios() {
        assert_eq!(bounds(&unit("%"), Shape::Input), Bounds::Share);
        assert_eq!(bounds(&unit("%"), Shape::Ratio), Bounds::Share);
        assert_eq!(bounds(&unit("%"), Shape::Change), Bounds::None);
        assert_eq!(bounds(&unit("%"), Shape::Other), Bounds::None);
    }

    #[test]
    fn counts_and_durations_but_not_money_or_points() {
        assert_eq!(
            bounds(&unit("customers"), Shape::Input),
            Bounds::NotNegative("a count")
        );
        assert_eq!(
            bounds(&unit("count"), Shape::Other),
            Bounds::NotNegative("a count")
        );
        assert_eq!(
            bounds(&unit("days"), Shape::Ratio),
            Bounds::NotNegative("a duration")
        );
        assert_eq!(bounds(&unit("customers"), Shape::Change), Bounds::None);
        assert_eq!(bounds(&unit("EUR"), Shape::Input), Bounds::None);
        assert_eq!(bounds(&unit("currency"), Shape::Input), Bounds::None);
        assert_eq!(bounds(&unit("points"), Shape::Input), Bounds::None);
    }
}
