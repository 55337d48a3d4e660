"""Speed of mdlib's convolution, as ratios measured in one run (no assertions: shared machines).

1. fast conv2d + conv2d_backward versus the naive loops (target: at least 20x faster) on
   x 4x3x16x16, 8 maps 3x3, padding 1;
2. with PyTorch installed (make torch), fast forward+backward time / torch's CPU forward+backward
   (target: at most 1.5x in float32) on the three shapes of Chapter 4's issue, in float32 and
   float64, and on a large float32 layer: x 128x32x56x56, 64 maps 3x3, stride 1, padding 1; with
   the minor page faults per call of each side (memory taken afresh from the OS each call) and
   the cores each side keeps busy (CPU time / wall time: NumPy's copies run on one core);
3. peak memory of that large layer's forward and backward (what tracemalloc sees NumPy allocate),
   as a multiple of the input's bytes plus the output's (target: at most 3x).
Each figure is the median of repeated runs, interleaved so that a slow moment hits both sides.
Usage: .venv/bin/python benchmarks/conv.py
"""
import sys

import numpy as np

import mdlib
from timing import cores_busy, faults_per_call, interleaved, peak_bytes


def mdlib_step(x, w, b, stride, padding):
    def run():
        y = mdlib.conv2d(x, w, b, stride, padding)
        mdlib.conv2d_backward(np.ones_like(y), x, w, stride, padding)
    return run


BIG = ((128, 32, 56, 56), 64, 1, 1)


def memory(rng):
    shape, F, stride, padding = BIG
    x = rng.normal(size=shape).astype(np.float32)
    w = rng.normal(size=(F, shape[1], 3, 3)).astype(np.float32)
    b = rng.normal(size=F).astype(np.float32)
    y = mdlib.conv2d(x, w, b, stride, padding)
    dy = np.ones_like(y)
    io = x.nbytes + y.nbytes
    del y
    fwd = peak_bytes(lambda: mdlib.conv2d(x, w, b, stride, padding))
    bwd = peak_bytes(lambda: mdlib.conv2d_backward(dy, x, w, stride, padding))
    print(f"peak memory, x {'x'.join(map(str, shape))} float32 ({x.nbytes / 1e6:.0f} MB in, {dy.nbytes / 1e6:.0f} MB out), "
          f"{F} maps 3x3: forward {fwd / 1e6:.0f} MB = {fwd / io:.2f}x (in+out), {fwd / x.nbytes:.1f}x in; "
          f"backward {bwd / 1e6:.0f} MB = {bwd / io:.2f}x (in+out), {bwd / x.nbytes:.1f}x in (target <= 3x in+out)")


def main():
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}")
    x, w, b = rng.normal(size=(4, 3, 16, 16)), rng.normal(size=(8, 3, 3, 3)), rng.normal(size=8)

    def naive():
        y = mdlib.conv2d_naive(x, w, b, 1, 1)
        mdlib.conv2d_backward_naive(np.ones_like(y), x, w, 1, 1)

    t_naive, t_fast = interleaved([naive, mdlib_step(x, w, b, 1, 1)], repeats=3, rounds=3)
    print(f"naive / fast, x 4x3x16x16, 8 maps 3x3, padding 1, forward+backward: "
          f"{t_naive * 1e3:.1f} ms / {t_fast * 1e3:.2f} ms = {t_naive / t_fast:.0f}x (target >= 20x)")

    memory(rng)
    try:
        import torch
    except ImportError:
        print("torch is not installed (make torch): no PyTorch ratios")
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    cases = [((64, 1, 8, 8), 8, 1, 1), ((64, 3, 32, 32), 16, 1, 1), ((32, 16, 16, 16), 32, 2, 1)]
    runs = [(dtype, case) for dtype in (np.float32, np.float64) for case in cases]
    if "--no-big" not in sys.argv:
        runs.append((np.float32, BIG))
    for dtype, (shape, F, stride, padding) in runs:
        x = rng.normal(size=shape).astype(dtype)
        w = rng.normal(size=(F, shape[1], 3, 3)).astype(dtype)
        b = rng.normal(size=F).astype(dtype)
        tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))

        def torch_step():
            y = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
            y.backward(torch.ones_like(y))

        big = x.size > 10**6
        ours = mdlib_step(x, w, b, stride, padding)
        t_ours, t_torch = interleaved([ours, torch_step], repeats=1 if big else 10, rounds=3 if big else 5)
        calls = 2 if big else 20
        faults = faults_per_call(ours, calls), faults_per_call(torch_step, calls)
        cores = cores_busy(ours, calls), cores_busy(torch_step, calls)
        target = "target <= 1.5x" if dtype == np.float32 else "float64: reported"
        print(f"{np.dtype(dtype).name:7s} x {'x'.join(map(str, shape)):11s} {F:2d} maps 3x3 stride {stride} pad {padding}: "
              f"mdlib {t_ours * 1e3:7.2f} ms, torch {t_torch * 1e3:7.2f} ms, ratio {t_ours / t_torch:.2f}x "
              f"({target}); page faults/call {faults[0]:.0f} vs {faults[1]:.0f}; "
              f"cores busy {cores[0]:.1f} vs {cores[1]:.1f}")


if __name__ == "__main__":
    main()
