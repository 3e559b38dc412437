"""Reference values for nn/tests/loss.rs (numpy, float64).

logits = [[1, 2, 3], [1, 1, 1], [0.5, -1, 2]], targets = [2, 0, 1].
"""
import numpy as np

z = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5, -1.0, 2.0]])
y = np.array([2, 0, 1])
logp = z - np.log(np.exp(z).sum(1, keepdims=True))
rows = -logp[np.arange(3), y]
print("plain", repr(rows.mean()))
eps = 0.1
smooth = -((1 - eps) * logp[np.arange(3), y] + eps / 3 * logp.sum(1))
print("smoothed", repr(smooth.mean()))
print("ignore row 1", repr(rows[[0, 2]].mean()))
