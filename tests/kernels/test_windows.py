"""The window helpers (mdlib/kernels/windows.py) against loops, PyTorch's size formula and the adjoint identity."""
import math
from fractions import Fraction

import numpy as np
import pytest

from mdlib.kernels.conv import col2im, conv_output_size, im2col
from mdlib.kernels.windows import output_size, window_scatter_add, window_view, zero_pad

# (H, W, KH, KW, stride, padding): overlaps (s < K), gaps (s > K), sizes the stride does not divide
# (H = 6, K = 3, s = 2 leaves the last row unread), padding, and a window as large as the padded input.
CASES = [(6, 6, 3, 3, 2, 0), (6, 5, 3, 2, 2, 1), (7, 4, 2, 3, 3, 0), (5, 5, 5, 5, 1, 0), (4, 6, 3, 1, 1, 2),
         (3, 3, 4, 4, 2, 1), (8, 7, 1, 1, 3, 0), (9, 9, 3, 3, 4, 2)]


def padded_by_loops(x, p):
    H, W = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (H + 2 * p, W + 2 * p))
    for r in range(H):
        for c in range(W):
            out[..., r + p, c + p] = x[..., r, c]
    return out


def torch_output_size(H, K, s, p, dilation=1):
    """PyTorch's Conv2d/MaxPool2d docs: H_out = floor((H_in + 2 padding - dilation (kernel_size - 1) - 1) / stride + 1)."""
    return math.floor(Fraction(H + 2 * p - dilation * (K - 1) - 1, s) + 1)


def torch_output_shape(H, W, KH, KW, s, p):
    return torch_output_size(H, KH, s, p), torch_output_size(W, KW, s, p)


@pytest.mark.parametrize("H, W, KH, KW, s, p", CASES)
def test_output_size_is_pytorchs_formula_and_counts_the_windows(H, W, KH, KW, s, p):
    OH, OW = output_size(H, W, KH, KW, s, p)
    assert (OH, OW) == torch_output_shape(H, W, KH, KW, s, p)
    assert OH == sum(1 for i in range(H + 2 * p) if i * s + KH <= H + 2 * p)   # window starts that fit
    assert OW == sum(1 for j in range(W + 2 * p) if j * s + KW <= W + 2 * p)
    assert conv_output_size(H, W, KH, KW, s, p) == (OH, OW)


def test_output_size_exhaustively_against_pytorch():
    for H in range(1, 12):
        for K in range(1, 6):
            for s in range(1, 5):
                for p in range(0, 3):
                    if K <= H + 2 * p:
                        assert output_size(H, H, K, K, s, p)[0] == torch_output_size(H, K, s, p)


def test_conv_output_size_refuses_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"kernel \(6, 2\) is larger than the padded input \(5, 5\)"):
        conv_output_size(3, 3, 6, 2, 1, 1)


def test_zero_pad(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    for p in (1, 2):
        np.testing.assert_array_equal(zero_pad(x, p), padded_by_loops(x, p))
    assert zero_pad(x, 0) is x
    a = rng.normal(size=(2, 3))
    out = zero_pad(a, 1, 2)
    assert out.shape == (4, 7) and np.array_equal(out[1:3, 2:5], a)
    out[1:3, 2:5] = 0
    assert not out.any()


@pytest.mark.parametrize("H, W, KH, KW, s, p", CASES)
def test_window_view_is_every_window_of_the_padded_input(rng, H, W, KH, KW, s, p):
    x = rng.normal(size=(2, 3, H, W))
    windows = window_view(x, KH, KW, s, p)
    xp = padded_by_loops(x, p)
    OH, OW = torch_output_shape(H, W, KH, KW, s, p)
    assert windows.shape == (2, 3, OH, OW, KH, KW)
    for i in range(OH):
        for j in range(OW):
            for u in range(KH):
                for v in range(KW):
                    np.testing.assert_array_equal(windows[:, :, i, j, u, v], xp[:, :, i * s + u, j * s + v])


def test_window_view_is_a_view_and_works_on_2d(rng):
    x = rng.normal(size=(1, 1, 6, 6))
    assert np.shares_memory(window_view(x, 3, 3, 2), x)
    a = rng.normal(size=(5, 4))
    np.testing.assert_array_equal(window_view(a, 2, 3)[3, 1], a[3:5, 1:4])


@pytest.mark.parametrize("H, W, KH, KW, s, p", CASES)
def test_scatter_add_is_the_exact_adjoint_of_the_view(rng, H, W, KH, KW, s, p):
    """<view(x), y> = <x, scatter_add(y)> for every x and y: the definition of the adjoint (the backward pass)."""
    for _ in range(3):
        x = rng.normal(size=(2, 3, H, W))
        windows = window_view(x, KH, KW, s, p)
        y = rng.normal(size=windows.shape)
        back = window_scatter_add(y, x.shape, s, p)
        assert back.shape == x.shape
        np.testing.assert_allclose(np.sum(windows * y), np.sum(x * back), rtol=1e-12)


@pytest.mark.parametrize("H, W, KH, KW, s, p", CASES)
def test_scatter_add_matches_loops(rng, H, W, KH, KW, s, p):
    OH, OW = torch_output_shape(H, W, KH, KW, s, p)
    y = rng.normal(size=(2, 1, OH, OW, KH, KW))
    dxp = np.zeros((2, 1, H + 2 * p, W + 2 * p))
    for i in range(OH):
        for j in range(OW):
            dxp[:, :, i * s:i * s + KH, j * s:j * s + KW] += y[:, :, i, j]
    np.testing.assert_allclose(window_scatter_add(y, (2, 1, H, W), s, p), dxp[:, :, p:p + H, p:p + W], atol=1e-14)


def test_scatter_add_of_ones_counts_the_windows_over_each_cell():
    """H = 6, K = 3, s = 2: rows 0..4 are read (row 2 twice, by windows 0 and 1), row 5 by none."""
    counts = window_scatter_add(np.ones((1, 1, 2, 2, 3, 3)), (1, 1, 6, 6), stride=2)
    per_row = [1, 1, 2, 1, 1, 0]
    np.testing.assert_array_equal(counts[0, 0], np.outer(per_row, per_row))


def test_scatter_add_keeps_the_dtype():
    for dtype in (np.float16, np.float32, np.float64):
        assert window_scatter_add(np.ones((1, 1, 2, 2, 2, 2), dtype), (1, 1, 4, 4), 2).dtype == dtype


@pytest.mark.parametrize("H, W, KH, KW, s, p", CASES)
def test_im2col_columns_and_col2im_adjoint(rng, H, W, KH, KW, s, p):
    x = rng.normal(size=(2, 3, H, W))
    OH, OW = torch_output_shape(H, W, KH, KW, s, p)
    cols, xp = im2col(x, KH, KW, s, p), padded_by_loops(x, p)
    assert cols.shape == (2, 3 * KH * KW, OH * OW)
    for c in range(3):
        for u in range(KH):
            for v in range(KW):
                for i in range(OH):
                    for j in range(OW):
                        np.testing.assert_array_equal(cols[:, (c * KH + u) * KW + v, i * OW + j],
                                                      xp[:, c, i * s + u, j * s + v])
    y = rng.normal(size=cols.shape)
    np.testing.assert_allclose(np.sum(cols * y), np.sum(x * col2im(y, x.shape, KH, KW, s, p)), rtol=1e-12)


def test_im2col_matches_torch_unfold(rng):
    torch = pytest.importorskip("torch")
    for H, W, KH, KW, s, p in CASES:
        x = rng.normal(size=(2, 3, H, W))
        theirs = torch.nn.functional.unfold(torch.tensor(x), (KH, KW), padding=p, stride=s).numpy()
        np.testing.assert_allclose(im2col(x, KH, KW, s, p), theirs, rtol=0, atol=0)
        y = rng.normal(size=theirs.shape)
        folded = torch.nn.functional.fold(torch.tensor(y), (H, W), (KH, KW), padding=p, stride=s).numpy()
        np.testing.assert_allclose(col2im(y, x.shape, KH, KW, s, p), folded, atol=1e-12)
