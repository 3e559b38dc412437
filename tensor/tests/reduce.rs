//! Reductions and softmax: hand-computed cases, edge cases, and property tests against naive
//! loops on non-contiguous inputs.

use tensor::{tensor, Tensor, TensorError};

/// Tolerance for f64 results computed in a different order than the reference.
const TOL_F64: f64 = 1e-12;

fn grid() -> Tensor<f64> {
    // [[0, 1, 2],
    //  [3, 4, 5]]
    Tensor::arange(0.0, 6.0, 1.0)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap()
}

fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let scale = 1.0f64.max(e.abs());
        assert!(
            (a - e).abs() <= tol * scale || (a.is_nan() && e.is_nan()) || a == e,
            "element {i}: {a} != {e}"
        );
    }
}

/// The matrix of `tests/reference/reduce_reference.py`.
fn reference_matrix() -> Tensor<f64> {
    tensor!([
        [0.5, -1.25, 3.0, 2.0],
        [1.5, 0.25, -2.0, 4.5],
        [-0.75, 2.5, 1.0, -3.5]
    ])
}

#[test]
fn numpy_reference_values() {
    // Values printed by tests/reference/reduce_reference.py with NumPy 2.4.6.
    let x = reference_matrix();
    let cases: [(&str, Tensor<f64>, &[f64]); 9] = [
        (
            "var axis 0",
            x.var(&[0], false).unwrap(),
            &[
                0.8472222222222223,
                2.375,
                4.222222222222222,
                11.166666666666666,
            ],
        ),
        (
            "var axis 1",
            x.var(&[1], false).unwrap(),
            &[2.57421875, 5.51171875, 4.98046875],
        ),
        ("var all", x.var(&[], false).unwrap(), &[4.702690972222221]),
        (
            "logsumexp axis 0",
            x.logsumexp(&[0], false).unwrap(),
            &[
                1.8874903020272,
                2.621258739874893,
                3.1328452337275756,
                4.579199701291301,
            ],
        ),
        (
            "logsumexp axis 1",
            x.logsumexp(&[1], false).unwrap(),
            &[3.3813286012269788, 4.563495547557643, 2.734584351188607],
        ),
        (
            "softmax axis 0",
            x.softmax(0).unwrap(),
            &[
                0.2497011934862539,
                0.020832130681235055,
                0.8756005950630877,
                0.07583467013268473,
                0.67875821679822,
                0.0933631323859454,
                0.0058997504019027815,
                0.9238554109033719,
                0.07154058971552618,
                0.8858047369328196,
                0.11849965453500962,
                0.0003099189639436,
            ],
        ),
        (
            "softmax axis 1",
            x.softmax(1).unwrap(),
            &[
                0.05606023164143659,
                0.009741807523077857,
                0.682953433407439,
                0.25124452742804654,
                0.04672408317491693,
                0.0133866739585082,
                0.001410945054689267,
                0.9384782978118856,
                0.03066650227576033,
                0.7908995177632335,
                0.1764735360598262,
                0.0019604439011799884,
            ],
        ),
        (
            "log_softmax axis 1",
            x.log_softmax(1).unwrap(),
            &[
                -2.8813286012269788,
                -4.631328601226978,
                -0.38132860122697876,
                -1.3813286012269785,
                -3.0634955475576433,
                -4.313495547557643,
                -6.563495547557643,
                -0.0634955475576434,
                -3.484584351188607,
                -0.23458435118860707,
                -1.734584351188607,
                -6.234584351188607,
            ],
        ),
        (
            "mean axis 1",
            x.mean(&[1], false).unwrap(),
            &[1.0625, 1.0625, -0.1875],
        ),
    ];
    for (name, got, expected) in cases {
        println!("{name}");
        assert_close(&got.to_vec(), expected, TOL_F64);
    }
    assert_eq!(x.argmax(0, false).unwrap().as_slice(), &[1, 2, 0, 1]);
    assert_eq!(x.argmin(1, false).unwrap().as_slice(), &[1, 2, 3]);
}

#[test]
fn sum_each_axis() {
    let g = grid();
    let rows = g.sum(&[1], false).unwrap();
    assert_eq!(rows.shape(), &[2]);
    assert_eq!(rows.to_vec(), vec![3.0, 12.0]); // 0+1+2, 3+4+5
    let cols = g.sum(&[0], true).unwrap();
    assert_eq!(cols.shape(), &[1, 3]);
    assert_eq!(cols.to_vec(), vec![3.0, 5.0, 7.0]);
    let all = g.sum(&[], false).unwrap();
    assert_eq!(all.shape(), &[] as &[usize]);
    assert_eq!(all.to_vec(), vec![15.0]);
    let all_keep = g.sum(&[0, -1], true).unwrap();
    assert_eq!(all_keep.shape(), &[1, 1]);
    assert_eq!(g.sum_all(), 15.0);
    assert_eq!(g.mean_all(), 2.5);
}

#[test]
fn mean_max_min_var_rows() {
    let g = grid();
    assert_eq!(g.mean(&[1], false).unwrap().to_vec(), vec![1.0, 4.0]);
    assert_eq!(g.max(&[0], false).unwrap().to_vec(), vec![3.0, 4.0, 5.0]);
    assert_eq!(g.min(&[-1], false).unwrap().to_vec(), vec![0.0, 3.0]);
    // Row [0, 1, 2]: mean 1, squared deviations 1 + 0 + 1 = 2, divided by N = 3.
    assert_close(
        &g.var(&[1], false).unwrap().to_vec(),
        &[2.0 / 3.0, 2.0 / 3.0],
        TOL_F64,
    );
    // All six values 0..5: mean 2.5, sum of squared deviations 17.5, / 6.
    assert_close(&g.var(&[], false).unwrap().to_vec(), &[17.5 / 6.0], TOL_F64);
}

#[test]
fn logsumexp_large_values() {
    let t: Tensor<f32> = tensor!([1000.0, 1000.0]);
    // ln(2 e^1000) = 1000 + ln 2.
    let r = t.logsumexp(&[0], false).unwrap().to_vec()[0];
    assert!((r - (1000.0 + 2f32.ln())).abs() < 1e-3, "{r}");
    let g = grid();
    // ln(e^0 + e^1 + e^2) = 2.40760596444438.
    let r = g.logsumexp(&[1], false).unwrap().to_vec();
    assert_close(&r[..1], &[2.407_605_964_444_38], 1e-12);
}

#[test]
fn logsumexp_infinite_rows() {
    let t: Tensor<f64> = tensor!([[f64::NEG_INFINITY, f64::NEG_INFINITY], [f64::INFINITY, 0.0]]);
    let r = t.logsumexp(&[1], false).unwrap().to_vec();
    assert_eq!(r, vec![f64::NEG_INFINITY, f64::INFINITY]);
}

#[test]
fn empty_reductions_follow_numpy() {
    let e = Tensor::<f64>::zeros(&[2, 0]);
    assert_eq!(e.sum(&[1], false).unwrap().to_vec(), vec![0.0, 0.0]);
    assert!(e.mean(&[1], false).unwrap().to_vec()[0].is_nan());
    assert!(e.var(&[1], false).unwrap().to_vec()[0].is_nan());
    assert_eq!(
        e.logsumexp(&[1], false).unwrap().to_vec(),
        vec![f64::NEG_INFINITY; 2]
    );
    assert!(e.max(&[1], false).is_err());
    assert!(e.argmin(1, false).is_err());
    // Reducing the other axis gives an empty output, which is fine for max.
    assert_eq!(e.max(&[0], false).unwrap().shape(), &[0]);
}

#[test]
fn bad_axes_are_errors() {
    let g = grid();
    assert!(matches!(
        g.sum(&[2], false),
        Err(TensorError::InvalidAxis {
            axis: 2,
            rank: 2,
            ..
        })
    ));
    assert!(matches!(
        g.max(&[0, -2], false),
        Err(TensorError::RepeatedAxis { axis: 0, .. })
    ));
    assert!(g.argmax(-3, false).is_err());
    assert!(g.softmax(5).is_err());
}

#[test]
fn scalar_reduces_to_itself() {
    let s = Tensor::<f32>::scalar(2.5);
    assert_eq!(s.sum(&[], false).unwrap().to_vec(), vec![2.5]);
    assert_eq!(s.max(&[], true).unwrap().shape(), &[] as &[usize]);
}

#[test]
fn argmax_first_index_wins_ties() {
    let t: Tensor<f32> = tensor!([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]);
    let a = t.argmax(1, false).unwrap();
    assert_eq!(a.shape(), &[2]);
    assert_eq!(a.as_slice(), &[1, 0]);
    let a = t.argmin(0, true).unwrap();
    assert_eq!(a.shape(), &[1, 3]);
    assert_eq!(a.as_slice(), &[0, 1, 1]);
}

#[test]
fn argmax_nan_counts_as_extreme() {
    let t: Tensor<f32> = tensor!([1.0, f32::NAN, 5.0, f32::NAN]);
    assert_eq!(t.argmax(0, false).unwrap().as_slice(), &[1]);
    assert_eq!(t.argmin(0, false).unwrap().as_slice(), &[1]);
    assert!(t.max(&[], false).unwrap().to_vec()[0].is_nan());
}

#[test]
fn column_reductions_handle_nan() {
    // Axis 0 of a 3 x 2 matrix runs the column kernels; column 0 holds a NaN.
    let t: Tensor<f32> = tensor!([[1.0, 5.0], [f32::NAN, 7.0], [9.0, 7.0]]);
    assert_eq!(t.argmax(0, false).unwrap().as_slice(), &[1, 1]);
    assert_eq!(t.argmin(0, false).unwrap().as_slice(), &[1, 0]);
    let max = t.max(&[0], false).unwrap().to_vec();
    assert!(max[0].is_nan());
    assert_eq!(max[1], 7.0);
    let min = t.min(&[0], false).unwrap().to_vec();
    assert!(min[0].is_nan());
    assert_eq!(min[1], 5.0);
    let lse = t.logsumexp(&[0], false).unwrap().to_vec();
    assert!(lse[0].is_nan());
}

#[test]
fn reduce_transposed_input() {
    let g = grid().t().unwrap(); // [[0, 3], [1, 4], [2, 5]]
    assert_eq!(g.sum(&[1], false).unwrap().to_vec(), vec![3.0, 5.0, 7.0]);
    assert_eq!(g.argmax(0, false).unwrap().as_slice(), &[2, 2]);
}

#[test]
fn softmax_stable_for_large_inputs() {
    let t: Tensor<f32> = tensor!([1000.0, 1000.0, 0.0]);
    let s = t.softmax(0).unwrap().to_vec();
    assert_eq!(s[0], 0.5);
    assert_eq!(s[1], 0.5);
    assert_eq!(s[2], 0.0); // e^-1000 / 2 underflows to 0
    let l = t.log_softmax(0).unwrap().to_vec();
    // log_softmax = x - 1000 - ln 2.
    assert!((l[0] + 2f32.ln()).abs() < 1e-6);
    assert!((l[2] + 1000.0 + 2f32.ln()).abs() < 1e-3);
    assert!(l.iter().all(|v| v.is_finite()));
}

#[test]
fn softmax_hand_computed() {
    // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6.
    let t: Tensor<f64> = Tensor::from_vec(vec![0.0, 2f64.ln(), 3f64.ln()], &[3]).unwrap();
    assert_close(
        &t.softmax(-1).unwrap().to_vec(),
        &[1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0],
        TOL_F64,
    );
}

#[test]
fn softmax_first_axis_of_matrix() {
    // Columns of [[0, 1, 2], [3, 4, 5]] all differ by 3: [1, e^3] / (1 + e^3).
    let s = grid().softmax(0).unwrap().to_vec();
    let low = 1.0 / (1.0 + 3f64.exp());
    assert_close(
        &s,
        &[low, low, low, 1.0 - low, 1.0 - low, 1.0 - low],
        TOL_F64,
    );
}

#[test]
fn softmax_all_neg_inf_lane() {
    let t: Tensor<f32> = tensor!([[f32::NEG_INFINITY, f32::NEG_INFINITY], [0.0, 0.0]]);
    assert_eq!(t.softmax(1).unwrap().to_vec(), vec![0.0, 0.0, 0.5, 0.5]);
    let l = t.log_softmax(1).unwrap().to_vec();
    assert_eq!(l[..2], [f32::NEG_INFINITY, f32::NEG_INFINITY]);
}

// ---- property tests against naive loops ----

mod properties {
    use proptest::prelude::*;
    use tensor::Tensor;

    /// Tolerance for sums of at most a few hundred values of magnitude below 10.
    const TOL: f64 = 1e-9;

    /// Generates a tensor of rank 0 to 4 and sizes 0 to 5 with small integer values, so that
    /// ties happen.
    fn base() -> impl Strategy<Value = Tensor<f64>> {
        prop::collection::vec(prop_oneof![1 => Just(0usize), 8 => 1usize..=5], 0..=4).prop_flat_map(
            |shape| {
                let count: usize = shape.iter().product();
                prop::collection::vec(-4i32..=4, count).prop_map(move |values| {
                    let data = values.into_iter().map(f64::from).collect();
                    Tensor::from_vec(data, &shape).unwrap()
                })
            },
        )
    }

    /// Applies one of several views: none, reversed axes, a strided slice, a broadcast of the
    /// first axis, a flip, a narrow, or the first axis moved last.
    fn view(t: &Tensor<f64>, kind: u8) -> Tensor<f64> {
        let rank = t.rank();
        // NOTE: views of empty tensors are left out, because `to_vec` (the reference) cannot
        // read an empty view whose offset lies past its storage.
        if rank == 0 || t.num_elements() == 0 {
            return t.clone();
        }
        match kind % 7 {
            0 => t.clone(),
            6 => {
                let order: Vec<usize> = (1..rank).chain([0]).collect();
                t.permute(&order).unwrap()
            }
            1 => {
                let order: Vec<usize> = (0..rank).rev().collect();
                t.permute(&order).unwrap()
            }
            2 => {
                let size = t.shape()[rank - 1];
                t.slice(-1, 0, size, 2).unwrap()
            }
            3 => {
                let mut shape = t.shape().to_vec();
                shape.insert(0, 3);
                t.unsqueeze(0).unwrap().broadcast_to(&shape).unwrap()
            }
            4 => t.flip(0).unwrap(),
            _ => {
                let size = t.shape()[0];
                t.narrow(0, size / 2, size - size / 2).unwrap()
            }
        }
    }

    /// Collects the values that reduce into each output, in row-major order, and returns them
    /// with the output shape.
    fn groups(t: &Tensor<f64>, reduced: &[bool], keepdim: bool) -> (Vec<Vec<f64>>, Vec<usize>) {
        let shape = t.shape();
        let out_shape: Vec<usize> = (0..shape.len())
            .filter(|&a| keepdim || !reduced[a])
            .map(|a| if reduced[a] { 1 } else { shape[a] })
            .collect();
        let kept: Vec<usize> = (0..shape.len()).filter(|&a| !reduced[a]).collect();
        let out_count: usize = kept.iter().map(|&a| shape[a]).product();
        let mut result = vec![Vec::new(); out_count];
        for (flat, value) in t.to_vec().into_iter().enumerate() {
            // Decode the row-major multi-index, then encode the kept coordinates.
            let mut rest = flat;
            let mut index = vec![0; shape.len()];
            for a in (0..shape.len()).rev() {
                index[a] = rest % shape[a];
                rest /= shape[a];
            }
            let out = kept.iter().fold(0, |acc, &a| acc * shape[a] + index[a]);
            result[out].push(value);
        }
        (result, out_shape)
    }

    fn close(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= TOL * (1.0 + b.abs())
    }

    /// A reference reduction of one group of values.
    type Naive = fn(&[f64]) -> f64;

    fn naive_var(g: &[f64]) -> f64 {
        let n = g.len() as f64;
        let mean = g.iter().sum::<f64>() / n;
        g.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n
    }

    fn naive_logsumexp(g: &[f64]) -> f64 {
        g.iter().map(|x| x.exp()).sum::<f64>().ln()
    }

    proptest! {
        #[test]
        fn reductions_match_naive_loops(
            t in base(),
            kind in 0u8..7,
            mask in prop::collection::vec(any::<bool>(), 5),
            keepdim in any::<bool>(),
        ) {
            let t = view(&t, kind);
            let rank = t.rank();
            let reduced: Vec<bool> = mask[..rank].to_vec();
            let axes: Vec<isize> = (0..rank).filter(|&a| reduced[a]).map(|a| a as isize).collect();
            // An empty axis list means every axis.
            let reduced = if axes.is_empty() { vec![true; rank] } else { reduced };
            let (groups, out_shape) = groups(&t, &reduced, keepdim);

            let cases: [(&str, Tensor<f64>, Naive); 4] = [
                ("sum", t.sum(&axes, keepdim).unwrap(), |g| g.iter().sum()),
                ("mean", t.mean(&axes, keepdim).unwrap(), |g| g.iter().sum::<f64>() / g.len() as f64),
                ("var", t.var(&axes, keepdim).unwrap(), naive_var),
                ("logsumexp", t.logsumexp(&axes, keepdim).unwrap(), naive_logsumexp),
            ];
            for (name, got, reference) in cases {
                prop_assert_eq!(got.shape(), &out_shape[..], "{} shape", name);
                for (g, v) in groups.iter().zip(got.to_vec()) {
                    prop_assert!(close(v, reference(g)), "{}: {} vs {} for {:?}", name, v, reference(g), g);
                }
            }

            // As NumPy, `max` and `min` reject zero reduced elements even when the output is
            // empty.
            let reduced_count: usize = (0..rank).filter(|&a| reduced[a]).map(|a| t.shape()[a]).product();
            let nonempty = reduced_count > 0;
            let max = t.max(&axes, keepdim);
            let min = t.min(&axes, keepdim);
            prop_assert_eq!(max.is_ok(), nonempty);
            prop_assert_eq!(min.is_ok(), nonempty);
            if nonempty {
                let (max, min) = (max.unwrap(), min.unwrap());
                prop_assert_eq!(max.shape(), &out_shape[..]);
                for ((g, hi), lo) in groups.iter().zip(max.to_vec()).zip(min.to_vec()) {
                    prop_assert_eq!(hi, g.iter().copied().fold(f64::NEG_INFINITY, f64::max));
                    prop_assert_eq!(lo, g.iter().copied().fold(f64::INFINITY, f64::min));
                }
            }
        }

        #[test]
        fn f32_rows_match_f64_reference(
            rows in 1usize..4,
            len in 1usize..70,
            seed in any::<u64>(),
            transpose in any::<bool>(),
        ) {
            // Row lengths around the 8 lanes of f32x8 and the 32-element accumulator block.
            let values: Vec<f32> = (0..rows * len)
                .map(|i| {
                    let mixed = (i as u64 + 1).wrapping_mul(seed | 1).rotate_left(17);
                    (mixed % 20_001) as f32 / 100.0 - 100.0
                })
                .collect();
            let t = Tensor::from_vec(values.clone(), &[rows, len]).unwrap();
            // Reducing axis 1 of `t` runs the SIMD rows; axis 0 of `t.t()` reads the same rows
            // through the transposed layout.
            let (source, axis) = if transpose { (t.t().unwrap(), 0) } else { (t, 1) };
            let sum = source.sum(&[axis], false).unwrap().to_vec();
            let max = source.max(&[axis], false).unwrap().to_vec();
            let var = source.var(&[axis], false).unwrap().to_vec();
            let argmin = source.argmin(axis, false).unwrap();
            let lse = source.logsumexp(&[axis], false).unwrap().to_vec();
            let soft = source.softmax(axis).unwrap().contiguous();
            let soft = if transpose { soft.t().unwrap().to_vec() } else { soft.to_vec() };
            for r in 0..rows {
                let row = &values[r * len..(r + 1) * len];
                let exact: f64 = row.iter().map(|&x| f64::from(x)).sum();
                let bound = 1e-5 * row.iter().map(|&x| f64::from(x.abs())).sum::<f64>() + 1e-4;
                prop_assert!((f64::from(sum[r]) - exact).abs() <= bound, "sum {} vs {}", sum[r], exact);
                let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                prop_assert_eq!(max[r], top);
                let mean = exact / len as f64;
                let exact_var = row.iter().map(|&x| (f64::from(x) - mean).powi(2)).sum::<f64>() / len as f64;
                prop_assert!((f64::from(var[r]) - exact_var).abs() <= 1e-4 * (1.0 + exact_var));
                let low = row.iter().copied().fold(f32::INFINITY, f32::min);
                prop_assert_eq!(argmin.as_slice()[r], row.iter().position(|&x| x == low).unwrap());

                // The f32 `exp` is vectorised; compare with f64 within a few units in the last
                // place of each term.
                let top = f64::from(top);
                let terms: Vec<f64> = row.iter().map(|&x| (f64::from(x) - top).exp()).collect();
                let total: f64 = terms.iter().sum();
                let exact_lse = top + total.ln();
                prop_assert!((f64::from(lse[r]) - exact_lse).abs() <= 1e-5 * (1.0 + exact_lse.abs()));
                for (i, term) in terms.iter().enumerate() {
                    let p = f64::from(soft[r * len + i]);
                    prop_assert!((p - term / total).abs() <= 1e-6, "softmax {} vs {}", p, term / total);
                }
            }
        }

        #[test]
        fn argmax_matches_naive_loop(
            t in base(),
            kind in 0u8..7,
            axis_seed in 0usize..5,
            keepdim in any::<bool>(),
        ) {
            let t = view(&t, kind);
            prop_assume!(t.rank() > 0);
            let axis = axis_seed % t.rank();
            let mut reduced = vec![false; t.rank()];
            reduced[axis] = true;
            let (groups, out_shape) = groups(&t, &reduced, keepdim);
            let result = t.argmax(axis as isize, keepdim);
            let result_min = t.argmin(axis as isize, keepdim);
            if t.shape()[axis] == 0 {
                prop_assert!(result.is_err());
                prop_assert!(result_min.is_err());
                return Ok(());
            }
            let (result, result_min) = (result.unwrap(), result_min.unwrap());
            prop_assert_eq!(result.shape(), &out_shape[..]);
            for ((g, &i), &j) in groups.iter().zip(result.as_slice()).zip(result_min.as_slice()) {
                let hi = g.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lo = g.iter().copied().fold(f64::INFINITY, f64::min);
                prop_assert_eq!(i, g.iter().position(|&x| x == hi).unwrap());
                prop_assert_eq!(j, g.iter().position(|&x| x == lo).unwrap());
            }
        }

        #[test]
        fn softmax_rows_sum_to_one(
            t in base(),
            kind in 0u8..7,
            axis_seed in 0usize..5,
            scale in prop_oneof![Just(1.0), Just(300.0)],
        ) {
            let t = view(&t, kind).mul_scalar(scale);
            prop_assume!(t.rank() > 0);
            let axis = (axis_seed % t.rank()) as isize;
            let s = t.softmax(axis).unwrap();
            let l = t.log_softmax(axis).unwrap();
            prop_assert_eq!(s.shape(), t.shape());
            for (a, b) in s.to_vec().into_iter().zip(l.to_vec()) {
                prop_assert!(a.is_finite() && b.is_finite());
                prop_assert!((a - b.exp()).abs() <= 1e-12, "{} vs exp({})", a, b);
            }
            // Every lane along `axis` sums to 1.
            prop_assume!(t.dim(axis).unwrap() > 0);
            let sums = s.sum(&[axis], false).unwrap();
            for total in sums.to_vec() {
                prop_assert!((total - 1.0).abs() <= 1e-12, "lane sums to {}", total);
            }
        }
    }
}

// ---- threads and large inputs ----

/// Values whose float sums depend on the order of addition.
fn irregular(len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| ((i * 2_654_435_761usize) % 10_007) as f32 / 997.0 - 5.0)
        .collect()
}

#[test]
fn results_independent_of_thread_count() {
    // Both inputs are above the threshold from which reductions use threads (2^21).
    let t = Tensor::from_vec(irregular(1100 * 2000), &[1100, 2000]).unwrap();
    let long = Tensor::from_vec(irregular(2_200_003), &[2_200_003]).unwrap();
    // One block of 300 columns: the column kernels cut it into narrower blocks on threads.
    let tall = Tensor::from_vec(irregular(7500 * 300), &[7500, 300]).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut bits = Vec::new();
            for result in [
                t.sum(&[0], false).unwrap(),
                t.max(&[0], false).unwrap(),
                tall.sum(&[0], false).unwrap(),
                tall.var(&[0], false).unwrap(),
                t.sum(&[1], false).unwrap(),
                t.var(&[0], false).unwrap(),
                t.logsumexp(&[1], false).unwrap(),
                long.sum(&[], false).unwrap(),
                t.softmax(0).unwrap(),
            ] {
                bits.extend(result.to_vec().into_iter().map(f32::to_bits));
            }
            bits.push(long.sum_all().to_bits());
            bits
        })
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn large_sums_match_f64_reference() {
    let values = irregular(300 * 700);
    let t = Tensor::from_vec(values.clone(), &[300, 700]).unwrap();
    for (axis, outputs, stride_out, stride_in) in [(0isize, 700, 1, 700), (1, 300, 700, 1)] {
        let got = t.sum(&[axis], false).unwrap().to_vec();
        let count = if axis == 0 { 300 } else { 700 };
        for (o, &g) in got.iter().enumerate().take(outputs) {
            let reference: f64 = (0..count)
                .map(|i| f64::from(values[o * stride_out + i * stride_in]))
                .sum();
            assert!(
                (f64::from(g) - reference).abs() < 1e-2,
                "axis {axis} output {o}"
            );
        }
    }
}

#[test]
fn softmax_nan_and_inf_lanes() {
    let t: Tensor<f64> = tensor!([[f64::NAN, 0.0], [f64::INFINITY, 0.0], [1.0, 1.0]]);
    let s = t.softmax(1).unwrap().to_vec();
    assert!(s[..4].iter().all(|v| v.is_nan()), "{s:?}");
    assert_eq!(s[4..], [0.5, 0.5]);
}

#[test]
fn softmax_columns_with_nan_and_inf() {
    // Axis 0 runs the block kernel: column 0 holds NaN, column 1 holds +inf.
    let t: Tensor<f64> = tensor!([[f64::NAN, f64::INFINITY, 1.0], [0.0, 0.0, 1.0]]);
    for s in [t.softmax(0).unwrap(), t.log_softmax(0).unwrap()] {
        let s = s.to_vec();
        assert!([s[0], s[1], s[3], s[4]].iter().all(|v| v.is_nan()), "{s:?}");
        assert!(s[2].is_finite() && s[5].is_finite(), "{s:?}");
    }
}

#[test]
fn softmax_columns_with_neg_inf() {
    // Axis 0 of a 2 x 3 matrix: column 0 is all -inf, the others are ordinary.
    let n = f64::NEG_INFINITY;
    let t: Tensor<f64> = tensor!([[n, 0.0, 5.0], [n, 0.0, f64::NEG_INFINITY]]);
    let s = t.softmax(0).unwrap().to_vec();
    assert_eq!(s, vec![0.0, 0.5, 1.0, 0.0, 0.5, 0.0]);
    let l = t.log_softmax(0).unwrap().to_vec();
    assert_eq!(l[0], n);
    assert_eq!(l[3], n);
    assert!((l[1] + 2f64.ln()).abs() < 1e-15);
    assert_eq!(l[2], 0.0);
    assert_eq!(l[5], n);
}

#[test]
fn empty_view_past_storage_end() {
    // Shape [4, 0] has no storage; narrowing axis 0 moves the offset past its end.
    let e = Tensor::<f32>::zeros(&[4, 0]).narrow(0, 2, 2).unwrap();
    assert_eq!(e.sum(&[1], false).unwrap().shape(), &[2]);
    assert_eq!(e.sum(&[0], false).unwrap().shape(), &[0]);
    assert_eq!(e.sum_all(), 0.0);
    assert!(e.max(&[1], false).is_err());
    assert_eq!(e.softmax(1).unwrap().shape(), &[2, 0]);
    assert_eq!(e.log_softmax(0).unwrap().shape(), &[2, 0]);
}
