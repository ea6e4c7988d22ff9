//! The rules a finding can belong to, with their stable names and default levels.
//! (CHECKS.md is the contract; the name is what `@allow`, `lint { }` and `-A/-W/-D` take.)

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

macro_rules! rules {
    ($($variant:ident = $name:literal, $level:ident, $summary:literal;)*) => {
        /// A rule of CHECKS.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $(#[doc = $summary] $variant),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name),* }
            }

            pub fn default_level(self) -> Level {
                match self { $(Rule::$variant => Level::$level),* }
            }
        }
    };
}

rules! {
    Syntax = "syntax", Error, "the source does not parse";
    DuplicateName = "duplicate-name", Error, "an id declared twice";
    UnknownName = "unknown-name", Error, "a reference to no declaration";
    WrongKind = "wrong-kind", Error, "a reference to the wrong kind of thing";
    MissingProperty = "missing-property", Error, "a property the language requires is absent";
    DuplicateProperty = "duplicate-property", Error, "one property twice in one declaration";
    FormulaCycle = "formula-cycle", Error, "formulas that refer to themselves";
    UnitMismatch = "unit-mismatch", Error, "units that do not agree";
    BadArity = "bad-arity", Error, "a function called with the wrong arguments";
    ImportNotFound = "import-not-found", Error, "a `use` that resolves to nothing";
    ImportCycle = "import-cycle", Error, "files that use each other";
    InvalidPeriod = "invalid-period", Error, "a period that does not exist, or a span that ends before it starts";
    BadTarget = "bad-target", Error, "a target or thresholds that contradict the direction";
    DataUnreadable = "data-unreadable", Error, "a data file that is missing, unreadable or not of a known form";
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
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }
}
