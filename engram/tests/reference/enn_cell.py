"""Reference values for the ENN cell test in `engram/tests/cell_reference.rs`.

Runs two steps of the ENN cell with d=3, h=4, m=2, B=2, noise off, from a fixed initial state,
with every parameter filled by `fill` below, and prints the hidden states, the attention
weights and the traces as Rust array literals.

The equations (Szelogowski, arXiv 2507.21474, and its Keras implementation):
  z     = LayerNorm(ReLU(x W_enc + b_enc))
  E     = M + s H
  S     = cos(z_b, E_j)
  a     = softmax(S / tau_eff), tau_eff = tau / (1 + 10 rho)
  r     = a E
  h_new = LayerNorm(ReLU(ReLU([z, r, h] W_int + b_int) W_out + b_out))
  H_new = clip((1 - eta) H + eta a^T z / B, -c, c)

Weights are stored [in, out] (y = x W + b). Run: python3 enn_cell.py
"""
import numpy as np

D, HID, M, B = 3, 4, 2, 2
ETA, S_SCALE, TAU, RHO, CLIP, LN_EPS, COS_EPS = 0.05, 0.5, 1.5, 0.1, 0.1, 1e-6, 1e-6


def fill(shape, offset, amplitude):
    """Entry k (row-major) is amplitude * sin(0.7 k + offset)."""
    count = int(np.prod(shape))
    return (amplitude * np.sin(0.7 * np.arange(count) + offset)).reshape(shape)


w_enc = fill((D, HID), 0.1, 0.8)
b_enc = fill((HID,), 0.2, 0.1)
gamma_enc = 1.0 + fill((HID,), 0.3, 0.1)
beta_enc = fill((HID,), 0.4, 0.05)
memory = fill((M, HID), 0.5, 0.6)
w_int = fill((3 * HID, 3 * HID), 0.6, 0.4)
b_int = fill((3 * HID,), 0.7, 0.1)
w_out = fill((3 * HID, HID), 0.8, 0.4)
b_out = fill((HID,), 0.9, 0.1)
gamma_out = 1.0 + fill((HID,), 1.0, 0.1)
beta_out = fill((HID,), 1.1, 0.05)

xs = [fill((B, D), 1.2, 1.0), fill((B, D), 1.3, 1.0)]
h = fill((B, HID), 1.4, 0.2)
trace = fill((M, HID), 1.5, 0.2)


def layer_norm(v, gamma, beta):
    mean = v.mean(axis=-1, keepdims=True)
    var = ((v - mean) ** 2).mean(axis=-1, keepdims=True)
    return (v - mean) / np.sqrt(var + LN_EPS) * gamma + beta


def l2_normalize(v):
    return v / np.maximum(np.sqrt((v * v).sum(axis=-1, keepdims=True)), COS_EPS)


def relu(v):
    return np.maximum(v, 0.0)


def step(x, h, trace):
    z = layer_norm(relu(x @ w_enc + b_enc), gamma_enc, beta_enc)
    effective = memory + S_SCALE * trace
    similarity = l2_normalize(z) @ l2_normalize(effective).T
    tau_eff = TAU / (1.0 + 10.0 * RHO)
    logits = similarity / tau_eff
    logits = logits - logits.max(axis=-1, keepdims=True)
    attention = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    retrieved = attention @ effective
    joined = np.concatenate([z, retrieved, h], axis=-1)
    hidden = relu(relu(joined @ w_int + b_int) @ w_out + b_out)
    h_new = layer_norm(hidden, gamma_out, beta_out)
    trace_new = np.clip((1 - ETA) * trace + ETA * (attention.T @ z) / B, -CLIP, CLIP)
    return h_new, attention, trace_new


def rust(name, array):
    values = ", ".join(f"{v:.9}" for v in array.ravel())
    print(f"const {name}: [f64; {array.size}] = [{values}];")


for t, x in enumerate(xs, start=1):
    h, attention, trace = step(x, h, trace)
    rust(f"HIDDEN_{t}", h)
    rust(f"ATTENTION_{t}", attention)
    rust(f"TRACE_{t}", trace)
