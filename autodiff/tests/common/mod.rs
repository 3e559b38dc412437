//! Shared strategies and helpers for the gradient property tests.
//!
//! Every property builds random inputs with ranks 0 to 4 and sizes 1 to 3, so size-1 axes and
//! broadcasting appear often. It lays some inputs out non-contiguously, applies one operation,
//! and checks the gradient of a randomly weighted sum of the output against finite differences.
//! The random weights make the upstream gradient differ per element, so a rule that ignores it
//! or mixes elements up fails.

#![allow(dead_code)]

use autodiff::{check_gradients, Result, Var};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use tensor::Tensor;

/// Gradient-check tolerance for `f64` central differences on well-scaled inputs.
pub const TOLERANCE: f64 = 1e-6;

/// Few cases per property keep the suite fast on two cores while still covering many shapes.
pub fn config() -> Config {
    Config::with_cases(32)
}

/// How an input tensor's elements sit in memory.
#[derive(Clone, Copy, Debug)]
pub enum Arrangement {
    /// Row-major, no gaps.
    Contiguous,
    /// Axes reversed from a row-major tensor of the reversed shape.
    Transposed,
    /// Every second element of the last axis of a wider tensor.
    Strided,
    /// The first axis reversed (negative stride).
    Flipped,
}

/// Any arrangement, with contiguous as likely as the others together.
pub fn arb_arrangement() -> impl Strategy<Value = Arrangement> {
    prop_oneof![
        3 => Just(Arrangement::Contiguous),
        1 => Just(Arrangement::Transposed),
        1 => Just(Arrangement::Strided),
        1 => Just(Arrangement::Flipped),
    ]
}

/// Generates a shape of rank `min_rank..=max_rank` with sizes 1 to 3.
pub fn arb_shape(min_rank: usize, max_rank: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=3, min_rank..=max_rank)
}

/// Generates a shape that broadcasts to `shape`: some leading axes dropped, some sizes set to 1.
pub fn arb_broadcast_of(shape: Vec<usize>) -> impl Strategy<Value = Vec<usize>> {
    let rank = shape.len();
    (
        0..=rank,
        prop::collection::vec(prop::bool::weighted(0.3), rank),
    )
        .prop_map(move |(dropped, ones)| {
            shape
                .iter()
                .zip(ones)
                .skip(dropped)
                .map(|(&size, one)| if one { 1 } else { size })
                .collect()
        })
}

/// Values in [-2, 2] for functions that are smooth everywhere.
pub fn smooth() -> impl Strategy<Value = f64> + Clone {
    -2.0..2.0f64
}

/// Values in [0.2, 2] for functions defined on positive numbers (ln, sqrt, powf).
pub fn positive() -> impl Strategy<Value = f64> + Clone {
    0.2..2.0f64
}

/// Values with 0.1 <= |x| <= 2, away from the kinks of relu and abs and the pole of 1/x.
pub fn away_from_zero() -> impl Strategy<Value = f64> + Clone {
    (0.1..2.0f64, any::<bool>()).prop_map(|(v, negative)| if negative { -v } else { v })
}

/// Builds a tensor of `shape` holding `data` (row-major) in the given arrangement.
pub fn arrange(data: Vec<f64>, shape: &[usize], arrangement: Arrangement) -> Tensor<f64> {
    let rank = shape.len();
    match arrangement {
        Arrangement::Transposed if rank >= 2 => {
            let reversed: Vec<usize> = shape.iter().rev().copied().collect();
            let order: Vec<usize> = (0..rank).rev().collect();
            let base = Tensor::from_vec(data, &reversed).unwrap();
            base.permute(&order).unwrap()
        }
        Arrangement::Strided if rank >= 1 => {
            let mut wide_shape = shape.to_vec();
            wide_shape[rank - 1] *= 2;
            // Interleave each value with a filler the view skips.
            let wide: Vec<f64> = data.iter().flat_map(|&v| [v, 99.0]).collect();
            let base = Tensor::from_vec(wide, &wide_shape).unwrap();
            base.slice(-1, 0, wide_shape[rank - 1], 2).unwrap()
        }
        Arrangement::Flipped if rank >= 1 => {
            let base = Tensor::from_vec(data, shape).unwrap();
            base.flip(0).unwrap()
        }
        _ => Tensor::from_vec(data, shape).unwrap(),
    }
}

/// Generates a tensor of `shape` with values from `values`, in a random arrangement.
pub fn arb_tensor(
    shape: Vec<usize>,
    values: impl Strategy<Value = f64> + Clone + 'static,
) -> impl Strategy<Value = Tensor<f64>> {
    let count = shape.iter().product::<usize>();
    (prop::collection::vec(values, count), arb_arrangement())
        .prop_map(move |(data, arrangement)| arrange(data, &shape, arrangement))
}

/// Generates a tensor of random shape (rank `min_rank..=max_rank`) with values from `values`.
pub fn arb_any_tensor(
    min_rank: usize,
    max_rank: usize,
    values: impl Strategy<Value = f64> + Clone + 'static,
) -> impl Strategy<Value = Tensor<f64>> {
    arb_shape(min_rank, max_rank).prop_flat_map(move |shape| arb_tensor(shape, values.clone()))
}

/// Generates a tensor of `shape` whose values differ pairwise by at least 0.05, so max, min and sorting
/// have no ties that a finite-difference step could cross.
pub fn arb_distinct_tensor(shape: Vec<usize>) -> impl Strategy<Value = Tensor<f64>> {
    let count = shape.iter().product::<usize>();
    let ranks: Vec<usize> = (0..count).collect();
    (
        Just(ranks).prop_shuffle(),
        prop::collection::vec(0.0..0.05f64, count),
        arb_arrangement(),
    )
        .prop_map(move |(ranks, jitter, arrangement)| {
            let data = ranks
                .iter()
                .zip(jitter)
                .map(|(&r, j)| r as f64 * 0.1 + j - 0.05 * count as f64)
                .collect();
            arrange(data, &shape, arrangement)
        })
}

/// Deterministic weights in [-1.5, 1.5] from a seed (a 64-bit linear congruential generator).
pub fn weights(shape: &[usize], seed: u64) -> Tensor<f64> {
    let mut state = seed | 1;
    let data = (0..shape.iter().product::<usize>())
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 3.0 - 1.5
        })
        .collect();
    Tensor::from_vec(data, shape).unwrap()
}

/// Returns `sum(y * w)` for seeded random weights `w` of `y`'s shape.
pub fn weighted_sum(y: &Var<f64>, seed: u64) -> Result<Var<f64>> {
    let w = y.tape().constant(weights(y.shape(), seed));
    y.mul(&w)?.sum(&[], false)
}

/// Checks the gradient of `sum(f(inputs) * w)` for every input, failing the proptest case with
/// the checker's report.
pub fn check_op<F>(
    f: F,
    inputs: &[Tensor<f64>],
    seed: u64,
) -> std::result::Result<(), TestCaseError>
where
    F: Fn(&[Var<f64>]) -> Result<Var<f64>>,
{
    let report = check_gradients(|_, vars| weighted_sum(&f(vars)?, seed), inputs, TOLERANCE)
        .map_err(|e| TestCaseError::fail(format!("gradient check could not run: {e}")))?;
    prop_assert!(report.passed(), "{}", report);
    Ok(())
}
