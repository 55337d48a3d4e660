"""Loss functions, each returning (loss, gradient) for a batch stored one sample per
column.

Defined in Chapter 2 (Backpropagation). Every loss is the mean over the N samples, so
its gradient already carries the 1/N; dense_backward therefore never averages again.
The loss is a Python float; the gradient has the dtype of the predictions or logits
(targets and labels, integer or not, are converted to it); a batch with no samples or no
outputs is a ValueError. Each kernel checks its arguments and calls its _math function,
which is only the formula.
"""
import numpy as np

from ._check import as_float_array, require_ndim, require_nonempty, require_whole
from .activations import sigmoid_math


def mse(a, y):
    """mse_math(a, y) after checking the arguments. a: (K, N) the network's outputs a^L;
    y: (K, N) the targets.

    returns (loss, da): the loss as a Python float, da of shape (K, N).
    """
    a = as_float_array(a, "a")
    y = as_float_array(y, "y", dtype=a.dtype)
    require_ndim(a, 2, "a", "(K, N)")
    if y.shape != a.shape:
        raise ValueError(f"mse: a {a.shape} and y {y.shape} must have the same shape "
                         f"(K, N)")
    require_nonempty(a, "a", "(K, N)")
    loss, da = mse_math(a, y)
    return float(loss), da


def mse_math(a, y):
    """Quadratic cost C = 1/(2N) sum_n ||a_n - y_n||^2 over the N columns, and
    da = dC/da = (a - y)/N.

    Defined in Chapter 2.
    """
    N = a.shape[1]
    diff = a - y
    return np.sum(diff * diff) / (2 * N), diff / N


def one_hot(labels, K, dtype=np.float64):
    """Integer labels (N,) in 0..K-1 -> the one-hot matrix Y of shape (K, N),
    Y[k, n] = [labels[n] == k].

    dtype: of Y, a floating dtype (pass the logits' dtype, so that Y never changes it).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 1-D integer array (N,); got dtype "
                         f"{labels.dtype}, shape {labels.shape}")
    require_whole(K, "K (the number of classes)", 1)
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"one_hot dtype must be a floating dtype; "
                         f"got {np.dtype(dtype)}")
    if labels.size and (labels.min() < 0 or labels.max() >= K):
        bad = labels[(labels < 0) | (labels >= K)]
        raise ValueError(f"labels must be in 0..{K - 1} for K = {K} classes; "
                         f"got {sorted(set(bad.tolist()))[:5]}")
    return one_hot_math(labels, K, dtype)


def one_hot_math(labels, K, dtype=np.float64):
    """Y[k, n] = 1 if labels[n] == k else 0: shape (K, N).

    Defined in Chapter 2.
    """
    Y = np.zeros((K, labels.size), dtype=dtype)
    Y[labels, np.arange(labels.size)] = 1
    return Y


def _targets(y, z):
    """One-hot targets (K, N) in z's dtype from y given as labels (N,) or as a (K, N)
    matrix like z."""
    K, N = z.shape
    y = as_float_array(y, "y") if np.ndim(y) != 1 else np.asarray(y)
    if y.ndim == 1:
        if y.shape[0] != N:
            raise ValueError(f"labels y {y.shape} must have one entry per column of "
                             f"z {z.shape}")
        return one_hot(y, K, z.dtype)
    if y.shape != z.shape:
        raise ValueError(f"one-hot y {y.shape} must have the shape of z {z.shape}, "
                         f"or be labels ({N},)")
    if np.any(y < 0) or not np.allclose(y.sum(axis=0), 1.0):
        raise ValueError(f"one-hot y {y.shape}: every column must be a distribution "
                         f"over the {K} classes (entries >= 0 summing to 1)")
    return y.astype(z.dtype, copy=False)


def softmax_cross_entropy(z, y):
    """softmax_cross_entropy_math(z, Y) after checking the arguments.

    z: (K, N) logits, one column per sample; y: one-hot (K, N) or integer labels (N,),
    made the one-hot Y in z's dtype. returns (loss, dz): the loss as a Python float, dz
    of shape (K, N).
    """
    z = as_float_array(z, "z")
    require_ndim(z, 2, "z", "(K, N) logits, classes on axis 0")
    require_nonempty(z, "z", "(K, N)")
    Y = _targets(y, z)
    # Logits further apart than 1.8e308 overflow z - m to -inf (e^-inf = 0 is then
    # exact), and a loss above 1.8e308 overflows to inf: neither is an error.
    with np.errstate(over="ignore"):
        loss, dz = softmax_cross_entropy_math(z, Y)
    return float(loss), dz


def softmax_cross_entropy_math(z, Y):
    """Softmax followed by cross-entropy, fused:
    C = mean over n of J_n = -sum_k Y_kn log S(z)_kn; dz = dC/dz = (S - Y)/N.

    Defined in Chapter 2 (which derives S - Y).
    log S = z - m - log sum_k e^{z_k - m} (m the column max) stays finite for any
    finite z. A logit of -inf masks its class: S = 0 there, and 0 log 0 counts as 0
    where Y = 0.
    """
    N = z.shape[1]
    shifted = z - z.max(axis=0, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=0, keepdims=True)
    log_S = shifted - np.log(total)
    loss = np.sum(Y * np.where(Y > 0, -log_S, 0)) / N
    return loss, (exp / total - Y) / N


def sigmoid_binary_cross_entropy(z, y):
    """sigmoid_binary_cross_entropy_math(z, y) after checking the arguments.
    Defined in Chapter 3.

    z: (1, N) logits; y: (1, N) with entries 0 or 1, made z's dtype.
    returns (loss, dz): the loss as a Python float, dz of shape (1, N).
    """
    z = as_float_array(z, "z")
    y = as_float_array(y, "y")
    require_ndim(z, 2, "z", "(1, N) logits")
    if z.shape[0] != 1:
        raise ValueError(f"z must have shape (1, N) for one sigmoid output; "
                         f"got {z.shape}")
    if y.shape != z.shape:
        raise ValueError(f"y {y.shape} must have the shape of z {z.shape}")
    require_nonempty(z, "z", "(1, N)")
    if not np.all((y == 0) | (y == 1)):
        others = sorted(set(np.unique(y).tolist()) - {0.0, 1.0})
        raise ValueError(f"y must hold only 0 and 1; got values {others[:5]}")
    loss, dz = sigmoid_binary_cross_entropy_math(z, y.astype(z.dtype, copy=False))
    return float(loss), dz.astype(z.dtype, copy=False)


def sigmoid_binary_cross_entropy_math(z, y):
    """Sigmoid followed by binary cross-entropy, fused:
    C = mean over n of J_n = -[y log s + (1 - y) log(1 - s)], s = sigmoid(z), and
    dz = dC/dz = (s - y)/N.

    Defined in Chapter 3 (which derives A2 - Y).
    Written as max(z (1 - 2y), 0) + log(1 + e^{-|z|}) (that is max(z, 0) - z y + ...,
    since y is 0 or 1), finite for any finite z and taking its limit (0 or inf) at
    z = +-inf.
    """
    N = z.shape[1]
    loss = np.sum(np.maximum(z * (1 - 2 * y), 0) + np.log1p(np.exp(-np.abs(z)))) / N
    return loss, (sigmoid_math(z) - y) / N
