"""Every colour of the book, in one place: the drawings (mdlib.ui.svg and the chapter
modules), the plots (mdlib.ui.plots) and the Sphinx extension (_ext/offline_assets.py's
favicon) use these.

Defined in Chapter 1, where the first widget draws with them.
"""

# The two colours of the book: its blue (neurons, training curves, the favicon) and the
# one highlight (the picked weight, the picked cell, a message that something is wrong,
# held-out data).
PRIMARY = "#4c72b0"
HIGHLIGHT = "#d62728"
NEGATIVE = "#1f77b4"  # the blue end of a diverging heatmap; HIGHLIGHT is its red end

# Ink and paper.
TEXT = "black"
PAPER = "white"
EDGE = "#c7c7c7"              # an unpicked weight of the network diagram
FRAME = "#ccc"                # a stepper's border
GRID_LINE = "#555"            # the lines of W^l's grid; secondary text (a matrix's
                              # shape)
HEATMAP_LINE = "#888"
CELL_LINE = "#666"            # the lines of a grid of values
BLOCK_LINE = "#333"           # the outline of a shape block
PADDING = "#eeeeee"           # zero padding drawn around an input
PADDING_TEXT = "#999"
PICKED_ROW = "#fde0dd"        # the shapes table's row of the picked layer

# The shape explorer (Chapter 3): a product's phase, and a broadcast bias.
FORWARD = "#c6dbef"
BACKWARD = "#fdd0a2"
BROADCAST = "#e5f5e0"

# Convolution and pooling (Chapter 4).
SELECTED = "#fdd49e"          # the output (or input-gradient) cell being explained
WINDOW = "#deebf7"            # a pooling window
RECEIVER = "#fdae6b"          # where a pooled gradient lands
PAIR_COLOURS = [
    RECEIVER,
    "#9ecae1",
    "#a1d99b",
    "#bcbddc",
    "#fc9272",
    "#c7e9c0",
    "#dadaeb",
    BACKWARD,
    FORWARD,
]
"""One colour per (input, kernel) or (delta, kernel) pair of a sum: the two factors
share it."""

# Colour maps of the plots (matplotlib names).
IMAGE_CMAP = "gray_r"
SIGNED_CMAP = "RdBu_r"


def rgb(colour):
    """Defined in Chapter 2, for the heatmaps' colour scale. '#d62728' -> (214, 39,
    40)."""
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
