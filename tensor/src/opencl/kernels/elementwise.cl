// Elementwise kernels: one work-item computes one output element.
//
// Work-item i reads its inputs at storage_position(layout, i) of each input (see strided.cl),
// so inputs may be transposed, sliced, flipped or broadcast views and need no copy. The output
// is always contiguous: work-item i writes out[i]. `n` is the number of output elements.

// The logistic function 1 / (1 + e^-x), written so that e^-x never overflows: for x < 0 it
// uses the equal form e^x / (1 + e^x).
T sigmoid_of(const T x)
{
    if (x >= (T)0) {
        return (T)1 / ((T)1 + exp(-x));
    }
    const T e = exp(x);
    return e / ((T)1 + e);
}

// A unary kernel NAME computing EXPR from the input value x and two scalar parameters p and
// q (used by powf, clamp and the scalar arithmetic; ignored by the others).
#define UNARY(NAME, EXPR)                                                          \
    __kernel void NAME(__global T* out, __global const T* src, const long16 layout,  \
                       const T p, const T q, const long n)                        \
    {                                                                              \
        const long i = get_global_id(0);                                           \
        if (i >= n) {                                                              \
            return;                                                                \
        }                                                                          \
        const T x = src[storage_position(layout, i)];                              \
        out[i] = (EXPR);                                                           \
    }

UNARY(unary_copy, x)
UNARY(unary_neg, -x)
UNARY(unary_abs, fabs(x))
UNARY(unary_exp, exp(x))
UNARY(unary_ln, log(x))
UNARY(unary_sqrt, sqrt(x))
UNARY(unary_recip, (T)1 / x)
UNARY(unary_tanh, tanh(x))
UNARY(unary_sigmoid, sigmoid_of(x))
UNARY(unary_relu, max_of(x, (T)0))
UNARY(unary_square, x * x)
UNARY(unary_powf, pow(x, p))
UNARY(unary_clamp, min_of(max_of(x, p), q))
UNARY(unary_add_scalar, x + p)
UNARY(unary_sub_scalar, x - p)
UNARY(unary_mul_scalar, x * p)
UNARY(unary_div_scalar, x / p)
UNARY(unary_rsub_scalar, p - x)

// A binary kernel NAME computing EXPR from a (left input) and b (right input), both already
// broadcast to the output shape by their layouts, and two scalar parameters p and q (used by
// scaled_add and the derivatives of powf and clamp).
#define BINARY(NAME, EXPR)                                                                \
    __kernel void NAME(__global T* out, __global const T* lhs, const long16 lhs_layout,   \
                       __global const T* rhs, const long16 rhs_layout, const T p,         \
                       const T q, const long n)                                           \
    {                                                                                     \
        const long i = get_global_id(0);                                                  \
        if (i >= n) {                                                                     \
            return;                                                                       \
        }                                                                                 \
        const T a = lhs[storage_position(lhs_layout, i)];                                 \
        const T b = rhs[storage_position(rhs_layout, i)];                                 \
        out[i] = (EXPR);                                                                  \
    }

BINARY(binary_add, a + b)
BINARY(binary_sub, a - b)
BINARY(binary_mul, a * b)
BINARY(binary_div, a / b)
BINARY(binary_maximum, max_of(a, b))
BINARY(binary_minimum, min_of(a, b))
BINARY(binary_pow, pow(a, b))
BINARY(binary_scaled_add, a + p * b)
// Comparisons write the mask value 1 where true and 0 where false.
BINARY(binary_eq, (a == b) ? (T)1 : (T)0)
BINARY(binary_ne, (a != b) ? (T)1 : (T)0)
BINARY(binary_lt, (a < b) ? (T)1 : (T)0)
BINARY(binary_le, (a <= b) ? (T)1 : (T)0)
BINARY(binary_gt, (a > b) ? (T)1 : (T)0)
BINARY(binary_ge, (a >= b) ? (T)1 : (T)0)

// Backward rules of unary functions: a is the upstream gradient g, b the saved input x or
// output y (see `Derivative` in ops/derivative.rs for which one each rule takes).
BINARY(derivative_sqrt, (a == (T)0) ? (T)0 : a / (b + b))
BINARY(derivative_recip, -(a * b * b))
BINARY(derivative_tanh, a * ((T)1 - b * b))
BINARY(derivative_sigmoid, a * b * ((T)1 - b))
BINARY(derivative_relu, (b > (T)0) ? a : (T)0)
BINARY(derivative_abs, (b > (T)0) ? a : ((b < (T)0) ? -a : (T)0))
BINARY(derivative_square, a * (b + b))
BINARY(derivative_powf, a * p * pow(b, p - (T)1))
BINARY(derivative_clamp, (b >= p && b <= q) ? a : (T)0)

// Selection by a mask: out[i] is the on_true value where the mask is not 0 (NaN counts as not
// 0) and the on_false value elsewhere. All three inputs are broadcast by their layouts.
__kernel void where_cond(__global T* out,
                         __global const T* mask, const long16 mask_layout,
                         __global const T* on_true, const long16 true_layout,
                         __global const T* on_false, const long16 false_layout,
                         const long n)
{
    const long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const T m = mask[storage_position(mask_layout, i)];
    out[i] = (m != (T)0) ? on_true[storage_position(true_layout, i)]
                         : on_false[storage_position(false_layout, i)];
}
