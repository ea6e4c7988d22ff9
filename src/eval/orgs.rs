//! The data as each org sees it (ORGS.md, "Values up the tree"): an input's value for an org in
//! a period is the org's own observation where there is one, otherwise its children's values
//! of that period combined with the input's aggregate (`sum` and `last` add up, `avg` is the
//! plain mean, `min` and `max` as named). A child without a value in the period takes no part;
//! no child with a value, no value. Each org's data is then evaluated like a project's own, so
//! a ratio KPI is the ratio of sums at every level.

use rustc_hash::FxHashMap;

use super::aggregate::{aggregate, effective_aggregate};
use crate::data::{DataSet, Observation};
use crate::semantic::Model;
use crate::semantic::model::ItemId;
use crate::vocabulary::Aggregate;

/// Each org of the tree with its data. The orgs' own observations are taken out of
/// `data.orgs` (a leaf's become its data as they are, without a copy); `data.series` stays the
/// root's own. Empty for a project without orgs.
pub fn org_data(model: &Model, data: &mut DataSet) -> FxHashMap<ItemId, DataSet> {
    let tree = &model.orgs;
    let mut own_of = std::mem::take(&mut data.orgs);
    let mut combined: FxHashMap<ItemId, DataSet> = FxHashMap::default();
    // Children before their parents: the reverse of the depth-first order.
    for &org in tree.order.iter().rev() {
        let own = if Some(org) == tree.root {
            Some(data.series.clone())
        } else {
            own_of.remove(&org)
        };
        let children: Vec<&DataSet> = tree
            .children(org)
            .iter()
            .filter_map(|child| combined.get(child))
            .collect();
        let series = combine(model, own, &children);
        let bad_cells = data
            .bad_cells
            .iter()
            .filter(|cell| cell.org.unwrap_or_else(|| tree.root.expect("a root")) == org)
            .cloned()
            .collect();
        let comments = if Some(org) == tree.root {
            data.comments.clone()
        } else {
            Vec::new()
        };
        combined.insert(
            org,
            DataSet {
                series,
                orgs: FxHashMap::default(),
                bad_cells,
                comments,
            },
        );
    }
    combined
}

/// The series of one org: its own observations, and its children's combined where it has none.
fn combine(
    model: &Model,
    own: Option<FxHashMap<ItemId, Vec<Observation>>>,
    children: &[&DataSet],
) -> FxHashMap<ItemId, Vec<Observation>> {
    if children.is_empty() {
        return own.unwrap_or_default();
    }
    let own = own.as_ref();
    let mut inputs: Vec<ItemId> = own
        .into_iter()
        .flat_map(|own| own.keys().copied())
        .collect();
    inputs.extend(
        children
            .iter()
            .flat_map(|child| child.series.keys().copied()),
    );
    inputs.sort_unstable();
    inputs.dedup();
    inputs
        .into_iter()
        .map(|input| {
            let own = own
                .and_then(|own| own.get(&input))
                .map_or(&[][..], Vec::as_slice);
            let below: Vec<&[Observation]> = children
                .iter()
                .filter_map(|child| child.series.get(&input).map(Vec::as_slice))
                .collect();
            (input, combine_series(how(model, input), own, &below))
        })
        .collect()
}

/// How the children's values of one period make the parent's.
fn how(model: &Model, input: ItemId) -> Aggregate {
    let measure = model
        .item(input)
        .as_measure()
        .expect("data is read for measures");
    match effective_aggregate(measure) {
        Aggregate::Last => Aggregate::Sum,
        other => other,
    }
}

/// One series of a parent: `own` where it has a value, else the children's values of the
/// period combined. Every input is sorted by period; so is the result.
fn combine_series(
    how: Aggregate,
    own: &[Observation],
    children: &[&[Observation]],
) -> Vec<Observation> {
    if children.is_empty() {
        return own.to_vec();
    }
    let mut periods: Vec<i64> = own
        .iter()
        .chain(children.iter().flat_map(|c| c.iter()))
        .map(|o| o.period.ordinal())
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let mut cursors = vec![0usize; children.len()];
    let mut own_at = 0;
    let mut series = Vec::with_capacity(periods.len());
    for ordinal in periods {
        let mine = at_period(own, &mut own_at, ordinal).cloned();
        let values: Vec<&Observation> = children
            .iter()
            .zip(cursors.iter_mut())
            .filter_map(|(child, cursor)| at_period(child, cursor, ordinal))
            .collect();
        if let Some(mine) = mine {
            series.push(mine);
            continue;
        }
        let Some(value) = aggregate(how, values.iter().map(|o| o.value)) else {
            continue;
        };
        let first = values[0];
        series.push(Observation {
            period: first.period,
            value,
            note: None,
            span: first.span,
        });
    }
    series
}

/// The observation of the period at `ordinal`, moving `cursor` forward to it (a series is read
/// once from start to end).
fn at_period<'s>(
    series: &'s [Observation],
    cursor: &mut usize,
    ordinal: i64,
) -> Option<&'s Observation> {
    while series
        .get(*cursor)
        .is_some_and(|o| o.period.ordinal() < ordinal)
    {
        *cursor += 1;
    }
    series
        .get(*cursor)
        .filter(|o| o.period.ordinal() == ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Period;
    use crate::source::{FileId, Span};

    fn obs(period: &str, value: f64) -> Observation {
        Observation {
            period: Period::parse(period).unwrap(),
            value,
            note: None,
            span: Span::new(FileId(0), 0..0),
        }
    }

    fn values(series: &[Observation]) -> Vec<(String, f64)> {
        series
            .iter()
            .map(|o| (o.period.to_string(), o.value))
            .collect()
    }

    #[test]
    fn a_parent_takes_its_own_value_else_its_childrens_combined() {
        let own = [obs("2026-02", 100.0)];
        let a = [
            obs("2026-01", 10.0),
            obs("2026-02", 20.0),
            obs("2026-03", 30.0),
        ];
        let b = [obs("2026-01", 1.0), obs("2026-03", 3.0)];
        let children: [&[Observation]; 2] = [&a, &b];
        assert_eq!(
            values(&combine_series(Aggregate::Sum, &own, &children)),
            [
                ("2026-01".to_string(), 11.0),
                ("2026-02".to_string(), 100.0),
                ("2026-03".to_string(), 33.0)
            ]
        );
        assert_eq!(
            values(&combine_series(Aggregate::Avg, &[], &children)),
            [
                ("2026-01".to_string(), 5.5),
                ("2026-02".to_string(), 20.0),
                ("2026-03".to_string(), 16.5)
            ]
        );
        assert_eq!(
            values(&combine_series(Aggregate::Min, &[], &children))[0],
            ("2026-01".to_string(), 1.0)
        );
    }
}
