//! Gradient checks for the elementwise operations of one variable and for scalar arithmetic,
//! plus the documented values at the kinks (relu and abs at 0, sqrt at 0, clamp bounds).

mod common;

use autodiff::Tape;
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Declares one property test per unary operation: `name: values => |x| expression`.
macro_rules! unary_grad_tests {
    ($($name:ident: $values:expr => |$x:ident| $body:expr;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name(input in arb_any_tensor(0, 4, $values), seed in any::<u64>()) {
                    check_op(|v| { let $x = &v[0]; $body }, &[input], seed)?;
                }
            )*
        }
    };
}

unary_grad_tests! {
    neg_grad: smooth() => |x| x.neg();
    exp_grad: smooth() => |x| x.exp();
    ln_grad: positive() => |x| x.ln();
    sqrt_grad: positive() => |x| x.sqrt();
    recip_grad: away_from_zero() => |x| x.recip();
    tanh_grad: smooth() => |x| x.tanh();
    sigmoid_grad: smooth() => |x| x.sigmoid();
    relu_grad: away_from_zero() => |x| x.relu();
    abs_grad: away_from_zero() => |x| x.abs();
    square_grad: smooth() => |x| x.square();
    powf_grad: positive() => |x| x.powf(1.7);
    powf_integer_exponent_grad: smooth() => |x| x.powf(3.0);
    add_scalar_grad: smooth() => |x| x.add_scalar(0.7);
    sub_scalar_grad: smooth() => |x| x.sub_scalar(0.7);
    rsub_scalar_grad: smooth() => |x| x.rsub_scalar(0.7);
    mul_scalar_grad: smooth() => |x| x.mul_scalar(-1.3);
    div_scalar_grad: smooth() => |x| x.div_scalar(0.4);
}

/// Values in [-2, 2] at least 0.05 away from the clamp bounds -0.5 and 1.
fn away_from_bounds() -> impl Strategy<Value = f64> + Clone {
    smooth().prop_filter("near a clamp bound", |v| {
        (v + 0.5).abs() > 0.05 && (v - 1.0).abs() > 0.05
    })
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn clamp_grad(input in arb_any_tensor(0, 4, away_from_bounds()), seed in any::<u64>()) {
        check_op(|v| v[0].clamp(-0.5, 1.0), &[input], seed)?;
    }
}

fn grad_of(
    f: impl Fn(&autodiff::Var<f64>) -> autodiff::Result<autodiff::Var<f64>>,
    x: &[f64],
) -> Vec<f64> {
    let tape = Tape::new();
    let v = tape.leaf(Tensor::from_vec(x.to_vec(), &[x.len()]).unwrap());
    let y = f(&v).unwrap().sum(&[], false).unwrap();
    tape.backward(&y).unwrap().get(&v).unwrap().to_vec()
}

#[test]
fn relu_grad_at_zero_is_zero() {
    assert_eq!(
        grad_of(|x| x.relu(), &[-1.0, 0.0, 2.0]),
        vec![0.0, 0.0, 1.0]
    );
}

#[test]
fn abs_grad_at_zero_is_zero() {
    assert_eq!(
        grad_of(|x| x.abs(), &[-1.0, 0.0, 2.0]),
        vec![-1.0, 0.0, 1.0]
    );
}

#[test]
fn sqrt_grad_at_zero_stays_in_its_element() {
    // d sqrt(x)/dx = 1 / (2 sqrt x): +inf at 0, 1/4 at 4.
    let g = grad_of(|x| x.sqrt(), &[0.0, 4.0]);
    assert_eq!(g[0], f64::INFINITY);
    assert_eq!(g[1], 0.25);
}

#[test]
fn sqrt_zero_upstream_gives_zero() {
    // y = sqrt(x) * [0, 1]: the zero upstream gradient must not turn 0 * inf into NaN.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![0.0, 4.0], &[2]).unwrap());
    let mask = tape.constant(Tensor::from_vec(vec![0.0, 1.0], &[2]).unwrap());
    let y = x
        .sqrt()
        .unwrap()
        .mul(&mask)
        .unwrap()
        .sum(&[], false)
        .unwrap();
    let g = tape.backward(&y).unwrap().get(&x).unwrap().to_vec();
    assert_eq!(g, vec![0.0, 0.25]);
}

#[test]
fn clamp_grad_zero_outside_range() {
    // Bounds are inclusive: x = -1 and x = 1 still pass the gradient.
    let g = grad_of(|x| x.clamp(-1.0, 1.0), &[-2.0, -1.0, 0.0, 1.0, 3.0]);
    assert_eq!(g, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
}

#[test]
fn clamp_rejects_inverted_bounds() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::zeros(&[2]));
    assert!(x.clamp(1.0, -1.0).is_err());
}
