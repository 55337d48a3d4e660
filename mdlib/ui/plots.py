"""Plots the chapters share. Each returns a matplotlib Figure (not through pyplot), so a
notebook shows it once, as the cell's value, and no figure state leaks between cells.

Readable on a phone: the HTML book scales a figure down to its text column, 342 px wide
at a 390 px screen, so a figure's text is drawn at FONT_PT points, at least
FONT_PT / width-in-inches >= 1.9 (9 CSS px at 342 px), a log axis's exponents too
(its ticks are plain numbers where they fit, else larger labels), and each PNG records
its smallest text size, superscripts at their own size (tests/browser/test_phone.py
measures what a phone shows). The bars of ||delta^l|| (delta_norms_html) are an SVG
drawn to the same rule.
"""
import math
from html import escape

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.text import Text
from matplotlib.ticker import LogFormatterSciNotation

from . import palette as P
from .svg import panel, para, sup_text, svg_as_img, svg_open

FONT_PT = 12
"""Every text of a book plot, in points (ticks, labels, titles, legends)."""

SMALLEST_TEXT_KEY = "mdlib smallest text pt"
"""The PNG text chunk (tEXt) in which a plot's PNG records its smallest text size."""


_MATHTEXT = MathTextParser("path")


def drawn_pt(text):
    """Defined in Chapter 2. The smallest size, in points, at which a Text draws a
    glyph: its font size, or for mathtext ("$10^{-3}$", a log axis's ticks) the size of
    its smallest glyph, a superscript drawn at 0.7 of it."""
    size = text.get_fontsize()
    if text.get_usetex() or not is_math_text(text.get_text()):
        return size
    glyphs = _MATHTEXT.parse(text.get_text(), dpi=72,
                             prop=text.get_fontproperties()).glyphs
    return min((g[1] for g in glyphs), default=size)


def smallest_text_pt(fig):
    """Defined in Chapter 2. The smallest size, in points, of any text a drawn figure
    shows, superscripts at their own size (drawn_pt)."""
    sizes = [drawn_pt(t) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.figure is not None]
    return min(sizes) if sizes else None


def log_tick_pt(size=FONT_PT):
    """Defined in Chapter 2. The tick label size of a log axis whose exponents (10⁻³ as
    mathtext superscripts, 0.7 of the label) are drawn at size points or more."""
    probe = Text(text="$10^{-3}$", fontsize=size)
    return math.ceil(size * size / drawn_pt(probe) * 10) / 10


class _RecordingCanvas(FigureCanvasAgg):
    """Agg, whose PNG records the figure's smallest text size (SMALLEST_TEXT_KEY)."""

    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_):
        """Agg's print_png (which takes no other options: savefig's orientation and the
        like, matplotlib drops for it)."""
        self.draw()                                   # ticks exist once drawn
        smallest = smallest_text_pt(self.figure)
        metadata = dict(metadata or {})
        if smallest is not None:
            metadata[SMALLEST_TEXT_KEY] = f"{smallest:g}"
        return super().print_png(filename_or_obj, metadata=metadata,
                                 pil_kwargs=pil_kwargs)


PLAIN_LOG_RANGE = (1e-4, 1e5)
"""A log axis within this range labels its ticks as plain numbers (0.06, 0.1, 1, 10)."""


class _PlainLogFormatter(LogFormatterSciNotation):
    """The ticks matplotlib labels on a log axis (the decades, and between them when
    the axis spans few), written as plain numbers: 0.06 rather than 6 × 10⁻², whose
    exponent would be drawn at 0.7 of the label."""

    def __call__(self, x, pos=None):
        return f"{x:g}" if super().__call__(x, pos) else ""


def _label_log_axis(axis, size):
    """A log axis readable at size points: plain numbers within PLAIN_LOG_RANGE, else
    10ᵉ in mathtext at log_tick_pt(size), so that its exponents are size points."""
    low, high = sorted(axis.get_view_interval())
    if PLAIN_LOG_RANGE[0] <= low and high < PLAIN_LOG_RANGE[1]:
        axis.set_major_formatter(_PlainLogFormatter())
        axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False))
    else:
        axis.set_tick_params(which="both", labelsize=log_tick_pt(size))


def readable(fig, size=FONT_PT):
    """Defined in Chapter 2. fig with every text at least size points (tick labels,
    those drawn later too; labels, titles, legends; a log axis's ticks as plain
    numbers, or as 10ᵉ with the exponent at size points: _label_log_axis) and a PNG
    that records its smallest text size. Returns fig."""
    for ax in fig.axes:
        ax.tick_params(which="both", labelsize=size)
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                _label_log_axis(axis, size)
    for text in fig.findobj(Text):
        if text.get_fontsize() < size:
            text.set_fontsize(size)
    _RecordingCanvas(fig)
    return fig


def training_curves(history, title=""):
    """Defined in Chapter 2. Loss and accuracy after each epoch (one iteration of train)
    from mdlib.models.train.gradient_descent's history."""
    fig = Figure(figsize=(6, 3.4), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = range(1, len(history["loss"]) + 1)
    ax_loss.plot(epochs, history["loss"], color=P.PRIMARY)
    ax_loss.set(
        xlabel="epoch", ylabel="training loss", yscale="log", title="loss"
    )
    ax_acc.plot(epochs, history["accuracy"], label="training", color=P.PRIMARY)
    if history.get("val_accuracy"):
        ax_acc.plot(
            epochs, history["val_accuracy"], label="held out", color=P.HIGHLIGHT
        )
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_acc.legend(loc="lower right")
    ax_acc.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return readable(fig)


def image_grid(
    images, titles=(), columns=4, title="", cmap=P.IMAGE_CMAP, symmetric=False
):
    """Defined in Chapter 4. Small images (n, H, W) side by side, e.g. learned kernels
    or misclassified digits.

    symmetric: colour scale centred on 0 (for kernels, whose sign matters).
    """
    n = len(images)
    rows = max(1, math.ceil(n / columns))
    fig = Figure(
        figsize=(1.45 * min(n, columns), 1.7 * rows + (0.4 if title else 0)),
        layout="constrained",
    )
    axes = np.atleast_1d(fig.subplots(rows, min(n, columns))).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, caption in zip(axes, images, list(titles) + [""] * n):
        limit = float(np.abs(image).max()) or 1.0
        ax.imshow(image, cmap=P.SIGNED_CMAP if symmetric else cmap,
                  vmin=-limit if symmetric else None, vmax=limit if symmetric else None)
        ax.set_title(caption)
    if title:
        fig.suptitle(title)
    return readable(fig)


def _times_ten(v):
    """v to 2 significant digits as d.d × 10^e, the exponent's typographic minus:
    ("1.6", "−1") for 0.16."""
    mantissa, exponent = f"{v:.1e}".split("e")
    return mantissa, str(int(exponent)).replace("-", "\u2212")


def times_ten(v):
    """Defined in Chapter 2. v to 2 significant digits as text, d.d × 10^e: "1.6 × 10⁻¹"
    for 0.16, as chapter 2 prints the norms ||delta^l|| and Figure 2.3 labels them."""
    mantissa, exponent = _times_ten(v)
    return f"{mantissa} × 10{sup_text(exponent)}"


def delta_norms_html(norms, title="the size of the error, layer by layer"):
    """Defined in Chapter 2. ||delta^l|| for l = L, ..., 2 as horizontal bars on a log
    scale, each labelled d.d × 10^e (2 significant digits, as the chapter prints them).

    norms: {l: ||delta^l||} (positive numbers). Each bar's length is proportional to
    log10 of the norm above a baseline one decade below the smallest, so equal ratios
    between layers are equal steps. The SVG's text is 12 px at the least in a 400 px
    width (10 CSS px in a phone's 342 px column); its alt text names every value. The
    SVG comes as an image (svg_as_img), which an untrusted notebook shows too.
    """
    layers = sorted(norms, reverse=True)
    values = np.array([float(norms[l]) for l in layers])
    if values.size == 0 or not np.all(values > 0):
        raise ValueError("norms must be positive numbers keyed by the layer; "
                         f"got {norms}")
    low = np.floor(np.log10(values.min())) - 1
    decades = np.ceil(np.log10(values.max())) - low
    left, bars, row, width = 52, 236, 30, 400
    unit = bars / decades
    font = 'style="font-family:sans-serif"'

    def sup(text):
        return f'<tspan baseline-shift="super" font-size="12">{text}</tspan>'

    labels = [_times_ten(v) for v in values]
    alt = (f"{title}: horizontal bars on a log scale, one per layer, from the output "
           "layer back: " + ", ".join(
               f"‖δ{sup_text(l)}‖ = {times_ten(v)}" for l, v in zip(layers, values))
           + ".")
    parts = [svg_open(width, row * len(layers) + 30, alt)]
    for d in range(int(decades) + 1):                     # one grid line per decade
        xg = left + d * unit
        exponent = str(int(low + d)).replace("-", "&#8722;")
        parts.append(f'<line x1="{xg:.1f}" y1="0" x2="{xg:.1f}" '
                     f'y2="{row * len(layers):.0f}" stroke="{P.EDGE}" '
                     'stroke-width="0.5"/>'
                     f'<text x="{xg:.1f}" y="{row * len(layers) + 22:.0f}" '
                     f'font-size="13" text-anchor="middle" {font}>10{sup(exponent)}'
                     '</text>')
    for i, (l, v, (m, e)) in enumerate(zip(layers, values, labels)):
        length = (np.log10(v) - low) * unit
        y = i * row
        parts.append(f'<text x="{left - 6}" y="{y + row * 0.68:.1f}" font-size="15" '
                     f'text-anchor="end" {font}>&#8214;&#948;{sup(l)}&#8214;</text>'
                     f'<rect x="{left}" y="{y + 5}" width="{length:.1f}" '
                     f'height="{row - 10}" fill="{P.PRIMARY}"/>'
                     f'<text x="{left + length + 5:.1f}" y="{y + row * 0.68:.1f}" '
                     f'font-size="14" {font}>{m} &#215; '
                     f'10{sup(e.replace(chr(0x2212), "&#8722;"))}</text>')
    parts.append("</svg>")
    return panel(para(f"<b>{escape(title)}</b> (log scale: one grid line per factor of "
                      "10)"), svg_as_img("".join(parts)))
