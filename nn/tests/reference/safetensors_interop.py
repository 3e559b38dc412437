"""Cross-check nn's safetensors files with the Python `safetensors` package (0.8.0 was used).

1. `python3 safetensors_interop.py write` writes `python_written.safetensors` next to this
   script; nn/tests/checkpoint.rs loads it (`loads_file_written_by_python`).
2. `cargo test -p nn --test checkpoint` writes `nn_round_trip.safetensors` into the cargo
   target temp folder; `python3 safetensors_interop.py read PATH` loads it with
   `safetensors.numpy.load_file` and checks names, shapes, dtypes, values and metadata.

Needs `pip install safetensors numpy`.
"""
import sys
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

HERE = Path(__file__).parent


def write():
    tensors = {
        "encoder.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
        "encoder.bias": np.array([-1.5, 2.25], dtype=np.float32),
    }
    save_file(tensors, HERE / "python_written.safetensors", metadata={"epoch": "3", "format": "np"})


def read(path):
    tensors = load_file(path)
    assert sorted(tensors) == ["layer.bias", "layer.weight"], sorted(tensors)
    w = tensors["layer.weight"]
    assert w.dtype == np.float32, w.dtype
    assert w.shape == (2, 3), w.shape
    assert np.array_equal(w, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32) / 8), w
    b = tensors["layer.bias"]
    assert b.dtype == np.float32, b.dtype
    assert np.array_equal(b, np.array([0.1, -0.2], dtype=np.float32)), b
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
    assert float(metadata["lr"]) == 0.001, metadata
    assert float(metadata["epoch"]) == 7, metadata
    print("ok:", {k: (v.dtype, v.shape) for k, v in tensors.items()}, metadata)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write()
    else:
        read(sys.argv[2])
