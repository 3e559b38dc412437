//! Elementwise functions of one tensor: `neg abs exp ln sqrt recip tanh sigmoid relu square`,
//! `powf`, `clamp` and the general [`Tensor::map`].
//!
//! Every function returns a new contiguous tensor with the input's shape, and accepts any
//! layout: contiguous, transposed, sliced with a step, flipped or broadcast. The driver
//! `unary_op` walks the input as runs of its innermost axis (see `walk.rs`), hands contiguous
//! runs to the kernel's slice method (SIMD for `f32` and `f64` where `simd.rs` has a kernel) and
//! calls the scalar function on strided runs.

use super::kernel::{FnUnary, UnaryKernel};
use super::parallel::fill_chunks;
use super::walk::ZipPlan;
use crate::{Element, Result, Tensor, TensorError};

/// Applies `kernel` to every element of `x` and returns the results as a contiguous tensor of
/// the same shape.
pub(crate) fn unary_op<T: Element>(x: &Tensor<T>, kernel: &impl UnaryKernel<T>) -> Tensor<T> {
    let mut out = vec![T::ZERO; x.num_elements()];
    let plan = ZipPlan::new([x.layout()]);
    let [step] = plan.run_steps();
    let src = x.storage();

    fill_chunks(&mut out, |first, chunk| {
        plan.for_segments(first, first + chunk.len(), |at, [start], len| {
            let dst = &mut chunk[at - first..at - first + len];
            match step {
                1 => kernel.apply_slice(&src[start..start + len], dst),
                0 => dst.fill(kernel.apply(src[start])),
                _ => {
                    let mut position = start as isize;
                    for d in dst {
                        *d = kernel.apply(src[position as usize]);
                        position += step;
                    }
                }
            }
        });
    });
    Tensor::from_parts_unchecked(out, x.shape())
}

/// Declares a unit struct implementing [`UnaryKernel`] with the given scalar body.
macro_rules! scalar_unary_kernel {
    ($(#[$doc:meta])* $name:ident, |$x:ident| $body:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl<T: Element> UnaryKernel<T> for $name {
            #[inline]
            fn apply(&self, $x: T) -> T {
                $body
            }
        }
    };
}

scalar_unary_kernel!(
    /// -x.
    Neg, |x| -x
);
scalar_unary_kernel!(
    /// |x|.
    Abs, |x| x.abs()
);
scalar_unary_kernel!(
    /// e^x.
    Exp, |x| x.exp()
);
scalar_unary_kernel!(
    /// ln x.
    Ln, |x| x.ln()
);
scalar_unary_kernel!(
    /// sqrt x.
    Sqrt, |x| x.sqrt()
);
scalar_unary_kernel!(
    /// 1 / x.
    Recip, |x| T::ONE / x
);
scalar_unary_kernel!(
    /// tanh x.
    Tanh, |x| x.tanh()
);
scalar_unary_kernel!(
    /// 1 / (1 + e^-x), computed without overflow.
    Sigmoid, |x| x.sigmoid()
);
scalar_unary_kernel!(
    /// max(x, 0); NaN stays NaN.
    Relu, |x| x.max_of(T::ZERO)
);
scalar_unary_kernel!(
    /// x * x.
    Square, |x| x * x
);

/// x^p for a fixed exponent p.
pub(crate) struct Powf<T>(pub T);

impl<T: Element> UnaryKernel<T> for Powf<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x.powf(self.0)
    }
}

/// min(max(x, lo), hi); NaN stays NaN.
pub(crate) struct Clamp<T> {
    lo: T,
    hi: T,
}

impl<T: Element> UnaryKernel<T> for Clamp<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x.max_of(self.lo).min_of(self.hi)
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
