//! [`Vector`] for `wide::f32x8` and `wide::f64x4`: lane loads and stores, NaN-aware `max` and
//! `min`, and the polynomial `exp` described in the parent module.

use std::mem::MaybeUninit;
use std::ops::BitXor;

use wide::{f32x8, f64x4, i32x8, i64x4, CmpGe, CmpLe, CmpLt};

use super::{horner, Vector};

/// Taylor coefficients 1 / k! of e^r, k = 0..=7, enough for `f32` on |r| <= ln 2 / 2.
const EXP_SERIES_F32: [f64; 8] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
];

/// Taylor coefficients 1 / k! of e^r, k = 0..=13, enough for `f64` on |r| <= ln 2 / 2.
const EXP_SERIES_F64: [f64; 14] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362880.0,
    1.0 / 3628800.0,
    1.0 / 39916800.0,
    1.0 / 479001600.0,
    1.0 / 6227020800.0,
];

/// Coefficients of x^3, x^5, ... in tanh x = x - x^3/3 + 2x^5/15 - ..., computed exactly from
/// the recurrence tanh' = 1 - tanh^2 and rounded once here.
const TANH_TAYLOR: [f64; 13] = [
    -1.0 / 3.0,
    2.0 / 15.0,
    -17.0 / 315.0,
    62.0 / 2835.0,
    -1382.0 / 155925.0,
    21844.0 / 6081075.0,
    -929569.0 / 638512875.0,
    6404582.0 / 10854718875.0,
    -443861162.0 / 1856156927625.0,
    18888466084.0 / 194896477400625.0,
    -113927491862.0 / 2900518163668125.0,
    58870668456604.0 / 3698160658676859375.0,
    -8374643517010684.0 / 1298054391195577640625.0,
];

impl Vector for f32x8 {
    type Scalar = f32;
    const LANES: usize = 8;
    const TANH_SERIES_LIMIT: f64 = 0.55;
    // Eight terms reach a relative truncation error of 5e-9 at |x| = 0.55.
    const TANH_SERIES: &'static [f64] = &[
        TANH_TAYLOR[0],
        TANH_TAYLOR[1],
        TANH_TAYLOR[2],
        TANH_TAYLOR[3],
        TANH_TAYLOR[4],
        TANH_TAYLOR[5],
        TANH_TAYLOR[6],
        TANH_TAYLOR[7],
    ];

    #[inline(always)]
    fn splat(value: f32) -> Self {
        f32x8::splat(value)
    }
    #[inline(always)]
    fn load(src: &[f32]) -> Self {
        let lanes: [f32; 8] = src[..8].try_into().expect("slice of exactly 8 elements");
        f32x8::from(lanes)
    }
    #[inline(always)]
    fn store(self, dst: &mut [f32]) {
        dst[..8].copy_from_slice(&self.to_array());
    }
    #[inline(always)]
    fn store_uninit(self, dst: &mut [MaybeUninit<f32>]) {
        for (d, v) in dst[..8].iter_mut().zip(self.to_array()) {
            d.write(v);
        }
    }
    #[inline(always)]
    fn neg(self) -> Self {
        self.bitxor(f32x8::splat(-0.0))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f32x8::abs(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32x8::sqrt(self)
    }
    #[inline(always)]
    fn max_of(self, other: Self) -> Self {
        (self.is_nan() | self.cmp_ge(other)).blend(self, other)
    }
    #[inline(always)]
    fn min_of(self, other: Self) -> Self {
        (self.is_nan() | self.cmp_le(other)).blend(self, other)
    }
    #[inline(always)]
    fn relu(self) -> Self {
        // Clearing the bits of negative lanes gives +0.0, and NaN fails `< 0` so it is kept.
        self & !self.cmp_lt(f32x8::ZERO)
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        let sign_bit = f32x8::splat(-0.0);
        (self & !sign_bit) | (sign & sign_bit)
    }
    #[inline(always)]
    fn select_abs_below(self, limit: f32, small: Self, large: Self) -> Self {
        self.abs().cmp_lt(f32x8::splat(limit)).blend(small, large)
    }
    #[inline(always)]
    fn select_negative(self, negative: Self, other: Self) -> Self {
        self.cmp_lt(f32x8::splat(0.0)).blend(negative, other)
    }
    #[inline(always)]
    fn keep_nan(self, value: Self) -> Self {
        self.is_nan().blend(self, value)
    }

    #[inline(always)]
    fn exp(self) -> Self {
        // Past these bounds e^x is inf (above 88.73) or rounds to 0 (below -103.98). Clamping
        // keeps n small enough for the exponent arithmetic and still gives inf and 0.
        let x = self.max(f32x8::splat(-104.0)).min(f32x8::splat(89.0));

        // n = round(x / ln 2): adding 1.5 * 2^23 rounds to an integer held in the low mantissa
        // bits.
        let magic = f32x8::splat(12_582_912.0);
        let shifted = x * f32x8::splat(std::f32::consts::LOG2_E) + magic;
        let n = shifted - magic;
        let r = x - n * f32x8::splat(0.693_145_75) - n * f32x8::splat(1.428_606_8e-6);
        let poly = horner(r, &EXP_SERIES_F32);

        // 2^n as two factors 2^(n/2) and 2^(n - n/2), each built from its exponent bits.
        let n_int: i32x8 =
            bytemuck::cast::<f32x8, i32x8>(shifted) - bytemuck::cast::<f32x8, i32x8>(magic);
        let half = n_int >> 1;
        let scale_a: f32x8 = bytemuck::cast((half + i32x8::splat(127)) << 23);
        let scale_b: f32x8 = bytemuck::cast((n_int - half + i32x8::splat(127)) << 23);
        self.keep_nan(poly * scale_a * scale_b)
    }
}

impl Vector for f64x4 {
    type Scalar = f64;
    const LANES: usize = 4;
    const TANH_SERIES_LIMIT: f64 = 0.4;
    // Thirteen terms reach a relative truncation error of 2e-17 at |x| = 0.4.
    const TANH_SERIES: &'static [f64] = &TANH_TAYLOR;

    #[inline(always)]
    fn splat(value: f64) -> Self {
        f64x4::splat(value)
    }
    #[inline(always)]
    fn load(src: &[f64]) -> Self {
        let lanes: [f64; 4] = src[..4].try_into().expect("slice of exactly 4 elements");
        f64x4::from(lanes)
    }
    #[inline(always)]
    fn store(self, dst: &mut [f64]) {
        dst[..4].copy_from_slice(&self.to_array());
    }
    #[inline(always)]
    fn store_uninit(self, dst: &mut [MaybeUninit<f64>]) {
        for (d, v) in dst[..4].iter_mut().zip(self.to_array()) {
            d.write(v);
        }
    }
    #[inline(always)]
    fn neg(self) -> Self {
        self.bitxor(f64x4::splat(-0.0))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64x4::abs(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64x4::sqrt(self)
    }
    #[inline(always)]
    fn max_of(self, other: Self) -> Self {
        (self.is_nan() | self.cmp_ge(other)).blend(self, other)
    }
    #[inline(always)]
    fn min_of(self, other: Self) -> Self {
        (self.is_nan() | self.cmp_le(other)).blend(self, other)
    }
    #[inline(always)]
    fn relu(self) -> Self {
        // Clearing the bits of negative lanes gives +0.0, and NaN fails `< 0` so it is kept.
        self & !self.cmp_lt(f64x4::ZERO)
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        let sign_bit = f64x4::splat(-0.0);
        (self & !sign_bit) | (sign & sign_bit)
    }
    #[inline(always)]
    fn select_abs_below(self, limit: f64, small: Self, large: Self) -> Self {
        self.abs().cmp_lt(f64x4::splat(limit)).blend(small, large)
    }
    #[inline(always)]
    fn select_negative(self, negative: Self, other: Self) -> Self {
        self.cmp_lt(f64x4::splat(0.0)).blend(negative, other)
    }
    #[inline(always)]
    fn keep_nan(self, value: Self) -> Self {
        self.is_nan().blend(self, value)
    }

    #[inline(always)]
    fn exp(self) -> Self {
        // Past these bounds e^x is inf (above 709.79) or rounds to 0 (below -745.14). Clamping
        // keeps n small enough for the exponent arithmetic and still gives inf and 0.
        let x = self.max(f64x4::splat(-746.0)).min(f64x4::splat(710.0));

        // n = round(x / ln 2) by the 1.5 * 2^52 rounding trick.
        let magic = f64x4::splat(6_755_399_441_055_744.0);
        let shifted = x * f64x4::splat(std::f64::consts::LOG2_E) + magic;
        let n = shifted - magic;
        let r = x
            - n * f64x4::splat(0.693_147_180_369_123_8)
            - n * f64x4::splat(1.908_214_929_270_587_7e-10);
        let poly = horner(r, &EXP_SERIES_F64);

        // 2^n as two factors 2^(n/2) and 2^(n - n/2), each built from its exponent bits.
        let n_int: i64x4 =
            bytemuck::cast::<f64x4, i64x4>(shifted) - bytemuck::cast::<f64x4, i64x4>(magic);
        let half = n_int >> 1;
        let scale_a: f64x4 = bytemuck::cast((half + i64x4::splat(1023)) << 52);
        let scale_b: f64x4 = bytemuck::cast((n_int - half + i64x4::splat(1023)) << 52);
        self.keep_nan(poly * scale_a * scale_b)
    }
}
