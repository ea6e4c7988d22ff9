//! `kpic init`: a small project that passes `kpic check`, to start from.

use std::path::Path;

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
        .filter(|path| path.exists())
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
            .and_then(|()| std::fs::write(&path, text));
        if let Err(error) = written {
            eprintln!("error: cannot write {}: {error}", path.display());
            return EXIT_USAGE;
        }
    }
    println!("created a scorecard in {}", dir.display());
    println!("next: kpic check {}", dir.display());
    EXIT_OK
}
