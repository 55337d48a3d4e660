"""Input checks shared by every kernel. Each raises ValueError naming the argument and
shapes at fault.

The dtype rule of every kernel: floating arrays keep their dtype (float16, float32,
float64, ...); integer and bool arrays become float64, as NumPy's own float functions
do; anything else (complex, strings, objects, None) is a ValueError. A kernel given
several arrays returns every result in their promoted dtype (float32 with float64 gives
float64). Targets and labels are the exception: they take the dtype of the predictions
or logits, so that a loss gradient has the dtype of what it is taken with respect to.
"""
import numpy as np

from .windows import output_size


def _describe(x):
    """A short description of a value for messages: its type, and its shape and dtype if
    it is an array."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def as_float_array(x, name, dtype=None):
    """Return x as a floating NumPy array (integers and bools become float64; float32
    stays float32).

    dtype: cast the result to it (targets and labels take the dtype of the predictions).
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:   # ragged nested lists
        raise ValueError(f"{name} must be an array of real numbers; "
                         f"got {_describe(x)} ({err})") from None
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype}"
                         + ("" if isinstance(x, np.ndarray)
                            else f" from {_describe(x)}"))
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
    """Require every axis of x to have length >= 1 (a loss over no samples or classes
    means nothing)."""
    if x.size == 0:
        raise ValueError(f"{name} {layout} is empty: got shape {x.shape}")


def require_finite(x, name):
    """Require every entry of x to be finite; the message gives the first nan or inf and
    where it is."""
    x = np.asarray(x)
    if not np.all(np.isfinite(x)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{name} must be finite; got {x[where]} at index {where}")


def require_matmul(left, right, left_name, right_name):
    """Require left @ right to be defined; the message names the product and both
    shapes."""
    if left.shape[-1] != right.shape[0]:
        raise ValueError(
            f"{left_name} @ {right_name}: {left.shape} and {right.shape} do not align "
            f"({left.shape[-1]} columns in {left_name} "
            f"vs {right.shape[0]} rows in {right_name})"
        )


def is_whole(value):
    """True for an int or NumPy integer (not a bool)."""
    return (isinstance(value, (int, np.integer))
            and not isinstance(value, (bool, np.bool_)))


def require_whole(value, name, minimum):
    """Require a whole number (int or NumPy integer, not bool) >= minimum: strides,
    paddings, sizes."""
    if not is_whole(value) or value < minimum:
        shown = int(value) if is_whole(value) else repr(value)
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {shown}")


def require_real(value, name):
    """Require a real number (int, float or NumPy real scalar, not a bool or a string);
    returns it as a float."""
    if (isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, float, np.integer, np.floating))):
        raise ValueError(f"{name} must be a real number; got {_describe(value)}")
    return float(value)


def require_keys(mapping, keys, name):
    """Require a dict with every one of keys; the message lists the missing ones."""
    if not isinstance(mapping, dict):
        raise ValueError(f"{name} must be a dict with keys {list(keys)}; "
                         f"got {_describe(mapping)}")
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise ValueError(f"{name} is missing keys {missing}; "
                         f"it needs {list(keys)}, has {list(mapping)}")


def require_forward_shape(dy, shape, like=()):
    """An upstream gradient dy must have the forward output's shape; returns dy as a
    float array, in the dtype it promotes to with the arrays in like (so every gradient
    computed from it has it)."""
    dy = as_float_array(dy, "dy")
    if dy.shape != tuple(shape):
        raise ValueError(f"dy must have the forward output's shape {tuple(shape)}; "
                         f"got {dy.shape}")
    return dy.astype(np.result_type(dy, *like), copy=False)


def require_perturbable(x):
    """Finite differences perturb x in place: it must be a writeable floating NumPy
    array."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError("x must be a floating NumPy array (it is perturbed in place); "
                         f"got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray)
                            else ""))
    if not x.flags.writeable:
        raise ValueError("x must be writeable (it is perturbed in place and restored); "
                         f"got a read-only array of shape {x.shape}")


def require_callable(f, name):
    """Require a function."""
    if not callable(f):
        raise ValueError(f"{name} must be a function of x; got {_describe(f)}")


# --- convolution and pooling: (N, C, H, W) images and their windows -------------------

def require_4d(x, name, layout):
    """Require a 4-D array, e.g. x (N, C, H, W) or w (F, C, KH, KW)."""
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D {layout}; got shape {x.shape}")


def conv_output_size(H, W, KH, KW, stride, padding):
    """(OH, OW) = ((H + 2p - KH) // s + 1, (W + 2p - KW) // s + 1); ValueError if the
    kernel does not fit."""
    if KH > H + 2 * padding or KW > W + 2 * padding:
        raise ValueError(f"kernel ({KH}, {KW}) is larger than the padded input "
                         f"({H + 2 * padding}, {W + 2 * padding}) = ({H}, {W}) "
                         f"with padding {padding}")
    return output_size(H, W, KH, KW, stride, padding)


def conv_inputs(x, w, b, stride, padding):
    """Check the arguments of a conv2d kernel; returns x, w, b (zeros (F,) when None) in
    one dtype, and the output size OH, OW, so that the fast and naive kernels share
    both."""
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    require_4d(x, "x", "(N, C, H, W)")
    require_4d(w, "w", "(F, C, KH, KW)")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"channels differ: x {x.shape} has C = {x.shape[1]}, "
                         f"w {w.shape} has C = {w.shape[1]}")
    if 0 in w.shape:
        raise ValueError(f"w {w.shape} is empty: a convolution needs F, C, KH, KW >= 1")
    if 0 in x.shape[1:]:
        raise ValueError(f"x {x.shape} is empty: a convolution needs C, H, W >= 1 "
                         "(only the batch N may be 0)")
    require_whole(stride, "stride", 1)
    require_whole(padding, "padding", 0)
    N, C, H, W = x.shape
    # Python ints: no overflow
    padded = (N, C, H + 2 * int(padding), W + 2 * int(padding))
    if max(N, 1) * C * padded[2] * padded[3] * x.itemsize > np.iinfo(np.intp).max:
        raise ValueError(f"padding {int(padding)} is absurd: the padded input {padded} "
                         f"of x {x.shape} would be larger than any array NumPy can "
                         "hold")
    OH, OW = conv_output_size(H, W, w.shape[2], w.shape[3], stride, padding)
    if b is not None:
        b = as_float_array(b, "b")
        if b.shape != (w.shape[0],):
            raise ValueError(f"b must have shape (F,) = ({w.shape[0]},) "
                             f"for w {w.shape}; got {b.shape}")
    # one dtype, so fast and naive results share it
    dtype = np.result_type(x, w, *([] if b is None else [b]))
    b = np.zeros(w.shape[0], dtype) if b is None else b.astype(dtype, copy=False)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b, OH, OW


def conv_backward_inputs(dy, x, w, stride, padding):
    """Check the arguments of a conv2d backward kernel; returns dy, x, w in one
    dtype."""
    x, w, _, OH, OW = conv_inputs(x, w, None, stride, padding)
    return (require_forward_shape(dy, (x.shape[0], w.shape[0], OH, OW), like=(x, w)),
            x, w)


def pool_inputs(x, size, stride):
    """Check the arguments of a pooling kernel; returns x, size and stride (size when
    None) as Python ints (so that dy / size^2 keeps dy's dtype), and OH, OW."""
    x = as_float_array(x, "x")
    require_4d(x, "x", "(N, C, H, W)")
    if x.shape[1] == 0:
        raise ValueError(f"x {x.shape} has no channels: pooling needs C >= 1 "
                         "(only the batch N may be 0)")
    stride = size if stride is None else stride
    require_whole(size, "size", 1)
    require_whole(stride, "stride", 1)
    H, W = x.shape[2:]
    if size > H or size > W:
        raise ValueError(f"pooling window {size}x{size} is larger than the input "
                         f"({H}, {W}) of x {x.shape}: "
                         f"size must be at most {min(H, W)}")
    size, stride = int(size), int(stride)
    return x, size, stride, *output_size(H, W, size, size, stride)


def pool_backward_inputs(dy, x, size, stride):
    """Check the arguments of a pooling backward kernel; returns dy, x in one dtype,
    size and stride."""
    x, size, stride, OH, OW = pool_inputs(x, size, stride)
    return require_forward_shape(dy, x.shape[:2] + (OH, OW), like=(x,)), x, size, stride


def correlate_inputs(a, k, mode, kernel):
    """Check the arguments of correlate2d or convolve2d (named by kernel): two non-empty
    2-D arrays, a mode."""
    a = as_float_array(a, "a")
    k = as_float_array(k, "k")
    if a.ndim != 2 or k.ndim != 2:
        raise ValueError(f"{kernel} takes two 2-D arrays; "
                         f"got a {a.shape} and k {k.shape}")
    if a.size == 0 or k.size == 0:
        raise ValueError(f"{kernel} needs non-empty arrays; "
                         f"got a {a.shape} and k {k.shape}")
    if mode not in ("valid", "full"):
        raise ValueError(f"mode must be 'valid' or 'full'; got {mode!r}")
    if mode == "valid" and (k.shape[0] > a.shape[0] or k.shape[1] > a.shape[1]):
        raise ValueError(f"kernel k {k.shape} is larger than a {a.shape} "
                         "in mode 'valid'")
    return a, k
