"""Chapter 4 (Convolution and pooling): how one cell of a convolution is formed, forward and
backward, and where a pooling layer sends its gradient (single 2-D channel).

The worked example's numbers (WORKED_EXAMPLE), the pure views (conv_forward_cell,
conv_backward_cell, pool_route, conv_view, pool_view), their drawing, the static conv_stepper
and pool_stepper, and the live ConvWidget and PoolWidget.
"""
import numpy as np

from . import palette as P
from ..kernels.conv import conv2d, conv2d_backward, conv_output_size
from ..kernels.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .explorable import Explorable
from .stepper import Stepper
from .svg import captioned, grid_svg, panel, para
from .widget import LiveWidget, control

WORKED_EXAMPLE = {
    "x": np.arange(1.0, 10.0).reshape(3, 3),          # any 3x3 input: the input gradient does not depend on it
    "k": np.array([[0.2, 0.3], [0.5, 0.6]]),
    "dy": np.array([[1.0, 1.0], [2.0, 3.0]]),
}
"""Chapter 4's worked example: a 3x3 input x, a 2x2 kernel k and the upstream delta dy (2x2).
The book writes K and delta; the keys keep k and dy, as the kernels' arguments do."""

CONV_EXAMPLES = {
    "worked example: 3x3 input, 2x2 kernel": dict(**WORKED_EXAMPLE, stride=1, padding=0),
    "4x4 input, 3x3 kernel, stride 2, padding 1": dict(
        x=np.arange(16.0).reshape(4, 4) / 4, k=np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
        dy=np.array([[1.0, -1.0], [0.5, 2.0]]), stride=2, padding=1),
}
"""The convolution stepper's and widget's examples, by name: x, k, dy, stride, padding."""

POOL_EXAMPLE = {"x": np.array([[1.0, 3.0, 2.0, 0.5], [4.0, 2.0, 2.0, 1.0], [0.0, 5.0, 5.0, 3.0], [1.0, 2.0, 4.0, 6.0]]),
                "dy": {2: np.array([[1.0, 2.0], [3.0, 4.0]]),       # stride 2: a 2x2 output
                       1: np.arange(1.0, 10.0).reshape(3, 3)}}      # stride 1: 3x3, the windows overlap
"""The pooling router's 4x4 input and its upstream gradient for each stride (2x2 windows)."""

POOL_SIZE = 2


# --- pure views -----------------------------------------------------------------------------------

def _as_2d(a, name):
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; got shape {a.shape}")
    return a


def conv_forward_cell(x, k, i, j, stride=1, padding=0):
    """Defined in Chapter 4. How output cell (i, j) of the cross-correlation of x with k is formed.

    returns {x_padded, k, y (the whole output, from mdlib.conv2d), i, j, top, left (window corner
             in x_padded), terms: [(u, v, x_padded value, k value)] in row-major order, value: y[i, j]}.
    """
    x, k = _as_2d(x, "x"), _as_2d(k, "k")
    y = conv2d(x[None, None], k[None, None], None, stride, padding)[0, 0]
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise ValueError(f"output cell ({i}, {j}) is outside the output of shape {y.shape}")
    xp = np.pad(x, padding)
    top, left = i * stride, j * stride
    terms = [(u, v, float(xp[top + u, left + v]), float(k[u, v]))
             for u in range(k.shape[0]) for v in range(k.shape[1])]
    return {"mode": "forward", "x_padded": xp, "padding": padding, "stride": stride, "k": k, "y": y,
            "i": i, "j": j, "top": top, "left": left, "terms": terms, "value": float(y[i, j])}


def conv_backward_cell(x_shape, k, dy, r, c, stride=1, padding=0):
    """Defined in Chapter 4. Which upstream deltas and kernel entries reach input cell (r, c).

    dx[r, c] = sum of dy[i, j] k[u, v] over every (i, j, u, v) with i*s + u - p = r and
    j*s + v - p = c: the full-convolution pattern. returns {dy, k, dx (the whole input
    gradient, from mdlib.conv2d_backward), r, c, terms: [(i, j, u, v, dy value, k value)],
    value: dx[r, c]}.
    """
    k, dy = _as_2d(k, "k"), _as_2d(dy, "dy")
    H, W = x_shape
    if not (0 <= r < H and 0 <= c < W):
        raise ValueError(f"input cell ({r}, {c}) is outside the input of shape {tuple(x_shape)}")
    dx = conv2d_backward(dy[None, None], np.zeros((1, 1, H, W)), k[None, None], stride, padding)[0][0, 0]
    terms = [(i, j, u, v, float(dy[i, j]), float(k[u, v]))
             for i in range(dy.shape[0]) for j in range(dy.shape[1])
             for u in range(k.shape[0]) for v in range(k.shape[1])
             if i * stride + u - padding == r and j * stride + v - padding == c]
    return {"mode": "backward", "dy": dy, "k": k, "dx": dx, "r": r, "c": c, "terms": terms,
            "value": float(dx[r, c]), "stride": stride, "padding": padding}


_POOLS = {"max": (max_pool2d, max_pool2d_backward), "avg": (avg_pool2d, avg_pool2d_backward)}


def pool_route(x, dy, i, j, size=2, stride=None, mode="max"):
    """Defined in Chapter 4. Where the upstream gradient dy[i, j] lands in the pooling layer's input.

    mode "max": all of it on the first maximum of the window (row-major); "avg": dy / size^2 on
    every cell of the window. returns {x, dy, dx (the whole input gradient, from mdlib),
    i, j: the output cell; top, left: its window's corner in x (rows top..top+size-1, columns
    left..left+size-1); window: [(r, c)], routes: [(r, c, amount)], y: the pooled output}.
    """
    x, dy = _as_2d(x, "x"), _as_2d(dy, "dy")
    stride = size if stride is None else stride
    if mode not in _POOLS:
        raise ValueError(f"mode must be 'max' or 'avg'; got {mode!r}")
    forward, backward = _POOLS[mode]
    y = forward(x[None, None], size, stride)[0, 0]
    if dy.shape != y.shape:
        raise ValueError(f"dy must have the pooled output's shape {y.shape}; got {dy.shape}")
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise ValueError(f"output cell ({i}, {j}) is outside the output of shape {y.shape}")
    dx = backward(dy[None, None], x[None, None], size, stride)[0, 0]
    top, left = i * stride, j * stride
    window = [(top + u, left + v) for u in range(size) for v in range(size)]
    if mode == "max":
        first = int(np.argmax([x[rc] for rc in window]))
        routes = [(*window[first], float(dy[i, j]))]
    else:
        routes = [(r, c, float(dy[i, j]) / size**2) for r, c in window]
    return {"x": x, "dy": dy, "dx": dx, "y": y, "i": i, "j": j, "top": top, "left": left, "window": window,
            "routes": routes, "mode": mode, "size": size, "stride": stride}


def conv_cells(example, mode):
    """Defined in Chapter 4. The shape of the cells the widget steps through: the output's (OH, OW)
    forward, by the layer's own formula, or the input's (H, W) backward."""
    e = CONV_EXAMPLES[example]
    if mode == "forward":
        return conv_output_size(*e["x"].shape, *e["k"].shape, e["stride"], e["padding"])
    return e["x"].shape


def conv_view(example, mode, index):
    """Defined in Chapter 4. The view of cell number index (row by row, modulo the cell count) of
    an example of CONV_EXAMPLES: conv_forward_cell ("forward") or conv_backward_cell ("backward")."""
    e = CONV_EXAMPLES[example]
    rows, cols = conv_cells(example, mode)
    a, b = divmod(index % (rows * cols), cols)
    if mode == "forward":
        return conv_forward_cell(e["x"], e["k"], a, b, e["stride"], e["padding"])
    return conv_backward_cell(e["x"].shape, e["k"], e["dy"], a, b, e["stride"], e["padding"])


def pool_view(mode, stride, i, j):
    """Defined in Chapter 4. pool_route on POOL_EXAMPLE for output cell (i, j) at this stride."""
    return pool_route(POOL_EXAMPLE["x"], POOL_EXAMPLE["dy"][stride], i, j, POOL_SIZE, stride, mode)


# --- drawing --------------------------------------------------------------------------------------

def _pair_colour(n):
    return P.PAIR_COLOURS[n % len(P.PAIR_COLOURS)]


def conv_forward_html(view):
    """Defined in Chapter 4. Forward mode of the convolution stepper: the window of x that meets K, and y[i, j]."""
    top, left, (KH, KW) = view["top"], view["left"], view["k"].shape
    kernel = {(u, v): _pair_colour(u * KW + v) for u in range(KH) for v in range(KW)}
    window = {(top + u, left + v): colour for (u, v), colour in kernel.items()}
    i, j, s = view["i"], view["j"], view["stride"]
    sum_text = " + ".join(f"{xv:.3g}&times;{kv:.3g}" for _, _, xv, kv in view["terms"])
    pad = f" (zero padding {view['padding']} shown grey)" if view["padding"] else ""
    return panel(
        para(f"Forward: y[{i}, {j}] = &Sigma;<sub>u,v</sub> x[{i}&middot;{s} + u, {j}&middot;{s} + v] K<sub>uv</sub> = "
             f"{sum_text} = <b>{view['value']:.4g}</b>"),
        captioned(f"input x{pad}", grid_svg(view["x_padded"], window, offset=view["padding"], label="input")),
        captioned("kernel K", grid_svg(view["k"], kernel, label="kernel")),
        captioned("output y", grid_svg(view["y"], {(i, j): P.SELECTED}, marks=[(i, j)], label="output")))


def conv_backward_html(view):
    """Defined in Chapter 4. Backward mode: which deltas delta[i, j] (dy) and entries K_uv reach input cell (r, c)."""
    dy_fill, k_fill = {}, {}
    for n, (i, j, u, v, _, _) in enumerate(view["terms"]):
        dy_fill[(i, j)] = k_fill[(u, v)] = _pair_colour(n)
    r, c, s, p = view["r"], view["c"], view["stride"], view["padding"]
    sum_text = " + ".join(f"{d:.3g}&times;{kv:.3g}" for *_, d, kv in view["terms"]) or "nothing: no window covers it"
    return panel(
        para(f"Backward: dx[{r}, {c}] = &Sigma; &delta;[i, j] K<sub>uv</sub> over i&middot;{s} + u &minus; {p} = {r}, "
             f"j&middot;{s} + v &minus; {p} = {c}: {sum_text} = <b>{view['value']:.4g}</b> (pairs share a colour)"),
        captioned("upstream delta &delta;", grid_svg(view["dy"], dy_fill, label="upstream delta")),
        captioned("kernel K", grid_svg(view["k"], k_fill, label="kernel")),
        captioned("input gradient dx", grid_svg(view["dx"], {(r, c): P.SELECTED}, marks=[(r, c)], label="input gradient")))


_CONV_HTML = {"forward": conv_forward_html, "backward": conv_backward_html}


def conv_html(view):
    """Defined in Chapter 4. The picture of a view of conv_forward_cell or conv_backward_cell."""
    return _CONV_HTML[view["mode"]](view)


def pool_html(view):
    """Defined in Chapter 4. The pooling router: the window of output (i, j), where its gradient lands, and dx."""
    i, j, size, top, left = view["i"], view["j"], view["size"], view["top"], view["left"]
    OH, OW = view["y"].shape
    window = {rc: P.WINDOW for rc in view["window"]}
    routed = {(r, c): P.RECEIVER for r, c, _ in view["routes"]}
    what = ("all of it goes to the window's first maximum" if view["mode"] == "max"
            else f"each window cell gets dy / {view['size']}&sup2;")
    amounts = ", ".join(f"x[{r}, {c}] gets {a:.3g}" for r, c, a in view["routes"])
    picked = {(i, j): P.SELECTED}
    return panel(
        para(f"<b>Output cell ({i}, {j})</b> of the {OH}&times;{OW} pooled output: "
             f"its window is rows {top} to {top + size - 1}, columns {left} to {left + size - 1} of x."),
        para(f"{view['mode']} pooling, window {size}&times;{size}, stride {view['stride']}: "
             f"&delta;[{i}, {j}] = {view['dy'][i, j]:.3g}; {what}: {amounts}."),
        captioned("input x (window blue, receivers orange)",
                  grid_svg(view["x"], {**window, **routed}, marks=view["window"], label="input")),
        captioned(f"pooled y ({view['mode']})", grid_svg(view["y"], picked, marks=[(i, j)], label="pooled")),
        captioned("upstream &delta;", grid_svg(view["dy"], {(i, j): P.RECEIVER}, marks=[(i, j)], label="upstream")),
        captioned("dx (summed over all windows)", grid_svg(view["dx"], routed, label="input gradient")))


# --- the steppers and the live widgets ------------------------------------------------------------

_CONV_CAPTIONS = {"forward": "Forward, output cell {n} of {total}: slide the kernel, multiply, add.",
                  "backward": "Backward, input cell {n} of {total}: the deltas and kernel entries that reach it."}


def conv_stepper(example="worked example: 3x3 input, 2x2 kernel"):
    """Defined in Chapter 4. Static counterpart of ConvWidget: every output cell forward, every input cell backward."""
    frames, captions = [], []
    for mode in ("forward", "backward"):
        total = int(np.prod(conv_cells(example, mode)))
        for index in range(total):
            frames.append(conv_html(conv_view(example, mode, index)))
            captions.append(_CONV_CAPTIONS[mode].format(n=index + 1, total=total))
    return Stepper(frames, captions, title=f"Convolution stepper ({example})")


def pool_stepper():
    """Defined in Chapter 4. Static counterpart of PoolWidget: max and average, stride 2 and overlapping stride 1."""
    frames, captions = [], []
    for mode, stride in (("max", 2), ("avg", 2), ("max", 1)):
        OH, OW = POOL_EXAMPLE["dy"][stride].shape
        for i in range(OH):
            for j in range(OW):
                frames.append(pool_html(pool_view(mode, stride, i, j)))
                captions.append(f"{mode} pooling, stride {stride}: output cell ({i}, {j}) of {OH}x{OW}.")
    return Stepper(frames, captions, title="Pooling router")


class ConvWidget(LiveWidget):
    """Defined in Chapter 4. Slide the kernel (forward) or pick an input cell and see what reaches it (backward).

    cell numbers the output cells (forward) or the input cells (backward) row by row;
    widget.update() returns the view drawn (conv_view).
    """

    def __init__(self, example="worked example: 3x3 input, 2x2 kernel", mode="backward", cell=4):
        self.example = control("menu", "example", example, options=list(CONV_EXAMPLES), width="420px")
        self.mode = control("buttons", "mode", mode, options=["forward", "backward"])
        self.cell = control("slider", "cell", cell, min=0, max=int(np.prod(conv_cells(example, mode))) - 1)
        super().__init__([[self.example], [self.mode, self.cell]])

    def render(self):
        example, mode = self.example.value, self.mode.value
        self.cell.max = int(np.prod(conv_cells(example, mode))) - 1
        view = conv_view(example, mode, self.cell.value)
        return view, conv_html(view)

    def explorable(self):
        most = max(int(np.prod(conv_cells(e, m))) for e in CONV_EXAMPLES for m in ("forward", "backward"))

        def picture(example, mode, cell):
            if cell >= int(np.prod(conv_cells(example, mode))):
                raise ValueError(f"{example}, {mode}: no cell {cell}")
            return conv_html(conv_view(example, mode, cell))

        return Explorable("Convolution", [
            ("example", "menu", [(e, e) for e in CONV_EXAMPLES]),
            ("mode", "radio", [(m, m) for m in ("forward", "backward")]),
            ("cell", "range", [(c, str(c)) for c in range(most)]),
        ], picture, (self.example.value, self.mode.value, self.cell.value))


class PoolWidget(LiveWidget):
    """Defined in Chapter 4. Pick an output cell of 2x2 pooling; see where its upstream gradient lands.

    cell numbers the output cells row by row. Changing the stride changes the output's shape
    (2x2 at stride 2, 3x3 at stride 1): the selection keeps its row and column (i, j), clamped
    into the new output, and the picture names the cell (i, j) and its window.
    widget.update() returns the view drawn (pool_view).
    """

    def __init__(self, mode="max", stride=2, cell=0):
        self.mode = control("buttons", "pooling", mode, options=["max", "avg"])
        self.stride = control("slider", "stride", stride, min=1, max=2)
        self.cell = control("slider", "output cell", cell, min=0, max=POOL_EXAMPLE["dy"][stride].size - 1)
        self._shape = None                       # the output's shape at the last render
        super().__init__([[self.mode, self.stride, self.cell]])

    def render(self):
        OH, OW = POOL_EXAMPLE["dy"][self.stride.value].shape
        if self._shape in (None, (OH, OW)):      # the cell slider (or the mode) moved
            i, j = divmod(min(self.cell.value, OH * OW - 1), OW)
        else:                                    # the stride moved: keep (i, j), clamped
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
