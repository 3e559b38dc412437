//! View operations on [`Tensor`]: each one builds a new [`Layout`](crate::Layout) over the same
//! storage and never copies, except [`Tensor::reshape`], which copies when no view exists (as
//! PyTorch's `reshape` does).

use crate::shape::num_elements;
use crate::{Element, Result, Tensor, TensorError};

/// Resolves one `-1` entry of a requested shape from the element count.
fn infer_shape(op: &'static str, count: usize, shape: &[isize]) -> Result<Vec<usize>> {
    let unknown: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] == -1).collect();
    if unknown.len() > 1 || shape.iter().any(|&s| s < -1) {
        return Err(TensorError::invalid(
            op,
            format!("shape {shape:?} may contain at most one -1 and no other negative size"),
        ));
    }
    let known: usize = shape
        .iter()
        .filter(|&&s| s >= 0)
        .map(|&s| s as usize)
        .product();
    let mut out: Vec<usize> = shape.iter().map(|&s| s.max(0) as usize).collect();
    if let Some(&i) = unknown.first() {
        if known == 0 || !count.is_multiple_of(known) {
            return Err(TensorError::invalid(
                op,
                format!("cannot infer the -1 in {shape:?} for {count} elements"),
            ));
        }
        out[i] = count / known;
    }
    if num_elements(&out) != count {
        return Err(TensorError::ElementCount {
            op,
            len: count,
            shape: out.clone(),
            expected: num_elements(&out),
        });
    }
    Ok(out)
}

impl<T: Element> Tensor<T> {
    /// Views the elements with a new shape; one entry may be `-1` to be inferred.
    ///
    /// # Errors
    /// [`TensorError::InvalidView`] when the strides make a copy unavoidable (use
    /// [`Tensor::reshape`]) and [`TensorError::ElementCount`] when the counts differ.
    pub fn view(&self, shape: &[isize]) -> Result<Tensor<T>> {
        let target = infer_shape("view", self.num_elements(), shape)?;
        Ok(self.with_layout(self.layout().view(&target)?))
    }

    /// Gives the elements a new shape: a view when possible, otherwise a contiguous copy. One
    /// entry may be `-1`.
    pub fn reshape(&self, shape: &[isize]) -> Result<Tensor<T>> {
        let target = infer_shape("reshape", self.num_elements(), shape)?;
        match self.layout().view(&target) {
            Ok(layout) => Ok(self.with_layout(layout)),
            Err(TensorError::InvalidView { .. }) => {
                let copy = self.contiguous();
                Ok(copy.with_layout(copy.layout().view(&target)?))
            }
            Err(other) => Err(other),
        }
    }

    /// Like [`Tensor::reshape`] with a `usize` shape.
    pub fn reshape_to(&self, shape: &[usize]) -> Result<Tensor<T>> {
        let signed: Vec<isize> = shape.iter().map(|&s| s as isize).collect();
        self.reshape(&signed)
    }

    /// Merges all axes into one (a view when possible).
    pub fn flatten(&self) -> Result<Tensor<T>> {
        self.reshape(&[-1])
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of `self`.
    pub fn permute(&self, order: &[usize]) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().permute(order)?))
    }

    /// Swaps two axes.
    pub fn transpose(&self, axis0: isize, axis1: isize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().transpose(axis0, axis1)?))
    }

    /// Swaps the last two axes (the matrix transpose, batched for rank above 2).
    ///
    /// # Errors
    /// [`TensorError::RankMismatch`] for rank below 2.
    pub fn t(&self) -> Result<Tensor<T>> {
        if self.rank() < 2 {
            return Err(TensorError::RankMismatch {
                op: "t",
                expected: "at least 2",
                shape: self.shape().to_vec(),
            });
        }
        self.transpose(-2, -1)
    }

    /// Keeps `len` elements of `axis` starting at `start`.
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().narrow(axis, start, len)?))
    }

    /// Keeps elements `start, start + step, ...` below `end` along `axis`; see
    /// [`Layout::slice`](crate::Layout::slice) for negative steps.
    pub fn slice(&self, axis: isize, start: usize, end: usize, step: isize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().slice(axis, start, end, step)?))
    }

    /// Reverses `axis` (a view with a negative stride).
    pub fn flip(&self, axis: isize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().flip(axis)?))
    }

    /// Fixes `axis` to one index, removing that axis.
    pub fn select(&self, axis: isize, index: usize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().select(axis, index)?))
    }

    /// Expands to `shape` by broadcasting (stride 0 on repeated axes).
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().broadcast_to(shape)?))
    }

    /// Another name for [`Tensor::broadcast_to`], as in PyTorch.
    pub fn expand(&self, shape: &[usize]) -> Result<Tensor<T>> {
        self.broadcast_to(shape)
    }

    /// Removes `axis`, which must have size 1.
    pub fn squeeze(&self, axis: isize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().squeeze(axis)?))
    }

    /// Removes every axis of size 1.
    pub fn squeeze_all(&self) -> Tensor<T> {
        self.with_layout(self.layout().squeeze_all())
    }

    /// Inserts an axis of size 1 at `axis`.
    pub fn unsqueeze(&self, axis: isize) -> Result<Tensor<T>> {
        Ok(self.with_layout(self.layout().unsqueeze(axis)?))
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn grid() -> Tensor<f64> {
        Tensor::arange(0.0, 12.0, 1.0)
            .unwrap()
            .reshape(&[3, 4])
            .unwrap()
    }

    #[test]
    fn views_share_storage() {
        let a = grid();
        for v in [
            a.t().unwrap(),
            a.narrow(1, 1, 2).unwrap(),
            a.select(0, 2).unwrap(),
            a.unsqueeze(0).unwrap(),
            a.view(&[2, 6]).unwrap(),
            a.flip(1).unwrap(),
            a.slice(1, 0, 4, 2).unwrap(),
            a.select(0, 0).unwrap().broadcast_to(&[5, 4]).unwrap(),
        ] {
            assert!(v.shares_storage(&a));
        }
    }

    #[test]
    fn reshape_copies_only_when_needed() {
        let a = grid();
        let t = a.t().unwrap();
        assert!(t.view(&[12]).is_err());
        let flat = t.reshape(&[-1]).unwrap();
        assert!(!flat.shares_storage(&a));
        assert_eq!(
            flat.to_vec(),
            vec![0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0]
        );
        assert!(a.reshape(&[4, -1]).unwrap().shares_storage(&a));
    }

    #[test]
    fn select_and_flip_values() {
        let a = grid();
        assert_eq!(a.select(1, 2).unwrap().to_vec(), vec![2.0, 6.0, 10.0]);
        assert_eq!(
            a.flip(0).unwrap().select(1, 0).unwrap().to_vec(),
            vec![8.0, 4.0, 0.0]
        );
    }
}
