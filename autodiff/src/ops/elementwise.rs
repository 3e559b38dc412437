//! Elementwise operations of one variable, and arithmetic with a scalar.
//!
//! Each rule multiplies the output gradient `g` by the derivative of the scalar function at
//! each element. Rules keep the input `x` or the output `y`, whichever the derivative is
//! cheaper to write in.
//!
//! Conventions at points where the derivative is undefined:
//! - `relu` at 0 and `abs` at 0 have derivative 0 (the subgradient PyTorch also picks).
//! - `sqrt` at 0 has derivative +infinity, so an element with `x = 0` gets `g * inf`; where
//!   `g = 0` it gets 0 instead of NaN. Elements never mix here, so an infinity stays in its own
//!   element. (Use `l2_normalize`'s `eps`, or add a small constant, to keep gradients finite.)
//! - `clamp(min, max)` passes the gradient for `min <= x <= max` (boundaries included) and
//!   gives 0 outside the range.

use tensor::ops::derivative::Derivative;
use tensor::Element;

use super::record_unary;
use crate::{Result, Var};

impl<T: Element> Var<T> {
    /// Returns `-x`.
    pub fn neg(&self) -> Result<Var<T>> {
        // d(-x)/dx = -1
        record_unary("neg", self, self.value().neg(), |g| Ok(g.neg()))
    }

    /// Returns `e^x`.
    pub fn exp(&self) -> Result<Var<T>> {
        let y = self.value().exp();
        let saved = y.clone();
        // d(e^x)/dx = e^x = y
        record_unary("exp", self, y, move |g| Ok(g.mul(&saved)?))
    }

    /// Returns the natural logarithm `ln x`.
    pub fn ln(&self) -> Result<Var<T>> {
        let x = self.value().clone();
        // d(ln x)/dx = 1 / x
        record_unary("ln", self, x.ln(), move |g| Ok(g.div(&x)?))
    }

    /// Returns `sqrt(x)`. At `x = 0` the derivative is +infinity, so that element's gradient is
    /// `g * inf`, or 0 where the upstream gradient `g` is 0 (never NaN). Other elements are not
    /// affected.
    pub fn sqrt(&self) -> Result<Var<T>> {
        let y = self.value().sqrt();
        let saved = y.clone();
        // d(sqrt x)/dx = 1 / (2 sqrt x) = 1 / (2 y)
        record_unary("sqrt", self, y, move |g| {
            Ok(g.mul_derivative(Derivative::Sqrt, &saved)?)
        })
    }

    /// Returns `1 / x`.
    pub fn recip(&self) -> Result<Var<T>> {
        let y = self.value().recip();
        let saved = y.clone();
        // d(1/x)/dx = -1 / x^2 = -y^2
        record_unary("recip", self, y, move |g| {
            Ok(g.mul_derivative(Derivative::Recip, &saved)?)
        })
    }

    /// Returns `tanh(x)`.
    pub fn tanh(&self) -> Result<Var<T>> {
        let y = self.value().tanh();
        let saved = y.clone();
        // d(tanh x)/dx = 1 - tanh^2 x = 1 - y^2
        record_unary("tanh", self, y, move |g| {
            Ok(g.mul_derivative(Derivative::Tanh, &saved)?)
        })
    }

    /// Returns the logistic function `1 / (1 + e^-x)`.
    pub fn sigmoid(&self) -> Result<Var<T>> {
        let y = self.value().sigmoid();
        let saved = y.clone();
        // d(sigmoid x)/dx = y (1 - y)
        record_unary("sigmoid", self, y, move |g| {
            Ok(g.mul_derivative(Derivative::Sigmoid, &saved)?)
        })
    }

    /// Returns `max(x, 0)`. The gradient at `x = 0` is 0.
    pub fn relu(&self) -> Result<Var<T>> {
        let x = self.value().clone();
        // d(relu x)/dx = 1 for x > 0, else 0 (0 at the kink)
        record_unary("relu", self, x.relu(), move |g| {
            Ok(g.mul_derivative(Derivative::Relu, &x)?)
        })
    }

    /// Returns `|x|`. The gradient at `x = 0` is 0.
    pub fn abs(&self) -> Result<Var<T>> {
        let x = self.value().clone();
        // d|x|/dx = sign(x), with sign(0) = 0
        record_unary("abs", self, x.abs(), move |g| {
            Ok(g.mul_derivative(Derivative::Abs, &x)?)
        })
    }

    /// Returns `x^2`.
    pub fn square(&self) -> Result<Var<T>> {
        let x = self.value().clone();
        // d(x^2)/dx = 2x
        record_unary("square", self, x.square(), move |g| {
            Ok(g.mul_derivative(Derivative::Square, &x)?)
        })
    }

    /// Returns `x^exponent` for a constant exponent.
    pub fn powf(&self, exponent: T) -> Result<Var<T>> {
        let x = self.value().clone();
        // d(x^p)/dx = p x^(p-1)
        record_unary("powf", self, x.powf(exponent), move |g| {
            Ok(g.mul_derivative(Derivative::Powf(exponent), &x)?)
        })
    }

    /// Limits every element to `[min, max]`. The gradient is passed for `min <= x <= max` and
    /// is 0 outside.
    ///
    /// # Errors
    /// [`AutodiffError::Tensor`](crate::AutodiffError::Tensor) when `min > max`.
    pub fn clamp(&self, min: T, max: T) -> Result<Var<T>> {
        let x = self.value().clone();
        let y = x.clamp(min, max)?;
        // d clamp(x)/dx = 1 inside [min, max], 0 outside
        record_unary("clamp", self, y, move |g| {
            Ok(g.mul_derivative(Derivative::Clamp(min, max), &x)?)
        })
    }

    /// Returns `x + s`.
    pub fn add_scalar(&self, s: T) -> Result<Var<T>> {
        // d(x + s)/dx = 1
        record_unary("add_scalar", self, self.value().add_scalar(s), |g| {
            Ok(g.clone())
        })
    }

    /// Returns `x - s`.
    pub fn sub_scalar(&self, s: T) -> Result<Var<T>> {
        // d(x - s)/dx = 1
        record_unary("sub_scalar", self, self.value().sub_scalar(s), |g| {
            Ok(g.clone())
        })
    }

    /// Returns `s - x`.
    pub fn rsub_scalar(&self, s: T) -> Result<Var<T>> {
        // d(s - x)/dx = -1
        record_unary("rsub_scalar", self, self.value().rsub_scalar(s), |g| {
            Ok(g.neg())
        })
    }

    /// Returns `x * s`.
    pub fn mul_scalar(&self, s: T) -> Result<Var<T>> {
        // d(x s)/dx = s
        record_unary("mul_scalar", self, self.value().mul_scalar(s), move |g| {
            Ok(g.mul_scalar(s))
        })
    }

    /// Returns `x / s` (infinite or NaN elements for `s = 0`, as IEEE division gives).
    pub fn div_scalar(&self, s: T) -> Result<Var<T>> {
        // d(x / s)/dx = 1 / s
        record_unary("div_scalar", self, self.value().div_scalar(s), move |g| {
            Ok(g.div_scalar(s))
        })
    }
}
