"""The one training loop: gradient descent on a dict of named arrays, batch or
mini-batch.

Defined in Chapter 2 (Backpropagation), for the network of Chapters 1-2
(gradient_descent, which Chapter 3 reuses for its two-layer network); Chapter 4 trains
its CNN with the same loop. The parameter convention (CS231n's Solver rule): a model's
parameters are a dict of named arrays, and its loss_and_gradients(params, X, Y) returns
(loss, grads) with grads keyed exactly like params.
"""
import copy

import numpy as np

from ..kernels._check import require_whole
from ..kernels.activations import sigmoid, sigmoid_prime
from .network import DenseNetwork, as_params, from_params

HISTORY_KEYS = ("loss", "accuracy", "val_accuracy", "iterations", "stopped")


def minibatches(N, batch_size, rng):
    """Shuffle 0..N-1 and split into ceil(N / batch_size) batches of nearly equal size.

    Defined in Chapter 2. Nearly equal (sizes B and B - 1, say) rather than B, B, ...,
    and a remainder: a remainder of a few samples gives a mean gradient so noisy that
    one step can undo an epoch's progress (with 1347 digits and B = 16, a 3-sample batch
    made the loss jump several times in training).
    """
    require_whole(batch_size, "batch_size", 1)
    return np.array_split(rng.permutation(N), -(-N // batch_size))


def check_grads(params, grads):
    """ValueError naming the keys unless grads has exactly the keys of params."""
    if set(grads) != set(params):
        missing = sorted(set(params) - set(grads), key=str)
        extra = sorted(set(grads) - set(params), key=str)
        raise ValueError(f"grads must have exactly the keys of params {list(params)}; "
                         f"missing {missing}, unexpected {extra}")


def _samples(M, idx, axis):
    """The samples idx of M along axis (labels (N,) along their only axis): M[:, idx]
    for axis -1 of a 2-D M, M[idx] for axis 0 (plain indexing, so that the batch's
    memory layout, and with it the rounding of the products, is that of the book's
    M[:, idx])."""
    axis = axis % np.ndim(M) if np.ndim(M) > 1 else 0
    return M[(slice(None),) * axis + (idx,)]


def train(loss_and_gradients, params, X, Y, eta=0.1, max_iter=100, epsilon=0.0,
          batch_size=None, rng=None, evaluate=None, X_val=None, Y_val=None,
          sample_axis=-1):
    """Gradient descent on params, a dict of named arrays; returns (params, history).

    Defined in Chapter 2. The params passed in are not modified (the result is a copy,
    of the same type, so a model's hyperparameters kept on it stay with it).
    loss_and_gradients(params, X, Y) -> (loss, grads), grads keyed exactly like params.
    evaluate(params, X, Y) -> (loss, accuracy): what history records after each
        iteration.
    The batch algorithm (batch_size=None): for iter = 1..max_iter: one gradient over all
    N samples, then params[k] <- params[k] - eta grads[k] for every k; stop early when
    every entry of every change eta grads[k] is below epsilon in absolute value.
    Mini-batch (batch_size=B): each iteration (an epoch) shuffles the samples with rng
    and makes one update per batch of about B samples (see minibatches); the epsilon
    rule is checked on the epoch's last update.
    sample_axis: the axis of X (and of a 2-D Y) that indexes the samples: -1 for one
        sample per column (Chapters 1-3), 0 for images (N, C, H, W) (Chapter 4); 1-D
        labels Y (N,) always 0.
    history: {"loss": training loss after each iteration,
              "accuracy": training accuracy,
              "val_accuracy": on (X_val, Y_val) if given, "iterations": n,
              "stopped": "epsilon" or "max_iter"}.
    """
    if not eta > 0:
        raise ValueError(f"eta must be positive; got {eta}")
    if batch_size is not None and rng is None:
        raise ValueError("mini-batch training shuffles the samples: "
                         "pass rng=np.random.default_rng(seed)")
    require_whole(max_iter, "max_iter", 0)
    if not callable(evaluate):
        raise ValueError("train records the loss and accuracy after each iteration: "
                         "pass evaluate=f(params, X, Y) -> (loss, accuracy)")
    trained = copy.copy(params)  # keeps the type (and any hyperparameters on it)
    for name in params:
        trained[name] = np.array(params[name], copy=True)
    params = trained
    N = np.shape(X)[sample_axis]
    history = {"loss": [], "accuracy": [], "val_accuracy": [], "iterations": 0,
               "stopped": "max_iter"}
    for it in range(1, max_iter + 1):
        batches = ([np.arange(N)] if batch_size is None
                   else minibatches(N, batch_size, rng))
        for idx in batches:
            X_batch = _samples(X, idx, sample_axis)
            Y_batch = _samples(Y, idx, sample_axis)
            _, grads = loss_and_gradients(params, X_batch, Y_batch)
            check_grads(params, grads)
            largest_change = 0.0
            for name in params:
                params[name] -= eta * grads[name]
                change = eta * np.abs(grads[name]).max(initial=0.0)
                largest_change = max(largest_change, change)
        C, acc = evaluate(params, X, Y)
        history["loss"].append(C)
        history["accuracy"].append(acc)
        if X_val is not None:
            history["val_accuracy"].append(evaluate(params, X_val, Y_val)[1])
        history["iterations"] = it
        if largest_change < epsilon:
            history["stopped"] = "epsilon"
            break
    return params, history


def gradient_descent(W, b, X, Y, loss="mse", eta=0.1, max_iter=100, epsilon=0.0,
                     batch_size=None, rng=None, sigma=sigmoid,
                     sigma_prime=sigmoid_prime, X_val=None, Y_val=None):
    """Train the network W, b by gradient descent; returns (W, b, history). W and b are
    not modified.

    Defined in Chapter 2. The training loop is train: every iteration, for every layer
    l, W^l <- W^l - eta dW^l and b^l <- b^l - eta db^l, over all N samples
    (batch_size=None) or over mini-batches of about batch_size samples shuffled by rng;
    stop after max_iter iterations, or early when every entry of every change eta dW^l,
    eta db^l is below epsilon.
    history: {"loss", "accuracy", "val_accuracy", "iterations", "stopped"} (see train).
    Since each loss is a mean, dW^l = (1/N) sum_i delta^{(i),l} (a^{(i),l-1})^T: source
    000's update W^l - alpha sum_i ... with alpha = eta / N.
    """
    # the loss, activation: the model's hyperparameters
    model = DenseNetwork(loss, sigma, sigma_prime)
    params, history = train(model.loss_and_gradients, as_params(W, b), X, Y, eta,
                            max_iter, epsilon, batch_size, rng, model.evaluate,
                            X_val, Y_val)
    W, b = from_params(params)
    return W, b, history
