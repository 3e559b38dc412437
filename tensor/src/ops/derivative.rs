//! Backward rules of the elementwise functions as one operation each:
//! [`Tensor::mul_derivative`] multiplies an upstream gradient by the derivative of a unary
//! function, computed from the value the rule saved (the input `x` or the output `y`).
//!
//! An automatic-differentiation library could write these with a closure over two tensors,
//! but a closure only runs on the host. Named rules also run as OpenCL kernels, so a backward
//! pass on a device does not copy to the host. PyTorch's ATen library has named operations
//! of this kind too, such as `tanh_backward`.

use super::binary::binary_op;
use super::kernel::BinaryKernel;
use crate::{Element, Result, Tensor};

/// The derivative of a unary function, for [`Tensor::mul_derivative`]. Each variant names the
/// value it is computed from: `x` (the function's input) or `y` (its output). `g` is the
/// upstream gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Derivative<T> {
    /// `sqrt`, from `y`: `g / (2 y)`, and 0 where `g = 0` (so `y = 0` never gives NaN).
    Sqrt,
    /// `1 / x`, from `y`: `-g y^2`.
    Recip,
    /// `tanh`, from `y`: `g (1 - y^2)`.
    Tanh,
    /// The logistic sigmoid, from `y`: `g y (1 - y)`.
    Sigmoid,
    /// `relu`, from `x`: `g` where `x > 0`, else 0 (0 at the kink).
    Relu,
    /// `|x|`, from `x`: `g sign(x)`, with `sign(0) = 0`.
    Abs,
    /// `x^2`, from `x`: `2 g x`.
    Square,
    /// `x^p`, from `x`: `g p x^(p - 1)`.
    Powf(T),
    /// `clamp(x, min, max)`, from `x`: `g` where `min <= x <= max`, else 0.
    Clamp(T, T),
}

impl<T: Element> Derivative<T> {
    /// `g` times the derivative at the saved value `v`.
    #[inline]
    fn apply(self, g: T, v: T) -> T {
        match self {
            Derivative::Sqrt => {
                if g == T::ZERO {
                    T::ZERO
                } else {
                    g / (v + v)
                }
            }
            Derivative::Recip => -(g * v * v),
            Derivative::Tanh => g * (T::ONE - v * v),
            Derivative::Sigmoid => g * v * (T::ONE - v),
            Derivative::Relu => {
                if v > T::ZERO {
                    g
                } else {
                    T::ZERO
                }
            }
            Derivative::Abs => {
                if v > T::ZERO {
                    g
                } else if v < T::ZERO {
                    -g
                } else {
                    T::ZERO
                }
            }
            Derivative::Square => g * (v + v),
            Derivative::Powf(p) => g * p * v.powf(p - T::ONE),
            Derivative::Clamp(min, max) => {
                if v >= min && v <= max {
                    g
                } else {
                    T::ZERO
                }
            }
        }
    }
}

/// A binary kernel of `(g, saved)` that applies one [`Derivative`].
struct DerivativeKernel<T>(Derivative<T>);

impl<T: Element> BinaryKernel<T> for DerivativeKernel<T> {
    #[inline]
    fn apply(&self, g: T, v: T) -> T {
        self.0.apply(g, v)
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
        Some(crate::opencl::elementwise::BinaryOp::Derivative(self.0))
    }
}

impl<T: Element> Tensor<T> {
    /// Multiplies the gradient `self` by the derivative `derivative` computed from `saved`,
    /// element by element with broadcasting: the backward rule of a unary function in one
    /// pass. Whether `saved` is the function's input or output is given by the variant.
    ///
    /// ```
    /// use tensor::ops::derivative::Derivative;
    /// use tensor::{tensor, Tensor};
    ///
    /// let y: Tensor<f32> = tensor!([0.0, 0.5]); // tanh outputs
    /// let g: Tensor<f32> = tensor!([2.0, 2.0]);
    /// // d tanh / dx = 1 - y^2
    /// assert_eq!(g.mul_derivative(Derivative::Tanh, &y)?.to_vec(), vec![2.0, 1.5]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast, and [`TensorError::DeviceMismatch`](crate::TensorError::DeviceMismatch) when
    /// the tensors are on different devices.
    pub fn mul_derivative(
        &self,
        derivative: Derivative<T>,
        saved: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        binary_op("mul_derivative", self, saved, &DerivativeKernel(derivative))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `d` to g = [2, 2, 2, 2] at `saved` and returns the values.
    fn rule(d: Derivative<f64>, saved: [f64; 4]) -> Vec<f64> {
        let g = Tensor::full(&[4], 2.0);
        let saved = Tensor::from_vec(saved.to_vec(), &[4]).unwrap();
        g.mul_derivative(d, &saved).unwrap().to_vec()
    }

    #[test]
    fn rules_match_hand_computed_derivatives() {
        // From outputs y = [0, 0.5, -0.5, 1]: tanh' = 1 - y^2, sigmoid' = y (1 - y).
        let y = [0.0, 0.5, -0.5, 1.0];
        assert_eq!(rule(Derivative::Tanh, y), vec![2.0, 1.5, 1.5, 0.0]);
        assert_eq!(rule(Derivative::Sigmoid, y), vec![0.0, 0.5, -1.5, 0.0]);
        // recip' = -y^2; sqrt' = 1 / (2 y), infinite at y = 0.
        assert_eq!(rule(Derivative::Recip, y), vec![-0.0, -0.5, -0.5, -2.0]);
        assert_eq!(
            rule(Derivative::Sqrt, [0.0, 0.5, 2.0, 1.0]),
            vec![f64::INFINITY, 2.0, 0.5, 1.0]
        );
        // From inputs x = [-1, 0, 0.25, 3].
        let x = [-1.0, 0.0, 0.25, 3.0];
        assert_eq!(rule(Derivative::Relu, x), vec![0.0, 0.0, 2.0, 2.0]);
        assert_eq!(rule(Derivative::Abs, x), vec![-2.0, 0.0, 2.0, 2.0]);
        assert_eq!(rule(Derivative::Square, x), vec![-4.0, 0.0, 1.0, 12.0]);
        // d x^3 = 3 x^2.
        assert_eq!(rule(Derivative::Powf(3.0), x), vec![6.0, 0.0, 0.375, 54.0]);
        // Boundaries of the clamp range pass the gradient.
        assert_eq!(
            rule(Derivative::Clamp(0.0, 0.25), x),
            vec![0.0, 2.0, 2.0, 0.0]
        );
    }

    #[test]
    fn sqrt_rule_zero_gradient() {
        let g = Tensor::from_vec(vec![0.0, 1.0], &[2]).unwrap();
        let y = Tensor::from_vec(vec![0.0, 0.0], &[2]).unwrap();
        let out = g.mul_derivative(Derivative::Sqrt, &y).unwrap().to_vec();
        assert_eq!(out, vec![0.0, f64::INFINITY]);
    }

    #[test]
    fn rules_broadcast_and_check_shapes() {
        let g = Tensor::<f32>::ones(&[2, 3]);
        let row = Tensor::from_vec(vec![-1.0, 0.0, 1.0], &[3]).unwrap();
        let out = g.mul_derivative(Derivative::Relu, &row).unwrap();
        assert_eq!(out.to_vec(), vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
        let bad = Tensor::<f32>::ones(&[4]);
        assert!(g.mul_derivative(Derivative::Tanh, &bad).is_err());
    }
}
