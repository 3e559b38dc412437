//! `top_k_mask`: marks the `k` largest entries of each row along the last axis.
//!
//! Within a row, the element at column `j` comes before the element at column `i` when its
//! value is greater, or when the two values are equal and `j < i`, so ties keep the lower
//! column. NaN counts as greater than every number and equal to NaN, and `-0.0` equals
//! `0.0`. An element is in the mask when fewer than `k` elements of its row come before it.
//! The OpenCL kernel (`opencl/kernels/topk.cl`) counts those elements directly and gives the
//! same mask.

use std::cmp::Ordering;

use crate::ops::index::row_major;
use crate::{Element, Result, Tensor};

/// Compares two values of a row for the largest-first order, NaN first. Returns `Less` when
/// `a` comes before `b` by value alone.
fn descending<T: Element>(a: T, b: T) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => b.partial_cmp(&a).expect("neither value is NaN"),
    }
}

/// Writes the mask of one row into `out`. `order` is scratch space for the column indices.
fn mask_row<T: Element>(row: &[T], k: usize, order: &mut Vec<usize>, out: &mut [T]) {
    if k >= row.len() {
        out.fill(T::ONE);
        return;
    }
    out.fill(T::ZERO);
    if k == 0 {
        return;
    }
    order.clear();
    order.extend(0..row.len());
    // A stable sort keeps equal values in column order, which is the tie rule.
    order.sort_by(|&a, &b| descending(row[a], row[b]));
    for &column in &order[..k] {
        out[column] = T::ONE;
    }
}

impl<T: Element> Tensor<T> {
    /// Returns a tensor of the shape of `self` with 1 at the `k` largest entries of each row
    /// along the last axis and 0 elsewhere.
    ///
    /// Equal values keep the lower column first, and NaN counts as larger than every number
    /// (see the module doc). A `k` of at least the row length marks every entry and a `k` of 0
    /// marks none. A rank-0 tensor is one row of one element.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let scores: Tensor<f32> = tensor!([[0.1, 0.9, 0.5, 0.9], [f32::NAN, 2.0, 3.0, 1.0]]);
    /// let mask = scores.top_k_mask(2)?;
    /// // The tie of 0.9 fills both places; the NaN ranks first in its row.
    /// assert_eq!(mask.to_vec(), vec![0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// Only device failures ([`crate::TensorError::OpenCl`]) for a tensor on an OpenCL device.
    /// Every `k` is valid.
    pub fn top_k_mask(&self, k: usize) -> Result<Tensor<T>> {
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            return crate::opencl::dispatch::top_k_mask(self, k, |host| host.top_k_mask(k));
        }
        let data = row_major(self);
        let mut out = vec![T::ZERO; data.len()];
        if out.is_empty() {
            return Ok(Tensor::from_parts_unchecked(out, self.shape()));
        }

        // A rank-0 tensor has no last axis and counts as one row of one element.
        let row_len = self.shape().last().copied().unwrap_or(1);
        let mut order = Vec::with_capacity(row_len);
        for (row, out_row) in data
            .chunks_exact(row_len)
            .zip(out.chunks_exact_mut(row_len))
        {
            mask_row(row, k, &mut order, out_row);
        }
        Ok(Tensor::from_parts_unchecked(out, self.shape()))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{tensor, Tensor};

    /// Computes the mask from its definition: element `i` is in the mask when fewer than `k`
    /// elements of its row are greater, or equal and at a lower column.
    fn reference(data: &[f64], shape: &[usize], k: usize) -> Vec<f64> {
        let row_len = shape.last().copied().unwrap_or(1);
        if data.is_empty() {
            return Vec::new();
        }
        let greater = |w: f64, v: f64| (w.is_nan() && !v.is_nan()) || w > v;
        let equal = |w: f64, v: f64| (w.is_nan() && v.is_nan()) || w == v;
        let mut out = Vec::with_capacity(data.len());
        for row in data.chunks(row_len) {
            for (i, &v) in row.iter().enumerate() {
                let before = row
                    .iter()
                    .enumerate()
                    .filter(|&(j, &w)| greater(w, v) || (equal(w, v) && j < i))
                    .count();
                out.push(if before < k { 1.0 } else { 0.0 });
            }
        }
        out
    }

    fn mask(t: &Tensor<f32>, k: usize) -> Vec<f32> {
        let out = t.top_k_mask(k).unwrap();
        assert_eq!(out.shape(), t.shape());
        out.to_vec()
    }

    #[test]
    fn ties_keep_lower_columns() {
        let t: Tensor<f32> = tensor!([[2.0, 5.0, 5.0, 5.0, 1.0]]);
        assert_eq!(mask(&t, 1), vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(mask(&t, 2), vec![0.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(mask(&t, 4), vec![1.0, 1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn signed_zeros_are_equal() {
        let t: Tensor<f32> = tensor!([-0.0, 0.0, -1.0]);
        assert_eq!(mask(&t, 1), vec![1.0, 0.0, 0.0]);
    }

    #[test]
    fn nan_ranks_above_every_number() {
        let t: Tensor<f32> = tensor!([[1.0, f32::NAN, f32::INFINITY, f32::NAN, 3.0]]);
        assert_eq!(mask(&t, 1), vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(mask(&t, 2), vec![0.0, 1.0, 0.0, 1.0, 0.0]);
        assert_eq!(mask(&t, 3), vec![0.0, 1.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn each_row_is_ranked_alone() {
        let t: Tensor<f32> = tensor!([[3.0, 1.0, 2.0], [-1.0, -3.0, -2.0]]);
        assert_eq!(mask(&t, 2), vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn k_zero_and_k_past_row_length() {
        let t: Tensor<f32> = tensor!([[3.0, f32::NAN], [1.0, 2.0]]);
        assert_eq!(mask(&t, 0), vec![0.0; 4]);
        assert_eq!(mask(&t, 2), vec![1.0; 4]);
        assert_eq!(mask(&t, usize::MAX), vec![1.0; 4]);
    }

    #[test]
    fn rank_zero_is_one_element_row() {
        let t = Tensor::<f32>::scalar(-4.0);
        let out = t.top_k_mask(1).unwrap();
        assert_eq!(out.shape(), &[] as &[usize]);
        assert_eq!(out.to_vec(), vec![1.0]);
        assert_eq!(mask(&t, 0), vec![0.0]);
    }

    #[test]
    fn zero_sizes_give_empty_results() {
        for shape in [vec![0], vec![3, 0], vec![0, 4], vec![2, 0, 5]] {
            let out = Tensor::<f32>::zeros(&shape).top_k_mask(1).unwrap();
            assert_eq!(out.shape(), shape.as_slice());
            assert!(out.to_vec().is_empty());
        }
    }

    #[test]
    fn reads_transposed_and_flipped_views() {
        // The rows of the transpose are the columns [1, 3, 2] and [6, 4, 5].
        let t: Tensor<f32> = tensor!([[1.0, 6.0], [3.0, 4.0], [2.0, 5.0]]);
        let transposed = t.t().unwrap();
        assert_eq!(mask(&transposed, 1), vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        let flipped = transposed.flip(1).unwrap();
        assert_eq!(mask(&flipped, 2), vec![1.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn reads_broadcast_views() {
        let row: Tensor<f32> = tensor!([4.0, 4.0, 9.0]);
        let t = row.broadcast_to(&[2, 3]).unwrap();
        assert_eq!(mask(&t, 2), vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
    }

    /// Random values from a small set, so that ties are common, with some NaN.
    fn values() -> impl Strategy<Value = Vec<f64>> {
        let value = prop_oneof![
            6 => (-3i32..4).prop_map(f64::from),
            3 => -3.0f64..3.0,
            1 => Just(f64::NAN),
        ];
        prop::collection::vec(value, 1..64)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn mask_matches_counting_definition(
            shape in prop::collection::vec(0usize..7, 0..4),
            values in values(),
            k in 0usize..8,
            transpose in any::<bool>(),
        ) {
            let count: usize = shape.iter().product();
            let data: Vec<f64> = (0..count).map(|i| values[i % values.len()]).collect();
            let mut t = Tensor::<f64>::from_vec(data, &shape).unwrap();
            if transpose && shape.len() >= 2 {
                t = t.t().unwrap();
            }
            let want = reference(&t.to_vec(), t.shape(), k);
            let got = t.top_k_mask(k).unwrap();
            prop_assert_eq!(got.shape(), t.shape());
            prop_assert_eq!(got.to_vec(), want);
        }
    }
}
