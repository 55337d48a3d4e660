"""mdlib: the book's small NumPy library, in four layers that import only downward:

    mdlib.kernels  NumPy only: activations, losses, dense, conv, pool, window helpers
    mdlib.models   the chapters' networks and the one training loop
    mdlib.verify   finite differences, gradient check, symbolic (SymPy) helpers
    mdlib.ui       source listings, plots, palette, steppers, widgets, one module per
                   chapter

Every kernel of the contract (shared MDLIB-API) is importable from here. Each function's
docstring says which chapter defines it; the chapters show its source and check it
against SymPy and central finite differences.
"""
from .kernels.activations import (identity, identity_prime, relu, relu_prime, sigmoid,
                                  sigmoid_prime, softmax, tanh, tanh_prime)
from .kernels.conv import (conv2d, conv2d_backward, conv2d_backward_naive, conv2d_naive,
                           convolve2d, correlate2d, rot180)
from .kernels.dense import dense_backward, dense_forward
from .verify.gradcheck import (GradCheck, gradient_check, numerical_gradient,
                               numerical_gradient_array, numerical_gradient_forward,
                               relative_error)
from .kernels.losses import (mse, one_hot, sigmoid_binary_cross_entropy,
                             softmax_cross_entropy)
from .models.network import backward, forward, init_params, layer_sizes
from .kernels.pool import (avg_pool2d, avg_pool2d_backward, max_pool2d,
                           max_pool2d_backward)
from .models.losses import accuracy
from .models.network import (Gradients, evaluate, loss_and_gradients, output_delta,
                             output_layer)
from .models.train import gradient_descent, minibatches

__all__ = [
    "sigmoid", "sigmoid_prime", "relu", "relu_prime", "tanh", "tanh_prime",
    "identity", "identity_prime", "softmax",
    "dense_forward", "dense_backward",
    "forward", "backward", "init_params", "layer_sizes",
    "mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy", "one_hot",
    "loss_and_gradients", "output_delta", "output_layer", "evaluate", "accuracy",
    "gradient_descent", "minibatches", "Gradients",
    "numerical_gradient", "numerical_gradient_array", "numerical_gradient_forward",
    "relative_error", "gradient_check", "GradCheck",
    "conv2d", "conv2d_backward", "conv2d_naive", "conv2d_backward_naive",
    "correlate2d", "convolve2d", "rot180",
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
]
