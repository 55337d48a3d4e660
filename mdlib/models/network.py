"""A whole network as dictionaries indexed by the layer number l, as in the book.

Defined in Chapter 1 (Notation): layer_sizes, init_params, forward. Layer 1 is the
input, so the parameters are W[l], b[l] for l = 2..L, and the forward pass returns z[l]
for l = 2..L and a[l] for l = 1..L. Chapter 2 adds backward, the loss of the output
layer (output_layer, output_delta, from the registry mdlib.models.losses.LOSSES),
loss_and_gradients and evaluate; DenseNetwork and as_params/from_params put the network
in the shape the training loop (mdlib.models.train.train) takes: one dict of named
arrays, "W2", "b2", ..., "WL", "bL".
"""
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from ..kernels._check import as_float_array, require_keys, require_ndim
from ..kernels.activations import sigmoid, sigmoid_prime
from ..kernels.dense import dense_backward, dense_forward
from .losses import accuracy, get_loss


def layer_sizes(W):
    """[n_1, ..., n_L] read off the weight dictionary {l: W^l} (checks it is well
    formed). Defined in Chapter 1."""
    layers = sorted(W)
    if not layers or layers != list(range(2, len(layers) + 2)):
        raise ValueError(f"W must be a dict with keys 2..L (layer 1 is the input); "
                         f"got keys {layers}")
    sizes = [np.shape(W[2])[1]]
    for l in layers:
        shape = np.shape(W[l])
        if len(shape) != 2 or shape[1] != sizes[-1]:
            raise ValueError(
                f"W[{l}] must have shape (n_{l}, n_{l - 1}) = (?, {sizes[-1]}); "
                f"got {shape}"
            )
        sizes.append(shape[0])
    return sizes


def init_params(sizes, rng):
    """Random W[l] ~ N(0, 1/n_{l-1}) and zero b[l] for a network of widths
    sizes = [n_1, ..., n_L].

    Defined in Chapter 1.
    rng: a numpy.random.Generator, so that every run with the same seed gives the same
        network.
    returns (W, b): dicts {l: (n_l, n_{l-1})} and {l: (n_l, 1)} for l = 2..L.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive widths "
                         f"[n_1, ..., n_L]; got {sizes}")
    W, b = {}, {}
    for l in range(2, len(sizes) + 1):
        n_l, n_prev = sizes[l - 1], sizes[l - 2]
        W[l] = rng.normal(0.0, 1.0 / np.sqrt(n_prev), size=(n_l, n_prev))
        b[l] = np.zeros((n_l, 1))
    return W, b


def forward(W, b, x, sigma=sigmoid, output=None):
    """The forward algorithm: a^1 = x; for l = 2..L: z^l = W^l a^{l-1} + b^l,
    a^l = sigma(z^l).

    Defined in Chapter 1.
    W: {l: (n_l, n_{l-1})}, b: {l: (n_l, 1)} for l = 2..L
    x: (n_1, N), one sample per column
    sigma: the activation, applied elementwise
    output: the activation of the output layer L if it differs from sigma (Chapter 2
        uses identity, so that a^L = z^L are the logits handed to a fused softmax loss)
    returns (z, a): dicts {l: (n_l, N)}; z has keys 2..L, a has keys 1..L (a[1] is x).
    """
    sizes = layer_sizes(W)
    if sorted(b) != sorted(W):
        raise ValueError(f"b must have the same layer keys as W {sorted(W)}; "
                         f"got {sorted(b)}")
    x = as_float_array(x, "x")
    require_ndim(x, 2, "x", "(n_1, N); a single sample is a column, x.reshape(-1, 1)")
    if x.shape[0] != sizes[0]:
        raise ValueError(f"x must have n_1 = {sizes[0]} rows to match W[2] "
                         f"{np.shape(W[2])}; got x {x.shape}")
    z, a = {}, {1: x}
    L = len(sizes)
    for l in range(2, L + 1):
        z[l] = dense_forward(W[l], b[l], a[l - 1])
        a[l] = (output or sigma)(z[l]) if l == L else sigma(z[l])
    return z, a


def backward(W, z, a, delta_L, sigma_prime=sigmoid_prime):
    """Backpropagation from the output layer's error: BP3 and BP4 for l = L, ..., 2,
    BP2 for l = L-1, ..., 2.

    Defined in Chapter 2.
    W: {l: (n_l, n_{l-1})}; z, a: the dicts returned by forward
    delta_L: (n_L, N), dC/dZ^L = Delta^L / N: the per-sample errors of BP1,
        (a^L - y) * sigma'(z^L) for the quadratic cost, side by side and divided by N
        (the loss gradient carries the 1/N of the mean), or what a fused
        softmax/sigmoid loss returns for its logits. Every array below therefore holds
        a gradient of the mean cost C, as in the batch forms of BP3 and BP4.
    sigma_prime: the derivative of the hidden layers' activation
    returns (delta, dW, db): dicts {l: ...} for l = 2..L, where the array delta[l] =
    Delta^l / N = dC/dZ^l holds the per-sample errors delta^{(i),l} side by side,
    divided by N:
      dW[l] = delta[l] (a^{l-1})^T           (BP4 summed over the samples: dC/dW^l)
      db[l] = delta[l] summed over columns  (BP3 summed over the samples: dC/db^l)
      delta[l - 1] = (W^l)^T delta[l] * sigma'(z^{l-1})   (BP2, column by column)
    """
    L = len(layer_sizes(W))
    require_keys(z, range(2, L + 1), "z (from forward: z[2..L])")
    require_keys(a, range(1, L), "a (from forward: a[1..L])")
    delta_L = np.asarray(delta_L)
    if delta_L.shape != np.shape(z[L]):
        raise ValueError(f"delta_L must have the shape of z[{L}] {np.shape(z[L])}; "
                         f"got {delta_L.shape}")
    delta, dW, db = {L: delta_L}, {}, {}
    for l in range(L, 1, -1):
        dW[l], db[l], da_prev = dense_backward(delta[l], W[l], a[l - 1])  # BP4, BP3
        if l > 2:
            delta[l - 1] = da_prev * sigma_prime(z[l - 1])                  # BP2
    return delta, dW, db


class Gradients(NamedTuple):
    """What loss_and_gradients returns: the loss and every dict of the backward pass,
    keyed by l."""
    loss: float
    dW: dict
    db: dict
    z: dict
    a: dict
    delta: dict


def output_layer(loss):
    """The output activation each loss expects: None (sigma, as the hidden layers) for
    "mse", identity (the logits) for the fused losses. Defined in Chapter 2; read from
    LOSSES."""
    return get_loss(loss).output


def output_delta(loss, z_L, a_L, Y, sigma_prime=sigmoid_prime):
    """The cost C and the array delta_L = dC/dZ^L = Delta^L / N of the output layer (BP1
    for every sample, side by side, divided by N). Defined in Chapter 2.

    "mse": C = 1/(2N) sum ||a^L - y||^2 and delta_L = (A^L - Y)/N * sigma'(Z^L)
    "softmax_cross_entropy": delta_L = (softmax(Z^L) - Y)/N; Y one-hot (n_L, N) or
        labels (N,)
    "sigmoid_binary_cross_entropy": delta_L = (sigmoid(Z^L) - Y)/N; Z^L and Y of
        shape (1, N)
    """
    spec = get_loss(loss)
    if spec.fused:  # the kernel takes the logits, returns delta_L
        return spec.kernel(z_L, Y)
    C, da = spec.kernel(a_L, Y)
    return C, da * sigma_prime(z_L)                                        # BP1


def loss_and_gradients(W, b, X, Y, loss="mse", sigma=sigmoid,
                       sigma_prime=sigmoid_prime):
    """One forward and one backward pass over the batch X (n_1, N) with targets Y.
    Defined in Chapter 2.

    returns Gradients(loss, dW, db, z, a, delta), every dict indexed by the layer l.
    """
    z, a = forward(W, b, X, sigma, output_layer(loss))
    L = max(W)
    C, delta_L = output_delta(loss, z[L], a[L], Y, sigma_prime)
    delta, dW, db = backward(W, z, a, delta_L, sigma_prime)
    return Gradients(C, dW, db, z, a, delta)


def evaluate(W, b, X, Y, loss="mse", sigma=sigmoid):
    """(cost, accuracy) of the network on X, Y: a forward pass only.
    Defined in Chapter 2."""
    z, a = forward(W, b, X, sigma, output_layer(loss))
    L = max(W)
    C, _ = output_delta(loss, z[L], a[L], Y)
    return C, accuracy(a[L], Y, get_loss(loss).threshold)


def as_params(W, b):
    """The network's W[l], b[l] as one dict of named arrays {"W2": W[2], "b2": b[2],
    ...} (the same arrays, not copies): the parameter convention of
    mdlib.models.train.train."""
    if sorted(b) != sorted(W):
        raise ValueError(f"b must have the same layer keys as W {sorted(W)}; "
                         f"got {sorted(b)}")
    params = {}
    for l in sorted(W):
        params[f"W{l}"], params[f"b{l}"] = W[l], b[l]
    return params


def from_params(params):
    """Back from as_params: (W, b) dicts keyed by the layer l (the same arrays, not
    copies)."""
    W, b = {}, {}
    for name, value in params.items():
        if name[:1] not in ("W", "b") or not name[1:].isdigit():
            raise ValueError(f"network parameters are named W<l> and b<l> "
                             f"(W2, b2, ...); got {name!r}")
        (W if name[0] == "W" else b)[int(name[1:])] = value
    return W, b


@dataclass(frozen=True)
class DenseNetwork:
    """The hyperparameters of Chapter 2's network (its loss and activation), with the
    two methods the training loop calls on the parameters {"W2", "b2", ..., "WL", "bL"}
    (see as_params).
    Defined in Chapter 2."""
    loss: str = "mse"
    sigma: Callable = sigmoid
    sigma_prime: Callable = sigmoid_prime

    def __post_init__(self):
        get_loss(self.loss)  # an unknown loss fails here, not mid-training

    def loss_and_gradients(self, params, X, Y):
        """(loss, grads), grads keyed like params."""
        W, b = from_params(params)
        g = loss_and_gradients(W, b, X, Y, self.loss, self.sigma, self.sigma_prime)
        return g.loss, as_params(g.dW, g.db)

    def evaluate(self, params, X, Y):
        """(loss, accuracy)."""
        W, b = from_params(params)
        return evaluate(W, b, X, Y, self.loss, self.sigma)
