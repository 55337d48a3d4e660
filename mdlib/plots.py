"""Plots the chapters share. Each returns a matplotlib Figure (not through pyplot), so a
notebook shows it once, as the cell's value, and no figure state leaks between cells."""
from matplotlib.figure import Figure


def training_curves(history, title=""):
    """Chapter 2. Loss and accuracy per iteration (epoch) from mdlib.train.gradient_descent's history."""
    fig = Figure(figsize=(9, 3.2), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    epochs = range(1, len(history["loss"]) + 1)
    ax_loss.plot(epochs, history["loss"], color="#4c72b0")
    ax_loss.set(xlabel="iteration (epoch)", ylabel="training loss", yscale="log", title="loss")
    ax_acc.plot(epochs, history["accuracy"], label="training", color="#4c72b0")
    if history.get("val_accuracy"):
        ax_acc.plot(epochs, history["val_accuracy"], label="held out", color="#d62728")
    ax_acc.set(xlabel="iteration (epoch)", ylabel="accuracy", title="accuracy")
    ax_acc.legend(loc="lower right")
    ax_acc.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig
