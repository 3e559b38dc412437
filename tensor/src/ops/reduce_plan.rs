//! Planning a reduction: how to walk the input so that the kernels see contiguous memory.
//!
//! # The `outer x len x inner` form
//!
//! Each axis is either kept or reduced. Axes of size 1 change nothing and are ignored. The
//! planner first picks a working order of the remaining axes over contiguous memory:
//!
//! - if the tensor is a permutation of a dense block (a transpose of a contiguous tensor, say),
//!   the axes are sorted by decreasing stride and the storage is used as it is, with no copy;
//! - otherwise (broadcast, flipped or sliced views) the tensor is copied to row-major order.
//!
//! Adjacent axes of the same kind are merged. When the result has at most one group of
//! reduced axes, `[kept] [reduced] [kept]`, each part optional, the input is a
//! `outer x len x inner` array and output `(o, k)` reduces `input[o, 0..len, k]`: rows when
//! `inner == 1`, columns otherwise. Other patterns (`[reduced] [kept] [reduced]`, ...) are
//! copied once more with the kept axes first, which gives `inner == 1`.
//!
//! The output comes out with the kept axes in working order; when that differs from their
//! order in the input, it is permuted back.
//!
//! # Threads
//!
//! Rows, and column blocks of [`COLUMN_BLOCK`] outputs, are independent units of work that run
//! on several threads from [`PARALLEL_THRESHOLD`] input elements on (or
//! [`PARALLEL_THRESHOLD_EXP`] for kernels that call `exp`). Each output is computed by
//! one kernel call whatever the number of threads, so results do not depend on it.

use rayon::prelude::*;

use crate::shape::{contiguous_strides, normalize_axes, num_elements};
use crate::strided::StridedIter;
use crate::{Element, Layout, Result, Tensor};

use super::reduce_kernels::Reducer;

/// Number of input elements from which the reductions without `exp` (sum, mean, max, min,
/// var, argmax, argmin) run on several threads.
///
/// Measured with `examples/reduce_timing.rs` (threshold set to 0) on a 2-core x86-64 machine
/// that other jobs kept at a load average of about 14. In two runs, summing rows of 256 `f32`
/// on two threads was slower than on one up to 2^21 elements and faster at 2^22.
/// NOTE: that machine was too loaded for a precise crossover; re-measure on a quiet one.
pub const PARALLEL_THRESHOLD: usize = 1 << 21;

/// Number of input elements from which the kernels that call `exp` on every element
/// (`logsumexp`, `softmax`, `log_softmax`) run on several threads.
///
/// NOTE: an estimate. On the loaded machine of [`PARALLEL_THRESHOLD`], one `f32` element of
/// these kernels cost about 1.3 ns on one thread against 0.1 ns for a sum, so they should pay
/// for threads at about a tenth of its size. The direct measurement was too noisy to say more:
/// two threads were slower at every size up to 2^17 and gave mixed results above.
pub const PARALLEL_THRESHOLD_EXP: usize = 1 << 18;

/// Number of columns reduced together by one column-kernel call, so that the running results
/// (4 KiB of `f32`) stay in the L1 cache.
const COLUMN_BLOCK: usize = 1024;

/// A planned reduction, ready to run any [`Reducer`].
pub(crate) struct Plan<T: Element> {
    /// The input in working order, contiguous over `outer * len * inner` elements.
    source: Tensor<T>,
    outer: usize,
    len: usize,
    inner: usize,
    /// Sizes of the kept axes in working order, and the permutation that restores their input
    /// order (`None` when it is the identity).
    restore: Option<(Vec<usize>, Vec<usize>)>,
    /// Shape of the output.
    pub(crate) out_shape: Vec<usize>,
}

impl<T: Element> Plan<T> {
    /// Plans the reduction of `tensor` over `axes` (empty: every axis).
    pub(crate) fn new(
        tensor: &Tensor<T>,
        op: &'static str,
        axes: &[isize],
        keepdim: bool,
    ) -> Result<Self> {
        let shape = tensor.shape();
        let reduced = normalize_axes(op, axes, tensor.rank())?;
        let is_reduced = |axis: usize| reduced.binary_search(&axis).is_ok();

        let out_shape: Vec<usize> = (0..shape.len())
            .filter_map(|a| match (is_reduced(a), keepdim) {
                (false, _) => Some(shape[a]),
                (true, true) => Some(1),
                (true, false) => None,
            })
            .collect();

        // Empty input: no kernel runs, so only the counts matter. Either there is no output
        // (`outer == 0`) or every output reduces zero values (`len == 0`).
        if tensor.num_elements() == 0 {
            let size_of = |keep: bool| -> usize {
                (0..shape.len())
                    .filter(|&a| is_reduced(a) != keep)
                    .map(|a| shape[a])
                    .product()
            };
            return Ok(Plan {
                source: tensor.clone(),
                outer: size_of(true),
                len: size_of(false),
                inner: 1,
                restore: None,
                out_shape,
            });
        }

        let (source, order) = working_order(tensor);
        let kinds: Vec<bool> = order.iter().map(|&a| is_reduced(a)).collect();
        let sizes: Vec<usize> = order.iter().map(|&a| shape[a]).collect();

        let (source, order, outer, len, inner) = match split_three(&kinds, &sizes) {
            Some((outer, len, inner)) => (source, order, outer, len, inner),
            None => kept_first(&source, &order, &kinds),
        };

        let kept_order: Vec<usize> = order.iter().copied().filter(|&a| !is_reduced(a)).collect();
        let restore = restoring_permutation(&kept_order, shape);

        Ok(Plan {
            source,
            outer,
            len,
            inner,
            restore,
            out_shape,
        })
    }

    /// Number of input values that reduce into each output.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Runs `reducer` and returns the outputs in row-major order of [`Plan::out_shape`].
    pub(crate) fn run<R: Reducer<T>>(&self, reducer: &R) -> Vec<R::Output> {
        let count = self.outer * self.inner;
        if count == 0 {
            return Vec::new();
        }
        if self.len == 0 {
            return (0..count).map(|_| reducer.row(&[])).collect();
        }
        let data = self
            .source
            .as_slice()
            .expect("the planner always builds a contiguous source");
        let parallel = data.len() >= R::PARALLEL_THRESHOLD;

        let out = if self.inner == 1 {
            if parallel && self.outer > 1 {
                data.par_chunks_exact(self.len)
                    .map(|row| reducer.row(row))
                    .collect()
            } else {
                data.chunks_exact(self.len)
                    .map(|row| reducer.row(row))
                    .collect()
            }
        } else {
            self.run_columns(reducer, data, parallel)
        };

        match &self.restore {
            None => out,
            Some((sizes, permutation)) => permute_values(&out, sizes, permutation),
        }
    }

    /// Runs the column kernel over every `len x inner` block, in blocks of [`COLUMN_BLOCK`]
    /// columns.
    ///
    /// NOTE: a lone block narrower than [`COLUMN_BLOCK`] runs on one thread however long it
    /// is. Cutting it into narrower blocks, one per thread, made column sums of 2^21 and 2^22
    /// `f32` about four times slower in `examples/reduce_timing.rs` on the loaded 2-core machine.
    fn run_columns<R: Reducer<T>>(
        &self,
        reducer: &R,
        data: &[T],
        parallel: bool,
    ) -> Vec<R::Output> {
        let (len, inner) = (self.len, self.inner);
        let mut out = vec![R::Output::default(); self.outer * inner];
        let reduce_block = |o: usize, c: usize, out_c: &mut [R::Output]| {
            let start = o * len * inner + c * COLUMN_BLOCK;
            reducer.columns(&data[start..], len, inner, out_c);
        };
        if parallel {
            out.par_chunks_mut(inner)
                .enumerate()
                .for_each(|(o, out_o)| {
                    out_o
                        .par_chunks_mut(COLUMN_BLOCK)
                        .enumerate()
                        .for_each(|(c, out_c)| reduce_block(o, c, out_c));
                });
        } else {
            for (o, out_o) in out.chunks_mut(inner).enumerate() {
                for (c, out_c) in out_o.chunks_mut(COLUMN_BLOCK).enumerate() {
                    reduce_block(o, c, out_c);
                }
            }
        }
        out
    }
}

/// Returns a contiguous tensor over the axes of size above 1 and the input axis of each of its
/// axes. Uses the storage as it is when the layout is a permutation of a dense block.
fn working_order<T: Element>(tensor: &Tensor<T>) -> (Tensor<T>, Vec<usize>) {
    let shape = tensor.shape();
    let strides = tensor.strides();
    let order: Vec<usize> = (0..shape.len()).filter(|&a| shape[a] > 1).collect();

    // Sort by decreasing stride; a dense permutation then has row-major strides.
    let mut sorted = order.clone();
    sorted.sort_by_key(|&a| std::cmp::Reverse(strides[a]));
    let sorted_shape: Vec<usize> = sorted.iter().map(|&a| shape[a]).collect();
    let expected = contiguous_strides(&sorted_shape);
    let dense = sorted
        .iter()
        .zip(&expected)
        .all(|(&a, &stride)| strides[a] == stride);
    if dense {
        let layout = Layout::from_parts(sorted_shape, expected, tensor.offset());
        return (tensor.with_layout(layout), sorted);
    }

    let copy = tensor.contiguous();
    let order_shape: Vec<usize> = order.iter().map(|&a| shape[a]).collect();
    let layout = Layout::from_parts(
        order_shape.clone(),
        contiguous_strides(&order_shape),
        copy.offset(),
    );
    (copy.with_layout(layout), order)
}

/// Returns the sizes of the kept axes in working order and the permutation that puts them back
/// in input order, or `None` when they already are in input order.
fn restoring_permutation(
    kept_order: &[usize],
    shape: &[usize],
) -> Option<(Vec<usize>, Vec<usize>)> {
    if kept_order.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    let mut sorted = kept_order.to_vec();
    sorted.sort_unstable();
    let permutation = sorted
        .iter()
        .map(|a| {
            kept_order
                .iter()
                .position(|b| b == a)
                .expect("`sorted` contains the same axes as `kept_order`")
        })
        .collect();
    let kept_sizes = kept_order.iter().map(|&a| shape[a]).collect();
    Some((kept_sizes, permutation))
}

/// Merges runs of kept and reduced axes and returns `(outer, len, inner)` when there is at
/// most one run of reduced axes.
fn split_three(kinds: &[bool], sizes: &[usize]) -> Option<(usize, usize, usize)> {
    let first = kinds.iter().position(|&r| r);
    let Some(first) = first else {
        return Some((num_elements(sizes), 1, 1));
    };
    let end = first + kinds[first..].iter().take_while(|&&r| r).count();
    if kinds[end..].iter().any(|&r| r) {
        return None;
    }
    Some((
        num_elements(&sizes[..first]),
        num_elements(&sizes[first..end]),
        num_elements(&sizes[end..]),
    ))
}

/// Copies the working tensor with its kept axes first, for patterns with several runs of
/// reduced axes. Returns the new source, its axis order and `(outer, len, 1)`.
fn kept_first<T: Element>(
    source: &Tensor<T>,
    order: &[usize],
    kinds: &[bool],
) -> (Tensor<T>, Vec<usize>, usize, usize, usize) {
    let positions: Vec<usize> = (0..order.len())
        .filter(|&i| !kinds[i])
        .chain((0..order.len()).filter(|&i| kinds[i]))
        .collect();
    let permuted = source
        .permute(&positions)
        .expect("positions is a permutation of the source axes")
        .contiguous();
    let new_order: Vec<usize> = positions.iter().map(|&i| order[i]).collect();
    let outer: usize = positions
        .iter()
        .filter(|&&i| !kinds[i])
        .map(|&i| source.shape()[i])
        .product();
    let len = source.num_elements() / outer;
    (permuted, new_order, outer, len, 1)
}

/// Reorders row-major values of shape `sizes` so that axis `j` of the result is axis
/// `permutation[j]` of the input.
fn permute_values<R: Copy>(values: &[R], sizes: &[usize], permutation: &[usize]) -> Vec<R> {
    let layout = Layout::contiguous(sizes)
        .permute(permutation)
        .expect("the planner builds a valid permutation");
    StridedIter::new(&layout).map(|p| values[p]).collect()
}
