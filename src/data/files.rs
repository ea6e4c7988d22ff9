//! Which data files a run reads and in which form ([`Form`], [`DataFile`]), and why one cannot be
//! read ([`Unreadable`], with the closest file name when it is missing).

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostics::{self, Finding, Rule};
use crate::project::paths;
use crate::semantic::Model;
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span};

/// The forms of data file kpic reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Csv,
    Json,
    Ndjson,
}

impl Form {
    pub fn of(path: &Path) -> Option<Form> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Form::Csv),
            "json" => Some(Form::Json),
            "ndjson" | "jsonl" => Some(Form::Ndjson),
            _ => None,
        }
    }
}

/// One data file to read: from a `data "…"` line of the scorecard, or from `--data FILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Where to read it.
    pub path: PathBuf,
    /// The path as the user wrote it, for messages.
    pub written: String,
    /// The `data "…"` string that names it; `None` for a file given on the command line, whose
    /// findings then point into the file itself.
    pub named_at: Option<Span>,
}

impl DataFile {
    /// The data files the scorecard names, relative to the folder of the entry file.
    pub fn of_scorecard(model: &Model, sources: &SourceMap, entry: FileId) -> Vec<DataFile> {
        let Some(scorecard) = &model.scorecard else {
            return Vec::new();
        };
        let folder = match &sources.get(entry).origin {
            Origin::Disk(path) => path.parent().unwrap_or(Path::new("")).to_path_buf(),
            Origin::Stdlib(_) => return Vec::new(),
        };
        scorecard
            .data
            .iter()
            .map(|data| DataFile {
                path: folder.join(&data.node),
                written: data.node.clone(),
                named_at: Some(data.span),
            })
            .collect()
    }

    /// A file given on the command line (`--data FILE`), relative to the working directory.
    pub fn from_command_line(path: &Path) -> DataFile {
        DataFile {
            path: path.to_path_buf(),
            written: path.display().to_string(),
            named_at: None,
        }
    }
}

/// Why a file cannot be read: the reason in words, how to fix it, and, when the file was read
/// (as text of no known form), its text and the place of the error in it.
pub(super) struct Unreadable {
    pub(super) reason: String,
    /// How to fix it; by default, where data paths are read from.
    pub(super) help: Option<&'static str>,
    /// The place of the error in the file's text.
    pub(super) at: Option<Range<usize>>,
    pub(super) text: Option<String>,
    /// The file is not there: the help names the closest data file beside where it was sought.
    pub(super) not_found: bool,
}

impl Unreadable {
    pub(super) fn new(reason: impl Into<String>) -> Unreadable {
        Unreadable {
            reason: reason.into(),
            help: None,
            at: None,
            text: None,
            not_found: false,
        }
    }

    /// A file that was read but is not of a known form.
    pub(super) fn form(reason: impl Into<String>) -> Unreadable {
        Unreadable {
            help: Some(HELP_FORMS),
            ..Unreadable::new(reason)
        }
    }

    /// The `data-unreadable` finding: at the `data` line that names the file; for a file given
    /// on the command line, in the file (at the error, or at its start), which becomes a source
    /// file of the run (empty when it could not be read at all).
    pub(super) fn finding(self, file: &DataFile, sources: &mut SourceMap) -> Finding {
        let message = format!(
            "cannot read data file \"{}\": {}",
            file.written, self.reason
        );
        let closest = self.not_found.then(|| closest_data_file(file)).flatten();
        if let Some(span) = file.named_at {
            let help = match closest {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => self
                    .help
                    .unwrap_or("data paths are relative to the file that names them")
                    .to_string(),
            };
            return Finding::new(Rule::DataUnreadable, span, message)
                .label("this data file")
                .help(help);
        }
        let id = sources.add(SourceFile::new(
            paths::display_name(&file.path),
            Origin::Disk(paths::normalize(&file.path)),
            self.text.unwrap_or_default(),
        ));
        let at = self.at.unwrap_or(0..0);
        Finding::new(Rule::DataUnreadable, Span::new(id, at), message)
            .label("here")
            .help(
                self.help
                    .unwrap_or("`--data` paths are relative to the working directory"),
            )
    }
}

/// The data file beside where `file` was sought whose name is closest to it, written as the
/// user wrote the missing one (same folder part).
fn closest_data_file(file: &DataFile) -> Option<String> {
    let wanted = file.path.file_name()?.to_str()?;
    let folder = file.path.parent().unwrap_or(Path::new(""));
    let siblings = paths::files_in(folder, &["csv", "json", "ndjson", "jsonl"]);
    let close = diagnostics::closest(wanted, siblings.iter().map(String::as_str))?;
    let written_folder = file
        .written
        .rsplit_once('/')
        .map_or(String::new(), |(folder, _)| format!("{folder}/"));
    Some(format!("{written_folder}{close}"))
}

pub(super) const HELP_FORMS: &str = "a data file is a .csv with a `period` column (long: `period,metric,value`; \
     wide: one column per series), a .json (an array of {\"period\", \"metric\", \"value\"} objects, \
     or an object of series), or an .ndjson/.jsonl file with one object a line";
