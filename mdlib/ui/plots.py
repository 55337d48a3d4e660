"""Plots the chapters share. Each returns a matplotlib Figure (not through pyplot), so a
notebook shows it once, as the cell's value, and no figure state leaks between cells.

Readable on a phone: the HTML book scales a figure down to its text column, 342 px wide
at a 390 px screen, so a figure's text is drawn at FONT_PT points, at least
FONT_PT / width-in-inches >= 1.9 (9 CSS px at 342 px), and each PNG records its smallest
text size (tests/browser/test_phone.py measures what a phone shows).
"""
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import palette as P

FONT_PT = 12
"""Every text of a book plot, in points (ticks, labels, titles, legends)."""

SMALLEST_TEXT_KEY = "mdlib smallest text pt"
"""The PNG text chunk (tEXt) in which a plot's PNG records its smallest text size."""


def smallest_text_pt(fig):
    """Defined in Chapter 2. The smallest font size, in points, of any text a drawn
    figure shows."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.figure is not None]
    return min(sizes) if sizes else None


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


def readable(fig, size=FONT_PT):
    """Defined in Chapter 2. fig with every text at least size points (tick labels,
    those drawn later too; labels, titles, legends) and a PNG that records its smallest
    text size. Returns fig."""
    for ax in fig.axes:
        ax.tick_params(which="both", labelsize=size)
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

