//! Elementwise functions of one tensor: `neg abs exp ln sqrt recip tanh sigmoid relu square`,
//! `powf`, `clamp` and the general [`Tensor::map`].
//!
//! Every function returns a new contiguous tensor with the input's shape, and accepts any
//! layout: contiguous, transposed, sliced with a step, flipped or broadcast. The driver
//! `unary_op` walks the input as runs of its innermost axis (see `walk.rs`), hands contiguous
//! runs to the kernel's slice method (SIMD for `f32` and `f64` where `simd.rs` has a kernel) and
//! calls the scalar function on strided runs.

use std::mem::MaybeUninit;

use super::kernel::{simd_unary_slices, FnUnary, UnaryKernel};
use super::parallel::{fill_new, Cost};
use super::simd::{splat_param, Vector, VectorUnary};
use super::walk::ZipPlan;
use crate::{Element, Result, Tensor, TensorError};

/// Number of strided elements copied into a stack buffer at a time when a kernel
/// [gathers](UnaryKernel::gathers_strided) strided input.
const GATHER_BLOCK: usize = 64;

/// Applies `kernel` to every element of `x` and returns the results as a contiguous tensor of
/// the same shape.
pub(crate) fn unary_op<T: Element>(x: &Tensor<T>, kernel: &impl UnaryKernel<T>) -> Tensor<T> {
    #[cfg(feature = "opencl")]
    if !x.is_on_host() {
        return crate::opencl::dispatch::unary(x, kernel.device_op(), |host| {
            unary_op(host, kernel)
        });
    }
    let src = x.storage();

    // Contiguous input: one slice, no layout walk.
    if let Some(input) = x.as_slice() {
        // SAFETY: `apply_slice` initialises all of `chunk`.
        let out = unsafe {
            fill_new(input.len(), kernel.cost(), |first, chunk| {
                kernel.apply_slice(&input[first..first + chunk.len()], chunk)
            })
        };
        return Tensor::from_parts_unchecked(out, x.shape());
    }

    let plan = ZipPlan::new([x.layout()]);
    let [step] = plan.run_steps();
    // SAFETY: the segments of `for_segments` cover `first..first + chunk.len()` exactly, and
    // every branch below initialises all of its `dst`.
    let out = unsafe {
        fill_new(x.num_elements(), kernel.cost(), |first, chunk| {
            plan.for_segments(first, first + chunk.len(), |at, [start], len| {
                let dst = &mut chunk[at - first..at - first + len];
                match step {
                    1 => kernel.apply_slice(&src[start..start + len], dst),
                    // A repeated element: compute it once, through the slice method so that
                    // the value matches the contiguous path bit for bit.
                    0 => {
                        let value = map_one(kernel, src[start]);
                        for d in dst {
                            d.write(value);
                        }
                    }
                    _ if kernel.gathers_strided() => {
                        map_strided_gathered(kernel, src, start, step, dst)
                    }
                    _ => {
                        let mut position = start as isize;
                        for d in dst {
                            d.write(kernel.apply(src[position as usize]));
                            position += step;
                        }
                    }
                }
            })
        })
    };
    Tensor::from_parts_unchecked(out, x.shape())
}

/// Applies the slice method of `kernel` to one element.
fn map_one<T: Element>(kernel: &impl UnaryKernel<T>, x: T) -> T {
    let mut value = [MaybeUninit::uninit()];
    kernel.apply_slice(&[x], &mut value);
    // SAFETY: `apply_slice` initialises every element of its output.
    unsafe { value[0].assume_init() }
}

/// Fills `dst` with `kernel` applied to `src[start + i * step]`, copying the inputs into a stack
/// buffer block by block so that the kernel's slice method (its SIMD form) does the work.
fn map_strided_gathered<T: Element>(
    kernel: &impl UnaryKernel<T>,
    src: &[T],
    start: usize,
    step: isize,
    dst: &mut [MaybeUninit<T>],
) {
    let mut buffer = [T::ZERO; GATHER_BLOCK];
    let mut position = start as isize;
    for block in dst.chunks_mut(GATHER_BLOCK) {
        let inputs = &mut buffer[..block.len()];
        for slot in inputs.iter_mut() {
            *slot = src[position as usize];
            position += step;
        }
        kernel.apply_slice(inputs, block);
    }
}

/// Declares a unit struct implementing [`UnaryKernel`] and [`VectorUnary`] from a scalar body
/// and a vector body. `gather` states whether the vector body rounds differently from the scalar
/// one (see [`UnaryKernel::gathers_strided`]).
macro_rules! unary_kernel {
    ($(#[$doc:meta])* $name:ident, |$x:ident| $body:expr, |$v:ident| $vector:expr, gather: $gather:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl<T: Element> UnaryKernel<T> for $name {
            #[inline]
            fn apply(&self, $x: T) -> T {
                $body
            }

            simd_unary_slices!();

            #[cfg(feature = "opencl")]
            fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
                Some(crate::opencl::elementwise::UnaryOp::$name)
            }

            fn gathers_strided(&self) -> bool {
                $gather
            }

            fn cost(&self) -> Cost {
                if $gather {
                    Cost::Costly
                } else {
                    Cost::Cheap
                }
            }
        }

        impl VectorUnary for $name {
            #[inline(always)]
            fn vector<V: Vector>(&self, $v: V) -> V {
                $vector
            }
        }
    };
}

unary_kernel!(
    /// -x.
    Neg, |x| -x, |v| v.neg(), gather: false
);
unary_kernel!(
    /// |x|.
    Abs, |x| x.abs(), |v| v.abs(), gather: false
);
unary_kernel!(
    /// e^x; the vector form is the polynomial of `simd.rs`.
    Exp, |x| x.exp(), |v| v.exp(), gather: true
);
unary_kernel!(
    /// sqrt x, correctly rounded in both forms.
    Sqrt, |x| x.sqrt(), |v| v.sqrt(), gather: false
);
unary_kernel!(
    /// 1 / x, a true division in both forms.
    Recip, |x| T::ONE / x, |v| V::splat(V::Scalar::ONE) / v, gather: false
);
unary_kernel!(
    /// tanh x; the vector form is the polynomial of `simd.rs`.
    Tanh, |x| x.tanh(), |v| v.tanh(), gather: true
);
unary_kernel!(
    /// 1 / (1 + e^-x), computed without overflow; the vector form uses the polynomial e^x.
    Sigmoid, |x| x.sigmoid(), |v| v.sigmoid(), gather: true
);
unary_kernel!(
    /// max(x, 0); NaN stays NaN.
    Relu, |x| x.max_of(T::ZERO), |v| v.relu(), gather: false
);
unary_kernel!(
    /// x * x.
    Square, |x| x * x, |v| v * v, gather: false
);

/// ln x. No vector form: the scalar call is used everywhere.
pub(crate) struct Ln;

impl<T: Element> UnaryKernel<T> for Ln {
    #[inline]
    fn apply(&self, x: T) -> T {
        x.ln()
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
        Some(crate::opencl::elementwise::UnaryOp::Ln)
    }

    fn cost(&self) -> Cost {
        Cost::Costly
    }
}

/// x^p for a fixed exponent p. No vector form: the scalar call is used everywhere.
pub(crate) struct Powf<T>(pub T);

impl<T: Element> UnaryKernel<T> for Powf<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x.powf(self.0)
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
        Some(crate::opencl::elementwise::UnaryOp::Powf(self.0))
    }

    fn cost(&self) -> Cost {
        Cost::Costly
    }
}

/// min(max(x, lo), hi); NaN stays NaN.
pub(crate) struct Clamp<T> {
    pub(crate) lo: T,
    pub(crate) hi: T,
}

impl<T: Element> UnaryKernel<T> for Clamp<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x.max_of(self.lo).min_of(self.hi)
    }

    simd_unary_slices!();

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
        Some(crate::opencl::elementwise::UnaryOp::Clamp(self.lo, self.hi))
    }
}

impl<T: Element> VectorUnary for Clamp<T> {
    #[inline(always)]
    fn vector<V: Vector>(&self, x: V) -> V {
        x.max_of(splat_param(self.lo)).min_of(splat_param(self.hi))
    }
}

impl<T: Element> Tensor<T> {
    /// Returns -x for every element.
    pub fn neg(&self) -> Tensor<T> {
        unary_op(self, &Neg)
    }

    /// Returns |x| for every element.
    pub fn abs(&self) -> Tensor<T> {
        unary_op(self, &Abs)
    }

    /// Returns e^x for every element.
    pub fn exp(&self) -> Tensor<T> {
        unary_op(self, &Exp)
    }

    /// Returns the natural logarithm ln x for every element (NaN below 0, -inf at 0).
    pub fn ln(&self) -> Tensor<T> {
        unary_op(self, &Ln)
    }

    /// Returns sqrt x for every element (NaN below 0).
    pub fn sqrt(&self) -> Tensor<T> {
        unary_op(self, &Sqrt)
    }

    /// Returns 1 / x for every element (inf at 0).
    pub fn recip(&self) -> Tensor<T> {
        unary_op(self, &Recip)
    }

    /// Returns tanh x for every element.
    pub fn tanh(&self) -> Tensor<T> {
        unary_op(self, &Tanh)
    }

    /// Returns the logistic function 1 / (1 + e^-x) for every element. Large negative inputs
    /// give 0 and large positive ones give 1, without overflow.
    pub fn sigmoid(&self) -> Tensor<T> {
        unary_op(self, &Sigmoid)
    }

    /// Returns max(x, 0) for every element; NaN stays NaN.
    pub fn relu(&self) -> Tensor<T> {
        unary_op(self, &Relu)
    }

    /// Returns x * x for every element.
    pub fn square(&self) -> Tensor<T> {
        unary_op(self, &Square)
    }

    /// Returns x^exponent for every element, with the rules of `f64::powf` (a negative base
    /// with a non-integer exponent gives NaN).
    pub fn powf(&self, exponent: T) -> Tensor<T> {
        unary_op(self, &Powf(exponent))
    }

    /// Returns `f(x)` for every element, as a contiguous tensor of the same shape. `f` may run
    /// on several threads at once for large tensors, so it must be `Sync + Send`.
    pub fn map(&self, f: impl Fn(T) -> T + Sync + Send) -> Tensor<T> {
        unary_op(self, &FnUnary(f))
    }

    /// Limits every element to the range `min..=max`: values below `min` become `min` and
    /// values above `max` become `max`. NaN elements stay NaN.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when `min > max` or either bound is NaN.
    pub fn clamp(&self, min: T, max: T) -> Result<Tensor<T>> {
        if min.is_nan() || max.is_nan() || min > max {
            return Err(TensorError::invalid(
                "clamp",
                format!("min {min} must not be greater than max {max}, and neither may be NaN"),
            ));
        }
        Ok(unary_op(self, &Clamp { lo: min, hi: max }))
    }
}
