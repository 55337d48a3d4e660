"""Windows over the last two axes: what convolution and pooling share.

Defined in Chapter 4. A (KH, KW) window with stride s over an input zero-padded by p
sits at output cell (i, j) on rows i*s .. i*s + KH - 1 and columns j*s .. j*s + KW - 1
of x_pad. Four helpers, used by conv.py and pool.py alike; the leading axes ((N, C) for
images, none for a single 2-D array) are carried along untouched. No validation here:
the kernels check first.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(H, W, KH, KW, stride=1, padding=0):
    """Where a window can sit: OH = (H + 2p - KH) // s + 1, OW = (W + 2p - KW) // s + 1
    (floor, as PyTorch).

    Defined in Chapter 4. Input rows or columns past the last window are never read.
    """
    return (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1


def zero_pad(x, ph, pw=None):
    """x_pad: x with ph rows of zeros above and below and pw (default ph) columns left
    and right.

    Defined in Chapter 4. Only the last two axes are padded.
    """
    pw = ph if pw is None else pw
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]) if ph or pw else x


def window_view(x, KH, KW, stride=1, padding=0):
    """windows[..., i, j, u, v] = x_pad[..., i*s + u, j*s + v]: shape
    (..., OH, OW, KH, KW).

    Defined in Chapter 4. A strided view of x_pad (no copy): overlapping windows share
    memory, so it is read-only.
    """
    OH, OW = output_size(*x.shape[-2:], KH, KW, stride, padding)
    windows = sliding_window_view(zero_pad(x, padding), (KH, KW), axis=(-2, -1))
    return windows[..., ::stride, ::stride, :, :][..., :OH, :OW, :, :]


def window_scatter_add(windows, x_shape, stride=1, padding=0):
    """The adjoint of window_view:
    dx_pad[..., i*s + u, j*s + v] += windows[..., i, j, u, v], then crop.

    Defined in Chapter 4. windows: (..., OH, OW, KH, KW); returns an array of x_shape.
    Where windows overlap (s < K) a cell sums what each window gives it; a cell that no
    window reaches, or that lies in the padding, keeps nothing. One strided add per
    window position (u, v).
    """
    OH, OW, KH, KW = windows.shape[-4:]
    H, W, s, p = x_shape[-2], x_shape[-1], stride, padding
    dx_pad = np.zeros((*x_shape[:-2], H + 2 * p, W + 2 * p), dtype=windows.dtype)
    for u in range(KH):
        for v in range(KW):
            dx_pad[..., u:u + s * OH:s, v:v + s * OW:s] += windows[..., u, v]
    return dx_pad[..., p:p + H, p:p + W]
