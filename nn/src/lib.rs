//! Neural-network layers, recurrent cells, losses, optimizers and checkpoints (not yet built).
