"""Central finite differences: the numerical check of every gradient in the book.

Defined in Chapter 1 (Notation), where it checks the activations' derivatives; every
later chapter checks its backward pass with it, and the appendix studies its accuracy.
"""
from typing import NamedTuple

import numpy as np

from ..kernels._check import (as_float_array, require_callable, require_finite,
                              require_perturbable, require_real)


def _require_step(eps):
    """eps must be a positive, finite real number."""
    eps = require_real(eps, "eps")
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps}")
    if not np.isfinite(eps):
        raise ValueError(f"eps must be finite; got {eps}")


def _value(f, x):
    """f(x) as a Python float; ValueError naming what f returned unless it is a finite
    real scalar."""
    value = f(x)
    is_number = isinstance(value, (int, float, np.generic, np.ndarray))
    arr = np.asarray(value) if is_number else None
    if (arr is None or arr.ndim != 0 or arr.dtype.kind not in "iuf"
            or isinstance(value, (bool, np.bool_))):
        shown = (f"an array of shape {arr.shape} and dtype {arr.dtype}"
                 if isinstance(value, np.ndarray)
                 else f"{type(value).__name__} {value!r}"[:80])
        raise ValueError(f"f must return a real scalar (the function's value at x); "
                         f"got {shown}")
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite value near x; got {float(value)}")
    return float(value)


def _values(f, x):
    """f(x) as a float64 array; ValueError unless f returns finite real numbers."""
    value = f(x)
    values = as_float_array(value, "f(x)").astype(np.float64)
    require_finite(values, "f(x)")
    return values


def perturbed(f, x, eps, steps, value=_value):
    """The one perturb-and-restore loop of every finite difference here.

    Checks f, x and eps at once (a writeable float array x, a callable f, a positive
    finite eps), then returns an iterator that yields, for each index i of x (in
    np.ndindex order), (i, [value(f, x + s eps e_i) for s in steps]): x[i] is set to
    x[i] + s eps in place, f is evaluated, and x[i] is put back before the next index,
    also when f (or value) raises.
    steps: (1, -1) for a central difference, (1,) for a forward one.
    """
    require_perturbable(x)
    require_callable(f, "f")
    _require_step(eps)

    def loop():
        for i in np.ndindex(x.shape):
            old = x[i]
            try:
                values = []
                for s in steps:
                    x[i] = old + s * eps  # s = 1, -1: exactly old + eps, old - eps
                    values.append(value(f, x))
            finally:
                x[i] = old
            yield i, values
    return loop()


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at the array x.

    Defined in Chapter 1. df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one
    coordinate at a time.
    f: callable taking x (it may read x in place) and returning a finite real scalar
    x: writeable float array of any shape; it is perturbed in place and restored
       afterwards, also when f raises
    returns an array shaped like x.
    """
    central = perturbed(f, x, eps, (1, -1))
    grad = np.zeros_like(x)
    for i, (f_plus, f_minus) in central:
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_gradient_forward(f, x, eps=1e-6):
    """Forward-difference gradient (f(x + eps e_i) - f(x)) / eps: the one-sided cousin
    of numerical_gradient, with an error of order eps instead of eps^2. Defined in the
    appendix on gradient checking, which compares the two; x is perturbed in place and
    restored.
    """
    forward = perturbed(f, x, eps, (1,))
    f0 = _value(f, x)
    grad = np.zeros_like(x)
    for i, (f_plus,) in forward:
        grad[i] = (f_plus - f0) / eps
    return grad


def numerical_gradient_array(f, x, dout, eps=1e-6):
    """Gradient of sum(dout * f(x)) for an array-valued f, by central differences output
    by output.

    Defined in Chapter 4. grad[i] = sum_j dout_j (f_j(x + eps e_i) - f_j(x - eps e_i)) /
    (2 eps): subtracting before summing lets every output that x_i does not touch cancel
    exactly, so only the rounding of the outputs it touches remains (the approach of
    CS231n's eval_numerical_gradient_array). Also returns that rounding's scale,
    measured entry by entry: noise[i] = eps_mach sum_j |dout_j| (|f_j(x + eps e_i)| +
    |f_j(x - eps e_i)|) / (2 eps) over the j that changed. x is perturbed in place and
    restored (also when f raises). returns (grad, noise), both shaped like x.
    """
    steps = perturbed(f, x, eps, (1, -1), _values)
    dout = as_float_array(dout, "dout")
    require_finite(dout, "dout")
    grad, noise = np.zeros_like(x), np.zeros_like(x)
    eps_mach = float(np.finfo(x.dtype).eps)
    for i, (plus, minus) in steps:
        if plus.shape != dout.shape or minus.shape != dout.shape:
            raise ValueError(f"dout {dout.shape} must have the shape of f(x) "
                             f"{plus.shape}")
        changed = plus != minus
        grad[i] = np.sum(dout * (plus - minus)) / (2 * eps)
        touched = np.abs(plus[changed]) + np.abs(minus[changed])
        noise[i] = eps_mach * np.sum(np.abs(dout[changed]) * touched) / (2 * eps)
    return grad, noise


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|, 1e-12), the largest over all elements.

    Defined in Appendix A (gradient checking), used from Chapter 1 on.

    a, b: real numbers or arrays of them (integers and bools count as real), finite and
        of equal shapes.
    """
    a = as_float_array(a, "a").astype(np.float64)
    b = as_float_array(b, "b").astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs equal shapes; got {a.shape} and "
                         f"{b.shape}")
    require_finite(a, "a")
    require_finite(b, "b")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


class GradCheck(NamedTuple):
    ok: bool
    # relative_error(grad, numeric): element-wise, as in the contract
    relative_error: float
    max_abs_error: float    # max |grad - numeric|
    # the largest rounding floor of the central difference used in the check
    floor: float
    numeric: np.ndarray     # the central-difference gradient
    # each entry's verdict, shaped like x: |grad - numeric| <= rtol (|grad| +
    # |numeric|) + floor; ok is entry_ok.all()
    entry_ok: np.ndarray
    # the passing entries whose tolerance is set by the floor (rtol (|grad| + |numeric|)
    # below it): too small for the difference to judge, whatever their observed error
    unresolved: int


def gradient_step(dtype, eps=None):
    """The step of a sound gradient check for x of this dtype: eps, or the dtype's
    default if eps is None.

    The check's rounding floor is 4 eps_mach max(|f|, 1) / eps: the step must keep it
    below 1e-3 max(|f|, 1), or a wrong gradient entry smaller than the floor would pass
    unseen.
    Default: 1e-6 in float64 (floor 8.9e-10 max(|f|, 1)); 2^-10 in float32, whose
    eps_mach = 1.2e-7 would make 1e-6 a floor of 0.48 max(|f|, 1): 2^-10 gives 4.9e-4
    and crosses few ReLU kinks, and the step actually taken, (x + 2^-10) - x, equals
    2^-10 for most x. Even so, a float32 check cannot judge an entry whose error is
    below 4.9e-4 max(|f|, 1): see gradient_check.
    float16 (eps_mach = 9.8e-4) is refused: no step gives a sound check.
    """
    eps_mach = float(np.finfo(dtype).eps)
    if eps_mach > np.finfo(np.float32).eps:
        raise ValueError(f"gradient_check cannot be sound in {np.dtype(dtype)} "
                         f"(machine epsilon {eps_mach:.1e}): "
                         "the rounding of f hides any gradient error below a few "
                         "per cent; check x in float32 or float64")
    if eps is None:
        eps = 1e-6 if eps_mach <= np.finfo(np.float64).eps else 2.0 ** -10
    _require_step(eps)
    if 4 * eps_mach / eps > 1e-3:
        raise ValueError(f"eps {eps} is too small for {np.dtype(dtype)}: the rounding "
                         f"floor would be {4 * eps_mach / eps:.2g} max(|f|, 1), hiding "
                         f"wrong gradients; use eps >= {4e3 * eps_mach:.1e} or leave "
                         f"eps=None")
    return eps


def gradient_check(f, x, grad, eps=None, rtol=1e-7, dout=None):
    """Compare an analytic gradient with central differences under the book's error
    model.

    Defined in Appendix A, used from Chapter 2 on. A central difference
    (f(x + eps) - f(x - eps)) / (2 eps) cannot resolve a change smaller than the
    rounding error of f itself, divided by eps. The check therefore asks, entry by
    entry, for
        |grad - numeric| <= rtol (|grad| + |numeric|) + floor,
    i.e. agreement to rtol relative, except where an entry is so small that the finite
    difference cannot see it. A wrong gradient misses by far more than either term,
    unless its error is itself below the floor (the limit below).

    Scalar f (dout None): floor = 4 eps_mach max(|f(x)|, 1) / eps (2e-10 for a cost
        near 1 in float64 with eps = 1e-6). Appendix A's error model puts the rounding
        error of a central difference at about eps_mach |f| / eps: each of the two
        values of f is off by about eps_mach |f|, and their difference is divided by
        2 eps. The 4 is a margin for an f computed in many rounded steps, whose error is
        a few eps_mach |f|; max(|f|, 1) in place of |f| covers an f near 0, summed from
        terms of order 1 whose rounding is absolute, about eps_mach.
    Array-valued f with dout (Chapter 4): the gradient of sum(dout * f(x)), computed by
        numerical_gradient_array, and floor = 4 x its measured rounding scale, entry by
        entry. Use this when sum(dout * f(x)) would be a large sum that cancels.
    The limit: an entry whose error is below the floor cannot be judged. In float32 at
        the default step the floor is about 4.9e-4 max(|f|, 1), so a wrong entry of that
        size (even one set to 0) passes. unresolved counts the passing entries whose
        tolerance is set by the floor, rtol (|grad| + |numeric|) < floor: entries too
        small for the difference to judge to rtol, whatever their observed error (a
        central difference of exactly 0 included). When it is not 0, those entries were
        judged only to within the floor; check in float64 when they matter.
    x: float array (perturbed and restored, also when f raises);
    grad: finite array like x.
    eps: None picks the step from x's dtype (1e-6 in float64, 2^-10 in float32; float16
        and a step too small for the dtype are refused with a ValueError, see
        gradient_step).
    returns GradCheck(ok, relative_error, max_abs_error, floor, numeric, entry_ok,
        unresolved).
    """
    require_perturbable(x)
    eps = gradient_step(x.dtype, eps)
    rtol = require_real(rtol, "rtol")
    grad = as_float_array(grad, "grad")
    if grad.shape != x.shape:
        raise ValueError(f"grad {grad.shape} must have the shape of x {x.shape}")
    require_finite(grad, "grad")
    if dout is None:
        numeric = numerical_gradient(f, x, eps)
        floor = 4 * float(np.finfo(x.dtype).eps) * max(abs(_value(f, x)), 1.0) / eps
    else:
        numeric, noise = numerical_gradient_array(f, x, dout, eps)
        floor = 4 * noise
    require_finite(numeric, "the central differences of f")
    diff = np.abs(grad - numeric)
    relative = rtol * (np.abs(grad) + np.abs(numeric))
    entry_ok = diff <= relative + floor
    ok = bool(np.all(entry_ok))
    unresolved = int(np.count_nonzero(entry_ok & (relative < floor)))
    return GradCheck(ok, relative_error(grad, numeric), float(diff.max(initial=0.0)),
                     float(np.max(floor, initial=0.0)), numeric, entry_ok, unresolved)
