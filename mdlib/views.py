"""What the widgets draw, computed by pure functions (no drawing, no ipywidgets).

The widgets in mdlib.widgets and the static steppers are thin layers over these functions,
so the tests can check what a reader will see without a browser.
"""

import re

import numpy as np

MAX_LAYERS = 6
MAX_WIDTH = 8


_SEPARATOR = re.compile(r"\s*[-,]\s*|\s+")
_WHOLE = re.compile(r"[0-9]+")


def parse_sizes(text):
    """'3-4-4-2', '3, 4, 4, 2' or '3 4 4 2' -> [3, 4, 4, 2], within the limits the diagram can draw.

    Anything else raises a ValueError that quotes the text and says what is wrong: an empty
    text, a leading or trailing separator ('-3-2' is not read as 3-2), two separators in a row,
    a part that is not a whole number, or widths check_sizes rejects. The widget redraws as the
    reader types, so partial input such as '3-' gets one of these messages.
    """
    text = str(text)
    where = f"layer widths {text!r}"
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"{where}: type the widths of the layers, e.g. '3-4-4-2'")
    parts = _SEPARATOR.split(stripped)
    if parts[0] == "":
        raise ValueError(f"{where} start with {stripped[0]!r}: a width is a whole number 1 to {MAX_WIDTH} "
                         "with no sign; separate widths with '-', e.g. '3-4-4-2'")
    if parts[-1] == "":
        raise ValueError(f"{where} end with {stripped[-1]!r}: type the next width")
    if "" in parts:
        raise ValueError(f"{where} have two separators in a row, with no width between them")
    for part in parts:
        if not _WHOLE.fullmatch(part):
            raise ValueError(f"{where}: {part!r} is not a whole number; layer widths must be whole numbers "
                             "such as '3-4-4-2'")
    try:
        return check_sizes([int(p) for p in parts])
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def check_sizes(sizes):
    """Validate layer widths [n_1, ..., n_L] for drawing; returns them as a list of ints."""
    sizes = [int(n) for n in sizes]
    if not 2 <= len(sizes) <= MAX_LAYERS:
        raise ValueError(f"the diagram draws 2 to {MAX_LAYERS} layers; got {len(sizes)}: {sizes}")
    if not all(1 <= n <= MAX_WIDTH for n in sizes):
        raise ValueError(f"the diagram draws widths 1 to {MAX_WIDTH}; got {sizes}")
    return sizes


def layer_shapes(sizes):
    """Rows of the shapes table: for each layer l, the shapes of W^l, b^l, z^l and a^l.

    Layer 1 is the input: it has a^1 = x but no W, b or z (None). One sample per column.
    """
    rows = [{"l": 1, "W": None, "b": None, "z": None, "a": (sizes[0], 1)}]
    for l in range(2, len(sizes) + 1):
        n_l, n_prev = sizes[l - 1], sizes[l - 2]
        rows.append({"l": l, "W": (n_l, n_prev), "b": (n_l, 1), "z": (n_l, 1), "a": (n_l, 1)})
    return rows


def network_layout(sizes, width=420.0, height=260.0, margin=30.0):
    """Centre (x, y) of every neuron: {(l, j): (x, y)} for l = 1..L, j = 1..n_l.

    Layers are evenly spaced left to right; neurons of a layer are centred vertically,
    neuron 1 at the top.
    """
    L = len(sizes)
    dx = (width - 2 * margin) / max(L - 1, 1)
    dy = (height - 2 * margin) / max(max(sizes) - 1, 1)
    pos = {}
    for l in range(1, L + 1):
        n = sizes[l - 1]
        for j in range(1, n + 1):
            pos[(l, j)] = (margin + (l - 1) * dx, height / 2 + (j - (n + 1) / 2) * dy)
    return pos


def notation_view(sizes, l, j, k):
    """Everything the notation widget shows for the weight w^l_{jk}.

    sizes: [n_1, ..., n_L]; l in 2..L; j in 1..n_l (neuron of layer l);
    k in 1..n_{l-1} (neuron of layer l-1).
    returns a dict with
      sizes, l, j, k;
      nodes:  {(layer, index): (x, y)};
      edges:  list of (l, j, k, highlighted) for every weight of the network;
      source, target: the neurons the highlighted edge joins, (l-1, k) and (l, j);
      matrix: (rows, cols) of W^l and cell: the 1-based (row, column) = (j, k) highlighted;
      shapes: layer_shapes(sizes).
    """
    sizes = check_sizes(sizes)
    L = len(sizes)
    if not 2 <= l <= L:
        raise ValueError(f"l must be in 2..L = 2..{L} (layer 1 has no weights); got l = {l}")
    if not 1 <= j <= sizes[l - 1]:
        raise ValueError(f"j must be in 1..n_{l} = 1..{sizes[l - 1]}; got j = {j}")
    if not 1 <= k <= sizes[l - 2]:
        raise ValueError(f"k must be in 1..n_{l - 1} = 1..{sizes[l - 2]}; got k = {k}")
    edges = [
        (ll, jj, kk, (ll, jj, kk) == (l, j, k))
        for ll in range(2, L + 1)
        for jj in range(1, sizes[ll - 1] + 1)
        for kk in range(1, sizes[ll - 2] + 1)
    ]
    return {
        "sizes": sizes, "l": l, "j": j, "k": k,
        "nodes": network_layout(sizes),
        "edges": edges,
        "source": (l - 1, k), "target": (l, j),
        "matrix": (sizes[l - 1], sizes[l - 2]),
        "cell": (j, k),
        "shapes": layer_shapes(sizes),
    }


def notation_tour(sizes):
    """A sequence of (sizes, l, j, k) for the static stepper: one weight per layer, then
    the corners of one matrix, then the same weight in networks of other widths."""
    sizes = check_sizes(sizes)
    L = len(sizes)
    tour = [(sizes, l, 1, 1) for l in range(2, L + 1)]
    l = min(3, L)
    n_l, n_prev = sizes[l - 1], sizes[l - 2]
    tour += [(sizes, l, j, k) for j, k in [(1, n_prev), (n_l, 1), (n_l, n_prev), (min(2, n_l), min(3, n_prev))]]
    for other in ([2, 3, 2], [4, 6, 5, 3, 2], [5, 2]):
        tour.append((other, 2, other[1], 1))
    return tour


def backprop_steps(W, b, x, y, loss="mse", sigma=None, sigma_prime=None):
    """Chapter 2. What the backprop stepper shows, one entry per layer l = L, L-1, ..., 2.

    W, b: the network ({l: array}); x: (n_1, N) inputs; y: targets for `loss` (see
    mdlib.train.output_delta). Each step is a dict with
      l, rule ("BP1" at l = L, "BP2" below), loss;
      operands: [(key, array)] that the rule combines into delta^l, keys as in OPERANDS:
        BP1, mse:          "a-y", "sigma_prime"  (and the 1/N of the mean)
        BP1, fused losses: "probs", "y"
        BP2:               "W_next_T", "delta_next", "sigma_prime"
      delta, dW, db: delta^l, dC/dW^l = delta^l (a^{l-1})^T, dC/db^l = delta^l (summed over columns);
      a_prev: a^{l-1}.
    The numbers are those of mdlib.train.loss_and_gradients, so what is drawn is what trains.
    """
    from .activations import sigmoid as _sigmoid, sigmoid_prime as _sigmoid_prime, softmax
    from .losses import one_hot
    from .train import loss_and_gradients

    sigma = sigma or _sigmoid
    sigma_prime = sigma_prime or _sigmoid_prime
    g = loss_and_gradients(W, b, x, y, loss, sigma, sigma_prime)
    L = max(W)
    steps = []
    for l in range(L, 1, -1):
        if l == L and loss == "mse":
            operands = [("a-y", g.a[L] - y), ("sigma_prime", sigma_prime(g.z[L]))]
        elif l == L:
            probs = softmax(g.z[L]) if loss == "softmax_cross_entropy" else _sigmoid(g.z[L])
            target = y if np.ndim(y) == 2 else one_hot(np.asarray(y), g.z[L].shape[0])
            operands = [("probs", probs), ("y", target)]
        else:
            operands = [("W_next_T", W[l + 1].T), ("delta_next", g.delta[l + 1]),
                        ("sigma_prime", sigma_prime(g.z[l]))]
        steps.append({"l": l, "L": L, "rule": "BP1" if l == L else "BP2", "loss": loss,
                      "N": x.shape[1], "operands": operands, "delta": g.delta[l],
                      "dW": g.dW[l], "db": g.db[l], "a_prev": g.a[l - 1]})
    return steps



def two_layer_shapes(m, n, k):
    """Chapter 3. Every step of the two-layer network's forward and backward pass, with shapes.

    m features, n samples, k hidden units (each >= 1). Returns a list of dicts, in order:
      name: what is computed ("Z1", "dW2", ...); formula: how (plain text); phase: "forward"/"backward";
      left, right: the two shapes of a matrix product (None where there is none);
      result: the shape computed; broadcast: the shape added by broadcasting (b1, b2), or None;
      like: for a gradient, the parameter whose shape it must have, and that parameter's shape.
    The caller can check every product: left[1] == right[0] and result == (left[0], right[1]).
    """
    for name, v in (("m", m), ("n", n), ("k", k)):
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a positive whole number; got {v!r}")
    m, n, k = int(m), int(n), int(k)
    row = lambda name, formula, phase, left=None, right=None, result=None, broadcast=None, like=None: {
        "name": name, "formula": formula, "phase": phase, "left": left, "right": right,
        "result": result, "broadcast": broadcast, "like": like}
    return [
        row("Z1", "W1 X + b1", "forward", (k, m), (m, n), (k, n), broadcast=(k, 1)),
        row("A1", "sigma(Z1)", "forward", result=(k, n)),
        row("Z2", "W2 A1 + b2", "forward", (1, k), (k, n), (1, n), broadcast=(1, 1)),
        row("A2", "sigma(Z2)", "forward", result=(1, n)),
        row("dZ2", "A2 - Y", "backward", result=(1, n)),
        row("dW2", "1/n dZ2 A1^T", "backward", (1, n), (n, k), (1, k), like=("W2", (1, k))),
        row("db2", "1/n sum(dZ2, axis=1, keepdims=True)", "backward", result=(1, 1), like=("b2", (1, 1))),
        row("dZ1", "W2^T dZ2 * sigma'(Z1)", "backward", (k, 1), (1, n), (k, n)),
        row("dW1", "1/n dZ1 X^T", "backward", (k, n), (n, m), (k, m), like=("W1", (k, m))),
        row("db1", "1/n sum(dZ1, axis=1, keepdims=True)", "backward", result=(k, 1), like=("b1", (k, 1))),
    ]


def explorer_tour():
    """(m, n, k) settings for the static shape explorer: small, then the chapter's data set."""
    return [(2, 3, 2), (3, 5, 4), (4, 10, 3), (1, 1, 1), (30, 8, 16), (30, 426, 16)]


# --- Chapter 4: convolution stepper and pooling router (single 2-D channel) ----------------------

def _as_2d(a, name):
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; got shape {a.shape}")
    return a


def conv_forward_cell(x, k, i, j, stride=1, padding=0):
    """Chapter 4. How output cell (i, j) of the cross-correlation of x with k is formed.

    returns {x_padded, k, y (the whole output), i, j, top, left (window corner in x_padded),
             terms: [(u, v, x_padded value, k value)] in row-major order, value: y[i, j]}.
    """
    from .conv import conv2d

    x, k = _as_2d(x, "x"), _as_2d(k, "k")
    y = conv2d(x[None, None], k[None, None], None, stride, padding)[0, 0]
    if not (0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        raise ValueError(f"output cell ({i}, {j}) is outside the output of shape {y.shape}")
    xp = np.pad(x, padding)
    top, left = i * stride, j * stride
    terms = [(u, v, float(xp[top + u, left + v]), float(k[u, v]))
             for u in range(k.shape[0]) for v in range(k.shape[1])]
    return {"x_padded": xp, "padding": padding, "stride": stride, "k": k, "y": y, "i": i, "j": j,
            "top": top, "left": left, "terms": terms, "value": float(y[i, j])}


def conv_backward_cell(x_shape, k, dy, r, c, stride=1, padding=0):
    """Chapter 4. Which upstream deltas and kernel entries reach input cell (r, c).

    dx[r, c] = sum of dy[i, j] k[u, v] over every (i, j, u, v) with i*s + u - p = r and
    j*s + v - p = c: the full-convolution pattern. returns {dy, k, dx (the whole input
    gradient, from mdlib.conv2d_backward), r, c, terms: [(i, j, u, v, dy value, k value)],
    value: dx[r, c]}.
    """
    from .conv import conv2d_backward

    k, dy = _as_2d(k, "k"), _as_2d(dy, "dy")
    H, W = x_shape
    if not (0 <= r < H and 0 <= c < W):
        raise ValueError(f"input cell ({r}, {c}) is outside the input of shape {tuple(x_shape)}")
    dx = conv2d_backward(dy[None, None], np.zeros((1, 1, H, W)), k[None, None], stride, padding)[0][0, 0]
    terms = [(i, j, u, v, float(dy[i, j]), float(k[u, v]))
             for i in range(dy.shape[0]) for j in range(dy.shape[1])
             for u in range(k.shape[0]) for v in range(k.shape[1])
             if i * stride + u - padding == r and j * stride + v - padding == c]
    return {"dy": dy, "k": k, "dx": dx, "r": r, "c": c, "terms": terms, "value": float(dx[r, c]),
            "stride": stride, "padding": padding}


def pool_route(x, dy, i, j, size=2, stride=None, mode="max"):
    """Chapter 4. Where the upstream gradient dy[i, j] lands in the pooling layer's input.

    mode "max": all of it on the first maximum of the window (row-major); "avg": dy / size^2 on
    every cell of the window. returns {x, dy, dx (the whole input gradient, from mdlib),
    i, j: the output cell; top, left: its window's corner in x (rows top..top+size-1, columns
    left..left+size-1); window: [(r, c)], routes: [(r, c, amount)], y: the pooled output}.
    """
    from .pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward

    x, dy = _as_2d(x, "x"), _as_2d(dy, "dy")
    stride = size if stride is None else stride
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg'; got {mode!r}")
    forward, backward = (max_pool2d, max_pool2d_backward) if mode == "max" else (avg_pool2d, avg_pool2d_backward)
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


WORKED_EXAMPLE = {
    "x": np.arange(1.0, 10.0).reshape(3, 3),          # any 3x3 input: the input gradient does not depend on it
    "k": np.array([[0.2, 0.3], [0.5, 0.6]]),
    "dy": np.array([[1.0, 1.0], [2.0, 3.0]]),
}
