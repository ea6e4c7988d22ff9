//! The rules a finding can belong to: their stable names, categories and default levels, one
//! place a reader can list (`kpic rules`). CHECKS.md is the contract; the name is what `@allow`,
//! `lint { }` and `-A/-W/-D` take. Each rule's long explanation, with a bad and a good example,
//! is `docs/rules/NAME.md`, embedded for `kpic explain`.

use std::fmt;

/// How loudly a finding is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Error,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warning",
            Level::Error => "error",
        }
    }
}

/// The tables of CHECKS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The definitions do not mean anything: never lowered.
    Error,
    /// Specific, Measurable, Achievable, Relevant, Time-bound: the letter.
    Smart(char),
    Alignment,
    Data,
    /// Findings about the lint configuration itself (`unknown-rule`, `unused-allow`).
    Lint,
    /// Changes between two versions of a project, found by `kpic diff` only (DIFF.md).
    Change,
}

impl Category {
    pub fn name(self) -> String {
        match self {
            Category::Error => "error".to_string(),
            Category::Smart(letter) => format!("SMART ({letter})"),
            Category::Alignment => "alignment".to_string(),
            Category::Data => "data".to_string(),
            Category::Lint => "lint".to_string(),
            Category::Change => "change".to_string(),
        }
    }
}

macro_rules! rules {
    ($($variant:ident = $name:literal, $category:expr, $level:ident, $summary:literal;)*) => {
        /// A rule of CHECKS.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $(#[doc = $summary] $variant),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),* }
            }

            pub fn category(self) -> Category {
                use Category::*;
                match self { $(Rule::$variant => $category),* }
            }

            pub fn default_level(self) -> Level {
                match self { $(Rule::$variant => Level::$level),* }
            }

            /// One line on what the rule finds.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary),* }
            }
        }
    };
}

rules! {
    Syntax = "syntax", Error, Error, "the source does not parse";
    DuplicateName = "duplicate-name", Error, Error, "an id declared twice";
    UnknownName = "unknown-name", Error, Error, "a reference to no declaration";
    WrongKind = "wrong-kind", Error, Error, "a reference to the wrong kind of thing";
    MissingProperty = "missing-property", Error, Error, "a property the language requires is absent";
    DuplicateProperty = "duplicate-property", Error, Error, "one property twice in one declaration";
    FormulaCycle = "formula-cycle", Error, Error, "formulas that refer to themselves";
    UnitMismatch = "unit-mismatch", Error, Error, "units that do not agree";
    BadArity = "bad-arity", Error, Error, "a function called with the wrong arguments";
    ImportNotFound = "import-not-found", Error, Error, "a `use` that resolves to nothing";
    ImportCycle = "import-cycle", Error, Error, "files that use each other";
    InvalidPeriod = "invalid-period", Error, Error, "a period that does not exist, or a span that ends before it starts";
    BadTarget = "bad-target", Error, Error, "a target or thresholds that contradict the direction";
    DataUnreadable = "data-unreadable", Error, Error, "a data file that is missing, unreadable or not of a known form";
    OrgCycle = "org-cycle", Error, Error, "orgs whose `parent` links loop";

    MissingDescription = "missing-description", Smart('S'), Warn, "a KPI without a description";
    MissingUnit = "missing-unit", Smart('S'), Warn, "a KPI or input metric without a unit";
    MissingOwner = "missing-owner", Smart('S'), Warn, "a KPI or objective without an owner";
    NoData = "no-data", Smart('M'), Warn, "an input metric with no observation in any data file";
    NoTarget = "no-target", Smart('M'), Warn, "a KPI without a target";
    TargetAlreadyMet = "target-already-met", Smart('A'), Warn, "the baseline (or, without one, the first actual) already meets the final target";
    TargetUnrealistic = "target-unrealistic", Smart('A'), Warn, "a target that needs far more change per period than the KPI has ever shown";
    TargetWithinNoise = "target-within-noise", Smart('A'), Warn, "a target inside the natural process limits of the KPI's history";
    TargetOutOfRange = "target-out-of-range", Smart('A'), Error, "a target impossible for the unit";
    OrphanMetric = "orphan-metric", Smart('R'), Warn, "a project metric no KPI uses";
    NoDeadline = "no-deadline", Smart('T'), Warn, "a target with no deadline and no milestones";
    DeadlineOutsidePeriod = "deadline-outside-period", Smart('T'), Warn, "a deadline or milestone outside the scorecard's period";
    StaleData = "stale-data", Smart('T'), Warn, "a KPI whose latest actual is more than one period old";
    ReviewOverdue = "review-overdue", Smart('T'), Warn, "a KPI whose definition was not reviewed within the review cycle";

    ObjectiveWithoutKpi = "objective-without-kpi", Alignment, Warn, "an objective no KPI measures";
    PerspectiveWithoutObjective = "perspective-without-objective", Alignment, Warn, "a perspective with no objective";
    WeightsNot100 = "weights-not-100", Alignment, Error, "sibling weights that do not sum to 100%, or given on some siblings only";
    StrategyMapCycle = "strategy-map-cycle", Alignment, Error, "`drives` links that loop";
    DownwardLink = "downward-link", Alignment, Warn, "an objective that drives one in a perspective drawn below its own";
    IsolatedObjective = "isolated-objective", Alignment, Warn, "an objective with no `drives` link in or out, in a map that has links";
    TooManyKpis = "too-many-kpis", Alignment, Warn, "more than 3 KPIs on one objective";
    TooManyObjectives = "too-many-objectives", Alignment, Warn, "more than 30 objectives in one scorecard";
    InitiativeOverdue = "initiative-overdue", Alignment, Warn, "an initiative past its due period and not done";
    FrequencyMismatch = "frequency-mismatch", Alignment, Warn, "a KPI more frequent than one of its inputs";
    DuplicateTarget = "duplicate-target", Alignment, Error, "one KPI and org given targets twice";
    CascadeGap = "cascade-gap", Alignment, Warn, "children's final targets that cannot deliver their parent's";

    BadValue = "bad-value", Data, Error, "a data cell that is not a number";
    DuplicateObservation = "duplicate-observation", Data, Warn, "the same series and period twice";
    UnknownSeries = "unknown-series", Data, Warn, "a data column or metric name that no metric reads";
    MissingPeriod = "missing-period", Data, Warn, "a gap inside a series' observed range";
    PeriodOutsideScorecard = "period-outside-scorecard", Data, Warn, "observations outside the scorecard's span and not needed";
    PercentScaleSuspect = "percent-scale-suspect", Data, Warn, "a % series, or a % KPI's targets, whose values all lie in [-1, 1]";
    DecimalComma = "decimal-comma", Data, Warn, "a `;`-separated data file read with decimal commas";
    UnknownOrg = "unknown-org", Data, Warn, "an org in a data file that is not declared";
    OrgWithoutData = "org-without-data", Data, Warn, "a leaf org with no observation at all";

    UnknownRule = "unknown-rule", Lint, Error, "a rule name that does not exist";
    UnusedAllow = "unused-allow", Lint, Warn, "an `@allow` that suppresses nothing";

    TargetLowered = "target-lowered", Change, Warn, "a KPI's final target, or a milestone already due, made easier";
    DeadlinePostponed = "deadline-postponed", Change, Warn, "a KPI's deadline or a milestone moved later";
    BaselineChanged = "baseline-changed", Change, Warn, "a baseline's value or period changed";
    ThresholdsLoosened = "thresholds-loosened", Change, Warn, "a green or amber bound made easier, or the tolerance widened";
    FormulaChanged = "formula-changed", Change, Warn, "a KPI's formula or unit, or an input it reads, changed: its history no longer compares";
    KpiRemoved = "kpi-removed", Change, Warn, "a KPI that no longer exists";
    KpiRenamed = "kpi-renamed", Change, Allow, "a KPI with a new id but the same title and formula";
    OwnerRemoved = "owner-removed", Change, Warn, "a KPI or objective that lost its owner";
    WeightChanged = "weight-changed", Change, Allow, "a weight changed at any level";
    ActualRevised = "actual-revised", Change, Warn, "an observation present in both versions whose value changed (a restatement)";
    TargetRaised = "target-raised", Change, Allow, "a target made harder";
}

include!(concat!(env!("OUT_DIR"), "/explanations.rs"));

impl Rule {
    /// The long explanation, with a bad and a good example: `docs/rules/NAME.md`.
    pub fn explanation(self) -> &'static str {
        EXPLANATIONS
            .iter()
            .find(|(name, _)| *name == self.name())
            .map_or(self.summary(), |(_, text)| text)
    }

    /// The explanation's first paragraph of prose (after the title, the level line and the
    /// summary sentence): what the rule checks and why.
    pub fn description(self) -> &'static str {
        self.explanation()
            .split("\n\n")
            .map(str::trim)
            .find(|paragraph| {
                !paragraph.starts_with('#')
                    && !paragraph.contains(" by default")
                    && *paragraph != self.summary()
                    && paragraph.len() > self.summary().len()
            })
            .unwrap_or(self.summary())
    }

    /// The rule named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }

    /// Whether the level can be set: the errors of the first table cannot be lowered, nor can
    /// an unknown rule name in the settings themselves.
    pub fn is_configurable(self) -> bool {
        self.category() != Category::Error && self != Rule::UnknownRule
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique_kebab_case() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        for name in &names {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }

    #[test]
    fn every_rule_has_an_explanation_with_a_bad_and_a_good_example() {
        let documented: Vec<&str> = EXPLANATIONS.iter().map(|(name, _)| *name).collect();
        for rule in Rule::ALL {
            assert!(
                documented.contains(&rule.name()),
                "docs/rules/{}.md is missing",
                rule.name()
            );
            let text = rule.explanation();
            assert!(
                text.starts_with(&format!("# {}\n", rule.name())),
                "{}",
                rule.name()
            );
            assert!(
                text.contains("## Bad") && text.contains("## Good"),
                "{}",
                rule.name()
            );
            assert_ne!(
                rule.description(),
                rule.summary(),
                "{} has a description",
                rule.name()
            );
        }
        assert_eq!(
            documented.len(),
            Rule::ALL.len(),
            "no explanation of a rule that does not exist"
        );
    }

    #[test]
    fn every_rule_of_checks_md_is_known() {
        // The rule tables of the contract, as of this writing.
        for name in [
            "syntax",
            "data-unreadable",
            "review-overdue",
            "frequency-mismatch",
            "percent-scale-suspect",
            "unused-allow",
        ] {
            assert!(Rule::from_name(name).is_some(), "{name}");
        }
        assert!(!Rule::Syntax.is_configurable());
        assert!(Rule::TargetOutOfRange.is_configurable());
    }
}
