//! Shared test helpers: a finite-difference check of parameter gradients for any module.
//!
//! `autodiff::check_gradients` perturbs the inputs it creates as leaves; parameters live in the
//! module and reach the tape through `Param::var`, so this helper perturbs them in place with
//! the same central difference and the same pass rule, `|analytic - numerical| <= tol (1 +
//! |numerical|)`, and compares with the gradients found by `Gradients::get_key`.

#![allow(dead_code)]

use autodiff::{Tape, Var, STEP};
use nn::{Module, ModuleExt};

/// Tolerance of the finite-difference gradient checks in f64.
pub const GRAD_TOL: f64 = 1e-6;

/// Weights every element of `v` by a distinct coefficient and sums, so the upstream gradient is
/// not constant.
pub fn weighted_sum(v: &Var<f64>) -> autodiff::Result<Var<f64>> {
    let n = v.value().num_elements();
    let weights: Vec<f64> = (0..n).map(|k| 0.3 + 0.17 * (k % 7) as f64).collect();
    let weights = tensor::Tensor::from_vec(weights, v.shape())?;
    v.mul(&v.tape().constant(weights))?.sum(&[], false)
}

/// Panics with the parameter name and element when an analytic parameter gradient of `loss`
/// differs from its central difference.
pub fn check_param_gradients<M: Module<f64>>(
    model: &mut M,
    loss: impl Fn(&Tape<f64>, &M) -> nn::Result<Var<f64>>,
) {
    let tape = Tape::new();
    let value = loss(&tape, model).unwrap();
    let grads = tape.backward(&value).unwrap();
    let analytic: Vec<(String, Vec<f64>)> = model
        .named_params()
        .into_iter()
        .map(|(name, p)| {
            let g = grads
                .get_key(p.key())
                .map(|g| g.to_vec())
                .unwrap_or_else(|| vec![0.0; p.value().num_elements()]);
            (name, g)
        })
        .collect();

    let evaluate = |model: &M| {
        loss(&Tape::new(), model)
            .unwrap()
            .value()
            .to_scalar()
            .unwrap()
    };
    let mut checked = 0;
    for (index, (name, expected)) in analytic.iter().enumerate() {
        for (element, &exact) in expected.iter().enumerate() {
            let shift = |delta: f64, model: &mut M| {
                let mut params = model.named_params_mut();
                params[index].1.value_mut().as_mut_slice()[element] += delta;
            };
            shift(STEP, model);
            let plus = evaluate(model);
            shift(-2.0 * STEP, model);
            let minus = evaluate(model);
            shift(STEP, model);
            let numerical = (plus - minus) / (2.0 * STEP);
            let error = (exact - numerical).abs();
            assert!(
                error <= GRAD_TOL * (1.0 + numerical.abs()),
                "parameter `{name}` element {element}: analytic {exact}, numerical {numerical}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the model has no parameters to check");
}
