//! The `check` pipeline: load, analyze, probe the data files; every finding of one run.

use std::path::Path;

use crate::checks::{self, levels::LintOptions};
use crate::data;
use crate::diagnostics::{self, Finding, Rule};
use crate::project::{self, LoadError, Project};
use crate::semantic::{self, Model};
use crate::source::{FileId, Origin, SourceMap};

/// What `check` needs to know beyond the project.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Skip the data files (`--no-data`).
    pub no_data: bool,
    /// Levels from the command line.
    pub lint: LintOptions,
}

/// Everything a check produced: the sources (to render findings), the model and the findings,
/// sorted by file and position.
#[derive(Debug)]
pub struct CheckOutcome {
    pub sources: SourceMap,
    pub model: Model,
    pub findings: Vec<Finding>,
    pub entry: FileId,
}

impl CheckOutcome {
    /// The folder of the entry file, which project paths are relative to.
    pub fn project_dir(&self) -> &Path {
        match &self.sources.get(self.entry).origin {
            Origin::Disk(path) => path.parent().unwrap_or(Path::new("")),
            Origin::Stdlib(_) => Path::new(""),
        }
    }
}

/// Checks the project at `path` (a folder with `scorecard.kpi`, or an entry file).
pub fn check_path(path: &Path, options: &CheckOptions) -> Result<CheckOutcome, LoadError> {
    Ok(check_project(project::load(path)?, options))
}

pub fn check_project(project: Project, options: &CheckOptions) -> CheckOutcome {
    let (model, semantic_findings) = semantic::analyze(&project);
    let mut findings = project.findings;
    findings.extend(semantic_findings);
    findings.extend(checks::run(&checks::Context {
        model: &model,
        sources: &project.sources,
    }));
    if !options.no_data {
        findings.extend(data_findings(&model, &project.sources, project.entry));
    }
    checks::levels::apply(&mut findings, &model, &options.lint);
    diagnostics::sort(&mut findings, &project.sources);
    CheckOutcome {
        sources: project.sources,
        model,
        findings,
        entry: project.entry,
    }
}

/// `data-unreadable` for each data file of the scorecard that cannot be read.
fn data_findings(model: &Model, sources: &SourceMap, entry: crate::source::FileId) -> Vec<Finding> {
    let Some(scorecard) = &model.scorecard else {
        return Vec::new();
    };
    let Origin::Disk(entry_path) = &sources.get(entry).origin else {
        return Vec::new();
    };
    let folder = entry_path.parent().unwrap_or(Path::new("."));
    scorecard
        .data
        .iter()
        .filter_map(|data| {
            let reason = data::probe(&folder.join(&data.node)).err()?;
            let finding = Finding::new(
                Rule::DataUnreadable,
                data.span,
                format!("cannot read data file \"{}\": {reason}", data.node),
            )
            .label("this data file")
            .help("data paths are relative to the file that names them");
            Some(finding)
        })
        .collect()
}
