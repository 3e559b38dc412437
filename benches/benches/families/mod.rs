//! One module per op family.

pub mod elementwise;
pub mod matmul;
pub mod reduce;
pub mod training;
