//! Evaluation: the value of every metric and KPI in every period, from the observations of the
//! data files (SCORING.md, "Periods and aggregation"; LANGUAGE.md, "Formulas").
//!
//! - [`periods`]: the report's periods, a KPI's periods, financial years and the periods
//!   `ytd` covers.
//! - [`aggregate`]: an input's observations aggregated up to the grain of evaluation with its
//!   `aggregate` (default `avg` for `%` and for units containing `/`, else `sum`).
//! - [`Evaluator`]: formulas computed per period on the aggregated inputs (a ratio KPI is a ratio
//!   of sums), with every built-in function and `fn` helper, memoized per (measure, period).
//! - [`Missing`]: why a period has no value, with the report's texts.
//!
//! # Representation
//! - **Percent.** Inside evaluation a `%` value is a fraction, as in formulas (`5%` is the number
//!   0.05 and `(revenue - cogs) / revenue` is 0.38): an input with a `%` unit, written 42 in its
//!   data file, is read as 0.42. [`Evaluator::value`] returns that internal number;
//!   [`Evaluator::display_value`], [`Evaluator::kpi_value`] and [`aggregate::to_display`] turn it
//!   into the display unit (42) for the report; [`aggregate::from_written`] goes the other way.
//! - **Grains.** A period carries its grain, and the grain of the period asked for is the grain of
//!   evaluation: every measure a formula names is evaluated at that same grain (a monthly KPI
//!   using another KPI gets that KPI's monthly value, whatever its own frequency). A KPI on its
//!   own is evaluated at its `frequency`, else the scorecard's ([`periods::measure_grain`]).
//! - **Inputs.** Observations at the grain of evaluation or finer are aggregated into the period
//!   that holds them (a week belongs to the period holding its Thursday); coarser observations
//!   are not split, the period has no value ("no monthly value: the input is quarterly").
//!
//! # Semantics decided here where the spec is silent
//! - `lag(x, n)`, `delta`, `growth`, `sum_over`, `avg_over`: where an earlier period has no data
//!   the value is missing as "needs PERIOD (FUNCTION)", naming that period, whether it lies before
//!   the report's first period or in a gap of the data; other reasons (division by zero) pass
//!   through.
//! - `growth(x, n)` with a zero base is a division by zero.
//! - `sum_over(x, n)` and `avg_over(x, n)` need all n periods: one without a value makes the
//!   result missing (this period's reason first, else the earliest missing period's);
//!   `sum_over(x, 0)` is 0 and `avg_over(x, 0)` a division by zero; more than 10,000 periods is
//!   invalid.
//! - `ytd(x)` aggregates `x` with its effective aggregate (written or default) over the periods of
//!   the evaluation grain from the first of the financial year (`year_start`) to this one,
//!   skipping earlier periods without a value; when `x` has no value in this period itself, nor
//!   has `ytd(x)` (so that future periods stay empty). A period belongs to the financial year
//!   holding its last day (a week: its Thursday).
//! - `min`, `max`, `clamp` need every argument; `clamp(x, lo, hi)` is `min(max(x, lo), hi)`, so
//!   `hi` wins when `lo > hi`.
//! - `round(x, digits)` rounds half away from zero, as the number reads in decimal
//!   (`round(1.005, 2)` is 1.01); it rounds the internal number, so a share of 38.456% (0.38456)
//!   needs `round(x, 3)` to become 38.5%.
//! - `coalesce(x, y)` is `y`, with `y`'s reason, wherever `x` has no value.
//! - A KPI (or metric) whose formula is just an input's id and that has an `aggregate` of its own
//!   (written, or taken through `extends`) aggregates that input with it: `kpi closing extends
//!   balance { aggregate last }` is the last balance of the quarter whatever `balance` says.
//! - A `fn` helper's parameters stand for the arguments as written, evaluated where they are
//!   written at the period the body asks for: `fn prev(x) = lag(x, 1)` applied to `a / b` is
//!   `lag(a / b, 1)`.
//! - A result that is not a finite number is missing ("too large a number"); a formula with an
//!   unresolved part or on a formula cycle has no value ("the formula has an error", "the formula
//!   refers to itself"), never a loop.

pub mod aggregate;
mod as_of;
mod evaluator;
mod missing;
pub mod orgs;
pub mod periods;

pub use as_of::{completed_by, latest_with_actual};
pub use evaluator::{Evaluated, Evaluator, round};
pub use missing::{Missing, Value};

#[cfg(test)]
mod tests;
