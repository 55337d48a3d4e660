"""Input checks shared by every kernel. Each raises ValueError naming the argument and shapes at fault.

The dtype rule of every kernel: floating arrays keep their dtype (float16, float32, float64, ...);
integer and bool arrays become float64, as NumPy's own float functions do; anything else (complex,
strings, objects, None) is a ValueError. A kernel given several arrays returns every result in their
promoted dtype (float32 with float64 gives float64). Targets and labels are the exception: they take
the dtype of the predictions or logits, so that a loss gradient has the dtype of what it is taken
with respect to.
"""
import numpy as np


def _describe(x):
    """A short description of a value for messages: its type, and its shape and dtype if it is an array."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def as_float_array(x, name, dtype=None):
    """Return x as a floating NumPy array (integers and bools become float64; float32 stays float32).

    dtype: cast the result to it (targets and labels take the dtype of the predictions).
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:   # ragged nested lists
        raise ValueError(f"{name} must be an array of real numbers; got {_describe(x)} ({err})") from None
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype}"
                         + ("" if isinstance(x, np.ndarray) else f" from {_describe(x)}"))
    return arr if dtype is None else arr.astype(dtype, copy=False)


def require_ndim(x, ndim, name, layout):
    """Require x.ndim == ndim; layout names the axes, e.g. '(n_l, N)'."""
    if x.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D {layout}; got {x.ndim}-D array of shape {x.shape}"
        )


def require_shape(x, shape, name, why=""):
    """Require x.shape == shape exactly."""
    if x.shape != tuple(shape):
        extra = f" ({why})" if why else ""
        raise ValueError(f"{name} must have shape {tuple(shape)}{extra}; got {x.shape}")


def require_nonempty(x, name, layout):
    """Require every axis of x to have length >= 1 (a loss over no samples or classes means nothing)."""
    if x.size == 0:
        raise ValueError(f"{name} {layout} is empty: got shape {x.shape}")


def require_finite(x, name):
    """Require every entry of x to be finite; the message gives the first nan or inf and where it is."""
    x = np.asarray(x)
    if not np.all(np.isfinite(x)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{name} must be finite; got {x[where]} at index {where}")


def require_matmul(left, right, left_name, right_name):
    """Require left @ right to be defined; the message names the product and both shapes."""
    if left.shape[-1] != right.shape[0]:
        raise ValueError(
            f"{left_name} @ {right_name}: {left.shape} and {right.shape} do not align "
            f"({left.shape[-1]} columns in {left_name} vs {right.shape[0]} rows in {right_name})"
        )


def is_whole(value):
    """True for an int or NumPy integer (not a bool)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def require_whole(value, name, minimum):
    """Require a whole number (int or NumPy integer, not bool) >= minimum: strides, paddings, sizes."""
    if not is_whole(value) or value < minimum:
        shown = int(value) if is_whole(value) else repr(value)
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {shown}")


def require_real(value, name):
    """Require a real number (int, float or NumPy real scalar, not a bool or a string); returns it as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number; got {_describe(value)}")
    return float(value)


def require_keys(mapping, keys, name):
    """Require a dict with every one of keys; the message lists the missing ones."""
    if not isinstance(mapping, dict):
        raise ValueError(f"{name} must be a dict with keys {list(keys)}; got {_describe(mapping)}")
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise ValueError(f"{name} is missing keys {missing}; it needs {list(keys)}, has {list(mapping)}")


def require_forward_shape(dy, shape, like=()):
    """An upstream gradient dy must have the forward output's shape; returns dy as a float array,
    in the dtype it promotes to with the arrays in like (so every gradient computed from it has it)."""
    dy = as_float_array(dy, "dy")
    if dy.shape != tuple(shape):
        raise ValueError(f"dy must have the forward output's shape {tuple(shape)}; got {dy.shape}")
    return dy.astype(np.result_type(dy, *like), copy=False)


def require_perturbable(x):
    """Finite differences perturb x in place: it must be a writeable floating NumPy array."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(f"x must be a floating NumPy array (it is perturbed in place); got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    if not x.flags.writeable:
        raise ValueError(f"x must be writeable (it is perturbed in place and restored); got a read-only "
                         f"array of shape {x.shape}")


def require_callable(f, name):
    """Require a function."""
    if not callable(f):
        raise ValueError(f"{name} must be a function of x; got {_describe(f)}")
