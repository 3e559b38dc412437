//! Behaviour of the tape itself: accumulation, constants, detach, no-grad mode, clearing and
//! reuse, keyed leaves, custom operations, error cases, and the `Debug` and DOT output.

use autodiff::{check_gradients, AutodiffError, Tape, Var};
use tensor::Tensor;

fn vector(values: &[f64]) -> Tensor<f64> {
    Tensor::from_vec(values.to_vec(), &[values.len()]).unwrap()
}

#[test]
fn variable_used_twice_accumulates() {
    // y = sum(x * x + x): dy/dx = 2x + 1.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, -2.0, 3.0]));
    let y = x.mul(&x).unwrap().add(&x).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap();
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![3.0, -3.0, 7.0]);
}

#[test]
fn detach_stops_gradient() {
    // y = sum(x * detach(x)): only the first factor is differentiated, so dy/dx = x.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, -2.0]));
    let frozen = x.detach();
    assert!(!frozen.requires_grad());
    let y = x.mul(&frozen).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap();
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![1.0, -2.0]);
    assert!(g.get(&frozen).is_none());
}

#[test]
fn constant_takes_no_gradient() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let c = tape.constant(vector(&[3.0, 4.0]));
    let y = x.mul(&c).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap();
    assert!(g.get(&c).is_none());
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![3.0, 4.0]);
    assert_eq!(g.len(), 1);
}

#[test]
fn operation_on_constants_is_untracked() {
    let tape = Tape::<f64>::new();
    let c = tape.constant(vector(&[1.0]));
    let y = c.exp().unwrap();
    assert!(!y.requires_grad());
    assert_eq!(tape.len(), 0);
}

#[test]
fn no_grad_records_nothing() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let before = tape.len();
    let y = tape.no_grad(|| {
        let inner = tape.leaf(vector(&[5.0]));
        assert!(!inner.requires_grad());
        x.exp().unwrap().sum(&[], false).unwrap()
    });
    assert_eq!(tape.len(), before);
    assert!(!y.requires_grad());
    assert!(!tape.is_no_grad());
    // Recording resumes after the closure.
    assert!(x.exp().unwrap().requires_grad());
}

#[test]
fn no_grad_nests() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    tape.no_grad(|| {
        tape.no_grad(|| assert!(tape.is_no_grad()));
        assert!(!x.exp().unwrap().requires_grad());
    });
    assert!(x.exp().unwrap().requires_grad());
}

#[test]
fn clear_allows_reuse_without_growth() {
    let tape = Tape::<f64>::new();
    let mut weight = vector(&[0.5, -0.5]);
    let mut lengths = Vec::new();
    for _ in 0..50 {
        tape.clear();
        let w = tape.leaf_keyed(7, &weight);
        let loss = w.square().unwrap().sum(&[], false).unwrap();
        lengths.push(tape.len());
        let grads = tape.backward(&loss).unwrap();
        weight
            .scaled_add_inplace(-0.25, grads.get_key(7).unwrap())
            .unwrap();
    }
    // Every step records the same three nodes: leaf, square, sum.
    assert!(lengths.iter().all(|&n| n == 3), "{lengths:?}");
    // w <- w - 0.25 * 2w = w / 2 each step.
    assert!(weight.to_vec()[0].abs() < 1e-12);
}

#[test]
fn stale_var_after_clear_is_an_error() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    tape.clear();
    assert!(tape.is_empty());
    let err = x.exp().unwrap_err();
    assert!(
        matches!(err, AutodiffError::StaleVar { op: "exp", .. }),
        "{err}"
    );
}

#[test]
fn leaf_keyed_returns_same_variable() {
    let tape = Tape::<f64>::new();
    let a = tape.leaf_keyed(1, &vector(&[2.0]));
    let b = tape.leaf_keyed(1, &vector(&[99.0]));
    assert_eq!(a.id(), b.id());
    assert_eq!(b.value().to_vec(), vec![2.0]);
    assert_eq!(tape.len(), 1);
    // y = a * b = a^2 through two handles of one leaf: dy/da = 2a = 4.
    let y = a.mul(&b).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap();
    assert_eq!(g.get_key(1).unwrap().to_vec(), vec![4.0]);
    assert_eq!(g.get(&a).unwrap().to_vec(), vec![4.0]);
    // After a clear the key binds a fresh leaf.
    tape.clear();
    let c = tape.leaf_keyed(1, &vector(&[3.0]));
    assert_ne!(c.id(), a.id());
    assert_eq!(c.value().to_vec(), vec![3.0]);
}

#[test]
fn retain_grad_keeps_intermediate() {
    // h = 3x, y = sum(h^2): dy/dh = 2h = 6x, dy/dx = 18x.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let h = x.mul_scalar(3.0).unwrap();
    tape.retain_grad(&h).unwrap();
    let y = h.square().unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap();
    assert_eq!(g.get(&h).unwrap().to_vec(), vec![6.0, 12.0]);
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![18.0, 36.0]);
}

#[test]
fn backward_rejects_non_scalar_output() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::zeros(&[2, 3]));
    let err = tape.backward(&x.exp().unwrap()).unwrap_err();
    assert!(err.to_string().contains("[2, 3]"), "{err}");
    assert!(matches!(err, AutodiffError::NonScalarOutput { .. }));
}

#[test]
fn backward_with_seed_weights_output() {
    // y = 2x with seed s: dx = 2s.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 1.0, 1.0]));
    let y = x.mul_scalar(2.0).unwrap();
    let g = tape
        .backward_with_seed(&y, &vector(&[1.0, 0.0, -1.0]))
        .unwrap();
    assert_eq!(g.get(&x).unwrap().to_vec(), vec![2.0, 0.0, -2.0]);
    assert!(matches!(
        tape.backward_with_seed(&y, &vector(&[1.0])),
        Err(AutodiffError::SeedShape { .. })
    ));
}

#[test]
fn backward_of_untracked_output_is_empty() {
    let tape = Tape::<f64>::new();
    let c = tape.constant(Tensor::scalar(1.0));
    assert!(tape.backward(&c).unwrap().is_empty());
}

#[test]
fn variables_of_two_tapes_do_not_mix() {
    let first = Tape::<f64>::new();
    let second = Tape::<f64>::new();
    let a = first.leaf(vector(&[1.0]));
    let b = second.leaf(vector(&[1.0]));
    assert!(matches!(a.add(&b), Err(AutodiffError::ForeignVar { .. })));
    // A detached value is a constant and may cross over.
    assert!(a.add(&b.detach()).unwrap().requires_grad());
}

/// y = x^2 as a custom node whose backward rule returns `factor * x * g`.
fn square_with_rule(tape: &Tape<f64>, x: &Var<f64>, factor: f64) -> autodiff::Result<Var<f64>> {
    let saved = x.value().clone();
    tape.custom_op("square", &[x], saved.square(), move |g| {
        Ok(vec![Some(g.mul(&saved.mul_scalar(factor))?)])
    })
}

#[test]
fn custom_op_with_correct_rule_passes_check() {
    let x = vector(&[0.5, -1.5, 2.0]);
    let report = check_gradients(
        |tape, v| square_with_rule(tape, &v[0], 2.0)?.sum(&[], false),
        &[x],
        1e-6,
    )
    .unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn checker_catches_wrong_backward_rule() {
    // The true derivative of x^2 is 2x; a rule returning 3x must be reported.
    let x = vector(&[0.5, -1.5, 2.0]);
    let report = check_gradients(
        |tape, v| square_with_rule(tape, &v[0], 3.0)?.sum(&[], false),
        &[x],
        1e-6,
    )
    .unwrap();
    assert!(!report.passed());
    assert_eq!(report.failures, 3);
    // Worst element: x = 2, analytic 3 * 2 = 6, numerical 2 * 2 = 4.
    let worst = report.worst.unwrap();
    assert_eq!(worst.index, vec![2]);
    assert!((worst.analytic - 6.0).abs() < 1e-12);
    assert!((worst.numerical - 4.0).abs() < 1e-6);
}

#[test]
fn custom_op_wrong_gradient_shape_is_an_error() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let y = tape
        .custom_op("broken", &[&x], vector(&[3.0]), |_| {
            Ok(vec![Some(Tensor::zeros(&[3]))])
        })
        .unwrap();
    let err = tape.backward(&y).unwrap_err();
    assert!(
        matches!(err, AutodiffError::GradientShape { op: "broken", .. }),
        "{err}"
    );
}

#[test]
fn custom_op_wrong_gradient_count_is_an_error() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    let y = tape
        .custom_op("broken", &[&x], vector(&[1.0]), |g| {
            Ok(vec![Some(g.clone()), None])
        })
        .unwrap();
    assert!(matches!(
        tape.backward(&y),
        Err(AutodiffError::GradientCount {
            expected: 1,
            got: 2,
            ..
        })
    ));
}

#[test]
fn recording_inside_backward_rule_is_an_error() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    let inner_tape = tape.clone();
    let inner_x = x.clone();
    let y = tape
        .custom_op("records", &[&x], vector(&[1.0]), move |g| {
            inner_x.exp()?;
            let _ = &inner_tape;
            Ok(vec![Some(g.clone())])
        })
        .unwrap();
    assert!(matches!(
        tape.backward(&y),
        Err(AutodiffError::TapeBusy { .. })
    ));
}

#[test]
fn debug_lists_nodes_in_order() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let w = tape.leaf_keyed(5, &vector(&[3.0, 4.0]));
    let c = tape.constant(vector(&[1.0, 1.0]));
    let _ = x.mul(&w).unwrap().add(&c).unwrap();
    let text = format!("{tape:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[0].starts_with("Tape<f64> (4 nodes)"), "{text}");
    assert!(lines[1].trim().starts_with("#0 leaf -> [2]"), "{text}");
    assert!(
        lines[2].trim().starts_with("#1 leaf(key 5) -> [2]"),
        "{text}"
    );
    assert!(
        lines[3].trim().starts_with("#2 mul(#0, #1) -> [2]"),
        "{text}"
    );
    assert!(
        lines[4].trim().starts_with("#3 add(#2, const[2]) -> [2]"),
        "{text}"
    );
}

#[test]
fn dot_export_contains_reachable_graph() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let unrelated = tape.leaf(vector(&[0.0]));
    let c = tape.constant(vector(&[1.0, 1.0]));
    let y = x.mul(&c).unwrap().sum(&[], false).unwrap();
    let _ = unrelated.exp().unwrap();
    let dot = tape.to_dot(&y);
    assert!(dot.starts_with("digraph tape {"), "{dot}");
    assert!(dot.contains("n0 -> n2;"), "{dot}");
    assert!(dot.contains("n2 -> n3;"), "{dot}");
    assert!(dot.contains("c2_1 -> n2;"), "{dot}");
    assert!(dot.contains("label=\"sum #3\\n[]\""), "{dot}");
    // The unrelated leaf (#1) and its exp (#4) are not part of y's graph.
    assert!(!dot.contains("n1 "), "{dot}");
    assert!(!dot.contains("n4 "), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
}

#[test]
fn dot_export_of_stale_variable_names_reason() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    tape.clear();
    let dot = tape.to_dot(&x);
    assert!(dot.contains("cleared"), "{dot}");
}

#[test]
fn backward_runs_twice_on_one_tape() {
    // The rules are kept after a backward pass, so a second pass gives the same result.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0, 2.0]));
    let y = x.square().unwrap().sum(&[], false).unwrap();
    let first = tape.backward(&y).unwrap().get(&x).unwrap().to_vec();
    let second = tape.backward(&y).unwrap().get(&x).unwrap().to_vec();
    assert_eq!(first, vec![2.0, 4.0]);
    assert_eq!(second, first);
}

#[test]
fn long_chain_backward_does_not_recurse() {
    // 10,000 nodes in a line: the backward walk is a loop, so depth cannot overflow the stack.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(vector(&[1.0]));
    let mut y = x.clone();
    for _ in 0..10_000 {
        y = y.mul_scalar(1.0001).unwrap();
    }
    let g = tape.backward(&y.sum(&[], false).unwrap()).unwrap();
    let expected = 1.0001f64.powi(10_000);
    assert!((g.get(&x).unwrap().to_vec()[0] - expected).abs() < 1e-9 * expected);
    assert_eq!(tape.len(), 10_002);
}
