//! The geometry of a KPI's figures, drawn as inline SVG by the templates: the chart of actuals
//! against the plan with the green and amber bands and the deadline, the sparkline of the
//! scorecard table and the bullet graph of one period.
//!
//! Coordinates are written with at most one decimal, and only the numbers the script needs to
//! move a figure to another period are embedded for it (the x of each period; the bullet's
//! positions), so that a page of thousands of KPIs stays small.

//!
//! - [`chart`](mod@chart): the chart of a KPI over its span;
//! - [`sparkline`](mod@sparkline): the table's sparkline;
//! - [`bullet`]: the bullet graph of one period.
//!
//! This module holds what they share: coordinates, axes, paths and round-numbered ticks.

mod bullet;
mod chart;
mod sparkline;

pub use bullet::{BulletAt, BulletScale, Segment};
pub use chart::{Chart, chart};
pub use sparkline::{Sparkline, sparkline, values_sparkline};

use std::fmt::Write as _;

use serde::Serialize;

use super::format;

/// A coordinate with at most one decimal: `12`, `12.5`.
pub fn coordinate(value: f64) -> String {
    // In tenths, with integer arithmetic: charts write hundreds of thousands of coordinates.
    let tenths = (value * 10.0).round() as i64;
    let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
    let sign = if tenths < 0 { "-" } else { "" };
    if tenth == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{tenth}")
    }
}

fn push_point(path: &mut String, command: char, x: f64, y: f64) {
    let _ = write!(path, "{command}{} {}", coordinate(x), coordinate(y));
}

/// The smallest and largest of `values`, widened by `pad` of their span on each side (a span of
/// zero becomes ±10% of the value, or ±1 around zero); `None` without finite values.
fn extent(values: impl Iterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (low, high) =
        values
            .filter(|v| v.is_finite())
            .fold(None, |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((low, high)) => Some((low.min(v), high.max(v))),
            })?;
    let span = high - low;
    if span > 0.0 {
        Some((low - pad * span, high + pad * span))
    } else {
        let half = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
        Some((low - half, high + half))
    }
}

/// Maps values in `[low, high]` onto `[from, to]` (either way round), clamping outside values.
#[derive(Clone, Copy, Debug)]
struct Axis {
    low: f64,
    high: f64,
    from: f64,
    to: f64,
}

impl Axis {
    fn at(&self, value: f64) -> f64 {
        let share = ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0);
        self.from + share * (self.to - self.from)
    }
}

#[derive(Serialize, Debug)]
pub struct Tick {
    pub at: String,
    pub label: String,
    /// `start`, `middle` or `end`: a label at an edge of the chart is kept inside it.
    pub anchor: &'static str,
}

/// Path data through `points`, a gap where a point is `None` (`M` starts each run).
fn polyline(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut path = String::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, path: &mut String| {
        for (at, (x, y)) in simplify(run).into_iter().enumerate() {
            push_point(path, if at == 0 { 'M' } else { 'L' }, x, y);
        }
        run.clear();
    };
    for point in points {
        match point {
            Some(point) => run.push(point),
            None => flush(&mut run, &mut path),
        }
    }
    flush(&mut run, &mut path);
    path
}

/// Path data through every one of `points`, kept all (each gets the marker's dot); a point alone
/// between gaps is a zero-length line, so that it has a vertex to mark.
fn dotted_polyline(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut path = String::new();
    let mut run = 0;
    for point in points.chain([None]) {
        match point {
            Some((x, y)) => {
                push_point(&mut path, if run == 0 { 'M' } else { 'L' }, x, y);
                run += 1;
            }
            None => {
                if run == 1 {
                    path.push_str("h0");
                }
                run = 0;
            }
        }
    }
    path
}

/// `points` without those that lie on the straight line between their neighbours (a plan
/// between milestones, a constant band): fewer bytes, the same drawing.
fn simplify(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let on_line = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        ((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)).abs() < 1e-6
    };
    let mut kept = Vec::with_capacity(points.len());
    for (at, &point) in points.iter().enumerate() {
        let interior = at > 0 && at + 1 < points.len();
        if !(interior && on_line(points[at - 1], point, points[at + 1])) {
            kept.push(point);
        }
    }
    kept
}

/// Four to six round-numbered ticks between `low` and `high`.
fn y_ticks(low: f64, high: f64, y: &Axis) -> Vec<Tick> {
    let raw = (high - low) / 5.0;
    if !raw.is_finite() || raw <= 0.0 {
        return Vec::new();
    }
    let mut exponent = raw.log10().floor();
    let mut mantissa = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|&m| m * 10f64.powf(exponent) >= raw)
        .unwrap_or(10.0);
    if mantissa == 10.0 {
        (mantissa, exponent) = (1.0, exponent + 1.0);
    }
    let step = mantissa * 10f64.powf(exponent);
    let decimals = (-exponent).max(0.0) as usize + usize::from(mantissa == 2.5);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .take(12)
        .map(|k| {
            let value = k as f64 * step;
            Tick {
                at: coordinate(y.at(value)),
                label: format::number(value, decimals),
                anchor: "end",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        assert_eq!(coordinate(12.0), "12");
        assert_eq!(coordinate(12.04), "12");
        assert_eq!(coordinate(12.25), "12.3");
        assert_eq!(coordinate(-3.5), "-3.5");
        assert_eq!(coordinate(-0.04), "0");
        assert_eq!(coordinate(-0.45), "-0.5");
    }

    #[test]
    fn points_on_a_straight_line_between_their_neighbours_are_left_out() {
        let line = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 2.0), (4.0, 2.0)];
        assert_eq!(simplify(&line), [(0.0, 0.0), (2.0, 2.0), (4.0, 2.0)]);
        let path = polyline(
            [
                Some((0.0, 1.0)),
                Some((1.0, 1.0)),
                Some((2.0, 1.0)),
                None,
                Some((4.0, 5.0)),
            ]
            .into_iter(),
        );
        assert_eq!(path, "M0 1L2 1M4 5");
        let dotted = dotted_polyline(
            [Some((0.0, 1.0)), Some((1.0, 1.0)), None, Some((4.0, 5.0))].into_iter(),
        );
        assert_eq!(dotted, "M0 1L1 1M4 5h0");
    }

    #[test]
    fn extent_widens_a_zero_span() {
        assert_eq!(extent([5.0, 5.0].into_iter(), 0.1), Some((4.5, 5.5)));
        assert_eq!(extent([0.0].into_iter(), 0.1), Some((-1.0, 1.0)));
        assert_eq!(extent([f64::NAN].into_iter(), 0.1), None);
        assert_eq!(extent([0.0, 10.0].into_iter(), 0.1), Some((-1.0, 11.0)));
    }

    #[test]
    fn ticks_are_round_numbers_inside_the_range() {
        let axis = Axis {
            low: 36.1,
            high: 40.2,
            from: 190.0,
            to: 12.0,
        };
        let labels: Vec<String> = y_ticks(36.1, 40.2, &axis)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(labels, ["37", "38", "39", "40"]);
        let axis = Axis {
            low: 1.2,
            high: 1.95,
            ..axis
        };
        let labels: Vec<String> = y_ticks(1.2, 1.95, &axis)
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(labels, ["1.2", "1.4", "1.6", "1.8"]);
    }
}
