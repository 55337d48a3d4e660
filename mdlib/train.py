"""Training a dense network: one gradient evaluation, gradient descent, accuracy.

Defined in Chapter 2 (Backpropagation); Chapter 3 reuses it for its two-layer network.
"""
from typing import NamedTuple

import numpy as np

from ._check import require_whole
from .activations import identity, sigmoid, sigmoid_prime
from .losses import mse, sigmoid_binary_cross_entropy, softmax_cross_entropy
from .network import backward, forward

LOSSES = ("mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy")


class Gradients(NamedTuple):
    loss: float
    dW: dict
    db: dict
    z: dict
    a: dict
    delta: dict


def output_layer(loss):
    """The output activation each loss expects: sigma for "mse", identity (logits) for the fused losses."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")
    return None if loss == "mse" else identity


def output_delta(loss, z_L, a_L, Y, sigma_prime=sigmoid_prime):
    """The cost C and delta^L = dC/dz^L of the output layer.

    "mse": C = 1/(2N) sum ||a^L - y||^2 and delta^L = (a^L - y)/N * sigma'(z^L)   (BP1)
    "softmax_cross_entropy": delta^L = (softmax(z^L) - Y)/N; Y one-hot (K, N) or labels (N,)
    "sigmoid_binary_cross_entropy": delta^L = (sigmoid(z^L) - Y)/N; z^L and Y of shape (1, N)
    """
    if loss == "mse":
        C, da = mse(a_L, Y)
        return C, da * sigma_prime(z_L)                                    # BP1
    if loss == "softmax_cross_entropy":
        return softmax_cross_entropy(z_L, Y)
    if loss == "sigmoid_binary_cross_entropy":
        return sigmoid_binary_cross_entropy(z_L, Y)
    raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")


def loss_and_gradients(W, b, X, Y, loss="mse", sigma=sigmoid, sigma_prime=sigmoid_prime):
    """One forward and one backward pass over the batch X (n_1, N) with targets Y.

    returns Gradients(loss, dW, db, z, a, delta), every dict indexed by the layer l.
    """
    z, a = forward(W, b, X, sigma, output_layer(loss))
    L = max(W)
    C, delta_L = output_delta(loss, z[L], a[L], Y, sigma_prime)
    delta, dW, db = backward(W, z, a, delta_L, sigma_prime)
    return Gradients(C, dW, db, z, a, delta)


def evaluate(W, b, X, Y, loss="mse", sigma=sigmoid):
    """(cost, accuracy) of the network on X, Y: a forward pass only."""
    z, a = forward(W, b, X, sigma, output_layer(loss))
    L = max(W)
    C, _ = output_delta(loss, z[L], a[L], Y)
    threshold = 0.5 if loss == "mse" else 0.0   # logits: sigmoid(z) >= 0.5 <=> z >= 0
    return C, accuracy(a[L], Y, threshold)


def accuracy(scores, y, threshold=0.5):
    """Share of samples classified correctly: (n - m)/n for n samples of which m are wrong.

    scores: (K, N) class scores (the decision is the argmax over axis 0), or (1, N) outputs of
        one sigmoid unit (the decision is scores >= threshold).
    y: integer labels (N,), one-hot (K, N), or (1, N) zeros and ones.
    """
    scores = np.asarray(scores)
    y = np.asarray(y)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D (K, N); got shape {scores.shape}")
    K, N = scores.shape
    labels = y.argmax(axis=0) if (y.ndim == 2 and K > 1) else y.reshape(-1)
    if labels.shape != (N,):
        raise ValueError(f"y {y.shape} does not give one label per column of scores {scores.shape}")
    decisions = (scores[0] >= threshold).astype(int) if K == 1 else scores.argmax(axis=0)
    return float(np.mean(decisions == labels))


def minibatches(N, batch_size, rng):
    """Shuffle 0..N-1 and split into ceil(N / batch_size) batches of nearly equal size.

    Nearly equal (sizes B and B - 1, say) rather than B, B, ..., and a remainder: a remainder of
    a few samples gives a mean gradient so noisy that one step can undo an epoch's progress
    (with 1347 digits and B = 16, a 3-sample batch made the loss jump several times in training).
    """
    require_whole(batch_size, "batch_size", 1)
    return np.array_split(rng.permutation(N), -(-N // batch_size))


def gradient_descent(W, b, X, Y, loss="mse", eta=0.1, max_iter=100, epsilon=0.0, batch_size=None,
                     rng=None, sigma=sigmoid, sigma_prime=sigmoid_prime, X_val=None, Y_val=None):
    """Train by gradient descent; returns (W, b, history). The inputs W and b are not modified.

    The batch algorithm (batch_size=None): for iter = 1..max_iter: forward and backward over all
    N samples, then W^l <- W^l - eta dW^l and b^l <- b^l - eta db^l for every l; stop early when
    every entry of every change eta dW^l, eta db^l is below epsilon in absolute value.
    Mini-batch (batch_size=B): each iteration (an epoch) shuffles the columns with rng and makes
    one update per batch of about B columns (see minibatches); the epsilon rule is checked on the
    epoch's last update.
    history: {"loss": training loss after each iteration, "accuracy": training accuracy,
              "val_accuracy": on (X_val, Y_val) if given, "iterations": n, "stopped": reason}.
    Since each loss is a mean, dW^l = sum_i delta^{i,l} (a^{i,l-1})^T / N: the source's sum over
    samples with the 1/N folded into eta.
    """
    if not eta > 0:
        raise ValueError(f"eta must be positive; got {eta}")
    if batch_size is not None and rng is None:
        raise ValueError("mini-batch training shuffles the samples: pass rng=np.random.default_rng(seed)")
    W = {l: w.copy() for l, w in W.items()}
    b = {l: v.copy() for l, v in b.items()}
    N = X.shape[1]
    history = {"loss": [], "accuracy": [], "val_accuracy": [], "iterations": 0, "stopped": "max_iter"}

    def columns(M, idx):
        return M[idx] if np.ndim(M) == 1 else M[:, idx]

    for it in range(1, max_iter + 1):
        for idx in ([np.arange(N)] if batch_size is None else minibatches(N, batch_size, rng)):
            g = loss_and_gradients(W, b, X[:, idx], columns(Y, idx), loss, sigma, sigma_prime)
            largest_change = 0.0
            for l in W:
                W[l] -= eta * g.dW[l]
                b[l] -= eta * g.db[l]
                largest_change = max(largest_change, eta * np.abs(g.dW[l]).max(), eta * np.abs(g.db[l]).max())
        C, acc = evaluate(W, b, X, Y, loss, sigma)
        history["loss"].append(C)
        history["accuracy"].append(acc)
        if X_val is not None:
            history["val_accuracy"].append(evaluate(W, b, X_val, Y_val, loss, sigma)[1])
        history["iterations"] = it
        if largest_change < epsilon:
            history["stopped"] = "epsilon"
            break
    return W, b, history
