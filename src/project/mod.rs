//! Stage 2, project: the entry file and every file it reaches through `use`, parsed once each.
//!
//! Missing imports and import cycles are findings; only an entry PATH that does not exist is an
//! error that stops the run (the command line reports it, exit code 2).

pub(crate) mod paths;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::diagnostics::{self, Finding, Rule};
use crate::graph;
use crate::input::{self, ReadError};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span};
use crate::stdlib;
use crate::syntax::{self, ast};

/// The file a project folder's entry is read from.
pub const ENTRY_FILE_NAME: &str = "scorecard.kpi";

/// A loaded project: every source file and its AST, and the findings of loading and parsing.
#[derive(Debug)]
pub struct Project {
    pub sources: SourceMap,
    /// The AST of each file, indexed by [`FileId`].
    pub files: Vec<ast::File>,
    pub entry: FileId,
    pub findings: Vec<Finding>,
    /// Each file's `use` lines that resolved: the span of the `use` and the file it loads.
    pub imports: HashMap<FileId, Vec<(Span, FileId)>>,
    /// The files that could not be read as text (not UTF-8): what they declare is unknown.
    pub unreadable: Vec<FileId>,
}

impl Project {
    /// The paths the `use` lines of file `id` name, as written, whether they load or not.
    pub fn file_imports(&self, id: FileId) -> impl Iterator<Item = &str> {
        let items = self
            .files
            .get(id.0 as usize)
            .map_or(&[][..], |file| &file.items);
        items.iter().filter_map(|item| match &item.decl {
            ast::Decl::Use(ast::Use {
                target: ast::UseTarget::File(relative),
                ..
            }) => Some(relative.as_str()),
            _ => None,
        })
    }
}

/// Why a project could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    NotFound(PathBuf),
    NoEntryFile(PathBuf),
    Unreadable(PathBuf, ReadError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(path) => write!(f, "`{}` does not exist", path.display()),
            LoadError::NoEntryFile(dir) => {
                write!(
                    f,
                    "`{}` has no `{ENTRY_FILE_NAME}`: give the entry .kpi file, or run `kpic init`",
                    dir.display()
                )
            }
            LoadError::Unreadable(path, error) => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads the project at `path`: a folder holding `scorecard.kpi`, or an entry `.kpi` file.
pub fn load(path: &Path) -> Result<Project, LoadError> {
    let (name, origin, bytes) = read_entry(path, &Overlay::default())?;
    Ok(Loader::default().run(name, origin, bytes).0)
}

/// The parses of one load, for the next load to reuse.
#[derive(Debug, Default)]
pub struct Parses(HashMap<Origin, Parse>);

/// One file's parse, and what it was parsed from.
#[derive(Debug)]
struct Parse {
    /// The file's id in its load: spans hold it, so a parse is only good for the same id.
    id: FileId,
    text: String,
    ast: ast::File,
    findings: Vec<Finding>,
}

/// [`load`], reusing the parse of each file whose text and id are those it had in the load
/// that filled `parses`; `parses` then holds this load's. For `kpic watch`: a save parses again
/// only the files it changed (ids stay as they were while the `use` lines do).
pub fn load_reusing(path: &Path, parses: &mut Parses) -> Result<Project, LoadError> {
    load_overlaid(path, parses, Overlay::default())
}

/// Texts that stand in for the files on disk at the same paths (keyed by [`file_identity`]):
/// an editor's unsaved documents.
pub type Overlay = HashMap<PathBuf, String>;

/// One identity per source file however it is spelt, the key of an [`Overlay`].
pub fn file_identity(path: &Path) -> PathBuf {
    paths::identity(path)
}

/// [`load_reusing`], reading each file that `overlay` holds from there rather than from disk
/// (for `kpic lsp`: the text of the editor's open documents, saved or not).
pub fn load_overlaid(
    path: &Path,
    parses: &mut Parses,
    overlay: Overlay,
) -> Result<Project, LoadError> {
    let (name, origin, bytes) = read_entry(path, &overlay)?;
    let loader = Loader {
        reuse: Some(Reuse {
            previous: std::mem::take(parses),
            next: Parses::default(),
        }),
        overlay,
        ..Loader::default()
    };
    let (project, next) = loader.run(name, origin, bytes);
    *parses = next;
    Ok(project)
}

/// The display name, origin and bytes of the entry file of the project at `path`.
fn read_entry(path: &Path, overlay: &Overlay) -> Result<(String, Origin, Vec<u8>), LoadError> {
    let entry_path = if path.is_dir() {
        let entry = path.join(ENTRY_FILE_NAME);
        if !entry.is_file() {
            return Err(LoadError::NoEntryFile(path.to_path_buf()));
        }
        entry
    } else if path.exists() {
        path.to_path_buf()
    } else {
        return Err(LoadError::NotFound(path.to_path_buf()));
    };
    let identity = paths::identity(&entry_path);
    let bytes = match overlay.get(&identity) {
        Some(text) => text.as_bytes().to_vec(),
        None => input::read_regular_file(&entry_path, input::MAX_SOURCE_BYTES)
            .map_err(|error| LoadError::Unreadable(entry_path.clone(), error))?,
    };
    let name = paths::display_name(&entry_path);
    Ok((name, Origin::Disk(identity), bytes))
}

/// Loads a project whose entry file is given as text (for tests and tools); its `use "…"` lines
/// are resolved relative to `dir`.
pub fn load_text(name: &str, dir: &Path, text: &str) -> Project {
    let origin = Origin::Disk(dir.join(name));
    Loader::default()
        .run(name.to_string(), origin, text.as_bytes().to_vec())
        .0
}

#[derive(Default)]
struct Loader {
    sources: SourceMap,
    files: Vec<ast::File>,
    findings: Vec<Finding>,
    /// Each file's `use` lines that resolved: the span of the `use` and the file it loads.
    imports: HashMap<FileId, Vec<(Span, FileId)>>,
    /// Files kept for display only: they are not UTF-8, so they are not parsed.
    not_utf8: Vec<FileId>,
    /// Set by [`load_reusing`] only: other loads keep no copy of their parses.
    reuse: Option<Reuse>,
    /// The texts read instead of the files on disk ([`load_overlaid`]).
    overlay: Overlay,
}

/// The parses a load may reuse, and those it keeps for the next one.
struct Reuse {
    previous: Parses,
    next: Parses,
}

impl Loader {
    /// The project, and its parses where they are kept for reuse.
    fn run(mut self, name: String, origin: Origin, bytes: Vec<u8>) -> (Project, Parses) {
        let entry = self.add(name, origin, bytes);
        // Breadth first: the files one level of `use` away are parsed together, in parallel.
        let mut level = vec![entry];
        while !level.is_empty() {
            self.parse(&level);
            level = level
                .into_iter()
                .flat_map(|file| self.resolve_uses(file))
                .collect();
        }
        self.report_cycles(entry);
        let project = Project {
            sources: self.sources,
            files: self.files,
            entry,
            findings: self.findings,
            imports: self.imports,
            unreadable: self.not_utf8,
        };
        (
            project,
            self.reuse.map(|reuse| reuse.next).unwrap_or_default(),
        )
    }

    /// Adds a file to the sources, to be parsed with its level. A file that is not UTF-8 is kept
    /// (lossily, for display) with a finding at its first bad byte, and is not parsed.
    fn add(&mut self, name: String, origin: Origin, bytes: Vec<u8>) -> FileId {
        let (text, bad_byte) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(at),
                )
            }
        };
        let id = self.sources.add(SourceFile::new(name, origin, text));
        self.files.push(ast::File::default());
        if let Some(at) = bad_byte {
            let text = &self.sources.get(id).text;
            let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
            let finding = Finding::new(
                Rule::Syntax,
                Span::new(id, at..end),
                "this file is not valid UTF-8",
            )
            .label("not UTF-8")
            .help("save the file as UTF-8");
            self.findings.push(finding);
            self.not_utf8.push(id);
        }
        id
    }

    /// Parses `files` on as many threads as the machine has cores, but for those whose parse
    /// is reused.
    fn parse(&mut self, files: &[FileId]) {
        let mut to_parse = Vec::new();
        for &id in files {
            if self.not_utf8.contains(&id) {
                continue;
            }
            match self.reused_parse(id) {
                Some((ast, findings)) => {
                    self.files[id.0 as usize] = ast;
                    self.findings.extend(findings);
                }
                None => to_parse.push(id),
            }
        }
        let sources = &self.sources;
        let parse = |&id: &FileId| syntax::parse_file(id, &sources.get(id).text);
        let parsed: Vec<_> = match parse_pool() {
            Some(pool) => pool.install(|| to_parse.par_iter().map(parse).collect()),
            None => to_parse.iter().map(parse).collect(),
        };
        for (id, (ast, findings)) in to_parse.into_iter().zip(parsed) {
            self.keep_parse(id, &ast, &findings);
            self.files[id.0 as usize] = ast;
            self.findings.extend(findings);
        }
    }

    /// The previous load's parse of `id`, if it was of the same text at the same id; kept for
    /// the next load.
    fn reused_parse(&mut self, id: FileId) -> Option<(ast::File, Vec<Finding>)> {
        let reuse = self.reuse.as_mut()?;
        let source = self.sources.get(id);
        let parse = reuse.previous.0.remove(&source.origin)?;
        if parse.id != id || parse.text != source.text {
            return None;
        }
        let reused = (parse.ast.clone(), parse.findings.clone());
        reuse.next.0.insert(source.origin.clone(), parse);
        Some(reused)
    }

    /// Keeps a copy of a parse for the next load, where parses are reused.
    fn keep_parse(&mut self, id: FileId, ast: &ast::File, findings: &[Finding]) {
        let Some(reuse) = self.reuse.as_mut() else {
            return;
        };
        let source = self.sources.get(id);
        let parse = Parse {
            id,
            text: source.text.clone(),
            ast: ast.clone(),
            findings: findings.to_vec(),
        };
        reuse.next.0.insert(source.origin.clone(), parse);
    }

    /// Resolves the `use` lines of `file`, adding the files seen for the first time; returns those.
    fn resolve_uses(&mut self, file: FileId) -> Vec<FileId> {
        let uses: Vec<ast::Use> = self.files[file.0 as usize]
            .items
            .iter()
            .filter_map(|item| match &item.decl {
                ast::Decl::Use(use_decl) => Some(use_decl.clone()),
                _ => None,
            })
            .collect();
        let mut new_files = Vec::new();
        for use_decl in uses {
            let Some(import) = self.find_import(file, &use_decl) else {
                continue;
            };
            let target = match self.sources.find(&import.origin) {
                Some(existing) => existing,
                None => match import.read(&self.overlay) {
                    Ok(bytes) => {
                        let id = self.add(import.name, import.origin, bytes);
                        new_files.push(id);
                        id
                    }
                    Err(reason) => {
                        self.findings
                            .push(missing_import(&use_decl, &import, &reason));
                        continue;
                    }
                },
            };
            self.imports
                .entry(file)
                .or_default()
                .push((use_decl.span, target));
        }
        new_files
    }

    /// The origin, display name and bytes of the file a `use` names, or `None` with a finding.
    fn find_import(&mut self, file: FileId, use_decl: &ast::Use) -> Option<Import> {
        match &use_decl.target {
            ast::UseTarget::Stdlib(module) => {
                let Some(source) = stdlib::module(module) else {
                    let names = stdlib::MODULES.iter().map(|(name, _)| *name);
                    let mut finding = Finding::new(
                        Rule::ImportNotFound,
                        use_decl.target_span,
                        format!("there is no standard library module `std.{module}`"),
                    )
                    .label("no such module");
                    finding = match diagnostics::closest(module, names.clone()) {
                        Some(close) => finding.help(format!("did you mean `std.{close}`?")),
                        None => {
                            let all: Vec<String> = names.map(|n| format!("std.{n}")).collect();
                            finding.help(format!("the modules are {}", all.join(", ")))
                        }
                    };
                    self.findings.push(finding);
                    return None;
                };
                Some(Import {
                    origin: Origin::Stdlib(module.clone()),
                    name: stdlib::file_name(module),
                    place: Place::Stdlib(source),
                })
            }
            ast::UseTarget::File(relative) => {
                let Origin::Disk(using_path) = &self.sources.get(file).origin else {
                    let finding = Finding::new(
                        Rule::ImportNotFound,
                        use_decl.target_span,
                        format!("the standard library cannot use the file \"{relative}\""),
                    );
                    self.findings.push(finding);
                    return None;
                };
                if let Some(finding) = not_a_source_path(use_decl, relative) {
                    self.findings.push(finding);
                    return None;
                }
                let path = paths::relative_to(using_path, relative);
                Some(Import {
                    origin: Origin::Disk(paths::identity(&path)),
                    name: paths::display_name(&path),
                    place: Place::Disk {
                        path,
                        relative: relative.clone(),
                    },
                })
            }
        }
    }

    /// One `import-cycle` finding per `use` line that closes a cycle, walking from the entry.
    fn report_cycles(&mut self, entry: FileId) {
        let mut edges: graph::Edges<FileId, Span> = vec![Vec::new(); self.sources.len()];
        for (file, imports) in &self.imports {
            edges[file.0 as usize] = imports
                .iter()
                .map(|(span, target)| (*target, *span))
                .collect();
        }
        for steps in graph::closed_on_walk(&edges, entry) {
            self.findings.push(self.cycle_finding(&steps));
        }
    }

    fn cycle_finding(&self, steps: &[(FileId, Span)]) -> Finding {
        let name = |id: FileId| self.sources.get(id).name.clone();
        let names: Vec<String> = steps
            .iter()
            .map(|(file, _)| name(*file))
            .chain([name(steps[0].0)])
            .collect();
        let (last_file, last_span) = *steps.last().expect("a cycle has a step");
        let mut finding = Finding::new(
            Rule::ImportCycle,
            last_span,
            format!(
                "files use each other in a cycle: {}",
                diagnostics::cycle_chain(&names)
            ),
        )
        .label(format!(
            "`{}` uses `{}`, closing the cycle",
            name(last_file),
            name(steps[0].0)
        ))
        .help("move what both files need into a third file that each of them uses");
        let labelled = (steps.len() - 1).min(diagnostics::MAX_CYCLE_LABELS);
        for (i, (file, span)) in steps[..labelled].iter().enumerate() {
            finding =
                finding.with_secondary(*span, format!("`{}` uses `{}`", name(*file), names[i + 1]));
        }
        finding
    }
}

/// The threads files parse on, one per core, each with a large stack: parsing recurses as deep
/// as the source nests (within the limit the syntax stage enforces). `None` where no thread can
/// be started: the files parse one after the other on the calling thread then.
fn parse_pool() -> Option<&'static rayon::ThreadPool> {
    const STACK_SIZE: usize = 64 * 1024 * 1024;
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|index| format!("kpic-parse-{index}"))
            .stack_size(STACK_SIZE)
            .build()
            .ok()
    })
    .as_ref()
}

/// A file a `use` names, found but not yet read.
struct Import {
    origin: Origin,
    name: String,
    place: Place,
}

enum Place {
    Stdlib(&'static str),
    Disk { path: PathBuf, relative: String },
}

impl Import {
    /// The file's bytes (its text in `overlay`, if there), or why it cannot be read.
    fn read(&self, overlay: &Overlay) -> Result<Vec<u8>, ReadError> {
        let overlaid = match &self.origin {
            Origin::Disk(identity) => overlay.get(identity),
            Origin::Stdlib(_) => None,
        };
        match (&self.place, overlaid) {
            (_, Some(text)) => Ok(text.as_bytes().to_vec()),
            (Place::Stdlib(source), None) => Ok(source.as_bytes().to_vec()),
            (Place::Disk { path, .. }, None) => {
                input::read_regular_file(path, input::MAX_SOURCE_BYTES)
            }
        }
    }
}

/// Why the path of a `use` is not one kpic reads, if it is not: a `use` loads the `.kpi` source
/// of the same project, named relative to the file that uses it. An absolute path would tie the
/// project to one machine (and CI, or a colleague's clone, could not check it); any other file
/// is not source, and its content is never quoted back.
fn not_a_source_path(use_decl: &ast::Use, relative: &str) -> Option<Finding> {
    let (message, label, help) = if Path::new(relative).is_absolute() {
        (
            format!(
                "cannot use \"{relative}\": a `use` path is relative to the file that names it"
            ),
            "an absolute path",
            "keep the project's files in its folder and name them relative to this file, so that \
             it checks the same on every machine and in CI",
        )
    } else if !relative.ends_with(".kpi") {
        (
            format!(
                "cannot use \"{relative}\": a `use` loads `.kpi` source, and this is not a `.kpi` file"
            ),
            "not a .kpi file",
            "name a .kpi file of the project; data files are read with `data \"…\"` in the scorecard",
        )
    } else {
        return None;
    };
    Some(
        Finding::new(Rule::ImportNotFound, use_decl.target_span, message)
            .label(label)
            .help(help),
    )
}

/// `import-not-found` for a file that cannot be read, with the closest `.kpi` file as help.
fn missing_import(use_decl: &ast::Use, import: &Import, reason: &ReadError) -> Finding {
    let Place::Disk { path, relative } = &import.place else {
        unreachable!("the embedded standard library is always readable")
    };
    let mut finding = Finding::new(
        Rule::ImportNotFound,
        use_decl.target_span,
        format!(
            "cannot use \"{relative}\": {reason} (looked for `{}`)",
            import.name
        ),
    )
    .label("not found");
    let folder = path.parent().unwrap_or(Path::new("."));
    let wanted = Path::new(relative)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(relative);
    let siblings = paths::kpi_files_in(folder);
    if let Some(close) = diagnostics::closest(wanted, siblings.iter().map(String::as_str)) {
        finding = finding.help(format!("did you mean \"{close}\"?"));
    } else {
        finding = finding.help("paths in `use` are relative to the file that uses them");
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a load gives, spans (and so file ids) included.
    fn shape(project: &Project) -> String {
        let mut imports: Vec<_> = project.imports.iter().collect();
        imports.sort();
        format!(
            "{:?}\n{:?}\n{imports:?}\n{:?}",
            project.files,
            project.findings,
            project
                .sources
                .iter()
                .map(|(id, file)| (id, file.name.clone(), file.text.clone()))
                .collect::<Vec<_>>()
        )
    }

    #[test]
    fn a_load_reusing_parses_gives_what_a_fresh_load_gives() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("a.kpi", "metric a \"A\" { unit EUR }\n");
        write("b.kpi", "metric b \"B\" { unit EUR }\nkpi broken {\n");
        write(
            "scorecard.kpi",
            "use \"a.kpi\"\nuse \"b.kpi\"\nuse std.bsc\n",
        );
        let mut parses = Parses::default();
        let mut check = |step: &str| {
            let reusing = load_reusing(dir.path(), &mut parses).unwrap();
            let fresh = load(dir.path()).unwrap();
            assert_eq!(shape(&reusing), shape(&fresh), "{step}");
        };
        check("the first load");
        check("nothing changed");
        write("b.kpi", "metric b \"B, fixed\" { unit EUR }\n");
        check("one file changed");
        write(
            "scorecard.kpi",
            "use \"b.kpi\"\nuse std.bsc\nuse \"a.kpi\"\n",
        );
        check("the files' ids changed");
        write("scorecard.kpi", "use \"b.kpi\"\n");
        check("a file no longer used");
        write(
            "scorecard.kpi",
            "use \"a.kpi\"\nuse \"b.kpi\"\nuse std.bsc\n",
        );
        check("the file used again");
    }

    #[test]
    fn an_overlaid_text_is_read_instead_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("scorecard.kpi", "use \"a.kpi\"\n");
        write("a.kpi", "metric a \"On disk\" { unit EUR }\n");
        let mut overlay = Overlay::default();
        let unsaved = "metric a \"Unsaved\" { unit EUR }\nmetric b \"New\" { unit EUR }\n";
        overlay.insert(file_identity(&dir.path().join("a.kpi")), unsaved.into());
        overlay.insert(
            file_identity(&dir.path().join("scorecard.kpi")),
            "use \"a.kpi\"\nuse std.bsc\n".into(),
        );
        let project = load_overlaid(dir.path(), &mut Parses::default(), overlay).unwrap();
        let texts: Vec<&str> = project
            .sources
            .iter()
            .map(|(_, file)| file.text.as_str())
            .collect();
        assert_eq!(texts[0], "use \"a.kpi\"\nuse std.bsc\n");
        assert!(texts.contains(&unsaved));
        assert_eq!(project.sources.len(), 3, "the entry, a.kpi and std.bsc");
    }
}
