"""Max and average pooling, (N, C, H, W), no padding; stride defaults to the window size.

Defined in Chapter 4. Output size OH = (H - size) // stride + 1, OW likewise. Windows may overlap
(stride < size): the backward passes then sum what each input cell receives.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._check import as_float_array, require_forward_shape, require_whole


def _check_pool(x, size, stride):
    x = as_float_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
    if x.shape[1] == 0:
        raise ValueError(f"x {x.shape} has no channels: pooling needs C >= 1 (only the batch N may be 0)")
    stride = size if stride is None else stride
    require_whole(size, "size", 1)
    require_whole(stride, "stride", 1)
    H, W = x.shape[2:]
    if size > H or size > W:
        raise ValueError(f"pooling window {size}x{size} is larger than the input ({H}, {W}) of x {x.shape}: "
                         f"size must be at most {min(H, W)}")
    return x, stride, (H - size) // stride + 1, (W - size) // stride + 1


def _windows(x, size, stride, OH, OW):
    """(N, C, OH, OW, size, size) view of the pooling windows."""
    return sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :OH, :OW]


def max_pool2d(x, size=2, stride=None):
    """y[n, c, i, j] = max of the size x size window at (i*stride, j*stride). x: (N, C, H, W)."""
    x, stride, OH, OW = _check_pool(x, size, stride)
    return _windows(x, size, stride, OH, OW).max(axis=(4, 5))


def max_pool2d_backward(dy, x, size=2, stride=None):
    """dx like x: each dy[n,c,i,j] goes to the first maximum of its window (row-major, as PyTorch)
    and nowhere else; where windows overlap, an input cell sums what it receives.
    The forward pass's input x is needed to find where the maxima were.
    """
    x, stride, OH, OW = _check_pool(x, size, stride)
    dy = require_forward_shape(dy, x.shape[:2] + (OH, OW))
    first_max = _windows(x, size, stride, OH, OW).reshape(*x.shape[:2], OH, OW, size * size).argmax(axis=4)
    dx = np.zeros(x.shape, dtype=np.result_type(x, dy))
    s = stride
    for u in range(size):
        for v in range(size):
            routed = np.where(first_max == u * size + v, dy, 0)          # the dy whose maximum sits at (u, v)
            dx[:, :, u:u + s * OH:s, v:v + s * OW:s] += routed
    return dx


def avg_pool2d(x, size=2, stride=None):
    """y[n, c, i, j] = mean of the size x size window at (i*stride, j*stride). x: (N, C, H, W)."""
    x, stride, OH, OW = _check_pool(x, size, stride)
    return _windows(x, size, stride, OH, OW).mean(axis=(4, 5))


def avg_pool2d_backward(dy, x, size=2, stride=None):
    """dx like x: each dy[n,c,i,j] spread evenly, dy / size^2, over its window; overlaps sum.
    With stride == size this is up(dy) = kron(dy, ones((size, size)) / size^2).
    """
    x, stride, OH, OW = _check_pool(x, size, stride)
    dy = require_forward_shape(dy, x.shape[:2] + (OH, OW))
    dx = np.zeros(x.shape, dtype=np.result_type(x, dy))
    s, share = stride, dy / (size * size)
    for u in range(size):
        for v in range(size):
            dx[:, :, u:u + s * OH:s, v:v + s * OW:s] += share
    return dx
