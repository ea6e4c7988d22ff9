//! The bullet graph of one period: the actual as a bar and the plan as a mark against the red,
//! amber and green bands, on a scale fixed over the periods the reader can pick.

use serde::Serialize;

use super::{Axis, Tick, extent, y_ticks};
use crate::report::html::figures::{Reading, bound_values};
use crate::report::{Bound, KpiJson};
use crate::vocabulary::Direction;

const BULLET_WIDTH: f64 = 300.0;

/// The fixed scale of a KPI's bullet graph over every period the reader can pick, so that a
/// change of period moves the bar and not the scale.
#[derive(Clone, Copy, Debug)]
pub struct BulletScale {
    axis: Axis,
    direction: Shape,
}

/// How far above zero the smallest value of a bullet graph may be for its scale to start at
/// zero: a bar from zero shows the actual's size truly; a scale from zero that squeezes the
/// values into the last quarter shows nothing, so such a scale starts near them and says so.
const ZERO_BASED_UP_TO: f64 = 0.75;

/// Where a bullet graph's scale over `[low, high]` starts: at zero when the values are positive
/// and not squeezed by it (see [`ZERO_BASED_UP_TO`]), else at `low`.
fn scale_start(low: f64, high: f64) -> f64 {
    if low > 0.0 && low <= high * ZERO_BASED_UP_TO {
        0.0
    } else {
        low
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// Bounds `[amber, green]`: red, amber, green from the left.
    Up,
    /// Bounds `[green, amber]`: green, amber, red.
    Down,
    /// Bounds `[amber low, green low, green high, amber high]`.
    Range,
}

/// Positions on the bullet graph (0 to [`BULLET_WIDTH`]) of one period: the actual's bar, the
/// plan's mark and the band bounds, left to right.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct BulletAt {
    pub actual: Option<i32>,
    pub plan: Option<i32>,
    pub bounds: Vec<i32>,
}

/// One coloured segment of a bullet graph.
#[derive(Serialize, Debug)]
pub struct Segment {
    pub class: &'static str,
    pub x: i32,
    pub width: i32,
}

impl BulletScale {
    /// The scale over `readings`; `None` when they hold no number.
    pub fn of(kpi: &KpiJson, readings: &[Reading]) -> Option<BulletScale> {
        let values = readings.iter().flat_map(|r| {
            [r.actual, r.plan].into_iter().flatten().chain(
                [r.green, r.amber]
                    .into_iter()
                    .flatten()
                    .flat_map(bound_values),
            )
        });
        let (low, high) = extent(values, 0.05)?;
        let low = scale_start(low, high);
        let direction = match kpi.direction {
            Some(Direction::Down) => Shape::Down,
            Some(Direction::Range) => Shape::Range,
            _ => Shape::Up,
        };
        Some(BulletScale {
            axis: Axis {
                low,
                high,
                from: 0.0,
                to: BULLET_WIDTH,
            },
            direction,
        })
    }

    /// Round values along the scale, at their share of its width in percent.
    pub fn ticks(&self) -> Vec<Tick> {
        let percent = Axis {
            from: 0.0,
            to: 100.0,
            ..self.axis
        };
        let mut ticks = y_ticks(self.axis.low, self.axis.high, &percent);
        let last = ticks.len().saturating_sub(1);
        for (i, tick) in ticks.iter_mut().enumerate() {
            let at: f64 = tick.at.parse().unwrap_or(50.0);
            tick.anchor = match i {
                0 if at < 8.0 => "start",
                _ if i == last && at > 92.0 => "end",
                _ => "middle",
            };
        }
        ticks
    }

    /// Where the scale starts when that is not zero (`None` for a scale from zero).
    pub fn start(&self) -> Option<f64> {
        (self.axis.low != 0.0).then_some(self.axis.low)
    }

    /// The classes of the segments, left to right (their number never changes with the period:
    /// a period without bands gives them zero width).
    pub fn classes(&self) -> &'static [&'static str] {
        match self.direction {
            Shape::Up => &["red", "amber", "green"],
            Shape::Down => &["green", "amber", "red"],
            Shape::Range => &["red", "amber", "green", "amber", "red"],
        }
    }

    pub fn at(&self, reading: &Reading) -> BulletAt {
        let position = |v: f64| self.axis.at(v).round() as i32;
        let mut bounds: Vec<i32> = match (self.direction, reading.green, reading.amber) {
            (Shape::Range, Some(Bound::Pair([gl, gh])), Some(Bound::Pair([al, ah]))) => {
                vec![position(al), position(gl), position(gh), position(ah)]
            }
            (Shape::Up, Some(Bound::Value(g)), Some(Bound::Value(a))) => {
                vec![position(a), position(g)]
            }
            (Shape::Down, Some(Bound::Value(g)), Some(Bound::Value(a))) => {
                vec![position(g), position(a)]
            }
            _ => Vec::new(),
        };
        bounds.sort_unstable();
        BulletAt {
            actual: reading.actual.filter(|v| v.is_finite()).map(position),
            plan: reading.plan.filter(|v| v.is_finite()).map(position),
            bounds,
        }
    }

    /// The segments at `at`: each from the bound before it (or 0) to the bound after it (or
    /// the width); all of zero width without bounds. The script does the same.
    pub fn segments(&self, at: &BulletAt) -> Vec<Segment> {
        let width = BULLET_WIDTH as i32;
        self.classes()
            .iter()
            .enumerate()
            .map(|(i, &class)| {
                let (from, to) = if at.bounds.is_empty() {
                    (0, 0)
                } else {
                    let from = if i == 0 { 0 } else { at.bounds[i - 1] };
                    let to = at.bounds.get(i).copied().unwrap_or(width);
                    (from, to)
                };
                Segment {
                    class,
                    x: from,
                    width: (to - from).max(0),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bullet_scale_starts_at_zero_unless_that_squeezes_the_values() {
        assert_eq!(scale_start(30.0, 100.0), 0.0);
        assert_eq!(scale_start(75.0, 100.0), 0.0);
        assert_eq!(scale_start(90.0, 100.0), 90.0);
        assert_eq!(scale_start(-5.0, 10.0), -5.0);
        let scale = |low: f64| BulletScale {
            axis: Axis {
                low,
                high: 100.0,
                from: 0.0,
                to: BULLET_WIDTH,
            },
            direction: Shape::Up,
        };
        assert_eq!(scale(0.0).start(), None);
        assert_eq!(scale(90.0).start(), Some(90.0));
        // Ticks at their share of the width; those at the edges kept inside.
        let ticks = scale(0.0).ticks();
        let shown: Vec<(&str, &str, &str)> = ticks
            .iter()
            .map(|t| (t.at.as_str(), t.label.as_str(), t.anchor))
            .collect();
        assert_eq!(
            shown,
            [
                ("0", "0", "start"),
                ("20", "20", "middle"),
                ("40", "40", "middle"),
                ("60", "60", "middle"),
                ("80", "80", "middle"),
                ("100", "100", "end"),
            ]
        );
    }
}
