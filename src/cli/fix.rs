//! `kpic check --fix`: the certain fixes of the findings applied (none overlapping another; the
//! others are left for the next run), each changed file written atomically, then the project
//! checked again. What was changed is said on standard error, so that standard output holds the
//! findings left in the format asked for.

use std::collections::BTreeMap;

use super::CheckArgs;
use super::EXIT_USAGE;
use super::check::{checked, write_atomically};
use crate::checks::levels::LintOptions;
use crate::diagnostics::{Edit, Fix, Level, apply_edits, compatible_fixes};
use crate::pipeline::CheckOutcome;
use crate::source::{FileId, Origin, SourceFile};
use crate::syntax;

/// Applies the certain fixes of `outcome` and returns the outcome of the check that follows (the
/// same outcome when nothing changed), or the exit code of a run that failed.
pub(super) fn run(
    args: &CheckArgs,
    lint: &LintOptions,
    outcome: CheckOutcome,
) -> Result<CheckOutcome, u8> {
    let fixes = compatible_fixes(certain_fixes(&outcome));
    let mut by_file: BTreeMap<FileId, Vec<&Fix>> = BTreeMap::new();
    for fix in fixes {
        let file = fix.edits[0].span.file;
        by_file.entry(file).or_default().push(fix);
    }
    let mut changed = 0;
    for (id, fixes) in by_file {
        let file = outcome.sources.get(id);
        let edits: Vec<&Edit> = fixes.iter().flat_map(|fix| &fix.edits).collect();
        let fixed = apply_edits(&file.text, &edits);
        if fixed == file.text {
            continue;
        }
        if parses_worse(&file.text, &fixed) {
            eprintln!(
                "error: the fixes of `{}` would leave it not parsing: it is left as it is",
                file.name
            );
            continue;
        }
        write(file, &fixed)?;
        for fix in fixes {
            eprintln!("fixed {}: {}", file.name, fix.message);
        }
        changed += 1;
    }
    if changed == 0 {
        eprintln!("nothing to fix with certainty: no file was changed");
        return Ok(outcome);
    }
    eprintln!("checking again after fixing {}", files(changed));
    drop(outcome);
    checked(args, lint)
}

/// The fixes of the findings that are shown (an allowed finding is not fixed), each within one
/// file of the project on disk (the standard library is never written).
fn certain_fixes(outcome: &CheckOutcome) -> impl Iterator<Item = &Fix> {
    outcome
        .findings
        .iter()
        .filter(|finding| finding.level != Level::Allow)
        .filter_map(|finding| finding.fix.as_ref())
        .filter(|fix| {
            let Some(first) = fix.edits.first() else {
                return false;
            };
            let file = first.span.file;
            let on_disk = matches!(outcome.sources.get(file).origin, Origin::Disk(_));
            on_disk && fix.edits.iter().all(|edit| edit.span.file == file)
        })
}

/// Whether the fixed text has more syntax errors than the text it came from: a fix never turns
/// a file that parses into one that does not.
fn parses_worse(original: &str, fixed: &str) -> bool {
    let errors = |text: &str| syntax::parse_file(FileId(0), text).1.len();
    errors(fixed) > errors(original)
}

fn write(file: &SourceFile, text: &str) -> Result<(), u8> {
    let Origin::Disk(path) = &file.origin else {
        unreachable!("only files on disk are fixed");
    };
    write_atomically(path, text).map_err(|error| {
        eprintln!("error: cannot write `{}`: {error}", file.name);
        EXIT_USAGE
    })
}

fn files(count: usize) -> String {
    match count {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    }
}

#[cfg(test)]
mod tests {
    use super::parses_worse;

    #[test]
    fn a_fix_that_breaks_the_parse_is_refused() {
        let good = "metric a \"A\" { unit EUR }\n";
        assert!(parses_worse(good, "metric a \"A\" { unit EUR\n"));
        assert!(!parses_worse(good, "metric b \"A\" { unit EUR }\n"));
        // A file that did not parse may be fixed elsewhere, as long as it gets no worse.
        let broken = "metric a \"A\" { unit }\nmetric b \"B\" { unit EUR }\n";
        assert!(!parses_worse(
            broken,
            &broken.replace("metric b", "metric c")
        ));
    }
}
