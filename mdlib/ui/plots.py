"""Plots the chapters share. Each returns a matplotlib Figure (not through pyplot), so a
notebook shows it once, as the cell's value, and no figure state leaks between cells."""
import math

import numpy as np
from matplotlib.figure import Figure

from . import palette as P


def training_curves(history, title=""):
    """Defined in Chapter 2. Loss and accuracy after each epoch (one iteration of train)
    from mdlib.models.train.gradient_descent's history."""
    fig = Figure(figsize=(9, 3.2), layout="constrained")
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
    return fig


def image_grid(
    images, titles=(), columns=8, title="", cmap=P.IMAGE_CMAP, symmetric=False
):
    """Defined in Chapter 4. Small images (n, H, W) side by side, e.g. learned kernels
    or misclassified digits.

    symmetric: colour scale centred on 0 (for kernels, whose sign matters).
    """
    n = len(images)
    rows = max(1, math.ceil(n / columns))
    fig = Figure(
        figsize=(1.3 * min(n, columns), 1.5 * rows + (0.4 if title else 0)),
        layout="constrained",
    )
    axes = np.atleast_1d(fig.subplots(rows, min(n, columns))).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, caption in zip(axes, images, list(titles) + [""] * n):
        limit = float(np.abs(image).max()) or 1.0
        ax.imshow(image, cmap=P.SIGNED_CMAP if symmetric else cmap,
                  vmin=-limit if symmetric else None, vmax=limit if symmetric else None)
        ax.set_title(caption, fontsize=9)
    if title:
        fig.suptitle(title)
    return fig
