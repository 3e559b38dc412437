//! Gradient checks through whole computations: a two-layer MLP with cross-entropy, one LSTM
//! step, and a five-step recurrence whose state feeds back into itself.

mod common;

use autodiff::{assert_gradients_close, Result, Tape, Var};
use common::*;
use proptest::prelude::*;
use tensor::{Indices, Tensor};

/// Mean cross-entropy of `logits: [batch, classes]` against integer labels.
fn cross_entropy(logits: &Var<f64>, labels: &[usize]) -> Result<Var<f64>> {
    let index = Indices::new(labels.to_vec(), &[labels.len(), 1])?;
    let picked = logits.log_softmax(1)?.gather(1, &index)?;
    picked.mean(&[], false)?.neg()
}

/// One LSTM step with the gates packed as `[i, f, g, o]` along the last axis of the
/// `[batch, 4 * hidden]` pre-activation; returns `(h', c')`.
fn lstm_step(
    x: &Var<f64>,
    h: &Var<f64>,
    c: &Var<f64>,
    w: &Var<f64>,
    u: &Var<f64>,
    b: &Var<f64>,
) -> Result<(Var<f64>, Var<f64>)> {
    let gates = x.matmul(w)?.add(&h.matmul(u)?)?.add(b)?;
    let parts = gates.chunk(4, 1)?;
    let (i, f, g, o) = (
        parts[0].sigmoid()?,
        parts[1].sigmoid()?,
        parts[2].tanh()?,
        parts[3].sigmoid()?,
    );
    let c_next = f.mul(c)?.add(&i.mul(&g)?)?;
    let h_next = o.mul(&c_next.tanh()?)?;
    Ok((h_next, c_next))
}

fn random(shape: &[usize], seed: u64, scale: f64) -> Tensor<f64> {
    weights(shape, seed).mul_scalar(scale)
}

#[test]
fn mlp_cross_entropy_grad() {
    // x: [4, 3], W1: [3, 5], b1: [5], W2: [5, 3], b2: [3]; four samples, three classes.
    let inputs = [
        random(&[4, 3], 1, 1.0),
        random(&[3, 5], 2, 0.7),
        random(&[5], 3, 0.3),
        random(&[5, 3], 4, 0.7),
        random(&[3], 5, 0.3),
    ];
    let labels = [2, 0, 1, 2];
    assert_gradients_close(
        |_, v| {
            let hidden = v[0].matmul(&v[1])?.add(&v[2])?.tanh()?;
            let logits = hidden.matmul(&v[3])?.add(&v[4])?;
            cross_entropy(&logits, &labels)
        },
        &inputs,
        TOLERANCE,
    );
}

#[test]
fn lstm_step_grad() {
    // batch 2, input 3, hidden 4.
    let inputs = [
        random(&[2, 3], 11, 1.0),
        random(&[2, 4], 12, 0.8),
        random(&[2, 4], 13, 0.8),
        random(&[3, 16], 14, 0.5),
        random(&[4, 16], 15, 0.5),
        random(&[16], 16, 0.2),
    ];
    assert_gradients_close(
        |_, v| {
            let (h, c) = lstm_step(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5])?;
            weighted_sum(&h.add(&c.mul_scalar(0.5)?)?, 17)
        },
        &inputs,
        TOLERANCE,
    );
}

/// h_{t+1} = tanh(h_t W + x_t U + b) for five steps; returns a weighted sum of every state.
fn recurrence(v: &[Var<f64>]) -> Result<Var<f64>> {
    let (xs, h0, w, u, b) = (&v[0], &v[1], &v[2], &v[3], &v[4]);
    let mut h = h0.clone();
    let mut total: Option<Var<f64>> = None;
    for t in 0..5 {
        let x_t = xs.select(0, t)?;
        h = h.matmul(w)?.add(&x_t.matmul(u)?)?.add(b)?.tanh()?;
        let term = weighted_sum(&h, 100 + t as u64)?;
        total = Some(match total {
            Some(sum) => sum.add(&term)?,
            None => term,
        });
    }
    Ok(total.expect("five steps ran"))
}

#[test]
fn five_step_recurrence_grad() {
    // xs: [5 steps, batch 2, input 3], h0: [2, 4], W: [4, 4], U: [3, 4], b: [4].
    let inputs = [
        random(&[5, 2, 3], 21, 1.0),
        random(&[2, 4], 22, 0.5),
        random(&[4, 4], 23, 0.6),
        random(&[3, 4], 24, 0.6),
        random(&[4], 25, 0.2),
    ];
    assert_gradients_close(|_, v| recurrence(v), &inputs, TOLERANCE);
}

#[test]
fn keyed_leaves_match_plain_leaves_in_recurrence() {
    // The same recurrence, with W, U and b bound by key at every step, gives the same
    // gradients as one leaf each.
    let inputs = [
        random(&[5, 2, 3], 31, 1.0),
        random(&[2, 4], 32, 0.5),
        random(&[4, 4], 33, 0.6),
        random(&[3, 4], 34, 0.6),
        random(&[4], 35, 0.2),
    ];
    let tape = Tape::<f64>::new();
    let plain: Vec<Var<f64>> = inputs.iter().map(|t| tape.leaf(t.clone())).collect();
    let grads = tape.backward(&recurrence(&plain).unwrap()).unwrap();

    let keyed_tape = Tape::<f64>::new();
    let xs = keyed_tape.leaf(inputs[0].clone());
    let mut h = keyed_tape.leaf(inputs[1].clone());
    let mut total: Option<Var<f64>> = None;
    for t in 0..5 {
        let w = keyed_tape.leaf_keyed(2, &inputs[2]);
        let u = keyed_tape.leaf_keyed(3, &inputs[3]);
        let b = keyed_tape.leaf_keyed(4, &inputs[4]);
        let x_t = xs.select(0, t).unwrap();
        h = h
            .matmul(&w)
            .unwrap()
            .add(&x_t.matmul(&u).unwrap())
            .unwrap()
            .add(&b)
            .unwrap()
            .tanh()
            .unwrap();
        let term = weighted_sum(&h, 100 + t as u64).unwrap();
        total = Some(match total {
            Some(sum) => sum.add(&term).unwrap(),
            None => term,
        });
    }
    let keyed = keyed_tape.backward(&total.unwrap()).unwrap();
    for key in 2..5u64 {
        let expected = grads.get(&plain[key as usize]).unwrap().to_vec();
        let got = keyed.get_key(key).unwrap().to_vec();
        for (a, b) in expected.iter().zip(&got) {
            assert!((a - b).abs() < 1e-12, "key {key}: {a} vs {b}");
        }
    }
}

proptest! {
    #![proptest_config(Config::with_cases(8))]
    #[test]
    fn mlp_grad_random_batches(
        (x, labels) in (1usize..=4).prop_flat_map(|batch| {
            (arb_tensor(vec![batch, 3], smooth()), prop::collection::vec(0usize..3, batch))
        }),
        seed in any::<u64>(),
    ) {
        let inputs = [x, random(&[3, 4], seed, 0.7), random(&[4, 3], seed ^ 1, 0.7)];
        let report = autodiff::check_gradients(
            |_, v| cross_entropy(&v[0].matmul(&v[1])?.sigmoid()?.matmul(&v[2])?, &labels),
            &inputs,
            TOLERANCE,
        ).unwrap();
        prop_assert!(report.passed(), "{}", report);
    }
}

use proptest::test_runner::Config;
