"""A small CNN: conv 3x3 -> ReLU -> 2x2 max pool -> flatten -> dense -> softmax.

Defined in Chapter 4. The convolution part uses (N, C, H, W); the dense part keeps Chapters 1-3's
convention of one sample per column. The two meet at the flatten, written out both ways:
    forward:  flat = p.reshape(N, -1).T        (N, F, PH, PW) -> (F*PH*PW, N)
    backward: dp = dflat.T.reshape(p.shape)    (F*PH*PW, N) -> (N, F, PH, PW)
"""
import numpy as np

from .activations import relu, relu_prime
from .conv import conv2d, conv2d_backward
from .dense import dense_backward, dense_forward
from .losses import softmax_cross_entropy
from .pool import max_pool2d, max_pool2d_backward
from .train import accuracy, minibatches


def init_cnn(rng, in_shape=(1, 8, 8), maps=8, kernel=3, classes=10, padding=1):
    """Parameters {"w": (F, C, k, k), "b": (F,), "W": (classes, F*PH*PW), "bW": (classes, 1)}.

    He initialisation for the ReLU layer (std sqrt(2 / fan_in)), 1/sqrt(fan_in) for the dense one.
    """
    C, H, W = in_shape
    OH, OW = H + 2 * padding - kernel + 1, W + 2 * padding - kernel + 1
    n_flat = maps * (OH // 2) * (OW // 2)
    return {"w": rng.normal(0, np.sqrt(2 / (C * kernel * kernel)), size=(maps, C, kernel, kernel)),
            "b": np.zeros(maps),
            "W": rng.normal(0, 1 / np.sqrt(n_flat), size=(classes, n_flat)),
            "bW": np.zeros((classes, 1))}


def cnn_forward(params, x, padding=1):
    """x: (N, C, H, W). returns (logits (classes, N), cache)."""
    u = conv2d(x, params["w"], params["b"], 1, padding)     # (N, F, H, W) with padding 1
    a = relu(u)
    p = max_pool2d(a, 2)                                    # (N, F, H/2, W/2)
    flat = p.reshape(p.shape[0], -1).T                      # (F*PH*PW, N): one sample per column
    z = dense_forward(params["W"], params["bW"], flat)      # (classes, N)
    return z, {"x": x, "u": u, "a": a, "p": p, "flat": flat, "padding": padding}


def cnn_loss_and_gradients(params, x, y):
    """Mean softmax cross-entropy and the gradient of every parameter, layer by layer backwards.

    y: integer labels (N,). returns (loss, grads, cache) with grads keyed like params.
    """
    z, c = cnn_forward(params, x)
    loss, dz = softmax_cross_entropy(z, y)                              # (classes, N), carries 1/N
    dW, dbW, dflat = dense_backward(dz, params["W"], c["flat"])          # Chapter 2: BP3, BP4, W^T dz
    dp = dflat.T.reshape(c["p"].shape)                                  # un-flatten: back to (N, F, PH, PW)
    da = max_pool2d_backward(dp, c["a"], 2)                             # to the maxima only
    du = da * relu_prime(c["u"])                                        # delta of the conv layer
    _, dw, db = conv2d_backward(du, x, params["w"], 1, c["padding"])     # kernel and bias gradients
    return loss, {"w": dw, "b": db, "W": dW, "bW": dbW}, c


def predict(params, x):
    """Class scores (classes, N) for images x (N, C, H, W)."""
    return cnn_forward(params, x)[0]


def train_cnn(params, X, y, eta=0.1, epochs=10, batch_size=32, rng=None, X_val=None, y_val=None):
    """Mini-batch gradient descent (Chapter 2's variant) on images X (N, C, H, W), labels y (N,).

    returns (params, history) with history {"loss", "accuracy", "val_accuracy"} per epoch;
    the params passed in are not modified.
    """
    if rng is None:
        raise ValueError("train_cnn shuffles the samples: pass rng=np.random.default_rng(seed)")
    params = {name: v.copy() for name, v in params.items()}
    history = {"loss": [], "accuracy": [], "val_accuracy": []}
    for _ in range(epochs):
        for idx in minibatches(X.shape[0], batch_size, rng):
            _, grads, _ = cnn_loss_and_gradients(params, X[idx], y[idx])
            for name in params:
                params[name] -= eta * grads[name]
        z = predict(params, X)
        history["loss"].append(softmax_cross_entropy(z, y)[0])
        history["accuracy"].append(accuracy(z, y))
        if X_val is not None:
            history["val_accuracy"].append(accuracy(predict(params, X_val), y_val))
    return params, history
