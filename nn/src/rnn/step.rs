//! The per-step kernel interface of the fused sequence node, and the driver that splits one
//! step's batch rows across threads.
//!
//! Every slice below is a contiguous block of `rows` batch rows; a slice of a cell without a
//! memory cell c (RNN, GRU) is empty. Rows are independent, so a step can be cut into row
//! ranges and each range run on its own thread.

use rayon::prelude::*;
use tensor::Element;

/// Gate values per step below which a step runs on one thread: splitting costs a few
/// microseconds, about the time of 4096 sigmoids. NOTE: an estimate from the per-element cost
/// of `exp`, not a measured crossover.
const PARALLEL_MIN_VALUES: usize = 4096;

/// The inputs of one forward step.
pub(crate) struct StepInput<'a, T> {
    /// Input projection `W_ih x_t + b_ih`, `[rows, gates * hidden]`.
    pub x: &'a [T],
    /// Recurrent projection `h_{t-1} W_hh^T + b_hh`, `[rows, gates * hidden]`.
    pub hh: &'a [T],
    /// Previous hidden state, `[rows, hidden]`.
    pub h_prev: &'a [T],
    /// Previous memory cell, `[rows, hidden]` or empty.
    pub c_prev: &'a [T],
}

/// The outputs of one forward step.
pub(crate) struct StepOutput<'a, T> {
    /// Values the backward pass needs, `[rows, saved * hidden]`.
    pub saved: &'a mut [T],
    /// New hidden state, `[rows, hidden]`.
    pub h: &'a mut [T],
    /// New memory cell, `[rows, hidden]` or empty.
    pub c: &'a mut [T],
}

/// The inputs of one backward step.
pub(crate) struct GradInput<'a, T> {
    /// Total gradient reaching h_t, `[rows, hidden]`.
    pub dh: &'a [T],
    /// The `saved` values of the forward step.
    pub saved: &'a [T],
    /// h_{t-1}, `[rows, hidden]`.
    pub h_prev: &'a [T],
    /// c_{t-1}, `[rows, hidden]` or empty.
    pub c_prev: &'a [T],
    /// h_t, `[rows, hidden]`.
    pub h: &'a [T],
    /// c_t, `[rows, hidden]` or empty.
    pub c: &'a [T],
}

/// The outputs of one backward step.
pub(crate) struct GradOutput<'a, T> {
    /// On entry the gradient reaching c_t from outside the cell, on return the gradient of
    /// c_{t-1}; `[rows, hidden]` or empty.
    pub dc: &'a mut [T],
    /// Gradient of the input projection, `[rows, gates * hidden]`.
    pub dx: &'a mut [T],
    /// Gradient of the recurrent projection `hh`, `[rows, gates * hidden]`.
    pub dhh: &'a mut [T],
    /// Gradient of h_{t-1} through paths that bypass `hh` (the GRU's z h_{t-1} term).
    pub dh_prev: &'a mut [T],
}

/// The elementwise part of one time step of a cell, forward and backward.
pub(crate) trait StepKernel<T: Element> {
    /// Gate blocks per hidden unit (RNN 1, GRU 3, LSTM 4).
    const GATES: usize;
    /// True when the cell carries a memory cell c besides h (LSTM).
    const HAS_CELL: bool;
    /// Values saved per hidden unit and batch row for the backward pass.
    const SAVED: usize;

    /// Computes h (and c) of one step and fills `saved`.
    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>);

    /// Maps the gradient of h_t (and c_t) to the gradients of the step's inputs.
    fn backward(hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>);
}

/// Returns the number of rows per task for a step of `rows` rows and `values` gate values.
fn rows_per_task(rows: usize, values: usize) -> usize {
    let threads = rayon::current_num_threads();
    if values < PARALLEL_MIN_VALUES || threads < 2 || rows < 2 {
        rows.max(1)
    } else {
        rows.div_ceil(threads)
    }
}

/// Cuts a `[rows, width]` slice into blocks of `per` rows (empty slices stay empty).
fn split<T>(slice: &[T], rows: usize, per: usize) -> Vec<&[T]> {
    let width = slice.len() / rows;
    (0..rows.div_ceil(per))
        .map(|k| &slice[k * per * width..((k + 1) * per).min(rows) * width])
        .collect()
}

/// Mutable version of [`split`].
fn split_mut<T>(mut slice: &mut [T], rows: usize, per: usize) -> Vec<&mut [T]> {
    let width = slice.len() / rows;
    let mut out = Vec::new();
    for k in 0..rows.div_ceil(per) {
        let take = (((k + 1) * per).min(rows) - k * per) * width;
        let (head, tail) = std::mem::take(&mut slice).split_at_mut(take);
        out.push(head);
        slice = tail;
    }
    out
}

/// Runs `K::forward` over `rows` rows, split across threads when the step is large.
pub(crate) fn forward_rows<T: Element, K: StepKernel<T>>(
    hidden: usize,
    rows: usize,
    input: StepInput<'_, T>,
    output: StepOutput<'_, T>,
) {
    let per = rows_per_task(rows, input.x.len());
    if per >= rows {
        return K::forward(hidden, input, output);
    }
    let (xs, hhs) = (split(input.x, rows, per), split(input.hh, rows, per));
    let (hps, cps) = (
        split(input.h_prev, rows, per),
        split(input.c_prev, rows, per),
    );
    let (saved, hs, cs) = (
        split_mut(output.saved, rows, per),
        split_mut(output.h, rows, per),
        split_mut(output.c, rows, per),
    );
    let tasks: Vec<_> = (xs.into_iter().zip(hhs).zip(hps).zip(cps))
        .zip(saved.into_iter().zip(hs).zip(cs))
        .map(|((((x, hh), h_prev), c_prev), ((saved, h), c))| {
            (
                StepInput {
                    x,
                    hh,
                    h_prev,
                    c_prev,
                },
                StepOutput { saved, h, c },
            )
        })
        .collect();
    tasks
        .into_par_iter()
        .for_each(|(input, output)| K::forward(hidden, input, output));
}

/// Runs `K::backward` over `rows` rows, split across threads when the step is large.
pub(crate) fn backward_rows<T: Element, K: StepKernel<T>>(
    hidden: usize,
    rows: usize,
    input: GradInput<'_, T>,
    output: GradOutput<'_, T>,
) {
    let per = rows_per_task(rows, output.dx.len());
    if per >= rows {
        return K::backward(hidden, input, output);
    }
    let (dhs, saved) = (split(input.dh, rows, per), split(input.saved, rows, per));
    let (hps, cps) = (
        split(input.h_prev, rows, per),
        split(input.c_prev, rows, per),
    );
    let (hs, cs) = (split(input.h, rows, per), split(input.c, rows, per));
    let (dcs, dxs) = (
        split_mut(output.dc, rows, per),
        split_mut(output.dx, rows, per),
    );
    let (dhhs, dhps) = (
        split_mut(output.dhh, rows, per),
        split_mut(output.dh_prev, rows, per),
    );
    let inputs = dhs.into_iter().zip(saved).zip(hps).zip(cps).zip(hs).zip(cs);
    let outputs = dcs.into_iter().zip(dxs).zip(dhhs).zip(dhps);
    let tasks: Vec<_> = inputs
        .zip(outputs)
        .map(
            |((((((dh, saved), h_prev), c_prev), h), c), (((dc, dx), dhh), dh_prev))| {
                (
                    GradInput {
                        dh,
                        saved,
                        h_prev,
                        c_prev,
                        h,
                        c,
                    },
                    GradOutput {
                        dc,
                        dx,
                        dhh,
                        dh_prev,
                    },
                )
            },
        )
        .collect();
    tasks
        .into_par_iter()
        .for_each(|(input, output)| K::backward(hidden, input, output));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_rows_in_order() {
        let data: Vec<u32> = (0..10).collect();
        let parts = split(&data, 5, 2);
        assert_eq!(parts, vec![&data[0..4], &data[4..8], &data[8..10]]);
        let empty: [u32; 0] = [];
        assert_eq!(split(&empty, 5, 2).len(), 3);
    }

    #[test]
    fn split_mut_matches_split() {
        let mut data: Vec<u32> = (0..9).collect();
        let parts = split_mut(&mut data, 3, 2);
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![6, 3]
        );
        assert_eq!(split_mut::<u32>(&mut [], 3, 2).len(), 2);
    }
}
