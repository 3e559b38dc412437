//! Colour scales that map a value to a colour: a diverging blue-white-red scale centred on zero
//! for signed data such as a trace, and a sequential white-to-blue scale for data in a range such
//! as attention weights. Colours between the anchors are linear interpolations in RGB.

use super::canvas::Rgb;

/// Blue end of the diverging scale (negative values).
const NEGATIVE: Rgb = Rgb(33, 102, 172);
/// Centre of the diverging scale (zero) and low end of the sequential scale.
const NEUTRAL: Rgb = Rgb(247, 247, 247);
/// Red end of the diverging scale (positive values).
const POSITIVE: Rgb = Rgb(178, 24, 43);
/// High end of the sequential scale.
const DARK: Rgb = Rgb(8, 48, 107);

/// A map from values to colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColorScale {
    /// Blue for `-limit`, white for 0, red for `+limit`; values beyond are clamped.
    Diverging {
        /// The absolute value drawn at full colour, `> 0`.
        limit: f32,
    },
    /// White for `min`, dark blue for `max`; values outside are clamped.
    Sequential {
        /// The value drawn white.
        min: f32,
        /// The value drawn dark blue, `> min`.
        max: f32,
    },
}

impl ColorScale {
    /// A diverging scale whose limit is the largest `|v|` in `values` (1 when all are zero or
    /// the slice is empty, so the scale stays valid).
    pub fn diverging_for(values: &[f32]) -> Self {
        let largest = values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |acc, v| acc.max(v.abs()));
        let limit = if largest > 0.0 { largest } else { 1.0 };
        ColorScale::Diverging { limit }
    }

    /// A sequential scale over the finite range of `values` (`[0, 1]` when that range is empty).
    pub fn sequential_for(values: &[f32]) -> Self {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let min = finite.clone().fold(f32::INFINITY, f32::min);
        let max = finite.fold(f32::NEG_INFINITY, f32::max);
        if min < max {
            ColorScale::Sequential { min, max }
        } else {
            ColorScale::Sequential { min: 0.0, max: 1.0 }
        }
    }

    /// The lowest and highest value of the scale.
    pub fn range(&self) -> (f32, f32) {
        match *self {
            ColorScale::Diverging { limit } => (-limit, limit),
            ColorScale::Sequential { min, max } => (min, max),
        }
    }

    /// The colour of `value`; NaN is drawn black so that it is easy to spot.
    pub fn color(&self, value: f32) -> Rgb {
        if value.is_nan() {
            return Rgb::BLACK;
        }
        match *self {
            ColorScale::Diverging { limit } => {
                let t = (value / limit).clamp(-1.0, 1.0);
                if t < 0.0 {
                    mix(NEUTRAL, NEGATIVE, -t)
                } else {
                    mix(NEUTRAL, POSITIVE, t)
                }
            }
            ColorScale::Sequential { min, max } => {
                let t = ((value - min) / (max - min)).clamp(0.0, 1.0);
                mix(NEUTRAL, DARK, t)
            }
        }
    }
}

/// `from + t (to - from)` per channel, `t` in `[0, 1]`.
fn mix(from: Rgb, to: Rgb, t: f32) -> Rgb {
    let channel = |a: u8, b: u8| (f32::from(a) + t * (f32::from(b) - f32::from(a))).round() as u8;
    Rgb(
        channel(from.0, to.0),
        channel(from.1, to.1),
        channel(from.2, to.2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_anchors() {
        let scale = ColorScale::Diverging { limit: 0.1 };
        assert_eq!(scale.color(0.0), NEUTRAL);
        assert_eq!(scale.color(0.1), POSITIVE);
        assert_eq!(scale.color(-0.1), NEGATIVE);
        assert_eq!(scale.color(5.0), POSITIVE);
        assert_eq!(scale.color(f32::NAN), Rgb::BLACK);
    }

    #[test]
    fn diverging_midpoint_is_halfway() {
        // channel = 247 + 0.5 (178 - 247) = 212.5, rounded to 213
        let scale = ColorScale::Diverging { limit: 2.0 };
        assert_eq!(scale.color(1.0).0, 213);
    }

    #[test]
    fn scales_from_values() {
        assert_eq!(
            ColorScale::diverging_for(&[-0.3, 0.2]),
            ColorScale::Diverging { limit: 0.3 }
        );
        assert_eq!(
            ColorScale::diverging_for(&[0.0]),
            ColorScale::Diverging { limit: 1.0 }
        );
        assert_eq!(
            ColorScale::sequential_for(&[0.5, 0.25]),
            ColorScale::Sequential {
                min: 0.25,
                max: 0.5
            }
        );
        assert_eq!(ColorScale::sequential_for(&[]).range(), (0.0, 1.0));
    }
}
