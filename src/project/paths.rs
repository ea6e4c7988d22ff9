//! Paths of project files: how they are shown and how two spellings of one file are recognised.

use std::path::{Component, Path, PathBuf};

/// The path shown in findings: relative to the working directory where the file lies under it,
/// with `/` separators and without `.` or `..` steps.
///
/// Every format shows this name (and report.json its diagnostics'): relative to the working
/// directory, with `/`, never absolute: a file outside the working directory is reached with
/// `..` (`../shared/actuals.csv`).
pub fn display_name(path: &Path) -> String {
    let cleaned = normalize(path);
    let relative = match std::env::current_dir() {
        Ok(cwd) if cleaned.is_absolute() => relative_from(&cwd, &cleaned),
        _ => cleaned,
    };
    relative.to_string_lossy().replace('\\', "/")
}

/// `path` from the folder `base` (both absolute): `..` up to their common part, then down.
fn relative_from(base: &Path, path: &Path) -> PathBuf {
    let (base, target): (Vec<_>, Vec<_>) =
        (base.components().collect(), path.components().collect());
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.to_path_buf(); // another drive: no relative path exists
    }
    let mut relative = PathBuf::new();
    for _ in common..base.len() {
        relative.push("..");
    }
    relative.extend(&target[common..]);
    relative
}

/// The file a `use` names: `relative` read from the folder of the file that uses it.
pub fn relative_to(using_file: &Path, relative: &str) -> PathBuf {
    normalize(&using_file.parent().unwrap_or(Path::new("")).join(relative))
}

/// One identity per file however it is spelt, so that a file is loaded once.
pub fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| normalize(path))
}

/// Removes `.` and resolves `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The `.kpi` files of a folder, for "did you mean" on a missing import.
pub fn kpi_files_in(folder: &Path) -> Vec<String> {
    files_in(folder, &["kpi"])
}

/// The files of a folder whose extension is one of `extensions`, for "did you mean" on a file
/// that is not there.
pub fn files_in(folder: &Path, extensions: &[&str]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    }) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_base_go_up_to_the_common_folder() {
        let from = |base: &str, path: &str| relative_from(Path::new(base), Path::new(path));
        assert_eq!(
            from("/work/main", "/work/main/a.kpi"),
            PathBuf::from("a.kpi")
        );
        assert_eq!(
            from("/work/main", "/tmp/t/a.kpi"),
            PathBuf::from("../../tmp/t/a.kpi")
        );
        assert_eq!(
            from("/work/main", "/work/other/a.kpi"),
            PathBuf::from("../other/a.kpi")
        );
    }

    #[test]
    fn normalize_removes_dots() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.kpi")),
            PathBuf::from("a/c.kpi")
        );
        assert_eq!(normalize(Path::new("../x.kpi")), PathBuf::from("../x.kpi"));
    }

    #[test]
    fn relative_to_the_using_file() {
        assert_eq!(
            relative_to(Path::new("ex/scorecard.kpi"), "lib/p.kpi"),
            PathBuf::from("ex/lib/p.kpi")
        );
        assert_eq!(
            relative_to(Path::new("scorecard.kpi"), "p.kpi"),
            PathBuf::from("p.kpi")
        );
    }
}
