"""Chapter 3 (The two-layer network's shapes): every product of the forward and backward
pass.

The pure view (two_layer_shapes, explorer_tour), its drawing (shape_explorer_html), the
static shape_explorer_stepper and the live ShapeExplorer.
"""
import math
import re
from html import escape

from . import palette as P
from .explorable import Explorable
from .stepper import Stepper
from .svg import panel, para, plain_text, symbol
from .widget import LiveWidget, control

EXPLORABLE_SIZES = {"m": (1, 2, 3, 30), "n": (1, 3, 5, 10, 426), "k": (1, 2, 3, 4, 16)}
"""The presets of m, n and k the HTML book's explorable offers (with the widget's own
values)."""

# --- pure views -----------------------------------------------------------------------


def _row(
    name, formula, phase, left=None, right=None, result=None, broadcast=None, like=None
):
    return {
        "name": name,
        "formula": formula,
        "phase": phase,
        "left": left,
        "right": right,
        "result": result,
        "broadcast": broadcast,
        "like": like,
    }


def two_layer_shapes(m, n, k):
    """Defined in Chapter 3. Every step of the two-layer network's forward and backward
    pass, with shapes.

    m features, n samples, k hidden units (each >= 1). Returns a list of dicts, in
    order:
      name: what is computed ("Z1", "dW2", ...); formula: how (Unicode text, as
        3.3 writes it: "dZ₂ A₁ᵀ", a bias gradient as the sum over axis 1, the
        samples: "Σ over axis 1 of dZ₂", which the explorer typesets as 3.3 does,
        Σ with the subscript "axis 1": formula_html); phase: "forward"/"backward";
      left, right: the two shapes of a matrix product (None where there is none);
      result: the shape computed; broadcast: the shape added by broadcasting (b1, b2),
        or None;
      like: for a gradient, the parameter whose shape it must have, and that parameter's
        shape.
    The caller can check every product: left[1] == right[0] and result == (left[0],
    right[1]). The backward rows are the gradients of the mean cost C, as mdlib's arrays
    hold them: dZ2 = dC/dZ2 = (A2 - Y)/n carries the 1/n, so dW2 = dZ2 A1^T needs none.
    """
    for name, v in (("m", m), ("n", n), ("k", k)):
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a positive whole number; got {v!r}")
    m, n, k = int(m), int(n), int(k)
    return [
        _row("Z1", "W₁ X + b₁", "forward", (k, m), (m, n), (k, n), broadcast=(k, 1)),
        _row("A1", "σ(Z₁)", "forward", result=(k, n)),
        _row("Z2", "W₂ A₁ + b₂", "forward", (1, k), (k, n), (1, n), broadcast=(1, 1)),
        _row("A2", "σ(Z₂)", "forward", result=(1, n)),
        _row("dZ2", "(A₂ − Y)/n", "backward", result=(1, n)),
        _row(
            "dW2", "dZ₂ A₁ᵀ", "backward", (1, n), (n, k), (1, k), like=("W2", (1, k))
        ),
        _row(
            "db2",
            "Σ over axis 1 of dZ₂",
            "backward",
            result=(1, 1),
            like=("b2", (1, 1)),
        ),
        _row("dZ1", "W₂ᵀ dZ₂ ⊙ σ′(Z₁)", "backward", (k, 1), (1, n), (k, n)),
        _row("dW1", "dZ₁ Xᵀ", "backward", (k, n), (n, m), (k, m), like=("W1", (k, m))),
        _row(
            "db1",
            "Σ over axis 1 of dZ₁",
            "backward",
            result=(k, 1),
            like=("b1", (k, 1)),
        ),
    ]


def explorer_tour():
    """Defined in Chapter 3. (m, n, k) settings for the static shape explorer: small,
    then the chapter's data set."""
    return [(2, 3, 2), (3, 5, 4), (4, 10, 3), (1, 1, 1), (30, 8, 16), (30, 426, 16)]


# --- drawing --------------------------------------------------------------------------

_PHASE_COLOURS = {"forward": P.FORWARD, "backward": P.BACKWARD}
_FACTORS = {"Z1": ("W₁", "X"), "Z2": ("W₂", "A₁"), "dW2": ("dZ₂", "A₁ᵀ"),
            "dZ1": ("W₂ᵀ", "dZ₂"), "dW1": ("dZ₁", "Xᵀ")}


_SUM_OVER_AXIS = re.compile(r"Σ over axis (\d) of ")


def formula_html(formula):
    """Defined in Chapter 3. A formula of two_layer_shapes as the explorer shows it: its
    sums typeset as 3.3 writes them, "Σ over axis 1 of dZ₂" -> Σ<sub>axis 1</sub> dZ₂
    (a subscript in HTML: Unicode has no subscript letters for "axis" that every font
    draws)."""
    return _SUM_OVER_AXIS.sub(r"Σ<sub>axis \1</sub> ", escape(formula))


def _typeset(name):
    """A name of mdlib's arrays as the chapter writes it: "dW2" -> "dW₂"."""
    return name[:-1] + "₁₂"[int(name[-1]) - 1] if name[-1] in "12" else name
_ELEMENT_WISE = ("A1", "A2", "dZ2")


def _op(text):
    return symbol(text, ";vertical-align:middle")


def _block(shape, colour, label):
    """A rectangle whose sides grow with the shape (log scale, so n = 455 still
    fits)."""
    side = lambda d: 14 + 16 * math.log2(d)
    h, w = side(shape[0]), side(shape[1])
    return (
        "<div style='display:inline-block;vertical-align:middle;text-align:center;"
        "margin:0 3px'>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 2:.0f}" '
        f'height="{h + 2:.0f}" role="img" '
        f'aria-label="{escape(plain_text(label))} {escape(str(shape))}">'
        f'<rect x="1" y="1" width="{w:.1f}" height="{h:.1f}" fill="{colour}" '
        f'stroke="{P.BLOCK_LINE}"/></svg>'
        f"<div style='font-size:12px'>{label}<br>{escape(str(shape))}</div></div>"
    )


def _product_diagram(r):
    a, b = _FACTORS[r["name"]]
    c = _PHASE_COLOURS[r["phase"]]
    line = _block(r["left"], c, a) + _op("&middot;") + _block(r["right"], c, b)
    if r["broadcast"]:
        line += _op("+") + _block(
            r["broadcast"], P.BROADCAST, _typeset("b" + r["name"][1]) + " (broadcast)"
        )
    if r["name"] == "dZ1":
        # dZ₁ = (W₂ᵀ · dZ₂) ⊙ σ′(Z₁): the factor comes before the "="
        line += _op("&#8857;") + _block(r["result"], c, "σ′(Z₁)")
    line += _op("=") + _block(r["result"], c, _typeset(r["name"]))
    return (
        "<div style='margin:4px 0'><b style='display:inline-block;width:90px'>"
        f"{_typeset(r['name'])}</b>{line}</div>"
    )


def _table_row(r):
    if r["left"]:
        product = (
            f"{r['left']} &middot; {r['right']} &rarr; ({r['left'][0]}, "
            f"{r['right'][1]})"
        )
    else:
        product = (
            "element-wise" if r["name"] in _ELEMENT_WISE else "sum over the n columns"
        )
    if r["broadcast"]:
        product += f" + {r['broadcast']} broadcast"
    check = (f"same shape as {_typeset(r['like'][0])} {r['like'][1]}" if r["like"]
             else "")
    cells = (
        f"<b>{_typeset(r['name'])}</b>",
        formula_html(r["formula"]),
        product,
        escape(str(r["result"])),
        check,
    )
    return (f"<tr style='background:{_PHASE_COLOURS[r['phase']]}'>"
            + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells) + "</tr>")


def sizes(m, n, k):
    """Defined in Chapter 3. "m = 3 features, n = 1 sample, k = 2 hidden units": the
    sizes in words, singular for 1."""
    def count(value, one, many):
        return f"{value} {one if value == 1 else many}"
    return (f"m = {count(m, 'feature', 'features')}, "
            f"n = {count(n, 'sample', 'samples')}, "
            f"k = {count(k, 'hidden unit', 'hidden units')}")


def shape_explorer_html(m, n, k, rows):
    """Defined in Chapter 3. The shape explorer: a block diagram of every product and a
    table of every shape."""
    diagrams = "".join(_product_diagram(r) for r in rows if r["left"] is not None)
    # The corner cell is empty: a data cell, not a header with no text.
    head = "<td></td>" + "".join(
        f"<th style='padding:2px 8px;text-align:left'>{h}</th>"
        for h in ("computed as", "product", "shape", "check"))
    table = (f"<table style='border-collapse:collapse;font-size:13px'><tr>{head}</tr>"
             + "".join(_table_row(r) for r in rows) + "</table>")
    return panel(
        para(
            f"{sizes(m, n, k)}. Blue: forward; "
            "orange: backward; green: a bias broadcast over the n columns."
        ),
        diagrams,
        table,
    )


# --- the stepper and the live widget --------------------------------------------------

def shape_explorer_stepper():
    """Defined in Chapter 3. Static counterpart of ShapeExplorer: several (m, n, k)
    settings."""
    frames, captions, says = [], [], []
    for m, n, k in explorer_tour():
        rows = two_layer_shapes(m, n, k)
        frames.append(shape_explorer_html(m, n, k, rows))
        captions.append(f"{sizes(m, n, k)}.")
        says.append("<p style='margin:2px 0'>" + "; ".join(           # no script: words
            f"{_typeset(r['name'])} = {formula_html(r['formula'])}: "
            f"{escape(str(r['result']))}" for r in rows) + "</p>")
    return Stepper(frames, captions, title="Shape explorer", says=says)


class ShapeExplorer(LiveWidget):
    """Defined in Chapter 3. Sliders for m, n, k; every product of the two-layer network
    with its shapes.

    widget.update() returns the rows drawn (two_layer_shapes(m, n, k)).
    """

    def __init__(self, m=3, n=5, k=4):
        self.m = control("slider", "m features", m, min=1, max=64)
        self.n = control("slider", "n samples", n, min=1, max=512)
        self.k = control("slider", "k hidden", k, min=1, max=64)
        super().__init__([[self.m, self.n, self.k]])

    def render(self):
        m, n, k = self.m.value, self.n.value, self.k.value
        rows = two_layer_shapes(m, n, k)
        return rows, shape_explorer_html(m, n, k, rows)

    def explorable(self):
        sliders = {"m": self.m, "n": self.n, "k": self.k}

        def picture(m, n, k):
            return shape_explorer_html(m, n, k, two_layer_shapes(m, n, k))

        return Explorable(
            "Shape explorer",
            [
                (
                    c.description,
                    "range",
                    [
                        (v, str(v))
                        for v in sorted(set(EXPLORABLE_SIZES[name]) | {c.value})
                    ],
                )
                for name, c in sliders.items()
            ],
            picture,
            tuple(c.value for c in sliders.values()),
        )
