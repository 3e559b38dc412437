//! Helpers shared by the ENN tests: deterministic weights and a small configuration.

#![allow(dead_code)]

use autodiff::{Tape, Var};
use engram::cell::EnnWeights;
use engram::EngramConfig;
use tensor::Tensor;

/// Entry k (row-major) is `amplitude * sin(0.7 k + offset)`, as `fill` in
/// `tests/reference/enn_cell.py`.
pub fn fill(shape: &[usize], offset: f64, amplitude: f64) -> Tensor<f64> {
    let count: usize = shape.iter().product();
    let data = (0..count)
        .map(|k| amplitude * (0.7 * k as f64 + offset).sin())
        .collect();
    Tensor::from_vec(data, shape).unwrap()
}

/// `1 + fill(...)`, for layer-norm scales.
pub fn fill_scale(shape: &[usize], offset: f64, amplitude: f64) -> Tensor<f64> {
    fill(shape, offset, amplitude).add_scalar(1.0)
}

/// The tiny configuration of the reference script: d=3, h=4, m=2, noise off.
pub fn tiny_config() -> EngramConfig {
    let mut config = EngramConfig::new(3, 4, 2).unwrap();
    config.noise_std = 0.0;
    config.initial_state_std = 0.0;
    config
}

/// The parameter tensors of the reference script, in `EnnWeights` order: encoder weight, bias,
/// gamma, beta, memory, integrator weight, bias, output weight, bias, gamma, beta.
pub fn reference_parameters(config: &EngramConfig) -> Vec<Tensor<f64>> {
    let (d, h, m) = (config.input_size, config.hidden_size, config.memory_size);
    vec![
        fill(&[d, h], 0.1, 0.8),
        fill(&[h], 0.2, 0.1),
        fill_scale(&[h], 0.3, 0.1),
        fill(&[h], 0.4, 0.05),
        fill(&[m, h], 0.5, 0.6),
        fill(&[3 * h, 3 * h], 0.6, 0.4),
        fill(&[3 * h], 0.7, 0.1),
        fill(&[3 * h, h], 0.8, 0.4),
        fill(&[h], 0.9, 0.1),
        fill_scale(&[h], 1.0, 0.1),
        fill(&[h], 1.1, 0.05),
    ]
}

/// Binds parameter variables (in `reference_parameters` order) as `EnnWeights`; the layer-norm
/// entries are used only when `config.layer_norm` is on.
pub fn weights_from(config: &EngramConfig, vars: &[Var<f64>]) -> EnnWeights<f64> {
    let norm = |g: &Var<f64>, b: &Var<f64>| config.layer_norm.then(|| (g.clone(), b.clone()));
    EnnWeights {
        encoder_weight: vars[0].clone(),
        encoder_bias: vars[1].clone(),
        encoder_norm: norm(&vars[2], &vars[3]),
        memory: vars[4].clone(),
        integrator_weight: vars[5].clone(),
        integrator_bias: vars[6].clone(),
        output_weight: vars[7].clone(),
        output_bias: vars[8].clone(),
        output_norm: norm(&vars[9], &vars[10]),
    }
}

/// Leaves for every parameter tensor.
pub fn leaves(tape: &Tape<f64>, parameters: &[Tensor<f64>]) -> Vec<Var<f64>> {
    parameters.iter().map(|p| tape.leaf(p.clone())).collect()
}

/// Stacks per-step inputs `[B, d]` into one `[B, T, d]` tensor.
pub fn sequence(steps: &[Tensor<f64>]) -> Tensor<f64> {
    let refs: Vec<&Tensor<f64>> = steps.iter().collect();
    Tensor::stack(&refs, 1).unwrap()
}

/// Random parameters for `config` in `reference_parameters` order, scaled like He-normal
/// weights, from a seeded generator.
pub fn random_parameters(config: &EngramConfig, seed: u64) -> Vec<Tensor<f64>> {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (d, h, m) = (config.input_size, config.hidden_size, config.memory_size);
    let mut normal =
        |shape: &[usize], std: f64| Tensor::rand_normal(shape, 0.0, std, &mut rng).unwrap();
    let he = |fan_in: usize| (2.0 / fan_in as f64).sqrt();
    vec![
        normal(&[d, h], he(d)),
        normal(&[h], 0.1),
        normal(&[h], 0.1).add_scalar(1.0),
        normal(&[h], 0.1),
        normal(&[m, h], 0.3),
        normal(&[3 * h, 3 * h], he(3 * h)),
        normal(&[3 * h], 0.1),
        normal(&[3 * h, h], he(3 * h)),
        normal(&[h], 0.1),
        normal(&[h], 0.1).add_scalar(1.0),
        normal(&[h], 0.1),
    ]
}
