//! Step 3: units. Every formula's unit is inferred and compared with the declared one; values in
//! targets, baselines and thresholds must be in the KPI's unit.

use std::collections::HashMap;

use super::model::*;
use crate::diagnostics::{Finding, Rule};
use crate::unit::Unit;
use crate::vocabulary::BinaryOp;

pub fn check(model: &Model, findings: &mut Vec<Finding>) {
    let mut inference = Inference {
        model,
        findings,
        calls: Vec::new(),
        function_units: HashMap::new(),
    };
    for item in &model.items {
        let Some(measure) = item.as_measure() else {
            continue;
        };
        if let Some(formula) = &measure.formula {
            // Without a declared unit there is nothing to compare with, but the formula itself
            // must still add up.
            let unit = inference.unit(formula, &[]);
            if let (Some(unit), Some(declared)) = (unit, &measure.unit)
                && unit != declared.unit
            {
                inference
                    .findings
                    .push(formula_mismatch(item, formula, &unit, declared));
            }
        }
        match (&measure.kpi, &measure.unit) {
            (Some(kpi), Some(declared)) => {
                for value in kpi.values() {
                    check_value(value, declared, inference.findings);
                }
            }
            (Some(kpi), None) => check_values_without_unit(item, kpi, inference.findings),
            _ => {}
        }
    }
    for item in &model.items {
        if let ItemKind::Function(function) = &item.kind {
            // Parameters have no unit of their own: check what does not depend on them.
            inference.unit(&function.body, &vec![None; function.params.len()]);
        }
    }
}

fn formula_mismatch(
    item: &Item,
    formula: &Formula,
    unit: &Unit,
    declared: &DeclaredUnit,
) -> Finding {
    Finding::new(
        Rule::UnitMismatch,
        formula.span,
        format!(
            "the formula of `{}` gives {}, but its unit is {}",
            item.id.node,
            describe(unit),
            declared.text
        ),
    )
    .label(format!("this is in {}", describe(unit)))
    .with_secondary(declared.span, format!("declared as {}", declared.text))
    .help("change the declared unit, or the formula so that its unit matches")
}

/// "EUR", "no unit (a plain number or %)"
fn describe(unit: &Unit) -> String {
    if unit.is_dimensionless() {
        "a plain number (no unit, or %)".to_string()
    } else {
        unit.to_string()
    }
}

fn check_value(value: &Quantity, declared: &DeclaredUnit, findings: &mut Vec<Finding>) {
    let Some(unit) = &value.unit else { return };
    if unit.unit != declared.unit {
        let finding = Finding::new(
            Rule::UnitMismatch,
            unit.span,
            format!(
                "{} is in {}, but the KPI's unit is {}",
                value, unit.text, declared.text
            ),
        )
        .label(format!("in {}", unit.text))
        .with_secondary(declared.span, format!("the KPI is in {}", declared.text))
        .help(format!(
            "write the value in {} (a plain number takes the KPI's unit)",
            declared.text
        ));
        findings.push(finding);
    }
}

/// Values with a unit, of a KPI that declares none: they would be compared with actuals of no
/// known scale (`5%` with 0.053), so the KPI's unit is wrong, not merely missing. One finding a
/// KPI, at its first such value.
fn check_values_without_unit(item: &Item, kpi: &KpiPart, findings: &mut Vec<Finding>) {
    let values = kpi.values();
    let mut with_unit = values
        .iter()
        .filter_map(|value| Some((*value, value.unit.as_ref()?)));
    let Some((first, unit)) = with_unit.next() else {
        return;
    };
    let mut finding = Finding::new(
        Rule::UnitMismatch,
        unit.span,
        format!(
            "{first} is in {}, but the KPI `{}` has no unit",
            unit.text, item.id.node
        ),
    )
    .label(format!("in {}", unit.text))
    .with_secondary(item.id.span, "declared without a unit")
    .help(format!(
        "declare the KPI's unit: `unit {}` (its actuals are then read in it too)",
        unit.text
    ));
    for (_, other) in with_unit {
        finding = finding.with_secondary(other.span, format!("in {}", other.text));
    }
    findings.push(finding);
}

/// Infers units bottom-up. `None` is "unknown" (an input without a unit, an unresolved name):
/// nothing is reported about an unknown unit, so one missing unit does not cascade.
struct Inference<'a> {
    model: &'a Model,
    findings: &'a mut Vec<Finding>,
    /// The functions being inferred, to stop on recursion (reported as a formula cycle).
    calls: Vec<ItemId>,
    /// The unit of each function for the argument units it was called with: each combination is
    /// inferred (and its mismatches reported) once, however often and deeply it is called.
    function_units: HashMap<(ItemId, Vec<Option<Unit>>), Option<Unit>>,
}

impl Inference<'_> {
    fn unit(&mut self, formula: &Formula, params: &[Option<Unit>]) -> Option<Unit> {
        match &formula.kind {
            FormulaKind::Number(_, unit) => Some(unit.clone()),
            FormulaKind::Measure(id) => self
                .model
                .item(*id)
                .as_measure()?
                .unit
                .as_ref()
                .map(|u| u.unit.clone()),
            FormulaKind::Param(index) => params.get(*index).cloned().flatten(),
            FormulaKind::Invalid => None,
            FormulaKind::Negate(operand) => self.unit(operand, params),
            FormulaKind::Binary(op, left, right) => {
                let (left_unit, right_unit) = (self.unit(left, params), self.unit(right, params));
                match op {
                    BinaryOp::Add | BinaryOp::Sub => {
                        let verb = if *op == BinaryOp::Add {
                            "add"
                        } else {
                            "subtract"
                        };
                        self.same(verb, &[(left, left_unit), (right, right_unit)])
                    }
                    BinaryOp::Mul => Some(left_unit?.mul(&right_unit?)),
                    BinaryOp::Div => Some(left_unit?.div(&right_unit?)),
                }
            }
            FormulaKind::Call(Callee::Builtin(builtin), args) => {
                self.builtin(*builtin, args, params)
            }
            FormulaKind::Call(Callee::Function(id), args) => {
                let arg_units: Vec<Option<Unit>> =
                    args.iter().map(|arg| self.unit(arg, params)).collect();
                let ItemKind::Function(function) = &self.model.item(*id).kind else {
                    return None;
                };
                let key = (*id, arg_units.clone());
                if let Some(unit) = self.function_units.get(&key) {
                    return unit.clone();
                }
                if self.calls.contains(id) {
                    return None;
                }
                self.calls.push(*id);
                let before = self.findings.len();
                let unit = self.unit(&function.body, &arg_units);
                self.calls.pop();
                // A mismatch that depends on the arguments is the caller's: say so at the call.
                if self.findings.len() > before {
                    let inner = self.findings.split_off(before).remove(0);
                    let name = &self.model.item(*id).id.node;
                    let finding = Finding::new(
                        Rule::UnitMismatch,
                        formula.span,
                        format!("calling `{name}` with these arguments: {}", inner.message),
                    )
                    .label("units of the arguments do not fit")
                    .with_secondary(inner.primary.span, "inside the function, here")
                    .help("check the units of the arguments against what the function computes");
                    self.findings.push(finding);
                }
                self.function_units.insert(key, unit.clone());
                unit
            }
        }
    }

    fn builtin(
        &mut self,
        builtin: Builtin,
        args: &[Formula],
        params: &[Option<Unit>],
    ) -> Option<Unit> {
        let units: Vec<Option<Unit>> = args.iter().map(|arg| self.unit(arg, params)).collect();
        match builtin {
            Builtin::Growth => Some(Unit::dimensionless()),
            Builtin::Min | Builtin::Max | Builtin::Coalesce | Builtin::Clamp => {
                let operands: Vec<(&Formula, Option<Unit>)> = args.iter().zip(units).collect();
                self.same(&format!("compare in `{}`", builtin.name()), &operands)
            }
            _ => units.into_iter().next().flatten(),
        }
    }

    /// Operands that must share a unit; reports the first that differs from the first known one.
    fn same(&mut self, verb: &str, operands: &[(&Formula, Option<Unit>)]) -> Option<Unit> {
        let known: Vec<(&Formula, &Unit)> = operands
            .iter()
            .filter_map(|(f, u)| Some((*f, u.as_ref()?)))
            .collect();
        let (first_formula, first_unit) = *known.first()?;
        if let Some((other_formula, other_unit)) =
            known.iter().find(|(_, unit)| *unit != first_unit)
        {
            // The operand that differs carries the finding; the first one says what it differs from.
            let finding = Finding::new(
                Rule::UnitMismatch,
                other_formula.span,
                format!("cannot {verb} {} and {}", describe(first_unit), describe(other_unit)),
            )
            .label(format!("this is in {}", describe(other_unit)))
            .with_secondary(first_formula.span, format!("this is in {}", describe(first_unit)))
            .help("only values of the same unit can be added, subtracted or compared; check the formula or the units of its inputs");
            self.findings.push(finding);
            return None;
        }
        if known.len() < operands.len() {
            return None;
        }
        Some(first_unit.clone())
    }
}
