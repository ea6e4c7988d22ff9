//! `kpic init`: a small project that passes `kpic check`, to start from.

use std::path::Path;

use super::check::write_new_atomically;
use super::{EXIT_OK, EXIT_USAGE};

const FILES: &[(&str, &str)] = &[
    ("scorecard.kpi", include_str!("init/scorecard.kpi")),
    ("data/actuals.csv", include_str!("init/actuals.csv")),
    ("README.md", include_str!("init/README.md")),
];

pub fn run(dir: &Path) -> u8 {
    let existing: Vec<String> = FILES
        .iter()
        .map(|(name, _)| dir.join(name))
        // A link counts as there, even one that points nowhere.
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!("error: refusing to overwrite {}", existing.join(", "));
        return EXIT_USAGE;
    }
    for (name, text) in FILES {
        let path = dir.join(name);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_new_atomically(&path, text));
        if let Err(error) = written {
            eprintln!("error: cannot write {}: {error}", path.display());
            return EXIT_USAGE;
        }
    }
    println!("created a scorecard in {}", dir.display());
    println!("next: kpic check {}", dir.display());
    EXIT_OK
}
