//! `kpic diff` (DIFF.md): the changes between two versions of a project that move what the
//! organisation promised — a lowered target, a postponed deadline, a changed formula, a restated
//! actual — reported as findings of the new version, with the effect of each on the KPI's status
//! and score at `as_of`.
//!
//! The new version goes through the `check` pipeline as it is ([`crate::pipeline`]); the old one is
//! loaded and analyzed (its findings are not reported) from a folder or from a git revision
//! ([`git`]), on a second thread while the new one is checked. Then:
//!
//! - [`definitions`] compares the KPIs, objectives and perspectives matched by id (and KPIs
//!   renamed: a new id with the old title and formula), [`formulas`] the formulas and the inputs
//!   they read, [`actuals`] the observations of the data files;
//! - [`effect`] evaluates the new data under both versions of the definitions, for the status
//!   and score of each changed KPI at `as_of`;
//! - the levels of the changes are settled as for every finding (`@allow` on the declaration in
//!   the new version, the lint block, `-A/-W/-D`), and [`markdown`] renders the comment for a
//!   pull request; the other formats are those of `check`.
//!
//! # Choices where the spec is silent
//! - The formats of `check` list the changes only: the new version's own findings are `kpic
//!   check`'s to report (and are in the `markdown` comment). Where the new version has errors,
//!   its findings are reported as `check` reports them and nothing is compared (exit 1).
//! - A removed KPI is located at its objective in the new version (where `@allow(kpi-removed)`
//!   goes), or at the scorecard block when that objective is gone too.
//! - When several changes touch one KPI, each shows the effect of all of them together.
//! - `as_of` is the new version's, as its check resolved it (`--as-of`, else its latest period
//!   with an actual); the old definitions are evaluated at the same period.

pub mod actuals;
pub mod definitions;
pub mod effect;
pub mod formulas;
pub mod git;
pub mod markdown;
mod remap;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::checks::levels::{self, LintOptions};
use crate::data::{self, DataFile, DataSet};
use crate::diagnostics::{Finding, Level, Rule, Summary};
use crate::eval::{Evaluator, periods};
use crate::input;
use crate::period::Period;
use crate::pipeline::{CheckOptions, CheckOutcome, check_path};
use crate::project::{self, LoadError};
use crate::semantic::{self, Model};
use crate::source::{FileId, Origin, SourceMap, Span};

pub use git::{GitError, Snapshot};

/// The two versions to compare.
#[derive(Debug, Clone)]
pub enum Versions {
    /// `kpic diff [PATH] --against REV`: PATH on disk against PATH at the git revision.
    Revision { path: PathBuf, rev: String },
    /// `kpic diff OLD NEW`: two project folders or entry files.
    Folders { old: PathBuf, new: PathBuf },
}

/// What `kpic diff` needs to know beyond the versions.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    pub lint: LintOptions,
    /// `--as-of`: the period the effects are judged at.
    pub as_of: Option<Period>,
}

/// Why the diff could not run (exit 2).
#[derive(Debug)]
pub enum DiffError {
    Git(GitError),
    Load {
        side: &'static str,
        error: LoadError,
    },
    /// `--as-of` outside the new version's span: why.
    AsOf(periods::AsOfOutsideSpan),
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Git(error) => error.fmt(f),
            DiffError::Load { side, error } => write!(f, "the {side} version: {error}"),
            DiffError::AsOf(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// The result of a diff.
#[derive(Debug)]
pub enum Diffed {
    /// The new version does not check: its findings, nothing compared.
    NewHasErrors(Box<CheckOutcome>),
    Compared(Box<DiffOutcome>),
}

/// The changes between the versions, located in the new one.
#[derive(Debug)]
pub struct DiffOutcome {
    /// The new version, checked.
    pub new: CheckOutcome,
    /// The old version (its git snapshot, if any, is removed when it is dropped).
    pub old: OldVersion,
    /// Sorted by file and position, with their levels settled.
    pub changes: Vec<Change>,
    /// The period the effects are judged at.
    pub as_of: Option<Period>,
    /// How the old version is named: the revision, or the old folder.
    pub old_name: String,
}

impl DiffOutcome {
    /// The findings of the changes, for the formats of `check`.
    pub fn findings(&self) -> Vec<Finding> {
        self.changes
            .iter()
            .map(|change| change.finding.clone())
            .collect()
    }

    /// `3 changes: 1 deadline-postponed, 2 target-lowered; allowed: 1 kpi-renamed`: the counts
    /// by rule, the allowed ones included.
    pub fn summary_line(&self) -> String {
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        let mut allowed: BTreeMap<&str, usize> = BTreeMap::new();
        for change in &self.changes {
            let counts = if change.finding.level == Level::Allow {
                &mut allowed
            } else {
                &mut shown
            };
            *counts.entry(change.finding.rule.name()).or_default() += 1;
        }
        let list = |counts: &BTreeMap<&str, usize>| {
            counts
                .iter()
                .map(|(rule, n)| format!("{n} {rule}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let total: usize = shown.values().sum();
        let mut line = format!(
            "{total} change{} against {}",
            if total == 1 { "" } else { "s" },
            self.old_name
        );
        if total > 0 {
            line.push_str(&format!(": {}", list(&shown)));
        }
        if !allowed.is_empty() {
            line.push_str(&format!("; allowed: {}", list(&allowed)));
        }
        line
    }

    /// The counts of errors and warnings among the changes.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings())
    }
}

/// One change: a finding of a change rule, and the columns of the markdown table.
#[derive(Debug, Clone)]
pub struct Change {
    pub finding: Finding,
    /// What changed: a KPI, objective or perspective id, or a data series.
    pub subject: String,
    /// The change in words: `target lowered`, `green threshold loosened`.
    pub what: String,
    pub old: String,
    pub new: String,
    /// The change's effect on the KPI's status or score at `as_of`, where it has one.
    pub effect: Option<String>,
    /// The KPI in the old and the new version, for the effect.
    pub kpi: Option<(semantic::model::ItemId, semantic::model::ItemId)>,
}

impl Change {
    /// A change of `subject` located at `at` in the new version; `place` is where the old
    /// version had it (`REV:path:LINE`).
    pub fn new(
        rule: Rule,
        at: Span,
        subject: &str,
        what: &str,
        old: String,
        new: String,
        place: &str,
    ) -> Change {
        let finding = Finding::new(
            rule,
            at,
            format!("`{subject}`: {what}, {old} → {new} (before: {place})"),
        )
        .label(format!("was {old} at {place}"))
        .help(help(rule));
        Change {
            finding,
            subject: subject.to_string(),
            what: what.to_string(),
            old,
            new,
            effect: None,
            kpi: None,
        }
    }
}

/// How to record a change that is intended.
fn help(rule: Rule) -> String {
    match rule {
        Rule::ActualRevised => "if the restatement is intended, say why in the row's note and allow the rule: `-A actual-revised`, or `lint { allow actual-revised }` in the scorecard".to_string(),
        Rule::KpiRemoved => "if the KPI is dropped on purpose, say why before its objective: `@allow(kpi-removed, \"reason\")`".to_string(),
        _ => format!("if the change is intended, say why before the declaration: `@allow({rule}, \"reason\")`"),
    }
}

/// The old version, loaded and analyzed, with the observations of its own data files.
#[derive(Debug)]
pub struct OldVersion {
    pub sources: SourceMap,
    pub model: Model,
    pub entry: FileId,
    pub data: DataSet,
    /// Where the old version was read from a git revision.
    pub snapshot: Option<Snapshot>,
    /// The contents of its data files, to see whether the new ones differ.
    data_bytes: Vec<Option<Vec<u8>>>,
    /// The new version's data read under the old definitions, where it differs from `data`.
    new_data: Option<DataSet>,
}

impl OldVersion {
    /// `FILE:LINE` of a place in the old version, as a message names it (`REV:path:LINE` for a
    /// git revision).
    pub fn place(&self, span: Span) -> String {
        let file = self.sources.get(span.file);
        let name = match (&self.snapshot, &file.origin) {
            (Some(snapshot), Origin::Disk(path)) => snapshot.display(path),
            _ => None,
        }
        .unwrap_or_else(|| file.name.clone());
        format!("{name}:{}", file.line_col(span.start as usize).line)
    }
}

/// Compares the versions.
pub fn diff(versions: &Versions, options: &DiffOptions) -> Result<Diffed, DiffError> {
    let (new_path, old_name) = match versions {
        Versions::Revision { path, rev } => (path.clone(), rev.clone()),
        Versions::Folders { old, new } => (new.clone(), old.display().to_string()),
    };
    let check_options = CheckOptions {
        no_data: false,
        lint: options.lint.clone(),
        as_of: options.as_of,
    };
    // The old version is read (from git, too) while the new one is checked.
    let (new, old) = std::thread::scope(|scope| {
        let old = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || load_old(versions))
            .expect("a thread can be started");
        let new = check_path(&new_path, &check_options);
        // A crash while loading is the crash to report, once (not a second panic here).
        let old = old
            .join()
            .unwrap_or_else(|crash| std::panic::resume_unwind(crash));
        (new, old)
    });
    // A revision that cannot be read is the first thing to say, whatever the new version is.
    let old = old?;
    let new = new.map_err(|error| DiffError::Load { side: "new", error })?;
    // As for `check`: an `--as-of` outside the span is said first.
    if let Some(as_of) = options.as_of {
        periods::as_of_in_span(&new.model, as_of).map_err(DiffError::AsOf)?;
    }
    if Summary::of(&new.findings).errors > 0 {
        return Ok(Diffed::NewHasErrors(Box::new(new)));
    }
    let outcome = compare(new, old, options, old_name);
    Ok(Diffed::Compared(Box::new(outcome)))
}

/// The stack of the threads that check and load: formulas and imports are walked recursively.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Reads the old version (from git, for a revision), analyzes it and reads its data files.
fn load_old(versions: &Versions) -> Result<OldVersion, DiffError> {
    let (path, snapshot) = match versions {
        Versions::Revision { path, rev } => {
            let snapshot = Snapshot::take(path, rev).map_err(DiffError::Git)?;
            (snapshot.entry.clone(), Some(snapshot))
        }
        Versions::Folders { old, .. } => (old.clone(), None),
    };
    let project = project::load(&path).map_err(|error| DiffError::Load { side: "old", error })?;
    let (model, _) = semantic::analyze(&project);
    let mut sources = project.sources;
    let files = DataFile::of_scorecard(&model, &sources, project.entry);
    if let Some(snapshot) = &snapshot {
        let paths: Vec<PathBuf> = files.iter().map(|file| file.path.clone()).collect();
        snapshot.add_files(&paths).map_err(DiffError::Git)?;
    }
    let data_bytes = files
        .iter()
        .map(|file| input::read_regular_file(&file.path, input::MAX_DATA_BYTES).ok())
        .collect();
    let (data, _) = data::load(&model, &mut sources, &files);
    Ok(OldVersion {
        sources,
        model,
        entry: project.entry,
        data,
        snapshot,
        data_bytes,
        new_data: None,
    })
}

/// The changes from `old` to `new`, with their effects and levels.
fn compare(
    new: CheckOutcome,
    mut old: OldVersion,
    options: &DiffOptions,
    old_name: String,
) -> DiffOutcome {
    let new_files = DataFile::of_scorecard(&new.model, &new.sources, new.entry);
    let new_bytes: Vec<Option<Vec<u8>>> = new_files
        .iter()
        .map(|file| input::read_regular_file(&file.path, input::MAX_DATA_BYTES).ok())
        .collect();
    let same_data = new_bytes == old.data_bytes;
    // The new data under the old definitions: the old version's own data when it is the same,
    // else what the new version read, taken over where both read the series alike, else the
    // files read again.
    if !same_data {
        let taken_over = remap::for_old_definitions(&old.model, &new.model, &new.data);
        old.new_data = Some(
            taken_over.unwrap_or_else(|| data::load(&old.model, &mut old.sources, &new_files).0),
        );
    }
    let mut new = new;
    let mut new_eval = match new.evaluated.take() {
        Some(evaluated) => Evaluator::resume(&new.model, &new.data, evaluated),
        None => Evaluator::new(&new.model, &new.data),
    };
    let as_of = new.as_of;
    let mut changes = definitions::compare(&old, &new.model, &new.sources, as_of);
    if !same_data {
        changes.extend(actuals::compare(&old, &new.model, &new.data));
    }
    if let Some(as_of) = as_of {
        let old_data = old.new_data.as_ref().unwrap_or(&old.data);
        let mut old_eval = Evaluator::new(&old.model, old_data);
        effect::fill(&mut changes, &mut old_eval, &mut new_eval, as_of);
    }
    // What was evaluated goes back to the new version, which owns (and frees) it.
    new.evaluated = Some(new_eval.into_evaluated());
    let mut findings: Vec<Finding> = changes.iter().map(|c| c.finding.clone()).collect();
    levels::apply_to_changes(&mut findings, &new.model, &options.lint);
    for (change, finding) in changes.iter_mut().zip(findings) {
        change.finding = finding;
    }
    sort(&mut changes, &new.sources);
    DiffOutcome {
        new,
        old,
        changes,
        as_of,
        old_name,
    }
}

/// Changes in the order of findings: by file, position and rule.
fn sort(changes: &mut [Change], sources: &SourceMap) {
    changes.sort_by(|a, b| {
        let key = |change: &Change| {
            let place = change.finding.primary.span;
            (
                sources.get(place.file).name.clone(),
                place.start,
                change.finding.rule.name(),
                change.subject.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// A number as people read it: `95`, `12.5`, `0.3333`; at most four decimals.
pub fn number(value: f64) -> String {
    let rounded = (value * 1e4).round() / 1e4;
    if rounded == rounded.trunc() && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}
