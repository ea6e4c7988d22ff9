//! The HTML report (`kpic report`, the default format): one self-contained `index.html` rendered
//! from the JSON report's [`Report`], so the page shows the JSON's numbers.
//!
//! minijinja templates embedded in the binary (`src/report/templates/`; their `.html` names
//! turn autoescaping on, and an undefined variable is an error) render a model of the page
//! ([`page::Page`]) that this module derives from the `Report`: numbers written for people,
//! the layout of the strategy map and the geometry of the charts. The choices are in
//! `docs/html-report.md`.

mod data;
mod figures;
mod forecast;
pub mod format;
mod kpis;
mod map;
mod orgs;
mod page;
mod svg;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};

use crate::period::Period;
use rayon::prelude::*;

use crate::report::{OrgJson, Report, ScorecardJson};
use crate::score::{Status, Trend};
use figures::Move;

/// The templates, by the names they include each other by.
const TEMPLATES: &[(&str, &str)] = &[
    ("index.html", include_str!("../templates/index.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("header.html", include_str!("../templates/header.html")),
    (
        "highlights.html",
        include_str!("../templates/highlights.html"),
    ),
    ("map.html", include_str!("../templates/map.html")),
    ("table.html", include_str!("../templates/table.html")),
    ("row.html", include_str!("../templates/row.html")),
    (
        "status-history.html",
        include_str!("../templates/status-history.html"),
    ),
    ("kpi.html", include_str!("../templates/kpi.html")),
    ("warnings.html", include_str!("../templates/warnings.html")),
    ("org.html", include_str!("../templates/org.html")),
    ("units.html", include_str!("../templates/units.html")),
    ("league.html", include_str!("../templates/league.html")),
    ("style.css", include_str!("../templates/style.css")),
    ("script.js", include_str!("../templates/script.js")),
];

/// Why the page could not be rendered (a bug of kpic's templates or of the page's data: no
/// input causes it, but it is reported, not a panic).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("a template is broken: {0}")]
    Template(#[source] minijinja::Error),
    #[error("cannot render the HTML report: {0:#}")]
    Render(#[source] minijinja::Error),
    #[error("cannot write the page's data: {0}")]
    Data(#[source] serde_json::Error),
    #[error("the page is not UTF-8: {0}")]
    Encoding(#[source] std::str::Utf8Error),
}

/// Renders the page of `report`. `stamp`, when given, is shown as the time the page was made
/// (without it the page holds no time, so the same report gives the same bytes).
pub fn render_html(report: &Report<'_>, stamp: Option<&str>) -> Result<String, RenderError> {
    render_org_page(report, None, stamp)
}

/// One page of the report: its path in the output folder (`index.html`, `org/north.html`) and
/// its HTML.
pub struct SitePage {
    pub path: String,
    pub html: String,
}

/// Why no site was rendered.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("no org `{0}` is declared")]
    UnknownOrg(String),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Every page of the report: for a project without orgs the one page of [`render_html`]; with
/// orgs, the page of `top` (the root without `--org`) as `index.html` and each org below it as
/// `org/ID.html`, each the full scorecard of its org with the organisation around it.
pub fn render_site(
    report: &Report<'_>,
    stamp: Option<&str>,
    top: Option<&str>,
) -> Result<Vec<SitePage>, SiteError> {
    let Some(root) = report.orgs.first() else {
        return match top {
            Some(org) => Err(SiteError::UnknownOrg(org.to_string())),
            None => Ok(vec![SitePage {
                path: "index.html".to_string(),
                html: render_html(report, stamp)?,
            }]),
        };
    };
    let top = top.unwrap_or(&root.id);
    let Some(top_at) = report.orgs.iter().position(|org| org.id == top) else {
        return Err(SiteError::UnknownOrg(top.to_string()));
    };
    let site = orgs::Site {
        top: top.to_string(),
        written: subtree(report, top_at),
    };
    let shown: Vec<Period> = report.history.iter().map(|h| h.period).collect();
    let pages: Result<Vec<SitePage>, RenderError> = report
        .orgs
        .par_iter()
        .filter(|org| site.path(&org.id).is_some())
        .map(|org| {
            let view = orgs::org_view(&site, &report.orgs, org, &shown);
            let html = if org.id == root.id {
                render_org_page(report, Some(&view), stamp)?
            } else {
                render_org_page(&org_report(report, org), Some(&view), stamp)?
            };
            Ok(SitePage {
                path: site.path(&org.id).expect("filtered"),
                html,
            })
        })
        .collect();
    Ok(pages?)
}

/// The ids of `report.orgs[top]` and every org below it.
fn subtree(report: &Report<'_>, top: usize) -> Vec<String> {
    let mut ids = vec![report.orgs[top].id.clone()];
    let mut at = 0;
    while at < ids.len() {
        if let Some(org) = report.orgs.iter().find(|o| o.id == ids[at]) {
            ids.extend(org.children.iter().cloned());
        }
        at += 1;
    }
    ids
}

/// The report of one org below the root, as its page shows it: its scorecard, with the
/// project's findings left to the root's page.
fn org_report<'a>(report: &Report<'a>, org: &OrgJson) -> Report<'a> {
    Report {
        version: report.version,
        scorecard: report.scorecard.as_ref().map(|card| ScorecardJson {
            title: format!("{} · {}", org.title, card.title),
            owner: org.owner.clone(),
            ..card.clone()
        }),
        as_of: report.as_of,
        periods: report.periods.clone(),
        score: org.score,
        status: org.status,
        coverage: org.coverage,
        history: org.history.clone(),
        perspectives: org.perspectives.clone(),
        kpis: org.kpis.iter().map(|k| k.kpi.clone()).collect(),
        orgs: Vec::new(),
        diagnostics: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The page of `report`, with the organisation around its org when it has one.
fn render_org_page(
    report: &Report<'_>,
    org: Option<&orgs::OrgView>,
    stamp: Option<&str>,
) -> Result<String, RenderError> {
    let shown: Vec<Period> = report.history.iter().map(|h| h.period).collect();
    let kpis: Vec<kpis::Kpi<'_>> = report
        .kpis
        .iter()
        .map(|kpi| kpis::Kpi::new(kpi, &shown))
        .collect();
    // The script's data and the page's model are independent: made on two of rayon's threads,
    // as a page of thousands of KPIs spends most of its time on them. (A panic there goes on as
    // the one crash the panic hook reported.)
    let (data, page) = rayon::join(
        || data::script_data(report, &kpis),
        || page::Page::new(report, &kpis),
    );
    render_page(report, &page, org, data?, stamp)
}

fn render_page(
    report: &Report<'_>,
    page: &page::Page<'_>,
    org: Option<&orgs::OrgView>,
    data: String,
    stamp: Option<&str>,
) -> Result<String, RenderError> {
    let environment = environment().map_err(RenderError::Template)?;
    let context = context! {
        page => Value::from(Serde(page)),
        org => Value::from(Serde(org)),
        diagnostics => Value::from(Serde(&report.diagnostics)),
        data => Value::from_safe_string(data),
        stamp => stamp,
        version => env!("CARGO_PKG_VERSION"),
    };
    // The page is written into a buffer reserved at twice its expected size: a page of
    // thousands of KPIs grown by doubling would copy itself several times and touch fresh
    // memory each time, while reserved pages that are never written cost nothing.
    let expected = PAGE_BYTES + KPI_BYTES * report.kpis.len();
    let mut page = Vec::with_capacity(2 * expected);
    environment
        .get_template("index.html")
        .and_then(|template| template.render_captured_to(context, &mut page))
        .map_err(RenderError::Render)?;
    String::from_utf8(page).map_err(|error| RenderError::Encoding(error.utf8_error()))
}

/// About what a page takes beyond its KPIs, and what each KPI adds (its row, section, chart
/// and data): the measured sizes of the benchmark's pages, rounded up.
const PAGE_BYTES: usize = 256 * 1024;
const KPI_BYTES: usize = 10 * 1024;

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    // A line holding only a block tag leaves nothing in the page: a page of thousands of KPIs
    // repeats each of them thousands of times.
    environment.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    for (name, source) in TEMPLATES {
        environment.add_template(name, source)?;
    }
    environment.add_filter("symbol", |status: &str| {
        format::status_symbol(status_named(status))
    });
    environment.add_filter("word", |status: &str| {
        format::status_word(status_named(status))
    });
    environment.add_filter("arrow", |moved: Option<&str>| {
        format::move_arrow(move_named(moved))
    });
    environment.add_filter("move_word", |moved: Option<&str>| {
        move_named(moved).map_or("", Move::name)
    });
    environment.add_filter("trend_word", |trend: Option<&str>| {
        format::trend_word(trend_named(trend))
    });
    Ok(environment)
}

/// The templates see the page's model as serde writes it, a status or trend by its name: the
/// filters take the name back to its type (the one place where the page reads a name).
fn status_named(name: &str) -> Status {
    Status::ALL
        .into_iter()
        .find(|status| status.name() == name)
        .unwrap_or(Status::None)
}

fn move_named(name: Option<&str>) -> Option<Move> {
    Move::ALL.into_iter().find(|m| Some(m.name()) == name)
}

fn trend_named(name: Option<&str>) -> Option<Trend> {
    Trend::ALL
        .into_iter()
        .find(|trend| Some(trend.name()) == name)
}
