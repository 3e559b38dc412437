"""Reference outputs for nn/tests/cells.rs: the RNN, GRU and LSTM equations written in the
module docs of nn/src/rnn/, run with numpy in float64 on fixed weights.

Sizes: batch 2, 3 time steps, input_size 2, hidden_size 3. Every weight comes from a formula
that the Rust test repeats (`pattern` there):

    weight_ih[r, c] = 0.1 * ((7 r + 3 c) % 11 - 5)
    weight_hh[r, c] = 0.1 * ((5 r + 2 c) % 7 - 3)
    bias_ih[r]      = 0.05 * (r % 5 - 2)
    bias_hh[r]      = 0.03 * (r % 3 - 1)
    x[b, t, c]      = 0.2 * ((5 b + 3 t + c) % 7) - 0.6
    h0[b, j]        = 0.1 * (b - j)
    c0[b, j]        = 0.05 * (j + 1) * (b + 1)

Run `python3 cells.py` and paste the printed arrays (h for every step, then the final c).
"""
import numpy as np

B, T, I, H = 2, 3, 2, 3


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def weights(gates):
    rows = gates * H
    w_ih = np.array([[0.1 * ((7 * r + 3 * c) % 11 - 5) for c in range(I)] for r in range(rows)])
    w_hh = np.array([[0.1 * ((5 * r + 2 * c) % 7 - 3) for c in range(H)] for r in range(rows)])
    b_ih = np.array([0.05 * (r % 5 - 2) for r in range(rows)])
    b_hh = np.array([0.03 * (r % 3 - 1) for r in range(rows)])
    return w_ih, w_hh, b_ih, b_hh


x = np.array([[[0.2 * ((5 * b + 3 * t + c) % 7) - 0.6 for c in range(I)] for t in range(T)] for b in range(B)])
h0 = np.array([[0.1 * (b - j) for j in range(H)] for b in range(B)])
c0 = np.array([[0.05 * (j + 1) * (b + 1) for j in range(H)] for b in range(B)])


def rnn():
    w_ih, w_hh, b_ih, b_hh = weights(1)
    h, out = h0, []
    for t in range(T):
        h = np.tanh(x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        out.append(h)
    return np.stack(out, 1), None


def gru():
    w_ih, w_hh, b_ih, b_hh = weights(3)
    h, out = h0, []
    for t in range(T):
        gx = x[:, t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = sigmoid(gx[:, :H] + gh[:, :H])
        z = sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1 - z) * n + z * h
        out.append(h)
    return np.stack(out, 1), None


def lstm():
    w_ih, w_hh, b_ih, b_hh = weights(4)
    h, c, out = h0, c0, []
    for t in range(T):
        g_all = x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f = sigmoid(g_all[:, :H]), sigmoid(g_all[:, H:2 * H])
        g, o = np.tanh(g_all[:, 2 * H:3 * H]), sigmoid(g_all[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, 1), c


np.set_printoptions(precision=17, floatmode="unique")
for name, fn in [("rnn", rnn), ("gru", gru), ("lstm", lstm)]:
    hs, c = fn()
    print(name, "h", repr(hs.reshape(-1).tolist()))
    if c is not None:
        print(name, "c_last", repr(c.reshape(-1).tolist()))
