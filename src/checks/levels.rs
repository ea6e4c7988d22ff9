//! The level of each finding: its rule's default, then the command line (`-A/-W/-D RULE`), then
//! the scorecard's `lint { }` block, then the `@allow/@warn/@deny` attributes of the declaration
//! it is in — the narrowest wins — and finally `--deny warnings`. The errors of the first table
//! of CHECKS.md keep their level whatever is said. Unknown rule names are `unknown-rule`; an
//! `@allow` that suppresses nothing is `unused-allow`.

use super::is_implemented;
use super::root_cause::{Broken, is_moot_there};
use crate::diagnostics::{self, Category, Edit, Finding, Fix, Level, Rule, Suppression};
use crate::semantic::Model;
use crate::source::{SourceMap, Span};
use crate::vocabulary::{Attribute, LintLevel, Spanned};

/// What the command line says about levels.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// `-A/-W/-D RULE`, in the order given: a later one wins.
    pub levels: Vec<(Rule, Level)>,
    /// `--deny warnings`: every finding still at warn becomes an error.
    pub deny_warnings: bool,
}

/// What the rules judged in this run: an `@allow` of a rule that did not judge the declaration
/// it is on may have suppressed nothing only because the rule could not run there, which says
/// nothing about the allow (it is then never `unused-allow`).
pub struct Judged<'a> {
    /// Whether the rules that need the data ran on all of it (every data file read, evaluation
    /// done).
    pub data: bool,
    /// The declarations an error broke, where the SMART and data rules were not run.
    pub broken: &'a Broken,
}

/// Settles the level of every finding, adding the findings about the lint settings themselves.
/// `sources` are those of the model, for the fixes of `unused-allow`.
pub fn apply(
    findings: &mut Vec<Finding>,
    model: &Model,
    sources: &SourceMap,
    options: &LintOptions,
    judged: &Judged,
) {
    let mut lint_findings = Vec::new();
    let scopes = attribute_scopes(model, &mut lint_findings);
    let lint_block = lint_block_levels(model, &mut lint_findings);
    let used = settle(findings, &scopes, &lint_block, options);
    report_unused_allows(&scopes, &used, judged, sources, &mut lint_findings);
    // Findings about the settings take the command line and the lint block, not attributes.
    for finding in lint_findings
        .iter_mut()
        .filter(|f| f.rule.is_configurable())
    {
        set_level(
            finding,
            outer_level(finding.rule, options, &lint_block),
            None,
        );
    }
    findings.extend(lint_findings);
    if options.deny_warnings {
        for finding in findings.iter_mut().filter(|f| f.level == Level::Warn) {
            finding.level = Level::Error;
        }
    }
}

/// Settles the level of findings that `kpic diff` made on the new version of a project: as
/// [`apply`] does, without the findings about the settings, which the check of that version
/// reports.
pub fn apply_to_changes(findings: &mut [Finding], model: &Model, options: &LintOptions) {
    let mut ignored = Vec::new();
    let scopes = attribute_scopes(model, &mut ignored);
    let lint_block = lint_block_levels(model, &mut ignored);
    settle(findings, &scopes, &lint_block, options);
    if options.deny_warnings {
        for finding in findings.iter_mut().filter(|f| f.level == Level::Warn) {
            finding.level = Level::Error;
        }
    }
}

/// The level of each configurable finding, from the narrowest setting that names its rule;
/// returns which attribute entries were used.
fn settle(
    findings: &mut [Finding],
    scopes: &[Scope],
    lint_block: &[(Rule, Level)],
    options: &LintOptions,
) -> Vec<bool> {
    let mut used = vec![false; scopes.iter().map(|scope| scope.entries.len()).sum()];
    for finding in findings.iter_mut().filter(|f| f.rule.is_configurable()) {
        let mut level = outer_level(finding.rule, options, lint_block);
        let mut justification = None;
        if let Some((index, entry)) = innermost_attribute(scopes, finding) {
            used[index] = true;
            level = entry.level;
            justification = entry.reason.clone();
        }
        set_level(finding, level, justification);
    }
    used
}

/// The level before attributes: the default, then the command line, then the lint block (in
/// each, the last word on a rule wins).
fn outer_level(rule: Rule, options: &LintOptions, lint_block: &[(Rule, Level)]) -> Level {
    let last = |levels: &[(Rule, Level)]| {
        levels
            .iter()
            .rev()
            .find(|(r, _)| *r == rule)
            .map(|(_, level)| *level)
    };
    last(lint_block)
        .or_else(|| last(&options.levels))
        .unwrap_or(rule.default_level())
}

fn set_level(finding: &mut Finding, level: Level, justification: Option<String>) {
    finding.level = level;
    finding.suppression = (level == Level::Allow).then_some(Suppression { justification });
}

/// One rule named in an attribute, applying to the declaration `scope`.
struct AttributeEntry<'m> {
    rule: Rule,
    level: Level,
    reason: Option<String>,
    span: Span,
    from_allow: bool,
    /// The attribute, and the rule's place among those it names.
    attribute: &'m Attribute,
    position: usize,
}

/// The attributes of one declaration: where they apply and what they say.
struct Scope<'m> {
    span: Span,
    entries: Vec<AttributeEntry<'m>>,
}

/// The declarations that carry attributes, with their valid entries.
fn attribute_scopes<'m>(model: &'m Model, lint_findings: &mut Vec<Finding>) -> Vec<Scope<'m>> {
    let scorecard = model
        .scorecard
        .as_ref()
        .map(|s| (s.declaration, &s.attributes));
    let items = model.items.iter().map(|item| (item.span, &item.attributes));
    scorecard
        .into_iter()
        .chain(items)
        .filter(|(_, attributes)| !attributes.is_empty())
        .map(|(span, attributes)| Scope {
            span,
            entries: attribute_entries(attributes, lint_findings),
        })
        .collect()
}

fn attribute_entries<'m>(
    attributes: &'m [Attribute],
    lint_findings: &mut Vec<Finding>,
) -> Vec<AttributeEntry<'m>> {
    let mut entries = Vec::new();
    for attribute in attributes {
        let level = level_of(attribute.level.node);
        for (position, name) in attribute.rules.iter().enumerate() {
            let Some(rule) = known_rule(name, lint_findings) else {
                continue;
            };
            entries.push(AttributeEntry {
                rule,
                level,
                reason: attribute.reason.as_ref().map(|reason| reason.node.clone()),
                span: name.span,
                from_allow: attribute.level.node == LintLevel::Allow,
                attribute,
                position,
            });
        }
    }
    entries
}

/// The levels the scorecard's `lint { }` block sets, in order.
fn lint_block_levels(model: &Model, lint_findings: &mut Vec<Finding>) -> Vec<(Rule, Level)> {
    let Some(scorecard) = &model.scorecard else {
        return Vec::new();
    };
    let mut levels = Vec::new();
    for entry in &scorecard.lint {
        for name in &entry.rules {
            if let Some(rule) = known_rule(name, lint_findings) {
                levels.push((rule, level_of(entry.level.node)));
            }
        }
    }
    levels
}

fn level_of(level: LintLevel) -> Level {
    match level {
        LintLevel::Allow => Level::Allow,
        LintLevel::Warn => Level::Warn,
        LintLevel::Deny => Level::Error,
    }
}

/// The rule a name in the source stands for, or an `unknown-rule` finding.
fn known_rule(name: &Spanned<String>, lint_findings: &mut Vec<Finding>) -> Option<Rule> {
    if let Some(rule) = Rule::from_name(&name.node) {
        return Some(rule);
    }
    let mut finding = Finding::new(
        Rule::UnknownRule,
        name.span,
        format!("there is no rule `{}`", name.node),
    )
    .label("unknown rule");
    let close = diagnostics::closest_of(&name.node, Rule::ALL.iter().map(|rule| rule.name()));
    finding = match close {
        Some(_) => finding.did_you_mean(close, &name.node),
        None => finding.help("`kpic rules` lists every rule"),
    };
    lint_findings.push(finding);
    None
}

/// The rule name closest to `name`, for "did you mean".
pub fn closest_rule(name: &str) -> Option<&'static str> {
    diagnostics::closest(name, Rule::ALL.iter().map(|rule| rule.name()))
}

/// The attribute entry for the finding's rule on the innermost declaration that holds the
/// finding's primary place, with its index among all entries (to mark it used).
fn innermost_attribute<'s, 'm>(
    scopes: &'s [Scope<'m>],
    finding: &Finding,
) -> Option<(usize, &'s AttributeEntry<'m>)> {
    let place = finding.primary.span;
    let mut best: Option<(usize, &AttributeEntry, u32)> = None;
    let mut index = 0;
    for scope in scopes {
        let holds = scope.span.file == place.file
            && scope.span.start <= place.start
            && place.end <= scope.span.end;
        for entry in &scope.entries {
            let width = scope.span.end - scope.span.start;
            // Within one declaration a later attribute wins over an earlier one.
            if holds && entry.rule == finding.rule && best.is_none_or(|(_, _, w)| width <= w) {
                best = Some((index, entry, width));
            }
            index += 1;
        }
    }
    best.map(|(index, entry, _)| (index, entry))
}

/// `unused-allow` for each `@allow(rule)` that matched no finding of a rule kpic checks, with
/// its fix: the attribute removed, or only that rule when the attribute names others still used.
fn report_unused_allows(
    scopes: &[Scope],
    used: &[bool],
    judged: &Judged,
    sources: &SourceMap,
    lint_findings: &mut Vec<Finding>,
) {
    let entries = scopes
        .iter()
        .flat_map(|scope| scope.entries.iter().map(move |entry| (scope, entry)));
    let unused: Vec<&AttributeEntry> = entries
        .zip(used)
        .filter(|((scope, entry), used)| {
            // An `@allow` of a change rule documents a past decision (`kpic diff`): never unused.
            let change = entry.rule.category() == Category::Change;
            let not_judged = !judged.data && super::needs_data(entry.rule)
                || judged.broken.holds(scope.span) && is_moot_there(entry.rule);
            !(**used
                || !entry.from_allow
                || change
                || not_judged
                || !is_implemented(entry.rule) && entry.rule.is_configurable())
        })
        .map(|((_, entry), _)| entry)
        .collect();
    for entry in &unused {
        let finding = if entry.rule.is_configurable() {
            Finding::new(
                Rule::UnusedAllow,
                entry.span,
                format!("`@allow({})` suppresses nothing here", entry.rule),
            )
            .label("nothing to allow")
            .help("remove it, or move it to the declaration the finding is about")
        } else {
            Finding::new(Rule::UnusedAllow, entry.span, format!("`{}` is an error that cannot be allowed", entry.rule))
                .label("cannot be allowed")
                .help("the rules of the category `error` (see `kpic rules`) mean the scorecard does not make sense: fix the error instead")
        };
        let siblings = unused
            .iter()
            .filter(|other| std::ptr::eq(other.attribute, entry.attribute))
            .count();
        let fix = match siblings == entry.attribute.rules.len() {
            true => Some(remove_attribute(entry.attribute, sources)),
            false => remove_rule(entry, sources),
        };
        lint_findings.push(match fix {
            Some(fix) => finding.fix(fix),
            None => finding,
        });
    }
}

/// The fix that removes an attribute: its line when it is alone on it, else the attribute and
/// the blanks after it.
fn remove_attribute(attribute: &Attribute, sources: &SourceMap) -> Fix {
    let span = attribute.span;
    let file = sources.get(span.file);
    let removed = diagnostics::whole_line(file, span.file, span).unwrap_or_else(|| {
        let after = &file.text[span.end as usize..];
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        Span {
            end: span.end + blanks as u32,
            ..span
        }
    });
    let text = &file.text[span.range()];
    Fix::new(format!("remove `{text}`"), vec![Edit::new(removed, "")])
}

/// The fix that removes one rule from an attribute that names others, with the comma that
/// separates it from its neighbour; none when anything but blanks is written between them (a
/// comment is never removed).
fn remove_rule(entry: &AttributeEntry, sources: &SourceMap) -> Option<Fix> {
    let rules = &entry.attribute.rules;
    let text = &sources.get(entry.span.file).text;
    let this = rules[entry.position].span;
    let removed = match rules.get(entry.position + 1) {
        Some(next) => this.to(Span {
            end: next.span.start,
            ..next.span
        }),
        None => Span {
            start: rules[entry.position.checked_sub(1)?].span.end,
            ..this
        },
    };
    let separator = text[removed.range()].replace(&text[this.range()], "");
    if separator.trim() != "," {
        return None;
    }
    Some(Fix::new(
        format!("remove `{}` from the attribute", entry.rule),
        vec![Edit::new(removed, "")],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic;

    /// A run in which every rule judged every declaration.
    const ALL_JUDGED: Judged = Judged {
        data: true,
        broken: &Broken::EMPTY,
    };

    /// The model of `source`, its sources, and a `missing-owner` finding on each KPI (`k1`,
    /// `k2`).
    fn setup(source: &str) -> (Model, SourceMap, Vec<Finding>) {
        let model = semantic::model_of(source);
        let owner_findings = owner_findings(&model);
        let sources =
            crate::project::load_text("test.kpi", std::path::Path::new("."), source).sources;
        (model, sources, owner_findings)
    }

    fn owner_findings(model: &Model) -> Vec<Finding> {
        ["k1", "k2"]
            .iter()
            .map(|id| {
                let item = model.item(model.names[*id]);
                Finding::new(
                    Rule::MissingOwner,
                    item.id.span,
                    format!("KPI `{id}` has no owner"),
                )
            })
            .collect()
    }

    const KPIS: &str =
        "kpi k1 \"K1\" { objective o direction up }\nkpi k2 \"K2\" { objective o direction up }\n";

    fn source(lint: &str, before_k1: &str) -> String {
        format!(
            "scorecard \"S\" {{\n  period 2026-01 .. 2026-12\n  lint {{ {lint} }}\n}}\nuse std.bsc\nobjective o \"O\" {{ perspective financial }}\n{before_k1}{KPIS}"
        )
    }

    fn levels(findings: &[Finding]) -> Vec<(&'static str, Level)> {
        findings.iter().map(|f| (f.rule.name(), f.level)).collect()
    }

    #[test]
    fn default_levels_stay_without_settings() {
        let (model, sources, mut findings) = setup(&source("", ""));
        apply(
            &mut findings,
            &model,
            &sources,
            &LintOptions::default(),
            &ALL_JUDGED,
        );
        assert_eq!(
            levels(&findings),
            [
                ("missing-owner", Level::Warn),
                ("missing-owner", Level::Warn)
            ]
        );
    }

    #[test]
    fn the_narrowest_setting_wins() {
        // Command line: allow. Lint block: deny (beats the command line). Attribute on k1: warn.
        let (model, sources, mut findings) =
            setup(&source("deny missing-owner", "@warn(missing-owner)\n"));
        let options = LintOptions {
            levels: vec![(Rule::MissingOwner, Level::Allow)],
            deny_warnings: false,
        };
        apply(&mut findings, &model, &sources, &options, &ALL_JUDGED);
        assert_eq!(
            levels(&findings),
            [
                ("missing-owner", Level::Warn),
                ("missing-owner", Level::Error)
            ]
        );
    }

    #[test]
    fn the_command_line_applies_without_a_lint_block_and_its_last_word_wins() {
        let (model, sources, mut findings) = setup(&source("", ""));
        let options = LintOptions {
            levels: vec![
                (Rule::MissingOwner, Level::Error),
                (Rule::MissingOwner, Level::Allow),
            ],
            deny_warnings: false,
        };
        apply(&mut findings, &model, &sources, &options, &ALL_JUDGED);
        assert_eq!(
            levels(&findings),
            [
                ("missing-owner", Level::Allow),
                ("missing-owner", Level::Allow)
            ]
        );
        assert_eq!(
            findings[0].suppression,
            Some(Suppression {
                justification: None
            })
        );
    }

    #[test]
    fn an_allow_with_a_reason_suppresses_with_that_justification() {
        let (model, sources, mut findings) = setup(&source(
            "",
            "@allow(missing-owner, \"owner being hired\")\n",
        ));
        apply(
            &mut findings,
            &model,
            &sources,
            &LintOptions::default(),
            &ALL_JUDGED,
        );
        assert_eq!(
            levels(&findings),
            [
                ("missing-owner", Level::Allow),
                ("missing-owner", Level::Warn)
            ]
        );
        let justification = findings[0]
            .suppression
            .as_ref()
            .and_then(|s| s.justification.as_deref());
        assert_eq!(justification, Some("owner being hired"));
    }

    #[test]
    fn deny_warnings_turns_the_remaining_warnings_into_errors() {
        let (model, sources, mut findings) =
            setup(&source("allow missing-owner", "@warn(missing-owner)\n"));
        apply(
            &mut findings,
            &model,
            &sources,
            &LintOptions {
                levels: Vec::new(),
                deny_warnings: true,
            },
            &ALL_JUDGED,
        );
        assert_eq!(
            levels(&findings),
            [
                ("missing-owner", Level::Error),
                ("missing-owner", Level::Allow)
            ]
        );
    }

    #[test]
    fn unknown_rules_and_unused_allows_are_reported() {
        let text = source("deny missing-ownr", "@allow(syntax)\n").replace(
            "objective o \"O\"",
            "@allow(unused-allow)\nobjective o \"O\"",
        );
        let (model, sources, mut findings) = setup(&text);
        apply(
            &mut findings,
            &model,
            &sources,
            &LintOptions::default(),
            &ALL_JUDGED,
        );
        let lint: Vec<(&str, Level, &str)> = findings[2..]
            .iter()
            .map(|f| {
                (
                    f.rule.name(),
                    f.level,
                    f.help.as_deref().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            lint,
            [
                (
                    "unknown-rule",
                    Level::Error,
                    "did you mean `missing-owner`?"
                ),
                (
                    "unused-allow",
                    Level::Warn,
                    "remove it, or move it to the declaration the finding is about"
                ),
                (
                    "unused-allow",
                    Level::Warn,
                    "the rules of the category `error` (see `kpic rules`) mean the scorecard does not make sense: fix the error instead"
                ),
            ]
        );
        let fixes: Vec<&str> = findings[2..]
            .iter()
            .map(|f| f.fix.as_ref().map_or("", |fix| fix.message.as_str()))
            .collect();
        assert_eq!(
            fixes,
            [
                "replace `missing-ownr` with `missing-owner`",
                "remove `@allow(unused-allow)`",
                "remove `@allow(syntax)`"
            ]
        );
    }

    #[test]
    fn errors_of_the_first_table_keep_their_level() {
        let (model, sources, _) = setup(&source("", ""));
        let span = model.item(model.names["k1"]).id.span;
        let mut findings = vec![Finding::new(Rule::UnknownName, span, "x")];
        apply(
            &mut findings,
            &model,
            &sources,
            &LintOptions {
                levels: Vec::new(),
                deny_warnings: true,
            },
            &ALL_JUDGED,
        );
        assert_eq!(levels(&findings), [("unknown-name", Level::Error)]);
    }
}
