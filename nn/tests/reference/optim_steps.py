"""Reference values for nn/tests/optim.rs: two optimizer steps from the update rules in the
module docs of nn/src/optim/, on p0 = [1.0, -2.0] with gradients g1 = [0.5, 0.1] then
g2 = [-1.0, 0.3]. Run with `python3 optim_steps.py` (numpy only)."""
import numpy as np

p0 = np.array([1.0, -2.0])
grads = [np.array([0.5, 0.1]), np.array([-1.0, 0.3])]


def sgd(lr, mu, nesterov, wd):
    p, v = p0.copy(), np.zeros(2)
    for g in grads:
        g = g + wd * p
        v = mu * v + g
        p = p - lr * (g + mu * v if nesterov else v)
    return p


def adam(lr, b1, b2, eps, wd, decoupled):
    p, m, v = p0.copy(), np.zeros(2), np.zeros(2)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def rmsprop(lr, alpha, eps, mu, wd):
    p, s, b = p0.copy(), np.zeros(2), np.zeros(2)
    for g in grads:
        g = g + wd * p
        s = alpha * s + (1 - alpha) * g * g
        b = mu * b + g / (np.sqrt(s) + eps)
        p = p - lr * b
    return p


np.set_printoptions(precision=17, floatmode="unique")
print("sgd momentum      ", repr(sgd(0.1, 0.9, False, 0.0)))
print("sgd nesterov wd   ", repr(sgd(0.1, 0.9, True, 0.01)))
print("adam              ", repr(adam(0.1, 0.9, 0.999, 1e-8, 0.0, False)))
print("adam l2           ", repr(adam(0.1, 0.9, 0.999, 1e-8, 0.1, False)))
print("adamw             ", repr(adam(0.1, 0.9, 0.999, 1e-8, 0.1, True)))
print("rmsprop momentum  ", repr(rmsprop(0.01, 0.99, 1e-8, 0.5, 0.0)))
