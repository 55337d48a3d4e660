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


def phase_split(x, s, size):
    """x cut into its s x s phases, each flattened: xs[p, q, (n*Hs + a)*Ws + b] =
    x[n, a*s + p, b*s + q] over the leading axes n, with Hs = ceil(H / s),
    Ws = ceil(W / s); shape (s, s, cells + pad).

    Cells past x's edge hold 0, and pad = (size - 1) // s * (Ws + 1) zeros follow, so
    that cell k + shift exists for every cell k and every shift a window uses. In this
    layout entry (u, v) of window (i, j) is cell i*Ws + j + (u // s)*Ws + v // s of
    phase (u % s, v % s): for all windows at once, one contiguous run."""
    H, W = x.shape[-2:]
    Hs, Ws = -(-H // s), -(-W // s)
    cells = int(np.prod(x.shape[:-2])) * Hs * Ws
    new = np.empty if H % s == 0 and W % s == 0 else np.zeros
    xs = new((s, s, cells + (size - 1) // s * (Ws + 1)), dtype=x.dtype)
    xs[..., cells:] = 0
    grid = xs[..., :cells].reshape(s, s, *x.shape[:-2], Hs, Ws)
    for p in range(s):
        for q in range(s):
            part = x[..., p::s, q::s]
            grid[p, q, ..., :part.shape[-2], :part.shape[-1]] = part
    return xs


def phase_join(xs, x_shape):
    """The inverse of phase_split: dx[..., a*s + p, b*s + q] = xs[p, q, cell (a, b)],
    cropped to x_shape; one strided copy per phase, on 2-D views (rows of cells), which
    NumPy copies faster than the same views with more axes."""
    s, (H, W) = xs.shape[0], x_shape[-2:]
    Hs, Ws = -(-H // s), -(-W // s)
    rows = int(np.prod(x_shape[:-2])) * Hs                     # rows of cells
    dx = np.empty((rows, s, Ws, s), dtype=xs.dtype)
    for p in range(s):
        for q in range(s):
            dx[:, p, :, q] = xs[p, q, :rows * Ws].reshape(rows, Ws)
    return dx.reshape(*x_shape[:-2], Hs * s, Ws * s)[..., :H, :W]


def on_grid(y, x_shape, s):
    """y on phase_split's grid of cells, flattened: g[(n*Hs + i)*Ws + j] = y[n, i, j];
    0 on the cells no window starts at."""
    Hs, Ws = -(-x_shape[-2] // s), -(-x_shape[-1] // s)
    g = np.zeros((*y.shape[:-2], Hs, Ws), dtype=y.dtype)
    g[..., :y.shape[-2], :y.shape[-1]] = y
    return g.reshape(-1)


def window_shifts(size, s, W):
    """(u % s, v % s, shift) for each (u, v) of the window in row-major order: where
    phase_split put entry (u, v), shift = (u // s)*Ws + v // s cells past the window's
    own cell."""
    Ws = -(-W // s)
    return [(u % s, v % s, u // s * Ws + v // s)
            for u in range(size) for v in range(size)]


def phase_max(xs, size, s, W, cells):
    """y on the grid of cells: the maximum over the window of each cell (NaN if the
    window holds a NaN), size^2 contiguous np.maximum."""
    y = xs[0, 0, :cells].copy()
    for p, q, shift in window_shifts(size, s, W)[1:]:
        np.maximum(y, xs[p, q, shift:shift + cells], out=y)
    return y


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
    NaN, when y is NaN) and no further.

    For speed the work is done on x's s x s phases, each one flat array (phase_split):
    phase (p, q) holds x[..., a*s + p, b*s + q], and y and dy are kept on the same grid
    of cells (on_grid). Entry (u, v) of every window is then one contiguous run of
    phase (u % s, v % s), `shift` cells along (window_shifts), so each step below is one
    operation on whole arrays; dx is interleaved from its phases at the end.
    """
    xs, d = phase_split(x, s, size), on_grid(dy, x.shape, s)       # d: dy on the grid
    y = phase_max(xs, size, s, x.shape[-1], d.size)                # y on the grid
    # NaN maxima (never == y)? dy * mask exact?
    nan_in_y, finite_dy = np.isnan(y).any(), np.isfinite(dy).all()
    # dxs: dx's phases; taken: an earlier (u, v) got dy; is_max, first, sent: reused
    dxs, taken, is_max, first, sent = (np.zeros_like(xs), np.zeros(y.shape, bool),
                                      np.empty(y.shape, bool), np.empty(y.shape, bool),
                                      np.empty_like(y))
    for p, q, shift in window_shifts(size, s, x.shape[-1]):
        at = (p, q, slice(shift, shift + y.size))     # entry (u, v) of every window
        np.equal(xs[at], y, out=is_max)
        if nan_in_y:
            is_max |= np.isnan(xs[at])
        np.greater(is_max, taken, out=first)          # a maximum, and the first one
        taken |= is_max
        dxs[at] += (np.multiply(d, first, out=sent) if finite_dy
                    else np.where(first, d, 0))
    return phase_join(dxs, x.shape)


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
