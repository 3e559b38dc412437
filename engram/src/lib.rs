//! The Engram Neural Network, its baselines and trace monitoring (not yet built).
pub mod train;
