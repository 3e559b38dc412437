//! Row kernels for the reductions: each one reduces a contiguous slice to one value.
//!
//! The callers in `reduce.rs` guarantee that `max`, `min`, `argmax` and `argmin` get a
//! non-empty row; the other kernels accept an empty row.

use crate::Element;

/// Sum of a row (0 for an empty row).
pub(crate) fn sum<T: Element>(row: &[T]) -> T {
    let mut total = T::ZERO;
    for &x in row {
        total += x;
    }
    total
}

/// Mean of a row (NaN for an empty row, as 0 / 0).
pub(crate) fn mean<T: Element>(row: &[T]) -> T {
    sum(row) / T::from_usize(row.len())
}

/// Population variance of a row: mean of squared deviations from the mean.
pub(crate) fn var<T: Element>(row: &[T]) -> T {
    let mu = mean(row);
    let mut total = T::ZERO;
    for &x in row {
        let d = x - mu;
        total += d * d;
    }
    total / T::from_usize(row.len())
}

/// Maximum of a non-empty row; NaN propagates.
pub(crate) fn max<T: Element>(row: &[T]) -> T {
    row.iter().fold(T::NEG_INFINITY, |m, &x| m.max_of(x))
}

/// Minimum of a non-empty row; NaN propagates.
pub(crate) fn min<T: Element>(row: &[T]) -> T {
    row.iter().fold(T::INFINITY, |m, &x| m.min_of(x))
}

/// `ln(sum(exp(x)))` of a row, shifted by the row maximum so no `exp` overflows.
pub(crate) fn logsumexp<T: Element>(row: &[T]) -> T {
    let m = max(row);
    // An empty row (m = -inf), a row with +inf or NaN: the shift would give NaN, and the
    // maximum itself is the answer.
    if !m.is_finite() {
        return m;
    }
    let mut total = T::ZERO;
    for &x in row {
        total += (x - m).exp();
    }
    m + total.ln()
}

/// Index of the first maximum of a non-empty row; the first NaN wins over any number.
pub(crate) fn argmax<T: Element>(row: &[T]) -> usize {
    arg_best(row, |candidate, best| candidate > best)
}

/// Index of the first minimum of a non-empty row; the first NaN wins over any number.
pub(crate) fn argmin<T: Element>(row: &[T]) -> usize {
    arg_best(row, |candidate, best| candidate < best)
}

/// Index of the first element that no later element beats under `beats`, stopping at the
/// first NaN.
fn arg_best<T: Element>(row: &[T], beats: impl Fn(T, T) -> bool) -> usize {
    let mut best_index = 0;
    let mut best = row[0];
    if best.is_nan() {
        return 0;
    }
    for (i, &x) in row.iter().enumerate().skip(1) {
        if x.is_nan() {
            return i;
        }
        if beats(x, best) {
            best = x;
            best_index = i;
        }
    }
    best_index
}
