//! Literal tensors in code: `tensor!([[1.0, 2.0], [3.0, 4.0]])` builds a 2 x 2 tensor.
//!
//! Nested arrays of any depth implement [`Literal`], which reports their shape and flattens
//! them in row-major order. The [`tensor!`](crate::tensor!) macro calls [`Tensor::from_literal`].

use crate::{Element, Tensor};

/// A scalar or a (nested) fixed-size array of scalars.
pub trait Literal<T: Element> {
    /// Appends the sizes of this literal's axes to `shape`.
    fn push_shape(&self, shape: &mut Vec<usize>);
    /// Appends the values in row-major order to `out`.
    fn flatten_into(&self, out: &mut Vec<T>);
}

impl<T: Element> Literal<T> for T {
    fn push_shape(&self, _shape: &mut Vec<usize>) {}
    fn flatten_into(&self, out: &mut Vec<T>) {
        out.push(*self);
    }
}

impl<T: Element, L: Literal<T>, const N: usize> Literal<T> for [L; N] {
    fn push_shape(&self, shape: &mut Vec<usize>) {
        shape.push(N);
        if let Some(first) = self.first() {
            first.push_shape(shape);
        }
    }
    fn flatten_into(&self, out: &mut Vec<T>) {
        for item in self {
            item.flatten_into(out);
        }
    }
}

impl<T: Element> Tensor<T> {
    /// Builds a tensor from a scalar or a nested array such as `[[1.0, 2.0], [3.0, 4.0]]`.
    ///
    /// An array with a zero-length axis has no element to look inside, so its inner sizes
    /// are unknown: `[[0.0f32; 3]; 0]` becomes shape `[0]`.
    pub fn from_literal(literal: impl Literal<T>) -> Tensor<T> {
        let mut shape = Vec::new();
        literal.push_shape(&mut shape);
        let mut data = Vec::new();
        literal.flatten_into(&mut data);
        Tensor::from_parts_unchecked(data, &shape)
    }
}

/// Builds a tensor from a literal: `tensor!(1.0)`, `tensor!([1.0, 2.0])`,
/// `tensor!([[1.0, 2.0], [3.0, 4.0]])`. The element type comes from the values or the binding:
///
/// ```
/// use tensor::{tensor, Tensor};
/// let m: Tensor<f32> = tensor!([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// assert_eq!(m.shape(), &[2, 3]);
/// ```
#[macro_export]
macro_rules! tensor {
    ($literal:expr) => {
        $crate::Tensor::from_literal($literal)
    };
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn literal_shapes() {
        let s: Tensor<f64> = tensor!(2.5);
        assert_eq!(s.shape(), &[] as &[usize]);
        let c: Tensor<f32> = tensor!([[[1.0, 2.0]], [[3.0, 4.0]], [[5.0, 6.0]]]);
        assert_eq!(c.shape(), &[3, 1, 2]);
        assert_eq!(c.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }
}
