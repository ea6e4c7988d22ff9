//! Paths of project files: how they are shown and how two spellings of one file are recognised.

use std::path::{Component, Path, PathBuf};

/// The path shown in findings: relative to the working directory where the file lies under it,
/// with `/` separators and without `.` or `..` steps.
pub fn display_name(path: &Path) -> String {
    let cleaned = normalize(path);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| cleaned.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(cleaned);
    relative.to_string_lossy().replace('\\', "/")
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
