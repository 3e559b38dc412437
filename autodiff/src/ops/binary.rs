//! Elementwise operations of two variables with NumPy broadcasting, and `where_cond`.
//!
//! A rule first computes each input's gradient at the output's shape. The shared helper then
//! sums it back to that input's own shape ([`sum_to_shape`]), because a broadcast input element
//! fed every output element along the broadcast axes.
//!
//! Tie rule for `maximum` and `minimum`: where `a == b`, each input receives half of the
//! gradient (the average of the two one-sided derivatives, as PyTorch does).

use tensor::{Element, Tensor};

use crate::broadcast::sum_to_shape;
use crate::{Result, Tape, Var};

/// The gradients of a binary op's two inputs at the output's shape.
type PairGrads<T> = (Option<Tensor<T>>, Option<Tensor<T>>);

/// Records a two-input op. `rule(g, tracked)` returns both input gradients at the output shape
/// (`None` for an untracked input), and this helper reduces them to the input shapes.
fn record_binary<T: Element>(
    op: &'static str,
    a: &Var<T>,
    b: &Var<T>,
    output: Tensor<T>,
    rule: impl Fn(&Tensor<T>, &[bool]) -> Result<PairGrads<T>> + 'static,
) -> Result<Var<T>> {
    let a_shape = a.shape().to_vec();
    let b_shape = b.shape().to_vec();
    Tape::record(op, &[a, b], output, move |g, tracked| {
        let (ga, gb) = rule(g, tracked)?;
        let ga = ga.map(|t| sum_to_shape(&t, &a_shape)).transpose()?;
        let gb = gb.map(|t| sum_to_shape(&t, &b_shape)).transpose()?;
        Ok(vec![ga, gb])
    })
}

/// Returns `Some(f())` when `needed`, so rules skip gradients of untracked inputs.
fn when<T: Element>(
    needed: bool,
    f: impl FnOnce() -> tensor::Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    Ok(if needed { Some(f()?) } else { None })
}

/// Computes the share of the gradient that `a` receives in `maximum(a, b)` (`a_wins` = `a > b`)
/// or `minimum(a, b)` (`a_wins` = `a < b`): 1 where `a` wins, 1/2 at ties, 0 where `b` wins
/// (and 0 where either is NaN, since every comparison with NaN is false).
fn winner_share<T: Element>(
    a: &Tensor<T>,
    a_wins: Tensor<T>,
    b: &Tensor<T>,
) -> tensor::Result<Tensor<T>> {
    // Written with comparison masks rather than a closure, so it also runs on a device.
    a_wins.add(&a.eq(b)?.mul_scalar(T::from_f64(0.5)))
}

impl<T: Element> Var<T> {
    /// Returns `a + b` with broadcasting.
    pub fn add(&self, other: &Var<T>) -> Result<Var<T>> {
        let output = self.value().add(other.value())?;
        // d(a + b)/da = 1, d(a + b)/db = 1
        record_binary("add", self, other, output, |g, _| {
            Ok((Some(g.clone()), Some(g.clone())))
        })
    }

    /// Returns `a - b` with broadcasting.
    pub fn sub(&self, other: &Var<T>) -> Result<Var<T>> {
        let output = self.value().sub(other.value())?;
        // d(a - b)/da = 1, d(a - b)/db = -1
        record_binary("sub", self, other, output, |g, tracked| {
            Ok((Some(g.clone()), when(tracked[1], || Ok(g.neg()))?))
        })
    }

    /// Returns `a * b` with broadcasting.
    pub fn mul(&self, other: &Var<T>) -> Result<Var<T>> {
        let (a, b) = (self.value().clone(), other.value().clone());
        let output = a.mul(&b)?;
        // d(ab)/da = b, d(ab)/db = a
        record_binary("mul", self, other, output, move |g, tracked| {
            Ok((
                when(tracked[0], || g.mul(&b))?,
                when(tracked[1], || g.mul(&a))?,
            ))
        })
    }

    /// Returns `a / b` with broadcasting.
    pub fn div(&self, other: &Var<T>) -> Result<Var<T>> {
        let b = other.value().clone();
        let y = self.value().div(&b)?;
        let saved_y = y.clone();
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(1/b) y
        record_binary("div", self, other, y, move |g, tracked| {
            let ga = g.div(&b)?;
            let gb = when(tracked[1], || Ok(ga.mul(&saved_y)?.neg()))?;
            Ok((Some(ga), gb))
        })
    }

    /// Returns the elementwise larger of `a` and `b`; at ties each input gets half the
    /// gradient.
    pub fn maximum(&self, other: &Var<T>) -> Result<Var<T>> {
        let (a, b) = (self.value().clone(), other.value().clone());
        let output = a.maximum(&b)?;
        // d max(a, b)/da = [a > b] + [a = b]/2, and symmetrically for b
        record_binary("maximum", self, other, output, move |g, _| {
            let share_a = winner_share(&a, a.gt(&b)?, &b)?;
            let ga = g.mul(&share_a)?;
            let gb = g.mul(&share_a.rsub_scalar(T::ONE))?;
            Ok((Some(ga), Some(gb)))
        })
    }

    /// Returns the elementwise smaller of `a` and `b`; at ties each input gets half the
    /// gradient.
    pub fn minimum(&self, other: &Var<T>) -> Result<Var<T>> {
        let (a, b) = (self.value().clone(), other.value().clone());
        let output = a.minimum(&b)?;
        // d min(a, b)/da = [a < b] + [a = b]/2, and symmetrically for b
        record_binary("minimum", self, other, output, move |g, _| {
            let share_a = winner_share(&a, a.lt(&b)?, &b)?;
            let ga = g.mul(&share_a)?;
            let gb = g.mul(&share_a.rsub_scalar(T::ONE))?;
            Ok((Some(ga), Some(gb)))
        })
    }

    /// Returns `a^b` elementwise with broadcasting. The gradient for `b` uses `ln a`, so it is
    /// NaN where `a < 0` and `b` is tracked.
    pub fn pow(&self, other: &Var<T>) -> Result<Var<T>> {
        let (a, b) = (self.value().clone(), other.value().clone());
        let y = a.pow(&b)?;
        let saved_y = y.clone();
        // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
        record_binary("pow", self, other, y, move |g, tracked| {
            let ga = when(tracked[0], || {
                g.mul(&b.mul(&a.pow(&b.sub_scalar(T::ONE))?)?)
            })?;
            let gb = when(tracked[1], || g.mul(&saved_y.mul(&a.ln())?))?;
            Ok((ga, gb))
        })
    }

    /// Picks `on_true` where `mask` is non-zero and `on_false` elsewhere; all three broadcast.
    /// The mask is a constant, and each branch gets the gradient where it was picked.
    pub fn where_cond(mask: &Tensor<T>, on_true: &Var<T>, on_false: &Var<T>) -> Result<Var<T>> {
        let output = Tensor::where_cond(mask, on_true.value(), on_false.value())?;
        let mask = mask.clone();
        // Made on the device of the value, so that the backward pass stays there.
        let zero = Tensor::zeros_on(&[], &on_true.value().device())?;
        // d where(m, a, b)/da = m, d where(m, a, b)/db = 1 - m
        record_binary(
            "where_cond",
            on_true,
            on_false,
            output,
            move |g, tracked| {
                let ga = when(tracked[0], || Tensor::where_cond(&mask, g, &zero))?;
                let gb = when(tracked[1], || Tensor::where_cond(&mask, &zero, g))?;
                Ok((ga, gb))
            },
        )
    }
}
