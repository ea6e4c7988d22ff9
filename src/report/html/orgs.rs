//! The organisation on an org's page (ORGS.md, "Report"): the breadcrumb to its ancestors, its
//! children with their scores, the matrix of children × KPIs and, in each KPI section, the
//! children's league table with the best practice and the most improved named — each in every
//! period the reader can pick (the one shown is `as_of`; the script shows another on demand).
//!
//! The pages of a site: the root's (or `--org`'s) is `index.html`, every other org's
//! `org/ID.html`; links between them are relative, so the folder can be opened from disk.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::figures::Style;
use super::format;
use super::kpis::Kpi;
use crate::period::Period;
use crate::report::{OrgJson, OrgKpiJson};
use crate::score::{Status, Trend};

/// Where each org's page is, from the pages of one site.
pub struct Site {
    /// The org whose page is `index.html`.
    pub top: String,
    /// The orgs that get a page.
    pub written: Vec<String>,
}

impl Site {
    /// The path of `org`'s page in the output folder, when it has one.
    pub fn path(&self, org: &str) -> Option<String> {
        if org == self.top {
            Some("index.html".to_string())
        } else if self.written.iter().any(|w| w == org) {
            Some(format!("org/{org}.html"))
        } else {
            None
        }
    }

    /// The link from the page of `from` to the page of `to`, when `to` has one.
    pub fn href(&self, from: &str, to: &str) -> Option<String> {
        let path = self.path(to)?;
        Some(if from == self.top {
            path
        } else if to == self.top {
            "../index.html".to_string()
        } else {
            format!("{to}.html")
        })
    }
}

#[derive(Serialize)]
pub struct OrgView {
    pub title: String,
    /// The ancestors, the root first.
    pub crumbs: Vec<Link>,
    /// The index of `as_of` among the report periods shown (the one visible without script).
    pub last: usize,
    /// The matrix's columns: the KPIs of any child, in the report's order, `(id, title)`.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Row>,
    /// Each KPI's league table, by KPI id.
    pub leagues: BTreeMap<String, Vec<LeagueAt>>,
}

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub href: Option<String>,
}

/// A child in the matrix: its link, its score at `as_of`, and one cell per column.
#[derive(Serialize)]
pub struct Row {
    pub title: String,
    pub href: Option<String>,
    pub score_text: String,
    pub status: Status,
    /// Per column, the cell in each period; empty where the KPI does not apply to the child.
    pub cells: Vec<Vec<Cell>>,
}

#[derive(Serialize)]
pub struct Cell {
    /// The report period's index.
    pub pi: usize,
    pub status: Status,
    pub score_text: String,
}

/// One KPI's league table in one report period.
#[derive(Serialize)]
pub struct LeagueAt {
    pub pi: usize,
    pub rows: Vec<LeagueRow>,
    /// The child ranked first.
    pub best: Option<String>,
    /// The child whose score rose most since the period before.
    pub improved: Option<String>,
}

#[derive(Serialize)]
pub struct LeagueRow {
    pub rank: Option<usize>,
    pub title: String,
    pub href: Option<String>,
    pub actual: String,
    pub plan: String,
    pub status: Status,
    pub trend: Option<Trend>,
}

/// The organisation as the page of `org` shows it; `shown` are the report periods from the
/// first to `as_of`.
pub fn org_view(site: &Site, orgs: &[OrgJson], org: &OrgJson, shown: &[Period]) -> OrgView {
    let by_id: HashMap<&str, &OrgJson> = orgs.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut crumbs = Vec::new();
    let mut up = org.parent.as_deref();
    while let Some(id) = up {
        let Some(ancestor) = by_id.get(id) else { break };
        crumbs.push(Link {
            title: ancestor.title.clone(),
            href: site.href(&org.id, id),
        });
        up = ancestor.parent.as_deref();
    }
    crumbs.reverse();
    let children: Vec<&OrgJson> = org
        .children
        .iter()
        .filter_map(|c| by_id.get(c.as_str()).copied())
        .collect();
    let columns = columns(&children);
    let last = shown.len().saturating_sub(1);
    // Each child's KPIs read for the page once.
    let read: Vec<HashMap<&str, (Kpi, &OrgKpiJson)>> = children
        .iter()
        .map(|child| {
            child
                .kpis
                .iter()
                .map(|k| (k.kpi.id.as_str(), (Kpi::new(&k.kpi, shown), k)))
                .collect()
        })
        .collect();
    let rows = children
        .iter()
        .zip(&read)
        .map(|(child, kpis)| Row {
            title: child.title.clone(),
            href: site.href(&org.id, &child.id),
            score_text: child
                .score
                .map_or_else(|| format::NO_VALUE.to_string(), format::score),
            status: child.status,
            cells: columns
                .iter()
                .map(|(id, _)| match kpis.get(id.as_str()) {
                    Some((kpi, _)) => (0..shown.len())
                        .map(|pi| {
                            let reading = kpi.reading_at(pi);
                            Cell {
                                pi,
                                status: reading.map_or(Status::None, |r| r.status),
                                score_text: reading
                                    .and_then(|r| r.score)
                                    .map_or_else(|| format::NO_VALUE.to_string(), format::score),
                            }
                        })
                        .collect(),
                    None => Vec::new(),
                })
                .collect(),
        })
        .collect();
    let leagues = columns
        .iter()
        .map(|(id, _)| {
            let league = (0..shown.len())
                .map(|pi| league_at(site, &org.id, &children, &read, id, pi, last))
                .collect();
            (id.clone(), league)
        })
        .collect();
    OrgView {
        title: org.title.clone(),
        crumbs,
        last,
        columns,
        rows,
        leagues,
    }
}

/// The KPIs of any child, each once, in the order of the first child that has it.
fn columns(children: &[&OrgJson]) -> Vec<(String, String)> {
    let mut columns: Vec<(String, String)> = Vec::new();
    for child in children {
        for kpi in &child.kpis {
            if !columns.iter().any(|(id, _)| *id == kpi.kpi.id) {
                columns.push((kpi.kpi.id.clone(), kpi.kpi.title.clone()));
            }
        }
    }
    columns
}

/// The league table of KPI `id` among the children in report period `pi`: ranked first, the
/// unranked after them in the children's order.
fn league_at(
    site: &Site,
    from: &str,
    children: &[&OrgJson],
    read: &[HashMap<&str, (Kpi, &OrgKpiJson)>],
    id: &str,
    pi: usize,
    last: usize,
) -> LeagueAt {
    let entries: Vec<(&OrgJson, &(Kpi, &OrgKpiJson))> = children
        .iter()
        .zip(read)
        .filter_map(|(child, kpis)| Some((*child, kpis.get(id)?)))
        .collect();
    // One number format for the whole table: the most decimals any unit's figures need.
    let Some(unit) = entries.first().map(|(_, (_, k))| k.kpi.unit.as_deref()) else {
        return LeagueAt {
            pi,
            rows: Vec::new(),
            best: None,
            improved: None,
        };
    };
    let decimals = entries
        .iter()
        .map(|(_, (_, k))| Style::of(&k.kpi).decimals)
        .max()
        .unwrap_or(0);
    let style = Style::new(unit, decimals);
    let mut rows: Vec<(LeagueRow, Option<f64>)> = Vec::new();
    for (child, (kpi, org_kpi)) in entries {
        let reading = kpi.reading_at(pi);
        let rank = if pi == last {
            org_kpi.rank
        } else {
            kpi.contributing
                .get(pi)
                .copied()
                .flatten()
                .and_then(|at| org_kpi.ranks.get(at).copied().flatten())
                .map(|(rank, _)| rank)
        };
        let shown = reading.map(|r| style.shown(&r));
        let rise = kpi.score_change(pi).map(|(before, now)| now - before);
        rows.push((
            LeagueRow {
                rank,
                title: child.title.clone(),
                href: site
                    .href(from, &child.id)
                    .map(|href| format!("{href}#kpi-{id}")),
                actual: shown
                    .as_ref()
                    .map_or_else(|| format::NO_VALUE.to_string(), |s| s.actual_text.clone()),
                plan: shown
                    .as_ref()
                    .map_or_else(|| format::NO_VALUE.to_string(), |s| s.plan_text.clone()),
                status: reading.map_or(Status::None, |r| r.status),
                trend: reading.and_then(|r| r.trend),
            },
            rise,
        ));
    }
    let improved = rows
        .iter()
        .filter(|(_, rise)| rise.is_some_and(|r| r > 0.0))
        .max_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)))
        .map(|(row, _)| row.title.clone());
    rows.sort_by_key(|(row, _)| row.rank.unwrap_or(usize::MAX));
    let best = rows
        .first()
        .filter(|(row, _)| row.rank == Some(1))
        .map(|(row, _)| row.title.clone());
    LeagueAt {
        pi,
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        best,
        improved,
    }
}
