"""Convolution layers, (N, C, H, W) like PyTorch, computing cross-correlation.

Defined in Chapter 4. With stride s and zero padding p (windows.py has the shared window
helpers),
    y[n, f, i, j] = b[f] + sum_{c,u,v} x_pad[n, c, i*s + u, j*s + v] w[f, c, u, v],
    OH = (H + 2p - KH) // s + 1, OW likewise (floor, like PyTorch).
The naive versions are these sums as loops; the fast versions gather every window into
one matrix (im2col) and make one matrix product, and must give the same numbers. So that
the window matrix (KH*KW times the input) never outgrows a memory budget, the fast
versions take the batch a chunk of samples at a time (batch_chunks); each sample's
numbers do not depend on the chunking.
"""
import numpy as np

from ._check import as_float_array, conv_backward_inputs, conv_inputs, correlate_inputs
# re-exported: the layer's output size
from ._check import conv_output_size  # noqa: F401
from .windows import output_size, window_scatter_add, window_view, zero_pad


# --- naive: the sums of the chapter, as loops -----------------------------------------

def conv2d_naive(x, w, b=None, stride=1, padding=0):
    """conv2d_naive_math after checking the arguments.
    x: (N, C, H, W); w: (F, C, KH, KW); b: (F,) or None."""
    x, w, b, _, _ = conv_inputs(x, w, b, stride, padding)
    return conv2d_naive_math(x, w, b, stride, padding)


def conv2d_naive_math(x, w, b, s, p):
    """y[n,f,i,j] = b[f] + sum_{c,u,v} x_pad[n, c, i*s+u, j*s+v] w[f,c,u,v],
    one output cell at a time.

    Defined in Chapter 4. x: (N, C, H, W); w: (F, C, KH, KW); b: (F,).
    returns y: (N, F, OH, OW).
    """
    (N, _, H, W), (F, _, KH, KW) = x.shape, w.shape
    OH, OW = output_size(H, W, KH, KW, s, p)
    xp = zero_pad(x, p)
    y = np.zeros((N, F, OH, OW), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    # (C, KH, KW): the input that meets w[f]
                    patch = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]
                    y[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return y


def conv2d_backward_naive(dy, x, w, stride=1, padding=0):
    """conv2d_backward_naive_math after checking the arguments; returns (dx, dw, db)."""
    dy, x, w = conv_backward_inputs(dy, x, w, stride, padding)
    return conv2d_backward_naive_math(dy, x, w, stride, padding)


def conv2d_backward_naive_math(dy, x, w, s, p):
    """Backward of conv2d as loops: each output cell (n, f, i, j) sends dy[n,f,i,j] back
    along its sum.

    Defined in Chapter 4.
    db[f] += dy[n,f,i,j]
    dw[f] += dy[n,f,i,j] * patch
        (the kernel gradient: correlation of x with dy)
    dx_pad[n, :, window] += dy[n,f,i,j] * w[f]
        (the input gradient: full convolution of dy with w)
    returns (dx, dw, db) with the shapes of x, w and (F,).
    """
    (N, F, OH, OW), (KH, KW) = dy.shape, w.shape[2:]
    xp = zero_pad(x, p)
    dxp, dw, db = (np.zeros(xp.shape, dy.dtype), np.zeros(w.shape, dy.dtype),
                   np.zeros(F, dy.dtype))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    window = (n, slice(None),
                              slice(i * s, i * s + KH), slice(j * s, j * s + KW))
                    db[f] += dy[n, f, i, j]
                    dw[f] += dy[n, f, i, j] * xp[window]
                    dxp[window] += dy[n, f, i, j] * w[f]
    return dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]], dw, db


# --- fast: im2col and one matrix product ----------------------------------------------

# 1 MiB: one chunk's window matrix and products stay near a core's L2 cache, and
# buffers this size are reused from the heap chunk after chunk, while a larger one is
# mapped afresh and its page faults cost more than the copies into it. Measured on a
# loaded 2-core machine, x 64x3x32x32 with 16 maps 3x3: conv2d 2.1 ms (fastest of 30)
# with 1 MiB, 13-27 ms with 16 MiB (the whole batch one chunk, 1500-2000 page faults a
# call). A large layer (one sample's matrix above 1 MiB) runs a sample per chunk.
# CHUNK_BYTES: memory budget for one chunk's im2col matrix (at least one sample per
# chunk).
CHUNK_BYTES = 2**20


def batch_chunks(N, *sample_shape_and_itemsize):
    """Slices of the batch 0..N-1, each as many samples as fit CHUNK_BYTES (at least
    one).

    Defined in Chapter 4. One sample's im2col matrix takes the product of the other
    arguments in bytes.
    """
    bytes_per_sample = 1
    for d in sample_shape_and_itemsize:
        # Python ints: a NumPy stride or size may be a small integer type
        bytes_per_sample *= int(d)
    step = max(1, CHUNK_BYTES // max(1, bytes_per_sample))
    return [slice(start, start + step) for start in range(0, N, step)]


def im2col(x, KH, KW, stride=1, padding=0):
    """Every window of x as a column, per sample:
    cols[n, (c, u, v), (i, j)] = x_pad[n, c, i*s + u, j*s + v].

    Defined in Chapter 4. x: (N, C, H, W); returns cols: (N, C*KH*KW, OH*OW). The window
    view costs nothing; the one copy (the reshape) runs along rows of the image, which
    keeps it fast.
    """
    windows = window_view(x, KH, KW, stride, padding)          # (N, C, OH, OW, KH, KW)
    N, C, OH, OW = windows.shape[:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * KH * KW, OH * OW)


def col2im(cols, x_shape, KH, KW, stride=1, padding=0):
    """The adjoint of im2col: add each column back onto the window it came from
    (overlaps sum).

    Defined in Chapter 4. cols: (N, C*KH*KW, OH*OW); returns an array of x_shape
    (N, C, H, W).
    """
    N, C, H, W = x_shape
    OH, OW = output_size(H, W, KH, KW, stride, padding)
    windows = (cols.reshape(N, C, KH, KW, OH, OW)
               .transpose(0, 1, 4, 5, 2, 3))                   # (N, C, OH, OW, KH, KW)
    return window_scatter_add(windows, x_shape, stride, padding)


def conv2d(x, w, b=None, stride=1, padding=0):
    """conv2d_math after checking the arguments; the same result as conv2d_naive.

    x: (N, C, H, W); w: (F, C, KH, KW); b: (F,) or None. returns y: (N, F, OH, OW).
    """
    x, w, b, _, _ = conv_inputs(x, w, b, stride, padding)
    return conv2d_math(x, w, b, stride, padding)


def conv2d_math(x, w, b, s, p):
    """Fast conv2d: for each sample, y[n] = w_mat @ im2col(x)[n] + b, with w_mat = w as
    (F, C*KH*KW).

    Defined in Chapter 4. It runs one chunk of samples at a time, so that the window
    matrix stays within CHUNK_BYTES: the batched product
    (F, C*KH*KW) @ (n, C*KH*KW, OH*WG) -> (n, F, OH*WG), on a grid of OH x WG
    positions per sample (grid_cols: WG is the width of x_pad, or of its phases
    x_pad[a::s, b::s] with stride s, so that every row of the matrix is one contiguous
    slice of x_pad or of one of its phases; the columns j >= OW are not windows and are
    dropped). Each output entry is
    the same sum whatever the chunking.
    """
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    OH, OW = output_size(H, W, KH, KW, s, p)
    WG = grid_width(W, s, p)
    y = np.empty((N, F, OH, OW), dtype=x.dtype)
    for chunk in batch_chunks(N, C * KH * KW, OH, WG, x.itemsize):
        y_grid = w.reshape(F, -1) @ grid_cols(x[chunk], KH, KW, s, p)
        # y[n, f] = y_grid[n, f] on the windows, + b[f] (added to the contiguous copy)
        y[chunk] = y_grid.reshape(-1, F, OH, WG)[..., :OW]
        y[chunk] += b[:, None, None]
    return y


def grid_width(W, s, p):
    """Positions per row of grid_cols's grid: the width of a phase of x_pad,
    WG = ceil((W + 2p) / s) (W + 2p with stride 1)."""
    # Python ints: a NumPy stride or padding may be a small unsigned type
    return -(-(W + 2 * int(p)) // int(s))


def phase_parts(H, W, KH, KW, s, p):
    """Where x sits in the phases of x_pad that a (KH, KW) kernel reads, phase (a, b) =
    x_pad[a::s, b::s] for a < min(s, KH), b < min(s, KW): for each, (a, b, the slices
    of x it holds, where they sit in the phase).

    Defined in Chapter 4. Phase a holds the rows r = (a - p) mod s, r + s, ... of x,
    from its row (r + p) // s (above, padding); likewise the columns.
    """
    s, p, parts = int(s), int(p), []
    for a in range(min(s, KH)):
        for b in range(min(s, KW)):
            r, c = (a - p) % s, (b - p) % s
            i, j = (r + p) // s, (c + p) // s
            rows, cols = len(range(r, H, s)), len(range(c, W, s))
            parts.append((a, b, (slice(r, H, s), slice(c, W, s)),
                          (slice(i, i + rows), slice(j, j + cols))))
    return parts


def grid_cols(x, KH, KW, s, p):
    """im2col(x) on a grid of OH x WG positions per sample (WG = grid_width):
    cols[n, (c, u, v), (i, j)] = x_pad[n, c, i*s + u, j*s + v] for j < OW.

    Defined in Chapter 4. x: (n, C, H, W); returns (n, C*KH*KW, OH*WG). x_pad is split
    into its phases x_pad[a::s, b::s] (phase_parts; rows of WG entries and a spare row
    of zeros): kernel position (u, v) reads phase (u % s, v % s) from row u // s,
    column v // s on, so row (c, u, v) of cols[n] is one contiguous slice of a phase
    read from offset (u // s)*WG + v // s: KH*KW copies in all. The columns j >= OW
    hold other entries of x_pad (a row wraps to the next): they are not windows. With
    stride 1 the one phase is x_pad itself.
    """
    (n, C, H, W), s, p = x.shape, int(s), int(p)
    (OH, _), HG, WG = (output_size(H, W, KH, KW, s, p), grid_width(H, s, p) + 1,
                       grid_width(W, s, p))
    SA, SB = min(s, KH), min(s, KW)
    phases = np.zeros((n, C, SA, SB, HG, WG), dtype=x.dtype)
    for a, b, (rows, cols), (phase_rows, phase_cols) in phase_parts(H, W, KH, KW, s, p):
        phases[:, :, a, b, phase_rows, phase_cols] = x[:, :, rows, cols]
    flat = phases.reshape(n, C, SA * SB, HG * WG)
    cols = np.empty((n, C, KH, KW, OH * WG), dtype=x.dtype)
    for u in range(KH):
        for v in range(KW):
            start = (u // s) * WG + v // s
            cols[:, :, u, v] = flat[:, :, (u % s) * SB + v % s, start:start + OH * WG]
    return cols.reshape(n, C * KH * KW, OH * WG)


def grid_col2im(d_cols, x_shape, KH, KW, s, p, out=None):
    """The adjoint of grid_cols: col2im of d_cols (n, C*KH*KW, OH*WG), whose columns
    j >= OW must be zero; written into out (an array of x_shape) when given.

    Defined in Chapter 4. Row (c, u, v) of d_cols[n] is added onto phase
    (u % s, v % s) of dx_pad[n, c] from offset (u // s)*WG + v // s: one contiguous add
    per (u, v); then each phase's share of x is copied out (the padding dropped).
    """
    (n, C, H, W), s, p = x_shape, int(s), int(p)
    (OH, _), HG, WG = (output_size(H, W, KH, KW, s, p), grid_width(H, s, p) + 1,
                       grid_width(W, s, p))
    SA, SB = min(s, KH), min(s, KW)
    d_phases = np.zeros((n, C, SA * SB, HG * WG), dtype=d_cols.dtype)
    d_cols = d_cols.reshape(n, C, KH, KW, OH * WG)
    for u in range(KH):
        for v in range(KW):
            start = (u // s) * WG + v // s
            phase = (u % s) * SB + v % s
            d_phases[:, :, phase, start:start + OH * WG] += d_cols[:, :, u, v]
    d_phases = d_phases.reshape(n, C, SA, SB, HG, WG)
    dx = np.empty(x_shape, dtype=d_cols.dtype) if out is None else out
    if SA < s or SB < s:
        dx[...] = 0                                 # entries that no window reaches
    for a, b, (rows, cols), (phase_rows, phase_cols) in phase_parts(H, W, KH, KW, s, p):
        dx[:, :, rows, cols] = d_phases[:, :, a, b, phase_rows, phase_cols]
    return dx


def grid_products(dw, dy, x, w_mat_T, KH, KW, s, p):
    """With cols = grid_cols(x) and dy on its grid: dw += dy[n] @ cols[n]^T for each
    sample n in turn; returns d_cols[n] = w_mat^T @ dy[n], (n, C*KH*KW, OH*WG).

    Defined in Chapter 4. dy: (n, F, OH, OW), put on the grid (n, F, OH, WG) with zeros
    on the columns j >= OW, which are not windows: those of cols are zeroed too when x
    holds an inf or a NaN, and those of d_cols when w_mat does (inf * 0 is NaN).
    Products per sample (one batched call), added to dw in order: the same numbers
    whatever the chunking.
    """
    (n, F, OH, OW), K = dy.shape, len(w_mat_T)
    WG = grid_width(x.shape[3], s, p)
    cols = grid_cols(x, KH, KW, s, p)
    if WG > OW and not np.isfinite(x).all():
        cols.reshape(n, K, OH, WG)[..., OW:] = 0
    dy_grid = np.zeros((n, F, OH, WG), dtype=dy.dtype)
    dy_grid[..., :OW] = dy
    dy_grid = dy_grid.reshape(n, F, OH * WG)
    # (n, F, C*KH*KW): each sample's product, added to dw in order
    for dw_n in dy_grid @ cols.transpose(0, 2, 1):
        dw += dw_n
    del cols                                         # d_cols may reuse its memory
    d_cols = w_mat_T @ dy_grid                                   # (n, K, OH*WG)
    if WG > OW and not np.isfinite(w_mat_T).all():
        d_cols.reshape(n, K, OH, WG)[..., OW:] = 0
    return d_cols


def conv2d_backward(dy, x, w, stride=1, padding=0):
    """conv2d_backward_math after checking the arguments; the same numbers as
    conv2d_backward_naive."""
    dy, x, w = conv_backward_inputs(dy, x, w, stride, padding)
    return conv2d_backward_math(dy, x, w, stride, padding)


def conv2d_backward_math(dy, x, w, s, p):
    """Fast backward of conv2d. With dy[n] as (F, OH*OW), w_mat = w as (F, C*KH*KW),
    cols = im2col(x):

    Defined in Chapter 4.
    db = dy summed over n and the positions         (F,)
    dw = sum over n of dy[n] @ cols[n]^T             (F, C*KH*KW) -> (F, C, KH, KW)
    dx = col2im(w_mat^T @ dy[n] for every n)         (N, C, H, W)
    One chunk of samples at a time, on conv2d_math's grid (grid_cols), with products
    per sample (grid_products): the same numbers whatever the chunking.
    """
    (N, F, OH, OW), (C, KH, KW) = dy.shape, w.shape[1:]
    WG = grid_width(x.shape[3], s, p)
    db = dy.sum(axis=(0, 2, 3))
    # (C*KH*KW, F), laid out for the product
    w_mat_T = np.ascontiguousarray(w.reshape(F, -1).T)
    dw, dx = (np.zeros((F, C * KH * KW), dtype=dy.dtype),
              np.empty(x.shape, dtype=dy.dtype))
    for chunk in batch_chunks(N, C * KH * KW, OH, WG, x.itemsize):
        # dw += dy[n] @ cols[n]^T; d_cols[n] = w_mat^T @ dy[n], on the grid
        d_cols = grid_products(dw, dy[chunk], x[chunk], w_mat_T, KH, KW, s, p)
        grid_col2im(d_cols, x[chunk].shape, KH, KW, s, p, out=dx[chunk])
    return dx, dw.reshape(w.shape), db


# --- single 2-D arrays ----------------------------------------------------------------

def rot180(k):
    """rot180_math(k) as a new array (not a view of k)."""
    k = as_float_array(k, "k")
    if k.ndim < 2:
        raise ValueError(f"rot180 needs k with at least 2 dimensions; "
                         f"got shape {k.shape}")
    return rot180_math(k).copy()


def rot180_math(k):
    """rot180(k)[..., u, v] = k[..., KH-1-u, KW-1-v]: k turned by 180 degrees in its
    last two axes.

    Defined in Chapter 4.
    """
    return k[..., ::-1, ::-1]


def correlate2d(a, k, mode="valid"):
    """correlate2d_math after checking the arguments: two 2-D arrays, mode "valid" or
    "full"."""
    a, k = correlate_inputs(a, k, mode, "correlate2d")
    return correlate2d_math(a, k, mode)


def correlate2d_math(a, k, mode):
    """2-D cross-correlation, as scipy.signal.correlate2d:
    out[i, j] = sum_{u,v} a[i+u, j+v] k[u, v].

    Defined in Chapter 4. mode "valid": only where k fits inside a, shape
    (H - KH + 1, W - KW + 1); mode "full": a zero-padded by (KH - 1, KW - 1) on every
    side, shape (H + KH - 1, W + KW - 1).
    """
    KH, KW = k.shape
    if mode == "full":
        a = zero_pad(a, KH - 1, KW - 1)
    return np.tensordot(window_view(a, KH, KW), k, axes=([2, 3], [0, 1]))


def convolve2d(a, k, mode="valid"):
    """convolve2d_math after checking the arguments: two 2-D arrays, mode "valid" or
    "full"."""
    a, k = correlate_inputs(a, k, mode, "convolve2d")
    return convolve2d_math(a, k, mode)


def convolve2d_math(a, k, mode):
    """2-D convolution, as scipy.signal.convolve2d: the correlation with the kernel
    rotated 180 degrees.

    Defined in Chapter 4.
    out[i, j] = sum_{u,v} a[i-u, j-v] k[u, v] = correlate2d(a, rot180(k)).
    """
    return correlate2d_math(a, rot180_math(k), mode)
