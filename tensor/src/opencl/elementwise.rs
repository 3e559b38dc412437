//! Host side of the elementwise kernels in `kernels/elementwise.cl`: unary functions, scalar
//! arithmetic, binary functions with broadcasting, comparisons and `where_cond`.
//!
//! Each input is passed as its own strided layout, already broadcast to the output shape, so
//! no input is copied. The axes are merged first ([`coalesce`]) so that most views fit the
//! kernels' six axes. The functions return `Ok(None)` for views that still have more, and the
//! caller runs those on the host.

use super::launch::{enqueue, kernel_builder, output_tensor, program, ELEMENTWISE};
use super::layout::{coalesce, encode};
use super::ClStorage;
use crate::ops::derivative::Derivative;
use crate::shape::{broadcast_shapes, num_elements};
use crate::{Element, Result, Tensor};

/// A unary kernel and its scalar parameters.
#[derive(Clone, Copy, Debug)]
pub(crate) enum UnaryOp<T> {
    /// x (a copy into a contiguous buffer).
    Copy,
    /// -x.
    Neg,
    /// |x|.
    Abs,
    /// e^x.
    Exp,
    /// ln x.
    Ln,
    /// sqrt x.
    Sqrt,
    /// 1 / x.
    Recip,
    /// tanh x.
    Tanh,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// max(x, 0).
    Relu,
    /// x * x.
    Square,
    /// x^p.
    Powf(T),
    /// min(max(x, lo), hi).
    Clamp(T, T),
    /// x + s.
    AddScalar(T),
    /// x - s.
    SubScalar(T),
    /// x * s.
    MulScalar(T),
    /// x / s.
    DivScalar(T),
    /// s - x.
    RsubScalar(T),
}

impl<T: Element> UnaryOp<T> {
    /// Returns the kernel's name in `elementwise.cl`.
    pub(crate) fn kernel_name(self) -> &'static str {
        match self {
            UnaryOp::Copy => "unary_copy",
            UnaryOp::Neg => "unary_neg",
            UnaryOp::Abs => "unary_abs",
            UnaryOp::Exp => "unary_exp",
            UnaryOp::Ln => "unary_ln",
            UnaryOp::Sqrt => "unary_sqrt",
            UnaryOp::Recip => "unary_recip",
            UnaryOp::Tanh => "unary_tanh",
            UnaryOp::Sigmoid => "unary_sigmoid",
            UnaryOp::Relu => "unary_relu",
            UnaryOp::Square => "unary_square",
            UnaryOp::Powf(_) => "unary_powf",
            UnaryOp::Clamp(..) => "unary_clamp",
            UnaryOp::AddScalar(_) => "unary_add_scalar",
            UnaryOp::SubScalar(_) => "unary_sub_scalar",
            UnaryOp::MulScalar(_) => "unary_mul_scalar",
            UnaryOp::DivScalar(_) => "unary_div_scalar",
            UnaryOp::RsubScalar(_) => "unary_rsub_scalar",
        }
    }

    /// Returns the kernel's parameters `p` and `q` (0 where unused).
    fn params(self) -> (T, T) {
        match self {
            UnaryOp::Powf(p)
            | UnaryOp::AddScalar(p)
            | UnaryOp::SubScalar(p)
            | UnaryOp::MulScalar(p)
            | UnaryOp::DivScalar(p)
            | UnaryOp::RsubScalar(p) => (p, T::ZERO),
            UnaryOp::Clamp(lo, hi) => (lo, hi),
            _ => (T::ZERO, T::ZERO),
        }
    }
}

/// A binary kernel and its scalar parameter.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BinaryOp<T> {
    /// a + b.
    Add,
    /// a - b.
    Sub,
    /// a * b.
    Mul,
    /// a / b.
    Div,
    /// max(a, b), NaN propagating.
    Maximum,
    /// min(a, b), NaN propagating.
    Minimum,
    /// a^b.
    Pow,
    /// a + alpha * b.
    ScaledAdd(T),
    /// 1 where a == b.
    Equal,
    /// 1 where a != b.
    NotEqual,
    /// 1 where a < b.
    Less,
    /// 1 where a <= b.
    LessEqual,
    /// 1 where a > b.
    Greater,
    /// 1 where a >= b.
    GreaterEqual,
    /// a (an upstream gradient) times a derivative computed from b.
    Derivative(crate::ops::derivative::Derivative<T>),
}

impl<T: Element> BinaryOp<T> {
    /// Returns the kernel's name in `elementwise.cl`.
    fn kernel_name(self) -> &'static str {
        match self {
            BinaryOp::Add => "binary_add",
            BinaryOp::Sub => "binary_sub",
            BinaryOp::Mul => "binary_mul",
            BinaryOp::Div => "binary_div",
            BinaryOp::Maximum => "binary_maximum",
            BinaryOp::Minimum => "binary_minimum",
            BinaryOp::Pow => "binary_pow",
            BinaryOp::ScaledAdd(_) => "binary_scaled_add",
            BinaryOp::Equal => "binary_eq",
            BinaryOp::NotEqual => "binary_ne",
            BinaryOp::Less => "binary_lt",
            BinaryOp::LessEqual => "binary_le",
            BinaryOp::Greater => "binary_gt",
            BinaryOp::GreaterEqual => "binary_ge",
            BinaryOp::Derivative(d) => match d {
                Derivative::Sqrt => "derivative_sqrt",
                Derivative::Recip => "derivative_recip",
                Derivative::Tanh => "derivative_tanh",
                Derivative::Sigmoid => "derivative_sigmoid",
                Derivative::Relu => "derivative_relu",
                Derivative::Abs => "derivative_abs",
                Derivative::Square => "derivative_square",
                Derivative::Powf(_) => "derivative_powf",
                Derivative::Clamp(..) => "derivative_clamp",
            },
        }
    }

    /// Returns the kernel's parameters `p` and `q` (0 where unused).
    fn params(self) -> (T, T) {
        match self {
            BinaryOp::ScaledAdd(alpha) => (alpha, T::ZERO),
            BinaryOp::Derivative(Derivative::Powf(p)) => (p, T::ZERO),
            BinaryOp::Derivative(Derivative::Clamp(min, max)) => (min, max),
            _ => (T::ZERO, T::ZERO),
        }
    }
}

/// Runs a unary kernel over `x`, whose storage is `src`.
pub(crate) fn unary<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    op: UnaryOp<T>,
) -> Result<Option<Tensor<T>>> {
    let (shape, [strides]) = coalesce(x.shape(), [x.strides()]);
    let Some(layout) = encode(&shape, &strides, x.offset()) else {
        return Ok(None);
    };
    let device = src.device();
    let n = x.num_elements();
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let program = program::<T>(device, &ELEMENTWISE)?;
        let (p, q) = op.params();
        let mut builder = kernel_builder(device, &program, op.kernel_name(), n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(layout)
            .arg(p)
            .arg(q)
            .arg(n as i64);
        // SAFETY: work-item i reads `x` at a position of its layout, which lies inside `src`
        // (checked when the tensor was built), and writes out[i] with i < n.
        unsafe { enqueue(op.kernel_name(), &builder)? };
    }
    Ok(Some(output_tensor(out, x.shape())))
}

/// Runs a binary kernel over `lhs` and `rhs` broadcast together; `sources` are their storages.
pub(crate) fn binary<T: Element>(
    name: &'static str,
    lhs: &Tensor<T>,
    rhs: &Tensor<T>,
    sources: [&ClStorage<T>; 2],
    op: BinaryOp<T>,
) -> Result<Option<Tensor<T>>> {
    let shape = broadcast_shapes(name, lhs.shape(), rhs.shape())?;
    let a = lhs.layout().broadcast_to(&shape)?;
    let b = rhs.layout().broadcast_to(&shape)?;
    let (merged, [sa, sb]) = coalesce(&shape, [a.strides(), b.strides()]);
    let (Some(la), Some(lb)) = (
        encode(&merged, &sa, a.offset()),
        encode(&merged, &sb, b.offset()),
    ) else {
        return Ok(None);
    };
    let device = sources[0].device();
    let n = num_elements(&shape);
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let program = program::<T>(device, &ELEMENTWISE)?;
        let mut builder = kernel_builder(device, &program, op.kernel_name(), n);
        builder
            .arg(out.buffer())
            .arg(sources[0].buffer())
            .arg(la)
            .arg(sources[1].buffer())
            .arg(lb)
            .arg(op.params().0)
            .arg(op.params().1)
            .arg(n as i64);
        // SAFETY: both layouts are broadcast views of valid layouts over their storages, and
        // work-item i writes out[i] with i < n.
        unsafe { enqueue(name, &builder)? };
    }
    Ok(Some(output_tensor(out, &shape)))
}

/// Runs `where_cond` over the three inputs broadcast together; `sources` are their storages.
pub(crate) fn where_cond<T: Element>(
    inputs: [&Tensor<T>; 3],
    sources: [&ClStorage<T>; 3],
) -> Result<Option<Tensor<T>>> {
    let op = "where_cond";
    let values = broadcast_shapes(op, inputs[1].shape(), inputs[2].shape())?;
    let shape = broadcast_shapes(op, inputs[0].shape(), &values)?;
    let layouts = [
        inputs[0].layout().broadcast_to(&shape)?,
        inputs[1].layout().broadcast_to(&shape)?,
        inputs[2].layout().broadcast_to(&shape)?,
    ];
    let strides = [
        layouts[0].strides(),
        layouts[1].strides(),
        layouts[2].strides(),
    ];
    let (merged, merged_strides) = coalesce(&shape, strides);
    let mut encoded = Vec::with_capacity(3);
    for (layout, strides) in layouts.iter().zip(&merged_strides) {
        match encode(&merged, strides, layout.offset()) {
            Some(e) => encoded.push(e),
            None => return Ok(None),
        }
    }
    let device = sources[0].device();
    let n = num_elements(&shape);
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let program = program::<T>(device, &ELEMENTWISE)?;
        let mut builder = kernel_builder(device, &program, "where_cond", n);
        builder.arg(out.buffer());
        for (source, layout) in sources.iter().zip(&encoded) {
            builder.arg(source.buffer()).arg(*layout);
        }
        builder.arg(n as i64);
        // SAFETY: the three layouts are broadcast views of valid layouts over their storages,
        // and work-item i writes out[i] with i < n.
        unsafe { enqueue(op, &builder)? };
    }
    Ok(Some(output_tensor(out, &shape)))
}
