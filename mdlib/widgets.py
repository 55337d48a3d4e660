"""Live widgets (ipywidgets) and their static counterparts (mdlib.stepper.Stepper).

Each widget is a few controls over one pure view function (mdlib.views) rendered by
mdlib.draw: the controls only parse, clamp and call. Defined with the chapter each one
serves; the live ones need a running kernel, the steppers work in the static HTML.
"""
from html import escape

import numpy as np

from . import draw, views
from .conv import conv_output_size
from .stepper import Stepper


class LiveWidget:
    """Rows of ipywidgets controls over one picture (an ipywidgets.HTML): any control change
    calls update(), which calls the subclass's _render() to recompute the picture.

    Lowering a slider's max moves its value, which fires update() again while it runs; the
    guard makes that one render. widget.ui is the box to display. Displaying the widget shows
    that box's live view; its text/plain (what a notebook shows before it is run, or without the
    saved widget state) says what it is instead of repeating the box's repr.
    """

    def _connect(self, rows, below=()):
        import ipywidgets as w

        self.picture = w.HTML()
        self._updating = False
        for row in rows:
            for control in row:
                control.observe(self.update, names="value")
        self.ui = w.VBox([w.HBox(list(row)) for row in rows] + list(below) + [self.picture])
        self.update()

    def update(self, change=None):
        if self._updating:
            return None
        self._updating = True
        try:
            return self._render()
        finally:
            self._updating = False

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.ui._repr_mimebundle_()
        bundle["text/plain"] = (f"Live widget ({type(self).__name__}): run this notebook's cells in Jupyter "
                                "to use it.")
        return bundle

    def _ipython_display_(self):
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)


def notation_stepper(sizes=(3, 4, 4, 2)):
    """Chapter 1. Static counterpart of NotationWidget: a tour of weights w^l_{jk}."""
    frames, captions = [], []
    for s, l, j, k in views.notation_tour(sizes):
        frames.append(draw.notation_html(views.notation_view(s, l, j, k)))
        captions.append(f"Network {'-'.join(map(str, s))}: weight w^{l}_{j}{k}, "
                        f"from neuron {k} of layer {l - 1} to neuron {j} of layer {l}.")
    return Stepper(frames, captions, title="Notation tour")


class NotationWidget(LiveWidget):
    """Chapter 1. Choose l, j, k and the layer widths; see w^l_{jk} in the diagram and in W^l.

    The widths redraw as the reader types. While the text is not a network ('3-' on the way to
    '3-5', or a typo) the message says why, and the picture keeps the last network that parsed,
    greyed out under a note naming it, so it is never taken for the typed one.
    widget.ui is the ipywidgets box to display; widget.update() re-renders and returns the view
    drawn (the tests and the benchmark call it directly, as a control change would).
    """

    def __init__(self, sizes=(3, 4, 4, 2), l=3, j=2, k=3):
        import ipywidgets as w

        self.sizes = views.check_sizes(sizes)
        self.widths = w.Text(value="-".join(map(str, self.sizes)), description="widths",
                             placeholder="e.g. 3-4-4-2", continuous_update=True)
        self.l = w.IntSlider(value=l, min=2, max=len(self.sizes), description="l")
        self.j = w.IntSlider(value=j, min=1, max=self.sizes[l - 1], description="j")
        self.k = w.IntSlider(value=k, min=1, max=self.sizes[l - 2], description="k")
        self.message = w.HTML()
        self._connect([[self.widths, self.l], [self.j, self.k]], below=[self.message])

    def _render(self):
        try:
            self.sizes, problem = views.parse_sizes(self.widths.value), None
        except ValueError as err:
            problem = str(err)
        self.message.value = "" if problem is None else f"<span style='color:{draw.HIGHLIGHT}'>{escape(problem)}</span>"
        L = len(self.sizes)
        self.l.max = L
        l = self.l.value
        self.j.max, self.k.max = self.sizes[l - 1], self.sizes[l - 2]
        view = views.notation_view(self.sizes, l, self.j.value, self.k.value)
        picture = draw.notation_html(view)
        if problem is not None:
            picture = draw.stale_html(picture, f"{escape(repr(self.widths.value))} is not a network yet (see the "
                                               f"message above). Greyed out: the last one that was, "
                                               f"{'-'.join(map(str, self.sizes))}.")
        self.picture.value = picture
        return view


def _backprop_problem(sizes, seed, loss):
    """A seeded random network and one sample for the backprop stepper (Chapter 2)."""
    import numpy as np

    from .network import init_params

    rng = np.random.default_rng(seed)
    W, b = init_params(sizes, rng)
    b = {l: rng.normal(scale=0.5, size=v.shape) for l, v in b.items()}
    x = rng.normal(size=(sizes[0], 1))
    if loss == "mse":
        y = rng.uniform(size=(sizes[-1], 1))
    else:
        y = np.array([int(rng.integers(sizes[-1]))])
    return W, b, x, y


def backprop_stepper(sizes=(3, 4, 3, 2), seed=0, losses=("mse", "softmax_cross_entropy")):
    """Chapter 2. Static counterpart of BackpropWidget: l = L, ..., 2 for each loss."""
    frames, captions = [], []
    for loss in losses:
        W, b, x, y = _backprop_problem(list(sizes), seed, loss)
        for step in views.backprop_steps(W, b, x, y, loss):
            frames.append(draw.backprop_html(step))
            rule = {"BP1": "BP1 starts the backward pass", "BP2": "BP2 moves delta one layer back"}[step["rule"]]
            captions.append(f"Loss {loss}, layer l = {step['l']}: {rule}; BP3 and BP4 give the gradients.")
    return Stepper(frames, captions, title="Backprop stepper")


class BackpropWidget(LiveWidget):
    """Chapter 2. Step l = L, L-1, ..., 2 through backpropagation on one random sample.

    Controls: the layer l (from L down to 2), the loss, and a seed that draws a new network and
    sample. widget.ui is the box to display; widget.update() re-renders.
    """

    def __init__(self, sizes=(3, 4, 3, 2), seed=0, loss="mse"):
        import ipywidgets as w

        self.sizes = views.check_sizes(sizes)
        L = len(self.sizes)
        self.layer = w.SelectionSlider(options=[(f"l = {l}", l) for l in range(L, 1, -1)], value=L,
                                       description="step")
        self.loss = w.Dropdown(options=["mse", "softmax_cross_entropy"], value=loss, description="loss")
        self.seed = w.IntSlider(value=seed, min=0, max=20, description="seed")
        self._connect([[self.layer, self.loss, self.seed]])

    def _render(self):
        W, b, x, y = _backprop_problem(self.sizes, self.seed.value, self.loss.value)
        steps = {s["l"]: s for s in views.backprop_steps(W, b, x, y, self.loss.value)}
        step = steps[self.layer.value]
        self.picture.value = draw.backprop_html(step)
        return step


def shape_explorer_stepper():
    """Chapter 3. Static counterpart of ShapeExplorer: several (m, n, k) settings."""
    frames, captions = [], []
    for m, n, k in views.explorer_tour():
        frames.append(draw.shape_explorer_html(m, n, k, views.two_layer_shapes(m, n, k)))
        captions.append(f"m = {m} features, n = {n} samples, k = {k} hidden units.")
    return Stepper(frames, captions, title="Shape explorer")


class ShapeExplorer(LiveWidget):
    """Chapter 3. Sliders for m, n, k; every product of the two-layer network with its shapes."""

    def __init__(self, m=3, n=5, k=4):
        import ipywidgets as w

        self.m = w.IntSlider(value=m, min=1, max=64, description="m features")
        self.n = w.IntSlider(value=n, min=1, max=512, description="n samples")
        self.k = w.IntSlider(value=k, min=1, max=64, description="k hidden")
        self._connect([[self.m, self.n, self.k]])

    def _render(self):
        m, n, k = self.m.value, self.n.value, self.k.value
        rows = views.two_layer_shapes(m, n, k)
        self.picture.value = draw.shape_explorer_html(m, n, k, rows)
        return rows


CONV_EXAMPLES = {
    "worked example: 3x3 input, 2x2 kernel": dict(x=views.WORKED_EXAMPLE["x"], k=views.WORKED_EXAMPLE["k"],
                                                   dy=views.WORKED_EXAMPLE["dy"], stride=1, padding=0),
    "4x4 input, 3x3 kernel, stride 2, padding 1": dict(
        x=np.arange(16.0).reshape(4, 4) / 4, k=np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
        dy=np.array([[1.0, -1.0], [0.5, 2.0]]), stride=2, padding=1),
}


def _conv_frame(example, mode, index):
    e = CONV_EXAMPLES[example]
    if mode == "forward":
        OH, OW = _conv_output_shape(e)
        i, j = divmod(index % (OH * OW), OW)
        return draw.conv_forward_html(views.conv_forward_cell(e["x"], e["k"], i, j, e["stride"], e["padding"]))
    H, W = e["x"].shape
    r, c = divmod(index % (H * W), W)
    return draw.conv_backward_html(views.conv_backward_cell((H, W), e["k"], e["dy"], r, c, e["stride"], e["padding"]))


def conv_stepper(example="worked example: 3x3 input, 2x2 kernel"):
    """Chapter 4. Static counterpart of ConvWidget: every output cell forward, every input cell backward."""
    e = CONV_EXAMPLES[example]
    n_out = int(np.prod(_conv_output_shape(e)))
    frames, captions = [], []
    for index in range(n_out):
        frames.append(_conv_frame(example, "forward", index))
        captions.append(f"Forward, output cell {index + 1} of {n_out}: slide the kernel, multiply, add.")
    n_in = e["x"].size
    for index in range(n_in):
        frames.append(_conv_frame(example, "backward", index))
        captions.append(f"Backward, input cell {index + 1} of {n_in}: the deltas and kernel entries that reach it.")
    return Stepper(frames, captions, title=f"Convolution stepper ({example})")


def _conv_output_shape(e):
    """(OH, OW) of an example of CONV_EXAMPLES, by the layer's own formula."""
    return conv_output_size(*e["x"].shape, *e["k"].shape, e["stride"], e["padding"])


class ConvWidget(LiveWidget):
    """Chapter 4. Slide the kernel (forward) or pick an input cell and see what reaches it (backward)."""

    def __init__(self, example="worked example: 3x3 input, 2x2 kernel", mode="backward", cell=4):
        import ipywidgets as w

        self.example = w.Dropdown(options=list(CONV_EXAMPLES), value=example, description="example",
                                  layout=w.Layout(width="420px"))
        self.mode = w.ToggleButtons(options=["forward", "backward"], value=mode, description="mode")
        self.cell = w.IntSlider(value=cell, min=0, max=self._cells() - 1, description="cell")
        self._connect([[self.example], [self.mode, self.cell]])

    def _cells(self):
        e = CONV_EXAMPLES[self.example.value]
        return int(np.prod(_conv_output_shape(e))) if self.mode.value == "forward" else e["x"].size

    def _render(self):
        self.cell.max = self._cells() - 1
        self.picture.value = _conv_frame(self.example.value, self.mode.value, self.cell.value)
        return self.picture.value


POOL_EXAMPLE = {"x": np.array([[1.0, 3.0, 2.0, 0.5], [4.0, 2.0, 2.0, 1.0], [0.0, 5.0, 5.0, 3.0], [1.0, 2.0, 4.0, 6.0]]),
                "dy2": np.array([[1.0, 2.0], [3.0, 4.0]]),
                "dy1": np.arange(1.0, 10.0).reshape(3, 3)}


def _pool_dy(stride):
    """The upstream gradient of POOL_EXAMPLE: 2x2 at stride 2, 3x3 at stride 1 (windows overlap)."""
    return POOL_EXAMPLE["dy2"] if stride == 2 else POOL_EXAMPLE["dy1"]


def _pool_view(mode, stride, i, j):
    return views.pool_route(POOL_EXAMPLE["x"], _pool_dy(stride), i, j, 2, stride, mode)


def pool_stepper():
    """Chapter 4. Static counterpart of PoolWidget: max and average, stride 2 and overlapping stride 1."""
    frames, captions = [], []
    for mode, stride in (("max", 2), ("avg", 2), ("max", 1)):
        OH, OW = _pool_dy(stride).shape
        for i in range(OH):
            for j in range(OW):
                frames.append(draw.pool_html(_pool_view(mode, stride, i, j)))
                captions.append(f"{mode} pooling, stride {stride}: output cell ({i}, {j}) of {OH}x{OW}.")
    return Stepper(frames, captions, title="Pooling router")


class PoolWidget(LiveWidget):
    """Chapter 4. Pick an output cell of 2x2 pooling; see where its upstream gradient lands.

    cell numbers the output cells row by row. Changing the stride changes the output's shape
    (2x2 at stride 2, 3x3 at stride 1): the selection keeps its row and column (i, j), clamped
    into the new output, and the picture names the cell (i, j) and its window.
    """

    def __init__(self, mode="max", stride=2, cell=0):
        import ipywidgets as w

        self.mode = w.ToggleButtons(options=["max", "avg"], value=mode, description="pooling")
        self.stride = w.IntSlider(value=stride, min=1, max=2, description="stride")
        self.cell = w.IntSlider(value=cell, min=0, max=_pool_dy(stride).size - 1, description="output cell")
        self._shape = None                       # the output's shape at the last render
        self._connect([[self.mode, self.stride, self.cell]])

    def _render(self):
        OH, OW = _pool_dy(self.stride.value).shape
        if self._shape in (None, (OH, OW)):      # the cell slider (or the mode) moved
            i, j = divmod(min(self.cell.value, OH * OW - 1), OW)
        else:                                    # the stride moved: keep (i, j), clamped
            i, j = min(self._ij[0], OH - 1), min(self._ij[1], OW - 1)
        self._shape, self._ij = (OH, OW), (i, j)
        self.cell.max = OH * OW - 1
        self.cell.value = i * OW + j
        view = _pool_view(self.mode.value, self.stride.value, i, j)
        self.picture.value = draw.pool_html(view)
        return view
