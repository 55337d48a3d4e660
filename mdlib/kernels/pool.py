"""Max and average pooling, (N, C, H, W), no padding; stride defaults to the window
size.

Defined in Chapter 4. Output size OH = (H - size) // stride + 1, OW likewise. Windows
may overlap (stride < size): the backward passes then sum what each input cell receives.
Each kernel checks its arguments and calls its _math function; the windows come from
windows.py, as conv's do.
"""
import numpy as np

from ._check import pool_backward_inputs, pool_inputs
from .windows import output_size, window_scatter_add

# pooling takes the images (n, c) a block of about this many input bytes at a time
BLOCK_BYTES = 2**19


def image_blocks(n_images, image_bytes):
    """Slices of 0..n_images-1, each as many images as fit BLOCK_BYTES (at least one):
    a block stays in the cache."""
    step = max(1, BLOCK_BYTES // max(1, image_bytes))
    return [slice(start, start + step) for start in range(0, n_images, step)]


def phase_zeros(x_shape, s, dtype):
    """Zeros for dx in s x s phases: phases[..., p, q, a, b] stands for
    dx[..., a*s + p, b*s + q]; shape (..., s, s, ceil(H / s), ceil(W / s)).

    A window position (u, v) at stride s touches one phase, (u % s, v % s), on a
    contiguous block of it: adding there is much faster than a strided add into dx."""
    H, W = x_shape[-2:]
    return np.zeros((*x_shape[:-2], s, s, -(-H // s), -(-W // s)), dtype=dtype)


def phase_merge(phases, x_shape):
    """dx[..., a*s + p, b*s + q] = phases[..., p, q, a, b], cropped to x_shape: one
    strided copy per phase (faster than a transposing reshape)."""
    *lead, s, _, Hs, Ws = phases.shape
    dx = np.empty((*lead, Hs, s, Ws, s), dtype=phases.dtype)
    for p in range(s):
        for q in range(s):
            dx[..., :, p, :, q] = phases[..., p, q, :, :]
    return dx.reshape(*lead, Hs * s, Ws * s)[..., :x_shape[-2], :x_shape[-1]]


def max_pool2d(x, size=2, stride=None):
    """max_pool2d_math after checking the arguments, a block of images at a time.
    x: (N, C, H, W); returns y: (N, C, OH, OW)."""
    x, size, stride, _, _ = pool_inputs(x, size, stride)
    (N, C, H, W), (OH, OW) = x.shape, output_size(*x.shape[2:], size, size, stride)
    images, y = x.reshape(N * C, H, W), np.empty((N * C, OH, OW), dtype=x.dtype)
    for block in image_blocks(N * C, H * W * x.itemsize):
        y[block] = max_pool2d_math(images[block], size, stride)
    return y.reshape(N, C, OH, OW)


def max_pool2d_math(x, size, s):
    """y[n, c, i, j] = max_{u,v} x[n, c, i*s + u, j*s + v]: the largest entry of each
    size x size window.

    Defined in Chapter 4. The maximum is separable: first the maximum over v along each
    row, rows[..., r, j] = max_v x[..., r, j*s + v], then over u,
    y[..., i, j] = max_u rows[..., i*s + u, j]: 2 * size strided slices instead of
    size^2. A window holding a NaN has the maximum NaN, as in PyTorch.
    """
    OH, OW = output_size(*x.shape[-2:], size, size, s)
    rows = x[..., :s * (OH - 1) + size, 0:s * OW:s].copy()        # (..., rows read, OW)
    for v in range(1, size):
        np.maximum(rows, x[..., :s * (OH - 1) + size, v:v + s * OW:s], out=rows)
    y = rows[..., 0:s * OH:s, :].copy()
    for u in range(1, size):
        np.maximum(y, rows[..., u:u + s * OH:s, :], out=y)
    return y


def max_pool2d_backward(dy, x, size=2, stride=None):
    """max_pool2d_backward_math after checking the arguments, a block of images at a
    time; returns dx like x."""
    dy, x, size, stride = pool_backward_inputs(dy, x, size, stride)
    (N, C, H, W), (OH, OW) = x.shape, dy.shape[2:]
    images, d_images = x.reshape(N * C, H, W), dy.reshape(N * C, OH, OW)
    dx = np.empty(images.shape, dtype=dy.dtype)
    for block in image_blocks(N * C, H * W * x.itemsize):
        dx[block] = max_pool2d_backward_math(d_images[block], images[block],
                                             size, stride)
    return dx.reshape(x.shape)


def max_pool2d_backward_math(dy, x, size, s):
    """dx[n, c, i*s + u, j*s + v] += dy[n, c, i, j] where (u, v) is the first maximum of
    window (i, j).

    Defined in Chapter 4. The first maximum in row-major order, as PyTorch; nowhere else
    in the window; where windows overlap, an input cell sums what it receives. The
    forward pass's input x is needed to find where the maxima were: walking (u, v) in
    row-major order, dy goes to the first entry equal to the maximum y (or the first
    NaN, when y is NaN) and no further. Each (u, v) is a strided slice of x, as in the
    forward pass; dx is built in s x s phases (phase_zeros), where what (u, v) sends
    is one contiguous block, and interleaved once at the end (phase_merge). The masks
    and the sent dy are written into the same three arrays for every (u, v) (out=).
    """
    y = max_pool2d_math(x, size, s)
    OH, OW = y.shape[-2:]
    # NaN maxima (never == y)? dy * mask exact?
    nan_in_y, finite_dy = np.isnan(y).any(), np.isfinite(dy).all()
    # taken: an earlier (u, v) got dy; is_max, first, sent: reused for each (u, v)
    phases, taken = phase_zeros(x.shape, s, dy.dtype), np.zeros(y.shape, dtype=bool)
    is_max, first, sent = (np.empty(y.shape, bool), np.empty(y.shape, bool),
                           np.empty_like(dy))
    for u in range(size):
        for v in range(size):
            # x[at_uv][..., i, j] = x[..., i*s + u, j*s + v]
            at_uv = (..., slice(u, u + s * OH, s), slice(v, v + s * OW, s))
            np.equal(x[at_uv], y, out=is_max)
            if nan_in_y:
                is_max |= np.isnan(x[at_uv])
            np.greater(is_max, taken, out=first)          # a maximum, and the first one
            taken |= is_max
            # dx[at_uv] is phase (u % s, v % s) shifted by (u // s, v // s)
            phases[..., u % s, v % s, u // s:u // s + OH, v // s:v // s + OW] += (
                np.multiply(dy, first, out=sent) if finite_dy
                else np.where(first, dy, 0))
    return phase_merge(phases, x.shape)


def avg_pool2d(x, size=2, stride=None):
    """avg_pool2d_math after checking the arguments, a block of images at a time.
    x: (N, C, H, W); returns y: (N, C, OH, OW)."""
    x, size, stride, _, _ = pool_inputs(x, size, stride)
    (N, C, H, W), (OH, OW) = x.shape, output_size(*x.shape[2:], size, size, stride)
    images, y = x.reshape(N * C, H, W), np.empty((N * C, OH, OW), dtype=x.dtype)
    for block in image_blocks(N * C, H * W * x.itemsize):
        y[block] = avg_pool2d_math(images[block], size, stride)
    return y.reshape(N, C, OH, OW)


def avg_pool2d_math(x, size, s):
    """y[n, c, i, j] = 1/size^2 sum_{u,v} x[n, c, i*s + u, j*s + v]: the mean of each
    size x size window.

    Defined in Chapter 4. The sum is separable, as max_pool2d_math's maximum: first over
    v along each row, then over u; 2 * size strided slices instead of size^2.
    """
    OH, OW = output_size(*x.shape[-2:], size, size, s)
    rows = x[..., :s * (OH - 1) + size, 0:s * OW:s].copy()        # (..., rows read, OW)
    for v in range(1, size):
        rows += x[..., :s * (OH - 1) + size, v:v + s * OW:s]
    y = rows[..., 0:s * OH:s, :].copy()
    for u in range(1, size):
        y += rows[..., u:u + s * OH:s, :]
    return y / (size * size)


def avg_pool2d_backward(dy, x, size=2, stride=None):
    """avg_pool2d_backward_math after checking the arguments, a block of images at a
    time; returns dx like x."""
    dy, x, size, stride = pool_backward_inputs(dy, x, size, stride)
    (N, C, H, W), (OH, OW) = x.shape, dy.shape[2:]
    d_images, dx = dy.reshape(N * C, OH, OW), np.empty((N * C, H, W), dtype=dy.dtype)
    for block in image_blocks(N * C, H * W * dy.itemsize):
        dx[block] = avg_pool2d_backward_math(d_images[block], dx[block].shape,
                                             size, stride)
    return dx.reshape(x.shape)


def avg_pool2d_backward_math(dy, x_shape, size, s):
    """dx[n, c, i*s + u, j*s + v] += dy[n, c, i, j] / size^2 for every (u, v): dy spread
    evenly; overlaps sum.

    Defined in Chapter 4. With s == size this is
    up(dy) = kron(dy, ones((size, size)) / size^2).
    """
    share = dy / (size * size)
    return window_scatter_add(np.broadcast_to(share[..., None, None],
                                              share.shape + (size, size)),
                              x_shape, s)
