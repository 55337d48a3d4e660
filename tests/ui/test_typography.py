"""One typography: every label the book's steppers, widgets, plots and checkers show is
typeset (HTML sub/superscripts, Unicode, matplotlib mathtext), never ASCII math; every
number drawn on a coloured cell is at least 11 px and has a contrast of 4.5:1."""
import ast
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.text
import numpy as np
import pytest

import mdlib.verify.exercises
from mdlib.ui import backprop, convolution, notation, palette, plots, shapes, svg
from mdlib.ui.stepper import frames_of

ROOT = Path(__file__).resolve().parents[2]

# ASCII spellings of the book's symbols: w^3_23, W2^T, sigma'(z), delta^l, dC/dW.
ASCII_MATH = [
    (re.compile(r"\w\^[\w{(]|\)\^"), "a caret for a superscript"),
    (re.compile(r"(?<![\w.])[a-zA-Z]{1,2}_\{?\d"), "an underscore for a subscript"),
    (re.compile(r"\bsigma\b"), "sigma spelled out"),
    (re.compile(r"\bdelta\b"), "delta spelled out"),
    (re.compile(r"\bdC/d|\bdJ/d"), "dC/dW for a partial derivative"),
    (re.compile(r"\w'\(|(?<!\w)(?:[a-zA-Zσ]|sigma|sigmoid|tanh|relu)'(?!\w)"),
     "an apostrophe for a prime"),
]
# What a checker's hint may spell as code: its arguments and dicts (delta_L, delta[L],
# delta.sum(...), sigma_prime) are Python names, not math.
HINT_MATH = [(p, why) for p, why in ASCII_MATH if why not in (
    "sigma spelled out", "delta spelled out")] + [
    (re.compile(r"\bsigma'|\bdelta\^|\bdelta_\d"), "sigma or delta as math")]

OLD_STRINGS = {
    "w^3_23": "notation stepper caption",
    "W2^T dZ2 * sigma'(Z1)": "shape explorer formula",
    "dZ2 A1^T": "shape explorer formula",
    "dC/dW^2": "plot title",
    "sigma'(a)": "checker hint",
    "uses sigmoid' although": "checker hint",
    "BP2 is delta^l = ((W^{l+1})^T delta^{l+1})": "checker hint",
    "upstream delta": "convolution label",
    "delta_2 = a_2 - y": "checker hint",
    "δ^3, shape (2, 1)": "heatmap's accessible name",
}


def ascii_math(text, patterns=ASCII_MATH):
    """The ASCII-math spellings in text: [(why, match)]."""
    return [(why, m.group(0)) for pattern, why in patterns
            for m in pattern.finditer(text)]


@pytest.mark.parametrize("old", OLD_STRINGS)
def test_the_scan_catches_the_old_labels(old):
    assert ascii_math(old), old
    if "sigma'" in old or "delta^" in old:
        assert ascii_math(old, HINT_MATH), old


@pytest.mark.parametrize("new", ["w³₂₃", "W₂ᵀ dZ₂ ⊙ σ′(Z₁)", "∂C/∂W²", "σ′(a)",
                                 "BP2 is δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹)", "upstream δ",
                                 "δ³, shape (2, 1)", "dx[0, 1] = Σ δ[i, j] Kᵤᵥ",
                                 "the reader's mdlib's (see 2.3)", "delta_L, delta[L]"])
def test_the_scan_lets_typeset_labels_pass(new):
    assert not ascii_math(new, HINT_MATH), new
    if "delta" not in new:
        assert not ascii_math(new), new


# --- what the pictures show -----------------------------------------------------------

class _Collect(HTMLParser):
    """Every text a reader sees or hears: text nodes (also inside SVG), alt, aria-label,
    title and placeholder; each <img data-svg> decoded and read too."""

    def __init__(self):
        super().__init__()
        self.parts, self.svgs, self.skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        for name in ("alt", "aria-label", "title", "placeholder"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        src = attrs.get("src") or ""
        if tag == "img" and src.startswith("data:image/svg+xml,"):
            inner = urllib.parse.unquote(src[src.index(",") + 1:])
            self.svgs.append(inner)
            self.feed_more(inner)

    def feed_more(self, html):
        sub = _Collect()
        sub.feed(html)
        self.parts += sub.parts
        self.svgs += sub.svgs

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data)


def collect(html):
    c = _Collect()
    c.feed(html)
    html = re.sub(r"src='data:[^']*'", "", html)      # read above, decoded
    inline = re.findall(r"<svg\b.*?</svg>", html, re.S)
    return [" ".join(unescape(p).split()) for p in c.parts], c.svgs + inline


def _widgets():
    return [notation.NotationWidget(), backprop.BackpropWidget(),
            shapes.ShapeExplorer(), convolution.ConvWidget(), convolution.PoolWidget()]


def _steppers():
    out = [notation.notation_stepper(), backprop.backprop_stepper(),
           backprop.worked_example_stepper(), shapes.shape_explorer_stepper(),
           convolution.pixel_dense_stepper(), convolution.pool_stepper()]
    out += [convolution.conv_stepper(e) for e in convolution.CONV_EXAMPLES]
    out += [convolution.full_conv_stepper(e) for e in convolution.FULL_CONV_EXAMPLES]
    return out


@pytest.fixture(scope="module")
def pictures():
    return all_pictures()


def all_pictures():
    """{where: html} for every stepper, every widget (live and as the HTML book's
    explorable, every state) and the bars of 2.12."""
    out = {}
    for s in _steppers():
        out[f"stepper {s.title}"] = s._repr_html_()
        # the frames its script builds from the HTML's table (only the first is an image)
        for i, frame in enumerate(frames_of(s.data())):
            out[f"stepper {s.title}, frame {i}"] = frame
    for w in _widgets():
        name = type(w).__name__
        out[f"{name} (live)"] = w.render()[1]
        e = w.explorable()
        controls = json.dumps([(label, [t for _, t in options])
                               for label, _, options in e.controls], ensure_ascii=False)
        out[f"{name} controls"] = f"<p>{e.title}</p><p>{unescape(controls)}</p>"
        for values, html in e.states.items():
            out[f"{name} {values}"] = html
    out["delta_norms_html"] = plots.delta_norms_html({4: 0.1, 3: 0.02, 2: 3e-5})
    return out


def test_every_picture_label_is_typeset(pictures):
    found = {}
    for where, html in pictures.items():
        texts, _ = collect(html)
        assert texts, where
        for text in texts:
            for why, match in ascii_math(text):
                found.setdefault((why, match, text[:100]), where)
    assert not found, "\n".join(f"{where}: {why} {m!r} in {t!r}"
                                for (why, m, t), where in list(found.items())[:30])


def test_the_pictures_scan_would_fail_on_the_old_notation_caption(pictures):
    html = pictures["stepper Notation tour"]
    assert "w³₂₃" in html
    texts = collect(html.replace("w³₂₃", "w^3_23"))[0]
    assert [t for t in texts if "w^3_23" in t and ascii_math(t)]


# --- numbers on coloured cells: size and contrast -------------------------------------

def _float(v, default=0.0):
    return float(v) if v not in (None, "") else default


def _texts_on_cells(svg_text):
    """(text, colour, font size, the fill behind it) of every <text> of one SVG."""
    root = ET.fromstring(svg_text)
    ns = "{http://www.w3.org/2000/svg}"
    shapes_, out = [], []

    def walk(el, fill, size):
        fill = el.get("fill", fill)
        size = _float(el.get("font-size"), size)
        tag = el.tag.replace(ns, "")
        if tag == "rect" and el.get("fill") not in (None, "none"):
            x, y = _float(el.get("x")), _float(el.get("y"))
            w, h = _float(el.get("width")), _float(el.get("height"))
            shapes_.append(lambda px, py, x=x, y=y, w=w, h=h: x <= px <= x + w
                           and y <= py <= y + h and el.get("fill"))
        elif tag == "circle":
            cx, cy, r = (_float(el.get(k)) for k in ("cx", "cy", "r"))
            shapes_.append(lambda px, py, cx=cx, cy=cy, r=r, f=el.get("fill"):
                           (px - cx) ** 2 + (py - cy) ** 2 <= r * r and f)
        elif tag == "text":
            x, y = _float(el.get("x")), _float(el.get("y"))
            behind = next((f for f in (s(x, y - size * 0.35) for s in reversed(shapes_))
                           if f), palette.PAPER)
            out.append(("".join(el.itertext()), fill, size, behind))
            return
        for child in el:
            walk(child, fill, size)

    walk(root, palette.TEXT, 16.0)
    return out


def test_every_number_on_a_cell_is_11px_with_a_contrast_of_4_5(pictures):
    worst, smallest, cells = 21.0, 99.0, 0
    for where, html in pictures.items():
        for svg_text in collect(html)[1]:
            for text, ink, size, behind in _texts_on_cells(svg_text):
                ratio = palette.contrast(ink, behind)
                assert ratio >= 4.5, (where, text, ink, behind, ratio)
                if behind != palette.PAPER:
                    cells += 1
                    worst, smallest = min(worst, ratio), min(smallest, size)
                    assert size >= 11, (where, text, size)
    assert cells > 1000                      # the heatmaps and grids were all read
    print(f"{cells} numbers on coloured cells: contrast >= {worst:.2f}, "
          f"font >= {smallest:g} px")


def test_heatmaps_draw_at_their_own_size():
    """Their numbers are as large as font-size says: width = viewBox width."""
    picture = svg.heatmap_svg(np.arange(6.0).reshape(2, 3) - 2.5)
    width, view = re.search(r'width="([\d.]+)".*?viewBox="0 0 ([\d.]+)',
                            picture).groups()
    assert width == view and svg.HEATMAP_FONT >= 11
    assert f'font-size="{svg.HEATMAP_FONT}"' in picture


def test_heatmap_columns_widen_to_their_widest_number():
    picture = svg.heatmap_svg(np.array([[-0.00085, 0.5], [0.25, 1.0]]), cell=40)
    widths = {float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', picture)}
    # 8 characters at 12 px: about 50 px in Chromium's sans-serif
    assert widths == {66.0} and ">\u22120.00085<" in picture
    narrow = svg.heatmap_svg(np.array([[0.5, 0.25]]), cell=40)
    assert set(re.findall(r'<rect [^>]*width="([\d.]+)"', narrow)) == {"40"}


def _every_heatmap_fill():
    values = np.linspace(-1.0, 1.0, 4001)
    return sorted({svg.cell_colour(v, 1.0) for v in values})


CELL_FILLS = [palette.PAPER, palette.PADDING, palette.SELECTED, palette.WINDOW,
              palette.RECEIVER, palette.FORWARD, palette.BACKWARD, palette.BROADCAST,
              palette.PICKED_ROW, *palette.PAIR_COLOURS]


def test_ink_on_reaches_4_5_on_every_colour_the_ui_can_produce():
    fills = _every_heatmap_fill() + CELL_FILLS
    assert len(fills) > 500
    ratios = [palette.contrast(palette.ink_on(f), f) for f in fills]
    muted = [palette.contrast(palette.ink_on(f, muted=True), f) for f in fills]
    assert min(ratios) >= 4.5 and min(muted) >= 4.5
    # the old choices fail: black numbers on every heatmap cell, #999 padding zeros
    old_black = min(palette.contrast("black", f) for f in _every_heatmap_fill())
    old_padding = max(palette.contrast("#999", f) for f in CELL_FILLS if f != "white")
    assert old_black < 4.5 and old_padding < 4.5
    print(f"numbers: min {min(ratios):.2f}:1 (black everywhere: {old_black:.2f}:1); "
          f"padding zeros: min {min(muted):.2f}:1 (#999: at most {old_padding:.2f}:1)")


def test_contrast_is_wcag_s():
    assert palette.contrast("black", "white") == pytest.approx(21.0, abs=1e-9)
    assert palette.contrast("#777777", "white") == pytest.approx(4.48, abs=0.005)
    assert palette.contrast("#767676", "white") == pytest.approx(4.54, abs=0.005)
    assert palette.relative_luminance("#fff") == pytest.approx(1.0, abs=1e-12)


# --- plots: matplotlib mathtext ------------------------------------------------------

def _figure_texts(fig):
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_plots_label_with_mathtext_or_words():
    history = {"loss": [1.0, 0.5, 0.2], "accuracy": [0.5, 0.7, 0.9],
               "val_accuracy": [0.4, 0.6, 0.8]}
    figs = [plots.training_curves(history, title=r"$\eta = 0.1$"),
            plots.image_grid(np.ones((3, 2, 2)), ["kernel 0", "kernel 1", "kernel 2"],
                             title="learned kernels")]
    texts = [t for fig in figs for t in _figure_texts(fig)]
    assert "training loss" in texts and r"$\eta = 0.1$" in texts
    # Drawn (plots' figures draw on Agg): a log axis's tick labels are matplotlib's own
    # mathtext, $\mathdefault{10^{-1}}$, typeset as 10⁻¹; any other text is checked.
    mathtext = re.compile(r"\$\\mathdefault\{[^$]*\}\$")
    assert not [(t, ascii_math(t)) for t in texts if ascii_math(t) and not mathtext.fullmatch(t)]


_PLOT_CALLS = {"training_curves", "image_grid", "set", "set_title", "set_xlabel",
               "set_ylabel", "suptitle", "plot", "legend", "text"}


def _plot_strings(source):
    """The string literals of a notebook code cell's plot calls (titles, axis labels,
    legend labels), f-strings' literal parts included."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) in _PLOT_CALLS):
            for arg in list(node.args) + [k.value for k in node.keywords]:
                for sub in ast.walk(arg):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        out.append(sub.value)
    return out


def test_the_book_s_plot_titles_and_labels_are_typeset():
    strings = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                source = "\n".join(l for l in source.splitlines()
                                   if not l.lstrip().startswith(("%", "!")))
                strings += [(path.name, s) for s in _plot_strings(source)]
    assert any("training" in s or "kernel" in s for _, s in strings)
    bad = [(n, s) for n, s in strings if ascii_math(s) or re.search(r"(?<![\\\w])eta =", s)]
    assert not bad, bad
    # the old titles would fail
    assert re.search(r"(?<![\\\w])eta =", "64-32-10 softmax network on digits, eta = 0.1")
    assert ascii_math("finite differences of dC/dW^2")


# --- the checkers' hints -------------------------------------------------------------

def _hint_strings(module):
    """Every string literal of the module outside docstrings (f-strings' literal parts
    included): the checkers' messages and hints."""
    tree = ast.parse(Path(module.__file__).read_text())
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
            if (node.body and isinstance(node.body[0], ast.Expr)
                    and isinstance(node.body[0].value, ast.Constant)):
                docstrings.add(id(node.body[0].value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and id(n) not in docstrings
            and not n.value.isidentifier()]           # a key such as "no_1_n"


def test_the_checkers_hints_are_typeset():
    strings = _hint_strings(mdlib.verify.exercises)
    assert any("BP2 is δˡ" in s for s in strings)
    bad = [(s, ascii_math(s, HINT_MATH)) for s in strings
           if ascii_math(s, HINT_MATH)]
    assert not bad, bad
