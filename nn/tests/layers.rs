//! Feed-forward layers: values, gradient checks, names, modes and state dicts.

mod common;

use autodiff::{assert_gradients_close, Tape, Var};
use common::{check_param_gradients, weighted_sum, GRAD_TOL};
use nn::{
    Activation, Dropout, Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig, Linear,
    LinearConfig,
};
use nn::{Module, ModuleExt, NnError, Sequential};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::{Indices, Tensor};

fn rng() -> StdRng {
    StdRng::seed_from_u64(11)
}

fn linear(in_features: usize, out_features: usize) -> Linear<f64> {
    Linear::new(
        &LinearConfig {
            in_features,
            out_features,
            ..Default::default()
        },
        &mut rng(),
    )
    .unwrap()
}

fn sample(shape: &[usize]) -> Tensor<f64> {
    let n: usize = shape.iter().product();
    Tensor::from_vec(
        (0..n).map(|k| ((k * 37 % 11) as f64 - 5.0) / 7.0).collect(),
        shape,
    )
    .unwrap()
}

fn to_autodiff(e: NnError) -> autodiff::AutodiffError {
    autodiff::AutodiffError::InvalidArgument {
        op: "test",
        message: e.to_string(),
    }
}

#[test]
fn linear_computes_affine_map() {
    let mut layer = linear(2, 2);
    let params = layer.named_params_mut();
    let [(_, w), (_, b)] = <[_; 2]>::try_from(params).ok().unwrap();
    w.set(tensor::tensor!([[1.0, 2.0], [3.0, 4.0]])).unwrap();
    b.set(tensor::tensor!([0.5, -0.5])).unwrap();
    let tape = Tape::new();
    let y = layer
        .forward(
            &tape,
            &tape.constant(tensor::tensor!([[1.0, 1.0], [2.0, 0.0]])),
        )
        .unwrap();
    // [1, 1] W^T + b = [3.5, 6.5]; [2, 0] W^T + b = [2.5, 5.5].
    assert_eq!(y.value().to_vec(), vec![3.5, 6.5, 2.5, 5.5]);
}

#[test]
fn linear_gradients() {
    let mut layer = linear(3, 2);
    assert_gradients_close(
        |tape, v| weighted_sum(&layer.forward(tape, &v[0]).map_err(to_autodiff)?),
        &[sample(&[4, 3])],
        GRAD_TOL,
    );
    check_param_gradients(&mut layer, |tape, m| {
        Ok(weighted_sum(
            &m.forward(tape, &tape.constant(sample(&[4, 3])))?,
        )?)
    });
}

#[test]
fn linear_accepts_leading_axes() {
    let mut layer = linear(3, 2);
    let x = sample(&[2, 4, 3]);
    let tape = Tape::new();
    let y = layer.forward(&tape, &tape.constant(x.clone())).unwrap();
    assert_eq!(y.shape(), &[2, 4, 2]);
    let rows = layer
        .forward(&tape, &tape.constant(x.reshape(&[8, 3]).unwrap()))
        .unwrap();
    assert_eq!(y.value().to_vec(), rows.value().to_vec());
    check_param_gradients(&mut layer, |tape, m| {
        Ok(weighted_sum(
            &m.forward(tape, &tape.constant(sample(&[2, 4, 3])))?,
        )?)
    });
}

#[test]
fn linear_rejects_wrong_features() {
    let layer = linear(3, 2);
    let tape = Tape::new();
    let err = layer
        .forward(&tape, &tape.constant(sample(&[4, 5])))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("expected shape [..., 3], got [4, 5]"),
        "{err}"
    );
}

#[test]
fn embedding_looks_up_rows_and_gradients() {
    let config = EmbeddingConfig {
        num_embeddings: 5,
        embedding_dim: 3,
        ..Default::default()
    };
    let mut table = Embedding::<f64>::new(&config, &mut rng()).unwrap();
    let ids = Indices::new(vec![4, 0, 4, 2], &[2, 2]).unwrap();
    let tape = Tape::new();
    let out = table.lookup(&tape, &ids).unwrap();
    assert_eq!(out.shape(), &[2, 2, 3]);
    assert_eq!(
        out.value()
            .select(0, 0)
            .unwrap()
            .select(0, 0)
            .unwrap()
            .to_vec(),
        table.weight().value().select(0, 4).unwrap().to_vec()
    );
    // Id 4 appears twice, so its row collects two gradient contributions.
    check_param_gradients(&mut table, |tape, m| {
        Ok(weighted_sum(&m.lookup(tape, &ids)?)?)
    });
    let err = table
        .lookup(&tape, &Indices::from_vec(vec![5]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("id 5 is out of range for a table of 5 rows"),
        "{err}"
    );
}

#[test]
fn layer_norm_normalises_and_gradients() {
    let mut norm = LayerNorm::<f64>::new(&LayerNormConfig {
        size: 4,
        ..Default::default()
    })
    .unwrap();
    let tape = Tape::new();
    let y = norm
        .forward(
            &tape,
            &tape.constant(tensor::tensor!([[1.0, 2.0, 3.0, 4.0]])),
        )
        .unwrap();
    // mean 2.5, population variance 1.25: y = (x - 2.5) / sqrt(1.25 + 1e-5).
    let scale = 1.0 / (1.25f64 + 1e-5).sqrt();
    for (got, x) in y.value().to_vec().iter().zip([1.0, 2.0, 3.0, 4.0]) {
        assert!((got - (x - 2.5) * scale).abs() < 1e-12);
    }

    // Move weight and bias away from 1 and 0 so their gradients are checked at a general point.
    for (k, (_, p)) in norm.named_params_mut().into_iter().enumerate() {
        p.set(sample(&[4]).map(|v| v + k as f64)).unwrap();
    }
    assert_gradients_close(
        |tape, v| weighted_sum(&norm.forward(tape, &v[0]).map_err(to_autodiff)?),
        &[sample(&[3, 4])],
        GRAD_TOL,
    );
    check_param_gradients(&mut norm, |tape, m| {
        Ok(weighted_sum(
            &m.forward(tape, &tape.constant(sample(&[3, 4])))?,
        )?)
    });
    assert!(LayerNorm::<f64>::new(&LayerNormConfig {
        size: 4,
        eps: 0.0,
        ..Default::default()
    })
    .is_err());
}

#[test]
fn dropout_scales_survivors_and_is_off_in_eval() {
    let mut dropout = Dropout::new(0.25, 3).unwrap();
    let tape = Tape::new();
    let x = tape.constant(Tensor::<f64>::ones(&[4000]));
    let y = dropout.forward(&tape, &x).unwrap().value().to_vec();
    let survivors = y.iter().filter(|&&v| v != 0.0).count();
    // Survivors are scaled by 1 / 0.75; about 3000 of 4000 survive (std about 27).
    assert!(y.iter().all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-12));
    assert!((2850..3150).contains(&survivors), "{survivors} survivors");

    ModuleExt::<f64>::eval(&mut dropout);
    assert_eq!(
        dropout.forward(&tape, &x).unwrap().value().to_vec(),
        vec![1.0; 4000]
    );
    assert!(Dropout::new(1.0, 0).is_err());
}

#[test]
fn dropout_gradient_follows_mask() {
    // A fresh layer with the same seed inside the closure draws the same mask on every call.
    assert_gradients_close(
        |tape, v| {
            let dropout = Dropout::new(0.5, 9).map_err(to_autodiff)?;
            weighted_sum(&dropout.forward(tape, &v[0]).map_err(to_autodiff)?)
        },
        &[sample(&[3, 5])],
        GRAD_TOL,
    );
}

#[test]
fn dropout_same_seed_same_mask() {
    let tape = Tape::new();
    let x = tape.constant(Tensor::<f32>::ones(&[64]));
    let a = Dropout::new(0.5, 42).unwrap().forward(&tape, &x).unwrap();
    let b = Dropout::new(0.5, 42).unwrap().forward(&tape, &x).unwrap();
    assert_eq!(a.value().to_vec(), b.value().to_vec());
}

fn mlp() -> Sequential<f64> {
    Sequential::new()
        .with(linear(3, 4))
        .with(Activation::Tanh)
        .with(Dropout::new(0.5, 1).unwrap())
        .with(linear(4, 2))
}

#[test]
fn sequential_names_and_counts_params() {
    let model = mlp();
    let names: Vec<String> = model.named_params().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0.weight", "0.bias", "3.weight", "3.bias"]);
    assert_eq!(model.num_params(), 3 * 4 + 4 + 4 * 2 + 2);
}

#[test]
fn sequential_gradients_in_eval_mode() {
    let mut model = mlp();
    model.eval();
    check_param_gradients(&mut model, |tape, m| {
        Ok(weighted_sum(
            &m.forward(tape, &tape.constant(sample(&[5, 3])))?,
        )?)
    });
}

#[test]
fn activations_compute_their_functions() {
    let tape = Tape::new();
    let x = tape.constant(tensor::tensor!([-1.0f64, 0.5]));
    let relu = Module::<f64>::forward(&Activation::Relu, &tape, &x).unwrap();
    assert_eq!(relu.value().to_vec(), vec![0.0, 0.5]);
    let sigmoid = Module::<f64>::forward(&Activation::Sigmoid, &tape, &x).unwrap();
    assert!((sigmoid.value().to_vec()[1] - 1.0 / (1.0 + (-0.5f64).exp())).abs() < 1e-15);
    let tanh = Module::<f64>::forward(&Activation::Tanh, &tape, &x).unwrap();
    assert!((tanh.value().to_vec()[0] - (-1.0f64).tanh()).abs() < 1e-15);
}

#[test]
fn state_dict_round_trip_and_mismatch_report() {
    let source = mlp();
    let mut target = Sequential::new()
        .with(linear(3, 4))
        .with(Activation::Tanh)
        .with(Dropout::new(0.5, 1).unwrap())
        .with(linear(4, 2));
    target.load_state_dict(&source.state_dict()).unwrap();
    for ((_, a), (_, b)) in source.named_params().iter().zip(target.named_params()) {
        assert_eq!(a.value().to_vec(), b.value().to_vec());
    }

    let mut wrong = Sequential::new().with(linear(3, 5)).with(linear(5, 2));
    let before = wrong.state_dict();
    let err = wrong.load_state_dict(&source.state_dict()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(
            "parameter `0.weight` has shape [5, 3] in the model but [4, 3] in the checkpoint"
        ),
        "{message}"
    );
    assert!(
        message.contains("missing parameter `1.weight`"),
        "{message}"
    );
    assert!(message.contains("unexpected entry `3.bias`"), "{message}");
    // Nothing was loaded.
    for ((_, a), (_, b)) in before.tensors.iter().zip(wrong.state_dict().tensors) {
        assert_eq!(a.to_vec(), b.to_vec());
    }
}

#[test]
fn param_grads_skips_unreached_parameters() {
    let mut model = mlp();
    let tape = Tape::new();
    let x: Var<f64> = tape.constant(sample(&[2, 3]));
    let loss = weighted_sum(&model.forward(&tape, &x).unwrap()).unwrap();
    let grads = tape.backward(&loss).unwrap();
    assert_eq!(model.param_grads(&grads).len(), 4);
    // A loss that does not involve the model reaches none of its parameters.
    let other = Tape::<f64>::new();
    let nothing = other.backward(&other.leaf(Tensor::scalar(1.0))).unwrap();
    assert_eq!(model.param_grads(&nothing).len(), 0);
}
