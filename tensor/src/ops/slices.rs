//! Elementwise functions on plain slices, for fused kernels outside this crate.
//!
//! A fused kernel (the recurrent layers of `nn`, for example) keeps its values in its own
//! buffers instead of tensors. These functions give it the same SIMD code that
//! [`Tensor::sigmoid`](crate::Tensor::sigmoid) and [`Tensor::tanh`](crate::Tensor::tanh) run on
//! a contiguous tensor, so both paths round alike. The accuracy of the vector forms is stated
//! in the module doc of the SIMD kernels: at most 2 ulp from the standard library for `f32`.

use super::kernel::UnaryKernel;
use super::simd::map_slice_inplace;
use super::unary::{Sigmoid, Tanh};
use crate::Element;

/// Replaces every value x of `data` with the logistic function 1 / (1 + e^-x), without
/// overflow for large |x|.
pub fn sigmoid_inplace<T: Element>(data: &mut [T]) {
    apply_inplace(&Sigmoid, data);
}

/// Replaces every value x of `data` with tanh x.
pub fn tanh_inplace<T: Element>(data: &mut [T]) {
    apply_inplace(&Tanh, data);
}

/// Runs the vector form of `kernel` over `data`, or its scalar form for element types without
/// one.
fn apply_inplace<T: Element, K: UnaryKernel<T> + super::simd::VectorUnary>(
    kernel: &K,
    data: &mut [T],
) {
    if !map_slice_inplace(kernel, data) {
        data.iter_mut().for_each(|v| *v = kernel.apply(*v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tensor;

    #[test]
    fn slice_functions_match_tensor_functions() {
        // Lengths around the 8 lanes of the f32 vectors, so the padded tail runs too.
        for len in [0, 1, 7, 8, 9, 33] {
            let values: Vec<f32> = (0..len).map(|i| (i as f32 - 15.0) * 0.37).collect();
            let tensor = Tensor::from_vec(values.clone(), &[len]).unwrap();

            let mut sigmoid = values.clone();
            sigmoid_inplace(&mut sigmoid);
            assert_eq!(sigmoid, tensor.sigmoid().to_vec(), "sigmoid, length {len}");

            let mut tanh = values.clone();
            tanh_inplace(&mut tanh);
            assert_eq!(tanh, tensor.tanh().to_vec(), "tanh, length {len}");
        }
    }

    #[test]
    fn slice_functions_are_close_to_exact() {
        let mut values: Vec<f64> = (-400..=400).map(|i| i as f64 * 0.05).collect();
        let exact_sigmoid: Vec<f64> = values.iter().map(|x| 1.0 / (1.0 + (-x).exp())).collect();
        let exact_tanh: Vec<f64> = values.iter().map(|x| x.tanh()).collect();
        let mut tanh = values.clone();
        sigmoid_inplace(&mut values);
        tanh_inplace(&mut tanh);
        for ((got, exact), (got_t, exact_t)) in values
            .iter()
            .zip(&exact_sigmoid)
            .zip(tanh.iter().zip(&exact_tanh))
        {
            assert!((got - exact).abs() < 1e-14, "sigmoid {got} vs {exact}");
            assert!((got_t - exact_t).abs() < 1e-14, "tanh {got_t} vs {exact_t}");
        }
    }
}
