//! Data-set readers (MNIST, Fashion-MNIST, CIFAR-10, WikiText) and synthetic memory tasks (not yet built).
