"""Activation functions and their derivatives.

Defined in Chapter 1 (Notation). Each function is elementwise, returns a new array of
the input's floating dtype, and never modifies its input. The derivatives sit right next
to their functions; Chapter 1 checks each one against SymPy and central differences.
"""
import numpy as np

from ._check import as_float_array, is_whole


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), elementwise; z: any shape.

    Written so that exp never sees a large positive argument: for z >= 0 we use
    1 / (1 + e^{-z}), for z < 0 the equal form e^{z} / (1 + e^{z}). Finite for any finite z.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)); z: any shape."""
    s = sigmoid(z)
    return s * (1 - s)


def relu(z):
    """relu(z) = max(z, 0), elementwise; z: any shape."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0)


def relu_prime(z):
    """relu'(z) = 1 where z > 0, else 0 (the value at z = 0 is taken as 0, as PyTorch does)."""
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def tanh(z):
    """tanh(z), elementwise; z: any shape."""
    z = as_float_array(z, "z")
    return np.tanh(z)


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2; z: any shape."""
    t = tanh(z)
    return 1 - t * t


def identity(z):
    """identity(z) = z (a layer with no activation, e.g. logits); z: any shape."""
    return as_float_array(z, "z").copy()


def identity_prime(z):
    """identity'(z) = 1; z: any shape."""
    z = as_float_array(z, "z")
    return np.ones_like(z)


def softmax(z, axis=0):
    """Softmax over `axis`: S(z)_i = e^{z_i} / sum_k e^{z_k}.

    z: (K, N) logits, one column per sample in the dense convention (axis=0 are the K
    classes); any shape with at least one dimension works. Subtracting the maximum along
    `axis` first changes nothing mathematically (the factor e^{-max} cancels) but keeps
    every exponent <= 0, so no overflow. A logit of -inf gets probability 0 (masking); a column
    whose largest logit is +inf or -inf has no softmax: nan, as in PyTorch.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax needs at least a 1-D array of logits; got a 0-D scalar")
    if not is_whole(axis):
        raise ValueError(f"softmax axis must be an integer; got {axis!r}")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"softmax axis {axis} is out of range for z of shape {z.shape}")
    if z.shape[axis] == 0:
        raise ValueError(f"softmax over axis {axis} of z {z.shape}: there are no classes to normalise over")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
