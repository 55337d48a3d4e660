"""Chapter 4 (Convolution and pooling): how one cell of a convolution is formed, forward
and backward, and where a pooling layer sends its gradient (single 2-D channel).

The worked example's numbers (WORKED_EXAMPLE), the pure views (conv_forward_cell,
conv_backward_cell, pool_route, conv_view, pool_view, full_conv_cell,
conv_layer_shapes, pixel_dense_view), their drawing, the static conv_stepper,
pool_stepper, full_conv_stepper and pixel_dense_stepper, and the live ConvWidget and
PoolWidget.
"""
import re

import numpy as np

from . import palette as P
from ..kernels.conv import conv2d, conv2d_backward, conv_output_size
from ..kernels.pool import (avg_pool2d, avg_pool2d_backward, max_pool2d,
                            max_pool2d_backward)
from .explorable import Explorable
from .stepper import Stepper
from .svg import captioned, factor, grid_svg, number, panel, para, symbol
from .widget import LiveWidget, control

WORKED_EXAMPLE = {
    "x": np.arange(1.0, 10.0).reshape(3, 3),   # any 3x3 input: dx does not depend on it
    "k": np.array([[0.2, 0.3], [0.5, 0.6]]),
    "dy": np.array([[1.0, 1.0], [2.0, 3.0]]),
}
"""Chapter 4's worked example: a 3x3 input x, a 2x2 kernel k and the upstream delta dy
(2x2). The book writes K and delta; the keys keep k and dy, as the kernels' arguments
do."""

CONV_EXAMPLES = {
    "worked example: 3x3 input, 2x2 kernel": dict(**WORKED_EXAMPLE, stride=1,
                                                  padding=0),
    "4x4 input, 3x3 kernel, stride 2, padding 1": dict(
        x=np.arange(16.0).reshape(4, 4) / 4,
        k=np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
        dy=np.array([[1.0, -1.0], [0.5, 2.0]]), stride=2, padding=1),
}
"""The convolution stepper's and widget's examples, by name: x, k, dy, stride,
padding."""

POOL_EXAMPLE = {
    "x": np.array([[1.0, 3.0, 2.0, 0.5], [4.0, 2.0, 2.0, 1.0], [0.0, 5.0, 5.0, 3.0],
                   [1.0, 2.0, 4.0, 6.0]]),
    "dy": {2: np.array([[1.0, 2.0], [3.0, 4.0]]),   # stride 2: a 2x2 output
           1: np.arange(1.0, 10.0).reshape(3, 3)},  # stride 1: 3x3, the windows overlap
}
"""The pooling router's 4x4 input and its upstream gradient for each stride (2x2
windows)."""

POOL_SIZE = 2

FULL_CONV_EXAMPLES = {
    "worked example: 3x3 input, 2x2 kernel": dict(
        x_shape=(3, 3), k=WORKED_EXAMPLE["k"], dy=WORKED_EXAMPLE["dy"], stride=1,
        padding=0),
    "stride 2: 5x5 input, 3x3 kernel": dict(
        x_shape=(5, 5),
        k=np.array([[1.0, 2.0, -1.0], [-1.0, 3.0, 1.0], [2.0, 1.0, -2.0]]),
        dy=np.array([[1.0, -1.0], [2.0, 3.0]]), stride=2, padding=0,
        cells=[(0, 0), (0, 1), (1, 2), (2, 2), (4, 4)]),
}
"""The full-convolution stepper's examples, by name: x_shape, k, dy, stride, padding,
and optionally cells, the input cells (r, c) the stepper shows (all when absent).
Integers (and the worked example's tenths) keep every sum it shows exact to the digits
it prints. The stride-2 kernel has K_uv != K_(R-1-u)(S-1-v) off its centre, so the
kernel unrotated gives another number in every cell it shows (a cell whose only delta
meets the centre K_11 would look the same either way: none is shown)."""

ONE_BY_ONE_EXAMPLE = {
    "x": np.array([[[1.0, 0.0, 2.0], [-1.0, 3.0, 1.0]],
                   [[2.0, 1.0, 0.0], [1.0, -2.0, 2.0]],
                   [[0.0, 2.0, 1.0], [3.0, 1.0, -1.0]]]),   # (D, H, W) = (3, 2, 3)
    "w_mat": np.array([[1.0, -1.0, 2.0], [0.0, 2.0, 1.0]]),  # (F, D) = (2, 3)
    "b": np.array([1.0, -1.0]),                              # (F,)
}
"""The 1x1 convolution picture's sample: x (D, H, W), W_mat = w[:, :, 0, 0] (F, D) and
b (F,). Small integers keep every printed product exact."""


# --- pure views -----------------------------------------------------------------------

def _as_2d(a, name):
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; got shape {a.shape}")
    return a


def conv_forward_cell(x, k, i, j, stride=1, padding=0):
    """Defined in Chapter 4. How output cell (i, j) of the cross-correlation of x with k
    is formed.

    returns {x_padded, k, y (the whole output, from mdlib.conv2d), i, j, top, left
             (window corner in x_padded), terms: [(u, v, x_padded value, k value)] in
             row-major order, value: y[i, j]}.
    """
    x, k = _as_2d(x, "x"), _as_2d(k, "k")
    y = conv2d(x[None, None], k[None, None], None, stride, padding)[0, 0]
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise ValueError(f"output cell ({i}, {j}) is outside the output of shape "
                         f"{y.shape}")
    xp = np.pad(x, padding)
    top, left = i * stride, j * stride
    terms = [(u, v, float(xp[top + u, left + v]), float(k[u, v]))
             for u in range(k.shape[0]) for v in range(k.shape[1])]
    return {"mode": "forward", "x_padded": xp, "padding": padding, "stride": stride,
            "k": k, "y": y, "i": i, "j": j, "top": top, "left": left, "terms": terms,
            "value": float(y[i, j])}


def conv_backward_cell(x_shape, k, dy, r, c, stride=1, padding=0):
    """Defined in Chapter 4. Which upstream deltas and kernel entries reach input cell
    (r, c).

    dx[r, c] = sum of dy[i, j] k[u, v] over every (i, j, u, v) with i*s + u - p = r and
    j*s + v - p = c: the full-convolution pattern. returns {dy, k, dx (the whole input
    gradient, from mdlib.conv2d_backward), r, c, terms: [(i, j, u, v, dy value,
    k value)], value: dx[r, c]}.
    """
    k, dy = _as_2d(k, "k"), _as_2d(dy, "dy")
    H, W = x_shape
    if not (0 <= r < H and 0 <= c < W):
        raise ValueError(f"input cell ({r}, {c}) is outside the input of shape "
                         f"{tuple(x_shape)}")
    dx = conv2d_backward(dy[None, None], np.zeros((1, 1, H, W)), k[None, None], stride,
                         padding)[0][0, 0]
    terms = [(i, j, u, v, float(dy[i, j]), float(k[u, v]))
             for i in range(dy.shape[0]) for j in range(dy.shape[1])
             for u in range(k.shape[0]) for v in range(k.shape[1])
             if i * stride + u - padding == r and j * stride + v - padding == c]
    return {"mode": "backward", "dy": dy, "k": k, "dx": dx, "r": r, "c": c,
            "terms": terms, "value": float(dx[r, c]), "stride": stride,
            "padding": padding}


_POOLS = {"max": (max_pool2d, max_pool2d_backward),
          "avg": (avg_pool2d, avg_pool2d_backward)}


def pool_route(x, dy, i, j, size=2, stride=None, mode="max"):
    """Defined in Chapter 4. Where the upstream gradient dy[i, j] lands in the pooling
    layer's input.

    mode "max": all of it on the first maximum of the window (row-major); "avg":
    dy / size^2 on every cell of the window. returns {x, dy, dx (the whole input
    gradient, from mdlib), i, j: the output cell; top, left: its window's corner in x
    (rows top..top+size-1, columns left..left+size-1); window: [(r, c)],
    routes: [(r, c, amount)], y: the pooled output}.
    """
    x, dy = _as_2d(x, "x"), _as_2d(dy, "dy")
    stride = size if stride is None else stride
    if mode not in _POOLS:
        raise ValueError(f"mode must be 'max' or 'avg'; got {mode!r}")
    forward, backward = _POOLS[mode]
    y = forward(x[None, None], size, stride)[0, 0]
    if dy.shape != y.shape:
        raise ValueError(f"dy must have the pooled output's shape {y.shape}; got "
                         f"{dy.shape}")
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise ValueError(f"output cell ({i}, {j}) is outside the output of shape "
                         f"{y.shape}")
    dx = backward(dy[None, None], x[None, None], size, stride)[0, 0]
    top, left = i * stride, j * stride
    window = [(top + u, left + v) for u in range(size) for v in range(size)]
    if mode == "max":
        first = int(np.argmax([x[rc] for rc in window]))
        routes = [(*window[first], float(dy[i, j]))]
    else:
        routes = [(r, c, float(dy[i, j]) / size**2) for r, c in window]
    return {"x": x, "dy": dy, "dx": dx, "y": y, "i": i, "j": j, "top": top,
            "left": left, "window": window, "routes": routes, "mode": mode,
            "size": size, "stride": stride}


def conv_cells(example, mode):
    """Defined in Chapter 4. The shape of the cells the widget steps through: the
    output's (OH, OW) forward, by the layer's own formula, or the input's (H, W)
    backward."""
    e = CONV_EXAMPLES[example]
    if mode == "forward":
        return conv_output_size(*e["x"].shape, *e["k"].shape, e["stride"], e["padding"])
    return e["x"].shape


def conv_view(example, mode, index):
    """Defined in Chapter 4. The view of cell number index (row by row, modulo the cell
    count) of an example of CONV_EXAMPLES: conv_forward_cell ("forward") or
    conv_backward_cell ("backward")."""
    e = CONV_EXAMPLES[example]
    rows, cols = conv_cells(example, mode)
    a, b = divmod(index % (rows * cols), cols)
    if mode == "forward":
        return conv_forward_cell(e["x"], e["k"], a, b, e["stride"], e["padding"])
    return conv_backward_cell(e["x"].shape, e["k"], e["dy"], a, b, e["stride"],
                              e["padding"])


def pool_view(mode, stride, i, j):
    """Defined in Chapter 4. pool_route on POOL_EXAMPLE for output cell (i, j) at this
    stride."""
    return pool_route(POOL_EXAMPLE["x"], POOL_EXAMPLE["dy"][stride], i, j, POOL_SIZE,
                      stride, mode)


def dilate(dy, stride):
    """Defined in Chapter 4. dy with stride - 1 zeros between neighbouring entries:
    dilated[i*s, j*s] = dy[i, j], zero elsewhere, of shape ((OH - 1)s + 1,
    (OW - 1)s + 1)."""
    dy = _as_2d(dy, "dy")
    OH, OW = dy.shape
    dilated = np.zeros(((OH - 1) * stride + 1, (OW - 1) * stride + 1))
    dilated[::stride, ::stride] = dy
    return dilated


def _correlate_loop(a, k, rows, cols):
    """out[r, c] = sum_{u,v} a[r + u, c + v] k[u, v], r < rows, c < cols, as loops."""
    R, S = k.shape
    return np.array([[sum(float(a[r + u, c + v]) * float(k[u, v])
                          for u in range(R) for v in range(S))
                      for c in range(cols)] for r in range(rows)]).reshape(rows, cols)


def full_conv_cell(x_shape, k, dy, r, c, stride=1, padding=0):
    """Defined in Chapter 4. Input-gradient cell (r, c) by the stride-1 rule of 4.4,
    written as loops here (not mdlib's kernels): rot180(K) over delta dilated by the
    stride and zero-padded.

    delta_s = dilate(dy, s) gets R - 1 rows and S - 1 columns of zeros on every side;
    the window of rot180(K) with its corner at (r + p, c + p) of that padded array gives
    dx[r, c] (the layer's padding p is cropped). The last (H + 2p - R) mod s rows
    (columns likewise) of the padded input are reached by no window: their gradient is
    0 and no window is drawn.
    returns {x_shape, k, rot (rot180(K)), dy, dilated, padded, is_delta (True where
    padded holds an entry of dy), r, c, top, left (the window's corner in padded),
    reached, terms: [(u, v, padded value, rot value)], labels: one per term,
    (delta index (i, j) or None for a zero of the padding or the dilation, kernel index
    (R-1-u, S-1-v)): window offset (u, v) holds delta[(r + u - R + 1)/s, (c + v - S +
    1)/s], which meets rot180(K)_uv = K_(R-1-u)(S-1-v); value: dx[r, c], dx (the whole
    input gradient by the rule), unrotated: the same window with K unrotated (the common
    mistake), dx_unrotated}.
    """
    k, dy = _as_2d(k, "k"), _as_2d(dy, "dy")
    (H, W), (R, S) = tuple(int(n) for n in x_shape), k.shape
    s, p = int(stride), int(padding)
    out = conv_output_size(H, W, R, S, s, p)
    if dy.shape != tuple(out):
        raise ValueError(f"dy must have the layer's output shape {tuple(out)}; got "
                         f"{dy.shape}")
    if not (0 <= r < H and 0 <= c < W):
        raise ValueError(f"input cell ({r}, {c}) is outside the input of shape "
                         f"{(H, W)}")
    dilated = dilate(dy, s)
    padded = np.pad(dilated, ((R - 1, R - 1), (S - 1, S - 1)))
    is_delta = np.zeros(padded.shape, dtype=bool)
    is_delta[R - 1:R - 1 + dilated.shape[0]:s, S - 1:S - 1 + dilated.shape[1]:s] = True
    rot = k[::-1, ::-1].copy()
    rows, cols = padded.shape[0] - R + 1, padded.shape[1] - S + 1   # (OH - 1)s + R, ...
    by_rule = np.zeros((H + 2 * p, W + 2 * p))
    unrotated = np.zeros((H + 2 * p, W + 2 * p))
    by_rule[:rows, :cols] = _correlate_loop(padded, rot, rows, cols)   # unreached: 0
    unrotated[:rows, :cols] = _correlate_loop(padded, k, rows, cols)
    dx, dx_unrotated = by_rule[p:p + H, p:p + W], unrotated[p:p + H, p:p + W]
    top, left = r + p, c + p
    reached = top < rows and left < cols
    terms = [(u, v, float(padded[top + u, left + v]), float(rot[u, v]))
             for u in range(R) for v in range(S)] if reached else []
    labels = [(((top + u - R + 1) // s, (left + v - S + 1) // s)
               if is_delta[top + u, left + v] else None, (R - 1 - u, S - 1 - v))
              for u, v, _, _ in terms]
    return {"mode": "full", "x_shape": (H, W), "k": k, "rot": rot, "dy": dy,
            "dilated": dilated, "padded": padded, "is_delta": is_delta, "stride": s,
            "padding": p, "r": r, "c": c, "top": top, "left": left, "reached": reached,
            "terms": terms, "labels": labels, "value": float(dx[r, c]), "dx": dx,
            "unrotated": float(dx_unrotated[r, c]), "dx_unrotated": dx_unrotated}


def full_conv_view(example, index):
    """Defined in Chapter 4. full_conv_cell for input cell number index (row by row,
    modulo the cell count) of an example of FULL_CONV_EXAMPLES."""
    e = FULL_CONV_EXAMPLES[example]
    H, W = e["x_shape"]
    r, c = divmod(index % (H * W), W)
    return full_conv_cell(e["x_shape"], e["k"], e["dy"], r, c, e["stride"],
                          e["padding"])


def conv_layer_shapes(N, D, H, W, F, R, S, stride=1, padding=0):
    """Defined in Chapter 4. Every array of a convolution layer in its matrix (im2col)
    form, with its shape, beside Chapter 3's (features, samples) layout.

    For N images of D channels, H x W, and F kernels of D x R x S: the windows of all N
    samples side by side are the columns of cols (D*R*S, N*OH*OW), as Chapter 3's
    samples are the columns of X (m, n); W_mat = w as (F, D*R*S) is W1 (k, m); the bias
    as a column b_col = b[:, None] (F, 1) is b1 (k, 1); Y = W_mat cols + b_col is
    Z1 (k, n). returns a list of dicts {name, formula, letters (the shape in letters),
    shape (numbers), chapter3 (the counterpart in Chapter 3's letters, "" where there
    is none)}.
    """
    sizes = dict(N=N, D=D, H=H, W=W, F=F, R=R, S=S, stride=stride)
    for name, v in sizes.items():
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a positive whole number; got {v!r}")
    if int(padding) != padding or padding < 0:
        raise ValueError(f"padding must be a whole number >= 0; got {padding!r}")
    OH, OW = conv_output_size(H, W, R, S, stride, padding)
    DRS, cols = D * R * S, N * OH * OW
    rows = [("x", "the input", "(N, D, H, W)", (N, D, H, W), ""),
            ("w", "F kernels of D x R x S", "(F, D, R, S)", (F, D, R, S), ""),
            ("b", "one bias per map (conv2d's b)", "(F,)", (F,), ""),
            ("cols", "im2col(x), the samples side by side", "(D·R·S, N·OH·OW)",
             (DRS, cols), "X (m, n)"),
            ("W_mat", "w.reshape(F, D·R·S)", "(F, D·R·S)", (F, DRS), "W1 (k, m)"),
            ("b_col", "b as a column, b[:, None]", "(F, 1)", (F, 1), "b1 (k, 1)"),
            ("Y", "W_mat cols + b_col", "(F, N·OH·OW)", (F, cols), "Z1 (k, n)"),
            ("y", "Y as (N, F, OH, OW)", "(N, F, OH, OW)", (N, F, OH, OW), ""),
            ("dY", "Δ/N as a matrix", "(F, N·OH·OW)", (F, cols), "dZ1 (k, n)"),
            ("dW_mat", "dY colsᵀ (BP4)", "(F, D·R·S)", (F, DRS),
             "dW1 = dZ1 Xᵀ (k, m)"),
            ("db_col", "dY summed along its rows", "(F, 1)", (F, 1), "db1 (k, 1)"),
            ("dcols", "W_matᵀ dY (BP2's Wᵀ)", "(D·R·S, N·OH·OW)", (DRS, cols),
             "W1ᵀ dZ1 (m, n)"),
            ("dx", "col2im(dcols)", "(N, D, H, W)", (N, D, H, W), "")]
    keys = ("name", "formula", "letters", "shape", "chapter3")
    return [dict(zip(keys, row)) for row in rows]


def pixel_dense_view(x, w_mat, b, i, j):
    """Defined in Chapter 4. The 1x1 convolution at pixel (i, j) of one sample, as a
    dense layer: the pixel's D channel values x[:, i, j] meet W_mat (F, D) and b.

    x: (D, H, W); w_mat: (F, D), the 1x1 kernels w[:, :, 0, 0]; b: (F,). returns {x,
    w_mat, b, y (the whole output (F, H, W), from mdlib.conv2d with a 1x1 kernel), i, j,
    pixel: x[:, i, j] (D,), out: y[:, i, j] (F,), terms: for each map f the list of
    (c, W_mat[f, c], pixel[c])}.
    """
    x, w_mat = np.asarray(x, dtype=float), _as_2d(w_mat, "w_mat")
    b = np.asarray(b, dtype=float)
    if x.ndim != 3 or x.shape[0] != w_mat.shape[1] or b.shape != (w_mat.shape[0],):
        raise ValueError(f"x must be (D, H, W), w_mat (F, D) and b (F,); got "
                         f"{x.shape}, {w_mat.shape}, {b.shape}")
    D, H, W = x.shape
    if not (0 <= i < H and 0 <= j < W):
        raise ValueError(f"pixel ({i}, {j}) is outside the image of shape {(H, W)}")
    y = conv2d(x[None], w_mat[:, :, None, None], b)[0]
    pixel = x[:, i, j].copy()
    terms = [[(c, float(w_mat[f, c]), float(pixel[c])) for c in range(D)]
             for f in range(w_mat.shape[0])]
    return {"x": x, "w_mat": w_mat, "b": b, "y": y, "i": i, "j": j, "pixel": pixel,
            "out": y[:, i, j].copy(), "terms": terms}


# --- drawing --------------------------------------------------------------------------

def _pair_colour(n):
    return P.PAIR_COLOURS[n % len(P.PAIR_COLOURS)]


_DJ_DX_HTML = "&part;<i>J</i>/&part;<i>x</i>"
"""The input gradient as the chapter writes it, dJ/dx (mdlib's dx), in HTML."""
_DJ_DX = "∂J/∂x"                                   # the same, in plain text (alt texts)


def _alt(name, M, detail=""):
    """A grid's alt text: which array, its shape, and what is highlighted in it."""
    text = f"{name}, shape {tuple(int(n) for n in np.shape(M))}"
    return f"{text}; {detail}" if detail else text


_NAME = P.COLOUR_NAMES   # a fill's name in words: alt texts and captions say it


def _cells(cells):
    """(0, 1), (1, 1) for a list of cells; 'none' for none."""
    return ", ".join(f"({r}, {c})" for r, c in cells) or "none"


def _product(a, b):
    """A product as the pictures print it: 0.25 &times; (&minus;2)."""
    return f"{factor(a)} &times; {factor(b)}"


def _x_index(i, s, p, u):
    """i·s + u − p, an index of x itself (no "− 0" without padding)."""
    return f"{i}&middot;{s} + {u}" + (f" &minus; {p}" if p else "")


def conv_forward_html(view):
    """Defined in Chapter 4. Forward mode of the convolution stepper: the window of x
    that meets K, and y[i, j]."""
    top, left, (KH, KW) = view["top"], view["left"], view["k"].shape
    kernel = {(u, v): _pair_colour(u * KW + v) for u in range(KH) for v in range(KW)}
    window = {(top + u, left + v): colour for (u, v), colour in kernel.items()}
    i, j, s = view["i"], view["j"], view["stride"]
    sum_text = " + ".join(_product(xv, kv) for _, _, xv, kv in view["terms"])
    p = view["padding"]
    pad = f" (zero padding {p} shown grey)" if p else ""
    x_name = f"input x zero-padded by {p}" if p else "input x"
    x_alt = _alt(x_name, view["x_padded"],
                 f"the window rows {top} to {top + KH - 1}, columns {left} to "
                 f"{left + KW - 1} coloured, the cells that meet K for y[{i}, {j}]")
    H, W = view["x_padded"].shape[0] - 2 * p, view["x_padded"].shape[1] - 2 * p
    outside = (f" (x is 0 outside its {H} &times; {W} cells: the grey padding)"
               if p else "")
    return panel(
        para(f"Forward: y[{i}, {j}] = &Sigma;<sub>u,v</sub> "
             f"x[{_x_index(i, s, p, 'u')}, {_x_index(j, s, p, 'v')}] "
             f"K<sub>uv</sub> = "
             f"{sum_text} = <b>{number(view['value'], '.4g')}</b>{outside}"),
        captioned(f"input x{pad}", grid_svg(view["x_padded"], window, offset=p,
                                            label=x_alt)),
        captioned("kernel K", grid_svg(view["k"], kernel, label=_alt(
            "kernel K", view["k"], "each entry coloured as the input cell it "
            "multiplies"))),
        captioned("output y", grid_svg(view["y"], {(i, j): P.SELECTED}, marks=[(i, j)],
                                       label=_alt("output y", view["y"],
                                                  f"cell ({i}, {j}) marked"))))


def conv_backward_html(view):
    """Defined in Chapter 4. Backward mode: which deltas delta[i, j] (dy) and entries
    K_uv reach input cell (r, c)."""
    dy_fill, k_fill = {}, {}
    for n, (i, j, u, v, _, _) in enumerate(view["terms"]):
        dy_fill[(i, j)] = k_fill[(u, v)] = _pair_colour(n)
    r, c, s, p = view["r"], view["c"], view["stride"], view["padding"]
    sum_text = (" + ".join(_product(d, kv) for *_, d, kv in view["terms"])
                or "nothing: no window covers it")
    target = f"{_DJ_DX}[{r}, {c}]"
    return panel(
        para(f"Backward: {_DJ_DX_HTML}[{r}, {c}] = &Sigma; &delta;[i, j] "
             f"K<sub>uv</sub> over {_x_index('i', s, p, 'u')} = {r}, "
             f"{_x_index('j', s, p, 'v')} = {c}: {sum_text} = "
             f"<b>{number(view['value'], '.4g')}</b> (pairs share a colour)"),
        captioned("upstream &delta;",
                  grid_svg(view["dy"], dy_fill, label=_alt(
                      "upstream δ = ∂J/∂y", view["dy"],
                      f"the entries that reach {target} coloured: {_cells(dy_fill)}"))),
        captioned("kernel K", grid_svg(view["k"], k_fill, label=_alt(
            "kernel K", view["k"],
            f"the entries they meet coloured as their δ: {_cells(k_fill)}"))),
        captioned(f"input gradient {_DJ_DX_HTML}",
                  grid_svg(view["dx"], {(r, c): P.SELECTED}, marks=[(r, c)],
                           label=_alt(f"input gradient {_DJ_DX}", view["dx"],
                                      f"cell ({r}, {c}) marked"))))


_CONV_HTML = {"forward": conv_forward_html, "backward": conv_backward_html}


def conv_html(view):
    """Defined in Chapter 4. The picture of a view of conv_forward_cell or
    conv_backward_cell."""
    return _CONV_HTML[view["mode"]](view)


def pool_html(view):
    """Defined in Chapter 4. The pooling router: the window of output (i, j), where its
    gradient lands, and dx."""
    i, j, size = view["i"], view["j"], view["size"]
    top, left = view["top"], view["left"]
    OH, OW = view["y"].shape
    window = {rc: P.WINDOW for rc in view["window"]}
    routed = {(r, c): P.RECEIVER for r, c, _ in view["routes"]}
    what = ("all of it goes to the window's first maximum" if view["mode"] == "max"
            else f"each window cell gets &delta;[{i}, {j}] / {view['size']}&sup2;")
    amounts = ", ".join(f"x[{r}, {c}] gets {number(a)}" for r, c, a in view["routes"])
    receivers = _cells((r, c) for r, c, _ in view["routes"])
    rows_cols = (f"rows {top} to {top + size - 1}, columns {left} to "
                 f"{left + size - 1}")
    picked = {(i, j): P.SELECTED}
    blue, orange = _NAME[P.WINDOW], _NAME[P.RECEIVER]
    if set(window) <= set(routed):     # every window cell receives: no blue is left
        shown = f"window {orange}: every cell receives"
        said = f"every cell {orange}, every one receiving"
    else:
        shown = f"window {blue}, receivers {orange}"
        said = f"{blue}; receiving {receivers} {orange}"
    return panel(
        para(f"<b>Output cell ({i}, {j})</b> of the {OH}&times;{OW} pooled output: "
             f"its window is rows {top} to {top + size - 1}, columns {left} to "
             f"{left + size - 1} of x."),
        para(f"{view['mode']} pooling, window {size}&times;{size}, stride "
             f"{view['stride']}: "
             f"&delta;[{i}, {j}] = {number(view['dy'][i, j])}; {what}: {amounts}."),
        captioned(f"input x ({shown})",
                  grid_svg(view["x"], {**window, **routed}, marks=view["window"],
                           label=_alt("input x", view["x"],
                                      f"the window of y[{i}, {j}], {rows_cols}, "
                                      f"{said}"))),
        captioned(f"pooled y ({view['mode']})",
                  grid_svg(view["y"], picked, marks=[(i, j)], label=_alt(
                      f"pooled output y ({view['mode']} pooling)", view["y"],
                      f"cell ({i}, {j}) marked"))),
        captioned("upstream &delta;",
                  grid_svg(view["dy"], {(i, j): P.RECEIVER}, marks=[(i, j)],
                           label=_alt("upstream δ = ∂J/∂y", view["dy"],
                                      f"δ[{i}, {j}] marked"))),
        captioned(f"{_DJ_DX_HTML} (summed over all windows)",
                  grid_svg(view["dx"], routed, label=_alt(
                      f"input gradient {_DJ_DX}, summed over all windows", view["dx"],
                      f"the cells δ[{i}, {j}] reaches {_NAME[P.RECEIVER]}: "
                      f"{receivers}"))))


def _index(ij):
    """A subscript of two indices: 01 -> <sub>01</sub> (with a comma past 9)."""
    i, j = ij
    return f"<sub>{i}{j}</sub>" if max(i, j) < 10 else f"<sub>{i},{j}</sub>"


def full_conv_html(view):
    """Defined in Chapter 4. One frame of the full-convolution stepper: rot180(K) over
    the zero-padded (and, for a stride, dilated) delta, the sum it gives, and dx."""
    R, S = view["k"].shape
    r, c, s, p = view["r"], view["c"], view["stride"], view["padding"]
    name = "&delta;<sub>s</sub>" if s > 1 else "&delta;"
    kernel = {(u, v): _pair_colour(u * S + v) for u in range(R) for v in range(S)}
    fills = {rc: P.PADDING for rc in zip(*np.nonzero(~view["is_delta"]))}
    if view["reached"]:
        fills.update({(view["top"] + u, view["left"] + v): colour
                      for (u, v), colour in kernel.items()})
        shown = [(ij, kl, d, kv, (u, v))
                 for (u, v, d, kv), (ij, kl) in zip(view["terms"], view["labels"])
                 if ij is not None]
        zeros = len(view["terms"]) - len(shown)
        symbols = " + ".join(f"&delta;{_index(ij)}K{_index(kl)}"
                             for ij, kl, *_ in shown) or "0"
        sum_text = " + ".join(_product(d, kv) for _, _, d, kv, _ in shown) or "0"
        if zeros:
            sum_text += f" (+ {zeros} zero{'s' * (zeros > 1)} of the padding"
            sum_text += " and the dilation)" if s > 1 else ")"
        where = (f"{_DJ_DX_HTML}[{r}, {c}] = &Sigma;<sub>u,v</sub> pad({name})"
                 f"[{view['top']} + u, {view['left']} + v] rot180(K)<sub>uv</sub> = "
                 f"{symbols} = {sum_text} = <b>{number(view['value'], '.4g')}</b>: "
                 "each &delta; meets the kernel entry diagonally opposite its place in "
                 "the window")
        unrotated = " + ".join(f"&delta;{_index(ij)}K{_index(uv)}"
                               for ij, _, _, _, uv in shown) or "0"
        if abs(view["unrotated"] - view["value"]) > 1e-9:
            mistake = (f"With K unrotated the same window pairs {unrotated} and gives "
                       f"{number(view['unrotated'], '.4g')}: the common mistake.")
        else:
            mistake = (f"With K unrotated the same window pairs {unrotated}, which "
                       "happens to give the same number here; other cells differ.")
    else:
        where = (f"{_DJ_DX_HTML}[{r}, {c}] = <b>0</b>: no window reaches this input "
                 "cell (the "
                 "last (H + 2p &minus; R) mod s rows or columns), so its gradient "
                 "is 0.")
        mistake = ""
    pictures = []
    if s > 1:
        dy_fill = {rc: P.WINDOW for rc in np.ndindex(*view["dy"].shape)}
        dil_fill = {rc: P.PADDING for rc in zip(*np.nonzero(view["dilated"] == 0))}
        dil_fill.update({(i * s, j * s): P.WINDOW
                         for i, j in np.ndindex(*view["dy"].shape)})
        zeros_between = f"{s - 1} zero{'s' * (s > 2)} between entries"
        pictures += [
            captioned("upstream &delta;",
                      grid_svg(view["dy"], dy_fill, label=_alt(
                          "upstream δ = ∂J/∂y", view["dy"],
                          f"every entry {_NAME[P.WINDOW]}"))),
            captioned(f"&delta;<sub>s</sub>: {zeros_between}",
                      grid_svg(view["dilated"], dil_fill, label=_alt(
                          "δ dilated by the stride, δₛ", view["dilated"],
                          f"the entries of δ {_NAME[P.WINDOW]}, {zeros_between} "
                          f"{_NAME[P.PADDING]}")))]
    crop = f", cropped by p = {p}" if p else ""
    plain_name = "δₛ" if s > 1 else "δ"
    window = (f"the window rows {view['top']} to {view['top'] + R - 1}, columns "
              f"{view['left']} to {view['left'] + S - 1} coloured as rot180(K) over "
              "it, "
              f"for {_DJ_DX}[{r}, {c}]" if view["reached"]
              else f"no window reaches {_DJ_DX}[{r}, {c}]")
    pictures += [
        captioned(f"{name} padded by R&minus;1 = {R - 1} row{'s' * (R != 2)}, "
                  f"S&minus;1 = {S - 1} column{'s' * (S != 2)} of zeros (grey)",
                  grid_svg(view["padded"], fills, label=_alt(
                      f"{plain_name} padded with zeros (grey)", view["padded"],
                      window))),
        captioned("rot180(K)", grid_svg(view["rot"], kernel, label=_alt(
            "kernel rotated by 180 degrees, rot180(K)", view["rot"],
            "each entry coloured as the window cell it meets"))),
        captioned(f"{_DJ_DX_HTML}{crop}", grid_svg(view["dx"], {(r, c): P.SELECTED},
                                             marks=[(r, c)], label=_alt(
                                                 f"input gradient {_DJ_DX}{crop}",
                                                 view["dx"],
                                                 f"cell ({r}, {c}) marked")))]
    return panel(para(where), para(mistake), *pictures)


def pixel_dense_html(view):
    """Defined in Chapter 4. The 1x1 convolution at one pixel: the D input maps with the
    pixel marked, its D-vector, W_mat times it plus b, the F outputs, the F output
    maps."""
    i, j, (F, D) = view["i"], view["j"], view["w_mat"].shape
    mark = {(i, j): P.SELECTED}
    sums = "; ".join(
        f"y[{f}, {i}, {j}] = "
        + " + ".join(_product(wv, xv) for _, wv, xv in terms)
        + f" + {factor(view['b'][f])} = <b>{number(view['out'][f], '.4g')}</b>"
        for f, terms in enumerate(view["terms"]))
    column = lambda v: np.asarray(v, dtype=float).reshape(-1, 1)
    return panel(
        para(f"<b>Pixel ({i}, {j})</b>: its D = {D} channel values x[:, {i}, {j}] form "
             f"a vector, and W<sub>mat</sub> (F &times; D = {F} &times; {D}), the same "
             "for every pixel, turns it into the pixel's F outputs: Chapter 1's dense "
             "layer, with W<sub>mat</sub> as its weight matrix and the pixel as its "
             "input."),
        para(sums),
        *[captioned(f"x[{c}] (channel {c})",
                    grid_svg(view["x"][c], mark, marks=[(i, j)], label=_alt(
                        f"channel {c} of the input, x[{c}]", view["x"][c],
                        f"pixel ({i}, {j}) marked")))
          for c in range(D)],
        para("", "2px 0"),
        captioned("W<sub>mat</sub> = w[:, :, 0, 0]",
                  grid_svg(view["w_mat"], label=_alt("Wₘₐₜ = w[:, :, 0, 0]",
                                                     view["w_mat"]))),
        symbol("&times;"),
        captioned(f"x[:, {i}, {j}]", grid_svg(
            column(view["pixel"]), {(c, 0): P.SELECTED for c in range(D)},
            label=_alt(f"the vector of pixel ({i}, {j}), x[:, {i}, {j}]",
                       column(view["pixel"]), f"every entry {_NAME[P.SELECTED]}"))),
        symbol("+"),
        captioned("b", grid_svg(column(view["b"]), label=_alt(
            "bias b", column(view["b"])))),
        symbol("="),
        captioned(f"y[:, {i}, {j}]", grid_svg(
            column(view["out"]), {(f, 0): P.SELECTED for f in range(F)},
            label=_alt(f"the outputs of pixel ({i}, {j}), y[:, {i}, {j}]",
                       column(view["out"]), f"every entry {_NAME[P.SELECTED]}"))),
        para("", "2px 0"),
        *[captioned(f"y[{f}] (map {f})",
                    grid_svg(view["y"][f], mark, marks=[(i, j)], label=_alt(
                        f"output map {f}, y[{f}]", view["y"][f],
                        f"pixel ({i}, {j}) marked")))
          for f in range(F)])


# --- the steppers and the live widgets ------------------------------------------------

def _times(text):
    """An example's name as a caption prints it: "3x3 input" -> "3×3 input"."""
    return re.sub(r"(\d)x(\d)", "\\1×\\2", text)


_CONV_CAPTIONS = {
    "forward": "Forward, output cell {n} of {total}: slide the kernel, multiply, add.",
    "backward": ("Backward, input cell {n} of {total}: the entries of δ and the kernel "
                 "entries that reach it."),
}


def conv_stepper(example="worked example: 3x3 input, 2x2 kernel"):
    """Defined in Chapter 4. Static counterpart of ConvWidget: every output cell
    forward, every input cell backward."""
    frames, captions = [], []
    for mode in ("forward", "backward"):
        total = int(np.prod(conv_cells(example, mode)))
        for index in range(total):
            frames.append(conv_html(conv_view(example, mode, index)))
            captions.append(_CONV_CAPTIONS[mode].format(n=index + 1, total=total))
    return Stepper(frames, captions, title=f"Convolution stepper ({_times(example)})")


def full_conv_stepper(example="worked example: 3x3 input, 2x2 kernel", cells=None):
    """Defined in Chapter 4. The input gradient as a full convolution, one frame per
    cell of cells (a list of (r, c); by default the example's own cells, or every cell
    of dx): rot180(K) slides over the zero-padded (and, for a stride, dilated) delta."""
    e = FULL_CONV_EXAMPLES[example]
    H, W = e["x_shape"]
    cells = e.get("cells") if cells is None else cells
    cells = list(np.ndindex(H, W)) if cells is None else [tuple(rc) for rc in cells]
    frames, captions = [], []
    for n, (r, c) in enumerate(cells):
        frames.append(full_conv_html(full_conv_view(example, r * W + c)))
        captions.append(f"{_DJ_DX}[{r}, {c}], frame {n + 1} of {len(cells)}: "
                        "rot180(K) over "
                        "the padded "
                        + ("dilated δ." if e["stride"] > 1 else "δ."))
    return Stepper(frames, captions,
                   title=f"The full convolution ({_times(example)})")


def pixel_dense_stepper(x=None, w_mat=None, b=None):
    """Defined in Chapter 4. The 1x1 convolution as a dense layer, one frame per pixel
    of one sample (ONE_BY_ONE_EXAMPLE by default): the same W_mat at every pixel."""
    e = ONE_BY_ONE_EXAMPLE
    x = e["x"] if x is None else x
    w_mat = e["w_mat"] if w_mat is None else w_mat
    b = e["b"] if b is None else b
    H, W = np.shape(x)[1:]
    frames, captions = [], []
    for n, (i, j) in enumerate(np.ndindex(H, W)):
        frames.append(pixel_dense_html(pixel_dense_view(x, w_mat, b, i, j)))
        captions.append(f"Pixel ({i}, {j}), frame {n + 1} of {H * W}: the same Wₘₐₜ "
                        "meets this pixel's channel vector.")
    return Stepper(frames, captions, title="The 1×1 convolution, pixel by pixel")


def pool_stepper():
    """Defined in Chapter 4. Static counterpart of PoolWidget: max and average, stride 2
    and overlapping stride 1."""
    frames, captions = [], []
    for mode, stride in (("max", 2), ("avg", 2), ("max", 1)):
        OH, OW = POOL_EXAMPLE["dy"][stride].shape
        for i in range(OH):
            for j in range(OW):
                frames.append(pool_html(pool_view(mode, stride, i, j)))
                captions.append(f"{mode} pooling, stride {stride}: output cell "
                                f"({i}, {j}) of {OH}×{OW}.")
    return Stepper(frames, captions, title="Pooling router")


class ConvWidget(LiveWidget):
    """Defined in Chapter 4. Slide the kernel (forward) or pick an input cell and see
    what reaches it (backward).

    cell numbers the output cells (forward) or the input cells (backward) row by row;
    widget.update() returns the view drawn (conv_view).
    """

    def __init__(self, example="worked example: 3x3 input, 2x2 kernel", mode="backward",
                 cell=4):
        self.example = control("menu", "example", example,
                               options=[(_times(e), e) for e in CONV_EXAMPLES],
                               width="420px")
        self.mode = control("buttons", "mode", mode, options=["forward", "backward"])
        self.cell = control("slider", "cell", cell, min=0,
                            max=int(np.prod(conv_cells(example, mode))) - 1)
        super().__init__([[self.example], [self.mode, self.cell]])

    def render(self):
        example, mode = self.example.value, self.mode.value
        self.cell.max = int(np.prod(conv_cells(example, mode))) - 1
        view = conv_view(example, mode, self.cell.value)
        return view, conv_html(view)

    def explorable(self):
        most = max(
            int(np.prod(conv_cells(e, m)))
            for e in CONV_EXAMPLES
            for m in ("forward", "backward")
        )

        def picture(example, mode, cell):
            if cell >= int(np.prod(conv_cells(example, mode))):
                raise ValueError(f"{example}, {mode}: no cell {cell}")
            return conv_html(conv_view(example, mode, cell))

        return Explorable("Convolution", [
            ("example", "menu", [(e, _times(e)) for e in CONV_EXAMPLES]),
            ("mode", "radio", [(m, m) for m in ("forward", "backward")]),
            ("cell", "range", [(c, str(c)) for c in range(most)]),
        ], picture, (self.example.value, self.mode.value, self.cell.value))


class PoolWidget(LiveWidget):
    """Defined in Chapter 4. Pick an output cell of 2x2 pooling; see where its upstream
    gradient lands.

    cell numbers the output cells row by row. Changing the stride changes the output's
    shape (2x2 at stride 2, 3x3 at stride 1): the selection keeps its row and column
    (i, j), clamped into the new output, and the picture names the cell (i, j) and its
    window. widget.update() returns the view drawn (pool_view).
    """

    def __init__(self, mode="max", stride=2, cell=0):
        self.mode = control("buttons", "pooling", mode, options=["max", "avg"])
        self.stride = control("slider", "stride", stride, min=1, max=2)
        self.cell = control("slider", "output cell", cell, min=0,
                            max=POOL_EXAMPLE["dy"][stride].size - 1)
        self._shape = None                       # the output's shape at the last render
        super().__init__([[self.mode, self.stride, self.cell]])

    def render(self):
        OH, OW = POOL_EXAMPLE["dy"][self.stride.value].shape
        if self._shape in (None, (OH, OW)):      # the cell slider (or the mode) moved
            i, j = divmod(min(self.cell.value, OH * OW - 1), OW)
        else:                                    # the stride moved: keep (i, j), clamp
            i, j = min(self._ij[0], OH - 1), min(self._ij[1], OW - 1)
        self._shape, self._ij = (OH, OW), (i, j)
        self.cell.max = OH * OW - 1
        self.cell.value = i * OW + j
        view = pool_view(self.mode.value, self.stride.value, i, j)
        return view, pool_html(view)

    def explorable(self):
        most = max(dy.size for dy in POOL_EXAMPLE["dy"].values())

        def picture(mode, stride, cell):
            OH, OW = POOL_EXAMPLE["dy"][stride].shape
            if cell >= OH * OW:
                raise ValueError(f"stride {stride}: no output cell {cell}")
            return pool_html(pool_view(mode, stride, *divmod(cell, OW)))

        return Explorable("Pooling router", [
            ("pooling", "radio", [(m, m) for m in ("max", "avg")]),
            ("stride", "range", [(s, str(s)) for s in sorted(POOL_EXAMPLE["dy"])]),
            ("output cell", "range", [(c, str(c)) for c in range(most)]),
        ], picture, (self.mode.value, self.stride.value, self.cell.value))
