//! Gradient checks for `matmul`: 1-D operands, 2-D, and batched with broadcast batch axes, all
//! with random (often non-contiguous) layouts.

mod common;

use autodiff::Tape;
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Operand shapes for `numpy.matmul`: a batch shape of rank 0 to 2 broadcast differently for
/// each side, and optionally a 1-D operand on either side.
fn arb_matmul_shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    (1usize..=4, 1usize..=4, 1usize..=4, arb_shape(0, 2), 0u8..4).prop_flat_map(
        |(m, k, n, batch, kind)| {
            (arb_broadcast_of(batch.clone()), arb_broadcast_of(batch)).prop_map(
                move |(batch_a, batch_b)| {
                    let mut a = batch_a.clone();
                    a.extend([m, k]);
                    let mut b = batch_b.clone();
                    b.extend([k, n]);
                    match kind {
                        0 => (vec![k], b),
                        1 => (a, vec![k]),
                        2 => (vec![k], vec![k]),
                        _ => (a, b),
                    }
                },
            )
        },
    )
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn matmul_grad(
        (a, b) in arb_matmul_shapes().prop_flat_map(|(sa, sb)| (arb_tensor(sa, smooth()), arb_tensor(sb, smooth()))),
        seed in any::<u64>(),
    ) {
        check_op(|v| v[0].matmul(&v[1]), &[a, b], seed)?;
    }

    #[test]
    fn matmul_grad_transposed_operands(
        (a, b) in (1usize..=5, 1usize..=5, 1usize..=5).prop_flat_map(|(m, k, n)| {
            (arb_tensor(vec![k, m], smooth()), arb_tensor(vec![n, k], smooth()))
        }),
        seed in any::<u64>(),
    ) {
        // (A^T)(B^T) through recorded transposes, so the product receives strided operands.
        check_op(|v| v[0].t()?.matmul(&v[1].t()?), &[a, b], seed)?;
    }
}

#[test]
fn matmul_grad_hand_computed() {
    // Y = A B, L = sum(Y): dA = 1 B^T (row sums of B), dB = A^T 1 (column sums of A).
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap());
    let b = tape.leaf(Tensor::from_vec(vec![5.0, 6.0, 7.0, 8.0], &[2, 2]).unwrap());
    let loss = a.matmul(&b).unwrap().sum(&[], false).unwrap();
    let grads = tape.backward(&loss).unwrap();
    // Row sums of B: [5 + 6, 7 + 8] in each row of dA.
    assert_eq!(
        grads.get(&a).unwrap().to_vec(),
        vec![11.0, 15.0, 11.0, 15.0]
    );
    // Column sums of A: [1 + 3, 2 + 4] down each column of dB.
    assert_eq!(grads.get(&b).unwrap().to_vec(), vec![4.0, 4.0, 6.0, 6.0]);
}

#[test]
fn matmul_shared_weight_grad_sums_batch() {
    // x: [2, 1, 2] batch of row vectors, W: [2, 1]; dW = sum over batch of x^T.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 1, 2]).unwrap());
    let w = tape.leaf(Tensor::from_vec(vec![1.0, 1.0], &[2, 1]).unwrap());
    let loss = x.matmul(&w).unwrap().sum(&[], false).unwrap();
    let grads = tape.backward(&loss).unwrap();
    assert_eq!(grads.get(&w).unwrap().to_vec(), vec![4.0, 6.0]);
    assert_eq!(grads.get(&x).unwrap().to_vec(), vec![1.0, 1.0, 1.0, 1.0]);
}

#[test]
fn matmul_rejects_inner_size_mismatch() {
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::zeros(&[2, 3]));
    let b = tape.leaf(Tensor::zeros(&[4, 2]));
    assert!(a.matmul(&b).is_err());
}
