"""Prints the NumPy reference values used by `numpy_reference_values` in tests/reduce.rs.

Run with `python3 reduce_reference.py` (NumPy 2.4.6 produced the values in the test).
"""

import numpy as np

x = np.array(
    [
        [0.5, -1.25, 3.0, 2.0],
        [1.5, 0.25, -2.0, 4.5],
        [-0.75, 2.5, 1.0, -3.5],
    ],
    dtype=np.float64,
)


def show(name, values):
    flat = ", ".join(repr(float(v)) for v in np.ravel(values))
    print(f"{name}: [{flat}]")


def softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


show("var axis 0", x.var(axis=0))
show("var axis 1", x.var(axis=1))
show("var all", x.var())
show("logsumexp axis 0", np.log(np.exp(x).sum(axis=0)))
show("logsumexp axis 1", np.log(np.exp(x).sum(axis=1)))
show("softmax axis 0", softmax(x, 0))
show("softmax axis 1", softmax(x, 1))
show("log_softmax axis 1", np.log(softmax(x, 1)))
show("mean axis 1", x.mean(axis=1))
show("argmax axis 0", x.argmax(axis=0))
show("argmin axis 1", x.argmin(axis=1))
