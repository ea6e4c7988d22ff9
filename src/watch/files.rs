//! What a watch looks at: the folders of the files a build read or named, and the changes in
//! them that call for a rebuild.
//!
//! Folders, not files: editors save by writing a new file and renaming it over the old one, and
//! a watch on the old file would follow it into oblivion. A watch on the folder sees the rename,
//! a delete and a re-create, and a file that did not exist yet (an import not written yet).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind};

use crate::check::CheckOutcome;
use crate::data::DataFile;
use crate::project::{Project, paths};
use crate::source::Origin;
use crate::syntax::ast;

/// A file a build read or named, as the build saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// When it was last modified; `None` where it did not exist.
    modified: Option<SystemTime>,
}

impl Input {
    /// `path` as it is now.
    pub fn now(path: PathBuf) -> Input {
        let modified = std::fs::metadata(&path)
            .and_then(|metadata| metadata.modified())
            .ok();
        Input { path, modified }
    }

    /// Whether the file was modified, created or deleted since it was seen.
    pub fn changed(&self) -> bool {
        Input::now(self.path.clone()) != *self
    }
}

/// The `.kpi` files of a loaded project and every file its `use` lines name, found or not: a
/// missing import is watched for, so that writing it rebuilds. Taken right after loading.
pub fn project_inputs(project: &Project) -> Vec<Input> {
    let mut inputs = Vec::new();
    for (id, source) in project.sources.iter() {
        let Origin::Disk(path) = &source.origin else {
            continue;
        };
        inputs.push(path.clone());
        let Some(file) = project.files.get(id.0 as usize) else {
            continue;
        };
        for item in &file.items {
            if let ast::Decl::Use(ast::Use {
                target: ast::UseTarget::File(relative),
                ..
            }) = &item.decl
            {
                inputs.push(paths::relative_to(path, relative));
            }
        }
    }
    inputs.into_iter().map(Input::now).collect()
}

/// The data files of a checked project, read or missing, and those given with `--data`. Taken
/// right after the check, which read them.
pub fn data_inputs(outcome: &CheckOutcome, extra_data: &[PathBuf]) -> Vec<Input> {
    DataFile::of_scorecard(&outcome.model, &outcome.sources, outcome.entry)
        .into_iter()
        .map(|file| file.path)
        .chain(extra_data.iter().cloned())
        .map(Input::now)
        .collect()
}

/// The folders to watch for `inputs`: each input's folder, or, where that folder does not exist
/// (yet), the closest one above it that does, so that its creation is seen. Canonical paths, as
/// the watcher reports changes under the paths it was given.
pub fn folders(inputs: &[Input]) -> BTreeSet<PathBuf> {
    inputs
        .iter()
        .filter_map(|input| existing_folder_of(&input.path))
        .collect()
}

/// The folder watched for `file`.
pub fn existing_folder_of(file: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(file).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .find(|folder| folder.is_dir())?
        .canonicalize()
        .ok()
}

/// The files `kpic report` writes into its output folder.
const REPORT_FILES: [&str; 2] = ["index.html", "report.json"];

/// Which changes do not call for a rebuild: editors' temporary files, and kpic's own writes to
/// the output folder (which would otherwise rebuild forever when that folder is watched).
#[derive(Debug, Clone)]
pub struct Ignored {
    /// The output folder, canonical.
    out_dir: PathBuf,
}

impl Ignored {
    /// `out_dir` must be canonical, as the paths of changes are.
    pub fn new(out_dir: PathBuf) -> Ignored {
        Ignored { out_dir }
    }

    /// Whether `event` may change the next build. Opening and reading a file is no change (the
    /// build itself reads every input); a change with no path (the watcher lost count) is one.
    pub fn triggers_rebuild(&self, event: &Event) -> bool {
        let is_change = match event.kind {
            EventKind::Access(kind) => kind == AccessKind::Close(AccessMode::Write),
            _ => true,
        };
        is_change && (event.paths.is_empty() || event.paths.iter().any(|path| !self.ignores(path)))
    }

    fn ignores(&self, path: &Path) -> bool {
        let written_by_kpic = path == self.out_dir
            || path.parent() == Some(self.out_dir.as_path())
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| REPORT_FILES.contains(&name));
        written_by_kpic
            || path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(is_temporary)
    }
}

/// Files that editors (and kpic) write on the way to saving another one.
fn is_temporary(name: &str) -> bool {
    name.ends_with('~') // backups: Emacs, Vim, gedit, Kate
        || name.starts_with(".#") // Emacs lock files
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#')) // Emacs auto-saves
        || name == "4913" // Vim checks that it may create files in the folder
        || [".swp", ".swo", ".swx"].iter().any(|ext| name.ends_with(ext)) // Vim swap files
        || name.ends_with("___jb_tmp___") // JetBrains safe write
        || name.ends_with("___jb_old___")
        || name.ends_with(".kpic-tmp") // kpic's own, renamed into place
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RenameMode};

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |event, path| event.add_path(path.into()))
    }

    fn ignored() -> Ignored {
        Ignored::new(PathBuf::from("/p/report"))
    }

    #[test]
    fn editors_temporary_files_are_no_change() {
        for name in [
            "scorecard.kpi~",
            ".#scorecard.kpi",
            "#scorecard.kpi#",
            "4913",
            ".scorecard.kpi.swp",
            ".scorecard.kpi.swx",
            "scorecard.kpi___jb_tmp___",
            ".report.json.kpic-tmp",
        ] {
            let path = format!("/p/{name}");
            let created = event(EventKind::Create(CreateKind::File), &[&path]);
            assert!(!ignored().triggers_rebuild(&created), "{name}");
        }
        for name in ["scorecard.kpi", "actuals.csv", "#", "49130", "swp"] {
            let path = format!("/p/{name}");
            let created = event(EventKind::Create(CreateKind::File), &[&path]);
            assert!(ignored().triggers_rebuild(&created), "{name}");
        }
    }

    #[test]
    fn the_report_written_is_no_change_but_other_files_beside_it_are() {
        let modified = |path| event(EventKind::Modify(ModifyKind::Any), &[path]);
        assert!(!ignored().triggers_rebuild(&modified("/p/report")));
        assert!(!ignored().triggers_rebuild(&modified("/p/report/index.html")));
        assert!(!ignored().triggers_rebuild(&modified("/p/report/report.json")));
        assert!(ignored().triggers_rebuild(&modified("/p/report/scorecard.kpi")));
        assert!(ignored().triggers_rebuild(&modified("/p/report.json")));
    }

    #[test]
    fn a_rename_onto_a_watched_file_is_a_change_even_from_a_temporary_name() {
        let renamed = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/p/.scorecard.kpi.swp", "/p/scorecard.kpi"],
        );
        assert!(ignored().triggers_rebuild(&renamed));
    }

    #[test]
    fn reading_is_no_change_but_closing_after_writing_is() {
        let open = event(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            &["/p/a.kpi"],
        );
        let read = event(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            &["/p/a.kpi"],
        );
        let written = event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &["/p/a.kpi"],
        );
        assert!(!ignored().triggers_rebuild(&open));
        assert!(!ignored().triggers_rebuild(&read));
        assert!(ignored().triggers_rebuild(&written));
        assert!(ignored().triggers_rebuild(&event(EventKind::Other, &[])));
    }

    #[test]
    fn a_missing_folder_is_watched_through_the_closest_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("lib")).unwrap();
        let inputs = ["scorecard.kpi", "lib/a.kpi", "data/2026/actuals.csv"]
            .map(|name| Input::now(root.join(name)));
        let expected: BTreeSet<PathBuf> = [root.clone(), root.join("lib")].into();
        assert_eq!(folders(&inputs), expected);
    }

    #[test]
    fn an_input_changed_since_it_was_seen_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.kpi");
        let missing = Input::now(file.clone());
        assert!(!missing.changed());
        std::fs::write(&file, "x").unwrap();
        assert!(missing.changed(), "created");
        let seen = Input::now(file.clone());
        assert!(!seen.changed());
        std::fs::remove_file(&file).unwrap();
        assert!(seen.changed(), "deleted");
    }
}
