//! Tensor operations, one file per family.
