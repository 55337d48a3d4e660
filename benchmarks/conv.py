"""Speed of mdlib's convolution, as ratios measured in one run (no assertions: shared machines).

1. fast conv2d + conv2d_backward versus the naive loops (target: at least 20x faster) on
   x 4x3x16x16, 8 maps 3x3, padding 1;
2. with PyTorch installed (make torch), fast forward+backward time / torch's CPU forward+backward
   (target: at most 1.5x in float32) on the three shapes of Chapter 4's issue, in float32 and
   float64, and on a large float32 layer: x 128x32x56x56, 64 maps 3x3, stride 1, padding 1; with
   the minor page faults per call of each side (memory taken afresh from the OS each call) and
   the cores each side keeps busy (CPU time / wall time: NumPy's copies run on one core);
   and, to tell the two sides' cores apart from their work, torch held to one thread
   (torch.set_num_threads(1)) and mdlib's matrix products alone (the per-sample products of
   its forward and backward on their prepared operands: what is left if every copy were free);
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


def products_only(x, w, dy, stride, padding):
    """The matrix products conv2d and conv2d_backward make, on operands prepared once:
    per chunk of the batch, w_mat @ cols[n], cols[n] @ dy_grid[n]^T and w_mat^T @ dy_grid[n]
    for each sample n (kernels/conv.py's shapes). Returns the function that makes them."""
    conv = mdlib.kernels.conv
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    OH, WG = dy.shape[2], conv.grid_width(W, stride, padding)
    w_mat = np.ascontiguousarray(w.transpose(0, 2, 3, 1).reshape(F, KH * KW * C))
    w_mat_T = np.ascontiguousarray(w_mat.T)
    sample_bytes = conv.grid_cols_bytes((C, H, W), KH, KW, stride, padding, x.itemsize)
    sizes = [len(range(N)[chunk]) for chunk in conv.batch_chunks(N, sample_bytes)]
    # one set of operands per chunk size (at most two sizes): holding every chunk's would
    # change what the heap gives mdlib's own step (page faults) in the same run
    operands = {}
    for n in set(sizes):
        cols_n = conv.sample_matrices(conv.grid_cols(x[:n], KH, KW, stride, padding),
                                      F, OH * WG)
        dy_grid = np.zeros((n, F, OH * WG), dtype=dy.dtype)
        operands[n] = cols_n, dy_grid, np.ascontiguousarray(dy_grid.transpose(0, 2, 1))

    def run():
        for n in sizes:
            cols_n, dy_grid, dy_grid_T = operands[n]
            w_mat @ cols_n, cols_n @ dy_grid_T, w_mat_T @ dy_grid
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

        def torch_one_thread():
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                torch_step()
            finally:
                torch.set_num_threads(threads)

        big = x.size > 10**6
        ours = mdlib_step(x, w, b, stride, padding)
        repeats, rounds = (1, 3) if big else (10, 5)
        t_ours, t_torch = interleaved([ours, torch_step], repeats, rounds)
        calls = 2 if big else 20
        faults = faults_per_call(ours, calls), faults_per_call(torch_step, calls)
        cores = cores_busy(ours, calls), cores_busy(torch_step, calls)
        target = "target <= 1.5x" if dtype == np.float32 else "float64: reported"
        print(f"{np.dtype(dtype).name:7s} x {'x'.join(map(str, shape)):11s} {F:2d} maps 3x3 stride {stride} pad {padding}: "
              f"mdlib {t_ours * 1e3:7.2f} ms, torch {t_torch * 1e3:7.2f} ms, ratio {t_ours / t_torch:.2f}x "
              f"({target}); page faults/call {faults[0]:.0f} vs {faults[1]:.0f}; "
              f"cores busy {cores[0]:.1f} vs {cores[1]:.1f}")
        # after the ratio, so that the operands held here leave mdlib's step as it was
        products = products_only(x, w, mdlib.conv2d(x, w, b, stride, padding), stride, padding)
        t_torch_1, t_products = interleaved([torch_one_thread, products], repeats, rounds)
        del products
        print(f"{'':8s}torch on one thread {t_torch_1 * 1e3:7.2f} ms: ratio {t_ours / t_torch_1:.2f}x; "
              f"mdlib's matrix products alone {t_products * 1e3:7.2f} ms "
              f"({t_products / t_ours:.0%} of its step, {t_products / t_torch:.2f}x torch's step)")


if __name__ == "__main__":
    main()
