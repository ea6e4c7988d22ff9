//! `org-without-data` (data): a leaf org — one without children — with no observation at all in
//! the data files read. Its KPIs have no actual and its parent adds up without it.

use crate::checks::{DataCheck, DataContext};
use crate::diagnostics::{Finding, Rule};

pub const DATA_CHECK: DataCheck = DataCheck {
    rule: Rule::OrgWithoutData,
    run,
};

fn run(cx: &mut DataContext, out: &mut Vec<Finding>) {
    let tree = &cx.model.orgs;
    for &org in &tree.order {
        if !tree.is_leaf(org) {
            continue;
        }
        // A leaf's data is its own observations and its bad cells alone.
        let read = cx
            .orgs
            .get(&org)
            .is_some_and(|data| !data.series.is_empty() || !data.bad_cells.is_empty());
        if read {
            continue;
        }
        let item = cx.model.item(org);
        out.push(
            Finding::new(
                Rule::OrgWithoutData,
                item.id.span,
                format!("no data file has a row for org `{}`", item.id.node),
            )
            .label("a leaf org: its values come from the data files alone")
            .help(format!(
                "add its rows (`org` column `{}`) to the data files; until then its KPIs have \
                 no actual and its parent adds up without it",
                item.id.node
            )),
        );
    }
}
