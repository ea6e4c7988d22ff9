//! `kpic rules`: the rule registry as a table.

use super::EXIT_OK;
use crate::checks::is_implemented;
use crate::diagnostics::Rule;

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
