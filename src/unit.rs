//! Units of measure reduced to dimensions, for unit-checking formulas.
//!
//! `%` and plain numbers are dimensionless; `EUR`, `days`, `customers` are base units; `/` and
//! `*` combine them. Words are compared singular and plural alike (`customer` = `customers`).

use std::collections::BTreeMap;
use std::fmt;

use crate::vocabulary::{UnitExpr, UnitOp};

/// A dimension: base units with their exponents. Empty means dimensionless.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Unit {
    exponents: BTreeMap<String, i32>,
}

impl Unit {
    pub fn dimensionless() -> Unit {
        Unit::default()
    }

    /// The dimension of a unit as written (`%` is dimensionless).
    pub fn from_expr(expr: &UnitExpr) -> Unit {
        let mut unit = Unit::atom(&expr.first);
        for (op, atom) in &expr.rest {
            let atom = Unit::atom(atom);
            unit = match op {
                UnitOp::Mul => unit.mul(&atom),
                UnitOp::Div => unit.div(&atom),
            };
        }
        unit
    }

    fn atom(word: &str) -> Unit {
        if word == "%" {
            return Unit::dimensionless();
        }
        Unit {
            exponents: BTreeMap::from([(canonical_word(word), 1)]),
        }
    }

    pub fn is_dimensionless(&self) -> bool {
        self.exponents.is_empty()
    }

    pub fn mul(&self, other: &Unit) -> Unit {
        self.combine(other, 1)
    }

    pub fn div(&self, other: &Unit) -> Unit {
        self.combine(other, -1)
    }

    fn combine(&self, other: &Unit, sign: i32) -> Unit {
        let mut exponents = self.exponents.clone();
        for (word, exponent) in &other.exponents {
            let entry = exponents.entry(word.clone()).or_insert(0);
            *entry += sign * exponent;
            if *entry == 0 {
                exponents.remove(word);
            }
        }
        Unit { exponents }
    }
}

/// `customers` → `customer`, `days` → `day`; currency codes and other capitalised words stay.
fn canonical_word(word: &str) -> String {
    let is_code = word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase());
    if is_code {
        return word.to_string();
    }
    match word.strip_suffix('s') {
        // `status`, `bus`, `analysis`: words ending in -us, -ss, -is are not plurals.
        Some(singular) if singular.len() > 1 && !singular.ends_with(['s', 'u', 'i']) => {
            singular.to_string()
        }
        _ => word.to_string(),
    }
}

impl fmt::Display for Unit {
    /// `EUR/customer`, `EUR*day`, `EUR/(customer*day)`; a dimensionless unit is "no unit".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_dimensionless() {
            return f.write_str("no unit");
        }
        let part = |positive: bool| -> Vec<String> {
            self.exponents
                .iter()
                .filter(|(_, exponent)| (**exponent > 0) == positive)
                .map(|(word, exponent)| match exponent.abs() {
                    1 => word.clone(),
                    n => format!("{word}^{n}"),
                })
                .collect()
        };
        let (numerator, denominator) = (part(true), part(false));
        let numerator = if numerator.is_empty() {
            "1".to_string()
        } else {
            numerator.join("*")
        };
        match denominator.len() {
            0 => f.write_str(&numerator),
            1 => write!(f, "{numerator}/{}", denominator[0]),
            _ => write!(f, "{numerator}/({})", denominator.join("*")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn unit(first: &str, rest: &[(UnitOp, &str)]) -> Unit {
        let span = Span::new(FileId(0), 0..0);
        let rest = rest
            .iter()
            .map(|(op, word)| (*op, word.to_string()))
            .collect();
        Unit::from_expr(&UnitExpr {
            first: first.to_string(),
            rest,
            span,
        })
    }

    #[test]
    fn plural_and_singular_are_one_unit() {
        assert_eq!(unit("customers", &[]), unit("customer", &[]));
        assert_eq!(unit("days", &[]), unit("day", &[]));
        assert_ne!(unit("EUR", &[]), unit("USD", &[]));
        assert_eq!(unit("status", &[]).to_string(), "status");
    }

    #[test]
    fn ratios_of_equal_units_are_dimensionless_like_percent() {
        let eur = unit("EUR", &[]);
        assert!(eur.div(&eur).is_dimensionless());
        assert_eq!(unit("%", &[]), Unit::dimensionless());
    }

    #[test]
    fn compound_units_combine_and_print() {
        let per_customer = unit("EUR", &[(UnitOp::Div, "customer")]);
        assert_eq!(per_customer.to_string(), "EUR/customer");
        assert_eq!(per_customer.mul(&unit("customers", &[])), unit("EUR", &[]));
        let per_customer_day = per_customer.div(&unit("days", &[]));
        assert_eq!(per_customer_day.to_string(), "EUR/(customer*day)");
        assert_eq!(
            Unit::dimensionless().div(&unit("days", &[])).to_string(),
            "1/day"
        );
    }
}
