"""Central finite differences: the numerical check of every gradient in the book.

Defined in Chapter 1 (Notation), where it checks the activations' derivatives; every later
chapter checks its backward pass with it, and the appendix studies its accuracy.
"""
from typing import NamedTuple

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


class GradCheck(NamedTuple):
    ok: bool
    relative_error: float   # relative_error(grad, numeric): element-wise, as in the contract
    max_abs_error: float    # max |grad - numeric|
    floor: float            # the rounding floor of the central difference, 4 eps_mach max(|f|, 1) / eps
    numeric: np.ndarray     # the central-difference gradient


def gradient_check(f, x, grad, eps=1e-6, rtol=1e-7):
    """Compare an analytic gradient with central differences under the book's error model.

    Defined in Chapter 2. A central difference computes (f(x + eps) - f(x - eps)) / (2 eps); each
    value of f carries a rounding error of about eps_mach |f|, so the difference cannot resolve
    gradient entries below about eps_mach |f| / eps (2e-10 for a cost near 1 in float64 with
    eps = 1e-6). The check therefore asks, entry by entry, for
        |grad - numeric| <= rtol (|grad| + |numeric|) + floor,   floor = 4 eps_mach max(|f(x)|, 1) / eps,
    i.e. agreement to rtol relative, except where an entry is so small that the finite
    difference itself cannot see it. A wrong gradient misses by far more than either term.
    f: scalar function of x; x: float array (perturbed and restored); grad: array like x.
    returns GradCheck(ok, relative_error, max_abs_error, floor, numeric).
    """
    grad = np.asarray(grad)
    if grad.shape != np.shape(x):
        raise ValueError(f"grad {grad.shape} must have the shape of x {np.shape(x)}")
    numeric = numerical_gradient(f, x, eps)
    floor = 4 * float(np.finfo(x.dtype).eps) * max(abs(float(f(x))), 1.0) / eps
    diff = np.abs(grad - numeric)
    ok = bool(np.all(diff <= rtol * (np.abs(grad) + np.abs(numeric)) + floor))
    return GradCheck(ok, relative_error(grad, numeric), float(diff.max(initial=0.0)), floor, numeric)
