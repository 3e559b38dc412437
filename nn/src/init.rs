//! Weight initialisers, all drawn from a caller-supplied seeded generator so runs repeat.
//!
//! Shapes follow PyTorch: a weight matrix is `[fan_out, fan_in]` (`[out_features, in_features]`
//! for `Linear`, `[gates * hidden_size, input_size]` for a recurrent cell). For rank above 2 the
//! trailing axes are a receptive field that multiplies both fans; a 1-D shape uses its length for
//! both.
//!
//! | initialiser | distribution | used for |
//! |---|---|---|
//! | [`glorot_uniform`] | U(-a, a), a = sqrt(6 / (fan_in + fan_out)) | input weights (Keras default) |
//! | [`he_normal`] | N(0, 2 / fan_in) | layers followed by ReLU |
//! | [`orthogonal`] | Q of the QR decomposition of a Gaussian matrix, times a gain | recurrent weights |
//! | [`Init::Zeros`] | 0 | biases |

use rand::Rng;
use tensor::{Element, Tensor};

use crate::{NnError, Result};

/// An initialiser, for configs that let the user choose one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Every element 0.
    Zeros,
    /// Every element the given value.
    Constant(f64),
    /// U(low, high).
    Uniform {
        /// Lower bound (included).
        low: f64,
        /// Upper bound (excluded).
        high: f64,
    },
    /// N(mean, std^2).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
    GlorotUniform,
    /// He (Kaiming) normal: N(0, 2 / fan_in).
    HeNormal,
    /// A (semi-)orthogonal matrix times `gain`.
    Orthogonal {
        /// Scale applied to the orthogonal matrix (1 keeps the norm of the vectors it maps).
        gain: f64,
    },
}

impl Init {
    /// Draws a tensor of `shape` from this initialiser.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for invalid bounds, a negative standard deviation, or an
    /// orthogonal initialiser on a shape of rank below 2.
    pub fn build<T: Element, R: Rng + ?Sized>(
        &self,
        shape: &[usize],
        rng: &mut R,
    ) -> Result<Tensor<T>> {
        match *self {
            Init::Zeros => Ok(Tensor::zeros(shape)),
            Init::Constant(value) => Ok(Tensor::full(shape, T::from_f64(value))),
            Init::Uniform { low, high } => Ok(Tensor::rand_uniform(
                shape,
                T::from_f64(low),
                T::from_f64(high),
                rng,
            )?),
            Init::Normal { mean, std } => Ok(Tensor::rand_normal(
                shape,
                T::from_f64(mean),
                T::from_f64(std),
                rng,
            )?),
            Init::GlorotUniform => glorot_uniform(shape, rng),
            Init::HeNormal => he_normal(shape, rng),
            Init::Orthogonal { gain } => orthogonal(shape, gain, rng),
        }
    }
}

/// Returns `(fan_in, fan_out)` of a PyTorch-layout weight shape (see the module doc).
pub fn fans(shape: &[usize]) -> (usize, usize) {
    match shape.len() {
        0 => (1, 1),
        1 => (shape[0], shape[0]),
        _ => {
            let receptive: usize = shape[2..].iter().product();
            (shape[1] * receptive, shape[0] * receptive)
        }
    }
}

/// Draws from U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio, 2010), which
/// keeps the activation variance roughly constant through tanh and sigmoid layers.
///
/// # Errors
/// [`NnError::InvalidArgument`] when a fan is zero.
pub fn glorot_uniform<T: Element, R: Rng + ?Sized>(
    shape: &[usize],
    rng: &mut R,
) -> Result<Tensor<T>> {
    let (fan_in, fan_out) = fans(shape);
    if fan_in + fan_out == 0 {
        return Err(NnError::invalid(
            "glorot_uniform",
            format!("shape {shape:?} has zero fan-in and fan-out"),
        ));
    }
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
    Ok(Tensor::rand_uniform(
        shape,
        T::from_f64(-limit),
        T::from_f64(limit),
        rng,
    )?)
}

/// Draws from N(0, 2 / fan_in) (He et al., 2015), which keeps the activation variance roughly
/// constant through ReLU layers.
///
/// # Errors
/// [`NnError::InvalidArgument`] when `fan_in` is zero.
pub fn he_normal<T: Element, R: Rng + ?Sized>(shape: &[usize], rng: &mut R) -> Result<Tensor<T>> {
    let (fan_in, _) = fans(shape);
    if fan_in == 0 {
        return Err(NnError::invalid(
            "he_normal",
            format!("shape {shape:?} has zero fan-in"),
        ));
    }
    let std = (2.0 / fan_in as f64).sqrt();
    Ok(Tensor::rand_normal(shape, T::ZERO, T::from_f64(std), rng)?)
}

/// Draws a (semi-)orthogonal matrix times `gain` (Saxe et al., 2014), as Keras does for
/// recurrent kernels.
///
/// The shape is flattened to `[rows, cols]` with `rows = shape[0]`. A Gaussian matrix of the
/// taller orientation is orthonormalised by modified Gram-Schmidt, which equals the Q factor of
/// its QR decomposition with a positive diagonal in R, so the result is uniformly distributed
/// over orthogonal matrices. When `rows >= cols` the columns are orthonormal, otherwise the rows.
///
/// # Errors
/// [`NnError::InvalidArgument`] for a rank below 2, a zero-sized shape or a non-finite gain.
pub fn orthogonal<T: Element, R: Rng + ?Sized>(
    shape: &[usize],
    gain: f64,
    rng: &mut R,
) -> Result<Tensor<T>> {
    let rows = shape.first().copied().unwrap_or(0);
    let cols: usize = shape.iter().skip(1).product();
    if shape.len() < 2 || rows == 0 || cols == 0 || !gain.is_finite() {
        return Err(NnError::invalid(
            "orthogonal",
            format!("needs a non-empty shape of rank >= 2 and a finite gain, got shape {shape:?} and gain {gain}"),
        ));
    }

    // Work on `tall` [long, short] stored column by column, so each column is one slice.
    let (long, short) = (rows.max(cols), rows.min(cols));
    let gaussian = Tensor::<f64>::rand_normal(&[short, long], 0.0, 1.0, rng)?.to_vec();
    let mut columns: Vec<Vec<f64>> = gaussian.chunks(long).map(<[f64]>::to_vec).collect();
    gram_schmidt(&mut columns)?;

    // Element [r, c] of the result: column c of Q when rows are long, row r otherwise.
    let mut data = Vec::with_capacity(rows * cols);
    if rows >= cols {
        for r in 0..rows {
            data.extend(columns.iter().map(|column| T::from_f64(gain * column[r])));
        }
    } else {
        for row in &columns {
            data.extend(row.iter().map(|&q| T::from_f64(gain * q)));
        }
    }
    Ok(Tensor::from_vec(data, shape)?)
}

/// Orthonormalises the vectors in place by modified Gram-Schmidt.
fn gram_schmidt(columns: &mut [Vec<f64>]) -> Result<()> {
    for j in 0..columns.len() {
        let (done, rest) = columns.split_at_mut(j);
        let column = &mut rest[0];
        for basis in done.iter() {
            let projection: f64 = basis.iter().zip(column.iter()).map(|(a, b)| a * b).sum();
            for (x, b) in column.iter_mut().zip(basis) {
                *x -= projection * b;
            }
        }
        let norm = column.iter().map(|x| x * x).sum::<f64>().sqrt();
        // A Gaussian draw is rank-deficient with probability 0; a zero norm means a broken source.
        if norm < 1e-12 {
            return Err(NnError::invalid(
                "orthogonal",
                "the random matrix was rank-deficient; draw again with another seed",
            ));
        }
        column.iter_mut().for_each(|x| *x /= norm);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    /// Returns the Gram matrix entry <a, b> of two row-major rows or columns.
    fn dot(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn orthogonal_tall_has_orthonormal_columns() {
        let mut rng = StdRng::seed_from_u64(3);
        let q: Tensor<f64> = orthogonal(&[8, 3], 1.0, &mut rng).unwrap();
        let qt = q.t().unwrap().contiguous().to_vec();
        let cols: Vec<&[f64]> = qt.chunks(8).collect();
        for i in 0..3 {
            for j in 0..3 {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot(cols[i], cols[j]) - expected).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn orthogonal_wide_has_orthonormal_rows_times_gain() {
        let mut rng = StdRng::seed_from_u64(4);
        let q: Tensor<f64> = orthogonal(&[3, 5], 2.0, &mut rng).unwrap();
        let data = q.to_vec();
        let rows: Vec<&[f64]> = data.chunks(5).collect();
        for i in 0..3 {
            for j in 0..3 {
                let expected = if i == j { 4.0 } else { 0.0 };
                assert!((dot(rows[i], rows[j]) - expected).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn orthogonal_rejects_vectors() {
        let mut rng = StdRng::seed_from_u64(0);
        assert!(orthogonal::<f32, _>(&[4], 1.0, &mut rng).is_err());
        assert!(orthogonal::<f32, _>(&[0, 4], 1.0, &mut rng).is_err());
    }

    #[test]
    fn glorot_uniform_respects_limit() {
        let mut rng = StdRng::seed_from_u64(1);
        let w: Tensor<f64> = glorot_uniform(&[40, 20], &mut rng).unwrap();
        // a = sqrt(6 / 60) = 0.316...
        let limit = 0.1f64.sqrt();
        assert!(w.iter().all(|v| v.abs() < limit));
        assert!(w.iter().any(|v| v.abs() > 0.9 * limit));
    }

    #[test]
    fn he_normal_has_expected_variance() {
        let mut rng = StdRng::seed_from_u64(2);
        let w: Tensor<f64> = he_normal(&[200, 50], &mut rng).unwrap();
        // Var = 2 / 50 = 0.04; 10,000 draws give a standard error of about 0.0006.
        let n = w.num_elements() as f64;
        let variance = w.iter().map(|v| v * v).sum::<f64>() / n;
        assert!((variance - 0.04).abs() < 0.003, "variance {variance}");
    }

    #[test]
    fn same_seed_same_weights() {
        let a: Tensor<f32> = Init::GlorotUniform
            .build(&[4, 4], &mut StdRng::seed_from_u64(9))
            .unwrap();
        let b: Tensor<f32> = Init::GlorotUniform
            .build(&[4, 4], &mut StdRng::seed_from_u64(9))
            .unwrap();
        assert_eq!(a.to_vec(), b.to_vec());
    }

    #[test]
    fn fans_follow_pytorch_layout() {
        assert_eq!(fans(&[10, 3]), (3, 10));
        assert_eq!(fans(&[8, 2, 3, 3]), (18, 72));
        assert_eq!(fans(&[5]), (5, 5));
    }
}
