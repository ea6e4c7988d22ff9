//! Green and amber bounds, status and the 0–10 score of one KPI in one period (SCORING.md,
//! "Status and score of one KPI in one period").

use super::{AMBER_FROM, GREEN_FROM, MAX_SCORE, Status};
use crate::semantic::model::{KpiPart, Target, Thresholds};
use crate::vocabulary::Direction;

/// The bands of one KPI in one period, in its display unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bands {
    /// Higher is better: green from `green`, amber from `amber`.
    Up { green: f64, amber: f64 },
    /// Lower is better: green up to `green`, amber up to `amber`.
    Down { green: f64, amber: f64 },
    /// Stay inside: green `[lo, hi]`, amber `[lo, hi]`.
    Range {
        green: (f64, f64),
        amber: (f64, f64),
    },
}

/// The effective tolerance (a fraction): the KPI's, else the scorecard's.
pub fn tolerance(kpi: &KpiPart, scorecard_tolerance: f64) -> f64 {
    kpi.tolerance.unwrap_or(scorecard_tolerance)
}

impl Bands {
    /// `up` without thresholds: `g = p`, `a = p - tol·|p|`.
    pub fn up(plan: f64, tol: f64) -> Bands {
        Bands::Up {
            green: plan,
            amber: plan - tol * plan.abs(),
        }
    }

    /// `down` without thresholds: `g = p`, `a = p + tol·|p|`.
    pub fn down(plan: f64, tol: f64) -> Bands {
        Bands::Down {
            green: plan,
            amber: plan + tol * plan.abs(),
        }
    }

    /// `range LO..HI` without thresholds: green `[LO, HI]`, amber `[LO - tol·|LO|, HI + tol·|HI|]`.
    pub fn range(lo: f64, hi: f64, tol: f64) -> Bands {
        Bands::Range {
            green: (lo, hi),
            amber: (lo - tol * lo.abs(), hi + tol * hi.abs()),
        }
    }

    /// The bands of a KPI in a period whose plan value is `plan` ([`Plan`](super::Plan)), with
    /// the effective tolerance `tol` ([`tolerance`]): the thresholds when written (and of the
    /// direction's shape), else from the plan or the range target. `None` when there is nothing
    /// to score against (no direction, no target and no thresholds).
    pub fn of_kpi(kpi: &KpiPart, plan: Option<f64>, tol: f64) -> Option<Bands> {
        let direction = kpi.direction.as_ref()?.node;
        match (direction, &kpi.thresholds) {
            (Direction::Up, Some(Thresholds::Bounds { green, amber, .. })) => {
                return Some(Bands::Up {
                    green: green.value,
                    amber: amber.value,
                });
            }
            (Direction::Down, Some(Thresholds::Bounds { green, amber, .. })) => {
                return Some(Bands::Down {
                    green: green.value,
                    amber: amber.value,
                });
            }
            (Direction::Range, Some(Thresholds::Range { green, amber })) => {
                return Some(Bands::Range {
                    green: (green.0.value, green.1.value),
                    amber: (amber.0.value, amber.1.value),
                });
            }
            _ => {}
        }
        match direction {
            Direction::Up => plan.map(|plan| Bands::up(plan, tol)),
            Direction::Down => plan.map(|plan| Bands::down(plan, tol)),
            Direction::Range => match kpi.target.as_ref()? {
                Target::Range { low, high, .. } => Some(Bands::range(low.value, high.value, tol)),
                _ => None,
            },
        }
    }

    /// The status of `actual`: `up` green when `actual ≥ g`, amber when `≥ a`, else red; `down`
    /// mirrored; `range` green inside the green band, amber inside the amber band, else red.
    pub fn status(&self, actual: f64) -> Status {
        let (green, amber) = match *self {
            Bands::Up { green, amber } => (actual >= green, actual >= amber),
            Bands::Down { green, amber } => (actual <= green, actual <= amber),
            Bands::Range {
                green: (lo, hi),
                amber: (alo, ahi),
            } => (lo <= actual && actual <= hi, alo <= actual && actual <= ahi),
        };
        if green {
            Status::Green
        } else if amber {
            Status::Amber
        } else {
            Status::Red
        }
    }

    /// The score of `actual` on the 0–10 scale.
    pub fn score(&self, actual: f64) -> f64 {
        match *self {
            Bands::Up { green, amber } => score_toward(actual, green, amber),
            Bands::Down { green, amber } => score_toward(-actual, -green, -amber),
            Bands::Range { green, amber } => score_range(actual, green, amber),
        }
    }
}

/// Status and score of one KPI in one period: status `none` and no score without an actual or
/// without bands.
pub fn assess(bands: Option<&Bands>, actual: Option<f64>) -> (Status, Option<f64>) {
    match (bands, actual) {
        (Some(bands), Some(actual)) => (bands.status(actual), Some(bands.score(actual))),
        _ => (Status::None, None),
    }
}

fn clamp_score(x: f64) -> f64 {
    (AMBER_FROM + AMBER_FROM * x).clamp(0.0, MAX_SCORE)
}

/// The score where higher is better (`up`): `x = (actual - a) / (g - a)`,
/// `clamp(10/3 + 10/3·x, 0, 10)`; with `g = a`, 10 when green and 0 otherwise. `down` is this on
/// negated values (`x = (a - actual) / (a - g)`).
pub fn score_toward(actual: f64, green: f64, amber: f64) -> f64 {
    if green == amber {
        if actual >= green { MAX_SCORE } else { 0.0 }
    } else {
        clamp_score((actual - amber) / (green - amber))
    }
}

/// The score of a `range` KPI: inside `[LO, HI]`
/// `20/3 + 10/3 · min(actual - LO, HI - actual) / ((HI - LO)/2)` (10 on a point target); below
/// and above as [`score_toward`] each side with its own amber bound (0 on a side of zero width).
pub fn score_range(actual: f64, (lo, hi): (f64, f64), (alo, ahi): (f64, f64)) -> f64 {
    if lo <= actual && actual <= hi {
        if lo == hi {
            MAX_SCORE
        } else {
            GREEN_FROM + AMBER_FROM * (actual - lo).min(hi - actual) / ((hi - lo) / 2.0)
        }
    } else if actual < lo {
        score_toward(actual, lo, alo)
    } else {
        score_toward(-actual, -hi, -ahi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::model_of;

    fn close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} vs {expected}");
    }

    #[test]
    fn bands_from_plan_and_tolerance() {
        assert_eq!(
            Bands::up(40.0, 0.1),
            Bands::Up {
                green: 40.0,
                amber: 36.0
            }
        );
        assert_eq!(
            Bands::up(-10.0, 0.1),
            Bands::Up {
                green: -10.0,
                amber: -11.0
            }
        );
        assert_eq!(
            Bands::down(2.0, 0.5),
            Bands::Down {
                green: 2.0,
                amber: 3.0
            }
        );
        assert_eq!(
            Bands::down(-2.0, 0.5),
            Bands::Down {
                green: -2.0,
                amber: -1.0
            }
        );
        assert_eq!(
            Bands::range(-10.0, 20.0, 0.5),
            Bands::Range {
                green: (-10.0, 20.0),
                amber: (-15.0, 30.0)
            }
        );
    }

    #[test]
    fn up_score_at_band_edges() {
        let bands = Bands::up(40.0, 0.1); // g 40, a 36
        close(bands.score(36.0), 10.0 / 3.0);
        close(bands.score(40.0), 20.0 / 3.0);
        close(bands.score(44.0), 10.0);
        close(bands.score(38.0), 5.0);
        assert_eq!(bands.score(50.0), 10.0);
        assert_eq!(bands.score(32.0), 0.0);
        assert_eq!(bands.score(0.0), 0.0);
        assert_eq!(bands.status(40.0), Status::Green);
        assert_eq!(bands.status(36.0), Status::Amber);
        assert_eq!(bands.status(35.9), Status::Red);
    }

    #[test]
    fn down_score_at_band_edges() {
        let bands = Bands::down(2.0, 0.5); // g 2, a 3
        close(bands.score(3.0), 10.0 / 3.0);
        close(bands.score(2.0), 20.0 / 3.0);
        close(bands.score(1.0), 10.0);
        assert_eq!(bands.score(0.0), 10.0);
        assert_eq!(bands.score(4.0), 0.0);
        assert_eq!(bands.score(9.0), 0.0);
        assert_eq!(bands.status(2.0), Status::Green);
        assert_eq!(bands.status(3.0), Status::Amber);
        assert_eq!(bands.status(3.1), Status::Red);
    }

    #[test]
    fn range_score_at_band_edges() {
        let bands = Bands::Range {
            green: (30.0, 50.0),
            amber: (20.0, 60.0),
        };
        close(bands.score(30.0), 20.0 / 3.0);
        close(bands.score(50.0), 20.0 / 3.0);
        close(bands.score(40.0), 10.0);
        close(bands.score(35.0), 20.0 / 3.0 + 10.0 / 6.0);
        close(bands.score(20.0), 10.0 / 3.0);
        close(bands.score(60.0), 10.0 / 3.0);
        close(bands.score(25.0), 5.0);
        assert_eq!(bands.score(10.0), 0.0);
        assert_eq!(bands.score(70.0), 0.0);
        assert_eq!(bands.score(100.0), 0.0);
        assert_eq!(bands.status(30.0), Status::Green);
        assert_eq!(bands.status(60.0), Status::Amber);
        assert_eq!(bands.status(19.0), Status::Red);
    }

    #[test]
    fn zero_width_bands_score_all_or_nothing() {
        let up = Bands::Up {
            green: 5.0,
            amber: 5.0,
        };
        assert_eq!((up.score(5.0), up.status(5.0)), (10.0, Status::Green));
        assert_eq!((up.score(4.99), up.status(4.99)), (0.0, Status::Red));
        let down = Bands::Down {
            green: 5.0,
            amber: 5.0,
        };
        assert_eq!(down.score(5.0), 10.0);
        assert_eq!(down.score(4.0), 10.0);
        assert_eq!(down.score(5.01), 0.0);
        // Zero width on the low side only: the high side still has its amber band.
        let range = Bands::Range {
            green: (10.0, 20.0),
            amber: (10.0, 30.0),
        };
        assert_eq!(range.score(9.99), 0.0);
        close(range.score(30.0), 10.0 / 3.0);
        close(range.score(25.0), 5.0);
        // Tolerance 0 gives zero-width bands.
        assert_eq!(Bands::up(40.0, 0.0).score(39.0), 0.0);
    }

    #[test]
    fn point_target_scores_ten_on_it() {
        let point = Bands::range(5.0, 5.0, 0.2); // amber 4..6
        assert_eq!((point.score(5.0), point.status(5.0)), (10.0, Status::Green));
        close(point.score(4.0), 10.0 / 3.0);
        close(point.score(4.5), 5.0);
        close(point.score(5.5), 5.0);
        let exact = Bands::range(5.0, 5.0, 0.0);
        assert_eq!(exact.score(5.0), 10.0);
        assert_eq!(exact.score(5.1), 0.0);
    }

    #[test]
    fn no_actual_or_no_bands_is_none() {
        let bands = Bands::up(40.0, 0.1);
        assert_eq!(assess(Some(&bands), None), (Status::None, None));
        assert_eq!(assess(None, Some(40.0)), (Status::None, None));
        let (status, score) = assess(Some(&bands), Some(40.0));
        assert_eq!(status, Status::Green);
        close(score.unwrap(), 20.0 / 3.0);
    }

    #[test]
    fn bands_of_parsed_kpis() {
        let source = "scorecard \"S\" {\n  period 2026-01 .. 2026-12\n  tolerance 10%\n}\nuse std.bsc\n\
            objective o \"O\" { perspective financial }\n\
            kpi a \"A\" { objective o owner \"X\" unit % direction up target 40 by 2026-12 }\n\
            kpi b \"B\" { objective o owner \"X\" unit % direction down target 2 by 2026-12 tolerance 50% thresholds { green <= 1.8  amber <= 2.5 } }\n\
            kpi c \"C\" { objective o owner \"X\" unit % direction range target 30 .. 50 by 2026-12 tolerance 20% }\n\
            kpi d \"D\" { objective o owner \"X\" unit % direction down target 2 by 2026-12 tolerance 50% }\n";
        let model = model_of(source);
        let scorecard_tol = model.scorecard.as_ref().unwrap().tolerance;
        let kpi = |id: &str| {
            model
                .item(model.names[id])
                .as_measure()
                .unwrap()
                .kpi
                .as_deref()
                .unwrap()
        };
        let bands =
            |id: &str, plan| Bands::of_kpi(kpi(id), plan, tolerance(kpi(id), scorecard_tol));
        assert_eq!(
            bands("a", Some(40.0)),
            Some(Bands::Up {
                green: 40.0,
                amber: 36.0
            })
        );
        assert_eq!(bands("a", None), None);
        assert_eq!(
            bands("b", Some(2.0)),
            Some(Bands::Down {
                green: 1.8,
                amber: 2.5
            })
        );
        assert_eq!(
            bands("c", None),
            Some(Bands::Range {
                green: (30.0, 50.0),
                amber: (24.0, 60.0)
            })
        );
        assert_eq!(
            bands("d", Some(2.0)),
            Some(Bands::Down {
                green: 2.0,
                amber: 3.0
            })
        );
    }
}
