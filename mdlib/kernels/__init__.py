"""Kernels: NumPy only. The equations of the book, one function each, with their
gradients.

Layer 1 of mdlib (kernels -> models -> verify -> ui): imports nothing from the layers
above, and nothing but NumPy from outside.

    _check.py       input checks shared by every kernel (ValueErrors that name the
                    shapes)
    windows.py      output size, zero padding, window view and its adjoint (conv and
                    pool share them)
    activations.py  sigmoid, relu, tanh, identity, their derivatives, softmax
                    (Chapter 1)
    dense.py        dense_forward (Chapter 1), dense_backward (Chapter 2)
    losses.py       mse, softmax_cross_entropy, one_hot (Chapter 2),
                    sigmoid_binary_cross_entropy (Chapter 3)
    conv.py         conv2d (fast and naive) and backward, im2col, col2im, correlate2d,
                    convolve2d, rot180 (Chapter 4)
    pool.py         max_pool2d, avg_pool2d and backward (Chapter 4)

Every kernel validates its arguments and then calls <kernel>_math, which is only the
equation (the function the book shows).
"""
from .activations import (identity, identity_math, identity_prime, identity_prime_math,
                          relu, relu_math, relu_prime, relu_prime_math, sigmoid,
                          sigmoid_math, sigmoid_prime, sigmoid_prime_math, softmax,
                          softmax_math, tanh, tanh_math, tanh_prime, tanh_prime_math)
from .conv import (col2im, conv2d, conv2d_backward, conv2d_backward_math,
                   conv2d_backward_naive, conv2d_backward_naive_math, conv2d_math,
                   conv2d_naive, conv2d_naive_math, conv_output_size, convolve2d,
                   convolve2d_math, correlate2d, correlate2d_math, im2col, rot180,
                   rot180_math)
from .dense import (dense_backward, dense_backward_math, dense_forward,
                    dense_forward_math)
from .losses import (mse, mse_math, one_hot, one_hot_math, sigmoid_binary_cross_entropy,
                     sigmoid_binary_cross_entropy_math, softmax_cross_entropy,
                     softmax_cross_entropy_math)
from .pool import (avg_pool2d, avg_pool2d_backward, avg_pool2d_backward_math,
                   avg_pool2d_math, max_pool2d, max_pool2d_backward,
                   max_pool2d_backward_math, max_pool2d_math)
from .windows import output_size, window_scatter_add, window_view, zero_pad

# (kernel, its math) for every kernel: what the book shows, and what
# tests/kernels/test_math.py checks.
MATH = {kernel: math for kernel, math in [
    (sigmoid, sigmoid_math), (sigmoid_prime, sigmoid_prime_math), (relu, relu_math),
    (relu_prime, relu_prime_math), (tanh, tanh_math), (tanh_prime, tanh_prime_math),
    (identity, identity_math), (identity_prime, identity_prime_math),
    (softmax, softmax_math),
    (dense_forward, dense_forward_math), (dense_backward, dense_backward_math),
    (mse, mse_math), (one_hot, one_hot_math),
    (softmax_cross_entropy, softmax_cross_entropy_math),
    (sigmoid_binary_cross_entropy, sigmoid_binary_cross_entropy_math),
    (conv2d, conv2d_math), (conv2d_backward, conv2d_backward_math),
    (conv2d_naive, conv2d_naive_math),
    (conv2d_backward_naive, conv2d_backward_naive_math),
    (correlate2d, correlate2d_math),
    (convolve2d, convolve2d_math), (rot180, rot180_math),
    (max_pool2d, max_pool2d_math), (max_pool2d_backward, max_pool2d_backward_math),
    (avg_pool2d, avg_pool2d_math), (avg_pool2d_backward, avg_pool2d_backward_math),
]}

__all__ = sorted({f.__name__ for pair in MATH.items() for f in pair}
                 | {"im2col", "col2im", "conv_output_size", "output_size", "zero_pad",
                    "window_view", "window_scatter_add", "MATH"})
