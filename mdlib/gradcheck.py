"""Central finite differences: the numerical check of every gradient in the book.

Defined in Chapter 1 (Notation), where it checks the activations' derivatives; every later
chapter checks its backward pass with it, and the appendix studies its accuracy.
"""
from typing import NamedTuple

import numpy as np

from ._check import require_perturbable


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at the array x.

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one coordinate at a time.
    f: callable taking x (it may read x in place) and returning a scalar
    x: float array of any shape; it is perturbed in place and restored afterwards
    returns an array shaped like x.
    """
    require_perturbable(x)
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


def numerical_gradient_forward(f, x, eps=1e-6):
    """Forward-difference gradient (f(x + eps e_i) - f(x)) / eps: the one-sided cousin of
    numerical_gradient, with an error of order eps instead of eps^2. Defined in the appendix on
    gradient checking, which compares the two; x is perturbed in place and restored.
    """
    require_perturbable(x)
    f0 = float(f(x))
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (float(f(x)) - f0) / eps
        x[i] = old
    return grad


def numerical_gradient_array(f, x, dout, eps=1e-6):
    """Gradient of sum(dout * f(x)) for an array-valued f, by central differences output by output.

    Defined in Chapter 4. grad[i] = sum_j dout_j (f_j(x + eps e_i) - f_j(x - eps e_i)) / (2 eps):
    subtracting before summing lets every output that x_i does not touch cancel exactly, so only
    the rounding of the outputs it touches remains (the approach of CS231n's
    eval_numerical_gradient_array). Also returns that rounding's scale, measured entry by entry:
    noise[i] = eps_mach sum_j |dout_j| (|f_j(x + eps e_i)| + |f_j(x - eps e_i)|) / (2 eps) over the j that changed.
    x is perturbed in place and restored. returns (grad, noise), both shaped like x.
    """
    require_perturbable(x)
    dout = np.asarray(dout)
    grad, noise = np.zeros_like(x), np.zeros_like(x)
    eps_mach = float(np.finfo(x.dtype).eps)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = np.array(f(x), dtype=np.float64)
        x[i] = old - eps
        minus = np.array(f(x), dtype=np.float64)
        x[i] = old
        if plus.shape != dout.shape:
            raise ValueError(f"dout {dout.shape} must have the shape of f(x) {plus.shape}")
        changed = plus != minus
        grad[i] = np.sum(dout * (plus - minus)) / (2 * eps)
        noise[i] = eps_mach * np.sum(np.abs(dout[changed]) * (np.abs(plus[changed]) + np.abs(minus[changed]))) / (2 * eps)
    return grad, noise


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
    floor: float            # the largest rounding floor of the central difference used in the check
    numeric: np.ndarray     # the central-difference gradient


def gradient_check(f, x, grad, eps=1e-6, rtol=1e-7, dout=None):
    """Compare an analytic gradient with central differences under the book's error model.

    Defined in Chapter 2. A central difference (f(x + eps) - f(x - eps)) / (2 eps) cannot resolve
    a change smaller than the rounding error of f itself, divided by eps. The check therefore
    asks, entry by entry, for
        |grad - numeric| <= rtol (|grad| + |numeric|) + floor,
    i.e. agreement to rtol relative, except where an entry is so small that the finite
    difference cannot see it. A wrong gradient misses by far more than either term.

    Scalar f (dout None): floor = 4 eps_mach max(|f(x)|, 1) / eps, for an f whose rounding error
        is about eps_mach |f| (2e-10 for a cost near 1 in float64 with eps = 1e-6).
    Array-valued f with dout (Chapter 4): the gradient of sum(dout * f(x)), computed by
        numerical_gradient_array, and floor = 4 x its measured rounding scale, entry by entry.
        Use this when sum(dout * f(x)) would be a large sum that cancels.
    x: float array (perturbed and restored); grad: array like x.
    returns GradCheck(ok, relative_error, max_abs_error, floor, numeric).
    """
    grad = np.asarray(grad)
    if grad.shape != np.shape(x):
        raise ValueError(f"grad {grad.shape} must have the shape of x {np.shape(x)}")
    if dout is None:
        numeric = numerical_gradient(f, x, eps)
        floor = 4 * float(np.finfo(x.dtype).eps) * max(abs(float(f(x))), 1.0) / eps
    else:
        numeric, noise = numerical_gradient_array(f, x, dout, eps)
        floor = 4 * noise
    diff = np.abs(grad - numeric)
    ok = bool(np.all(diff <= rtol * (np.abs(grad) + np.abs(numeric)) + floor))
    return GradCheck(ok, relative_error(grad, numeric), float(diff.max(initial=0.0)),
                     float(np.max(floor)), numeric)
