"""mdlib.conv2d_backward's input gradient is PyTorch's transposed convolution (Chapter 4, the
matrix view): dx = T_K^T delta = torch.nn.functional.conv_transpose2d(delta, w, stride, padding,
output_padding), float64, for several shapes. Skipped when PyTorch is not installed.

conv_transpose2d's output has (OH - 1)s - 2p + R rows; the rows of the input that no window
reaches ((H + 2p - R) mod s of them) are missing there and must be asked for as output_padding,
at the end, where the layer's input has them.
"""
import numpy as np
import pytest

import mdlib

torch = pytest.importorskip("torch")

CASES = [  # (N, D, H, W, F, R, S, stride, padding)
    (1, 1, 3, 3, 1, 2, 2, 1, 0),      # the worked example's shapes
    (2, 3, 5, 6, 4, 3, 3, 1, 1),
    (2, 3, 5, 6, 4, 3, 3, 2, 0),      # (5 - 3) mod 2 = 0 rows, (6 - 3) mod 2 = 1 column unreached
    (3, 2, 6, 7, 2, 3, 3, 2, 0),      # chapter 4's stride case: one row unreached
    (2, 2, 7, 5, 3, 2, 3, 3, 1),      # (7 + 2 - 2) mod 3 = 1 row, (5 + 2 - 3) mod 3 = 1 column
    (1, 4, 8, 8, 2, 1, 1, 2, 0),      # a 1x1 kernel at stride 2: every other pixel unreached
]


def output_padding(H, W, R, S, s, p):
    """The rows and columns conv_transpose2d must add at the end: those no window reaches."""
    return (H + 2 * p - R) % s, (W + 2 * p - S) % s


def torch_dx(dy, w, x_shape, s, p, pad=None):
    H, W = x_shape[2:]
    R, S = w.shape[2:]
    pad = output_padding(H, W, R, S, s, p) if pad is None else pad
    return torch.nn.functional.conv_transpose2d(
        torch.from_numpy(dy), torch.from_numpy(w), stride=s, padding=p, output_padding=pad).numpy()


@pytest.mark.parametrize("N,D,H,W,F,R,S,s,p", CASES)
def test_conv2d_backward_dx_is_torch_s_conv_transpose2d(N, D, H, W, F, R, S, s, p):
    rng = np.random.default_rng([N, D, H, W, F, R, S, s, p])
    x, w = rng.normal(size=(N, D, H, W)), rng.normal(size=(F, D, R, S))
    dy = rng.normal(size=mdlib.conv2d(x, w, None, s, p).shape)
    dx = mdlib.conv2d_backward(dy, x, w, s, p)[0]
    expected = torch_dx(dy, w, x.shape, s, p)
    assert expected.dtype == np.float64 and expected.shape == dx.shape
    assert mdlib.relative_error(dx, expected) < 1e-12
    # the same comparison fails on the common mistake, a kernel rotated as well (flipped twice)
    if R * S > 1:
        flipped = torch_dx(dy, w[:, :, ::-1, ::-1].copy(), x.shape, s, p)
        assert mdlib.relative_error(flipped, expected) > 1e-3
        assert mdlib.relative_error(dx, flipped) > 1e-3


def test_without_output_padding_the_unreached_rows_are_missing():
    N, D, H, W, F, R, S, s, p = CASES[3]
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(N, D, H, W)), rng.normal(size=(F, D, R, S))
    dy = rng.normal(size=mdlib.conv2d(x, w, None, s, p).shape)
    dx = mdlib.conv2d_backward(dy, x, w, s, p)[0]
    short = torch_dx(dy, w, x.shape, s, p, pad=(0, 0))
    assert short.shape == (N, D, H - 1, W) != dx.shape          # one row short
    assert mdlib.relative_error(dx[:, :, :-1], short) < 1e-12 and not dx[:, :, -1].any()
