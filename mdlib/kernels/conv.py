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

# 16 MiB, not more: a buffer this size is reused from the heap chunk after chunk (glibc
# maps larger ones afresh, and the page faults of a fresh 64 MiB matrix cost more than
# copying into it) and stays nearer the cache; measured, the whole forward+backward
# takes about 30% less CPU time than with 64 MiB.
# CHUNK_BYTES: memory budget for one chunk's im2col matrix (at least one sample per
# chunk). LOOP_PRODUCT: per-sample products this large (multiply-adds) run one BLAS call
# per chunk.
CHUNK_BYTES = 16 * 2**20
LOOP_PRODUCT = 2**21


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


def chunk_cols(x, KH, KW, stride=1, padding=0):
    """im2col(x) with the samples side by side:
    cols[(c, u, v), (n, i, j)] = x_pad[n, c, i*s + u, j*s + v].

    Defined in Chapter 4. x: (n, C, H, W); returns (C*KH*KW, n*OH*OW), so that one
    matrix product serves a whole chunk of samples (its columns
    n*OH*OW .. (n+1)*OH*OW - 1 are im2col(x)[n]).
    """
    windows = window_view(x, KH, KW, stride, padding)          # (n, C, OH, OW, KH, KW)
    n, C, OH, OW = windows.shape[:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, n * OH * OW)


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

    Defined in Chapter 4. It runs one chunk of samples at a time, so that im2col's
    matrix stays within CHUNK_BYTES. Small products: the batched product
    (F, C*KH*KW) @ (n, C*KH*KW, OH*OW) -> (n, F, OH*OW), already in the output layout.
    Large ones (F*C*KH*KW*OH*OW >= LOOP_PRODUCT): one product
    w_mat @ chunk_cols(x[chunk]) -> (F, n*OH*OW) for the whole chunk, then moved into
    the output layout: one large BLAS call instead of n (many calls are slow when the
    cores are busy). Each output entry is the same sum either way, whatever the
    chunking.
    """
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    OH, OW = output_size(H, W, KH, KW, s, p)
    y = np.empty((N, F, OH * OW), dtype=x.dtype)
    for chunk in batch_chunks(N, C * KH * KW, OH, OW, x.itemsize):
        if F * C * KH * KW * OH * OW < LOOP_PRODUCT:    # small: one batched call
            np.matmul(w.reshape(F, -1), im2col(x[chunk], KH, KW, s, p), out=y[chunk])
        else:                                   # large: one product, (F, n*OH*OW)
            y_chunk = w.reshape(F, -1) @ chunk_cols(x[chunk], KH, KW, s, p)
            y[chunk] = y_chunk.reshape(F, -1, OH * OW).transpose(1, 0, 2)
    y += b[:, None]
    return y.reshape(N, F, OH, OW)


def per_sample_products(dw, dy, x, w_mat_T, KH, KW, s, p):
    """With cols = im2col(x): dw += dy[n] @ cols[n]^T for each n in turn; returns
    d_cols[n] = w_mat^T @ dy[n].

    Defined in Chapter 4. dy: (n, F, OH*OW); cols: (n, C*KH*KW, OH*OW). Small products
    go as one batched call; large ones (F*OH*OW*C*KH*KW >= LOOP_PRODUCT) with the
    chunk's samples side by side (chunk_cols): dw one sample at a time, in order, and
    w_mat^T @ dy one BLAS call for the chunk. The choice depends on the shapes only, not
    the chunking; returns d_cols as (n, C*KH*KW, OH*OW).
    """
    (n, F, P), K = dy.shape, len(w_mat_T)
    if F * P * K < LOOP_PRODUCT:
        dw += (dy @ im2col(x, KH, KW, s, p).transpose(0, 2, 1)).sum(axis=0)
        return w_mat_T @ dy
    # (K, n*P): im2col(x)[k] is columns k*P .. (k+1)*P - 1
    cols = chunk_cols(x, KH, KW, s, p)
    for k in range(n):
        dw += dy[k] @ cols[:, k * P:(k + 1) * P].T
    del cols                                         # d_cols may reuse its memory
    # (K, n*P): one product for the chunk
    d_cols = w_mat_T @ dy.transpose(1, 0, 2).reshape(F, n * P)
    return d_cols.reshape(K, n, P).transpose(1, 0, 2)             # (n, K, P), a view


def conv2d_backward(dy, x, w, stride=1, padding=0):
    """conv2d_backward_math after checking the arguments; the same numbers as
    conv2d_backward_naive."""
    dy, x, w = conv_backward_inputs(dy, x, w, stride, padding)
    return conv2d_backward_math(dy, x, w, stride, padding)


def conv2d_backward_math(dy, x, w, s, p):
    """Fast backward of conv2d. With dy as (N, F, OH*OW), w_mat = w as (F, C*KH*KW),
    cols = im2col(x):

    Defined in Chapter 4.
    db = dy summed over n and the positions         (F,)
    dw = sum over n of dy[n] @ cols[n]^T             (F, C*KH*KW) -> (F, C, KH, KW)
    dx = col2im(w_mat^T @ dy[n] for every n)         (N, C, H, W)
    One chunk of samples at a time, as in conv2d_math, with products per sample
    (per_sample_products): the same numbers whatever the chunking.
    """
    (N, F, OH, OW), (C, KH, KW) = dy.shape, w.shape[1:]
    dy = dy.reshape(N, F, OH * OW)
    db = dy.sum(axis=(0, 2))
    # (C*KH*KW, F), laid out for the product
    w_mat_T = np.ascontiguousarray(w.reshape(F, -1).T)
    dw, dx = (np.zeros((F, C * KH * KW), dtype=dy.dtype),
              np.empty(x.shape, dtype=dy.dtype))
    for chunk in batch_chunks(N, C * KH * KW, OH, OW, x.itemsize):
        # dw += dy[n] @ cols[n]^T; d_cols[n] = w_mat^T @ dy[n]
        d_cols = per_sample_products(dw, dy[chunk], x[chunk], w_mat_T,
                                     KH, KW, s, p)
        dx[chunk] = col2im(d_cols, x[chunk].shape, KH, KW, s, p)
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
