//! Axis ticks at "nice" values (1, 2 or 5 times a power of ten) and short tick labels.

/// Returns tick values covering `[low, high]` with roughly `target` intervals, each a multiple
/// of a step of 1, 2 or 5 times a power of ten. A degenerate or non-finite range is widened
/// first so that at least two ticks come back.
pub fn nice_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    let (low, high) = widen(low, high);
    let raw_step = (high - low) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw_step)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Widens an empty or non-finite range so that it has a positive length.
fn widen(low: f64, high: f64) -> (f64, f64) {
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    if high > low {
        return (low, high);
    }
    let pad = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
    (low - pad, high + pad)
}

/// Formats a tick label in at most about seven characters: plain decimals for ordinary
/// magnitudes, scientific notation for very small or very large ones.
pub fn format_tick(value: f64) -> String {
    format_with_extra_digits(value, 0)
}

/// Formats every tick of one axis with [`format_tick`], adding digits to all labels until
/// neighbouring labels differ, so that ticks of a narrow range never repeat a label. Gives up
/// after six extra digits.
pub fn format_ticks(ticks: &[f64]) -> Vec<String> {
    const MAX_EXTRA_DIGITS: usize = 6;
    let format_all = |extra: usize| -> Vec<String> {
        ticks
            .iter()
            .map(|&t| format_with_extra_digits(t, extra))
            .collect()
    };
    for extra in 0..MAX_EXTRA_DIGITS {
        let labels = format_all(extra);
        if labels.windows(2).all(|pair| pair[0] != pair[1]) {
            return labels;
        }
    }
    format_all(MAX_EXTRA_DIGITS)
}

/// Formats `value` with 4 + `extra` decimals (plain) or 1 + `extra` mantissa decimals
/// (scientific), trimming trailing zeros of plain decimals.
fn format_with_extra_digits(value: f64, extra: usize) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs();
    if !(1e-3..1e5).contains(&magnitude) {
        return format!("{value:.*e}", 1 + extra);
    }
    let text = format!("{value:.*}", 4 + extra);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn ticks_use_nice_steps() {
        // range 0.93, 5 intervals: raw step 0.186, magnitude 0.1, first nice step 0.2
        let ticks = nice_ticks(0.07, 1.0, 5);
        assert!(close(&ticks, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]), "{ticks:?}");
        let ticks = nice_ticks(-0.1, 0.1, 4);
        assert!(close(&ticks, &[-0.1, -0.05, 0.0, 0.05, 0.1]), "{ticks:?}");
    }

    #[test]
    fn degenerate_range_still_gives_ticks() {
        assert!(nice_ticks(3.0, 3.0, 5).len() >= 2);
        assert!(nice_ticks(0.0, 0.0, 5).len() >= 2);
        assert!(nice_ticks(f64::NAN, 1.0, 5).len() >= 2);
    }

    #[test]
    fn narrow_range_labels_differ() {
        // 1.20e-4, 1.22e-4, 1.24e-4 all read "1.2e-4" with one mantissa decimal.
        let labels = format_ticks(&[1.20e-4, 1.22e-4, 1.24e-4]);
        assert_eq!(labels, vec!["1.20e-4", "1.22e-4", "1.24e-4"]);
        // 0.50001 and 0.50002 both read "0.5" with four decimals.
        let labels = format_ticks(&[0.50001, 0.50002]);
        assert_eq!(labels, vec!["0.50001", "0.50002"]);
        // Distinct labels keep the short form.
        assert_eq!(format_ticks(&[0.0, 0.5, 1.0]), vec!["0", "0.5", "1"]);
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(0.25), "0.25");
        assert_eq!(format_tick(-2.0), "-2");
        assert_eq!(format_tick(0.0001), "1.0e-4");
        assert_eq!(format_tick(120000.0), "1.2e5");
    }
}
