"""Activation functions and their derivatives.

Defined in Chapter 1 (Notation). Each function is elementwise, returns a new array of
the input's floating dtype, and never modifies its input. The derivatives sit right next
to their functions; Chapter 1 checks each one against SymPy and central differences.
Each kernel checks its argument and calls its _math function, which is only the formula.
"""
import numpy as np

from ._check import as_float_array, is_whole


def sigmoid(z):
    """sigmoid_math(z) after checking z; any shape."""
    z = as_float_array(z, "z")
    return sigmoid_math(z).astype(z.dtype, copy=False)


def sigmoid_math(z):
    """sigma(z) = 1 / (1 + e^{-z}), elementwise.

    Defined in Chapter 1. Written so that exp never sees a large positive argument:
    for z >= 0 1 / (1 + e^{-z}), for z < 0 the equal form e^{z} / (1 + e^{z}).
    Finite for any finite z.
    """
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """sigmoid_prime_math(z) after checking z; any shape."""
    z = as_float_array(z, "z")
    return sigmoid_prime_math(z).astype(z.dtype, copy=False)


def sigmoid_prime_math(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)).

    Defined in Chapter 1.
    """
    s = sigmoid_math(z)
    return s * (1 - s)


def relu(z):
    """relu_math(z) after checking z; any shape."""
    return relu_math(as_float_array(z, "z"))


def relu_math(z):
    """relu(z) = max(z, 0), elementwise.

    Defined in Chapter 1.
    """
    return np.maximum(z, 0)


def relu_prime(z):
    """relu_prime_math(z) after checking z, as 0s and 1s of z's dtype; any shape."""
    z = as_float_array(z, "z")
    return relu_prime_math(z).astype(z.dtype)


def relu_prime_math(z):
    """relu'(z) = [z > 0]: 1 where z > 0, else 0 (the value at z = 0 is taken as 0, as
    PyTorch does).

    Defined in Chapter 1.
    """
    return z > 0


def tanh(z):
    """tanh_math(z) after checking z; any shape."""
    return tanh_math(as_float_array(z, "z"))


def tanh_math(z):
    """tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z}), elementwise.

    Defined in Chapter 1.
    """
    return np.tanh(z)


def tanh_prime(z):
    """tanh_prime_math(z) after checking z; any shape."""
    return tanh_prime_math(as_float_array(z, "z"))


def tanh_prime_math(z):
    """tanh'(z) = 1 - tanh(z)^2.

    Defined in Chapter 1.
    """
    t = tanh_math(z)
    return 1 - t * t


def identity(z):
    """identity_math(z) after checking z, as a new array; any shape (a layer with no
    activation, e.g. logits)."""
    return identity_math(as_float_array(z, "z")).copy()


def identity_math(z):
    """identity(z) = z.

    Defined in Chapter 1.
    """
    return z


def identity_prime(z):
    """identity_prime_math(z) after checking z; any shape."""
    return identity_prime_math(as_float_array(z, "z"))


def identity_prime_math(z):
    """identity'(z) = 1.

    Defined in Chapter 1.
    """
    return np.ones_like(z)


def softmax(z, axis=0):
    """softmax_math(z, axis) after checking z and axis.

    z: (K, N) logits, one column per sample in the dense convention (axis=0 are the K
    classes); any shape with at least one dimension works.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax needs at least a 1-D array of logits; "
                         "got a 0-D scalar")
    if not is_whole(axis):
        raise ValueError(f"softmax axis must be an integer; got {axis!r}")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"softmax axis {axis} is out of range for z of shape "
                         f"{z.shape}")
    if z.shape[axis] == 0:
        raise ValueError(f"softmax over axis {axis} of z {z.shape}: there are no "
                         f"classes to normalise over")
    return softmax_math(z, axis)


def softmax_math(z, axis=0):
    """S(z)_i = e^{z_i} / sum_k e^{z_k} = e^{z_i - m} / sum_k e^{z_k - m},
    m = max_k z_k, over `axis`.

    Defined in Chapter 1. Subtracting the maximum changes nothing mathematically (e^{-m}
    cancels) but keeps every exponent <= 0, so no overflow. A logit of -inf gets
    probability 0 (masking); a column whose largest logit is +inf or -inf has no
    softmax: nan, as in PyTorch.
    """
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
