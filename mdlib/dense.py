"""The fully connected (dense) layer, one sample per column.

Defined in Chapter 1 (Notation): z^l = W^l a^{l-1} + b^l, with W^l of shape
(n_l, n_{l-1}) so that no transpose is needed.
"""
import numpy as np

from ._check import as_float_array, require_matmul, require_ndim, require_shape


def dense_forward(W, b, a_prev):
    """z = W @ a_prev + b.

    W:      (n_l, n_prev)  row j holds the weights w_{jk} into neuron j of this layer
    b:      (n_l, 1)       one bias per neuron, broadcast over the N columns
    a_prev: (n_prev, N)    activations of the previous layer, one sample per column
    returns z: (n_l, N)
    """
    W = as_float_array(W, "W")
    b = as_float_array(b, "b")
    a_prev = as_float_array(a_prev, "a_prev")
    require_ndim(W, 2, "W", "(n_l, n_prev)")
    require_ndim(a_prev, 2, "a_prev", "(n_prev, N); a single sample is a column, a.reshape(-1, 1)")
    require_shape(b, (W.shape[0], 1), "b", f"one bias per row of W {W.shape}")
    require_matmul(W, a_prev, "W", "a_prev")
    return W @ a_prev + b
