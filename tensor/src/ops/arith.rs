//! The operators `+ - * /` and unary `-` for tensors.
//!
//! Binary operators broadcast like [`Tensor::add`] and can fail on incompatible shapes, so their
//! output is `Result<Tensor<T>>`: write `(&a + &b)?`. With a scalar on the right (`&a * 2.0`) the
//! operation cannot fail, but the output is still a `Result` so that every binary operator reads
//! the same way. Unary `-` cannot fail and returns a `Tensor`.
//!
//! Every combination of owned and borrowed operands is implemented; owned operands are only
//! borrowed, because results always go to fresh storage.
//!
//! ```
//! use tensor::{tensor, Tensor};
//!
//! let a: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
//! let b: Tensor<f32> = tensor!([10.0, 20.0]);
//! let c = (&a + &b)?; // b broadcasts over the rows of a
//! assert_eq!(c.to_vec(), vec![11.0, 22.0, 13.0, 24.0]);
//! assert_eq!((&a * 2.0)?.to_vec(), vec![2.0, 4.0, 6.0, 8.0]);
//! assert_eq!((-&a).to_vec(), vec![-1.0, -2.0, -3.0, -4.0]);
//! # Ok::<(), tensor::TensorError>(())
//! ```

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::binary::{self, binary_op};
use super::scalar::{AddScalar, DivScalar, MulScalar, SubScalar};
use super::unary::{self, unary_op};
use crate::{Element, Result, Tensor};

/// Implements one operator trait for the four tensor/tensor operand combinations and the two
/// tensor/scalar ones.
macro_rules! impl_operator {
    ($trait:ident, $method:ident, $name:literal, $kernel:expr, $scalar_kernel:ident) => {
        impl<T: Element> $trait<&Tensor<T>> for &Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: &Tensor<T>) -> Self::Output {
                binary_op($name, self, rhs, &$kernel)
            }
        }

        impl<T: Element> $trait<Tensor<T>> for &Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: Tensor<T>) -> Self::Output {
                binary_op($name, self, &rhs, &$kernel)
            }
        }

        impl<T: Element> $trait<&Tensor<T>> for Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: &Tensor<T>) -> Self::Output {
                binary_op($name, &self, rhs, &$kernel)
            }
        }

        impl<T: Element> $trait<Tensor<T>> for Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: Tensor<T>) -> Self::Output {
                binary_op($name, &self, &rhs, &$kernel)
            }
        }

        impl<T: Element> $trait<T> for &Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: T) -> Self::Output {
                Ok(unary_op(self, &$scalar_kernel(rhs)))
            }
        }

        impl<T: Element> $trait<T> for Tensor<T> {
            type Output = Result<Tensor<T>>;

            fn $method(self, rhs: T) -> Self::Output {
                Ok(unary_op(&self, &$scalar_kernel(rhs)))
            }
        }
    };
}

impl_operator!(Add, add, "add", binary::Add, AddScalar);
impl_operator!(Sub, sub, "sub", binary::Sub, SubScalar);
impl_operator!(Mul, mul, "mul", binary::Mul, MulScalar);
impl_operator!(Div, div, "div", binary::Div, DivScalar);

impl<T: Element> Neg for &Tensor<T> {
    type Output = Tensor<T>;

    fn neg(self) -> Tensor<T> {
        unary_op(self, &unary::Neg)
    }
}

impl<T: Element> Neg for Tensor<T> {
    type Output = Tensor<T>;

    fn neg(self) -> Tensor<T> {
        unary_op(&self, &unary::Neg)
    }
}
