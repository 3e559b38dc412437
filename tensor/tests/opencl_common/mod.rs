//! Helpers shared by the OpenCL test files: the device, random views and tolerant comparison.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard, OnceLock};

use proptest::prelude::*;
use tensor::opencl::OpenClDevice;
use tensor::{Device, Element, Tensor};

/// Serialises the tests of one test binary that count copies: the transfer counters are
/// global, so copies made by a test running next to another would be counted there. A test
/// that panicked while it held the lock does not invalidate it.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `f` and returns its result with the number of downloads it made.
pub fn counting_downloads<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = tensor::opencl::transfer_stats().downloads;
    let out = f();
    (out, tensor::opencl::transfer_stats().downloads - before)
}

/// Returns the device every test uses: `TENSOR_OPENCL_DEVICE`, or 0:0 (PoCL on the CPU in CI).
pub fn device() -> Device {
    static DEVICE: OnceLock<OpenClDevice> = OnceLock::new();
    let opened = DEVICE.get_or_init(|| {
        OpenClDevice::from_env().expect("an OpenCL device (PoCL on the CPU will do)")
    });
    Device::OpenCl(opened.clone())
}

/// Generates a random shape: rank 0 to 4, sizes 0 to 5 (odd sizes and 1 for broadcasting included).
pub fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![1 => Just(0usize), 8 => 1usize..6], 0..5)
}

/// Generates a random non-empty shape of rank 1 to 4.
pub fn nonempty_shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..6, 1..5)
}

/// How to view a freshly made tensor before an operation runs on it.
#[derive(Clone, Copy, Debug)]
pub enum View {
    /// The tensor itself (contiguous).
    Plain,
    /// The axes reversed (a transpose for rank 2).
    Reversed,
    /// A narrowed range along one axis.
    Narrow,
    /// A slice with step -2 or -1 along one axis.
    NegativeStep,
    /// A new leading axis of size 3 with stride 0.
    Broadcast,
    /// Axes reversed, then a negative step.
    ReversedNegativeStep,
}

/// Generates a random view with a seed that picks its axis and range.
pub fn view() -> impl Strategy<Value = (View, u32)> {
    (
        prop_oneof![
            Just(View::Plain),
            Just(View::Reversed),
            Just(View::Narrow),
            Just(View::NegativeStep),
            Just(View::Broadcast),
            Just(View::ReversedNegativeStep),
        ],
        any::<u32>(),
    )
}

/// Applies `view` to `t`; the same call on a host tensor and on its device copy gives the same
/// logical values, through different strides.
pub fn apply_view<T: Element>(t: &Tensor<T>, view: View, seed: u32) -> Tensor<T> {
    let rank = t.rank();
    let seed = seed as usize;
    match view {
        View::Plain => t.clone(),
        View::Reversed => {
            let order: Vec<usize> = (0..rank).rev().collect();
            t.permute(&order).unwrap()
        }
        View::Narrow if rank > 0 => {
            let axis = seed % rank;
            let size = t.shape()[axis];
            let start = (seed / 7) % (size + 1);
            let len = (seed / 101) % (size - start + 1);
            t.narrow(axis as isize, start, len).unwrap()
        }
        View::NegativeStep if rank > 0 => {
            let axis = seed % rank;
            let size = t.shape()[axis];
            if size == 0 {
                return t.clone();
            }
            let step = -1 - (seed / 13 % 2) as isize;
            t.slice(axis as isize, size - 1, usize::MAX, step).unwrap()
        }
        View::Broadcast => {
            let mut target = vec![3];
            target.extend_from_slice(t.shape());
            t.unsqueeze(0).unwrap().broadcast_to(&target).unwrap()
        }
        View::ReversedNegativeStep => {
            let reversed = apply_view(t, View::Reversed, 0);
            apply_view(&reversed, View::NegativeStep, seed as u32)
        }
        _ => t.clone(),
    }
}

/// Makes a host tensor of `shape` with values from `values` (cycled), in `-scale..scale`.
pub fn filled<T: Element>(shape: &[usize], values: &[f64]) -> Tensor<T> {
    let count: usize = shape.iter().product();
    let data: Vec<T> = (0..count)
        .map(|i| T::from_f64(values[i % values.len()]))
        .collect();
    Tensor::from_vec(data, shape).unwrap()
}

/// Random values in -3..3 (never empty, so `filled` can cycle them).
pub fn values() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-3.0f64..3.0, 1..64)
}

/// A tolerance: `|got - want| <= abs + rel * scale`, with `scale` given per element.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Absolute part.
    pub abs: f64,
    /// Relative part.
    pub rel: f64,
}

/// Exact agreement (NaN equals NaN).
pub const EXACT: Tolerance = Tolerance { abs: 0.0, rel: 0.0 };

/// Transcendental functions in f32: OpenCL allows a few ulp for exp, log, tanh and pow, and
/// the host uses polynomial approximations.
pub const F32_TRANSCENDENTAL: Tolerance = Tolerance {
    abs: 1e-6,
    rel: 1e-5,
};

/// Transcendental functions in f64.
pub const F64_TRANSCENDENTAL: Tolerance = Tolerance {
    abs: 1e-13,
    rel: 1e-12,
};

/// Returns the transcendental tolerance of `T`.
pub fn transcendental<T: Element>() -> Tolerance {
    if T::DTYPE == tensor::DType::F32 {
        F32_TRANSCENDENTAL
    } else {
        F64_TRANSCENDENTAL
    }
}

/// Checks `got` against `want` element by element; `scale[i]` multiplies the relative part
/// (pass `|want|` for plain relative error, or a sum of magnitudes for reductions).
pub fn close<T: Element>(
    got: &[T],
    want: &[T],
    scale: &[f64],
    tol: Tolerance,
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "lengths differ: got {}, want {}",
            got.len(),
            want.len()
        ));
    }
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let (g, w) = (g.to_f64(), w.to_f64());
        let same = (g.is_nan() && w.is_nan()) || g == w;
        if same {
            continue;
        }
        let bound = tol.abs + tol.rel * scale[i];
        let difference = (g - w).abs();
        // A NaN on one side only makes the difference NaN, which fails too.
        if difference.is_nan() || difference > bound {
            return Err(format!(
                "element {i}: got {g:e}, want {w:e} (bound {bound:e}); got {got:?}, want {want:?}"
            ));
        }
    }
    Ok(())
}

/// Checks a device result against the host result: same shape, result on the device, values
/// within `tol` relative to the magnitude of the host values.
pub fn same_result<T: Element>(
    got: &Tensor<T>,
    want: &Tensor<T>,
    tol: Tolerance,
) -> Result<(), String> {
    if got.shape() != want.shape() {
        return Err(format!(
            "shapes differ: got {:?}, want {:?}",
            got.shape(),
            want.shape()
        ));
    }
    if got.is_on_host() {
        return Err("the result came back in host memory".into());
    }
    let want_values = want.to_vec();
    let scale: Vec<f64> = want_values.iter().map(|v| v.to_f64().abs()).collect();
    close(&got.to_vec(), &want_values, &scale, tol)
}
