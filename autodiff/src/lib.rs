//! Tape-based reverse-mode automatic differentiation over `tensor` (not yet built).
