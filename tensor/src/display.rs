//! `Debug` and `Display` for tensors.
// NOTE: a minimal placeholder; the NumPy-style printer replaces it.

use std::fmt;

use crate::{Element, Tensor};

impl<T: Element> fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Tensor<{}>{:?} {:?}",
            T::DTYPE,
            self.shape(),
            self.to_vec()
        )
    }
}
