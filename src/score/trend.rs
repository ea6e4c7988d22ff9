//! Trend of a KPI at `as_of` (SCORING.md, "Roll-up").

use super::Bands;
use crate::vocabulary::Direction;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sense {
    Up,
    Down,
    /// Closer to the green band `[low, high]` is better.
    Range {
        low: f64,
        high: f64,
    },
}

impl Sense {
    /// The sense of a KPI's direction; for `range` the green band of its bands (`None` without
    /// range bands).
    pub fn of(direction: Direction, bands: Option<&Bands>) -> Option<Sense> {
        let green = match bands {
            Some(Bands::Range { green, .. }) => Some(*green),
            _ => None,
        };
        Sense::with_green(direction, green)
    }

    /// The sense of a KPI's direction; for `range` its green band `(low, high)` (`None`
    /// without one).
    pub fn with_green(direction: Direction, green: Option<(f64, f64)>) -> Option<Sense> {
        match (direction, green) {
            (Direction::Up, _) => Some(Sense::Up),
            (Direction::Down, _) => Some(Sense::Down),
            (Direction::Range, Some((low, high))) => Some(Sense::Range { low, high }),
            (Direction::Range, None) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    Improving,
    Worsening,
    Flat,
}

impl Trend {
    pub const ALL: [Trend; 3] = [Trend::Improving, Trend::Worsening, Trend::Flat];

    /// The report's name: `improving`, `worsening`, `flat`.
    pub fn name(self) -> &'static str {
        match self {
            Trend::Improving => "improving",
            Trend::Worsening => "worsening",
            Trend::Flat => "flat",
        }
    }
}

/// A trend is written by its name.
impl serde::Serialize for Trend {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The trend from the previous period's actual to the `as_of` one, in the direction's sense (for
/// `range`, the distance to the green band: nearer is better); `None` when either is missing.
pub fn trend(sense: Sense, current: Option<f64>, previous: Option<f64>) -> Option<Trend> {
    let (current, previous) = (current?, previous?);
    // How good a value is: higher is better.
    let goodness = |value: f64| match sense {
        Sense::Up => value,
        Sense::Down => -value,
        Sense::Range { low, high } => -(low - value).max(value - high).max(0.0),
    };
    let (now, before) = (goodness(current), goodness(previous));
    Some(if now > before {
        Trend::Improving
    } else if now < before {
        Trend::Worsening
    } else {
        Trend::Flat
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_in_the_direction_sense() {
        assert_eq!(
            trend(Sense::Up, Some(5.0), Some(4.0)),
            Some(Trend::Improving)
        );
        assert_eq!(
            trend(Sense::Up, Some(3.0), Some(4.0)),
            Some(Trend::Worsening)
        );
        assert_eq!(trend(Sense::Up, Some(4.0), Some(4.0)), Some(Trend::Flat));
        assert_eq!(
            trend(Sense::Down, Some(3.0), Some(4.0)),
            Some(Trend::Improving)
        );
        assert_eq!(
            trend(Sense::Down, Some(5.0), Some(4.0)),
            Some(Trend::Worsening)
        );
    }

    #[test]
    fn range_trend_is_the_distance_to_the_green_band() {
        let sense = Sense::Range {
            low: 30.0,
            high: 45.0,
        };
        assert_eq!(trend(sense, Some(28.0), Some(25.0)), Some(Trend::Improving));
        assert_eq!(trend(sense, Some(50.0), Some(48.0)), Some(Trend::Worsening));
        assert_eq!(trend(sense, Some(46.0), Some(27.0)), Some(Trend::Improving));
        assert_eq!(trend(sense, Some(31.0), Some(44.0)), Some(Trend::Flat));
        assert_eq!(trend(sense, Some(40.0), Some(50.0)), Some(Trend::Improving));
    }

    #[test]
    fn missing_actual_has_no_trend() {
        assert_eq!(trend(Sense::Up, None, Some(4.0)), None);
        assert_eq!(trend(Sense::Down, Some(4.0), None), None);
        assert_eq!(trend(Sense::Up, None, None), None);
    }

    #[test]
    fn sense_of_a_direction() {
        let range = Bands::range(30.0, 45.0, 0.1);
        assert_eq!(
            Sense::of(Direction::Range, Some(&range)),
            Some(Sense::Range {
                low: 30.0,
                high: 45.0
            })
        );
        assert_eq!(Sense::of(Direction::Range, None), None);
        assert_eq!(Sense::of(Direction::Up, None), Some(Sense::Up));
        assert_eq!(Trend::Flat.name(), "flat");
    }
}
