//! Passing layouts to kernels: the `long16` encoding that `kernels/strided.cl` decodes, and
//! the merging of axes that keeps most views within its six axes.

use ocl::prm::Long16;

/// The maximum number of axes of a layout passed to a kernel. Views with more axes (after
/// [`coalesce`]) run on the host.
pub(crate) const MAX_RANK: usize = 6;

/// Encodes a view as the kernel's `long16`: rank, offset, six sizes, six strides. Returns
/// `None` for more than [`MAX_RANK`] axes.
pub(crate) fn encode(shape: &[usize], strides: &[isize], offset: usize) -> Option<Long16> {
    if shape.len() > MAX_RANK {
        return None;
    }
    let mut v = [0i64; 16];
    v[0] = shape.len() as i64;
    v[1] = offset as i64;
    for (axis, (&size, &stride)) in shape.iter().zip(strides).enumerate() {
        v[2 + axis] = size as i64;
        v[8 + axis] = stride as i64;
    }
    Some(Long16::from(v))
}

/// Merges the axes that every one of several views of one shape can walk as one, and drops
/// axes of size 1. Returns the merged shape and each view's strides over it; offsets do not
/// change.
///
/// Axis `a + 1` merges into axis `a` when, for every view, one step along `a` equals
/// `shape[a + 1]` steps along `a + 1`.
pub(crate) fn coalesce<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
) -> (Vec<usize>, [Vec<isize>; N]) {
    let mut merged: Vec<usize> = Vec::with_capacity(shape.len());
    let mut out: [Vec<isize>; N] = std::array::from_fn(|_| Vec::new());
    for (axis, &size) in shape.iter().enumerate() {
        if size == 1 {
            continue;
        }
        let can_merge = !merged.is_empty()
            && (0..N).all(|k| out[k].last() == Some(&(strides[k][axis] * size as isize)));
        if can_merge {
            *merged.last_mut().expect("merged is non-empty") *= size;
            for k in 0..N {
                *out[k].last_mut().expect("merged is non-empty") = strides[k][axis];
            }
        } else {
            merged.push(size);
            for k in 0..N {
                out[k].push(strides[k][axis]);
            }
        }
    }
    (merged, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesce_merges_contiguous_axes() {
        let (shape, [a, b]) = coalesce(&[2, 3, 4], [&[12, 4, 1], &[0, 0, 1]]);
        assert_eq!(shape, vec![6, 4]);
        assert_eq!(a, vec![4, 1]);
        assert_eq!(b, vec![0, 1]);
    }

    #[test]
    fn coalesce_drops_unit_axes() {
        let (shape, [a]) = coalesce(&[1, 5, 1], [&[7, -1, 3]]);
        assert_eq!(shape, vec![5]);
        assert_eq!(a, vec![-1]);
    }

    #[test]
    fn encode_rejects_deep_layouts() {
        assert!(encode(&[1; 7], &[1; 7], 0).is_none());
        let v: [i64; 16] = encode(&[2, 3], &[3, -1], 5).unwrap().into();
        assert_eq!(&v[..4], &[2, 5, 2, 3]);
        assert_eq!(&v[8..10], &[3, -1]);
    }
}
