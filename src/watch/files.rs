//! What a watch looks at: the folders of the files a build read or named, and the changes in
//! them that call for a rebuild (those to the files, and to the folders on the way to them).
//!
//! Folders, not files: editors save by writing a new file and renaming it over the old one, and
//! a watch on the old file would follow it into oblivion. A watch on the folder sees the rename,
//! a delete and a re-create, and a file that did not exist yet (an import not written yet).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind};

use crate::data::DataFile;
use crate::pipeline::CheckOutcome;
use crate::project::{Project, paths};
use crate::source::Origin;

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
        inputs.extend(
            project
                .file_imports(id)
                .map(|relative| paths::relative_to(path, relative)),
        );
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
        .filter_map(|input| locate(&input.path))
        .map(|(folder, _)| folder)
        .collect()
}

/// The folder watched for `file`.
pub fn folder_of(file: &Path) -> Option<PathBuf> {
    locate(file).map(|(folder, _)| folder)
}

/// The folder watched for `file` (the closest existing folder above it, canonical), and the path
/// the watcher reports changes to `file` under: that folder and the rest of `file` below it.
fn locate(file: &Path) -> Option<(PathBuf, PathBuf)> {
    let absolute = paths::normalize(&std::path::absolute(file).ok()?);
    let existing = absolute
        .ancestors()
        .skip(1)
        .find(|folder| folder.is_dir())?;
    let rest = absolute.strip_prefix(existing).ok()?;
    let folder = existing.canonicalize().ok()?;
    let reported = folder.join(rest);
    Some((folder, reported))
}

/// Which changes call for a rebuild: changes to an input of the last build, to a folder on the
/// way to one (created, deleted, renamed), or to a watched folder itself. Nothing else in the
/// watched folders: not the files editors write on the way to saving (`.swp`, `~`, `.#…`,
/// `4913`), not kpic's own report and its `.kpic-tmp`, not a log written beside the project.
#[derive(Debug)]
pub struct Relevant {
    /// The inputs as the watcher reports them, and the watched folders.
    paths: BTreeSet<PathBuf>,
}

impl Relevant {
    pub fn new(inputs: &[Input], watched: &BTreeSet<PathBuf>) -> Relevant {
        let reported = inputs
            .iter()
            .filter_map(|input| locate(&input.path))
            .map(|(_, reported)| reported);
        Relevant {
            paths: reported.chain(watched.iter().cloned()).collect(),
        }
    }

    /// Whether `event` may change the next build. Opening and reading a file is no change (the
    /// build itself reads every input); a change with no path (the watcher lost count) is one.
    pub fn triggers_rebuild(&self, event: &Event) -> bool {
        let is_change = match event.kind {
            EventKind::Access(kind) => kind == AccessKind::Close(AccessMode::Write),
            _ => true,
        };
        is_change && (event.paths.is_empty() || event.paths.iter().any(|path| self.concerns(path)))
    }

    /// Whether `path` is an input or a watched folder, or lies on the way to one.
    fn concerns(&self, path: &Path) -> bool {
        self.paths.iter().any(|known| known.starts_with(path))
    }
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

    /// A project in `/p`: its entry, an import in `lib/`, a data file in `data/` (missing).
    fn relevant() -> Relevant {
        let inputs = [
            "/p/scorecard.kpi",
            "/p/lib/extra.kpi",
            "/p/data/actuals.csv",
        ]
        .map(|path| Input {
            path: PathBuf::from(path),
            modified: None,
        });
        Relevant {
            paths: inputs
                .iter()
                .map(|input| input.path.clone())
                .chain([PathBuf::from("/p"), PathBuf::from("/p/lib")])
                .collect(),
        }
    }

    #[test]
    fn changes_to_inputs_and_the_folders_on_the_way_to_them_rebuild() {
        let created = |path| event(EventKind::Create(CreateKind::Any), &[path]);
        for path in [
            "/p/scorecard.kpi",
            "/p/lib/extra.kpi",
            "/p/data/actuals.csv",
            "/p/data",
            "/p/lib",
            "/p",
        ] {
            assert!(relevant().triggers_rebuild(&created(path)), "{path}");
        }
    }

    #[test]
    fn other_files_in_the_watched_folders_do_not() {
        for name in [
            "scorecard.kpi~",
            ".#scorecard.kpi",
            "#scorecard.kpi#",
            "4913",
            ".scorecard.kpi.swp",
            "scorecard.kpi___jb_tmp___",
            "report",
            "report/report.json",
            "report/.index.html.kpic-tmp",
            "watch.log",
            "other.kpi",
            "data/other.csv",
        ] {
            let path = format!("/p/{name}");
            let modified = event(EventKind::Modify(ModifyKind::Any), &[&path]);
            assert!(!relevant().triggers_rebuild(&modified), "{name}");
        }
    }

    #[test]
    fn a_rename_onto_an_input_rebuilds_even_from_a_temporary_name() {
        let renamed = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/p/.scorecard.kpi.swp", "/p/scorecard.kpi"],
        );
        assert!(relevant().triggers_rebuild(&renamed));
    }

    #[test]
    fn reading_is_no_change_but_closing_after_writing_is() {
        let access = |kind| event(EventKind::Access(kind), &["/p/scorecard.kpi"]);
        assert!(!relevant().triggers_rebuild(&access(AccessKind::Open(AccessMode::Any))));
        assert!(!relevant().triggers_rebuild(&access(AccessKind::Close(AccessMode::Read))));
        assert!(relevant().triggers_rebuild(&access(AccessKind::Close(AccessMode::Write))));
        assert!(relevant().triggers_rebuild(&event(EventKind::Other, &[])));
    }

    #[test]
    fn inputs_are_reported_under_the_canonical_folder_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("lib")).unwrap();
        let input = |path: PathBuf| Input::now(path);
        let relevant = Relevant::new(
            &[
                input(dir.path().join("lib/../lib/a.kpi")),
                input(dir.path().join("data/2026/b.csv")),
            ],
            &BTreeSet::new(),
        );
        let expected: BTreeSet<PathBuf> =
            [root.join("lib/a.kpi"), root.join("data/2026/b.csv")].into();
        assert_eq!(relevant.paths, expected);
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
