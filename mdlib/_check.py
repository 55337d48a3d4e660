"""Input checks shared by every kernel. Each raises ValueError naming the shapes at fault."""
import numpy as np


def as_float_array(x, name):
    """Return x as a floating NumPy array (integers become float64; float32 stays float32)."""
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    return arr


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


def require_matmul(left, right, left_name, right_name):
    """Require left @ right to be defined; the message names the product and both shapes."""
    if left.shape[-1] != right.shape[0]:
        raise ValueError(
            f"{left_name} @ {right_name}: {left.shape} and {right.shape} do not align "
            f"({left.shape[-1]} columns in {left_name} vs {right.shape[0]} rows in {right_name})"
        )


def require_whole(value, name, minimum):
    """Require a whole number (int or NumPy integer, not bool) >= minimum: strides, paddings, sizes."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}")


def require_forward_shape(dy, shape):
    """An upstream gradient dy must have the forward output's shape; returns dy as a float array."""
    dy = as_float_array(dy, "dy")
    if dy.shape != tuple(shape):
        raise ValueError(f"dy must have the forward output's shape {tuple(shape)}; got {dy.shape}")
    return dy


def require_perturbable(x):
    """Finite differences perturb x in place: it must be a floating NumPy array."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(f"x must be a floating NumPy array (it is perturbed in place); got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
