//! Why a value is missing: "no value" is not zero and not an error, but a reason the report shows.

use std::fmt;
use std::sync::Arc;

use crate::period::{Grain, Period};
use crate::semantic::model::Builtin;

/// The value of a measure in a period: a number in the internal representation (a `%` share as a
/// fraction, 42% is 0.42), or the reason there is none.
pub type Value = Result<f64, Missing>;

/// Why a measure has no value in a period. An operation with a missing operand is missing with
/// its first missing operand's reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// No observation of an input inside the period.
    NoData,
    /// A division (or the base of `growth`, or `avg_over` of 0 periods) by zero.
    DivisionByZero,
    /// `lag`, `delta`, `growth`, `sum_over` or `avg_over` reached back to a period without data.
    Needs { period: Period, why: Builtin },
    /// An input cell inside the period held no number; the text says where: `data/actuals.csv:14`.
    BadValue(Arc<str>),
    /// The input is observed only at a coarser grain than the one asked for; it is not split.
    CoarseData { data: Grain, wanted: Grain },
    /// A period aggregated from finer observations whose data ends before its last sub-period
    /// (a quarter with July alone): never compared with the whole period's plan.
    Incomplete { data_ends: Period },
    /// The formula has a part that did not resolve or a bad argument (a finding was reported).
    Invalid,
    /// The formula refers to itself (a `formula-cycle` finding was reported).
    Cycle,
    /// The result is too large to be a finite number.
    Overflow,
}

impl Missing {
    /// The text of the report's `missing` field: `no data`, `division by zero`,
    /// `needs 2025-12 (lag)`, `input bad-value at data/actuals.csv:14`, …
    pub fn message(&self) -> String {
        match self {
            Missing::NoData => "no data".to_string(),
            Missing::DivisionByZero => "division by zero".to_string(),
            Missing::Needs { period, why } => format!("needs {period} ({})", why.name()),
            Missing::BadValue(place) => format!("input bad-value at {place}"),
            Missing::CoarseData { data, wanted } => format!(
                "no {} value: the input is {}",
                wanted.frequency_name(),
                data.frequency_name()
            ),
            Missing::Incomplete { data_ends } => format!("incomplete: data ends {data_ends}"),
            Missing::Invalid => "the formula has an error".to_string(),
            Missing::Cycle => "the formula refers to itself".to_string(),
            Missing::Overflow => "too large a number".to_string(),
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_those_of_the_report() {
        let period = Period::parse("2025-12").unwrap();
        assert_eq!(Missing::NoData.message(), "no data");
        assert_eq!(Missing::DivisionByZero.message(), "division by zero");
        assert_eq!(
            Missing::Needs {
                period,
                why: Builtin::Lag
            }
            .message(),
            "needs 2025-12 (lag)"
        );
        assert_eq!(
            Missing::BadValue("data/actuals.csv:14".into()).to_string(),
            "input bad-value at data/actuals.csv:14"
        );
        assert_eq!(
            Missing::CoarseData {
                data: Grain::Quarter,
                wanted: Grain::Month
            }
            .message(),
            "no monthly value: the input is quarterly"
        );
        assert_eq!(
            Missing::Incomplete {
                data_ends: Period::parse("2026-07").unwrap()
            }
            .message(),
            "incomplete: data ends 2026-07"
        );
    }
}
