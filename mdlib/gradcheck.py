"""Central finite differences: the numerical check of every gradient in the book.

Defined in Chapter 1 (Notation), where it checks the activations' derivatives; every later
chapter checks its backward pass with it, and the appendix studies its accuracy.
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at the array x.

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one coordinate at a time.
    f: callable taking x (it may read x in place) and returning a scalar
    x: float array of any shape; it is perturbed in place and restored afterwards
    returns an array shaped like x.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(f"x must be a floating NumPy array (it is perturbed in place); got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|, 1e-12), the largest over all elements."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs equal shapes; got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))
