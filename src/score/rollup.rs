//! Roll-up of scores: objectives over their KPIs, perspectives over their objectives, the
//! scorecard over its perspectives (SCORING.md, "Roll-up").

use super::{AMBER_FROM, GREEN_FROM, Status};

/// Slack for float rounding when a score is compared with a band's bottom.
const EPSILON: f64 = 1e-9;

/// The effective weights of siblings in percent: the written ones when every sibling has one,
/// otherwise equal shares (`100 / n` each).
pub fn effective_weights(written: &[Option<f64>]) -> Vec<f64> {
    if written.iter().all(Option::is_some) {
        written
            .iter()
            .map(|weight| weight.unwrap_or_default())
            .collect()
    } else {
        vec![100.0 / written.len() as f64; written.len()]
    }
}

/// The weighted mean of the children's scores, each child a `(weight, score)`, over the children
/// that have a score (weights renormalised over those); `None` when none has one or their weights
/// sum to zero.
pub fn rollup(children: &[(f64, Option<f64>)]) -> Option<f64> {
    let (total, weighted) = children
        .iter()
        .filter_map(|&(weight, score)| Some((weight, score?)))
        .fold((0.0, 0.0), |(total, weighted), (weight, score)| {
            (total + weight, weighted + weight * score)
        });
    (total > 0.0).then(|| weighted / total)
}

/// A rolled-up status from its score: green from 20/3, amber from 10/3, else red; `none` without
/// a score.
pub fn status_of_score(score: Option<f64>) -> Status {
    match score {
        None => Status::None,
        Some(score) if score >= GREEN_FROM - EPSILON => Status::Green,
        Some(score) if score >= AMBER_FROM - EPSILON => Status::Amber,
        Some(_) => Status::Red,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a score");
        assert!((actual - expected).abs() < 1e-9, "{actual} vs {expected}");
    }

    #[test]
    fn weighted_mean_renormalised_over_scored_children() {
        close(rollup(&[(60.0, Some(8.0)), (40.0, Some(3.0))]), 6.0);
        // The child without a score drops out; 60 and 20 are renormalised to 3/4 and 1/4.
        close(
            rollup(&[(60.0, Some(8.0)), (20.0, None), (20.0, Some(4.0))]),
            7.0,
        );
        close(rollup(&[(50.0, None), (50.0, Some(2.5))]), 2.5);
        assert_eq!(rollup(&[(50.0, None), (50.0, None)]), None);
        assert_eq!(rollup(&[]), None);
        assert_eq!(rollup(&[(0.0, Some(5.0))]), None);
    }

    #[test]
    fn equal_shares_where_weights_are_missing() {
        assert_eq!(effective_weights(&[Some(60.0), Some(40.0)]), [60.0, 40.0]);
        assert_eq!(effective_weights(&[None, None, None, None]), [25.0; 4]);
        assert_eq!(effective_weights(&[Some(60.0), None]), [50.0, 50.0]);
        assert!(effective_weights(&[]).is_empty());
        let weights = effective_weights(&[None, None, None]);
        let children: Vec<_> = weights
            .iter()
            .copied()
            .zip([Some(9.0), None, Some(3.0)])
            .collect();
        close(rollup(&children), 6.0);
    }

    #[test]
    fn status_follows_score_bands() {
        assert_eq!(status_of_score(None), Status::None);
        assert_eq!(status_of_score(Some(10.0)), Status::Green);
        assert_eq!(status_of_score(Some(20.0 / 3.0)), Status::Green);
        assert_eq!(status_of_score(Some(6.6)), Status::Amber);
        assert_eq!(status_of_score(Some(10.0 / 3.0)), Status::Amber);
        assert_eq!(status_of_score(Some(3.3)), Status::Red);
        assert_eq!(status_of_score(Some(0.0)), Status::Red);
        // A mean of green-bound scores stays green despite rounding.
        let mean = rollup(&[
            (1.0, Some(20.0 / 3.0)),
            (1.0, Some(20.0 / 3.0)),
            (1.0, Some(20.0 / 3.0)),
        ]);
        assert_eq!(status_of_score(mean), Status::Green);
    }
}
