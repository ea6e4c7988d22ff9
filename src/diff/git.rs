//! The project as it is at a git revision, read with the git command line (`git rev-parse`,
//! `git ls-tree`, `git cat-file --batch`) into a temporary folder: the working tree, the index
//! and the repository's refs are never touched, and a shallow clone works as long as the
//! revision's commit and trees were fetched.
//!
//! The snapshot holds every `.kpi` file of the revision (a `use` may reach outside the project's
//! folder) at its path in the repository; the data files the old scorecard names are added once
//! it is loaded ([`Snapshot::add_files`]), so that only what the old version reads is read.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::input;
use crate::project::ENTRY_FILE_NAME;

/// Why the project could not be read at the revision: `kpic diff` then exits with 2.
#[derive(Debug)]
pub enum GitError {
    /// `git` could not be started.
    NoGit(std::io::Error),
    NotFound(PathBuf),
    NotARepository {
        path: PathBuf,
        reason: String,
    },
    UnknownRevision {
        rev: String,
        reason: String,
    },
    /// The entry file is not in the revision's tree.
    NotAtRevision {
        entry: String,
        rev: String,
    },
    /// Any other failure of a git command, or of writing the snapshot.
    Failed(String),
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NoGit(error) => write!(
                f,
                "cannot run `git` ({error}): `kpic diff --against` reads the old version with git; install git, or compare two folders with `kpic diff OLD NEW`"
            ),
            GitError::NotFound(path) => write!(f, "`{}` does not exist", path.display()),
            GitError::NotARepository { path, reason } => write!(
                f,
                "`{}` is not inside a git repository ({reason}); compare two folders with `kpic diff OLD NEW`",
                path.display()
            ),
            GitError::UnknownRevision { rev, reason } => write!(
                f,
                "unknown revision `{rev}` ({reason}); in a CI clone fetch it first, e.g. `git fetch --depth=1 origin {rev}`"
            ),
            GitError::NotAtRevision { entry, rev } => {
                write!(f, "`{entry}` does not exist at revision `{rev}`")
            }
            GitError::Failed(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for GitError {}

/// A project's files at one revision, written to a temporary folder that is removed on drop.
#[derive(Debug)]
pub struct Snapshot {
    /// Kept for its drop, which removes the folder.
    _folder: tempfile::TempDir,
    /// The folder's canonical path, which the loader's paths start with.
    root: PathBuf,
    /// The revision as the user wrote it, for messages: `origin/main`.
    pub rev: String,
    /// The entry file inside the snapshot.
    pub entry: PathBuf,
    toplevel: PathBuf,
    /// Every blob of the revision's tree, by path in the repository (with `/`).
    blobs: HashMap<String, String>,
}

impl Snapshot {
    /// Reads the `.kpi` files of `rev` of the repository that holds `path` (a project folder or
    /// its entry file).
    pub fn take(path: &Path, rev: &str) -> Result<Snapshot, GitError> {
        let canonical = path
            .canonicalize()
            .map_err(|_| GitError::NotFound(path.to_path_buf()))?;
        let (folder, entry) = if canonical.is_dir() {
            (canonical.clone(), canonical.join(ENTRY_FILE_NAME))
        } else {
            let parent = canonical.parent().unwrap_or(Path::new("/")).to_path_buf();
            (parent, canonical.clone())
        };
        let toplevel =
            git(&folder, &["rev-parse", "--show-toplevel"]).map_err(|failure| match failure {
                Failure::Spawn(error) => GitError::NoGit(error),
                Failure::Status(reason) => GitError::NotARepository {
                    path: path.to_path_buf(),
                    reason,
                },
            })?;
        let toplevel = PathBuf::from(toplevel.trim_end())
            .canonicalize()
            .map_err(|error| GitError::Failed(format!("cannot read the repository: {error}")))?;
        let commit = git(
            &toplevel,
            &[
                "rev-parse",
                "--verify",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|failure| GitError::UnknownRevision {
            rev: rev.to_string(),
            reason: failure.reason(),
        })?;
        let blobs = list_blobs(&toplevel, commit.trim_end())?;
        let relative_entry = repository_path(&toplevel, &entry).ok_or_else(|| {
            GitError::Failed(format!("`{}` is outside its repository", entry.display()))
        })?;
        if !blobs.contains_key(&relative_entry) {
            return Err(GitError::NotAtRevision {
                entry: relative_entry,
                rev: rev.to_string(),
            });
        }
        let folder = tempfile::Builder::new()
            .prefix("kpic-diff-")
            .tempdir()
            .map_err(|error| {
                GitError::Failed(format!("cannot make a temporary folder: {error}"))
            })?;
        let root = folder.path().canonicalize().map_err(|error| {
            GitError::Failed(format!("cannot read the temporary folder: {error}"))
        })?;
        let snapshot = Snapshot {
            entry: root.join(&relative_entry),
            root,
            _folder: folder,
            rev: rev.to_string(),
            toplevel,
            blobs,
        };
        let sources: Vec<String> = snapshot
            .blobs
            .keys()
            .filter(|name| name.ends_with(".kpi"))
            .cloned()
            .collect();
        snapshot.extract(&sources)?;
        Ok(snapshot)
    }

    /// Adds the files at `paths` (inside the snapshot, as the old project names them) that the
    /// revision holds; a path it does not hold stays missing, as it was at the revision.
    pub fn add_files(&self, paths: &[PathBuf]) -> Result<(), GitError> {
        let names: Vec<String> = paths
            .iter()
            .filter_map(|path| {
                let inside = normalize(path).strip_prefix(&self.root).ok()?.to_path_buf();
                let name = slashed(&inside);
                self.blobs.contains_key(&name).then_some(name)
            })
            .collect();
        self.extract(&names)
    }

    /// The name a message gives a file of the snapshot: `REV:path/in/repository`.
    pub fn display(&self, path: &Path) -> Option<String> {
        let inside = path.strip_prefix(&self.root).ok()?;
        Some(format!("{}:{}", self.rev, slashed(inside)))
    }

    /// Writes the blobs named by `names` into the snapshot, with one `git cat-file --batch`.
    fn extract(&self, names: &[String]) -> Result<(), GitError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.toplevel)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::NoGit)?;
        let request: String = names
            .iter()
            .map(|name| format!("{}\n", self.blobs[name]))
            .collect();
        let mut stdin = child.stdin.take().expect("piped");
        // Written from another thread: git answers while it reads, and both pipes are bounded.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let written = names
            .iter()
            .try_for_each(|name| self.write_blob(&mut stdout, name));
        if written.is_err() {
            // Stopped reading: git would wait on its output, and the writer on git.
            let _ = child.kill();
        }
        drop(stdout);
        let _ = writer.join();
        let status = child.wait().map_err(GitError::NoGit)?;
        written?;
        if !status.success() {
            return Err(GitError::Failed(format!(
                "`git cat-file` failed ({status})"
            )));
        }
        Ok(())
    }

    /// Reads one answer of `git cat-file --batch` (`<oid> blob <size>\n<bytes>\n`) into the file
    /// at `name`.
    fn write_blob(&self, stdout: &mut impl BufRead, name: &str) -> Result<(), GitError> {
        let failed =
            |what: String| GitError::Failed(format!("cannot read `{name}` from git: {what}"));
        let mut header = String::new();
        stdout
            .read_line(&mut header)
            .map_err(|error| failed(error.to_string()))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|size| size.parse().ok())
            .ok_or_else(|| failed(format!("unexpected answer `{}`", header.trim_end())))?;
        let limit = if name.ends_with(".kpi") {
            input::MAX_SOURCE_BYTES
        } else {
            input::MAX_DATA_BYTES
        };
        if size as u64 > limit {
            // Larger than kpic reads such a file: left out of the snapshot, so that the old
            // version reads it as missing (and a hostile blob never fills the memory).
            std::io::copy(&mut stdout.take(size as u64 + 1), &mut std::io::sink())
                .map_err(|error| failed(error.to_string()))?;
            return Ok(());
        }
        let mut bytes = vec![0; size + 1];
        stdout
            .read_exact(&mut bytes)
            .map_err(|error| failed(error.to_string()))?;
        bytes.pop();
        let path = self.root.join(name);
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &bytes)
        };
        write().map_err(|error| failed(error.to_string()))
    }
}

/// Why a git command failed.
enum Failure {
    Spawn(std::io::Error),
    /// Its standard error, or its exit status.
    Status(String),
}

impl Failure {
    fn reason(self) -> String {
        match self {
            Failure::Spawn(error) => error.to_string(),
            Failure::Status(reason) => reason,
        }
    }
}

/// Runs `git -C dir ARGS…`, returning its standard output.
fn git(dir: &Path, args: &[&str]) -> Result<String, Failure> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(Failure::Spawn)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .map_or_else(|| output.status.to_string(), |line| line.trim().to_string());
        return Err(Failure::Status(reason));
    }
    String::from_utf8(output.stdout).map_err(|_| Failure::Status("output is not UTF-8".into()))
}

/// Every blob of the commit's tree: path → object id.
fn list_blobs(toplevel: &Path, commit: &str) -> Result<HashMap<String, String>, GitError> {
    let listing =
        git(toplevel, &["ls-tree", "-r", "-z", "--full-tree", commit]).map_err(|failure| {
            GitError::Failed(format!("`git ls-tree` failed: {}", failure.reason()))
        })?;
    let mut blobs = HashMap::new();
    for record in listing.split('\0').filter(|r| !r.is_empty()) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let mut fields = meta.split(' ');
        if let (Some(_mode), Some("blob"), Some(object)) =
            (fields.next(), fields.next(), fields.next())
        {
            blobs.insert(path.to_string(), object.to_string());
        }
    }
    Ok(blobs)
}

/// `file`'s path inside the repository at `toplevel`, with `/`.
fn repository_path(toplevel: &Path, file: &Path) -> Option<String> {
    let inside = match file.canonicalize() {
        Ok(canonical) => canonical.strip_prefix(toplevel).ok()?.to_path_buf(),
        Err(_) => file.strip_prefix(toplevel).ok()?.to_path_buf(),
    };
    Some(slashed(&inside))
}

fn slashed(path: &Path) -> String {
    path.components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Removes `.` and resolves `..` lexically (the snapshot's files may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    crate::project::paths::normalize(path)
}
