//! [`Gradients`]: the result of a backward pass, keyed by variable id (and by key for
//! [`Tape::leaf_keyed`](crate::Tape::leaf_keyed) leaves).

use std::collections::HashMap;

use tensor::{Element, Tensor};

use crate::{Result, Var};

/// The gradients of one backward pass: one contiguous tensor per tracked leaf (and per
/// variable marked with [`Tape::retain_grad`](crate::Tape::retain_grad)), with the shape of
/// that variable.
#[derive(Clone, Debug)]
pub struct Gradients<T: Element = f32> {
    by_id: HashMap<u64, Tensor<T>>,
    id_by_key: HashMap<u64, u64>,
}

impl<T: Element> Default for Gradients<T> {
    fn default() -> Self {
        Gradients {
            by_id: HashMap::new(),
            id_by_key: HashMap::new(),
        }
    }
}

impl<T: Element> Gradients<T> {
    /// Stores the gradient of variable `id`, bound to `key` when it is a keyed leaf.
    pub(crate) fn insert(&mut self, id: u64, key: Option<u64>, grad: Tensor<T>) {
        if let Some(key) = key {
            self.id_by_key.insert(key, id);
        }
        self.by_id.insert(id, grad);
    }

    /// Returns the gradient of `var`, or `None` when the output does not depend on it or it is
    /// untracked.
    pub fn get(&self, var: &Var<T>) -> Option<&Tensor<T>> {
        self.by_id.get(&var.id())
    }

    /// Returns the gradient of the leaf created with `Tape::leaf_keyed(key, ..)`.
    pub fn get_key(&self, key: u64) -> Option<&Tensor<T>> {
        self.id_by_key.get(&key).and_then(|id| self.by_id.get(id))
    }

    /// Takes the gradient of `var` out of the store.
    pub fn remove(&mut self, var: &Var<T>) -> Option<Tensor<T>> {
        self.by_id.remove(&var.id())
    }

    /// Takes the gradient of the keyed leaf `key` out of the store.
    pub fn remove_key(&mut self, key: u64) -> Option<Tensor<T>> {
        let id = self.id_by_key.remove(&key)?;
        self.by_id.remove(&id)
    }

    /// Iterates over `(variable id, gradient)` pairs in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Tensor<T>)> {
        self.by_id.iter().map(|(&id, grad)| (id, grad))
    }

    /// Iterates over `(key, gradient)` pairs of the keyed leaves in no particular order.
    pub fn iter_keyed(&self) -> impl Iterator<Item = (u64, &Tensor<T>)> {
        self.id_by_key
            .iter()
            .filter_map(|(&key, id)| self.by_id.get(id).map(|grad| (key, grad)))
    }

    /// Returns the number of stored gradients.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Returns true when no gradient is stored.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// Adds `grad` into `slot`: stores it when the slot is empty, otherwise sums elementwise. The
/// shapes are equal (the backward pass checks them before calling), and so are the devices.
///
/// # Errors
/// [`crate::AutodiffError::Tensor`] when the sum on a device fails.
pub(crate) fn accumulate<T: Element>(slot: &mut Option<Tensor<T>>, grad: Tensor<T>) -> Result<()> {
    let Some(sum) = slot.as_mut() else {
        *slot = Some(grad);
        return Ok(());
    };
    if !sum.is_on_host() {
        // On a device the sum runs as a kernel; the host loop below would download both.
        *sum = sum.add(&grad)?;
        return Ok(());
    }
    // `as_mut_slice` copies only when the stored tensor is shared or strided.
    let out = sum.as_mut_slice();
    match grad.as_slice() {
        Some(values) => {
            for (o, &v) in out.iter_mut().zip(values) {
                *o += v;
            }
        }
        None => {
            for (o, v) in out.iter_mut().zip(grad.iter()) {
                *o += v;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accumulate_sums_strided_views() {
        let a = Tensor::<f64>::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
        let mut slot = None;
        accumulate(&mut slot, a.clone()).unwrap();
        accumulate(&mut slot, a.t().unwrap()).unwrap();
        // [[1, 2], [3, 4]] + [[1, 3], [2, 4]]
        assert_eq!(slot.unwrap().to_vec(), vec![2.0, 5.0, 5.0, 8.0]);
        assert_eq!(a.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    }
}
