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
    one), the fewest such slices, of sizes that differ by at most one (the largest
    first).

    Defined in Chapter 4. One sample's im2col matrix takes the product of the other
    arguments in bytes. Equal sizes: no small leftover chunk, and each chunk's buffers
    fit where the previous chunk's were.
    """
    bytes_per_sample = 1
    for d in sample_shape_and_itemsize:
        # Python ints: a NumPy stride or size may be a small integer type
        bytes_per_sample *= int(d)
    step = max(1, CHUNK_BYTES // max(1, bytes_per_sample))
    count = -(-N // step)                   # the fewest chunks of at most step samples
    # chunk k: from ceil(N k / count) to ceil(N (k + 1) / count)
    return [slice(-(-N * k // count), -(-N * (k + 1) // count)) for k in range(count)]


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
    """Fast conv2d: for each sample, y[n] = w_mat @ cols[n] + b, with cols[n] the
    sample's windows as columns (im2col) and w_mat = w as (F, C*KH*KW), w_mat's columns
    and cols[n]'s rows both in the order (c, u, v).

    Defined in Chapter 4. It runs one chunk of samples at a time, so that the window
    matrix stays within CHUNK_BYTES, on a grid of HP x WG positions per sample
    (grid_cols: the size of x_pad, or of its phases x_pad[a::s, b::s] with stride s,
    so that for one kernel position the rows of all the chunk's channels and samples
    are one contiguous slice of x_pad or of one of its phases). The rows of grid_cols's
    matrix come in the order (u, v, c), so the code's w_mat is w flattened in that
    order, (F, KH*KW*C). The products take the positions of the grid rows i < OH (each
    sample's first OH*WG columns), and the positions j >= OW, which are not windows,
    are dropped. Each output entry is the same sum whatever the chunking.
    """
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    OH, OW = output_size(H, W, KH, KW, s, p)
    WG = grid_width(W, s, p)
    # (F, KH*KW*C): w_mat, its columns in grid_cols's row order (u, v, c)
    w_mat = w.transpose(0, 2, 3, 1).reshape(F, KH * KW * C)
    y = np.empty((N, F, OH, OW), dtype=x.dtype)
    sample_bytes = grid_cols_bytes((C, H, W), KH, KW, s, p, x.itemsize)
    for chunk in batch_chunks(N, sample_bytes):
        # (n, F, OH*WG): one product per sample, w_mat @ cols[:, n, :OH*WG]
        y_grid = w_mat @ sample_matrices(grid_cols(x[chunk], KH, KW, s, p), F, OH * WG)
        # y[n, f] = y_grid[n, f] on the windows, + b[f] (added to the contiguous copy)
        y[chunk] = y_grid.reshape(-1, F, OH, WG)[..., :OW]
        y[chunk] += b[:, None, None]
        del y_grid                            # freed before the next chunk's matrix
    return y


def grid_width(W, s, p):
    """Positions per row of grid_cols's grid: the width of a phase of x_pad,
    WG = ceil((W + 2p) / s) (W + 2p with stride 1); likewise its height HP from H."""
    # Python ints: a NumPy stride or padding may be a small unsigned type
    return -(-(W + 2 * int(p)) // int(s))


def grid_cols_bytes(x_sample_shape, KH, KW, s, p, itemsize):
    """Bytes of one sample's share of grid_cols: KH*KW*C rows of HP*WG positions.

    Defined in Chapter 4. x_sample_shape: (C, H, W). What batch_chunks fits into
    CHUNK_BYTES: im2col's C*KH*KW*OH*OW entries and the grid's extra positions.
    """
    C, H, W = (int(d) for d in x_sample_shape)
    return KH * KW * C * grid_width(H, s, p) * grid_width(W, s, p) * int(itemsize)


def sample_matrices(cols, F, positions):
    """The samples' matrices of grid_cols's cols (KH*KW*C, n, HP*WG), their first
    `positions` columns (OH*WG: the grid rows i < OH, the only ones with windows), as an
    array (n, KH*KW*C, positions): a view, or a copy when F == 1.

    Defined in Chapter 4. With one map, the products with them are matrix-vector
    products, and NumPy's BLAS sums those in an order that depends on the pitch of the
    matrix's rows (n*HP*WG in the view): the copy keeps each sample's numbers the same
    whatever the chunk's size n.
    """
    cols_n = cols.transpose(1, 0, 2)[:, :, :positions]
    return np.ascontiguousarray(cols_n) if F == 1 else cols_n


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


def phase_zeros(x_shape, KH, KW, s, p, dtype):
    """Zeros for the phases of x_pad that grid_cols reads, one row per phase: returns
    (phases, grid), phases of shape (SA*SB, C*n*HP*WG + tail) and grid its view
    (SA, SB, C, n, HP, WG) without the tail.

    Defined in Chapter 4. x_shape: (n, C, H, W); SA = min(s, KH), SB = min(s, KW).
    Row (a, b) holds phase x_pad[m, c, a::s, b::s] (HP x WG) of each channel c and
    sample m, in the order (c, m); the tail, (KH - 1) // s rows of WG and
    (KW - 1) // s entries, is what the last kernel positions read past the last one.
    """
    (n, C, H, W), s = x_shape, int(s)
    HP, WG = grid_width(H, s, p), grid_width(W, s, p)
    SA, SB = min(s, KH), min(s, KW)
    tail = (KH - 1) // s * WG + (KW - 1) // s
    phases = np.zeros((SA * SB, C * n * HP * WG + tail), dtype=dtype)
    return phases, phases[:, :C * n * HP * WG].reshape(SA, SB, C, n, HP, WG)


def grid_cols(x, KH, KW, s, p):
    """im2col(x) on a grid of HP x WG positions per sample (grid_width), rows in the
    order (u, v, c): cols[(u, v, c), n, (i, j)] = x_pad[n, c, i*s + u, j*s + v] for
    i < OH, j < OW.

    Defined in Chapter 4. x: (n, C, H, W); returns (KH*KW*C, n, HP*WG): sample n's
    matrix is cols[:, n]. x_pad is split into its phases x_pad[a::s, b::s]
    (phase_zeros, phase_parts): kernel position (u, v) reads phase (u % s, v % s) from
    row u // s, column v // s on, so its rows, every channel's and sample's, are one
    contiguous slice of that phase's row read from offset (u // s)*WG + v // s: KH*KW
    copies in all. The positions i >= OH or j >= OW hold other entries (a slice runs
    on into the next row, sample, channel or the tail): they are not windows. With
    stride 1 the one phase is x_pad itself.
    """
    (n, C, H, W), s = x.shape, int(s)
    HP, WG = grid_width(H, s, p), grid_width(W, s, p)
    size, SB = C * n * HP * WG, min(s, KW)
    cols = np.empty((KH, KW, size), dtype=x.dtype)
    phases, grid = phase_zeros(x.shape, KH, KW, s, p, x.dtype)
    x_c = x.transpose(1, 0, 2, 3)                               # (C, n, H, W), a view
    for a, b, (x_rows, x_cols), (p_rows, p_cols) in phase_parts(H, W, KH, KW, s, p):
        grid[a, b, :, :, p_rows, p_cols] = x_c[:, :, x_rows, x_cols]
    for u in range(KH):
        for v in range(KW):
            start = (u // s) * WG + v // s
            cols[u, v] = phases[(u % s) * SB + v % s, start:start + size]
    return cols.reshape(KH * KW * C, n, HP * WG)


def grid_col2im(d_cols, x_shape, KH, KW, s, p, out=None):
    """The adjoint of grid_cols: col2im of d_cols (KH*KW*C, n, HP*WG), whose positions
    i >= OH or j >= OW must be zero; written into out (an array of x_shape) when given.

    Defined in Chapter 4. The rows of kernel position (u, v) of d_cols, every
    channel's and sample's, are added onto phase (u % s, v % s) of dx_pad from offset
    (u // s)*WG + v // s: one add per (u, v); then each phase's share of x is copied
    out (the padding dropped).
    """
    (n, C, H, W), s = x_shape, int(s)
    HP, WG = grid_width(H, s, p), grid_width(W, s, p)
    size, SB = C * n * HP * WG, min(s, KW)
    d_cols = d_cols.reshape(KH, KW, size)
    d_phases, grid = phase_zeros(x_shape, KH, KW, s, p, d_cols.dtype)
    for u in range(KH):
        for v in range(KW):
            start = (u // s) * WG + v // s
            d_phases[(u % s) * SB + v % s, start:start + size] += d_cols[u, v]
    dx = np.empty(x_shape, dtype=d_cols.dtype) if out is None else out
    if min(s, KH) < s or SB < s:
        dx[...] = 0                                 # entries that no window reaches
    dx_c = dx.transpose(1, 0, 2, 3)                             # (C, n, H, W), a view
    for a, b, (x_rows, x_cols), (p_rows, p_cols) in phase_parts(H, W, KH, KW, s, p):
        dx_c[:, :, x_rows, x_cols] = grid[a, b, :, :, p_rows, p_cols]
    return dx


def off_windows(grid_array, OH, OW, HP, WG):
    """The entries of a (..., HP*WG) array on grid positions that are not windows,
    i >= OH or j >= OW, as a list of two views (to be zeroed).

    Defined in Chapter 4.
    """
    positions = grid_array.reshape(*grid_array.shape[:-1], HP, WG)
    return [positions[..., OH:, :], positions[..., :OH, OW:]]


def grid_products(dw_mat_T, dy, x, w_mat_T, KH, KW, s, p, dx):
    """With cols = grid_cols(x) and dy on the positions of its grid rows i < OH:
    dw_mat_T += cols[:, n, :OH*WG] @ dy_grid[n]^T for each sample n in turn, and
    dx = grid_col2im(d_cols) with d_cols[:, n, :OH*WG] = w_mat_T @ dy_grid[n], its
    other positions 0.

    Defined in Chapter 4. dy: (n, F, OH, OW), put on those positions as dy_grid
    (n, F, OH*WG), with zeros on the positions j >= OW, which are not windows: those of
    cols are zeroed too when x holds an inf or a NaN, and those of d_cols when w_mat_T
    does (inf * 0 is NaN). dw_mat_T: (KH*KW*C, F), rows (u, v, c) as grid_cols's.
    Products per sample (one batched call), added to dw_mat_T in order: the same numbers
    whatever the chunking. d_cols is written over cols, which it no longer needs.
    """
    (n, F, OH, OW), (H, W) = dy.shape, x.shape[2:]
    HP, WG = grid_width(H, s, p), grid_width(W, s, p)
    cols = grid_cols(x, KH, KW, s, p)                          # (KH*KW*C, n, HP*WG)
    if not np.isfinite(x).all():
        for part in off_windows(cols, OH, OW, HP, WG):
            part[...] = 0
    # dy on the grid's first OH rows, positions first: dy_grid_T[n, (i, j), f]
    dy_grid_T = np.zeros((n, OH, WG, F), dtype=dy.dtype)
    dy_grid_T[:, :, :OW] = dy.transpose(0, 2, 3, 1)
    dy_grid_T = dy_grid_T.reshape(n, OH * WG, F)
    # (n, KH*KW*C, F): each sample's product, added to dw_mat_T in order
    products = sample_matrices(cols, F, OH * WG) @ dy_grid_T
    for sample in range(n):
        dw_mat_T += products[sample]
    del products, dy_grid_T                      # freed before the next buffers
    # and maps first: dy_grid[n, f, (i, j)], copied from dy (cheaper than transposing)
    dy_grid = np.zeros((n, F, OH, WG), dtype=dy.dtype)
    dy_grid[..., :OW] = dy
    dy_grid = dy_grid.reshape(n, F, OH * WG)
    d_cols = cols                                  # written over cols, sample by sample
    d_cols[..., OH * WG:] = 0                      # positions of grid rows i >= OH
    np.matmul(w_mat_T, dy_grid, out=d_cols.transpose(1, 0, 2)[:, :, :OH * WG])
    if not np.isfinite(w_mat_T).all():
        for part in off_windows(d_cols, OH, OW, HP, WG):
            part[...] = 0
    del dy_grid                                  # freed before grid_col2im's phases
    grid_col2im(d_cols, x.shape, KH, KW, s, p, out=dx)


def conv2d_backward(dy, x, w, stride=1, padding=0):
    """conv2d_backward_math after checking the arguments; the same numbers as
    conv2d_backward_naive."""
    dy, x, w = conv_backward_inputs(dy, x, w, stride, padding)
    return conv2d_backward_math(dy, x, w, stride, padding)


def conv2d_backward_math(dy, x, w, s, p):
    """Fast backward of conv2d. With dy[n] as (F, OH*OW), w_mat = w as (F, C*KH*KW)
    and cols[n] = im2col(x)[n] (w_mat's columns and cols[n]'s rows both (c, u, v)):
    db = dy summed over n and the positions           (F,)
    dw = sum over n of dy[n] @ cols[n]^T               (F, C*KH*KW) -> (F, C, KH, KW)
    dx = col2im(w_mat^T @ dy[n] for every n)           (N, C, H, W)

    Defined in Chapter 4. It computes the same sums on conv2d_math's grid (grid_cols
    and grid_col2im, rows (u, v, c), the code's w_mat_T in that order), one chunk of
    samples at a time, with products per sample (grid_products): dw as its transpose
    dw_mat_T (KH*KW*C, F), summed over the samples in order, the same numbers whatever
    the chunking.
    """
    (N, F, OH, OW), (C, KH, KW) = dy.shape, w.shape[1:]
    db = dy.sum(axis=(0, 2, 3))
    # (KH*KW*C, F): w_mat^T, rows (u, v, c), laid out for the product
    w_mat_T = np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(-1, F))
    dw_mat_T = np.zeros(w_mat_T.shape, dtype=dy.dtype)
    dx = np.empty(x.shape, dtype=dy.dtype)
    sample_bytes = grid_cols_bytes(x.shape[1:], KH, KW, s, p, x.itemsize)
    for chunk in batch_chunks(N, sample_bytes):
        # on the grid: dw_mat_T += each sample's dw^T; dx[n] = col2im(w_mat^T @ dy[n])
        grid_products(dw_mat_T, dy[chunk], x[chunk], w_mat_T, KH, KW, s, p, dx[chunk])
    dw = dw_mat_T.reshape(KH, KW, C, F).transpose(3, 2, 0, 1)          # (F, C, KH, KW)
    return dx, np.ascontiguousarray(dw), db


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
