//! The `human` format: miette's graphical report, one per finding.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};

use super::{Finding, Label, Level, Summary};
use crate::source::{FileId, SourceMap};

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
    for finding in findings {
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
        Report {
            message: finding.message.clone(),
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
        }
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
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
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
    name: &'a str,
    text: &'a str,
}

impl<'a> NamedText<'a> {
    fn new(sources: &'a SourceMap, file: FileId) -> NamedText<'a> {
        let source = sources.get(file);
        NamedText {
            file,
            name: &source.name,
            text: &source.text,
        }
    }
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}
