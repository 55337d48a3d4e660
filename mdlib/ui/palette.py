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
PADDING_TEXT = "#595959"      # a zero of the padding: grey, yet 4.5:1 on PADDING
                              # (ink_on picks black or white where it is not)
PICKED_ROW = "#fde0dd"        # the shapes table's row of the picked layer

# The cell fills a picture names in words (its alt text, captions and the prose), each
# colour with one name and each name for one colour, in every chapter (COLOUR_NAMES).
# The shape explorer (Chapter 3): a product's phase, and a broadcast bias.
FORWARD = "#c6dbef"           # blue
BACKWARD = "#fdae6b"          # orange
BROADCAST = "#e5f5e0"         # green

# Convolution and pooling (Chapter 4), and the worked example's steps (Chapter 2).
SELECTED = "#fee391"          # yellow: the cell being explained, what a step computes
WINDOW = FORWARD              # blue: a pooling window, what a step reads
RECEIVER = BACKWARD           # orange: where a pooled gradient lands
PAIR_COLOURS = [
    RECEIVER,
    "#9ecae1",
    "#a1d99b",
    "#bcbddc",
    "#fc9272",
    "#c7e9c0",
    "#dadaeb",
    "#fdd0a2",
    FORWARD,
]
"""One colour per (input, kernel) or (delta, kernel) pair of a sum: the two factors
share it (pictures say "coloured as", never a colour's name)."""

COLOUR_NAMES = {FORWARD: "blue", BACKWARD: "orange", BROADCAST: "green",
                SELECTED: "yellow", PADDING: "grey"}
"""The name in words of every cell fill a picture names: WINDOW is FORWARD's blue and
RECEIVER is BACKWARD's orange, so "orange" and "blue" each mean one colour."""

# Colour maps of the plots (matplotlib names).
IMAGE_CMAP = "gray_r"
SIGNED_CMAP = "RdBu_r"


def rgb(colour):
    """Defined in Chapter 2, for the heatmaps' colour scale. '#d62728' -> (214, 39,
    40)."""
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def relative_luminance(colour):
    """Defined in Chapter 2, for the heatmaps' numbers. WCAG 2's relative luminance of
    '#rrggbb', 'black' or 'white': 0 for black, 1 for white."""
    colour = {"black": "#000000", "white": "#ffffff"}.get(colour, colour)
    if len(colour) == 4:                                  # '#abc' -> '#aabbcc'
        colour = "#" + "".join(c * 2 for c in colour[1:])
    def linear(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(text, fill):
    """Defined in Chapter 2. WCAG 2's contrast ratio of two colours, 1 to 21; text
    needs 4.5 or more."""
    high, low = sorted((relative_luminance(text), relative_luminance(fill)),
                       reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill, muted=False):
    """Defined in Chapter 2. The colour of a number drawn on fill: TEXT (black) or
    PAPER (white), whichever contrasts more (at least 4.58:1 for any fill); muted:
    PADDING_TEXT (a zero of the padding) where that reaches 4.5:1."""
    if muted and contrast(PADDING_TEXT, fill) >= 4.5:
        return PADDING_TEXT
    return max((TEXT, PAPER), key=lambda ink: contrast(ink, fill))
