//! Shape arithmetic: element counts, contiguous strides, axis normalisation and the NumPy
//! broadcasting rule.
//!
//! Broadcasting aligns two shapes at their last dimension. Walking from the right, two sizes are
//! compatible when they are equal or when one of them is 1; a missing dimension counts as 1. The
//! result takes the larger size in each position:
//!
//! ```text
//!   [8, 1, 6, 1]
//!      [7, 1, 5]
//!   ------------
//!   [8, 7, 6, 5]
//! ```

use crate::{Result, TensorError};

/// Returns the number of elements of a shape: the product of its sizes, 1 for a scalar.
pub fn num_elements(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Returns the row-major (C order) strides of a shape, in elements.
///
/// The last axis has stride 1 and each earlier axis steps over the whole of the axes after it:
/// shape `[2, 3, 4]` has strides `[12, 4, 1]`.
pub fn contiguous_strides(shape: &[usize]) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut step = 1isize;
    for (stride, &size) in strides.iter_mut().zip(shape).rev() {
        *stride = step;
        step *= size.max(1) as isize;
    }
    strides
}

/// Turns a possibly negative axis into an index in `0..rank` (`-1` is the last axis).
///
/// # Errors
/// [`TensorError::InvalidAxis`] when `axis` is outside `-rank..rank`.
pub fn normalize_axis(op: &'static str, axis: isize, rank: usize) -> Result<usize> {
    let resolved = if axis < 0 { axis + rank as isize } else { axis };
    if resolved < 0 || resolved >= rank as isize {
        return Err(TensorError::InvalidAxis { op, axis, rank });
    }
    Ok(resolved as usize)
}

/// Normalises a list of axes, sorted ascending; an empty list means every axis.
///
/// # Errors
/// [`TensorError::InvalidAxis`] for an axis out of range and [`TensorError::RepeatedAxis`] when
/// one appears twice.
pub fn normalize_axes(op: &'static str, axes: &[isize], rank: usize) -> Result<Vec<usize>> {
    if axes.is_empty() {
        return Ok((0..rank).collect());
    }
    let mut resolved = Vec::with_capacity(axes.len());
    for &axis in axes {
        let a = normalize_axis(op, axis, rank)?;
        if resolved.contains(&a) {
            return Err(TensorError::RepeatedAxis {
                op,
                axis: a,
                axes: axes.to_vec(),
            });
        }
        resolved.push(a);
    }
    resolved.sort_unstable();
    Ok(resolved)
}

/// Returns the shape that two shapes broadcast to.
///
/// # Errors
/// [`TensorError::ShapeMismatch`] when a pair of sizes differs and neither is 1.
pub fn broadcast_shapes(op: &'static str, lhs: &[usize], rhs: &[usize]) -> Result<Vec<usize>> {
    let rank = lhs.len().max(rhs.len());
    let mut out = vec![0; rank];
    for i in 0..rank {
        let l = if i < rank - lhs.len() {
            1
        } else {
            lhs[i - (rank - lhs.len())]
        };
        let r = if i < rank - rhs.len() {
            1
        } else {
            rhs[i - (rank - rhs.len())]
        };
        out[i] = match (l, r) {
            (a, b) if a == b => a,
            (1, b) => b,
            (a, 1) => a,
            _ => {
                return Err(TensorError::ShapeMismatch {
                    op,
                    lhs: lhs.to_vec(),
                    rhs: rhs.to_vec(),
                    hint: "sizes must match or be 1 in each dimension, aligned from the right",
                })
            }
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_strides_row_major() {
        assert_eq!(contiguous_strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(contiguous_strides(&[]), Vec::<isize>::new());
        assert_eq!(contiguous_strides(&[5]), vec![1]);
    }

    #[test]
    fn broadcast_numpy_example() {
        let shape = broadcast_shapes("test", &[8, 1, 6, 1], &[7, 1, 5]).unwrap();
        assert_eq!(shape, vec![8, 7, 6, 5]);
    }

    #[test]
    fn broadcast_rejects_mismatch() {
        let err = broadcast_shapes("add", &[2, 3], &[4]).unwrap_err();
        assert!(err.to_string().contains("[2, 3]"));
    }

    #[test]
    fn broadcast_zero_size() {
        assert_eq!(broadcast_shapes("t", &[0, 1], &[1, 3]).unwrap(), vec![0, 3]);
    }

    #[test]
    fn normalize_negative_axis() {
        assert_eq!(normalize_axis("t", -1, 3).unwrap(), 2);
        assert!(normalize_axis("t", 3, 3).is_err());
        assert!(normalize_axis("t", -4, 3).is_err());
        assert!(normalize_axes("t", &[0, -3], 3).is_err());
    }
}
