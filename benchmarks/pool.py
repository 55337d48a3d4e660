"""Speed and memory of mdlib's pooling versus PyTorch, as ratios measured in one run (no assertions: shared machines).

Cases (float32): x 128x64x56x56, window 3 stride 2 (overlapping, as in ResNet's stem), and window 2
stride 2 (non-overlapping). For max and average pooling: forward alone, and forward+backward.
Each figure is the median of repeated runs, interleaved so that a slow moment hits both sides
(target: mdlib / torch at most 1.5x). Peak memory is what tracemalloc sees NumPy allocate during
one forward+backward, as a multiple of the input's bytes.
Usage: .venv/bin/python benchmarks/pool.py [--small]
"""
import sys

import numpy as np

import mdlib
from timing import interleaved, peak_bytes


def main():
    small = "--small" in sys.argv
    shape = (16, 64, 56, 56) if small else (128, 64, 56, 56)
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(np.float32)
    print(f"numpy {np.__version__}; x {'x'.join(map(str, shape))} float32 ({x.nbytes / 1e6:.0f} MB)")
    try:
        import torch
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        torch = None
        print("torch is not installed (make torch): no PyTorch ratios")
    for size, stride in ((3, 2), (2, 2)):
        for mode in ("max", "avg"):
            forward, backward = getattr(mdlib, f"{mode}_pool2d"), getattr(mdlib, f"{mode}_pool2d_backward")
            dy = np.ones_like(forward(x, size, stride))

            def ours_fwd():
                forward(x, size, stride)

            def ours_both():
                forward(x, size, stride)
                backward(dy, x, size, stride)

            peak = peak_bytes(ours_both)
            line = f"{mode} pool {size}x{size} stride {stride}:"
            if torch is None:
                t_f, t_b = interleaved([ours_fwd, ours_both], repeats=3, rounds=3)
                print(f"{line} forward {t_f * 1e3:.1f} ms, forward+backward {t_b * 1e3:.1f} ms, "
                      f"peak {peak / x.nbytes:.1f}x the input")
                continue
            tf = getattr(torch.nn.functional, f"{mode}_pool2d")
            tx = torch.tensor(x, requires_grad=True)
            tdy = torch.tensor(dy)

            def torch_fwd():
                with torch.no_grad():
                    tf(tx, size, stride)

            def torch_both():
                tx.grad = None
                tf(tx, size, stride).backward(tdy)

            t_of, t_tf, t_ob, t_tb = interleaved([ours_fwd, torch_fwd, ours_both, torch_both], repeats=3, rounds=3)
            print(f"{line} forward {t_of * 1e3:6.1f} / {t_tf * 1e3:6.1f} ms = {t_of / t_tf:.2f}x; "
                  f"forward+backward {t_ob * 1e3:6.1f} / {t_tb * 1e3:6.1f} ms = {t_ob / t_tb:.2f}x "
                  f"(target <= 1.5x); peak {peak / x.nbytes:.1f}x the input")


if __name__ == "__main__":
    main()
