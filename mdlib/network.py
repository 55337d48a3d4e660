"""A whole network as dictionaries indexed by the layer number l, as in the book.

Defined in Chapter 1 (Notation). Layer 1 is the input, so the parameters are W[l], b[l]
for l = 2..L, and the forward pass returns z[l] for l = 2..L and a[l] for l = 1..L.
"""
import numpy as np

from ._check import as_float_array, require_keys, require_ndim
from .activations import sigmoid, sigmoid_prime
from .dense import dense_backward, dense_forward


def layer_sizes(W):
    """[n_1, ..., n_L] read off the weight dictionary {l: W^l} (checks it is well formed)."""
    layers = sorted(W)
    if not layers or layers != list(range(2, len(layers) + 2)):
        raise ValueError(f"W must be a dict with keys 2..L (layer 1 is the input); got keys {layers}")
    sizes = [np.shape(W[2])[1]]
    for l in layers:
        shape = np.shape(W[l])
        if len(shape) != 2 or shape[1] != sizes[-1]:
            raise ValueError(
                f"W[{l}] must have shape (n_{l}, n_{l - 1}) = (?, {sizes[-1]}); got {shape}"
            )
        sizes.append(shape[0])
    return sizes


def init_params(sizes, rng):
    """Random W[l] ~ N(0, 1/n_{l-1}) and zero b[l] for a network of widths sizes = [n_1, ..., n_L].

    rng: a numpy.random.Generator, so that every run with the same seed gives the same network.
    returns (W, b): dicts {l: (n_l, n_{l-1})} and {l: (n_l, 1)} for l = 2..L.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive widths [n_1, ..., n_L]; got {sizes}")
    W, b = {}, {}
    for l in range(2, len(sizes) + 1):
        n_l, n_prev = sizes[l - 1], sizes[l - 2]
        W[l] = rng.normal(0.0, 1.0 / np.sqrt(n_prev), size=(n_l, n_prev))
        b[l] = np.zeros((n_l, 1))
    return W, b


def forward(W, b, x, sigma=sigmoid, output=None):
    """The forward algorithm: a^1 = x; for l = 2..L: z^l = W^l a^{l-1} + b^l, a^l = sigma(z^l).

    W: {l: (n_l, n_{l-1})}, b: {l: (n_l, 1)} for l = 2..L
    x: (n_1, N), one sample per column
    sigma: the activation, applied elementwise
    output: the activation of the output layer L if it differs from sigma (Chapter 2 uses
        identity, so that a^L = z^L are the logits handed to a fused softmax loss)
    returns (z, a): dicts {l: (n_l, N)}; z has keys 2..L, a has keys 1..L (a[1] is x).
    """
    sizes = layer_sizes(W)
    if sorted(b) != sorted(W):
        raise ValueError(f"b must have the same layer keys as W {sorted(W)}; got {sorted(b)}")
    x = as_float_array(x, "x")
    require_ndim(x, 2, "x", "(n_1, N); a single sample is a column, x.reshape(-1, 1)")
    if x.shape[0] != sizes[0]:
        raise ValueError(f"x must have n_1 = {sizes[0]} rows to match W[2] {np.shape(W[2])}; got x {x.shape}")
    z, a = {}, {1: x}
    L = len(sizes)
    for l in range(2, L + 1):
        z[l] = dense_forward(W[l], b[l], a[l - 1])
        a[l] = (output or sigma)(z[l]) if l == L else sigma(z[l])
    return z, a


def backward(W, z, a, delta_L, sigma_prime=sigmoid_prime):
    """Backpropagation: BP2, BP3 and BP4 for l = L, L-1, ..., 2, starting from delta^L.

    Defined in Chapter 2.
    W: {l: (n_l, n_{l-1})}; z, a: the dicts returned by forward
    delta_L: (n_L, N), dC/dz^L: BP1, (a^L - y) * sigma'(z^L) for the quadratic cost, or the
        gradient a fused softmax/sigmoid loss returns for its logits
    sigma_prime: the derivative of the hidden layers' activation
    returns (delta, dW, db): dicts {l: ...} for l = 2..L with
      dW[l] = delta^l (a^{l-1})^T            (BP4, summed over the columns)
      db[l] = delta^l summed over columns   (BP3)
      delta[l - 1] = (W^l)^T delta^l * sigma'(z^{l-1})   (BP2)
    """
    L = len(layer_sizes(W))
    require_keys(z, range(2, L + 1), "z (from forward: z[2..L])")
    require_keys(a, range(1, L), "a (from forward: a[1..L])")
    delta_L = np.asarray(delta_L)
    if delta_L.shape != np.shape(z[L]):
        raise ValueError(f"delta_L must have the shape of z[{L}] {np.shape(z[L])}; got {delta_L.shape}")
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l], da_prev = dense_backward(delta[l], W[l], a[l - 1])  # BP4, BP3
        if l > 2:
            delta[l - 1] = da_prev * sigma_prime(z[l - 1])                  # BP2
    return delta, dW, db
