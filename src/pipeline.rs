//! The pipeline driver behind `check`, `report` and `watch`: load, analyze, read the data files,
//! evaluate, run the rules; every finding of one run.

use std::path::{Path, PathBuf};

use crate::checks::{self, levels::LintOptions};
use crate::data::{self, DataFile, DataSet};
use crate::diagnostics::{self, Finding, Rule};
use crate::eval::{self, Evaluated};
use crate::period::Period;
use crate::project::{self, LoadError, Project};
use crate::semantic::model::ItemId;
use crate::semantic::{self, Model};
use crate::source::{FileId, Origin, SourceMap};
use rustc_hash::FxHashMap;

/// What `check` needs to know beyond the project.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Skip the data files (`--no-data`).
    pub no_data: bool,
    /// Levels from the command line.
    pub lint: LintOptions,
    /// `--as-of` of `kpic report`: the period the data rules judge "now" by (`stale-data`,
    /// `review-overdue`…); without it, the latest period in which any KPI has an actual.
    pub as_of: Option<Period>,
}

/// Everything a check produced: the sources (to render findings; the data files read are among
/// them), the model, the observations read and the findings, sorted by file and position.
#[derive(Debug)]
pub struct CheckOutcome {
    pub sources: SourceMap,
    pub model: Model,
    /// The observations of the data files; empty under `--no-data`. In a project with orgs,
    /// `series` holds the root's values (its own, else combined from its children).
    pub data: DataSet,
    /// Each org's data, its own values else its children's combined (ORGS.md); empty in a
    /// project without orgs.
    pub org_data: FxHashMap<ItemId, DataSet>,
    pub findings: Vec<Finding>,
    pub entry: FileId,
    /// What the data rules evaluated, for the report built from this outcome to take (by value)
    /// so that it does not evaluate it again; `None` when no rule evaluated anything.
    pub evaluated: Option<Evaluated>,
    /// The period the data rules judged "now" by, resolved once for the report too: `--as-of`
    /// at the scorecard's frequency, else the latest report period in which any KPI has an
    /// actual; `None` without data, or when no KPI has an actual.
    pub as_of: Option<Period>,
}

/// Checks the project at `path` (a folder with `scorecard.kpi`, or an entry file).
pub fn check_path(path: &Path, options: &CheckOptions) -> Result<CheckOutcome, LoadError> {
    Ok(check_project(project::load(path)?, options))
}

pub fn check_project(project: Project, options: &CheckOptions) -> CheckOutcome {
    check_project_with_data(project, options, &[])
}

/// Checks a project reading, after the scorecard's data files, the files given on the command
/// line (`--data FILE`, relative to the working directory).
pub fn check_project_with_data(
    mut project: Project,
    options: &CheckOptions,
    extra_data: &[PathBuf],
) -> CheckOutcome {
    let (mut model, semantic_findings) = semantic::analyze(&project);
    // The syntax trees are done with once the model is made: freed now, their memory serves
    // the data and the evaluation instead of fresh pages (first touching memory is a large
    // share of a big project's time).
    drop(std::mem::take(&mut project.files));
    let mut findings = std::mem::take(&mut project.findings);
    findings.extend(semantic_findings);
    // The targets files are part of the definitions (per-org `for` blocks), read with or
    // without the data files.
    if let Some(folder) = entry_folder(&project.sources, project.entry) {
        findings.extend(data::targets::load(
            &mut model,
            &mut project.sources,
            &folder,
        ));
    }
    // Root cause first: with a source file that could not be read, what the project declares
    // is unknown, and every verdict on the whole (an objective without a KPI, a metric no KPI
    // uses, the data rules) would be a consequence of that one error: none is given.
    let model_is_whole = project.unreadable.is_empty();
    if model_is_whole {
        findings.extend(checks::run(&checks::Context {
            model: &model,
            sources: &project.sources,
        }));
    }
    let mut sources = project.sources;
    let mut data = DataSet::default();
    let mut org_data = FxHashMap::default();
    let mut data_read = false;
    let mut evaluated = None;
    let mut as_of = None;
    if !options.no_data && model_is_whole {
        let mut files = DataFile::of_scorecard(&model, &sources, project.entry);
        files.extend(
            extra_data
                .iter()
                .map(|path| DataFile::from_command_line(path)),
        );
        data_read = !files.is_empty();
        let (loaded, data_findings) = data::load(&model, &mut sources, &files);
        data = loaded;
        org_data = eval::orgs::org_data(&model, &mut data);
        // What the checks and the top of the report judge is the whole organisation: the root.
        if let Some(root) = model.orgs.root.and_then(|root| org_data.get(&root)) {
            data.series = root.series.clone();
            data.bad_cells = root.bad_cells.clone();
        }
        findings.extend(data_findings);
        if let Some(folder) = entry_folder(&sources, project.entry) {
            let (comments, comment_findings) = data::comments::load(&model, &mut sources, &folder);
            data.comments = comments;
            findings.extend(comment_findings);
        }
        if data_read {
            let mut context = checks::DataContext::new(&model, &data, &org_data, options.as_of);
            findings.extend(checks::run_data(&mut context));
            as_of = context.as_of;
            evaluated = Some(context.eval.into_evaluated());
        }
    }
    // The data rules judged all there is only when every data file named was read.
    let unreadable = findings
        .iter()
        .any(|finding| finding.rule == Rule::DataUnreadable);
    let data_judged = data_read && !unreadable;
    // Root cause first: what an error broke (a KPI whose formula has a unit error is not
    // "unrealistic" as well) is not judged by the rules on its values, plan and deadlines.
    let broken = checks::root_cause::Broken::of(&model, &findings);
    broken.drop_moot(&mut findings);
    let judged = checks::levels::Judged {
        data: data_judged,
        broken: &broken,
    };
    checks::levels::apply(&mut findings, &model, &sources, &options.lint, &judged);
    diagnostics::sort(&mut findings, &sources);
    CheckOutcome {
        sources,
        model,
        data,
        org_data,
        findings,
        entry: project.entry,
        evaluated,
        as_of,
    }
}

/// The folder of the entry file, where `comments.csv` is looked for; `None` for a project
/// that is not on disk.
fn entry_folder(sources: &SourceMap, entry: FileId) -> Option<PathBuf> {
    match &sources.get(entry).origin {
        Origin::Disk(path) => path.parent().map(Path::to_path_buf),
        Origin::Stdlib(_) => None,
    }
}
