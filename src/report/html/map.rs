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

/// A `drives` link: the path, and the titles of the cause and the effect.
#[derive(Serialize, Debug)]
pub struct Arrow<'r> {
    pub path: String,
    pub from: &'r str,
    pub to: &'r str,
}

/// Where a box is, in map units.
#[derive(Clone, Copy, Debug)]
struct Place {
    x: f64,
    y: f64,
    width: f64,
}

/// The map of the report's perspectives; `None` without objectives or with more than
/// [`MAX_MAP_OBJECTIVES`].
pub fn layout(perspectives: &[PerspectiveJson]) -> Option<Map<'_>> {
    let count: usize = perspectives.iter().map(|p| p.objectives.len()).sum();
    if count == 0 || count > MAX_MAP_OBJECTIVES {
        return None;
    }
    let mut bands = Vec::new();
    let mut boxes = Vec::new();
    let mut places: Vec<(&str, &str, Place)> = Vec::new();
    let mut top = 0.0;
    for (index, perspective) in perspectives.iter().enumerate() {
        let n = perspective.objectives.len();
        let per_row = n.clamp(1, BOXES_PER_ROW);
        let rows = n.div_ceil(per_row).max(1);
        let height = 2.0 * BAND_PADDING + rows as f64 * BOX_HEIGHT + (rows - 1) as f64 * GAP;
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
        for (at, objective) in perspective.objectives.iter().enumerate() {
            let (row, column) = (at / per_row, at % per_row);
            let in_row = (n - row * per_row).min(per_row);
            let row_width = in_row as f64 * width + (in_row - 1) as f64 * GAP;
            let x = LABEL_WIDTH + (area - row_width) / 2.0 + column as f64 * (width + GAP);
            let y = top + BAND_PADDING + row as f64 * (BOX_HEIGHT + GAP);
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
                index: boxes.len(),
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
            places.push((&objective.id, &objective.title, Place { x, y, width }));
        }
        top += height;
    }
    let arrows = arrows(perspectives, &places);
    Some(Map {
        height: coordinate(top),
        bands,
        boxes,
        arrows,
    })
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
/// edge are spread along it.
fn arrows<'r>(
    perspectives: &[PerspectiveJson],
    places: &[(&str, &'r str, Place)],
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
            let edges = if b.y < a.y {
                (Edge::Top, Edge::Bottom)
            } else if b.y > a.y {
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
    links
        .iter()
        .zip(points)
        .map(|(&(from, to, from_edge, to_edge), [(sx, sy), (ex, ey)])| {
            // Stop short of the box so that the arrowhead touches its edge.
            let tip = match to_edge {
                Edge::Bottom => ey + 3.0,
                Edge::Top => ey - 3.0,
            };
            let bend = if from_edge == to_edge {
                // Over the row, top to top.
                let lift = sy - BAND_PADDING + 4.0;
                (lift, lift)
            } else {
                let middle = (sy + tip) / 2.0;
                (middle, middle)
            };
            Arrow {
                path: format!(
                    "M{} {}C{} {} {} {} {} {}",
                    coordinate(sx),
                    coordinate(sy),
                    coordinate(sx),
                    coordinate(bend.0),
                    coordinate(ex),
                    coordinate(bend.1),
                    coordinate(ex),
                    coordinate(tip)
                ),
                from: places[from].1,
                to: places[to].1,
            }
        })
        .collect()
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
