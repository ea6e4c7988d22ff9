//! The owners' commentary: `comments.csv` beside the entry file, one comment a row, with the
//! columns `period`, `about` (the id of a KPI or an objective), `author` (optional) and `text`
//! (any case, in any order; other columns are ignored). A row about no KPI or objective, or
//! with a period that is no period, is a located `bad-value` and is left out.

use std::path::Path;

use super::value;
use crate::diagnostics::{self, Finding, Rule};
use crate::input;
use crate::period::Period;
use crate::project::paths;
use crate::semantic::Model;
use crate::semantic::model::{ItemId, ItemKind};
use crate::source::{Origin, SourceFile, SourceMap, Span};

/// The name of the commentary file, in the entry file's folder.
pub const FILE: &str = "comments.csv";

/// One comment of an owner on a KPI or an objective in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub about: ItemId,
    pub period: Period,
    pub author: Option<String>,
    pub text: String,
    pub span: Span,
}

/// The comments of `folder`'s `comments.csv`, in the order written; none when there is no such
/// file. The file becomes a source of the run, so that its findings are located.
pub fn load(model: &Model, sources: &mut SourceMap, folder: &Path) -> (Vec<Comment>, Vec<Finding>) {
    let path = folder.join(FILE);
    if !path.is_file() {
        return (Vec::new(), Vec::new());
    }
    let mut findings = Vec::new();
    let bytes = match input::read_regular_file(&path, input::MAX_DATA_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => {
            let name = paths::display_name(&path);
            let file = sources.add(SourceFile::new(name, Origin::Disk(path), String::new()));
            let finding = Finding::new(
                Rule::DataUnreadable,
                Span::new(file, 0..0),
                format!("the comments cannot be read: {error}"),
            );
            return (Vec::new(), vec![finding]);
        }
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let name = paths::display_name(&path);
    let file = sources.add(SourceFile::new(name, Origin::Disk(path), text));
    let text = sources.get(file).text.as_str();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(str::to_ascii_lowercase).collect(),
        Err(_) => return (Vec::new(), findings),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(period_at), Some(about_at), Some(text_at)) =
        (column("period"), column("about"), column("text"))
    else {
        findings.push(
            Finding::new(
                Rule::BadValue,
                Span::new(file, 0..text.find(['\n', '\r']).unwrap_or(text.len())),
                "the comments file has no `period`, `about` and `text` columns".to_string(),
            )
            .label("this header")
            .help("write the header `period,about,author,text`"),
        );
        return (Vec::new(), findings);
    };
    let author_at = column("author");
    let commented = |id: ItemId| {
        matches!(model.item(id).kind, ItemKind::Objective(_))
            || model.item(id).as_measure().is_some_and(|m| m.kpi.is_some())
    };
    let mut comments = Vec::new();
    for record in reader.records().flatten() {
        let Some(position) = record.position() else {
            continue;
        };
        let start = position.byte() as usize;
        let line_end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |end| start + end);
        let span = Span::new(file, start..line_end);
        let cell = |at: usize| record.get(at).unwrap_or("");
        let about = cell(about_at);
        let Some(id) = model.lookup(about, false).filter(|&id| commented(id)) else {
            let kpis_and_objectives = model.ids().filter(|&id| commented(id));
            let names: Vec<&str> = kpis_and_objectives
                .map(|id| model.item(id).id.node.as_str())
                .collect();
            let mut finding = Finding::new(
                Rule::BadValue,
                span,
                format!("`{about}` is no KPI or objective: the comment is left out"),
            )
            .label("this comment");
            if let Some(close) = diagnostics::closest(about, names.iter().copied()) {
                finding = finding.help(format!("did you mean `{close}`?"));
            }
            findings.push(finding);
            continue;
        };
        let Ok(period) = value::period(cell(period_at)) else {
            findings.push(
                Finding::new(
                    Rule::BadValue,
                    span,
                    format!(
                        "`{}` is no period: the comment is left out",
                        cell(period_at)
                    ),
                )
                .label("this comment")
                .help("write periods as 2026, 2026-H1, 2026-Q3, 2026-07 or 2026-W05"),
            );
            continue;
        };
        comments.push(Comment {
            about: id,
            period,
            author: author_at
                .map(cell)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            text: cell(text_at).to_string(),
            span,
        });
    }
    (comments, findings)
}
