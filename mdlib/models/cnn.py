"""A small CNN: conv -> ReLU -> max pool -> flatten -> dense -> softmax.

Defined in Chapter 4. The convolution part uses (N, C, H, W); the dense part keeps
Chapters 1-3's convention of one sample per column. The two meet at the flatten, written
out both ways:
    forward:  flat = p.reshape(N, -1).T        (N, F, PH, PW) -> (F*PH*PW, N)
    backward: dp = dflat.T.reshape(p.shape)    (F*PH*PW, N) -> (N, F, PH, PW)
Parameters (the convention of mdlib.models.train): a dict of named arrays,
    "k"   (F, C, kh, kw)       the kernels: Chapter 4's bank w[f, c, u, v]
    "bk"  (F,)                 their biases: Chapter 4's b[f]
    "W"   (classes, F*PH*PW)   the dense layer (Chapters 1-3)
    "b"   (classes, 1)         its bias
held in a CNN, a dict that also keeps the hyperparameters stride, padding and pool (the
kernel size is the shape of "k"), so that every function below runs the network it was
built as.
"""
import numpy as np

from ..kernels._check import require_keys, require_whole
from ..kernels.activations import relu, relu_prime
from ..kernels.conv import conv2d, conv2d_backward
from ..kernels.dense import dense_backward, dense_forward
from ..kernels.pool import max_pool2d, max_pool2d_backward
from .losses import accuracy, get_loss
from .train import train

NAMES = ("k", "bk", "W", "b")
LOSS = get_loss("softmax_cross_entropy")


class CNN(dict):
    """The CNN's parameters {"k", "bk", "W", "b"} (a dict of named arrays) with its
    hyperparameters as attributes: stride and padding of the convolution, pool (the
    max-pool window and stride). A copy (CNN.copy(), copy.copy) keeps them.
    Defined in Chapter 4."""

    def __init__(self, params=(), stride=1, padding=0, pool=2):
        super().__init__(params)
        require_whole(stride, "stride", 1)
        require_whole(padding, "padding", 0)
        require_whole(pool, "pool", 1)
        self.stride, self.padding, self.pool = int(stride), int(padding), int(pool)

    def hyperparameters(self):
        return {"stride": self.stride, "padding": self.padding, "pool": self.pool}

    def copy(self):
        return CNN(self, **self.hyperparameters())

    def __copy__(self):
        return self.copy()

    def __reduce__(self):
        return (_rebuild, (dict(self), self.hyperparameters()))

    def __repr__(self):
        shapes = ", ".join(f"{name!r}: {np.shape(v)}" for name, v in self.items())
        return (f"CNN({{{shapes}}}, stride={self.stride}, padding={self.padding}, "
                f"pool={self.pool})")


def _rebuild(params, hyperparameters):
    return CNN(params, **hyperparameters)


def _hyperparameters(params):
    """stride, padding, pool of params (a CNN; a plain dict gets init_cnn's
    defaults)."""
    if isinstance(params, CNN):
        return params.stride, params.padding, params.pool
    return 1, 1, 2


def init_cnn(rng, in_shape=(1, 8, 8), maps=8, kernel=3, classes=10, padding=1,
             stride=1, pool=2):
    """A CNN with parameters {"k": (F, C, k, k), "bk": (F,), "W": (classes, F*PH*PW),
    "b": (classes, 1)} and the hyperparameters stride, padding, pool kept on it.
    Defined in Chapter 4.

    He initialisation for the ReLU layer (std sqrt(2 / fan_in)), 1/sqrt(fan_in) for the
    dense one.
    """
    C, H, W = in_shape
    # the convolution's output
    OH, OW = ((n + 2 * padding - kernel) // stride + 1 for n in (H, W))
    # after pooling, flattened
    n_flat = maps * ((OH - pool) // pool + 1) * ((OW - pool) // pool + 1)
    fan_in = C * kernel * kernel
    return CNN({"k": rng.normal(0, np.sqrt(2 / fan_in), size=(maps, C, kernel, kernel)),
                "bk": np.zeros(maps),
                "W": rng.normal(0, 1 / np.sqrt(n_flat), size=(classes, n_flat)),
                "b": np.zeros((classes, 1))},
               stride=stride, padding=padding, pool=pool)


def cnn_forward(params, x):
    """x: (N, C, H, W). returns (logits (classes, N), cache). Defined in Chapter 4."""
    require_keys(params, NAMES, "params (from init_cnn)")
    stride, padding, pool = _hyperparameters(params)
    # (N, F, OH, OW): layer 2's z
    z2 = conv2d(x, params["k"], params["bk"], stride, padding)
    a2 = relu(z2)
    p = max_pool2d(a2, pool)              # (N, F, PH, PW)
    flat = p.reshape(p.shape[0], -1).T    # (F*PH*PW, N): one sample per column
    if flat.shape[0] != np.shape(params["W"])[1]:
        raise ValueError(f"the pooled maps {p.shape[1:]} flatten to {flat.shape[0]} "
                         f"values but W {np.shape(params['W'])} takes "
                         f"{np.shape(params['W'])[1]}: x {np.shape(x)} with stride "
                         f"{stride}, padding {padding}, pool {pool} is not the input "
                         f"this CNN was built for (init_cnn's in_shape)")
    z = dense_forward(params["W"], params["b"], flat)  # (classes, N)
    return z, {"x": x, "z2": z2, "a2": a2, "p": p, "flat": flat}


def cnn_loss_and_gradients(params, x, y):
    """Mean softmax cross-entropy and the gradient of every parameter, layer by layer
    backwards.

    Defined in Chapter 4. y: integer labels (N,). returns (loss, grads) with grads keyed
    like params.
    """
    stride, padding, pool = _hyperparameters(params)
    z, c = cnn_forward(params, x)
    loss, dz = LOSS.kernel(z, y)                    # (classes, N), carries 1/N
    # Chapter 2: BP3, BP4, W^T dz
    dW, db, dflat = dense_backward(dz, params["W"], c["flat"])
    dp = dflat.T.reshape(c["p"].shape)              # un-flatten: back to (N, F, PH, PW)
    da2 = max_pool2d_backward(dp, c["a2"], pool)    # to the maxima only
    dz2 = da2 * relu_prime(c["z2"])                 # the conv layer's error
    # kernel and bias gradients
    _, dk, dbk = conv2d_backward(dz2, x, params["k"], stride, padding)
    return loss, {"k": dk, "bk": dbk, "W": dW, "b": db}


def predict(params, x):
    """Class scores (classes, N) for images x (N, C, H, W). Defined in Chapter 4."""
    return cnn_forward(params, x)[0]


def cnn_evaluate(params, x, y):
    """(mean softmax cross-entropy, accuracy) on images x (N, C, H, W), labels y (N,).
    Defined in Chapter 4."""
    z = predict(params, x)
    return LOSS.kernel(z, y)[0], accuracy(z, y)


def train_cnn(params, X, y, eta=0.1, epochs=10, batch_size=32, rng=None, X_val=None,
              y_val=None, epsilon=0.0):
    """Mini-batch gradient descent (Chapter 2's loop, train) on images X (N, C, H, W),
    labels y (N,).

    Defined in Chapter 4. returns (params, history), history as train's: {"loss",
    "accuracy", "val_accuracy"} per epoch, "iterations" (epochs run) and "stopped"; the
    params passed in are not modified.
    """
    return train(cnn_loss_and_gradients, params, X, y, eta, epochs, epsilon, batch_size,
                 rng, cnn_evaluate, X_val, y_val, sample_axis=0)
