//! `-A/-W/-D RULE` and `--deny warnings`, in the order given on the command line.

use clap::ArgMatches;

use crate::checks::levels::{LintOptions, closest_rule};
use crate::diagnostics::{Level, Rule};

/// The lint options of `kpic check`, or why a rule name is wrong.
pub fn options(matches: &ArgMatches) -> Result<LintOptions, String> {
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
            let hint = closest_rule(name)
                .map_or("`kpic rules` lists every rule".to_string(), |close| {
                    format!("did you mean `{close}`?")
                });
            return Err(format!("there is no rule `{name}` [unknown-rule]: {hint}"));
        };
        if !rule.is_configurable() {
            return Err(format!(
                "`{name}` is a rule of the category `error` (see `kpic rules`): its level cannot be set"
            ));
        }
        options.levels.push((rule, level));
    }
    Ok(options)
}
