"""mdlib: the book's small NumPy library.

Every kernel of the contract (shared MDLIB-API) is importable from here. Each function's
docstring says which chapter defines it; the chapters show its source and check it
against SymPy and central finite differences.
"""
from .activations import (identity, identity_prime, relu, relu_prime, sigmoid,
                          sigmoid_prime, softmax, tanh, tanh_prime)
from .dense import dense_forward
from .gradcheck import numerical_gradient, relative_error
from .network import forward, init_params, layer_sizes

__all__ = [
    "sigmoid", "sigmoid_prime", "relu", "relu_prime", "tanh", "tanh_prime",
    "identity", "identity_prime", "softmax",
    "dense_forward",
    "forward", "init_params", "layer_sizes",
    "numerical_gradient", "relative_error",
]
