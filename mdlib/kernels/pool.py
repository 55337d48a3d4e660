"""Max and average pooling, (N, C, H, W), no padding; stride defaults to the window size.

Defined in Chapter 4. Output size OH = (H - size) // stride + 1, OW likewise. Windows may overlap
(stride < size): the backward passes then sum what each input cell receives. Each kernel checks
its arguments and calls its _math function; the windows come from windows.py, as conv's do.
"""
import numpy as np

from ._check import pool_backward_inputs, pool_inputs
from .windows import window_scatter_add, window_view


def max_pool2d(x, size=2, stride=None):
    """max_pool2d_math after checking the arguments. x: (N, C, H, W); returns y: (N, C, OH, OW)."""
    x, size, stride, _, _ = pool_inputs(x, size, stride)
    return max_pool2d_math(x, size, stride)


def max_pool2d_math(x, size, s):
    """y[n, c, i, j] = max_{u,v} x[n, c, i*s + u, j*s + v]: the largest entry of each size x size window.

    Defined in Chapter 4. A running maximum over the size^2 positions (u, v) of the window, each
    a strided slice of x. A window holding a NaN has the maximum NaN, as in PyTorch.
    """
    windows = window_view(x, size, size, s)                                  # (N, C, OH, OW, size, size)
    y = windows[..., 0, 0].copy()
    for u in range(size):
        for v in range(size):
            np.maximum(y, windows[..., u, v], out=y)
    return y


def max_pool2d_backward(dy, x, size=2, stride=None):
    """max_pool2d_backward_math after checking the arguments; returns dx like x."""
    dy, x, size, stride = pool_backward_inputs(dy, x, size, stride)
    return max_pool2d_backward_math(dy, x, size, stride)


def max_pool2d_backward_math(dy, x, size, s):
    """dx[n, c, i*s + u, j*s + v] += dy[n, c, i, j] where (u, v) is the first maximum of window (i, j).

    Defined in Chapter 4. The first maximum in row-major order, as PyTorch; nowhere else in the
    window; where windows overlap, an input cell sums what it receives. The forward pass's input x
    is needed to find where the maxima were: walking (u, v) in row-major order, dy goes to the first
    entry equal to the maximum y (or the first NaN, when y is NaN) and no further.
    """
    windows, y = window_view(x, size, size, s), max_pool2d_math(x, size, s)
    routed = np.zeros((size, size) + y.shape, dtype=dy.dtype)                # routed[u, v] = window (u, v)'s share
    left = dy.copy()                                                         # what no earlier (u, v) has taken
    for u in range(size):
        for v in range(size):
            first_max = (windows[..., u, v] == y) | np.isnan(windows[..., u, v])
            np.copyto(routed[u, v], left, where=first_max)
            np.copyto(left, 0, where=first_max)
    return window_scatter_add(routed.transpose(2, 3, 4, 5, 0, 1), x.shape, s)


def avg_pool2d(x, size=2, stride=None):
    """avg_pool2d_math after checking the arguments. x: (N, C, H, W); returns y: (N, C, OH, OW)."""
    x, size, stride, _, _ = pool_inputs(x, size, stride)
    return avg_pool2d_math(x, size, stride)


def avg_pool2d_math(x, size, s):
    """y[n, c, i, j] = 1/size^2 sum_{u,v} x[n, c, i*s + u, j*s + v]: the mean of each size x size window.

    Defined in Chapter 4. A running sum over the size^2 positions (u, v), each a strided slice of x.
    """
    windows = window_view(x, size, size, s)                                  # (N, C, OH, OW, size, size)
    y = np.zeros(windows.shape[:4], dtype=x.dtype)
    for u in range(size):
        for v in range(size):
            y += windows[..., u, v]
    return y / (size * size)


def avg_pool2d_backward(dy, x, size=2, stride=None):
    """avg_pool2d_backward_math after checking the arguments; returns dx like x."""
    dy, x, size, stride = pool_backward_inputs(dy, x, size, stride)
    return avg_pool2d_backward_math(dy, x.shape, size, stride)


def avg_pool2d_backward_math(dy, x_shape, size, s):
    """dx[n, c, i*s + u, j*s + v] += dy[n, c, i, j] / size^2 for every (u, v): dy spread evenly; overlaps sum.

    Defined in Chapter 4. With s == size this is up(dy) = kron(dy, ones((size, size)) / size^2).
    """
    share = dy / (size * size)
    return window_scatter_add(np.broadcast_to(share[..., None, None], share.shape + (size, size)), x_shape, s)
