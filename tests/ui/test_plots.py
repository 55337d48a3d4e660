"""The chapters' plots: text readable on a phone."""
import io

import numpy as np
from PIL import Image

from mdlib.ui import plots

# A phone's text column (390 px screen) is 342 px wide; 9 CSS px of text is the floor there.
COLUMN_PX, FLOOR_PX = 342, 9


def test_plot_pngs_record_their_smallest_text_and_it_is_readable_on_a_phone():
    history = {"loss": list(np.geomspace(2, 0.1, 30)), "accuracy": list(np.linspace(0.3, 0.9, 30)),
               "val_accuracy": list(np.linspace(0.3, 0.85, 30))}
    figs = [plots.training_curves(history, title=r"$\eta = 0.1$"),
            plots.image_grid(np.ones((10, 8, 8)), [f"{d} read as {d + 1}" for d in range(10)],
                             title="misclassified held-out digits"),
            plots.image_grid(np.ones((8, 3, 3)), [f"kernel {f}" for f in range(8)], symmetric=True)]
    for fig in figs:
        buffer = io.BytesIO()
        fig.canvas.print_figure(buffer, format="png", bbox_inches="tight")
        png = Image.open(io.BytesIO(buffer.getvalue()))
        smallest_pt = float(png.text[plots.SMALLEST_TEXT_KEY])
        dpi = png.info["dpi"][0]
        shown_px = smallest_pt * dpi / 72 * min(1.0, COLUMN_PX / png.width)
        print(f"{png.width} px wide, smallest text {smallest_pt:g} pt: {shown_px:.1f} px at 390 px")
        assert shown_px >= FLOOR_PX


def test_readable_raises_small_text_and_the_record_sees_it():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.set_title("small", fontsize=6)
    ax.plot([1, 2], [3, 4])
    fig.canvas.draw()
    assert plots.smallest_text_pt(fig) == 6             # the record would catch it
    plots.readable(fig)
    fig.canvas.draw()
    assert plots.smallest_text_pt(fig) == plots.FONT_PT
