"""Live widgets (ipywidgets) and their static counterparts (mdlib.stepper.Stepper).

Each widget is a few controls over one pure view function (mdlib.views) rendered by
mdlib.draw: the controls only parse, clamp and call. Defined with the chapter each one
serves; the live ones need a running kernel, the steppers work in the static HTML.
"""
from . import draw, views
from .stepper import Stepper


def notation_stepper(sizes=(3, 4, 4, 2)):
    """Chapter 1. Static counterpart of notation_widget: a tour of weights w^l_{jk}."""
    frames, captions = [], []
    for s, l, j, k in views.notation_tour(sizes):
        frames.append(draw.notation_html(views.notation_view(s, l, j, k)))
        captions.append(f"Network {'-'.join(map(str, s))}: weight w^{l}_{j}{k}, "
                        f"from neuron {k} of layer {l - 1} to neuron {j} of layer {l}.")
    return Stepper(frames, captions, title="Notation tour")


class NotationWidget:
    """Chapter 1. Choose l, j, k and the layer widths; see w^l_{jk} in the diagram and in W^l.

    widget.ui is the ipywidgets box to display; widget.update() re-renders (the tests and the
    benchmark call it directly, as a slider change would).
    """

    def __init__(self, sizes=(3, 4, 4, 2), l=3, j=2, k=3):
        import ipywidgets as w

        self.sizes = views.check_sizes(sizes)
        self.widths = w.Text(value="-".join(map(str, self.sizes)), description="widths",
                             continuous_update=False)
        self.l = w.IntSlider(value=l, min=2, max=len(self.sizes), description="l")
        self.j = w.IntSlider(value=j, min=1, max=self.sizes[l - 1], description="j")
        self.k = w.IntSlider(value=k, min=1, max=self.sizes[l - 2], description="k")
        self.message = w.HTML()
        self.picture = w.HTML()
        self._updating = False
        for control in (self.widths, self.l, self.j, self.k):
            control.observe(self.update, names="value")
        self.ui = w.VBox([w.HBox([self.widths, self.l]), w.HBox([self.j, self.k]), self.message, self.picture])
        self.update()

    def update(self, change=None):
        if self._updating:  # lowering a slider's max moves its value: one render is enough
            return None
        self._updating = True
        try:
            return self._render()
        finally:
            self._updating = False

    def _render(self):
        try:
            self.sizes = views.parse_sizes(self.widths.value)
            self.message.value = ""
        except ValueError as err:
            self.message.value = f"<span style='color:#d62728'>{err}</span>"
        L = len(self.sizes)
        self.l.max = L
        l = self.l.value
        self.j.max, self.k.max = self.sizes[l - 1], self.sizes[l - 2]
        view = views.notation_view(self.sizes, l, self.j.value, self.k.value)
        self.picture.value = draw.notation_html(view)
        return view

    def _ipython_display_(self):
        from IPython.display import display
        display(self.ui)


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


class BackpropWidget:
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
        self.picture = w.HTML()
        for control in (self.layer, self.loss, self.seed):
            control.observe(self.update, names="value")
        self.ui = w.VBox([w.HBox([self.layer, self.loss, self.seed]), self.picture])
        self.update()

    def update(self, change=None):
        W, b, x, y = _backprop_problem(self.sizes, self.seed.value, self.loss.value)
        steps = {s["l"]: s for s in views.backprop_steps(W, b, x, y, self.loss.value)}
        step = steps[self.layer.value]
        self.picture.value = draw.backprop_html(step)
        return step

    def _ipython_display_(self):
        from IPython.display import display
        display(self.ui)


def shape_explorer_stepper():
    """Chapter 3. Static counterpart of ShapeExplorer: several (m, n, k) settings."""
    frames, captions = [], []
    for m, n, k in views.explorer_tour():
        frames.append(draw.shape_explorer_html(m, n, k, views.two_layer_shapes(m, n, k)))
        captions.append(f"m = {m} features, n = {n} samples, k = {k} hidden units.")
    return Stepper(frames, captions, title="Shape explorer")


class ShapeExplorer:
    """Chapter 3. Sliders for m, n, k; every product of the two-layer network with its shapes."""

    def __init__(self, m=3, n=5, k=4):
        import ipywidgets as w

        self.m = w.IntSlider(value=m, min=1, max=64, description="m features")
        self.n = w.IntSlider(value=n, min=1, max=512, description="n samples")
        self.k = w.IntSlider(value=k, min=1, max=64, description="k hidden")
        self.picture = w.HTML()
        for control in (self.m, self.n, self.k):
            control.observe(self.update, names="value")
        self.ui = w.VBox([w.HBox([self.m, self.n, self.k]), self.picture])
        self.update()

    def update(self, change=None):
        m, n, k = self.m.value, self.n.value, self.k.value
        rows = views.two_layer_shapes(m, n, k)
        self.picture.value = draw.shape_explorer_html(m, n, k, rows)
        return rows

    def _ipython_display_(self):
        from IPython.display import display
        display(self.ui)
