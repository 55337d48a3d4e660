"""Chapter 1 (Notation): the weight w^l_{jk} in the network diagram and in the matrix
W^l.

Pure views (parse_sizes, notation_view, notation_tour), their drawing (notation_html),
the static notation_stepper and the live NotationWidget.
"""
import re
from html import escape

from . import palette as P
from .explorable import Explorable
from .stepper import Stepper
from .svg import (
    FONT,
    matrix_svg,
    panel,
    para,
    shape_text,
    stale_html,
    sub_sup,
    sub_text,
    sup_text,
    svg_open,
)
from .widget import LiveWidget, control, note

MAX_LAYERS = 6
MAX_WIDTH = 8
EXPLORABLE_WIDTHS = ("3-4-4-2", "2-3-2", "4-5-3")
"""The networks the HTML book's explorable offers (with the widget's own, if it is
another)."""

_SEPARATOR = re.compile(r"\s*[-,]\s*|\s+")
_WHOLE = re.compile(r"[0-9]+")


# --- pure views -----------------------------------------------------------------------

def parse_sizes(text):
    """Defined in Chapter 1. '3-4-4-2', '3, 4, 4, 2' or '3 4 4 2' -> [3, 4, 4, 2],
    within the limits the diagram can draw.

    Anything else raises a ValueError that quotes the text and says what is wrong: an
    empty text, a leading or trailing separator ('-3-2' is not read as 3-2), two
    separators in a row, a part that is not a whole number, or widths check_sizes
    rejects. The widget redraws as the reader types, so partial input such as '3-' gets
    one of these messages.
    """
    text = str(text)
    where = f"layer widths {text!r}"
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"{where}: type the widths of the layers, e.g. '3-4-4-2'")
    parts = _SEPARATOR.split(stripped)
    if parts[0] == "":
        raise ValueError(
            f"{where} start with {stripped[0]!r}: a width is a whole number 1 to "
            f"{MAX_WIDTH} with no sign; separate widths with '-', e.g. '3-4-4-2'"
        )
    if parts[-1] == "":
        raise ValueError(f"{where} end with {stripped[-1]!r}: type the next width")
    if "" in parts:
        raise ValueError(
            f"{where} have two separators in a row, with no width between them"
        )
    for part in parts:
        if not _WHOLE.fullmatch(part):
            raise ValueError(
                f"{where}: {part!r} is not a whole number; layer widths must be whole "
                "numbers such as '3-4-4-2'"
            )
    try:
        return check_sizes([int(p) for p in parts])
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def check_sizes(sizes):
    """Defined in Chapter 1. Validate layer widths [n_1, ..., n_L] for drawing; returns
    them as a list of ints."""
    sizes = [int(n) for n in sizes]
    if not 2 <= len(sizes) <= MAX_LAYERS:
        raise ValueError(
            f"the diagram draws 2 to {MAX_LAYERS} layers; got {len(sizes)}: {sizes}"
        )
    if not all(1 <= n <= MAX_WIDTH for n in sizes):
        raise ValueError(f"the diagram draws widths 1 to {MAX_WIDTH}; got {sizes}")
    return sizes


def layer_shapes(sizes):
    """Defined in Chapter 1. Rows of the shapes table: for each layer l, the shapes of
    W^l, b^l, z^l and a^l.

    Layer 1 is the input: it has a^1 = x but no W, b or z (None). One sample per column.
    """
    rows = [{"l": 1, "W": None, "b": None, "z": None, "a": (sizes[0], 1)}]
    for l in range(2, len(sizes) + 1):
        n_l, n_prev = sizes[l - 1], sizes[l - 2]
        rows.append(
            {"l": l, "W": (n_l, n_prev), "b": (n_l, 1), "z": (n_l, 1), "a": (n_l, 1)}
        )
    return rows


def network_layout(sizes, width=420.0, height=260.0, margin=30.0):
    """Defined in Chapter 1. Centre (x, y) of every neuron: {(l, j): (x, y)} for l =
    1..L, j = 1..n_l.

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
    """Defined in Chapter 1. Everything the notation widget shows for the weight
    w^l_{jk}.

    sizes: [n_1, ..., n_L]; l in 2..L; j in 1..n_l (neuron of layer l);
    k in 1..n_{l-1} (neuron of layer l-1).
    returns a dict with
      sizes, l, j, k;
      nodes:  {(layer, index): (x, y)};
      edges:  list of (l, j, k, highlighted) for every weight of the network;
      source, target: the neurons the highlighted edge joins, (l-1, k) and (l, j);
      matrix: (rows, cols) of W^l and cell: the 1-based (row, column) = (j, k)
        highlighted;
      shapes: layer_shapes(sizes).
    """
    sizes = check_sizes(sizes)
    L = len(sizes)
    if not 2 <= l <= L:
        raise ValueError(
            f"l must be in 2..L = 2..{L} (layer 1 has no weights); got l = {l}"
        )
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
    """Defined in Chapter 1. A sequence of (sizes, l, j, k) for the static stepper: one
    weight per layer, then the corners of one matrix, then the same weight in networks
    of other widths."""
    sizes = check_sizes(sizes)
    L = len(sizes)
    tour = [(sizes, l, 1, 1) for l in range(2, L + 1)]
    l = min(3, L)
    n_l, n_prev = sizes[l - 1], sizes[l - 2]
    tour += [
        (sizes, l, j, k)
        for j, k in [
            (1, n_prev),
            (n_l, 1),
            (n_l, n_prev),
            (min(2, n_l), min(3, n_prev)),
        ]
    ]
    for other in ([2, 3, 2], [4, 6, 5, 3, 2], [5, 2]):
        tour.append((other, 2, other[1], 1))
    return tour


# --- drawing --------------------------------------------------------------------------

def network_svg(view, width=420, height=260):
    """Defined in Chapter 1. The network diagram: every weight a grey line, w^l_{jk} a
    thick red one."""
    nodes = view["nodes"]
    parts = [svg_open(width, height + 20, "network diagram")]
    # highlighted edge drawn last
    for l, j, k, hot in sorted(view["edges"], key=lambda e: e[3]):
        (x1, y1), (x2, y2) = nodes[(l - 1, k)], nodes[(l, j)]
        style = (
            f'stroke="{P.HIGHLIGHT}" stroke-width="4"'
            if hot
            else f'stroke="{P.EDGE}" stroke-width="1"'
        )
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>'
        )
    for (l, j), (x, y) in sorted(nodes.items()):
        fill = P.HIGHLIGHT if (l, j) in (view["source"], view["target"]) else P.PRIMARY
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{fill}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" fill="{P.PAPER}" '
            f'text-anchor="middle" style="{FONT}">{j}</text>'
        )
    for l in range(1, len(view["sizes"]) + 1):
        x = nodes[(l, 1)][0]
        parts.append(
            f'<text x="{x:.1f}" y="{height + 14}" font-size="12" text-anchor="middle" '
            f'style="{FONT}">layer {l}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def shapes_table(rows, highlight_l=None):
    """Defined in Chapter 1. The table of shapes of W^l, b^l, z^l, a^l; the row of layer
    highlight_l is bold."""
    head = "".join(
        f"<th style='padding:2px 8px'>{h}</th>"
        for h in (
            "l",
            sub_sup("W", "l"),
            sub_sup("b", "l"),
            sub_sup("z", "l"),
            sub_sup("a", "l"),
        )
    )
    body = []
    for row in rows:
        style = (
            f"font-weight:bold;background:{P.PICKED_ROW}"
            if row["l"] == highlight_l
            else ""
        )
        cells = [str(row["l"])] + [shape_text(row[key]) for key in ("W", "b", "z", "a")]
        body.append(
            f"<tr style='{style}'>"
            + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)
            + "</tr>"
        )
    return (
        f"<table style='border-collapse:collapse;{FONT};font-size:13px'><tr>{head}</tr>"
        f"{''.join(body)}</table>"
    )


def notation_html(view):
    """Defined in Chapter 1. The notation widget's picture: diagram, the matrix W^l with
    cell (j, k), the shapes."""
    l, j, k = view["l"], view["j"], view["k"]
    rows, cols = view["matrix"]
    w = sub_sup("w", l, f"{j}{k}")
    caption = (f"{w}: from neuron {k} of layer {l - 1} to neuron {j} of layer {l}; "
               f"row {j}, column {k} of {sub_sup('W', l)}, shape ({rows}, {cols}) = "
               f"(n<sub>{l}</sub>, n<sub>{l - 1}</sub>)")
    matrix = matrix_svg(rows, cols, view["cell"], f"matrix W{sup_text(l)}")
    return panel(
        para(caption),
        "<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
        f"<div>{network_svg(view)}</div>"
        f"<div><div style='text-align:center'>{sub_sup('W', l)}: rows j = 1..{rows}, "
        f"columns k = 1..{cols}</div>{matrix}</div>"
        f"<div>{shapes_table(view['shapes'], highlight_l=l)}</div></div>",
    )


# --- the stepper and the live widget --------------------------------------------------

def notation_stepper(sizes=(3, 4, 4, 2)):
    """Defined in Chapter 1. Static counterpart of NotationWidget: a tour of weights
    w^l_{jk}."""
    frames, captions = [], []
    for s, l, j, k in notation_tour(sizes):
        frames.append(notation_html(notation_view(s, l, j, k)))
        captions.append(f"Network {'-'.join(map(str, s))}: weight "
                        f"w{sup_text(l)}{sub_text(f'{j}{k}')}, "
                        f"from neuron {k} of layer {l - 1} to neuron {j} of layer {l}.")
    return Stepper(frames, captions, title="Notation tour")


class NotationWidget(LiveWidget):
    """Defined in Chapter 1. Choose l, j, k and the layer widths; see w^l_{jk} in the
    diagram and in W^l.

    The widths redraw as the reader types. While the text is not a network ('3-' on the
    way to '3-5', or a typo) the message says why, and the picture keeps the last
    network that parsed, greyed out under a note naming it, so it is never taken for the
    typed one.
    """

    def __init__(self, sizes=(3, 4, 4, 2), l=3, j=2, k=3):
        self.sizes = check_sizes(sizes)
        self.widths = control(
            "text", "widths", "-".join(map(str, self.sizes)), placeholder="e.g. 3-4-4-2"
        )
        self.l = control("slider", "l", l, min=2, max=len(self.sizes))
        self.j = control("slider", "j", j, min=1, max=self.sizes[l - 1])
        self.k = control("slider", "k", k, min=1, max=self.sizes[l - 2])
        self.message = note()
        super().__init__(
            [[self.widths, self.l], [self.j, self.k]], below=[self.message]
        )

    def render(self):
        try:
            self.sizes, problem = parse_sizes(self.widths.value), None
        except ValueError as err:
            problem = str(err)
        self.message.value = (
            ""
            if problem is None
            else f"<span style='color:{P.HIGHLIGHT}'>{escape(problem)}</span>"
        )
        self.l.max = len(self.sizes)
        l = self.l.value
        self.j.max, self.k.max = self.sizes[l - 1], self.sizes[l - 2]
        view = notation_view(self.sizes, l, self.j.value, self.k.value)
        picture = notation_html(view)
        if problem is not None:
            picture = stale_html(
                picture,
                f"{escape(repr(self.widths.value))} is not a network yet (see the "
                f"message above). Greyed out: the last one that was, "
                f"{'-'.join(map(str, self.sizes))}.",
            )
        return view, picture

    def explorable(self):
        sizes = "-".join(map(str, self.sizes))
        widths = list(EXPLORABLE_WIDTHS) + (
            [sizes] if sizes not in EXPLORABLE_WIDTHS else []
        )
        nets = [parse_sizes(t) for t in widths]
        longest, widest = max(map(len, nets)), max(map(max, nets))

        def picture(text, l, j, k):
            return notation_html(notation_view(parse_sizes(text), l, j, k))

        return Explorable("Notation", [
            ("widths", "menu", [(t, t) for t in widths]),
            ("l", "range", [(l, str(l)) for l in range(2, longest + 1)]),
            ("j", "range", [(j, str(j)) for j in range(1, widest + 1)]),
            ("k", "range", [(k, str(k)) for k in range(1, widest + 1)]),
        ], picture, (sizes, self.l.value, self.j.value, self.k.value))
