//! `std::ops` operators for variables, as the `tensor` crate has for tensors: `&a + &b`,
//! `&a * 2.0`, `-&a`. Every operator returns `Result<Var<T>>` like the methods it calls,
//! because shapes may not broadcast and a variable may be stale.

use std::ops::{Add, Div, Mul, Neg, Sub};

use tensor::Element;

use crate::{Result, Var};

/// Implements one operator for `&Var op &Var`, `&Var op Var`, `Var op &Var`, `Var op Var`
/// and `&Var op T` / `Var op T` (the scalar forms call the `*_scalar` methods).
macro_rules! var_operator {
    ($trait:ident, $method:ident, $scalar:ident) => {
        impl<T: Element> $trait<&Var<T>> for &Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: &Var<T>) -> Self::Output {
                Var::$method(self, rhs)
            }
        }
        impl<T: Element> $trait<Var<T>> for &Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: Var<T>) -> Self::Output {
                Var::$method(self, &rhs)
            }
        }
        impl<T: Element> $trait<&Var<T>> for Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: &Var<T>) -> Self::Output {
                Var::$method(&self, rhs)
            }
        }
        impl<T: Element> $trait<Var<T>> for Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: Var<T>) -> Self::Output {
                Var::$method(&self, &rhs)
            }
        }
        impl<T: Element> $trait<T> for &Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: T) -> Self::Output {
                Var::$scalar(self, rhs)
            }
        }
        impl<T: Element> $trait<T> for Var<T> {
            type Output = Result<Var<T>>;
            fn $method(self, rhs: T) -> Self::Output {
                Var::$scalar(&self, rhs)
            }
        }
    };
}

var_operator!(Add, add, add_scalar);
var_operator!(Sub, sub, sub_scalar);
var_operator!(Mul, mul, mul_scalar);
var_operator!(Div, div, div_scalar);

impl<T: Element> Neg for &Var<T> {
    type Output = Result<Var<T>>;
    fn neg(self) -> Self::Output {
        Var::neg(self)
    }
}

impl<T: Element> Neg for Var<T> {
    type Output = Result<Var<T>>;
    fn neg(self) -> Self::Output {
        Var::neg(&self)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tape;
    use tensor::Tensor;

    #[test]
    fn operators_match_methods() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(Tensor::from_vec(vec![1.0, 2.0], &[2]).unwrap());
        let b = tape.leaf(Tensor::from_vec(vec![4.0, 8.0], &[2]).unwrap());
        assert_eq!((&a + &b).unwrap().value().to_vec(), vec![5.0, 10.0]);
        assert_eq!((&b - &a).unwrap().value().to_vec(), vec![3.0, 6.0]);
        assert_eq!((&a * &b).unwrap().value().to_vec(), vec![4.0, 16.0]);
        assert_eq!((&b / &a).unwrap().value().to_vec(), vec![4.0, 4.0]);
        assert_eq!((&a * 3.0).unwrap().value().to_vec(), vec![3.0, 6.0]);
        assert_eq!((-&a).unwrap().value().to_vec(), vec![-1.0, -2.0]);
        // y = sum(a * b + a): dy/da = b + 1.
        let y = ((&a * &b).unwrap() + a.clone())
            .unwrap()
            .sum(&[], false)
            .unwrap();
        let grads = tape.backward(&y).unwrap();
        assert_eq!(grads.get(&a).unwrap().to_vec(), vec![5.0, 9.0]);
    }
}
