"""The fully connected (dense) layer, one sample per column.

Defined in Chapter 1 (Notation): z^l = W^l a^{l-1} + b^l, with W^l of shape
(n_l, n_{l-1}) so that no transpose is needed.
"""
import numpy as np

from ._check import as_float_array, require_matmul, require_ndim, require_shape


def dense_forward(W, b, a_prev):
    """dense_forward_math(W, b, a_prev) after checking the shapes.

    W:      (n_l, n_prev)  row j holds the weights w_{jk} into neuron j of this layer
    b:      (n_l, 1)       one bias per neuron, broadcast over the N columns
    a_prev: (n_prev, N)    activations of the previous layer, one sample per column
    returns z: (n_l, N)
    """
    W = as_float_array(W, "W")
    b = as_float_array(b, "b")
    a_prev = as_float_array(a_prev, "a_prev")
    require_ndim(W, 2, "W", "(n_l, n_prev)")
    require_ndim(a_prev, 2, "a_prev",
                 "(n_prev, N); a single sample is a column, a.reshape(-1, 1)")
    require_shape(b, (W.shape[0], 1), "b", f"one bias per row of W {W.shape}")
    require_matmul(W, a_prev, "W", "a_prev")
    return dense_forward_math(W, b, a_prev)


def dense_forward_math(W, b, a_prev):
    """z^l = W^l a^{l-1} + b^l, for all N columns at once.

    Defined in Chapter 1.
    """
    return W @ a_prev + b


def dense_backward(dz, W, a_prev):
    """dense_backward_math(dz, W, a_prev) after checking the shapes; every gradient in
    the inputs' common dtype.

    Defined in Chapter 2.

    dz:     (n_l, N)     dC/dz for each sample (the loss already carries any 1/N)
    W:      (n_l, n_prev)
    a_prev: (n_prev, N)
    returns (dW, db, da_prev) of shapes (n_l, n_prev), (n_l, 1), (n_prev, N).
    """
    dz = as_float_array(dz, "dz")
    W = as_float_array(W, "W")
    a_prev = as_float_array(a_prev, "a_prev")
    require_ndim(dz, 2, "dz", "(n_l, N)")
    require_ndim(W, 2, "W", "(n_l, n_prev)")
    require_ndim(a_prev, 2, "a_prev", "(n_prev, N)")
    if dz.shape[0] != W.shape[0]:
        raise ValueError(f"dz {dz.shape} must have one row per row of W {W.shape}")
    if a_prev.shape != (W.shape[1], dz.shape[1]):
        raise ValueError(f"a_prev must have shape (n_prev, N) = ({W.shape[1]}, "
                         f"{dz.shape[1]}) to match W {W.shape} and dz {dz.shape}; "
                         f"got {a_prev.shape}")
    dz = dz.astype(np.result_type(dz, W, a_prev), copy=False)
    return dense_backward_math(dz, W, a_prev)


def dense_backward_math(dz, W, a_prev):
    """Backward through Z = W A_prev + b, given dz = dC/dZ^l = Delta^l / N (the
    per-sample errors delta^{(i),l} as columns, divided by N):

    Defined in Chapter 2 (BP3 and BP4, and the W^T of BP2). No averaging: dz already
    carries 1/N.
      dW = dz a_prev^T   (BP4): (1/N) sum over samples of delta^{(i),l} (a^{(i),l-1})^T
      db = dz summed over columns   (BP3)
      da_prev = W^T dz   what BP2 multiplies by sigma'(z^{l-1})
    """
    dW = dz @ a_prev.T
    db = dz.sum(axis=1, keepdims=True)
    da_prev = W.T @ dz
    return dW, db, da_prev
