//! The geometry of a KPI's figures, drawn as inline SVG by the templates: the chart of actuals
//! against the plan with the green and amber bands and the deadline, the sparkline of the
//! scorecard table and the bullet graph of one period.
//!
//! Coordinates are written with at most one decimal, and only the numbers the script needs to
//! move a figure to another period are embedded for it (the x of each period; the bullet's
//! positions), so that a page of thousands of KPIs stays small.

use std::fmt::Write as _;

use serde::Serialize;

use super::figures::{Reading, bound_values};
use super::format;
use crate::report::{Bound, KpiJson};
use crate::vocabulary::Direction;

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

// ---------------------------------------------------------------------------------------------
// The chart

/// The chart's viewBox is `0 0 640 214`.
const CHART_WIDTH: f64 = 640.0;
/// The least room left of the plot, for the value labels; longer labels get more.
const CHART_LEFT_MIN: f64 = 56.0;
/// The right edge of the plot; the space after it keeps the deadline's diamond whole.
pub const CHART_RIGHT: f64 = 612.0;
/// Above the plot, a line for the unit and the deadline's label.
pub const CHART_TOP: f64 = 26.0;
pub const CHART_BOTTOM: f64 = 190.0;
/// How wide a character of a chart's labels may be, in viewBox units: the page's largest
/// chart font (18 on a phone) times the width of a digit (0.6 em), so that no label is cut off.
const LABEL_CHAR_WIDTH: f64 = 10.8;
/// The space between a chart's cursor and the shade over the periods after it.
const SHADE_GAP: f64 = 4.0;
/// At most this many period labels under a chart.
const CHART_X_LABELS: usize = 6;

#[derive(Serialize, Debug)]
pub struct Chart {
    /// Polygons (`points` lists) of the green and the amber band.
    pub green: Vec<String>,
    pub amber: Vec<String>,
    /// Path data of the plan and the actuals (a marker draws a dot on each actual).
    pub plan: String,
    pub actual: String,
    /// Path data of the horizontal grid lines, at the ticks.
    pub grid: String,
    pub y_ticks: Vec<Tick>,
    /// Where the value labels end (their right edge), left of the plot.
    pub y_label_x: String,
    pub x_ticks: Vec<Tick>,
    pub deadline: Option<Deadline>,
    /// The latest actual, written beside its dot.
    pub latest: Option<PointLabel>,
    /// The plot's top and bottom edges, and its height.
    pub top: String,
    pub bottom: String,
    pub height: String,
    /// The x of series entry `i` is `x0 + i·dx` (for the script's cursor).
    pub x0: String,
    pub dx: String,
    /// The cursor at `as_of`'s entry, and the shade over the periods after it (from a little
    /// right of the cursor, so that the entry's dot stays clear).
    pub cursor: Option<String>,
    pub shade_x: String,
    pub shade_width: String,
}

#[derive(Serialize, Debug)]
pub struct Tick {
    pub at: String,
    pub label: String,
    /// `start`, `middle` or `end`: a label at an edge of the chart is kept inside it.
    pub anchor: &'static str,
}

/// A value written beside a point of the chart.
#[derive(Serialize, Debug)]
pub struct PointLabel {
    pub x: String,
    pub y: String,
    pub anchor: &'static str,
    pub text: String,
}

#[derive(Serialize, Debug)]
pub struct Deadline {
    pub x: String,
    pub label_x: String,
    pub label: String,
    /// `end` (the label left of the line) in the right half of the chart, else `start`.
    pub anchor: &'static str,
    /// The target value at the deadline, as a diamond's path.
    pub target: Option<String>,
}

/// The chart of a KPI over its whole series, with `now` the series entry of `as_of` and
/// `latest` its actual as the page writes it; `None` when the KPI has nothing to draw (no actual,
/// plan or band).
pub fn chart(kpi: &KpiJson, now: Option<usize>, latest: Option<String>) -> Option<Chart> {
    let series = &kpi.series;
    let bands = series
        .iter()
        .flat_map(|e| [e.green, e.amber])
        .flatten()
        .flat_map(bound_values);
    let values = series.iter().flat_map(|e| [e.actual, e.plan]).flatten();
    let target = kpi
        .target
        .as_ref()
        .and_then(|t| t.value)
        .map(bound_values)
        .unwrap_or_default();
    let (low, high) = extent(values.chain(bands).chain(target), 0.08)?;
    let y = Axis {
        low,
        high,
        from: CHART_BOTTOM,
        to: CHART_TOP,
    };
    let y_ticks = y_ticks(low, high, &y);
    // The plot starts right of the longest value label.
    let widest = y_ticks
        .iter()
        .map(|t| t.label.chars().count())
        .max()
        .unwrap_or(0);
    let left = CHART_LEFT_MIN.max(widest as f64 * LABEL_CHAR_WIDTH + 12.0);
    let n = series.len();
    let dx = if n > 1 {
        (CHART_RIGHT - left) / (n - 1) as f64
    } else {
        0.0
    };
    let x0 = if n > 1 {
        left
    } else {
        (left + CHART_RIGHT) / 2.0
    };
    let x = |i: usize| x0 + i as f64 * dx;

    let (green, amber) = band_polygons(kpi, &x, &y);
    let point =
        |i: usize, value: Option<f64>| value.filter(|v| v.is_finite()).map(|v| (x(i), y.at(v)));
    let plan = polyline(series.iter().enumerate().map(|(i, e)| point(i, e.plan)));
    let actual = dotted_polyline(series.iter().enumerate().map(|(i, e)| point(i, e.actual)));
    let grid = y_ticks
        .iter()
        .map(|t| format!("M{} {}H{}", coordinate(left), t.at, coordinate(CHART_RIGHT)))
        .collect();
    let cursor = now.map(x);
    Some(Chart {
        green,
        amber,
        plan,
        actual,
        grid,
        y_ticks,
        y_label_x: coordinate(left - 6.0),
        x_ticks: x_ticks(kpi, &x),
        deadline: deadline(kpi, &x, &y, left),
        latest: now.and_then(|at| latest_label(series[at].actual?, latest?, x(at), &y, left)),
        top: coordinate(CHART_TOP),
        bottom: coordinate(CHART_BOTTOM),
        height: coordinate(CHART_BOTTOM - CHART_TOP),
        x0: coordinate(x0),
        dx: format!("{dx:.3}"),
        cursor: cursor.map(coordinate),
        shade_x: coordinate(cursor.map_or(CHART_RIGHT, |c| (c + SHADE_GAP).min(CHART_RIGHT))),
        shade_width: coordinate(cursor.map_or(0.0, |c| (CHART_RIGHT - c - SHADE_GAP).max(0.0))),
    })
}

/// The band polygons, one per run of consecutive entries that have bands: green and amber from
/// the direction (`up`: green above the green bound, amber between the bounds; `down` mirrored;
/// `range`: green inside, amber on either side).
fn band_polygons(kpi: &KpiJson, x: &dyn Fn(usize) -> f64, y: &Axis) -> (Vec<String>, Vec<String>) {
    let (top, bottom) = (y.high, y.low);
    // For each entry, the green band and the amber bands as (low, high) in values.
    type Spans = (Option<(f64, f64)>, [Option<(f64, f64)>; 2]);
    let spans: Vec<Spans> = kpi
        .series
        .iter()
        .map(|e| match (kpi.direction, e.green, e.amber) {
            (_, Some(Bound::Pair([gl, gh])), Some(Bound::Pair([al, ah]))) => {
                (Some((gl, gh)), [Some((al, gl)), Some((gh, ah))])
            }
            (Some(Direction::Down), Some(Bound::Value(g)), Some(Bound::Value(a))) => {
                (Some((bottom, g)), [Some((g, a)), None])
            }
            (_, Some(Bound::Value(g)), Some(Bound::Value(a))) if g >= a => {
                (Some((g, top)), [Some((a, g)), None])
            }
            _ => (None, [None, None]),
        })
        .collect();
    let green = runs(&spans.iter().map(|s| s.0).collect::<Vec<_>>(), x, y);
    let mut amber = runs(&spans.iter().map(|s| s.1[0]).collect::<Vec<_>>(), x, y);
    amber.extend(runs(
        &spans.iter().map(|s| s.1[1]).collect::<Vec<_>>(),
        x,
        y,
    ));
    (green, amber)
}

/// Polygons over the runs of entries that have a span: the upper edge left to right, the lower
/// edge back; a run of one entry is widened to a bar.
fn runs(spans: &[Option<(f64, f64)>], x: &dyn Fn(usize) -> f64, y: &Axis) -> Vec<String> {
    let mut polygons = Vec::new();
    let mut start = 0;
    while start < spans.len() {
        if spans[start].is_none() {
            start += 1;
            continue;
        }
        let end = (start..spans.len())
            .find(|&i| spans[i].is_none())
            .unwrap_or(spans.len());
        let run: Vec<(f64, f64, f64)> = (start..end)
            .filter_map(|i| spans[i].map(|(low, high)| (x(i), y.at(low), y.at(high))))
            .collect();
        let widened: Vec<(f64, f64, f64)> = match run.as_slice() {
            [(x, low, high)] => vec![(x - 6.0, *low, *high), (x + 6.0, *low, *high)],
            _ => run,
        };
        let mut points = String::new();
        let upper = simplify(
            &widened
                .iter()
                .map(|&(x, _, high)| (x, high))
                .collect::<Vec<_>>(),
        );
        let lower = simplify(
            &widened
                .iter()
                .rev()
                .map(|&(x, low, _)| (x, low))
                .collect::<Vec<_>>(),
        );
        for (x, y) in upper.into_iter().chain(lower) {
            if !points.is_empty() {
                points.push(' ');
            }
            let _ = write!(points, "{},{}", coordinate(x), coordinate(y));
        }
        polygons.push(points);
        start = end;
    }
    polygons
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

/// Labels under the chart: at most [`CHART_X_LABELS`] periods, evenly spread, the first one
/// always.
fn x_ticks(kpi: &KpiJson, x: &dyn Fn(usize) -> f64) -> Vec<Tick> {
    let n = kpi.series.len();
    let every = n.div_ceil(CHART_X_LABELS).max(1);
    kpi.series
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, e)| {
            let label = format::period(e.period);
            let half = label.chars().count() as f64 * LABEL_CHAR_WIDTH / 2.0;
            let anchor = if x(i) - half < 0.0 {
                "start"
            } else if x(i) + half > CHART_WIDTH {
                "end"
            } else {
                "middle"
            };
            Tick {
                at: coordinate(x(i)),
                label,
                anchor,
            }
        })
        .collect()
}

/// The latest actual beside its dot: above it, towards the middle of the chart.
fn latest_label(value: f64, text: String, x: f64, y: &Axis, left: f64) -> Option<PointLabel> {
    if !value.is_finite() {
        return None;
    }
    let right_half = x > (left + CHART_RIGHT) / 2.0;
    // Above the dot, unless that would leave the plot: then below it.
    let dot = y.at(value);
    let above = dot - 10.0;
    let label_y = if above - 14.0 < CHART_TOP {
        dot + 22.0
    } else {
        above
    };
    Some(PointLabel {
        x: coordinate(x + if right_half { -7.0 } else { 7.0 }),
        y: coordinate(label_y),
        anchor: if right_half { "end" } else { "start" },
        text,
    })
}

/// The deadline's line: at the KPI's own period that holds the deadline's last day.
fn deadline(kpi: &KpiJson, x: &dyn Fn(usize) -> f64, y: &Axis, left: f64) -> Option<Deadline> {
    let deadline = kpi.deadline?;
    let period = deadline.at_grain(kpi.frequency);
    let at = kpi.series.iter().position(|e| e.period == period)?;
    let target = match kpi.target.as_ref().and_then(|t| t.value) {
        Some(Bound::Value(v)) if v.is_finite() => {
            let (cx, cy) = (x(at), y.at(v));
            Some(format!(
                "M{} {}l5 5-5 5-5-5z",
                coordinate(cx),
                coordinate(cy - 5.0)
            ))
        }
        _ => None,
    };
    let right_half = x(at) > (left + CHART_RIGHT) / 2.0;
    Some(Deadline {
        x: coordinate(x(at)),
        label_x: coordinate(x(at) + if right_half { -4.0 } else { 4.0 }),
        label: format!("Deadline {}", format::period(deadline)),
        anchor: if right_half { "end" } else { "start" },
        target,
    })
}

// ---------------------------------------------------------------------------------------------
// The sparkline

const SPARK_WIDTH: f64 = 100.0;
const SPARK_HEIGHT: f64 = 24.0;

#[derive(Serialize, Debug)]
pub struct Sparkline {
    pub path: String,
    /// A dot on the last actual.
    pub dot: String,
    pub x0: String,
    pub dx: String,
}

/// The actuals of the series entries `0..=last`; `None` without any.
pub fn sparkline(kpi: &KpiJson, last: usize) -> Option<Sparkline> {
    let entries = kpi.series.get(..=last)?;
    let (low, high) = extent(entries.iter().filter_map(|e| e.actual), 0.1)?;
    let y = Axis {
        low,
        high,
        from: SPARK_HEIGHT - 2.0,
        to: 2.0,
    };
    let n = entries.len();
    let dx = if n > 1 {
        (SPARK_WIDTH - 6.0) / (n - 1) as f64
    } else {
        0.0
    };
    let x0 = if n > 1 { 3.0 } else { SPARK_WIDTH / 2.0 };
    let mut path = String::new();
    let mut dot = String::new();
    let mut open = false;
    for (i, entry) in entries.iter().enumerate() {
        match entry.actual.filter(|v| v.is_finite()) {
            Some(v) => {
                let (px, py) = (x0 + i as f64 * dx, y.at(v));
                push_point(&mut path, if open { 'L' } else { 'M' }, px, py);
                dot.clear();
                push_point(&mut dot, 'M', px, py);
                dot.push_str("h0");
                open = true;
            }
            None => open = false,
        }
    }
    Some(Sparkline {
        path,
        dot,
        x0: coordinate(x0),
        dx: format!("{dx:.3}"),
    })
}

// ---------------------------------------------------------------------------------------------
// The bullet graph

pub const BULLET_WIDTH: f64 = 300.0;

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
