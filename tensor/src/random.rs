//! Random tensors from a caller-supplied, seeded generator, so that every run can be repeated.
//!
//! ```
//! use rand::SeedableRng;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(42);
//! let w = tensor::Tensor::<f32>::rand_normal(&[3, 4], 0.0, 0.1, &mut rng).unwrap();
//! assert_eq!(w.shape(), &[3, 4]);
//! ```

use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

use crate::shape::num_elements;
use crate::{Element, Result, Tensor, TensorError};

impl<T: Element> Tensor<T> {
    /// Draws every element independently from the uniform distribution on `[low, high)`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] unless `low < high` and both are finite.
    pub fn rand_uniform<R: Rng + ?Sized>(
        shape: &[usize],
        low: T,
        high: T,
        rng: &mut R,
    ) -> Result<Self> {
        // `partial_cmp` also rejects NaN bounds, which compare as unordered.
        if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less)
            || !low.is_finite()
            || !high.is_finite()
        {
            return Err(TensorError::invalid(
                "rand_uniform",
                format!("bounds must be finite with low < high, got [{low}, {high})"),
            ));
        }
        let dist = Uniform::new(low.to_f64(), high.to_f64());
        let data = (0..num_elements(shape))
            .map(|_| T::from_f64(dist.sample(rng)))
            .collect();
        Tensor::from_vec(data, shape)
    }

    /// Draws every element independently from the normal distribution N(mean, std^2).
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for a negative or non-finite standard deviation.
    pub fn rand_normal<R: Rng + ?Sized>(
        shape: &[usize],
        mean: T,
        std: T,
        rng: &mut R,
    ) -> Result<Self> {
        // Checked here because `Normal::new` accepts a negative deviation (it mirrors the curve).
        if std < T::ZERO || !std.is_finite() || !mean.is_finite() {
            return Err(TensorError::invalid(
                "rand_normal",
                format!("mean must be finite and the standard deviation finite and >= 0, got mean {mean}, std {std}"),
            ));
        }
        let dist = Normal::new(mean.to_f64(), std.to_f64())
            .map_err(|e| TensorError::invalid("rand_normal", e.to_string()))?;
        let data = (0..num_elements(shape))
            .map(|_| T::from_f64(dist.sample(rng)))
            .collect();
        Tensor::from_vec(data, shape)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use crate::Tensor;

    #[test]
    fn same_seed_same_values() {
        let a =
            Tensor::<f32>::rand_normal(&[10], 0.0, 1.0, &mut rand::rngs::StdRng::seed_from_u64(7))
                .unwrap();
        let b =
            Tensor::<f32>::rand_normal(&[10], 0.0, 1.0, &mut rand::rngs::StdRng::seed_from_u64(7))
                .unwrap();
        assert_eq!(a.to_vec(), b.to_vec());
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let t = Tensor::<f64>::rand_uniform(&[1000], -2.0, 3.0, &mut rng).unwrap();
        assert!(t.iter().all(|v| (-2.0..3.0).contains(&v)));
        assert!(Tensor::<f64>::rand_uniform(&[1], 1.0, 1.0, &mut rng).is_err());
        assert!(Tensor::<f64>::rand_normal(&[1], 0.0, -1.0, &mut rng).is_err());
    }
}
