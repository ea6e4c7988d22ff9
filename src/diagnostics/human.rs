//! The `human` format: miette's graphical report, one per finding.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};

use super::{Finding, Label, Level, Summary};
use crate::source::{FileId, SourceFile, SourceMap};

/// Renders findings as miette reports followed by a summary line. `width` is the terminal width;
/// `colour` is off when writing to a file or pipe, or when `NO_COLOR` is set.
pub fn render_human(
    findings: &[Finding],
    sources: &SourceMap,
    colour: bool,
    width: usize,
) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for finding in findings.iter().filter(|f| f.level != Level::Allow) {
        let report = Report::new(finding, sources);
        // Writing to a String cannot fail.
        let _ = handler.render_report(&mut out, &report);
        out.push('\n');
    }
    out.push_str(&summary_line(Summary::of(findings), sources.len()));
    out
}

fn summary_line(summary: Summary, files: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (summary.errors, summary.warnings) {
        (0, 0) => format!("no findings in {}\n", plural(files, "file")),
        (errors, warnings) => format!(
            "{} and {} in {}\n",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        ),
    }
}

/// One finding as a miette diagnostic: labels in the primary file go on it, labels in other
/// files become related reports of their own, each with its file's source.
struct Report<'a> {
    /// Whether the source lines are shown (see [`Report::quote_short_lines_only`]).
    quoted: bool,
    message: String,
    /// The rule name; shown on the main report only, not on its related ones.
    code: Option<&'static str>,
    severity: Severity,
    help: Option<&'a str>,
    source: NamedText<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(finding: &'a Finding, sources: &'a SourceMap) -> Report<'a> {
        let file = finding.primary.span.file;
        let mut labels = vec![labeled(&finding.primary, true)];
        let mut related: Vec<Report<'a>> = Vec::new();
        for label in &finding.secondary {
            if label.span.file == file {
                labels.push(labeled(label, false));
            } else if let Some(report) = related
                .iter_mut()
                .find(|r| r.source.file == label.span.file)
            {
                report.labels.push(labeled(label, false));
            } else {
                related.push(Report {
                    quoted: true,
                    message: format!("in `{}`", sources.get(label.span.file).name),
                    code: None,
                    severity: Severity::Advice,
                    help: None,
                    source: NamedText::new(sources, label.span.file),
                    labels: vec![labeled(label, false)],
                    related: Vec::new(),
                });
            }
        }
        let mut report = Report {
            quoted: true,
            // The level in words too: the glyphs alone are not found by grep, nor read aloud.
            message: format!("{}: {}", finding.level.name(), finding.message),
            code: Some(finding.rule.name()),
            severity: match finding.level {
                Level::Error => Severity::Error,
                Level::Warn => Severity::Warning,
                Level::Allow => Severity::Advice,
            },
            help: finding.help.as_deref(),
            source: NamedText::new(sources, file),
            labels,
            related,
        };
        report.quote_short_lines_only();
        report
            .related
            .iter_mut()
            .for_each(Report::quote_short_lines_only);
        report
    }

    /// A label on a very long line is not quoted: the line would fill screens, and miette cannot
    /// place labels beyond column 65,535. The message says where instead.
    fn quote_short_lines_only(&mut self) {
        const LONGEST_QUOTED_LINE: usize = 1000;
        let source = self.source.source;
        let long_line = |offset: usize| {
            let line = source.line_index(offset.min(source.text.len()));
            let end = if line + 1 < source.line_count() {
                source.line_start(line + 1)
            } else {
                source.text.len()
            };
            end - source.line_start(line) > LONGEST_QUOTED_LINE
        };
        let Some(label) = self
            .labels
            .iter()
            .find(|label| long_line(label.offset()) || long_line(label.offset() + label.len()))
        else {
            return;
        };
        let at = source.line_col(label.offset());
        self.message = format!(
            "{} (at {}:{}:{})",
            self.message, source.name, at.line, at.column
        );
        self.quoted = false;
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new(
        (label.span.start as usize).into(),
        (label.span.end - label.span.start) as usize,
    );
    if primary {
        LabeledSpan::new_primary_with_span(label.message.clone(), span)
    } else {
        LabeledSpan::new_with_span(label.message.clone(), span)
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.quoted.then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.quoted
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// A file's text with its name, borrowed (miette's `NamedSource` would copy the text).
struct NamedText<'a> {
    file: FileId,
    source: &'a SourceFile,
    /// The text as miette reads it, [`SourceFile::display_text`]: a CR that ends a line alone
    /// is an LF (same offsets), since miette's snippets split lines at LF only.
    text: &'a str,
}

impl<'a> NamedText<'a> {
    fn new(sources: &'a SourceMap, file: FileId) -> NamedText<'a> {
        let source = sources.get(file);
        NamedText {
            file,
            source,
            text: source.display_text(),
        }
    }
}

impl SourceCode for NamedText<'_> {
    /// miette's own `read_span` for text counts lines from the first byte of the file, which is
    /// quadratic over many findings in a large file. This one hands it the text from a few lines
    /// before the span on, and moves the result back to the file's lines and offsets.
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.text;
        let first_line = if span.offset() > text.len() {
            0
        } else {
            self.source
                .line_index(span.offset())
                .saturating_sub(context_lines_before + 1)
        };
        let window_start = self.source.line_start(first_line);
        let window_span = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let contents = text[window_start..].read_span(
            &window_span,
            context_lines_before,
            context_lines_after,
        )?;
        let start = contents.span().offset() + window_start;
        let span = SourceSpan::new(start.into(), contents.span().len());
        // miette counts columns in bytes; every other format counts characters (and lines the
        // same way): the place shown is the source file's own line and column.
        let at = self.source.line_col(start);
        Ok(Box::new(MietteSpanContents::new_named(
            self.source.name.clone(),
            contents.data(),
            span,
            at.line - 1,
            at.column - 1,
            contents.line_count() + first_line,
        )))
    }
}
