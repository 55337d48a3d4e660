"""The loss registry: every loss the models train with, and what each expects of the
output layer.

Defined in Chapter 2 (the quadratic cost and softmax cross-entropy), with Chapter 3's
sigmoid binary cross-entropy. This is the one place that knows how the losses differ;
the network, the CNN, the training loop and the widgets read LOSSES[name] (or
get_loss(name)) instead of branching on the name.
"""
from typing import Callable, NamedTuple, Optional

import numpy as np

from ..kernels.activations import identity, sigmoid, softmax
from ..kernels.losses import mse, sigmoid_binary_cross_entropy, softmax_cross_entropy


class Loss(NamedTuple):
    """One loss of the registry.

    kernel(scores, Y) -> (C, dC/dscores): mdlib.kernels.losses' function.
    fused: True if kernel takes the logits z^L and returns delta^L itself (the output
        layer is then the identity); False for "mse", which takes a^L = sigma(z^L), so
        that delta^L needs BP1's factor sigma'(z^L).
    output: the output layer's activation, None meaning "the hidden layers' sigma".
    probabilities: what turns the logits into the predicted probabilities (None for
        "mse").
    threshold: the decision threshold of a single output unit (1, N): on a^L for "mse",
        on the logits (sigmoid(z) >= 0.5 <=> z >= 0) for the fused losses.
    targets: the targets Y it accepts, in words.
    """
    name: str
    kernel: Callable
    fused: bool
    output: Optional[Callable]
    probabilities: Optional[Callable]
    threshold: float
    targets: str


LOSSES = {
    "mse": Loss("mse", mse, False, None, None, 0.5,
                "(n_L, N) real targets"),
    "softmax_cross_entropy": Loss("softmax_cross_entropy", softmax_cross_entropy, True,
                                  identity, softmax, 0.0,
                                  "integer labels (N,) or one-hot (K, N)"),
    "sigmoid_binary_cross_entropy": Loss("sigmoid_binary_cross_entropy",
                                         sigmoid_binary_cross_entropy, True,
                                         identity, sigmoid, 0.0,
                                         "(1, N) zeros and ones"),
}


def get_loss(name):
    """LOSSES[name]; a ValueError listing the names if there is no such loss."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"loss must be one of {tuple(LOSSES)}; got {name!r}")
    return LOSSES[name]


def accuracy(scores, y, threshold=0.5):
    """Share of the N samples classified correctly: (number of correct decisions) / N.

    Defined in Chapter 2.
    scores: (K, N) class scores (the decision is the argmax over axis 0), or (1, N)
        outputs of one sigmoid unit (the decision is scores >= threshold).
    y: integer labels (N,), one-hot (K, N) or soft targets (K, N) (the label is the
        argmax), or (1, N) zeros and ones. A (K, N) y of zeros and ones must be one-hot:
        a multi-label target (a column with several ones, or none) is a ValueError,
        since one argmax per sample cannot be right or wrong about several labels.
    """
    scores = np.asarray(scores)
    y = np.asarray(y)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D (K, N); got shape {scores.shape}")
    K, N = scores.shape
    if y.ndim == 2 and K > 1 and y.size and np.isin(y, (0, 1)).all():
        ones = (y == 1).sum(axis=0)
        if (ones != 1).any():
            bad = int(np.flatnonzero(ones != 1)[0])
            raise ValueError(f"y {y.shape} of zeros and ones must be one-hot for "
                             f"accuracy; column {bad} has {int(ones[bad])} ones: "
                             f"multi-label targets need a per-label accuracy")
    labels = y.argmax(axis=0) if (y.ndim == 2 and K > 1) else y.reshape(-1)
    if labels.shape != (N,):
        raise ValueError(f"y {y.shape} does not give one label per column of scores "
                         f"{scores.shape}")
    if K == 1:
        decisions = (scores[0] >= threshold).astype(int)
    else:
        decisions = scores.argmax(axis=0)
    return float(np.mean(decisions == labels))
