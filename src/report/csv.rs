//! `report.csv` (ORGS.md, "Report"): the evaluated scorecard as a tidy table for spreadsheets
//! and BI tools, one row per org, KPI and period of the KPI's frequency, with the columns
//! `org,kpi,period,actual,plan,green,amber,status,score,rank,of,missing`. A project without
//! orgs leaves `org`, `rank` and `of` empty; a band of a `range` KPI is written `LO..HI`.

use std::io::{self, Write};

use super::document::{Bound, KpiJson};
use super::{OrgKpiJson, Report};

const HEADER: [&str; 12] = [
    "org", "kpi", "period", "actual", "plan", "green", "amber", "status", "score", "rank", "of",
    "missing",
];

/// Writes the table of `report`: the orgs' KPIs, or the project's own without orgs.
pub fn write_csv(report: &Report<'_>, out: impl Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    if report.orgs.is_empty() {
        for kpi in &report.kpis {
            rows(&mut writer, "", kpi, &[])?;
        }
    } else {
        for org in &report.orgs {
            for OrgKpiJson { kpi, ranks, .. } in &org.kpis {
                rows(&mut writer, &org.id, kpi, ranks)?;
            }
        }
    }
    writer.flush()
}

/// The rows of one KPI of one org; `ranks` its rank in each period (empty: none).
fn rows(
    writer: &mut csv::Writer<impl Write>,
    org: &str,
    kpi: &KpiJson,
    ranks: &[Option<(usize, usize)>],
) -> io::Result<()> {
    for (at, entry) in kpi.series.iter().enumerate() {
        let rank = ranks.get(at).copied().flatten();
        writer.write_record([
            org.to_string(),
            kpi.id.clone(),
            entry.period.to_string(),
            number(entry.actual),
            number(entry.plan),
            bound(entry.green),
            bound(entry.amber),
            entry.status.name().to_string(),
            number(entry.score),
            rank.map_or_else(String::new, |(rank, _)| rank.to_string()),
            rank.map_or_else(String::new, |(_, of)| of.to_string()),
            entry.missing.clone().unwrap_or_default(),
        ])?;
    }
    Ok(())
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

fn bound(bound: Option<Bound>) -> String {
    match bound {
        None => String::new(),
        Some(Bound::Value(value)) => value.to_string(),
        Some(Bound::Pair([low, high])) => format!("{low}..{high}"),
    }
}
