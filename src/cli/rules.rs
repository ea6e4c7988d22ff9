//! `kpic rules` (the rule registry as a table) and `kpic explain RULE`.

use super::{EXIT_OK, EXIT_USAGE};
use crate::checks::is_implemented;
use crate::checks::levels::closest_rule;
use crate::diagnostics::Rule;

pub fn explain(name: &str) -> u8 {
    let Some(rule) = Rule::from_name(name) else {
        let hint = closest_rule(name)
            .map_or("`kpic rules` lists every rule".to_string(), |close| {
                format!("did you mean `{close}`?")
            });
        eprintln!("error: there is no rule `{name}`: {hint}");
        return EXIT_USAGE;
    };
    print!("{}", rule.explanation());
    EXIT_OK
}

pub fn list() -> u8 {
    print!("{}", table());
    EXIT_OK
}

/// One line per rule: name, category, default level, summary; rules that need data files, which
/// kpic does not read yet, are marked.
fn table() -> String {
    let width = Rule::ALL
        .iter()
        .map(|rule| rule.name().len())
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "{:width$}  {:11}  {:7}  summary\n",
        "rule", "category", "level"
    );
    for rule in Rule::ALL {
        let pending = if is_implemented(*rule) {
            ""
        } else {
            " (needs data; not checked yet)"
        };
        out.push_str(&format!(
            "{:width$}  {:11}  {:7}  {}{pending}\n",
            rule.name(),
            rule.category().name(),
            rule.default_level().name(),
            rule.summary()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_every_rule_once() {
        let table = super::table();
        assert_eq!(table.lines().count(), super::Rule::ALL.len() + 1);
        assert!(table.contains("unit-mismatch"));
        assert!(
            table
                .lines()
                .any(|line| line.starts_with("missing-owner ") && line.contains("SMART (S)"))
        );
    }
}
