//! The builtin functions of formulas (`lag`, `delta`, `growth`, `sum_over`, `avg_over`, `ytd`,
//! `min`, `max`, `abs`, `round`, `clamp`, `coalesce`), evaluated in a period.

use super::{Evaluator, binary, finite};
use crate::eval::aggregate::{aggregate, effective_aggregate};
use crate::eval::missing::{Missing, Value};
use crate::eval::periods;
use crate::period::Period;
use crate::semantic::model::{Builtin, Formula, FormulaKind};
use crate::vocabulary::{Aggregate, BinaryOp};

/// The longest window `sum_over`/`avg_over` accept (about 27 years of days); longer is invalid.
const MAX_WINDOW: i64 = 10_000;

impl<'m> Evaluator<'m> {
    pub(super) fn builtin(
        &mut self,
        builtin: Builtin,
        args: &'m [Formula],
        env: u32,
        period: Period,
    ) -> Value {
        let arg = |index: usize| args.get(index).ok_or(Missing::Invalid);
        match builtin {
            Builtin::Lag => {
                let back = self.look_back(builtin, args.get(1), env)?;
                self.lagged(arg(0)?, env, period, back, builtin)
            }
            Builtin::Delta => {
                let now = self.eval(arg(0)?, env, period);
                let back = self.look_back(builtin, None, env)?;
                let before = self.lagged(arg(0)?, env, period, back, builtin);
                binary(BinaryOp::Sub, now, before)
            }
            Builtin::Growth => {
                let back = self.look_back(builtin, args.get(1), env)?;
                let now = self.eval(arg(0)?, env, period);
                let before = self.lagged(arg(0)?, env, period, back, builtin);
                let ratio = binary(BinaryOp::Div, now, before)?;
                finite(ratio - 1.0)
            }
            Builtin::SumOver | Builtin::AvgOver => {
                let n = self.count(arg(1)?, env)?;
                self.window(arg(0)?, env, period, n, builtin)
            }
            Builtin::Ytd => self.ytd(arg(0)?, env, period),
            Builtin::Min | Builtin::Max => {
                let a = self.eval(arg(0)?, env, period);
                let b = self.eval(arg(1)?, env, period);
                let (a, b) = (a?, b?);
                Ok(if builtin == Builtin::Min {
                    a.min(b)
                } else {
                    a.max(b)
                })
            }
            Builtin::Abs => self.eval(arg(0)?, env, period).map(f64::abs),
            Builtin::Round => {
                let digits = self.count(arg(1)?, env)?;
                self.eval(arg(0)?, env, period)
                    .map(|value| round(value, digits))
            }
            Builtin::Clamp => {
                let x = self.eval(arg(0)?, env, period);
                let low = self.eval(arg(1)?, env, period);
                let high = self.eval(arg(2)?, env, period);
                let (x, low, high) = (x?, low?, high?);
                Ok(x.max(low).min(high))
            }
            Builtin::Coalesce => {
                let x = self.eval(arg(0)?, env, period);
                let y = self.eval(arg(1)?, env, period);
                x.or(y)
            }
        }
    }

    /// How many periods back `builtin` reads ([`Builtin::look_back`]), given its whole-number
    /// argument `n` when it takes one.
    fn look_back(
        &self,
        builtin: Builtin,
        n: Option<&'m Formula>,
        env: u32,
    ) -> Result<i64, Missing> {
        let n = match n {
            // Beyond u32::MAX periods is beyond the calendar anyway.
            Some(n) => u32::try_from(self.count(n, env)?).unwrap_or(u32::MAX),
            None => 0,
        };
        Ok(i64::from(builtin.look_back(n).periods))
    }

    /// A whole-number literal argument (`n` of `lag`, `digits` of `round`), followed through
    /// the parameters of `fn`s to the literal given at the call.
    fn count(&self, formula: &'m Formula, env: u32) -> Result<i64, Missing> {
        match &self.argument(formula, env)?.kind {
            FormulaKind::Number(value, _) if value.fract() == 0.0 && *value >= 0.0 => {
                i64::try_from(*value as u64).map_err(|_| Missing::Invalid)
            }
            _ => Err(Missing::Invalid),
        }
    }

    /// `x` n periods before `period`; where it has no data, the reason is that this function
    /// needs that period: `needs 2025-12 (lag)`.
    fn lagged(&mut self, x: &'m Formula, env: u32, period: Period, n: i64, why: Builtin) -> Value {
        let Some(earlier) = period.offset(-n) else {
            return Err(Missing::NoData);
        };
        match self.eval(x, env, earlier) {
            Err(Missing::NoData) => Err(Missing::Needs {
                period: earlier,
                why,
            }),
            value => value,
        }
    }

    /// `sum_over(x, n)` or `avg_over(x, n)`: over `period` and the n - 1 before it, all of which
    /// must have a value. Where some do not: this period's reason, else the earliest missing
    /// one's (no data there reads `needs 2025-11 (sum_over)`).
    fn window(&mut self, x: &'m Formula, env: u32, period: Period, n: i64, why: Builtin) -> Value {
        if n == 0 {
            return if why == Builtin::SumOver {
                Ok(0.0)
            } else {
                Err(Missing::DivisionByZero)
            };
        }
        if n > MAX_WINDOW {
            return Err(Missing::Invalid);
        }
        let now = self.eval(x, env, period);
        let mut total = 0.0;
        let mut missing = None;
        let earliest = i64::from(why.look_back(n as u32).periods);
        for back in (1..=earliest).rev() {
            let value = match period.offset(-back) {
                Some(earlier) => self.eval(x, env, earlier).map_err(|reason| match reason {
                    Missing::NoData => Missing::Needs {
                        period: earlier,
                        why,
                    },
                    reason => reason,
                }),
                None => Err(Missing::NoData),
            };
            match value {
                Ok(value) => total += value,
                Err(reason) => {
                    missing.get_or_insert(reason);
                }
            }
        }
        total += now?;
        if let Some(reason) = missing {
            return Err(reason);
        }
        finite(if why == Builtin::SumOver {
            total
        } else {
            total / n as f64
        })
    }

    /// `ytd(x)`: `x` aggregated with its own aggregate over the periods of the financial year up
    /// to `period`, skipping those without a value; none when `x` has none in `period` itself.
    fn ytd(&mut self, x: &'m Formula, env: u32, period: Period) -> Value {
        let id = self.measure_argument(x, env)?;
        let how = self.measure(id).map_or(Aggregate::Sum, effective_aggregate);
        let now = self.reference(id, period);
        let year = periods::year_to_date(period, self.year_start);
        let mut values = Vec::with_capacity(year.len());
        for earlier in &year[..year.len().saturating_sub(1)] {
            if let Ok(value) = self.reference(id, *earlier) {
                values.push(value);
            }
        }
        values.push(now?);
        finite(aggregate(how, values).expect("at least this period's value"))
    }
}

/// `round(x, digits)`: half away from zero, as the number reads in decimal (`round(1.005, 2)`
/// is 1.01, although 1.005 is stored as 1.00499…).
pub fn round(value: f64, digits: i64) -> f64 {
    if digits > 15 {
        return value;
    }
    let factor = 10f64.powi(digits as i32);
    let scaled = value * factor;
    if !scaled.is_finite() || scaled.abs() >= 2f64.powi(52) {
        return value;
    }
    // A few units in the last place away from zero, to undo the error of the binary fraction.
    let nudged = scaled + scaled * (4.0 * f64::EPSILON);
    nudged.round() / factor
}

#[cfg(test)]
mod tests {
    use super::round;

    #[test]
    fn round_half_away_from_zero_as_written() {
        assert_eq!(round(2.5, 0), 3.0);
        assert_eq!(round(-2.5, 0), -3.0);
        assert_eq!(round(2.4, 0), 2.0);
        assert_eq!(round(1.005, 2), 1.01);
        assert_eq!(round(2.675, 2), 2.68);
        assert_eq!(round(0.12345, 2), 0.12);
        assert_eq!(round(-0.125, 2), -0.13);
        assert_eq!(round(1234.5678, 0), 1235.0);
        assert_eq!(round(1e300, 2), 1e300);
        assert_eq!(round(0.1 + 0.2, 20), 0.1 + 0.2);
    }
}
