//! Findings: what the checker says about a project, independent of how it is printed.
//!
//! Every stage of the pipeline reports [`Finding`]s; the renderers in this module turn them into
//! the output formats of `kpic check --format …`.

mod fix;
mod github;
mod gitlab;
mod human;
mod json;
mod rules;
mod sarif;
mod short;

pub use fix::{Edit, Fix, apply as apply_edits, compatible as compatible_fixes, whole_line};
pub use github::render_github;
pub use gitlab::render_gitlab;
pub use human::render_human;
pub use json::{Diagnostic, diagnostics as json_diagnostics, render_json};
pub use rules::{Category, Level, Rule};
pub use sarif::render_sarif;
pub use short::render_short;

use crate::source::{SourceMap, Span};

/// A place in a source file with an optional message.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

/// One thing the checker found, with its rule, level, places and help.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub level: Level,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Set when an `@allow` attribute, the lint block or the command line allowed the finding:
    /// the finding is then at level allow, kept for SARIF's suppressed results.
    pub suppression: Option<Suppression>,
    /// The certain fix, when there is one (`kpic check --fix` applies it).
    pub fix: Option<Fix>,
}

/// Why a finding is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// The reason an `@allow(rule, "reason")` gives.
    pub justification: Option<String>,
}

impl Finding {
    /// A finding of `rule` at its default level, with `message` and the primary place `span`.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            level: rule.default_level(),
            message: message.into(),
            primary: Label {
                span,
                message: None,
            },
            secondary: Vec::new(),
            help: None,
            suppression: None,
            fix: None,
        }
    }

    /// Sets the message under the primary place.
    pub fn label(mut self, message: impl Into<String>) -> Finding {
        self.primary.message = Some(message.into());
        self
    }

    /// Adds another place that matters (the other duplicate, a step of a cycle).
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.secondary.push(Label {
            span,
            message: Some(message.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Sets the certain fix.
    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// For a typo: the help "did you mean `close`?" and, when `close` is the only close
    /// candidate, the fix that writes it in place of the name at the primary place.
    pub fn did_you_mean(self, close: Option<Close<'_>>, name: &str) -> Finding {
        let Some(close) = close else {
            return self;
        };
        let span = self.primary.span;
        let finding = self.help(format!("did you mean `{}`?", close.name));
        match close.only {
            true => finding.fix(Fix::replace(
                span,
                close.name,
                format!("replace `{name}` with `{}`", close.name),
            )),
            false => finding,
        }
    }
}

/// Sorts findings errors first (the root causes), then by file, position and rule: the order
/// every format prints them in.
pub fn sort(findings: &mut [Finding], sources: &SourceMap) {
    let rank = |level: Level| match level {
        Level::Error => 0,
        Level::Warn => 1,
        Level::Allow => 2,
    };
    findings.sort_by_cached_key(|f| {
        (
            rank(f.level),
            sources.get(f.primary.span.file).name.clone(),
            f.primary.span.start,
            f.rule.name(),
        )
    });
}

/// How many findings of each level a run produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut summary = Summary::default();
        for finding in findings {
            match finding.level {
                Level::Error => summary.errors += 1,
                Level::Warn => summary.warnings += 1,
                Level::Allow => {}
            }
        }
        summary
    }
}

/// How many steps of a cycle a finding labels; a longer cycle is labelled in its first steps
/// (and named in full, shortened in the middle, in the message).
pub const MAX_CYCLE_LABELS: usize = 12;

/// `a → b → c → a`, with the middle left out when the chain is long.
pub fn cycle_chain<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 5;
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    if names.len() <= 2 * SHOWN + 1 {
        return names.join(" → ");
    }
    let left_out = names.len() - 2 * SHOWN;
    format!(
        "{} → … {left_out} more … → {}",
        names[..SHOWN].join(" → "),
        names[names.len() - SHOWN..].join(" → ")
    )
}

/// "did you mean …?" for `name` among `candidates`: the closest by edit distance, when it is
/// close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    close_candidates(name, candidates)
        .min()
        .map(|(_, candidate)| candidate)
}

/// The closest candidate to a name, and whether it is the only close one (then replacing the
/// name with it is a certain fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close<'a> {
    pub name: &'a str,
    pub only: bool,
}

/// [`closest`], saying whether the candidate is the only close one: a typo of it (not merely a
/// prefix), and every other candidate at least two edits further from the name (`revnue` is
/// certainly `revenue`; `cost_a` could be `cost_b` as well as `cost_c`).
pub fn closest_of<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<Close<'a>> {
    let mut close: Vec<(usize, &str)> = close_candidates(name, candidates).collect();
    close.sort_unstable();
    // The same name twice (in two lists of candidates) is one candidate.
    close.dedup_by(|a, b| a.1 == b.1);
    let (distance, best) = *close.first()?;
    let runner_up = close.get(1).map_or(usize::MAX, |other| other.0);
    Some(Close {
        name: best,
        only: distance <= typo_limit(name) && runner_up > distance + 1,
    })
}

/// How many edits a typo of `name` may be.
fn typo_limit(name: &str) -> usize {
    (name.chars().count() / 3).max(1)
}

/// The candidates close enough to `name` to be a plausible typo of it, with their distance.
fn close_candidates<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> impl Iterator<Item = (usize, &'a str)> {
    // Longer names are not typed by hand, and the distance is quadratic in their length.
    const LONGEST: usize = 64;
    let length = name.chars().count();
    let limit = typo_limit(name);
    let candidates = (length <= LONGEST).then_some(candidates);
    candidates
        .into_iter()
        .flatten()
        .filter(move |candidate| *candidate != name && candidate.len() <= 4 * LONGEST)
        .filter(move |candidate| {
            let prefix = candidate.starts_with(name) || name.starts_with(candidate);
            prefix || candidate.chars().count().abs_diff(length) <= limit
        })
        .map(move |candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(move |(distance, candidate)| {
            *distance <= limit || candidate.starts_with(name) || name.starts_with(candidate)
        })
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn long_cycles_are_shortened_in_the_middle() {
        assert_eq!(super::cycle_chain(&["a", "b", "a"]), "a → b → a");
        let names: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
        assert_eq!(
            super::cycle_chain(&names),
            "m0 → m1 → m2 → m3 → m4 → … 10 more … → m15 → m16 → m17 → m18 → m19"
        );
    }

    #[test]
    fn closest_finds_typos_and_ignores_unrelated_names() {
        let names = ["retain_customers", "grow_revenue", "owner"];
        assert_eq!(closest("retain_customer", names), Some("retain_customers"));
        assert_eq!(closest("onwer", names), Some("owner"));
        assert_eq!(closest("xyz", names), None);
    }

    #[test]
    fn a_candidate_is_certain_only_when_no_other_is_about_as_close() {
        let close = |name, candidates: &[&'static str]| {
            super::closest_of(name, candidates.iter().copied()).map(|c| (c.name, c.only))
        };
        assert_eq!(
            close("revnue", &["revenue", "margin"]),
            Some(("revenue", true))
        );
        // Two equally close, or one edit apart: a suggestion, not a fix.
        assert_eq!(
            close("cost_c", &["cost_a", "cost_b"]),
            Some(("cost_a", false))
        );
        assert_eq!(
            close("cost_ab", &["cost_a", "cost_abc", "cost_xy"]),
            Some(("cost_a", false))
        );
        // A mere prefix is no typo.
        assert_eq!(close("rev", &["revenue"]), Some(("revenue", false)));
        // The same name in two lists is one candidate.
        assert_eq!(close("grwo", &["grow", "grow"]), Some(("grow", true)));
        assert_eq!(close("xyz", &["revenue"]), None);
    }
}
