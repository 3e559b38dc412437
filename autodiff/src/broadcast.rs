//! Sending a gradient back through a broadcast or a view: the one helper every backward rule
//! uses to give an input a gradient of its own shape.
//!
//! When `x` of shape `[3, 1]` is broadcast to `[2, 3, 4]`, each element of `x` is used 2 x 4
//! times, so its gradient is the sum of the 8 output gradients it fed. In general, a view maps
//! every output element to one storage position of its input, and the input's gradient at a
//! position is the sum of the output gradients of all elements that map there. Building the
//! view over a fresh zero tensor gives exactly that map.

use tensor::strided::for_each_run;
use tensor::{Element, Layout, Tensor};

use crate::{AutodiffError, Result};

/// Returns the gradient of a contiguous tensor of `base_shape`, given the gradient `grad` of
/// the view that `view` takes of it. Each element of `grad` is added at the position the view
/// reads, so positions read several times (broadcast axes) receive the sum.
///
/// # Errors
/// [`AutodiffError::Tensor`] when `view` fails, and [`AutodiffError::GradientShape`] when the
/// view's shape differs from `grad`'s.
pub(crate) fn scatter_view_grad<T: Element>(
    op: &'static str,
    base_shape: &[usize],
    view: impl FnOnce(&Tensor<T>) -> tensor::Result<Tensor<T>>,
    grad: &Tensor<T>,
) -> Result<Tensor<T>> {
    if !grad.is_on_host() {
        // view_scatter rejects views that select a position twice, so for the views that reach
        // here (narrow, slice, select) writing the gradient into zeros equals adding it.
        let zeros = Tensor::zeros_on(base_shape, &grad.device())?;
        return Ok(zeros.view_scatter(grad, view)?);
    }
    let mut base = Tensor::<T>::zeros(base_shape);
    let layout = view(&base)?.layout().clone();
    if layout.shape() != grad.shape() {
        return Err(AutodiffError::GradientShape {
            op,
            input: 0,
            expected: layout.shape().to_vec(),
            got: grad.shape().to_vec(),
        });
    }

    let grad = grad.contiguous();
    // Invariant: `contiguous()` returns a row-major tensor, which always has a slice.
    let values = grad.as_slice().expect("a contiguous tensor has a slice");
    // The view was dropped above, so `base` owns its storage and this does not copy. Because
    // `base` is contiguous from offset 0, the view's positions index this slice directly.
    let out = base.as_mut_slice();
    let mut next = 0;
    for_each_run(&layout, |start, len, step| {
        let mut position = start as isize;
        for &value in &values[next..next + len] {
            out[position as usize] += value;
            position += step;
        }
        next += len;
    });
    Ok(base)
}

/// Sums `grad` over the axes that broadcasting added or stretched, giving a tensor of `shape`.
///
/// `shape` must broadcast to `grad.shape()` (NumPy rule: align from the right, sizes equal or
/// 1). Returns `grad` itself when the shapes are already equal.
///
/// # Errors
/// [`AutodiffError::Tensor`] when `shape` does not broadcast to `grad`'s shape.
pub fn sum_to_shape<T: Element>(grad: &Tensor<T>, shape: &[usize]) -> Result<Tensor<T>> {
    if grad.shape() == shape {
        return Ok(grad.clone());
    }
    if !grad.is_on_host() {
        return sum_to_shape_by_reduction(grad, shape);
    }
    scatter_view_grad(
        "sum_to_shape",
        shape,
        |base| base.broadcast_to(grad.shape()),
        grad,
    )
}

/// [`sum_to_shape`] written with `sum` over the broadcast axes, for gradients on a device,
/// where `sum` runs as a kernel and the scatter of [`scatter_view_grad`] would download.
fn sum_to_shape_by_reduction<T: Element>(grad: &Tensor<T>, shape: &[usize]) -> Result<Tensor<T>> {
    // Only the check: broadcasting a layout allocates nothing.
    Layout::contiguous(shape).broadcast_to(grad.shape())?;

    // Axes that broadcasting added (the leading ones) or stretched from size 1.
    let added = grad.rank() - shape.len();
    let axes: Vec<isize> = (0..grad.rank())
        .filter(|&axis| axis < added || (shape[axis - added] == 1 && grad.shape()[axis] != 1))
        .map(|axis| axis as isize)
        .collect();
    if axes.is_empty() {
        // Only size-1 axes differ in placement, so the elements are already right.
        return Ok(grad.reshape_to(shape)?);
    }
    Ok(grad.sum(&axes, false)?.reshape_to(shape)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_to_shape_row_and_column() {
        // grad = [[1, 2, 3], [4, 5, 6]]
        let grad = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
        // Column sums: [1 + 4, 2 + 5, 3 + 6].
        assert_eq!(
            sum_to_shape(&grad, &[3]).unwrap().to_vec(),
            vec![5.0, 7.0, 9.0]
        );
        // Row sums kept as a column: [[1 + 2 + 3], [4 + 5 + 6]].
        let rows = sum_to_shape(&grad, &[2, 1]).unwrap();
        assert_eq!(rows.shape(), &[2, 1]);
        assert_eq!(rows.to_vec(), vec![6.0, 15.0]);
        // Everything into a scalar: 21.
        assert_eq!(sum_to_shape(&grad, &[]).unwrap().to_vec(), vec![21.0]);
        assert_eq!(sum_to_shape(&grad, &[1, 1]).unwrap().to_vec(), vec![21.0]);
    }

    #[test]
    fn sum_to_shape_by_reduction_matches_scatter() {
        let grad = Tensor::<f64>::from_vec((0..24).map(f64::from).collect(), &[2, 3, 4]).unwrap();
        for shape in [&[4][..], &[3, 1], &[1, 1, 4], &[2, 1, 1], &[], &[1, 3, 4]] {
            let reduced = sum_to_shape_by_reduction(&grad, shape).unwrap();
            let scattered = sum_to_shape(&grad, shape).unwrap();
            assert_eq!(reduced.shape(), scattered.shape(), "{shape:?}");
            assert_eq!(reduced.to_vec(), scattered.to_vec(), "{shape:?}");
        }
        assert!(sum_to_shape_by_reduction(&grad, &[3]).is_err());
    }

    #[test]
    fn sum_to_shape_rejects_incompatible() {
        let grad = Tensor::<f64>::zeros(&[2, 3]);
        assert!(sum_to_shape(&grad, &[2]).is_err());
    }

    #[test]
    fn scatter_view_grad_strided_view() {
        // Gradient of x[:, ::2] for x of shape [2, 4] puts the values in columns 0 and 2.
        let grad = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
        let out = scatter_view_grad("slice", &[2, 4], |b| b.slice(1, 0, 4, 2), &grad).unwrap();
        assert_eq!(out.to_vec(), vec![1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 4.0, 0.0]);
    }
}
