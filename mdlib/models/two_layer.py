"""The two-layer network of Chapter 3, in that chapter's names (samples as columns).

m features, n samples, k hidden units, one sigmoid output. Chapter 3 numbers the layers
from the first hidden one, so its W1, b1, W2, b2 are Chapter 1's W^2, b^2, W^3, b^3.
Every product is checked first, and a mismatch names the product and both shapes in
these names.
"""
import numpy as np

from ..kernels._check import (as_float_array, require_keys, require_matmul,
                              require_ndim, require_shape)
from ..kernels.activations import sigmoid, sigmoid_prime
from ..kernels.dense import dense_backward, dense_forward
from ..kernels.losses import sigmoid_binary_cross_entropy


def two_layer_forward(W1, b1, W2, b2, X):
    """Forward pass. Defined in Chapter 3.

    W1: (k, m)  row j holds the weights into hidden unit j
    b1: (k, 1)  broadcast over the n columns
    W2: (1, k)
    b2: (1, 1)
    X:  (m, n)  column i is sample i
    returns (A2, cache): A2 (1, n), cache = {"X", "W1", "W2", "Z1", "A1", "Z2", "A2"}
    with Z1 = W1 X + b1 (k, n), A1 = sigmoid(Z1) (k, n), Z2 = W2 A1 + b2 (1, n),
    A2 = sigmoid(Z2) (1, n).
    """
    W1, b1, W2, b2, X = (as_float_array(v, name) for v, name in
                         ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2"), (X, "X")))
    require_ndim(X, 2, "X", "(m, n), one sample per column")
    require_ndim(W1, 2, "W1", "(k, m)")
    require_ndim(W2, 2, "W2", "(1, k)")
    require_matmul(W1, X, "W1", "X")
    k = W1.shape[0]
    require_shape(b1, (k, 1), "b1", "(k, 1), one bias per hidden unit")
    # A1 will be (k, n)
    require_matmul(W2, np.broadcast_to(0.0, (k, X.shape[1])), "W2", "A1")
    require_shape(W2, (1, k), "W2", "(1, k), one output unit")
    require_shape(b2, (1, 1), "b2")
    Z1 = dense_forward(W1, b1, X)       # (k, m) (m, n) + (k, 1) -> (k, n)
    A1 = sigmoid(Z1)                    # (k, n)
    Z2 = dense_forward(W2, b2, A1)      # (1, k) (k, n) + (1, 1) -> (1, n)
    A2 = sigmoid(Z2)                    # (1, n)
    return A2, {"X": X, "W1": W1, "W2": W2, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def two_layer_backward(Y, cache):
    """Backward pass for the mean binary cross-entropy. Defined in Chapter 3.

    Y: (1, n) labels 0 or 1; cache: from two_layer_forward.
    returns (loss, grads) with grads = {"dZ2", "dW2", "db2", "dZ1", "dW1", "db1"}:
      dZ2 = (A2 - Y)/n               (1, n)  the 1/n of the mean rides in dZ (Chapter 3
      dW2 = dZ2 A1^T                 (1, k)  shows that putting it in dW instead gives
      db2 = sum(dZ2, axis=1)         (1, 1)  the same numbers)
      dZ1 = W2^T dZ2 * sigmoid'(Z1)  (k, n)
      dW1 = dZ1 X^T                  (k, m)
      db1 = sum(dZ1, axis=1)         (k, 1)
    """
    require_keys(cache, ("X", "W1", "W2", "Z1", "A1", "Z2"),
                 "cache (from two_layer_forward)")
    Y = as_float_array(Y, "Y")
    if Y.shape != cache["Z2"].shape:
        raise ValueError(f"Y must have the shape of A2 {cache['Z2'].shape} (1, n); "
                         f"got {Y.shape}")
    loss, dZ2 = sigmoid_binary_cross_entropy(cache["Z2"], Y)   # (A2 - Y)/n
    # dA1 = W2^T dZ2, (k, n)
    dW2, db2, dA1 = dense_backward(dZ2, cache["W2"], cache["A1"])
    dZ1 = dA1 * sigmoid_prime(cache["Z1"])                     # (k, n)
    dW1, db1, _ = dense_backward(dZ1, cache["W1"], cache["X"])
    return loss, {"dZ2": dZ2, "dW2": dW2, "db2": db2,
                  "dZ1": dZ1, "dW1": dW1, "db1": db1}


def two_layer_loss_and_gradients(params, X, Y):
    """The two-layer network under the training loop's convention
    (mdlib.models.train.train).

    Defined in Chapter 3. params: {"W1", "b1", "W2", "b2"}; returns (loss, grads) with
    grads keyed exactly like params (two_layer_backward's dW1, db1, dW2, db2, without
    the dZ's).
    """
    require_keys(params, ("W1", "b1", "W2", "b2"), "params")
    W1, b1, W2, b2 = (params[name] for name in ("W1", "b1", "W2", "b2"))
    _, cache = two_layer_forward(W1, b1, W2, b2, X)
    loss, grads = two_layer_backward(Y, cache)
    return loss, {name: grads["d" + name] for name in params}
