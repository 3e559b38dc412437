//! Optimizer steps against reference values, clipping, and state round trips.
//!
//! Every case runs two steps on p0 = [1.0, -2.0] with gradients g1 = [0.5, 0.1] then
//! g2 = [-1.0, 0.3]. The expected values come from `tests/reference/optim_steps.py`, which
//! applies the update rules written in each optimizer's module doc with numpy.

use nn::optim::{clip_grad_norm, global_grad_norm};
use nn::{Adam, AdamConfig, AdamW, AdamWConfig, NnError, Optimizer, ParamGrad};
use nn::{RmsProp, RmsPropConfig, Sgd, SgdConfig};
use tensor::Tensor;

/// Tolerance for f64 results that follow the same formula in a different evaluation order.
const TOL: f64 = 1e-12;

/// Runs the two reference steps and returns the final parameter.
fn two_steps(optimizer: &mut dyn Optimizer<f64>) -> Vec<f64> {
    let mut value = Tensor::<f64>::from_vec(vec![1.0, -2.0], &[2]).unwrap();
    for g in [[0.5, 0.1], [-1.0, 0.3]] {
        let grad = Tensor::from_vec(g.to_vec(), &[2]).unwrap();
        let mut params = [ParamGrad {
            name: "w".into(),
            value: &mut value,
            grad,
        }];
        optimizer.step(&mut params).unwrap();
    }
    value.to_vec()
}

fn assert_close(got: &[f64], expected: &[f64]) {
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < TOL, "got {got:?}, expected {expected:?}");
    }
}

#[test]
fn sgd_momentum_two_steps() {
    // By hand for element 0 (lr 0.1, mu 0.9): v1 = 0.5, p1 = 1 - 0.05 = 0.95;
    // v2 = 0.9 * 0.5 - 1 = -0.55, p2 = 0.95 + 0.055 = 1.005.
    let config = SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..Default::default()
    };
    let mut sgd = Sgd::new(config).unwrap();
    assert_close(&two_steps(&mut sgd), &[1.005, -2.049]);
}

#[test]
fn sgd_nesterov_with_decay_two_steps() {
    let config = SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
        weight_decay: 0.01,
    };
    let mut sgd = Sgd::new(config).unwrap();
    assert_close(&two_steps(&mut sgd), &[1.05007411, -2.07485112]);
}

#[test]
fn plain_sgd_is_gradient_descent() {
    // p = p - lr g twice: 1 - 0.1 (0.5 - 1.0) = 1.05, -2 - 0.1 (0.1 + 0.3) = -2.04.
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.1,
        ..Default::default()
    })
    .unwrap();
    assert_close(&two_steps(&mut sgd), &[1.05, -2.04]);
}

#[test]
fn adam_two_steps_with_bias_correction() {
    // By hand for element 0, step 1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25,
    // p = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002. Without bias correction the first step
    // would be 0.1 * 0.05 / (0.0158 + 1e-8) = 0.316 instead of 0.1.
    let config = AdamConfig {
        lr: 0.1,
        ..Default::default()
    };
    let mut adam = Adam::new(config).unwrap();
    assert_close(
        &two_steps(&mut adam),
        &[0.9366103542405654, -2.19177809779441],
    );
}

#[test]
fn adam_l2_decay_two_steps() {
    let config = AdamConfig {
        lr: 0.1,
        weight_decay: 0.1,
        ..Default::default()
    };
    let mut adam = Adam::new(config).unwrap();
    assert_close(
        &two_steps(&mut adam),
        &[0.9252635194456061, -1.9100134862701348],
    );
}

#[test]
fn adamw_decoupled_decay_two_steps() {
    let config = AdamWConfig {
        lr: 0.1,
        weight_decay: 0.1,
        ..Default::default()
    };
    let mut adamw = AdamW::new(config).unwrap();
    assert_close(
        &two_steps(&mut adamw),
        &[0.9177103542205653, -2.15097809789441],
    );
}

#[test]
fn rmsprop_momentum_two_steps() {
    let config = RmsPropConfig {
        lr: 0.01,
        momentum: 0.5,
        ..Default::default()
    };
    let mut rms = RmsProp::new(config).unwrap();
    assert_close(
        &two_steps(&mut rms),
        &[0.9395323181911317, -2.2449156195453797],
    );
}

#[test]
fn invalid_hyperparameters_rejected() {
    assert!(Sgd::<f32>::new(SgdConfig {
        lr: 0.0,
        ..Default::default()
    })
    .is_err());
    assert!(Sgd::<f32>::new(SgdConfig {
        nesterov: true,
        ..Default::default()
    })
    .is_err());
    assert!(Adam::<f32>::new(AdamConfig {
        beta1: 1.0,
        ..Default::default()
    })
    .is_err());
    assert!(AdamW::<f32>::new(AdamWConfig {
        eps: f64::NAN,
        ..Default::default()
    })
    .is_err());
    assert!(RmsProp::<f32>::new(RmsPropConfig {
        weight_decay: -1.0,
        ..Default::default()
    })
    .is_err());
}

#[test]
fn step_rejects_wrong_gradient_shape() {
    let mut adam = Adam::<f64>::new(AdamConfig::default()).unwrap();
    let mut a = Tensor::<f64>::ones(&[2]);
    let mut b = Tensor::<f64>::ones(&[3]);
    let mut params = [
        ParamGrad {
            name: "a".into(),
            value: &mut a,
            grad: Tensor::ones(&[2]),
        },
        ParamGrad {
            name: "b".into(),
            value: &mut b,
            grad: Tensor::ones(&[2]),
        },
    ];
    let err = adam.step(&mut params).unwrap_err();
    assert!(matches!(err, NnError::ShapeMismatch { .. }), "{err}");
    assert!(err.to_string().contains("`b`"), "{err}");
    // The check runs before any update, so `a` is unchanged too.
    assert_eq!(a.to_vec(), vec![1.0, 1.0]);
}

#[test]
fn clip_scales_to_max_norm() {
    let mut a = Tensor::<f64>::zeros(&[2]);
    let mut b = Tensor::<f64>::zeros(&[1]);
    let mut params = [
        ParamGrad {
            name: "a".into(),
            value: &mut a,
            grad: Tensor::from_vec(vec![3.0, 0.0], &[2]).unwrap(),
        },
        ParamGrad {
            name: "b".into(),
            value: &mut b,
            grad: Tensor::from_vec(vec![4.0], &[1]).unwrap(),
        },
    ];
    // Global norm sqrt(9 + 16) = 5, clipped to 1: every gradient scaled by 1/5.
    let norm = clip_grad_norm(&mut params, 1.0).unwrap();
    assert_eq!(norm, 5.0);
    assert_close(&params[0].grad.to_vec(), &[0.6, 0.0]);
    assert_close(&params[1].grad.to_vec(), &[0.8]);
    assert!((global_grad_norm(&params) - 1.0).abs() < TOL);
}

#[test]
fn clip_below_max_norm_changes_nothing() {
    let mut a = Tensor::<f64>::zeros(&[2]);
    let grad = Tensor::from_vec(vec![0.3, 0.4], &[2]).unwrap();
    let mut params = [ParamGrad {
        name: "a".into(),
        value: &mut a,
        grad,
    }];
    assert!((clip_grad_norm(&mut params, 1.0).unwrap() - 0.5).abs() < TOL);
    assert_eq!(params[0].grad.to_vec(), vec![0.3, 0.4]);
}

#[test]
fn clip_reports_nan_gradient_by_name() {
    let mut a = Tensor::<f32>::zeros(&[2]);
    let mut b = Tensor::<f32>::zeros(&[2]);
    let mut params = [
        ParamGrad {
            name: "a".into(),
            value: &mut a,
            grad: Tensor::from_vec(vec![30.0, 0.0], &[2]).unwrap(),
        },
        ParamGrad {
            name: "decoder.bias".into(),
            value: &mut b,
            grad: Tensor::from_vec(vec![1.0, f32::NAN], &[2]).unwrap(),
        },
    ];
    let err = clip_grad_norm(&mut params, 1.0).unwrap_err();
    match &err {
        NnError::NonFiniteGradient { name, .. } => assert_eq!(name, "decoder.bias"),
        other => panic!("expected NonFiniteGradient, got {other}"),
    }
    // Nothing was scaled.
    assert_eq!(params[0].grad.to_vec(), vec![30.0, 0.0]);
}

#[test]
fn adam_state_round_trip_resumes_exactly() {
    // Two steps in one optimizer equal one step, export, import into a fresh one, one step.
    let mut reference = Adam::<f64>::new(AdamConfig {
        lr: 0.1,
        ..Default::default()
    })
    .unwrap();
    let expected = two_steps(&mut reference);

    let mut first = Adam::<f64>::new(AdamConfig {
        lr: 0.1,
        ..Default::default()
    })
    .unwrap();
    let mut value = Tensor::<f64>::from_vec(vec![1.0, -2.0], &[2]).unwrap();
    let g1 = Tensor::from_vec(vec![0.5, 0.1], &[2]).unwrap();
    first
        .step(&mut [ParamGrad {
            name: "w".into(),
            value: &mut value,
            grad: g1,
        }])
        .unwrap();
    let state = first.state_dict();
    assert_eq!(state.scalars["step.w"], 1.0);

    let mut second = Adam::<f64>::new(AdamConfig {
        lr: 0.5,
        ..Default::default()
    })
    .unwrap();
    second.load_state_dict(&state).unwrap();
    assert_eq!(second.learning_rate(), 0.1);
    let g2 = Tensor::from_vec(vec![-1.0, 0.3], &[2]).unwrap();
    second
        .step(&mut [ParamGrad {
            name: "w".into(),
            value: &mut value,
            grad: g2,
        }])
        .unwrap();
    assert_eq!(value.to_vec(), expected);
}

#[test]
fn load_state_lists_every_problem() {
    let mut adam = Adam::<f64>::new(AdamConfig::default()).unwrap();
    let mut state = nn::StateDict::<f64>::new();
    state.scalars.insert("lr".into(), 0.1);
    state.scalars.insert("step.w".into(), 1.0);
    state.tensors.insert("m.w".into(), Tensor::zeros(&[2]));
    state.tensors.insert("q.other".into(), Tensor::zeros(&[2]));
    let err = adam.load_state_dict(&state).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("missing tensor `v.w`"), "{message}");
    assert!(message.contains("unexpected tensor `q.other`"), "{message}");
}
