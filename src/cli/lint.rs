//! `-A/-W/-D RULE` and `--deny warnings`, in the order given on the command line.

use clap::ArgMatches;

use crate::checks::levels::{LintOptions, closest_rule};
use crate::diagnostics::{Level, Rule};

/// Why the levels given on the command line cannot be set.
#[derive(Debug, thiserror::Error)]
pub enum LintOptionError {
    #[error("there is no rule `{name}` [unknown-rule]: {}", match closest {
        Some(close) => format!("did you mean `{close}`?"),
        None => "`kpic rules` lists every rule".to_string(),
    })]
    UnknownRule {
        name: String,
        closest: Option<&'static str>,
    },
    #[error(
        "`{name}` is a rule of the category `error` (see `kpic rules`): its level cannot be set"
    )]
    NotConfigurable { name: String },
}

/// The lint options of `kpic check`, or why a rule name is wrong.
pub fn options(matches: &ArgMatches) -> Result<LintOptions, LintOptionError> {
    let mut given: Vec<(usize, &String, Level)> = Vec::new();
    for (id, level) in [
        ("allow", Level::Allow),
        ("warn", Level::Warn),
        ("deny", Level::Error),
    ] {
        let (Some(indices), Some(names)) = (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        given.extend(indices.zip(names).map(|(index, name)| (index, name, level)));
    }
    given.sort_by_key(|(index, _, _)| *index);
    let mut options = LintOptions::default();
    for (_, name, level) in given {
        if name == "warnings" && level == Level::Error {
            options.deny_warnings = true;
            continue;
        }
        let Some(rule) = Rule::from_name(name) else {
            return Err(LintOptionError::UnknownRule {
                name: name.clone(),
                closest: closest_rule(name),
            });
        };
        if !rule.is_configurable() {
            return Err(LintOptionError::NotConfigurable { name: name.clone() });
        }
        options.levels.push((rule, level));
    }
    Ok(options)
}
