//! Matrix product shapes for benchmarks: square sizes and the shapes of training.

/// One product `C (m x n) = A (m x k) B (k x n)`, possibly with transposed operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulShape {
    /// Rows of A and C.
    pub m: usize,
    /// Columns of A, rows of B.
    pub k: usize,
    /// Columns of B and C.
    pub n: usize,
    /// A is read as the transposed view of a row-major `k x m` matrix.
    pub a_transposed: bool,
    /// B is read as the transposed view of a row-major `n x k` matrix.
    pub b_transposed: bool,
}

impl MatmulShape {
    /// Creates a product of row-major operands.
    pub const fn plain(m: usize, k: usize, n: usize) -> Self {
        MatmulShape {
            m,
            k,
            n,
            a_transposed: false,
            b_transposed: false,
        }
    }

    /// Creates the square product `n x n x n`.
    pub const fn square(n: usize) -> Self {
        Self::plain(n, n, n)
    }

    /// Multiply-adds times two: the floating-point operations of the product.
    pub fn flops(&self) -> u64 {
        2 * (self.m * self.k * self.n) as u64
    }

    /// Returns a label such as `128x384x384` or `384x128x384-At` (A transposed).
    pub fn label(&self) -> String {
        let mut label = format!("{}x{}x{}", self.m, self.k, self.n);
        if self.a_transposed {
            label.push_str("-At");
        }
        if self.b_transposed {
            label.push_str("-Bt");
        }
        label
    }
}

/// The forward products of training: `[batch x input] x [input x output]` with batch 128.
pub const TRAINING_FORWARD: [MatmulShape; 4] = [
    MatmulShape::plain(128, 28, 128),
    MatmulShape::plain(128, 384, 384),
    MatmulShape::plain(128, 384, 128),
    MatmulShape::plain(128, 128, 512),
];

/// Returns the training shapes with the transposed-operand forms of the backward pass. For `Y = X W`,
/// the input gradient `dX = dY W^T` (B transposed) and the weight gradient `dW = X^T dY`
/// (A transposed).
pub fn training_shapes() -> Vec<MatmulShape> {
    let mut out = TRAINING_FORWARD.to_vec();
    for s in TRAINING_FORWARD {
        out.push(MatmulShape {
            m: s.m,
            k: s.n,
            n: s.k,
            a_transposed: false,
            b_transposed: true,
        });
    }
    for s in TRAINING_FORWARD {
        out.push(MatmulShape {
            m: s.k,
            k: s.m,
            n: s.n,
            a_transposed: true,
            b_transposed: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_shapes_chain() {
        let shapes = training_shapes();
        assert_eq!(shapes.len(), 12);
        // dX = dY W^T for Y = X W with X 128 x 384, W 384 x 384: 128 x 384 x 384, B transposed.
        assert!(shapes.contains(&MatmulShape {
            m: 128,
            k: 384,
            n: 384,
            a_transposed: false,
            b_transposed: true
        }));
        // dW = X^T dY for X 128 x 28, dY 128 x 128: 28 x 128 x 128, A transposed.
        assert_eq!(shapes[8].label(), "28x128x128-At");
    }
}
