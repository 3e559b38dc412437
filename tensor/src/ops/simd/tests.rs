//! SIMD kernels against their scalar twins: exact agreement for the IEEE operations on lengths
//! around the lane width, and measured ulp bounds for the polynomial `exp`, `tanh` and
//! `sigmoid` against the standard library.

use crate::ops::binary::{Add, Div, Maximum, Minimum, Mul, Sub};
use crate::ops::inplace::ScaledAdd;
use crate::ops::kernel::{scalar_map_slice, BinaryKernel, UnaryKernel};
use crate::ops::scalar::{AddScalar, DivScalar, MulScalar, RsubScalar, SubScalar};
use crate::ops::unary::{Abs, Clamp, Exp, Neg, Recip, Relu, Sigmoid, Sqrt, Square, Tanh};
use std::mem::MaybeUninit;

use crate::Element;

/// Runs `write` on an output buffer pre-filled with a sentinel value and returns the buffer, so
/// that an element the kernel forgot to write shows up as -7777.
fn written<T: Element>(len: usize, write: impl FnOnce(&mut [MaybeUninit<T>])) -> Vec<T> {
    let mut out = vec![MaybeUninit::new(T::from_f64(-7777.0)); len];
    write(&mut out);
    // SAFETY: every element was initialised with the sentinel before `write` ran.
    out.into_iter()
        .map(|v| unsafe { v.assume_init() })
        .collect()
}

/// Distance in units in the last place between two finite values of the same type, counted
/// as the number of representable values between them.
fn ulp_distance_f32(a: f32, b: f32) -> u64 {
    let key = |v: f32| {
        let bits = v.to_bits() as i64;
        if bits < 0x8000_0000 {
            bits
        } else {
            0x8000_0000 - bits
        }
    };
    (key(a) - key(b)).unsigned_abs()
}

fn ulp_distance_f64(a: f64, b: f64) -> u64 {
    let key = |v: f64| {
        let bits = v.to_bits() as i128;
        if bits < 0x8000_0000_0000_0000 {
            bits
        } else {
            0x8000_0000_0000_0000 - bits
        }
    };
    (key(a) - key(b)).unsigned_abs() as u64
}

/// Evenly spaced points from `low` to `high`, `count` of them.
fn sweep(low: f64, high: f64, count: usize) -> Vec<f64> {
    (0..count)
        .map(|i| low + (high - low) * i as f64 / (count - 1) as f64)
        .collect()
}

/// Largest ulp error of `kernel`'s SIMD form against `reference` over `inputs`, for `f32`.
fn max_ulp_f32(kernel: &impl UnaryKernel<f32>, inputs: &[f64], reference: fn(f32) -> f32) -> u64 {
    let src: Vec<f32> = inputs.iter().map(|&v| v as f32).collect();
    let dst = written(src.len(), |d| kernel.apply_slice(&src, d));
    src.iter()
        .zip(&dst)
        .map(|(&x, &got)| ulp_distance_f32(got, reference(x)))
        .max()
        .unwrap_or(0)
}

fn max_ulp_f64(kernel: &impl UnaryKernel<f64>, inputs: &[f64], reference: fn(f64) -> f64) -> u64 {
    let dst = written(inputs.len(), |d| kernel.apply_slice(inputs, d));
    inputs
        .iter()
        .zip(&dst)
        .map(|(&x, &got)| ulp_distance_f64(got, reference(x)))
        .max()
        .unwrap_or(0)
}

/// Deterministic inputs in [-scale, scale] with a few exact zeros and integers.
fn inputs(len: usize, scale: f64) -> Vec<f64> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            match i % 11 {
                0 => 0.0,
                5 => (unit * 8.0).round() - 4.0,
                _ => (unit * 2.0 - 1.0) * scale,
            }
        })
        .collect()
}

/// Lengths around the lane width and a large odd one.
fn lengths(lanes: usize) -> [usize; 6] {
    [0, 1, lanes - 1, lanes, lanes + 1, 1001]
}

/// Runs the SIMD slice method and the scalar twin of a unary kernel and returns both.
fn unary_both<T: Element>(kernel: &impl UnaryKernel<T>, src: &[T]) -> (Vec<T>, Vec<T>) {
    let simd = written(src.len(), |d| kernel.apply_slice(src, d));
    let scalar = written(src.len(), |d| scalar_map_slice(kernel, src, d));
    (simd, scalar)
}

/// Runs one kernel on a slice and returns its SIMD and scalar outputs.
type UnaryRun = Box<dyn Fn(&[f32]) -> (Vec<f32>, Vec<f32>)>;

fn exact_unary_kernels_f32() -> Vec<(&'static str, UnaryRun)> {
    vec![
        ("neg", Box::new(|s| unary_both(&Neg, s))),
        ("abs", Box::new(|s| unary_both(&Abs, s))),
        ("sqrt", Box::new(|s| unary_both(&Sqrt, s))),
        ("recip", Box::new(|s| unary_both(&Recip, s))),
        ("relu", Box::new(|s| unary_both(&Relu, s))),
        ("square", Box::new(|s| unary_both(&Square, s))),
        (
            "clamp",
            Box::new(|s| unary_both(&Clamp { lo: -0.5, hi: 0.75 }, s)),
        ),
        ("add_scalar", Box::new(|s| unary_both(&AddScalar(0.3), s))),
        ("sub_scalar", Box::new(|s| unary_both(&SubScalar(0.3), s))),
        ("mul_scalar", Box::new(|s| unary_both(&MulScalar(-1.7), s))),
        ("div_scalar", Box::new(|s| unary_both(&DivScalar(3.0), s))),
        ("rsub_scalar", Box::new(|s| unary_both(&RsubScalar(2.0), s))),
    ]
}

fn bits_f32(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn bits_f64(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn exact_unary_simd_matches_scalar_f32() {
    for len in lengths(8) {
        let src: Vec<f32> = inputs(len, 3.0).iter().map(|&v| v as f32).collect();
        for (name, run) in exact_unary_kernels_f32() {
            let (simd, scalar) = run(&src);
            assert_eq!(bits_f32(&simd), bits_f32(&scalar), "{name}, length {len}");
        }
    }
}

#[test]
fn exact_unary_simd_matches_scalar_f64() {
    for len in lengths(4) {
        let src = inputs(len, 3.0);
        let check = |name: &str, (simd, scalar): (Vec<f64>, Vec<f64>)| {
            assert_eq!(bits_f64(&simd), bits_f64(&scalar), "{name}, length {len}");
        };
        check("neg", unary_both(&Neg, &src));
        check("abs", unary_both(&Abs, &src));
        check("sqrt", unary_both(&Sqrt, &src));
        check("recip", unary_both(&Recip, &src));
        check("relu", unary_both(&Relu, &src));
        check("square", unary_both(&Square, &src));
        check("clamp", unary_both(&Clamp { lo: -0.5, hi: 0.75 }, &src));
        check("add_scalar", unary_both(&AddScalar(0.3), &src));
        check("mul_scalar", unary_both(&MulScalar(-1.7), &src));
        check("div_scalar", unary_both(&DivScalar(3.0), &src));
        check("rsub_scalar", unary_both(&RsubScalar(2.0), &src));
    }
}

#[test]
fn unary_simd_handles_nan_and_signed_zero() {
    let src = [
        f32::NAN,
        -0.0,
        0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -1.0,
        2.0,
        f32::NAN,
        -3.0,
    ];
    for (name, run) in exact_unary_kernels_f32() {
        let (simd, scalar) = run(&src);
        assert_eq!(bits_f32(&simd), bits_f32(&scalar), "{name}");
    }
}

/// Checks all four slice methods of a binary kernel against its scalar function.
fn check_binary<T: Element>(name: &str, kernel: &impl BinaryKernel<T>, a: &[T], b: &[T]) {
    let want: Vec<String> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| format!("{:?}", kernel.apply(x, y)))
        .collect();
    let render = |v: &[T]| v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>();

    let dst = written(a.len(), |d| kernel.apply_slices(a, b, d));
    assert_eq!(render(&dst), want, "{name} slices, length {}", a.len());

    let mut inplace = a.to_vec();
    kernel.apply_inplace(&mut inplace, b);
    assert_eq!(
        render(&inplace),
        want,
        "{name} in place, length {}",
        a.len()
    );

    if let Some(&s) = b.first() {
        let dst = written(a.len(), |d| kernel.apply_slice_scalar(a, s, d));
        let want: Vec<String> = a
            .iter()
            .map(|&x| format!("{:?}", kernel.apply(x, s)))
            .collect();
        assert_eq!(
            render(&dst),
            want,
            "{name} slice and scalar, length {}",
            a.len()
        );

        let dst = written(b.len(), |d| kernel.apply_scalar_slice(s, b, d));
        let want: Vec<String> = b
            .iter()
            .map(|&y| format!("{:?}", kernel.apply(s, y)))
            .collect();
        assert_eq!(
            render(&dst),
            want,
            "{name} scalar and slice, length {}",
            a.len()
        );
    }
}

#[test]
fn binary_simd_matches_scalar() {
    for len in lengths(8) {
        let a: Vec<f32> = inputs(len, 5.0).iter().map(|&v| v as f32).collect();
        let mut b: Vec<f32> = inputs(len + 3, 2.0)[3..]
            .iter()
            .map(|&v| v as f32)
            .collect();
        if len > 2 {
            b[2] = f32::NAN;
        }
        check_binary("add", &Add, &a, &b);
        check_binary("sub", &Sub, &a, &b);
        check_binary("mul", &Mul, &a, &b);
        check_binary("div", &Div, &a, &b);
        check_binary("maximum", &Maximum, &a, &b);
        check_binary("minimum", &Minimum, &a, &b);
        check_binary("scaled_add", &ScaledAdd(0.7), &a, &b);
    }
    for len in lengths(4) {
        let a = inputs(len, 5.0);
        let b = inputs(len + 3, 2.0)[3..].to_vec();
        check_binary("add", &Add, &a, &b);
        check_binary("div", &Div, &a, &b);
        check_binary("maximum", &Maximum, &a, &b);
        check_binary("minimum", &Minimum, &a, &b);
        check_binary("scaled_add", &ScaledAdd(-1.3), &a, &b);
    }
}

#[test]
fn polynomial_kernels_close_to_scalar_at_all_lengths() {
    for len in lengths(8) {
        let src: Vec<f32> = inputs(len, 12.0).iter().map(|&v| v as f32).collect();
        for (name, bound, (simd, scalar)) in [
            ("exp", 1, unary_both(&Exp, &src)),
            ("tanh", 2, unary_both(&Tanh, &src)),
            ("sigmoid", 2, unary_both(&Sigmoid, &src)),
        ] {
            for (i, (&got, &want)) in simd.iter().zip(&scalar).enumerate() {
                let ulp = ulp_distance_f32(got, want);
                assert!(
                    ulp <= bound,
                    "{name} f32 at {}: {got} vs {want} ({ulp} ulp)",
                    src[i]
                );
            }
        }
    }
    for len in lengths(4) {
        let src = inputs(len, 12.0);
        for (name, bound, (simd, scalar)) in [
            ("exp", 1, unary_both(&Exp, &src)),
            ("tanh", 3, unary_both(&Tanh, &src)),
            ("sigmoid", 2, unary_both(&Sigmoid, &src)),
        ] {
            for (i, (&got, &want)) in simd.iter().zip(&scalar).enumerate() {
                let ulp = ulp_distance_f64(got, want);
                assert!(
                    ulp <= bound,
                    "{name} f64 at {}: {got} vs {want} ({ulp} ulp)",
                    src[i]
                );
            }
        }
    }
}

#[test]
fn polynomial_value_does_not_depend_on_position() {
    // The last partial vector is padded and goes through the same code as whole vectors.
    let src: Vec<f32> = inputs(13, 4.0).iter().map(|&v| v as f32).collect();
    let (whole, _) = unary_both(&Tanh, &src);
    for (i, &x) in src.iter().enumerate() {
        let (single, _) = unary_both(&Tanh, &[x]);
        assert_eq!(single[0].to_bits(), whole[i].to_bits(), "tanh({x})");
    }
}

#[test]
fn exp_error_bound() {
    // Whole range where f32 e^x is neither 0 nor inf, subnormal results included.
    let f32_range = sweep(-104.0, 89.0, 2_000_001);
    assert!(max_ulp_f32(&Exp, &f32_range, f32::exp) <= 1);
    let f64_range = sweep(-746.0, 710.0, 2_000_001);
    assert!(max_ulp_f64(&Exp, &f64_range, f64::exp) <= 1);
    let near_zero = sweep(-2.0, 2.0, 2_000_001);
    assert!(max_ulp_f32(&Exp, &near_zero, f32::exp) <= 1);
    assert!(max_ulp_f64(&Exp, &near_zero, f64::exp) <= 1);
}

#[test]
fn tanh_error_bound() {
    let range = sweep(-20.0, 20.0, 2_000_001);
    let near_zero = sweep(-2.0, 2.0, 2_000_001);
    assert!(max_ulp_f32(&Tanh, &range, f32::tanh) <= 2);
    assert!(max_ulp_f32(&Tanh, &near_zero, f32::tanh) <= 2);
    assert!(max_ulp_f64(&Tanh, &range, f64::tanh) <= 3);
    assert!(max_ulp_f64(&Tanh, &near_zero, f64::tanh) <= 3);
}

#[test]
fn sigmoid_error_bound() {
    let f32_range = sweep(-110.0, 40.0, 2_000_001);
    let f64_range = sweep(-750.0, 50.0, 2_000_001);
    assert!(max_ulp_f32(&Sigmoid, &f32_range, Element::sigmoid) <= 2);
    assert!(max_ulp_f64(&Sigmoid, &f64_range, Element::sigmoid) <= 2);
}

#[test]
fn polynomial_kernels_at_special_values() {
    let src = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        1e-30,
        -1e-30,
        88.8,
        -200.0,
    ];
    let (exp, _) = unary_both(&Exp, &src);
    assert!(exp[0].is_nan());
    assert_eq!(
        &exp[1..],
        &[f32::INFINITY, 0.0, 1.0, 1.0, 1.0, 1.0, f32::INFINITY, 0.0]
    );
    let (tanh, _) = unary_both(&Tanh, &src);
    assert!(tanh[0].is_nan());
    assert_eq!(&tanh[1..], &[1.0, -1.0, 0.0, 0.0, 1e-30, -1e-30, 1.0, -1.0]);
    let (sigmoid, _) = unary_both(&Sigmoid, &src);
    assert!(sigmoid[0].is_nan());
    assert_eq!(&sigmoid[1..], &[1.0, 0.0, 0.5, 0.5, 0.5, 0.5, 1.0, 0.0]);
    let (exp64, _) = unary_both(&Exp, &[f64::NAN, 709.8, -746.0, f64::NEG_INFINITY]);
    assert!(exp64[0].is_nan());
    assert_eq!(&exp64[1..], &[f64::INFINITY, 0.0, 0.0]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Values of every kind the kernels must handle: ordinary, tiny, huge, zeros of both signs,
    /// infinities and NaN.
    fn any_value() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => -30.0f64..30.0,
            1 => -1e-30f64..1e-30,
            1 => prop_oneof![
                Just(0.0),
                Just(-0.0),
                Just(f64::INFINITY),
                Just(f64::NEG_INFINITY),
                Just(f64::NAN),
                Just(1e300),
                Just(-1e300),
            ],
        ]
    }

    /// Compares two outputs bit for bit, treating every NaN as equal.
    fn same_bits_f32(a: &[f32], b: &[f32]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    fn same_bits_f64(a: &[f64], b: &[f64]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn exact_kernels_simd_equals_scalar(values in prop::collection::vec(any_value(), 0..70)) {
            let small: Vec<f32> = values.iter().map(|&v| v as f32).collect();
            for (name, run) in exact_unary_kernels_f32() {
                let (simd, scalar) = run(&small);
                prop_assert!(same_bits_f32(&simd, &scalar), "{} on {:?}: {:?} vs {:?}", name, small, simd, scalar);
            }
            let (simd, scalar) = unary_both(&Relu, &values);
            prop_assert!(same_bits_f64(&simd, &scalar), "relu f64");
            let (simd, scalar) = unary_both(&Clamp { lo: -1.0, hi: 2.0 }, &values);
            prop_assert!(same_bits_f64(&simd, &scalar), "clamp f64");
            let (simd, scalar) = unary_both(&Sqrt, &values);
            prop_assert!(same_bits_f64(&simd, &scalar), "sqrt f64");
        }

        #[test]
        fn binary_kernels_simd_equals_scalar(
            pairs in prop::collection::vec((any_value(), any_value()), 0..70),
        ) {
            let a: Vec<f32> = pairs.iter().map(|p| p.0 as f32).collect();
            let b: Vec<f32> = pairs.iter().map(|p| p.1 as f32).collect();
            for (name, simd) in [
                ("add", written(a.len(), |d| Add.apply_slices(&a, &b, d))),
                ("sub", written(a.len(), |d| Sub.apply_slices(&a, &b, d))),
                ("mul", written(a.len(), |d| Mul.apply_slices(&a, &b, d))),
                ("div", written(a.len(), |d| Div.apply_slices(&a, &b, d))),
                ("maximum", written(a.len(), |d| Maximum.apply_slices(&a, &b, d))),
                ("minimum", written(a.len(), |d| Minimum.apply_slices(&a, &b, d))),
            ] {
                let scalar: Vec<f32> = a.iter().zip(&b).map(|(&x, &y)| match name {
                    "add" => Add.apply(x, y),
                    "sub" => Sub.apply(x, y),
                    "mul" => Mul.apply(x, y),
                    "div" => Div.apply(x, y),
                    "maximum" => Maximum.apply(x, y),
                    _ => Minimum.apply(x, y),
                }).collect();
                prop_assert!(same_bits_f32(&simd, &scalar), "{}", name);
            }
        }

        #[test]
        fn polynomial_kernels_stay_within_bounds(values in prop::collection::vec(-90.0f64..90.0, 0..70)) {
            let small: Vec<f32> = values.iter().map(|&v| v as f32).collect();
            for (name, bound, (simd, scalar)) in [
                ("exp", 1, unary_both(&Exp, &small)),
                ("tanh", 2, unary_both(&Tanh, &small)),
                ("sigmoid", 2, unary_both(&Sigmoid, &small)),
            ] {
                for (&got, &want) in simd.iter().zip(&scalar) {
                    prop_assert!(ulp_distance_f32(got, want) <= bound, "{} f32: {} vs {}", name, got, want);
                }
            }
            for (name, bound, (simd, scalar)) in [
                ("exp", 1, unary_both(&Exp, &values)),
                ("tanh", 3, unary_both(&Tanh, &values)),
                ("sigmoid", 2, unary_both(&Sigmoid, &values)),
            ] {
                for (&got, &want) in simd.iter().zip(&scalar) {
                    prop_assert!(ulp_distance_f64(got, want) <= bound, "{} f64: {} vs {}", name, got, want);
                }
            }
        }
    }
}
