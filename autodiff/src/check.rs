//! Gradient checking by central finite differences in `f64`.
//!
//! For each element `x_j` of each input, the numerical derivative of a scalar function `f` is
//!
//! ```text
//! (f(x + h e_j) - f(x - h e_j)) / (2 h)      with h = 1e-6,
//! ```
//!
//! whose error is about `h^2 |f'''| / 6` (truncation) plus `eps |f| / h` (rounding), near 1e-10
//! for well-scaled functions in `f64`. An element passes when
//!
//! ```text
//! |analytic - numerical| <= tolerance * (1 + |numerical|),
//! ```
//!
//! an absolute tolerance for gradients near 0 and a relative one for large gradients.
//!
//! ```
//! use autodiff::check_gradients;
//! use tensor::Tensor;
//!
//! // f(x) = sum(x^2), df/dx = 2x.
//! let x = Tensor::from_vec(vec![1.0, -2.0, 0.5], &[3]).unwrap();
//! let report = check_gradients(|_, v| v[0].square()?.sum(&[], false), &[x], 1e-6)?;
//! assert!(report.passed(), "{report}");
//! # Ok::<(), autodiff::AutodiffError>(())
//! ```

use std::fmt;

use tensor::Tensor;

use crate::{AutodiffError, Result, Tape, Var};

/// The finite-difference step.
pub const STEP: f64 = 1e-6;

/// The element whose analytic and numerical derivatives disagree most.
#[derive(Clone, Debug, PartialEq)]
pub struct WorstElement {
    /// The position of the input in the `inputs` slice.
    pub input: usize,
    /// The multi-index of the element in that input.
    pub index: Vec<usize>,
    /// The derivative from the backward pass.
    pub analytic: f64,
    /// The derivative from central differences.
    pub numerical: f64,
    /// `|analytic - numerical|`.
    pub abs_error: f64,
    /// `|analytic - numerical| / max(|numerical|, 1e-300)`.
    pub rel_error: f64,
}

/// The outcome of [`check_gradients`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckReport {
    /// The tolerance the check used.
    pub tolerance: f64,
    /// The number of input elements compared.
    pub checked: usize,
    /// The number of elements outside the tolerance.
    pub failures: usize,
    /// The element with the largest `|analytic - numerical| / (1 + |numerical|)`; `None` when
    /// the inputs have no elements.
    pub worst: Option<WorstElement>,
}

impl GradCheckReport {
    /// True when every element is within the tolerance.
    pub fn passed(&self) -> bool {
        self.failures == 0
    }
}

impl fmt::Display for GradCheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        write!(
            f,
            "gradient check {verdict}: {} of {} elements outside tolerance {:e}",
            self.failures, self.checked, self.tolerance
        )?;
        if let Some(w) = &self.worst {
            write!(
                f,
                "; worst: input {} index {:?}, analytic {:e}, numerical {:e}, abs error {:e}, rel error {:e}",
                w.input, w.index, w.analytic, w.numerical, w.abs_error, w.rel_error
            )?;
        }
        Ok(())
    }
}

/// Compares the gradients from [`Tape::backward`] with central finite differences.
///
/// `f` builds a one-element output from one variable per input, on the tape it is given. Inputs
/// may be non-contiguous (transposed, sliced, flipped): the perturbed copies keep their layout,
/// so `f` receives the same strides. Inputs with broadcast (stride 0) axes are made contiguous first,
/// because one stored value stands for several elements there.
///
/// # Errors
/// Any error from `f` or the backward pass, and [`AutodiffError::NonScalarOutput`] when `f`
/// returns more than one element.
pub fn check_gradients<F>(f: F, inputs: &[Tensor<f64>], tolerance: f64) -> Result<GradCheckReport>
where
    F: Fn(&Tape<f64>, &[Var<f64>]) -> Result<Var<f64>>,
{
    let inputs: Vec<Tensor<f64>> = inputs.iter().map(without_broadcast).collect();

    // Analytic gradients from one backward pass.
    let tape = Tape::new();
    let vars: Vec<Var<f64>> = inputs.iter().map(|x| tape.leaf(x.clone())).collect();
    let output = f(&tape, &vars)?;
    let grads = tape.backward(&output)?;
    let analytic: Vec<Vec<f64>> = vars
        .iter()
        .map(|v| match grads.get(v) {
            Some(g) => g.to_vec(),
            None => vec![0.0; v.value().num_elements()],
        })
        .collect();

    // Numerical gradients, one element at a time.
    let mut report = GradCheckReport {
        tolerance,
        checked: 0,
        failures: 0,
        worst: None,
    };
    let mut worst_score = f64::NEG_INFINITY;
    for (input_index, input) in inputs.iter().enumerate() {
        let positions: Vec<usize> = input.positions().collect();
        for (element, &position) in positions.iter().enumerate() {
            let plus = evaluate(&f, &inputs, input_index, position, STEP)?;
            let minus = evaluate(&f, &inputs, input_index, position, -STEP)?;
            let numerical = (plus - minus) / (2.0 * STEP);
            let exact = analytic[input_index][element];
            let abs_error = (exact - numerical).abs();
            let score = abs_error / (1.0 + numerical.abs());

            report.checked += 1;
            if score.is_nan() || score > tolerance {
                report.failures += 1;
            }
            if score > worst_score || score.is_nan() && !worst_score.is_nan() {
                worst_score = score;
                report.worst = Some(WorstElement {
                    input: input_index,
                    index: unravel(element, input.shape()),
                    analytic: exact,
                    numerical,
                    abs_error,
                    rel_error: abs_error / numerical.abs().max(1e-300),
                });
            }
        }
    }
    Ok(report)
}

/// Runs [`check_gradients`] and panics with the report when it fails. Meant for tests.
///
/// # Panics
/// When `f` or the backward pass returns an error, or when an element is outside `tolerance`.
#[track_caller]
pub fn assert_gradients_close<F>(f: F, inputs: &[Tensor<f64>], tolerance: f64)
where
    F: Fn(&Tape<f64>, &[Var<f64>]) -> Result<Var<f64>>,
{
    match check_gradients(f, inputs, tolerance) {
        Ok(report) => assert!(report.passed(), "{report}"),
        Err(err) => panic!("gradient check could not run: {err}"),
    }
}

/// Evaluates `f` with storage position `position` of input `input_index` moved by `delta`.
fn evaluate<F>(
    f: &F,
    inputs: &[Tensor<f64>],
    input_index: usize,
    position: usize,
    delta: f64,
) -> Result<f64>
where
    F: Fn(&Tape<f64>, &[Var<f64>]) -> Result<Var<f64>>,
{
    let tape = Tape::new();
    let vars: Vec<Var<f64>> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            if i == input_index {
                tape.constant(perturb(x, position, delta))
            } else {
                tape.constant(x.clone())
            }
        })
        .collect();
    let output = f(&tape, &vars)?;
    if output.value().num_elements() != 1 {
        return Err(AutodiffError::NonScalarOutput {
            shape: output.shape().to_vec(),
        });
    }
    Ok(output.value().to_scalar()?)
}

/// Returns a copy of `x` with the same layout and one storage value moved by `delta`.
fn perturb(x: &Tensor<f64>, position: usize, delta: f64) -> Tensor<f64> {
    let mut storage = x.storage().to_vec();
    storage[position] += delta;
    // Invariant: the layout fitted the original storage, which has the same length.
    Tensor::from_storage(std::sync::Arc::new(storage), x.layout().clone())
        .expect("the layout fits a storage of the same length")
}

/// Returns `x`, or a contiguous copy when an axis of size above 1 has stride 0.
fn without_broadcast(x: &Tensor<f64>) -> Tensor<f64> {
    let repeats = x
        .shape()
        .iter()
        .zip(x.strides())
        .any(|(&size, &stride)| size > 1 && stride == 0);
    if repeats {
        Tensor::from_vec(x.to_vec(), x.shape()).expect("the shape matches its own element count")
    } else {
        x.clone()
    }
}

/// Converts a row-major element number into a multi-index.
fn unravel(mut element: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (slot, &size) in index.iter_mut().zip(shape).rev() {
        *slot = element % size;
        element /= size;
    }
    index
}
