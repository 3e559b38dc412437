//! Elementwise operations on views: for random chains of view operations (transpose, narrow,
//! slice with a step, flip, select, broadcast_to, unsqueeze, permute, reshape), every operation
//! must give the same values on the view as on a contiguous copy of it.

use proptest::prelude::*;
use tensor::Tensor;

/// One step of a view chain; the numbers are reduced modulo the current sizes when applied, so
/// every step is valid or skipped.
#[derive(Clone, Debug)]
enum ViewStep {
    Transpose(usize, usize),
    Narrow(usize, usize, usize),
    Slice(usize, usize, usize, isize),
    Flip(usize),
    Select(usize, usize),
    BroadcastLeading(usize),
    BroadcastUnit(usize, usize),
    Unsqueeze(usize),
    Permute(u64),
    Reshape,
}

fn view_step() -> impl Strategy<Value = ViewStep> {
    prop_oneof![
        (0usize..8, 0usize..8).prop_map(|(a, b)| ViewStep::Transpose(a, b)),
        (0usize..8, 0usize..8, 0usize..8).prop_map(|(a, s, l)| ViewStep::Narrow(a, s, l)),
        (
            0usize..8,
            0usize..8,
            0usize..8,
            prop_oneof![Just(2isize), Just(3), Just(-1), Just(-2)]
        )
            .prop_map(|(a, s, e, step)| ViewStep::Slice(a, s, e, step)),
        (0usize..8).prop_map(ViewStep::Flip),
        (0usize..8, 0usize..8).prop_map(|(a, i)| ViewStep::Select(a, i)),
        (1usize..4).prop_map(ViewStep::BroadcastLeading),
        (0usize..8, 2usize..4).prop_map(|(a, n)| ViewStep::BroadcastUnit(a, n)),
        (0usize..8).prop_map(ViewStep::Unsqueeze),
        any::<u64>().prop_map(ViewStep::Permute),
        Just(ViewStep::Reshape),
    ]
}

/// Applies one step to `t`, or returns `t` unchanged when the step does not fit its shape.
fn apply_step(t: &Tensor<f32>, step: &ViewStep) -> Tensor<f32> {
    let rank = t.rank();
    let shape = t.shape().to_vec();
    let result = match *step {
        _ if rank == 0
            && !matches!(step, ViewStep::Unsqueeze(_) | ViewStep::BroadcastLeading(_)) =>
        {
            return t.clone()
        }
        ViewStep::Transpose(a, b) => t.transpose((a % rank) as isize, (b % rank) as isize),
        ViewStep::Narrow(a, s, l) => {
            let axis = a % rank;
            let start = s % (shape[axis] + 1);
            let len = l % (shape[axis] - start + 1);
            t.narrow(axis as isize, start, len)
        }
        ViewStep::Slice(a, s, e, step) => {
            let axis = a % rank;
            let size = shape[axis];
            if step > 0 {
                let start = s % (size + 1);
                let end = start + e % (size - start + 1);
                t.slice(axis as isize, start, end, step)
            } else if size == 0 {
                return t.clone();
            } else {
                t.slice(axis as isize, s % size, usize::MAX, step)
            }
        }
        ViewStep::Flip(a) => t.flip((a % rank) as isize),
        ViewStep::Select(a, i) => {
            let axis = a % rank;
            if shape[axis] == 0 {
                return t.clone();
            }
            t.select(axis as isize, i % shape[axis])
        }
        ViewStep::BroadcastLeading(n) => {
            if rank >= 4 {
                return t.clone();
            }
            let mut target = vec![n];
            target.extend_from_slice(&shape);
            t.broadcast_to(&target)
        }
        ViewStep::BroadcastUnit(a, n) => {
            let axis = a % rank;
            if shape[axis] != 1 {
                return t.clone();
            }
            let mut target = shape.clone();
            target[axis] = n;
            t.broadcast_to(&target)
        }
        ViewStep::Unsqueeze(a) => {
            if rank >= 4 {
                return t.clone();
            }
            t.unsqueeze((a % (rank + 1)) as isize)
        }
        ViewStep::Permute(seed) => {
            let mut order: Vec<usize> = (0..rank).collect();
            let mut s = seed;
            for i in (1..rank).rev() {
                order.swap(i, (s % (i as u64 + 1)) as usize);
                s /= i as u64 + 1;
            }
            t.permute(&order)
        }
        ViewStep::Reshape => {
            // Merge the first two axes (a view or a copy, whichever `reshape` needs).
            if rank < 2 {
                return t.clone();
            }
            let mut target: Vec<isize> = vec![(shape[0] * shape[1]) as isize];
            target.extend(shape[2..].iter().map(|&s| s as isize));
            t.reshape(&target)
        }
    };
    result.expect("view steps are reduced to valid arguments")
}

/// Strategy: a base tensor of rank 1 to 4 (sizes 1 to 5) and a chain of up to 6 view steps.
fn view_case() -> impl Strategy<Value = (Tensor<f32>, Vec<ViewStep>)> {
    prop::collection::vec(1usize..=5, 1..=4)
        .prop_flat_map(|shape| {
            let len: usize = shape.iter().product();
            (
                Just(shape),
                prop::collection::vec(-3.0f32..3.0, len),
                prop::collection::vec(view_step(), 0..=6),
            )
        })
        .prop_map(|(shape, data, steps)| (Tensor::from_vec(data, &shape).unwrap(), steps))
}

fn bits(t: &Tensor<f32>) -> Vec<u32> {
    t.to_vec().iter().map(|v| v.to_bits()).collect()
}

type UnaryOp = fn(&Tensor<f32>) -> Tensor<f32>;

fn unary_ops() -> Vec<(&'static str, UnaryOp)> {
    vec![
        ("neg", |t| t.neg()),
        ("abs", |t| t.abs()),
        ("exp", |t| t.exp()),
        ("ln", |t| t.ln()),
        ("sqrt", |t| t.sqrt()),
        ("recip", |t| t.recip()),
        ("tanh", |t| t.tanh()),
        ("sigmoid", |t| t.sigmoid()),
        ("relu", |t| t.relu()),
        ("square", |t| t.square()),
        ("powf", |t| t.powf(3.0)),
        ("map", |t| t.map(|v| v * 0.5 + 1.0)),
        ("clamp", |t| t.clamp(-1.0, 0.5).unwrap()),
        ("add_scalar", |t| t.add_scalar(0.25)),
        ("sub_scalar", |t| t.sub_scalar(0.25)),
        ("mul_scalar", |t| t.mul_scalar(-1.5)),
        ("div_scalar", |t| t.div_scalar(3.0)),
        ("rsub_scalar", |t| t.rsub_scalar(1.0)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn unary_on_views_match_contiguous((base, steps) in view_case()) {
        let view = steps.iter().fold(base, |t, step| apply_step(&t, step));
        let copy = view.contiguous();
        prop_assert!(copy.is_contiguous());
        for (name, op) in unary_ops() {
            let got = op(&view);
            prop_assert_eq!(got.shape(), view.shape(), "{} shape", name);
            prop_assert_eq!(bits(&got), bits(&op(&copy)), "{} on shape {:?} strides {:?}", name, view.shape(), view.strides());
        }
    }

    #[test]
    fn binary_on_views_match_contiguous((base, steps) in view_case()) {
        let view = steps.iter().fold(base, |t, step| apply_step(&t, step));
        let copy = view.contiguous();
        // A second operand with another layout of the same shape: the view reversed on axis 0.
        let other = if view.rank() > 0 { view.flip(0).unwrap() } else { view.clone() };
        let other_copy = other.contiguous();
        prop_assert_eq!(bits(&view.add(&other).unwrap()), bits(&copy.add(&other_copy).unwrap()));
        prop_assert_eq!(bits(&view.mul(&other).unwrap()), bits(&copy.mul(&other_copy).unwrap()));
        prop_assert_eq!(bits(&view.div(&other).unwrap()), bits(&copy.div(&other_copy).unwrap()));
        prop_assert_eq!(bits(&view.maximum(&other).unwrap()), bits(&copy.maximum(&other_copy).unwrap()));
        prop_assert_eq!(bits(&view.lt(&other).unwrap()), bits(&copy.lt(&other_copy).unwrap()));
        let selected = Tensor::where_cond(&view.gt(&other).unwrap(), &view, &other).unwrap();
        prop_assert_eq!(bits(&selected), bits(&copy.maximum(&other_copy).unwrap()));
    }

    #[test]
    fn inplace_on_views_match_contiguous((base, steps) in view_case()) {
        let view = steps.iter().fold(base.clone(), |t, step| apply_step(&t, step));
        let copy = view.contiguous();
        let other = if view.rank() > 0 { view.flip(0).unwrap() } else { view.clone() };

        let mut updated = view.clone();
        updated.scaled_add_inplace(2.0, &other).unwrap();
        let mut want = copy.clone();
        want.scaled_add_inplace(2.0, &other.contiguous()).unwrap();
        prop_assert_eq!(bits(&updated), bits(&want));

        let mut mapped = view.clone();
        mapped.mul_scalar_inplace(3.0);
        mapped.map_inplace(|v| v - 1.0);
        prop_assert_eq!(bits(&mapped), bits(&copy.mul_scalar(3.0).sub_scalar(1.0)));

        // The view itself is unchanged: the updates wrote to copies.
        prop_assert_eq!(bits(&view), bits(&copy));
    }
}

#[test]
fn transposed_matrix_exp() {
    // exp of [[0, 1], [2, 3]] transposed is exp of [[0, 2], [1, 3]].
    let m = Tensor::<f64>::from_vec(vec![0.0, 1.0, 2.0, 3.0], &[2, 2]).unwrap();
    let got = m.t().unwrap().exp().to_vec();
    let want: Vec<f64> = [0.0f64, 2.0, 1.0, 3.0].iter().map(|v| v.exp()).collect();
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() <= 1e-15 * w, "got {g}, want {w}");
    }
}

#[test]
fn broadcast_view_input_to_unary() {
    // A [3] vector broadcast to [2, 3] has stride 0 on axis 0.
    let row = Tensor::<f32>::from_vec(vec![-1.0, 0.0, 2.0], &[3]).unwrap();
    let wide = row.broadcast_to(&[2, 3]).unwrap();
    assert_eq!(wide.strides(), &[0, 1]);
    assert_eq!(wide.relu().to_vec(), vec![0.0, 0.0, 2.0, 0.0, 0.0, 2.0]);
    let column = Tensor::<f32>::from_vec(vec![4.0, 9.0], &[2, 1]).unwrap();
    let tall = column.broadcast_to(&[2, 3]).unwrap();
    assert_eq!(tall.sqrt().to_vec(), vec![2.0, 2.0, 2.0, 3.0, 3.0, 3.0]);
}

#[test]
fn stepped_slice_add_scalar() {
    // Elements 0, 2, 4 of [0, 1, 2, 3, 4, 5] plus 10.
    let v = Tensor::<f32>::arange(0.0, 6.0, 1.0).unwrap();
    let stepped = v.slice(0, 0, 6, 2).unwrap();
    assert_eq!(stepped.add_scalar(10.0).to_vec(), vec![10.0, 12.0, 14.0]);
    let reversed = v.flip(0).unwrap();
    assert_eq!(
        reversed.mul_scalar(2.0).to_vec(),
        vec![10.0, 8.0, 6.0, 4.0, 2.0, 0.0]
    );
}
