//! The layout of the strategy map: one horizontal band per perspective, top to bottom in the
//! report's order; the objectives of a perspective as boxes in rows of at most
//! [`BOXES_PER_ROW`]; a curved arrow for each `drives` link, from the cause to the effect.

use serde::Serialize;

use super::format;
use super::svg::coordinate;
use crate::report::PerspectiveJson;
use crate::score::Status;

/// A map of more objectives is not drawn: its arrows would be a tangle nobody can read, and the
/// scorecard table shows the same objectives.
pub const MAX_MAP_OBJECTIVES: usize = 60;

pub const WIDTH: f64 = 1000.0;
/// The column of the perspectives' titles.
const LABEL_WIDTH: f64 = 170.0;
const BOXES_PER_ROW: usize = 4;
const BOX_WIDTH_MAX: f64 = 210.0;
const BOX_HEIGHT: f64 = 66.0;
const GAP: f64 = 20.0;
/// Space above and below the boxes of a band, where the arrows run.
const BAND_PADDING: f64 = 22.0;
/// Characters per line of a box's title at the page's font size (an average glyph is about
/// 6.9 units wide), at most two lines.
const GLYPH_WIDTH: f64 = 6.9;
const TITLE_LINES: usize = 2;

#[derive(Serialize, Debug)]
pub struct Map<'r> {
    pub height: String,
    pub bands: Vec<Band>,
    pub boxes: Vec<ObjectiveBox<'r>>,
    pub arrows: Vec<Arrow<'r>>,
}

#[derive(Serialize, Debug)]
pub struct Band {
    /// The perspective's position in the report (the script's index).
    pub index: usize,
    pub y: String,
    pub height: String,
    pub title_lines: Vec<Line>,
    pub score_y: String,
    pub status: Status,
    pub status_line: String,
}

#[derive(Serialize, Debug)]
pub struct Line {
    pub y: String,
    pub text: String,
}

#[derive(Serialize, Debug)]
pub struct ObjectiveBox<'r> {
    /// The objective's position in the report, counted across perspectives.
    pub index: usize,
    pub id: &'r str,
    pub title: &'r str,
    pub x: String,
    pub y: String,
    pub width: String,
    pub center: String,
    pub lines: Vec<Line>,
    pub score_y: String,
    pub status: Status,
    pub status_line: String,
    pub owner: Option<&'r str>,
}

/// A `drives` link: the path, the titles of the cause and the effect, and their boxes' indices.
#[derive(Serialize, Debug)]
pub struct Arrow<'r> {
    pub path: String,
    pub from: &'r str,
    pub to: &'r str,
    pub from_box: usize,
    pub to_box: usize,
}

/// Where a box is, in map units, and its row among all the map's rows (top to bottom).
#[derive(Clone, Copy, Debug)]
struct Place {
    x: f64,
    y: f64,
    width: f64,
    row: usize,
}

/// A row of boxes: its top edge and the boxes' spans `[x, x + width]`.
#[derive(Debug, Default)]
struct Row {
    top: f64,
    spans: Vec<(f64, f64)>,
}

/// The map of the report's perspectives; `None` without objectives or with more than
/// [`MAX_MAP_OBJECTIVES`].
pub fn layout(perspectives: &[PerspectiveJson]) -> Option<Map<'_>> {
    let count: usize = perspectives.iter().map(|p| p.objectives.len()).sum();
    if count == 0 || count > MAX_MAP_OBJECTIVES {
        return None;
    }
    let order = crossing_order(perspectives);
    let mut bands = Vec::new();
    let mut boxes = Vec::new();
    let mut places: Vec<(&str, &str, Place)> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut top = 0.0;
    let mut first_index = 0;
    for (index, perspective) in perspectives.iter().enumerate() {
        let n = perspective.objectives.len();
        let per_row = n.clamp(1, BOXES_PER_ROW);
        let band_rows = n.div_ceil(per_row).max(1);
        let height =
            2.0 * BAND_PADDING + band_rows as f64 * BOX_HEIGHT + (band_rows - 1) as f64 * GAP;
        let area = WIDTH - LABEL_WIDTH;
        let width = ((area - GAP * (per_row + 1) as f64) / per_row as f64).min(BOX_WIDTH_MAX);
        let title_lines = wrap(&perspective.title, 20, 2)
            .into_iter()
            .enumerate()
            .map(|(i, text)| Line {
                y: coordinate(top + BAND_PADDING + 14.0 + 17.0 * i as f64),
                text,
            })
            .collect::<Vec<_>>();
        bands.push(Band {
            index,
            y: coordinate(top),
            height: coordinate(height),
            score_y: coordinate(top + BAND_PADDING + 18.0 + 17.0 * title_lines.len() as f64),
            title_lines,
            status: perspective.status,
            status_line: status_line(perspective.status, perspective.score),
        });
        let first_row = rows.len();
        for row in 0..band_rows {
            rows.push(Row {
                top: top + BAND_PADDING + row as f64 * (BOX_HEIGHT + GAP),
                spans: Vec::new(),
            });
        }
        for (at, &objective_at) in order[index].iter().enumerate() {
            let objective = &perspective.objectives[objective_at];
            let (row, column) = (at / per_row, at % per_row);
            let in_row = (n - row * per_row).min(per_row);
            let row_width = in_row as f64 * width + (in_row - 1) as f64 * GAP;
            let x = LABEL_WIDTH + (area - row_width) / 2.0 + column as f64 * (width + GAP);
            let y = rows[first_row + row].top;
            rows[first_row + row].spans.push((x, x + width));
            let chars = ((width - 16.0) / GLYPH_WIDTH).floor().max(4.0) as usize;
            let lines = wrap(&objective.title, chars, TITLE_LINES)
                .into_iter()
                .enumerate()
                .map(|(i, text)| Line {
                    y: coordinate(y + 20.0 + 16.0 * i as f64),
                    text,
                })
                .collect();
            boxes.push(ObjectiveBox {
                index: first_index + objective_at,
                id: &objective.id,
                title: &objective.title,
                x: coordinate(x),
                y: coordinate(y),
                width: coordinate(width),
                center: coordinate(x + width / 2.0),
                lines,
                score_y: coordinate(y + BOX_HEIGHT - 11.0),
                status: objective.status,
                status_line: status_line(objective.status, objective.score),
                owner: objective.owner.as_deref(),
            });
            let place = Place {
                x,
                y,
                width,
                row: first_row + row,
            };
            places.push((&objective.id, &objective.title, place));
        }
        first_index += n;
        top += height;
    }
    let arrows = arrows(perspectives, &places, &rows, &boxes);
    Some(Map {
        height: coordinate(top),
        bands,
        boxes,
        arrows,
    })
}

/// The objectives of each perspective in the order they are drawn: the declaration order,
/// then sorted a few times by where the objectives they link to stand (the barycentre
/// heuristic of layered graph drawing), so that fewer arrows cross. Each list holds indices
/// into the perspective's `objectives`.
fn crossing_order(perspectives: &[PerspectiveJson]) -> Vec<Vec<usize>> {
    let mut order: Vec<Vec<usize>> = perspectives
        .iter()
        .map(|p| (0..p.objectives.len()).collect())
        .collect();
    // Each objective's band and its neighbours (both directions of `drives`), by id.
    let mut band_of: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for (band, perspective) in perspectives.iter().enumerate() {
        for (at, objective) in perspective.objectives.iter().enumerate() {
            band_of.insert(&objective.id, (band, at));
        }
    }
    let mut neighbours: Vec<Vec<Vec<(usize, usize)>>> = perspectives
        .iter()
        .map(|p| vec![Vec::new(); p.objectives.len()])
        .collect();
    for (band, perspective) in perspectives.iter().enumerate() {
        for (at, objective) in perspective.objectives.iter().enumerate() {
            for driven in &objective.drives {
                if let Some(&(other_band, other_at)) = band_of.get(driven.as_str())
                    && other_band != band
                {
                    neighbours[band][at].push((other_band, other_at));
                    neighbours[other_band][other_at].push((band, at));
                }
            }
        }
    }
    // Where an objective stands across its band, from 0 to 1.
    let position = |order: &[Vec<usize>], band: usize, at: usize| {
        let slot = order[band].iter().position(|&o| o == at).unwrap_or(0);
        (slot as f64 + 0.5) / order[band].len() as f64
    };
    for sweep in 0..4 {
        let bands: Vec<usize> = if sweep % 2 == 0 {
            (0..perspectives.len()).collect()
        } else {
            (0..perspectives.len()).rev().collect()
        };
        for band in bands {
            let keys: Vec<(usize, f64)> = order[band]
                .iter()
                .map(|&at| {
                    let linked = &neighbours[band][at];
                    let key = if linked.is_empty() {
                        position(&order, band, at)
                    } else {
                        linked
                            .iter()
                            .map(|&(b, a)| position(&order, b, a))
                            .sum::<f64>()
                            / linked.len() as f64
                    };
                    (at, key)
                })
                .collect();
            let mut sorted = keys;
            sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
            order[band] = sorted.into_iter().map(|(at, _)| at).collect();
        }
    }
    order
}

/// Which edge of a box an arrow leaves or enters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Edge {
    Top,
    Bottom,
}

/// One end of an arrow: the box (its index in `places`), the edge, and the x of the other end
/// (to order the ends along the edge so that arrows cross less).
struct End {
    place: usize,
    edge: Edge,
    other_x: f64,
    arrow: usize,
    is_start: bool,
}

/// The arrows of every `drives` link between two boxes on the map. An effect above its cause
/// (the usual case) is reached from the cause's top edge to the effect's bottom edge; one below
/// from bottom to top; one in the same row by an arc over the row, top to top. The ends on one
/// edge are spread along it. An arrow between rows that are not neighbours never crosses the
/// rows between: it runs in the free lane beside their boxes ([`route`]).
fn arrows<'r>(
    perspectives: &[PerspectiveJson],
    places: &[(&str, &'r str, Place)],
    rows: &[Row],
    boxes: &[ObjectiveBox<'_>],
) -> Vec<Arrow<'r>> {
    let find = |id: &str| places.iter().position(|(p, ..)| *p == id);
    let objectives = perspectives.iter().flat_map(|p| &p.objectives);
    let mut links: Vec<(usize, usize, Edge, Edge)> = Vec::new();
    for objective in objectives {
        let Some(from) = find(&objective.id) else {
            continue;
        };
        for driven in &objective.drives {
            let Some(to) = find(driven) else { continue };
            if to == from {
                continue;
            }
            let (a, b) = (places[from].2, places[to].2);
            let edges = if b.row < a.row {
                (Edge::Top, Edge::Bottom)
            } else if b.row > a.row {
                (Edge::Bottom, Edge::Top)
            } else {
                (Edge::Top, Edge::Top)
            };
            links.push((from, to, edges.0, edges.1));
        }
    }
    let center = |i: usize| places[i].2.x + places[i].2.width / 2.0;
    let mut ends: Vec<End> = Vec::new();
    for (arrow, &(from, to, from_edge, to_edge)) in links.iter().enumerate() {
        ends.push(End {
            place: from,
            edge: from_edge,
            other_x: center(to),
            arrow,
            is_start: true,
        });
        ends.push(End {
            place: to,
            edge: to_edge,
            other_x: center(from),
            arrow,
            is_start: false,
        });
    }
    ends.sort_by(|a, b| {
        (a.place, a.edge == Edge::Bottom)
            .cmp(&(b.place, b.edge == Edge::Bottom))
            .then(a.other_x.total_cmp(&b.other_x))
            .then(a.arrow.cmp(&b.arrow))
    });
    // The point of each end: spread along its edge.
    let mut points = vec![[(0.0, 0.0); 2]; links.len()];
    let mut at = 0;
    while at < ends.len() {
        let group = ends[at..]
            .iter()
            .take_while(|e| e.place == ends[at].place && e.edge == ends[at].edge)
            .count();
        for (j, end) in ends[at..at + group].iter().enumerate() {
            let place = places[end.place].2;
            let x = place.x + place.width * (j + 1) as f64 / (group + 1) as f64;
            let y = match end.edge {
                Edge::Top => place.y,
                Edge::Bottom => place.y + BOX_HEIGHT,
            };
            points[end.arrow][usize::from(!end.is_start)] = (x, y);
        }
        at += group;
    }
    let mut lanes = Lanes::default();
    links
        .iter()
        .zip(points)
        .enumerate()
        .map(|(k, (&(from, to, from_edge, to_edge), [start, end]))| {
            let (from_row, to_row) = (places[from].2.row, places[to].2.row);
            let path = if from_edge == to_edge {
                arc_over_row(start, end)
            } else if from_row.abs_diff(to_row) == 1 {
                curve(start, end, to_edge)
            } else {
                route(start, end, from_row, to_row, rows, &mut lanes, k)
            };
            Arrow {
                path,
                from: places[from].1,
                to: places[to].1,
                from_box: boxes[from].index,
                to_box: boxes[to].index,
            }
        })
        .collect()
}

/// How far short of a box an arrow stops, so that its head touches the edge.
const TIP: f64 = 3.0;

fn tip_y(y: f64, edge: Edge) -> f64 {
    match edge {
        Edge::Bottom => y + TIP,
        Edge::Top => y - TIP,
    }
}

/// Between neighbouring rows: one curve through the space between them.
fn curve((sx, sy): (f64, f64), (ex, ey): (f64, f64), to_edge: Edge) -> String {
    let tip = tip_y(ey, to_edge);
    let middle = (sy + tip) / 2.0;
    format!(
        "M{} {}C{} {} {} {} {} {}",
        coordinate(sx),
        coordinate(sy),
        coordinate(sx),
        coordinate(middle),
        coordinate(ex),
        coordinate(middle),
        coordinate(ex),
        coordinate(tip)
    )
}

/// Within one row: an arc over it, top edge to top edge.
fn arc_over_row((sx, sy): (f64, f64), (ex, ey): (f64, f64)) -> String {
    let lift = sy - BAND_PADDING + 4.0;
    format!(
        "M{} {}C{} {} {} {} {} {}",
        coordinate(sx),
        coordinate(sy),
        coordinate(sx),
        coordinate(lift),
        coordinate(ex),
        coordinate(lift),
        coordinate(ex),
        coordinate(tip_y(ey, Edge::Top))
    )
}

/// The vertical lanes arrows already take, so that two arrows in one gap run side by side.
#[derive(Default)]
struct Lanes {
    taken: Vec<f64>,
}

/// The room an arrow keeps from a box it passes.
const CLEARANCE: f64 = 6.0;
/// The distance between two arrows running side by side.
const LANE: f64 = 5.0;

/// Between rows that are not neighbours: out of the cause's edge into the space beside its row,
/// along it to a lane free of boxes in every row between, through those rows in the lane, then
/// along the space beside the effect's row to the effect's edge. Never under a box.
fn route(
    (sx, sy): (f64, f64),
    (ex, ey): (f64, f64),
    from_row: usize,
    to_row: usize,
    rows: &[Row],
    lanes: &mut Lanes,
    arrow: usize,
) -> String {
    let upward = to_row < from_row;
    let (low, high) = (from_row.min(to_row), from_row.max(to_row));
    let lane = free_lane(&rows[low + 1..high], (sx + ex) / 2.0, lanes);
    // The spaces between rows: beside the cause's row on the way out, beside the effect's on the
    // way in, a little apart for each arrow so that runs along one space stay apart.
    let offset = (arrow % 3) as f64 * 4.0 - 4.0;
    let (out_y, in_y) = if upward {
        (
            between(rows, from_row - 1) + offset,
            between(rows, to_row) + offset,
        )
    } else {
        (
            between(rows, from_row) + offset,
            between(rows, to_row - 1) + offset,
        )
    };
    let tip = tip_y(ey, if upward { Edge::Bottom } else { Edge::Top });
    format!(
        "M{} {}V{}H{}V{}H{}V{}",
        coordinate(sx),
        coordinate(sy),
        coordinate(out_y),
        coordinate(lane),
        coordinate(in_y),
        coordinate(ex),
        coordinate(tip)
    )
}

/// The y halfway between row `row` and the row below it.
fn between(rows: &[Row], row: usize) -> f64 {
    (rows[row].top + BOX_HEIGHT + rows[row + 1].top) / 2.0
}

/// The x nearest `ideal` that no box of `rows` covers (with room to spare) and no other arrow
/// took, in the map's width right of the perspectives' titles.
fn free_lane(rows: &[Row], ideal: f64, lanes: &mut Lanes) -> f64 {
    // The free intervals: the map's width less every box of every row between.
    let mut free = vec![(LABEL_WIDTH + 2.0, WIDTH - CLEARANCE)];
    for row in rows {
        for &(left, right) in &row.spans {
            let (left, right) = (left - CLEARANCE, right + CLEARANCE);
            free = free
                .into_iter()
                .flat_map(|(a, b)| {
                    [(a, b.min(left)), (a.max(right), b)]
                        .into_iter()
                        .filter(|(a, b)| b > a)
                })
                .collect();
        }
    }
    // The candidates: every lane of each interval, one [`LANE`] apart; the nearest free one.
    let candidates = free.iter().flat_map(|&(a, b)| {
        let count = ((b - a) / LANE).floor() as usize;
        (0..=count).map(move |i| a + i as f64 * LANE)
    });
    let best = candidates
        .filter(|x| lanes.taken.iter().all(|t| (t - x).abs() >= LANE - 0.01))
        .min_by(|a, b| (a - ideal).abs().total_cmp(&(b - ideal).abs()))
        .or_else(|| free.first().map(|&(a, b)| (a + b) / 2.0))
        .unwrap_or(LABEL_WIDTH);
    lanes.taken.push(best);
    best
}

/// `text` in lines of at most `width` characters, broken between words (a longer word is cut
/// and ends in `…`), at most `lines` lines, the last one ending in `…` when text is left over.
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let width = width.max(2);
    let length = |s: &str| s.chars().count();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word = if length(word) > width {
            format!("{}…", word.chars().take(width - 1).collect::<String>())
        } else {
            word.to_string()
        };
        if current.is_empty() {
            current = word;
        } else if length(&current) + 1 + length(&word) <= width {
            current.push(' ');
            current.push_str(&word);
        } else if out.len() + 1 == lines {
            // No line left for this word: the last line says that text is missing.
            while length(&current) + 1 > width {
                match current.rsplit_once(' ') {
                    Some((kept, _)) => current = kept.to_string(),
                    None => {
                        current = current.chars().take(width - 1).collect();
                    }
                }
            }
            current.push('…');
            out.push(current);
            return out;
        } else {
            out.push(std::mem::replace(&mut current, word));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The status of a box or band in the map's words: `● Green · 6.9`.
pub fn status_line(status: Status, score: Option<f64>) -> String {
    let score = score.map_or_else(|| format::NO_VALUE.to_string(), format::score);
    format!(
        "{} {} · {score}",
        format::status_symbol(status),
        format::status_word(status)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ObjectiveJson;

    fn perspective(id: &str, objectives: &[(&str, &[&str])]) -> PerspectiveJson {
        PerspectiveJson {
            id: id.to_string(),
            title: id.to_string(),
            weight: 25.0,
            score: None,
            status: Status::None,
            coverage: None,
            history: Vec::new(),
            objectives: objectives
                .iter()
                .map(|(id, drives)| ObjectiveJson {
                    id: id.to_string(),
                    title: id.to_string(),
                    owner: None,
                    weight: 50.0,
                    drives: drives.iter().map(|d| d.to_string()).collect(),
                    score: None,
                    status: Status::None,
                    coverage: None,
                    history: Vec::new(),
                    kpis: Vec::new(),
                    initiatives: Vec::new(),
                    comments: Vec::new(),
                })
                .collect(),
        }
    }

    /// `c` drives `b` and `d` drives `a`: drawn in declaration order the two arrows cross;
    /// ordered by their links they do not.
    #[test]
    fn boxes_are_ordered_so_that_arrows_cross_less() {
        let perspectives = [
            perspective("top", &[("a", &[]), ("b", &[])]),
            perspective("bottom", &[("c", &["b"]), ("d", &["a"])]),
        ];
        let order = crossing_order(&perspectives);
        let slot = |band: usize, at: usize| order[band].iter().position(|&o| o == at).unwrap();
        // c (0) and b (1), d (1) and a (0): the same side in both bands.
        assert_eq!(
            slot(1, 0) < slot(1, 1),
            slot(0, 1) < slot(0, 0),
            "{order:?}"
        );
    }

    #[test]
    fn a_lane_keeps_clear_of_every_box_of_the_rows_it_crosses() {
        let rows = [Row {
            top: 100.0,
            spans: vec![(200.0, 400.0), (420.0, 620.0)],
        }];
        let mut lanes = Lanes::default();
        let first = free_lane(&rows, 410.0, &mut lanes);
        assert!(
            (400.0 + CLEARANCE..=420.0 - CLEARANCE).contains(&first),
            "{first}"
        );
        // A second arrow in the same gap runs beside the first, or in another gap.
        let second = free_lane(&rows, 410.0, &mut lanes);
        assert!((second - first).abs() >= LANE - 0.01, "{first} {second}");
        assert!(
            rows[0]
                .spans
                .iter()
                .all(|&(l, r)| second <= l - CLEARANCE || second >= r + CLEARANCE)
        );
    }

    #[test]
    fn titles_wrap_between_words_and_end_in_an_ellipsis_when_cut() {
        assert_eq!(
            wrap("Grow sales profitably", 12, 2),
            ["Grow sales", "profitably"]
        );
        assert_eq!(
            wrap("Deliver on time and in full from lean stock", 16, 2),
            ["Deliver on time", "and in full…"]
        );
        assert_eq!(wrap("Supercalifragilistic", 8, 2), ["Superca…"]);
        assert_eq!(wrap("", 8, 2), Vec::<String>::new());
    }
}
