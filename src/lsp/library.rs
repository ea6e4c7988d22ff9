//! The standard library as files an editor can open: its modules are embedded in the binary, so
//! "go to definition" into `std.bsc` opens a read-only copy written once to a folder of the
//! temporary directory named by kpic's version and the modules' contents.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::stdlib;

/// Where the modules are written, if they could be.
pub struct LibraryFiles {
    folder: Option<PathBuf>,
}

impl LibraryFiles {
    /// Writes the modules (unless an earlier server did) under the temporary directory.
    pub fn write() -> LibraryFiles {
        let folder = std::env::temp_dir().join(format!(
            "kpic-stdlib-{}-{:016x}",
            env!("CARGO_PKG_VERSION"),
            modules_hash()
        ));
        let written = stdlib::MODULES
            .iter()
            .all(|(name, source)| write_read_only(&folder.join(format!("{name}.kpi")), source));
        if !written {
            eprintln!(
                "kpic lsp: cannot write the standard library to `{}`: no definitions in it",
                folder.display()
            );
        }
        LibraryFiles {
            folder: written.then(|| crate::project::file_identity(&folder)),
        }
    }

    /// The file of module `name`.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        Some(self.folder.as_ref()?.join(format!("{name}.kpi")))
    }

    /// The module a file is the copy of, if it is one (`path` a file identity).
    pub fn module_of(&self, path: &Path) -> Option<String> {
        let folder = self.folder.as_ref()?;
        let name = path
            .strip_prefix(folder)
            .ok()?
            .to_str()?
            .strip_suffix(".kpi")?;
        stdlib::module(name).map(|_| name.to_string())
    }
}

fn modules_hash() -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    stdlib::MODULES.hash(&mut hasher);
    hasher.finish()
}

/// Writes `text` to `path` read-only, unless the file already holds it.
fn write_read_only(path: &Path, text: &str) -> bool {
    if std::fs::read_to_string(path).is_ok_and(|on_disk| on_disk == text) {
        return true;
    }
    let written = path
        .parent()
        .is_some_and(|folder| std::fs::create_dir_all(folder).is_ok())
        && std::fs::write(path, text).is_ok();
    if written && let Ok(metadata) = std::fs::metadata(path) {
        let mut permissions = metadata.permissions();
        permissions.set_readonly(true);
        let _ = std::fs::set_permissions(path, permissions);
    }
    written
}
