//! Matrix products against a naive triple loop in f64: every size up to 20, odd sizes,
//! transposed, strided and reversed operands, alpha/beta combinations, batches with
//! broadcasting, and several thread counts.

use proptest::prelude::*;
use tensor::{Element, Tensor, TensorError};

/// Returns a deterministic `rows x cols` matrix with varied values in [-1, 1).
fn matrix<T: Element>(rows: usize, cols: usize, seed: u64) -> Tensor<T> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let data = (0..rows * cols)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            T::from_f64(((state >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0)
        })
        .collect();
    Tensor::from_vec(data, &[rows, cols]).unwrap()
}

/// The naive product `alpha * a b + beta * c` in f64, and the bound `|alpha| sum |a||b| +
/// |beta||c|` for each element, which scales the rounding tolerance.
fn reference<T: Element>(
    alpha: f64,
    a: &Tensor<T>,
    b: &Tensor<T>,
    beta: f64,
    c: Option<&Tensor<T>>,
) -> (Vec<f64>, Vec<f64>) {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    let mut values = Vec::with_capacity(m * n);
    let mut bounds = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut sum = 0.0;
            let mut magnitude = 0.0;
            for p in 0..k {
                let product = a.get(&[i, p]).unwrap().to_f64() * b.get(&[p, j]).unwrap().to_f64();
                sum += product;
                magnitude += product.abs();
            }
            let old = c.map_or(0.0, |c| c.get(&[i, j]).unwrap().to_f64());
            let scaled_old = if beta == 0.0 { 0.0 } else { beta * old };
            values.push(alpha * sum + scaled_old);
            bounds.push(alpha.abs() * magnitude + scaled_old.abs());
        }
    }
    (values, bounds)
}

/// Asserts that `got` matches the reference within a few units of rounding per term.
fn assert_close<T: Element>(
    got: &Tensor<T>,
    expected: &(Vec<f64>, Vec<f64>),
    k: usize,
    what: &str,
) {
    let eps = T::EPSILON.to_f64();
    let got = got.to_vec();
    assert_eq!(got.len(), expected.0.len(), "{what}: element count");
    for (index, (&value, (&want, &bound))) in got
        .iter()
        .zip(expected.0.iter().zip(&expected.1))
        .enumerate()
    {
        let tolerance = 2.0 * (k as f64 + 2.0) * eps * bound + 1e-30;
        let error = (value.to_f64() - want).abs();
        assert!(
            error <= tolerance,
            "{what}: element {index} is {value}, expected {want} (error {error:e} > {tolerance:e})"
        );
    }
}

/// Checks `a.matmul(b)` for 2-D operands against the reference.
fn check_matmul<T: Element>(a: &Tensor<T>, b: &Tensor<T>, what: &str) {
    let got = a.matmul(b).unwrap();
    assert_eq!(got.shape(), &[a.shape()[0], b.shape()[1]], "{what}: shape");
    assert_close(&got, &reference(1.0, a, b, 0.0, None), a.shape()[1], what);
}

#[test]
fn every_size_up_to_20_f32() {
    for m in 0..=20 {
        for k in 0..=20 {
            for n in 0..=20 {
                let a = matrix::<f32>(m, k, (m * 441 + k * 21 + n) as u64);
                let b = matrix::<f32>(k, n, 7);
                check_matmul(&a, &b, &format!("f32 {m}x{k}x{n}"));
            }
        }
    }
}

#[test]
fn every_size_up_to_20_f64() {
    for m in 0..=20 {
        for k in 0..=20 {
            for n in 0..=20 {
                let a = matrix::<f64>(m, k, 3);
                let b = matrix::<f64>(k, n, (m * 441 + k * 21 + n) as u64);
                check_matmul(&a, &b, &format!("f64 {m}x{k}x{n}"));
            }
        }
    }
}

/// Odd sizes that cross every block and tile edge.
const ODD_SIZES: [(usize, usize, usize); 7] = [
    (17, 257, 33),
    (1, 300, 1),
    (300, 1, 300),
    (67, 63, 129),
    (129, 515, 97),
    (33, 1031, 17),
    (257, 33, 1029),
];

#[test]
fn odd_sizes_both_types() {
    for (m, k, n) in ODD_SIZES {
        check_matmul(
            &matrix::<f32>(m, k, 1),
            &matrix::<f32>(k, n, 2),
            &format!("f32 {m}x{k}x{n}"),
        );
        check_matmul(
            &matrix::<f64>(m, k, 3),
            &matrix::<f64>(k, n, 4),
            &format!("f64 {m}x{k}x{n}"),
        );
    }
}

#[test]
fn transposed_operands() {
    for (m, k, n) in [(5, 7, 3), (17, 257, 33), (64, 65, 63)] {
        let a_t = matrix::<f32>(k, m, 5); // A = a_t^T is m x k, column-major
        let b_t = matrix::<f32>(n, k, 6); // B = b_t^T is k x n, column-major
        let a = matrix::<f32>(m, k, 7);
        let b = matrix::<f32>(k, n, 8);
        check_matmul(&a_t.t().unwrap(), &b, "A transposed");
        check_matmul(&a, &b_t.t().unwrap(), "B transposed");
        check_matmul(&a_t.t().unwrap(), &b_t.t().unwrap(), "both transposed");
    }
}

#[test]
fn strided_and_reversed_operands() {
    let (m, k, n) = (19, 23, 29);
    let big_a = matrix::<f64>(2 * m + 1, 3 * k, 9);
    let big_b = matrix::<f64>(2 * k, 2 * n + 3, 10);
    // Every other row and every third column: strides (2 * 3k, 3).
    let a = big_a
        .slice(0, 1, 2 * m + 1, 2)
        .unwrap()
        .slice(1, 0, 3 * k, 3)
        .unwrap();
    let b = big_b
        .slice(0, 0, 2 * k, 2)
        .unwrap()
        .slice(1, 3, 2 * n + 3, 2)
        .unwrap();
    assert_eq!(a.shape(), &[m, k]);
    assert_eq!(b.shape(), &[k, n]);
    check_matmul(&a, &b, "strided");
    check_matmul(
        &a.flip(0).unwrap(),
        &b.flip(1).unwrap(),
        "reversed rows of A, columns of B",
    );
    check_matmul(
        &a.flip(1).unwrap(),
        &b.flip(0).unwrap(),
        "reversed shared axis",
    );
}

#[test]
fn broadcast_operand_rows() {
    // A row broadcast down the rows: row stride 0.
    let row = matrix::<f32>(1, 40, 11);
    let a = row.broadcast_to(&[37, 40]).unwrap();
    check_matmul(&a, &matrix::<f32>(40, 45, 12), "A with row stride 0");
}

#[test]
fn gemm_alpha_beta_combinations() {
    let (m, k, n) = (37, 41, 43);
    let a = matrix::<f64>(m, k, 13);
    let b = matrix::<f64>(k, n, 14);
    for alpha in [0.0, 1.0, -0.5, 2.0] {
        for beta in [0.0, 1.0, 0.25, -1.0] {
            let c0 = matrix::<f64>(m, n, 15);
            let mut c = c0.clone();
            tensor::matmul::gemm(alpha, &a, &b, beta, &mut c).unwrap();
            let expected = reference(alpha, &a, &b, beta, Some(&c0));
            assert_close(&c, &expected, k, &format!("alpha {alpha}, beta {beta}"));
            // The input tensor shares nothing with the result.
            assert_eq!(
                c0.to_vec(),
                matrix::<f64>(m, n, 15).to_vec(),
                "C's old handle changed"
            );
        }
    }
}

#[test]
fn gemm_beta_zero_ignores_nan() {
    let a = matrix::<f32>(9, 5, 16);
    let b = matrix::<f32>(5, 11, 17);
    let mut c = Tensor::full(&[9, 11], f32::NAN);
    tensor::matmul::gemm(1.0, &a, &b, 0.0, &mut c).unwrap();
    assert_close(&c, &reference(1.0, &a, &b, 0.0, None), 5, "beta 0 over NaN");
    let mut c = Tensor::full(&[9, 11], f32::NAN);
    tensor::matmul::gemm(0.0, &a, &b, 0.0, &mut c).unwrap();
    assert!(
        c.to_vec().iter().all(|&v| v == 0.0),
        "alpha 0, beta 0 gives zeros"
    );
}

#[test]
fn gemm_into_transposed_view() {
    let a = matrix::<f32>(6, 4, 18);
    let b = matrix::<f32>(4, 5, 19);
    let base = matrix::<f32>(5, 6, 20);
    let mut c = base.t().unwrap();
    let c0 = c.clone();
    tensor::matmul::gemm(1.5, &a, &b, 0.5, &mut c).unwrap();
    assert_close(
        &c,
        &reference(1.5, &a, &b, 0.5, Some(&c0)),
        4,
        "C transposed view",
    );
    assert_eq!(
        base.to_vec(),
        matrix::<f32>(5, 6, 20).to_vec(),
        "the source of the view changed"
    );
}

#[test]
fn gemm_rejects_bad_shapes() {
    let a = Tensor::<f32>::zeros(&[2, 3]);
    let b = Tensor::<f32>::zeros(&[4, 5]);
    let mut c = Tensor::<f32>::zeros(&[2, 5]);
    let err = tensor::matmul::gemm(1.0, &a, &b, 0.0, &mut c).unwrap_err();
    assert!(
        matches!(err, TensorError::ShapeMismatch { op: "gemm", .. }),
        "{err}"
    );
    let b = Tensor::<f32>::zeros(&[3, 5]);
    let mut c = Tensor::<f32>::zeros(&[2, 4]);
    assert!(tensor::matmul::gemm(1.0, &a, &b, 0.0, &mut c).is_err());
    let mut c = Tensor::<f32>::zeros(&[10]);
    let err = tensor::matmul::gemm(1.0, &a, &b, 0.0, &mut c).unwrap_err();
    assert!(matches!(err, TensorError::RankMismatch { .. }), "{err}");
}

#[test]
fn matmul_vectors_follow_numpy() {
    let a = matrix::<f64>(3, 4, 21);
    let v = Tensor::<f64>::from_vec(vec![1.0, -2.0, 0.5, 3.0], &[4]).unwrap();
    let w = Tensor::<f64>::from_vec(vec![2.0, 1.0, -1.0], &[3]).unwrap();

    // vector x vector is a 0-D dot product: 1*1 + (-2)(-2) + 0.5*0.5 + 3*3 = 14.25
    let dot = v.matmul(&v).unwrap();
    assert_eq!(dot.shape(), &[] as &[usize]);
    assert_eq!(dot.to_scalar().unwrap(), 14.25);

    // matrix x vector drops the column axis; vector x matrix drops the row axis.
    let av = a.matmul(&v).unwrap();
    assert_eq!(av.shape(), &[3]);
    let col = v.reshape(&[4, 1]).unwrap();
    assert_eq!(av.to_vec(), a.matmul(&col).unwrap().to_vec());
    let wa = w.matmul(&a).unwrap();
    assert_eq!(wa.shape(), &[4]);
    assert_eq!(
        wa.to_vec(),
        w.reshape(&[1, 3]).unwrap().matmul(&a).unwrap().to_vec()
    );
}

#[test]
fn matmul_batches_broadcast() {
    // [2, 1, 5, 6] x [3, 6, 4] -> [2, 3, 5, 4]
    let a = Tensor::<f64>::from_vec(matrix::<f64>(60, 1, 22).to_vec(), &[2, 1, 5, 6]).unwrap();
    let b = Tensor::<f64>::from_vec(matrix::<f64>(72, 1, 23).to_vec(), &[3, 6, 4]).unwrap();
    let out = a.matmul(&b).unwrap();
    assert_eq!(out.shape(), &[2, 3, 5, 4]);
    for i in 0..2 {
        for j in 0..3 {
            let a_ij = a.select(0, i).unwrap().select(0, 0).unwrap();
            let b_ij = b.select(0, j).unwrap();
            let got = out.select(0, i).unwrap().select(0, j).unwrap();
            assert_close(
                &got,
                &reference(1.0, &a_ij, &b_ij, 0.0, None),
                6,
                &format!("batch {i},{j}"),
            );
        }
    }
    // A batched operand with a 1-D one: [2, 5, 6] x [6] -> [2, 5].
    let v = Tensor::<f64>::ones(&[6]);
    let av = a.select(1, 0).unwrap().matmul(&v).unwrap();
    assert_eq!(av.shape(), &[2, 5]);
}

#[test]
fn matmul_batched_transposed_views() {
    // Batches of transposed matrices: [4, 7, 9] viewed as [4, 9, 7].
    let base =
        Tensor::<f32>::from_vec(matrix::<f32>(4 * 7 * 9, 1, 24).to_vec(), &[4, 7, 9]).unwrap();
    let a = base.transpose(1, 2).unwrap();
    let b = Tensor::<f32>::from_vec(matrix::<f32>(4 * 7 * 3, 1, 25).to_vec(), &[4, 7, 3]).unwrap();
    let out = a.matmul(&b).unwrap();
    for i in 0..4 {
        let want = reference(
            1.0,
            &a.select(0, i).unwrap(),
            &b.select(0, i).unwrap(),
            0.0,
            None,
        );
        assert_close(&out.select(0, i).unwrap(), &want, 7, &format!("batch {i}"));
    }
}

#[test]
fn matmul_rejects_bad_shapes() {
    let a = Tensor::<f32>::zeros(&[2, 3]);
    let err = a.matmul(&Tensor::zeros(&[4, 2])).unwrap_err();
    assert!(
        matches!(err, TensorError::ShapeMismatch { op: "matmul", .. }),
        "{err}"
    );
    assert!(a.matmul(&Tensor::scalar(1.0)).is_err());
    let batched = Tensor::<f32>::zeros(&[2, 3, 3]);
    let other = Tensor::<f32>::zeros(&[3, 3, 3]);
    let err = batched.matmul(&other).unwrap_err();
    assert!(err.to_string().contains("batch"), "{err}");
}

/// Runs `f` inside a local rayon pool of `threads` threads.
fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn threads_give_the_same_result() {
    // Training shapes and odd sizes, above the threading threshold.
    let shapes = [
        (128, 384, 384),
        (128, 128, 512),
        (257, 200, 131),
        (130, 1031, 70),
    ];
    for threads in [1, 2, 3] {
        for (m, k, n) in shapes {
            let a = matrix::<f32>(m, k, 26);
            let b = matrix::<f32>(k, n, 27);
            let expected = reference(1.0, &a, &b, 0.0, None);
            let got = with_threads(threads, || a.matmul(&b).unwrap());
            assert_close(
                &got,
                &expected,
                k,
                &format!("{threads} threads, {m}x{k}x{n}"),
            );
            let got_t = with_threads(threads, || {
                a.t()
                    .unwrap()
                    .t()
                    .unwrap()
                    .matmul(&b.t().unwrap().t().unwrap())
                    .unwrap()
            });
            assert_close(
                &got_t,
                &expected,
                k,
                &format!("{threads} threads, double transpose"),
            );
        }
    }
}

#[test]
fn threads_over_small_batches() {
    let a = Tensor::<f64>::from_vec(matrix::<f64>(64 * 20 * 30, 1, 28).to_vec(), &[64, 20, 30])
        .unwrap();
    let b = Tensor::<f64>::from_vec(matrix::<f64>(30 * 25, 1, 29).to_vec(), &[30, 25]).unwrap();
    let serial = with_threads(1, || a.matmul(&b).unwrap());
    let parallel = with_threads(2, || a.matmul(&b).unwrap());
    assert_eq!(serial.to_vec(), parallel.to_vec());
    let want = reference(1.0, &a.select(0, 63).unwrap(), &b, 0.0, None);
    assert_close(&parallel.select(0, 63).unwrap(), &want, 30, "last batch");
}

/// One operand drawn by proptest: its sizes, whether it is transposed, and a step along each
/// axis of a larger buffer.
fn operand(
    rows: usize,
    cols: usize,
    transposed: bool,
    steps: (usize, usize),
    seed: u64,
) -> Tensor<f64> {
    let (outer_rows, outer_cols) = if transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let big = matrix::<f64>(outer_rows * steps.0, outer_cols * steps.1, seed);
    let view = big
        .slice(0, 0, outer_rows * steps.0, steps.0 as isize)
        .unwrap()
        .slice(1, 0, outer_cols * steps.1, steps.1 as isize)
        .unwrap();
    if transposed {
        view.t().unwrap()
    } else {
        view
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_shapes_and_strides(
        m in 0usize..70, k in 0usize..70, n in 0usize..70,
        a_t in any::<bool>(), b_t in any::<bool>(),
        a_steps in (1usize..4, 1usize..4), b_steps in (1usize..4, 1usize..4),
        alpha in -2.0f64..2.0, beta in prop_oneof![Just(0.0f64), -2.0f64..2.0],
        seed in 0u64..1000,
    ) {
        let a = operand(m, k, a_t, a_steps, seed);
        let b = operand(k, n, b_t, b_steps, seed + 1);
        let c0 = matrix::<f64>(m, n, seed + 2);
        let mut c = c0.clone();
        tensor::matmul::gemm(alpha, &a, &b, beta, &mut c).unwrap();
        assert_close(&c, &reference(alpha, &a, &b, beta, Some(&c0)), k, "proptest gemm");
    }
}
