//! The chart of a KPI over its whole series: the actuals against the plan, the green and amber
//! bands, the deadline and its target, and a cursor at the period shown.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Axis, Tick, coordinate, dotted_polyline, extent, polyline, simplify, y_ticks};
use crate::report::html::figures::bound_values;
use crate::report::html::forecast::Forecast;
use crate::report::html::format;
use crate::report::{Bound, KpiJson};
use crate::vocabulary::Direction;

/// The chart's viewBox is `0 0 640 214`.
const CHART_WIDTH: f64 = 640.0;
/// The least room left of the plot, for the value labels; longer labels get more.
const CHART_LEFT_MIN: f64 = 56.0;
/// The right edge of the plot; the space after it keeps the deadline's diamond whole.
const CHART_RIGHT: f64 = 612.0;
/// Above the plot, a line for the unit and the deadline's label.
const CHART_TOP: f64 = 26.0;
const CHART_BOTTOM: f64 = 190.0;
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
    /// Path data of the forecast: the line through the recent actuals, from the period shown
    /// to the deadline.
    pub forecast: Option<String>,
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
pub fn chart(
    kpi: &KpiJson,
    now: Option<usize>,
    latest: Option<String>,
    forecast: Option<&Forecast>,
) -> Option<Chart> {
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
    let ahead = forecast.map(|f| f.at_deadline);
    let (low, high) = extent(values.chain(bands).chain(target).chain(ahead), 0.08)?;
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
        forecast: forecast.map(|f| {
            let from = f.at_deadline - f.pace * (f.deadline_at - f.now_at) as f64;
            format!(
                "M{} {}L{} {}",
                coordinate(x(f.now_at)),
                coordinate(y.at(from)),
                coordinate(x(f.deadline_at)),
                coordinate(y.at(f.at_deadline))
            )
        }),
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
