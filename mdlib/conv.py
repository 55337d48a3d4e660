"""Convolution layers, (N, C, H, W) like PyTorch, computing cross-correlation.

Defined in Chapter 4. With stride s and zero padding p,
    y[n, f, i, j] = b[f] + sum_{c,u,v} x_pad[n, c, i*s + u, j*s + v] w[f, c, u, v],
    OH = (H + 2p - KH) // s + 1, OW likewise (floor, like PyTorch).
The naive versions are these sums as loops; the fast versions gather every window into one
matrix (im2col) and make one matrix product, and must give the same numbers.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._check import as_float_array, require_forward_shape, require_whole


# --- checks -------------------------------------------------------------------------------

def conv_output_size(H, W, KH, KW, stride, padding):
    """(OH, OW) = ((H + 2p - KH) // s + 1, (W + 2p - KW) // s + 1); ValueError if the kernel does not fit."""
    if KH > H + 2 * padding or KW > W + 2 * padding:
        raise ValueError(f"kernel ({KH}, {KW}) is larger than the padded input "
                         f"({H + 2 * padding}, {W + 2 * padding}) = ({H}, {W}) with padding {padding}")
    return (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1


def _check_conv(x, w, b, stride, padding):
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (F, C, KH, KW); got shape {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"channels differ: x {x.shape} has C = {x.shape[1]}, w {w.shape} has C = {w.shape[1]}")
    if 0 in w.shape:
        raise ValueError(f"w {w.shape} is empty: a convolution needs F, C, KH, KW >= 1")
    if 0 in x.shape[1:]:
        raise ValueError(f"x {x.shape} is empty: a convolution needs C, H, W >= 1 (only the batch N may be 0)")
    require_whole(stride, "stride", 1)
    require_whole(padding, "padding", 0)
    N, C, H, W = x.shape
    padded = (N, C, H + 2 * int(padding), W + 2 * int(padding))    # Python ints: no overflow
    if max(N, 1) * C * padded[2] * padded[3] * x.itemsize > np.iinfo(np.intp).max:
        raise ValueError(f"padding {int(padding)} is absurd: the padded input {padded} of x {x.shape} "
                         "would be larger than any array NumPy can hold")
    OH, OW = conv_output_size(x.shape[2], x.shape[3], w.shape[2], w.shape[3], stride, padding)
    if b is not None:
        b = as_float_array(b, "b")
        if b.shape != (w.shape[0],):
            raise ValueError(f"b must have shape (F,) = ({w.shape[0]},) for w {w.shape}; got {b.shape}")
    dtype = np.result_type(x, w, *([] if b is None else [b]))     # one dtype, so fast and naive results share it
    if b is not None:
        b = b.astype(dtype, copy=False)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b, OH, OW


def _pad(x, p):
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x


# --- naive: the sums of the chapter, as loops -------------------------------------------------

def conv2d_naive(x, w, b=None, stride=1, padding=0):
    """y[n,f,i,j] = b[f] + sum_{c,u,v} x_pad[n, c, i*s+u, j*s+v] w[f,c,u,v], one output cell at a time.

    x: (N, C, H, W); w: (F, C, KH, KW); b: (F,) or None. returns y: (N, F, OH, OW).
    """
    x, w, b, OH, OW = _check_conv(x, w, b, stride, padding)
    N, F, KH, KW, s = x.shape[0], w.shape[0], w.shape[2], w.shape[3], stride
    xp = _pad(x, padding)
    y = np.zeros((N, F, OH, OW), dtype=np.result_type(x, w))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]   # (C, KH, KW): the input that meets w[f]
                    y[n, f, i, j] = np.sum(patch * w[f]) + (b[f] if b is not None else 0)
    return y


def conv2d_backward_naive(dy, x, w, stride=1, padding=0):
    """Backward of conv2d as loops: each output cell (n, f, i, j) sends dy[n,f,i,j] back along its sum.

    db[f] += dy[n,f,i,j]
    dw[f] += dy[n,f,i,j] * patch            (the kernel gradient: correlation of x with dy)
    dx_pad[n, :, window] += dy[n,f,i,j] * w[f]   (the input gradient: full convolution of dy with w)
    returns (dx, dw, db) with the shapes of x, w and (F,).
    """
    x, w, _, OH, OW = _check_conv(x, w, None, stride, padding)
    N, F, KH, KW, s, p = x.shape[0], w.shape[0], w.shape[2], w.shape[3], stride, padding
    dy = require_forward_shape(dy, (N, F, OH, OW))
    xp = _pad(x, p)
    dtype = np.result_type(x, w, dy)
    dxp, dw, db = np.zeros(xp.shape, dtype), np.zeros(w.shape, dtype), np.zeros(F, dtype)
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    window = (n, slice(None), slice(i * s, i * s + KH), slice(j * s, j * s + KW))
                    db[f] += dy[n, f, i, j]
                    dw[f] += dy[n, f, i, j] * xp[window]
                    dxp[window] += dy[n, f, i, j] * w[f]
    return dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]], dw, db


# --- fast: im2col and one matrix product ------------------------------------------------------

def im2col(x, KH, KW, stride=1, padding=0):
    """Every window of x as a column, per sample: (N, C*KH*KW, OH*OW).

    cols[n, (c, u, v), (i, j)] = x_pad[n, c, i*s + u, j*s + v]. One strided view (no copy) and
    one copy whose innermost runs are rows of the image, which is what keeps the copy fast.
    """
    N, C, H, W = x.shape
    OH, OW = conv_output_size(H, W, KH, KW, stride, padding)
    windows = sliding_window_view(_pad(x, padding), (KH, KW), axis=(2, 3))    # (N, C, H', W', KH, KW)
    windows = windows[:, :, ::stride, ::stride][:, :, :OH, :OW]               # (N, C, OH, OW, KH, KW)
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * KH * KW, OH * OW)


def col2im(cols, x_shape, KH, KW, stride=1, padding=0):
    """The adjoint of im2col: add each column back onto the window it came from (overlaps sum).

    cols: (N, C*KH*KW, OH*OW); returns an array of x_shape (N, C, H, W).
    One strided add per kernel position (u, v): KH*KW vectorised adds.
    """
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, W, KH, KW, stride, padding)
    s = stride
    cols = cols.reshape(N, C, KH, KW, OH, OW)
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=cols.dtype)
    for u in range(KH):
        for v in range(KW):
            xp[:, :, u:u + s * OH:s, v:v + s * OW:s] += cols[:, :, u, v]
    return xp[:, :, padding:padding + H, padding:padding + W]


def conv2d(x, w, b=None, stride=1, padding=0):
    """Fast conv2d: for each sample, y[n] = w_mat @ im2col(x)[n] (+ b). Same result as conv2d_naive.

    x: (N, C, H, W); w: (F, C, KH, KW) seen as w_mat (F, C*KH*KW); b: (F,) or None.
    The batched product (F, C*KH*KW) @ (N, C*KH*KW, OH*OW) -> (N, F, OH*OW) is already in the
    output layout: a reshape, no transpose.
    """
    x, w, b, OH, OW = _check_conv(x, w, b, stride, padding)
    N, F, KH, KW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    y = w.reshape(F, -1) @ im2col(x, KH, KW, stride, padding)   # (N, F, OH*OW)
    if b is not None:
        y += b[:, None]
    return y.reshape(N, F, OH, OW)


def conv2d_backward(dy, x, w, stride=1, padding=0):
    """Fast backward of conv2d, the same numbers as conv2d_backward_naive.

    With dy seen as (N, F, OH*OW), w_mat = w as (F, C*KH*KW), cols = im2col(x):
    db = dy summed over n and the positions                      (F,)
    dw = sum over n of dy[n] @ cols[n]^T                          (F, C*KH*KW) -> (F, C, KH, KW)
    dx = col2im(w_mat^T @ dy[n] for every n)                      (N, C, H, W)
    """
    x, w, _, OH, OW = _check_conv(x, w, None, stride, padding)
    N, F, KH, KW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    dy = require_forward_shape(dy, (N, F, OH, OW), like=(x, w)).reshape(N, F, OH * OW)
    w_mat = w.reshape(F, -1)
    db = dy.sum(axis=(0, 2))
    dw = (dy @ im2col(x, KH, KW, stride, padding).transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    dx = col2im(w_mat.T @ dy, x.shape, KH, KW, stride, padding)
    return dx, dw, db


# --- single 2-D arrays ----------------------------------------------------------------------

def rot180(k):
    """k rotated by 180 degrees in its last two axes (a new array)."""
    k = as_float_array(k, "k")
    if k.ndim < 2:
        raise ValueError(f"rot180 needs k with at least 2 dimensions; got shape {k.shape}")
    return k[..., ::-1, ::-1].copy()


def correlate2d(a, k, mode="valid"):
    """2-D cross-correlation, as scipy.signal.correlate2d: out[i, j] = sum_{u,v} a[i+u, j+v] k[u, v].

    mode "valid": only where k fits inside a, shape (H - KH + 1, W - KW + 1);
    mode "full": a zero-padded by (KH - 1, KW - 1) on every side, shape (H + KH - 1, W + KW - 1).
    """
    a = as_float_array(a, "a")
    k = as_float_array(k, "k")
    if a.ndim != 2 or k.ndim != 2:
        raise ValueError(f"correlate2d takes two 2-D arrays; got a {a.shape} and k {k.shape}")
    if a.size == 0 or k.size == 0:
        raise ValueError(f"correlate2d needs non-empty arrays; got a {a.shape} and k {k.shape}")
    if mode == "full":
        a = np.pad(a, ((k.shape[0] - 1,) * 2, (k.shape[1] - 1,) * 2))
    elif mode != "valid":
        raise ValueError(f"mode must be 'valid' or 'full'; got {mode!r}")
    if k.shape[0] > a.shape[0] or k.shape[1] > a.shape[1]:
        raise ValueError(f"kernel k {k.shape} is larger than a {a.shape} in mode 'valid'")
    windows = sliding_window_view(a, k.shape)                   # (OH, OW, KH, KW)
    return np.tensordot(windows, k, axes=([2, 3], [0, 1]))


def convolve2d(a, k, mode="valid"):
    """2-D convolution, as scipy.signal.convolve2d: the correlation with the kernel rotated 180 degrees."""
    return correlate2d(a, rot180(k), mode)
