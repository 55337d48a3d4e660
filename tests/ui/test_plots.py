"""The chapters' plots: text readable on a phone, and chapter 2's bars of ‖δˡ‖ labelled as the
prose writes numbers, with an alt text that states every value."""
import base64
import html as html_lib
import io
import json
import math
import re
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mdlib.ui import plots

BOOK = Path(__file__).resolve().parents[2] / "book"
# A phone's text column (390 px screen) is 342 px wide; 9 CSS px of text is the floor there.
COLUMN_PX, FLOOR_PX = 342, 9


def svg_of(picture):
    return urllib.parse.unquote(re.search(r"src='data:image/svg\+xml,([^']*)'", picture).group(1))


def bar_labels(svg):
    """Each bar's value label as text: '1.6 × 10−1' (tspans flattened)."""
    labels = re.findall(r'<text x="[\d.]+" y="[\d.]+" font-size="\d+" style="[^"]*">'
                        r'((?:(?!</text>).)*?)</text>', svg)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", t)) for t in labels]


def values_in_alt(alt):
    """{l: value} from 'δ⁸‖ = 1.6 × 10⁻¹' in an alt text."""
    sup = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
    return {int("".join(sup[c] for c in layer)): float(m) * 10 ** int("".join(sup[c] for c in e))
            for layer, m, e in re.findall(r"δ([⁰¹²³⁴⁵⁶⁷⁸⁹]+)‖ = (\d\.\d) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", alt)}


NORMS = {5: 0.16, 4: 0.025, 3: 0.007, 2: 5.3e-5}


def test_delta_bars_are_labelled_d_d_times_ten_to_the_e():
    svg = svg_of(plots.delta_norms_html(NORMS))
    values = [lab for lab in bar_labels(svg) if "×" in lab or re.fullmatch(r"[\d.]+", lab)]
    assert values == ["1.6 × 10−1", "2.5 × 10−2", "7.0 × 10−3", "5.3 × 10−5"], bar_labels(svg)


def test_delta_bars_alt_text_states_every_value_from_the_data():
    picture = plots.delta_norms_html(NORMS, title="a title")
    alt = html_lib.unescape(re.search(r"alt='([^']*)'", picture).group(1))
    assert alt.startswith("a title: ")
    shown = values_in_alt(alt)
    assert sorted(shown) == sorted(NORMS)
    for layer, v in NORMS.items():                    # 2 significant digits of the data
        assert shown[layer] == pytest.approx(float(f"{v:.1e}"), rel=1e-9), (layer, shown[layer], v)


def test_delta_bars_are_in_layer_order_and_grow_with_the_log_of_the_norm():
    norms = {4: 0.2, 3: 0.01, 2: 3e-5}
    svg = svg_of(plots.delta_norms_html(norms))
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert len(widths) == 3 and widths[0] > widths[1] > widths[2] > 0
    # equal ratios are equal steps: the lengths' differences follow log10 of the norms
    expected = ((math.log10(0.2) - math.log10(0.01)) * (widths[0] - widths[2])
                / (math.log10(0.2) - math.log10(3e-5)))
    assert widths[0] - widths[1] == pytest.approx(expected, abs=0.2)     # widths: .1f


def test_delta_bars_reject_norms_that_are_not_positive():
    with pytest.raises(ValueError, match="positive"):
        plots.delta_norms_html({3: 0.0})


def test_delta_bars_text_stays_readable_in_a_phone_column():
    svg = svg_of(plots.delta_norms_html(NORMS))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)"', svg))
    assert smallest * min(1.0, COLUMN_PX / width) >= FLOOR_PX, (smallest, width)


def chapter_2_delta_figure():
    nb = json.loads((BOOK / "02_backprop.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("mystnb", {}).get("figure", {}).get("name") == "fig-vanishing-delta":
            printed = "".join(t for o in cell["outputs"] for t in o.get("text", []))
            shown = "".join("".join(o["data"]["text/html"]) for o in cell["outputs"] if "data" in o)
            return printed, shown
    raise AssertionError("chapter 2 has no fig-vanishing-delta")


def test_chapter_2_figure_shows_and_says_the_norms_it_prints():
    """Figure 2.3 as executed: its bar labels and its alt text give the norms the cell prints
    (1.6 × 10⁻¹, ...), all three as d.d × 10^e."""
    printed, shown = chapter_2_delta_figure()
    line = re.search(r"‖δˡ‖ for l = 8, \.\.\., 2:\n +(.*)", printed).group(1)
    sup = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
    pairs = re.findall(r"(\d\.\d) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", line)
    assert len(pairs) == 7 and ", ".join(f"{m} × 10{e}" for m, e in pairs) == line, line
    norms = [float(m) * 10 ** int("".join(sup[c] for c in e)) for m, e in pairs]
    labels = [lab for lab in bar_labels(svg_of(shown)) if "×" in lab or re.fullmatch(r"[\d.]+", lab)]
    assert len(labels) == len(norms) and all(re.fullmatch(r"\d\.\d × 10−?\d+", lab) for lab in labels), labels
    assert [float(lab.split(" × ")[0]) * 10 ** int(lab.split("10")[-1].replace("−", "-"))
            for lab in labels] == pytest.approx(norms, rel=1e-9)
    alt = html_lib.unescape(re.search(r"alt='([^']*)'", shown).group(1))
    assert [values_in_alt(alt)[l] for l in range(8, 1, -1)] == pytest.approx(norms, rel=1e-9)


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


def test_superscripts_count_at_their_own_size_and_log_axes_draw_them_readable():
    """A log axis labels its ticks 10^e in mathtext, the exponent at 0.7 of the label: 8.4 pt
    under a 12 pt label, 6.6 CSS px on a phone. The record counts it at that size; readable()
    writes a log axis within PLAIN_LOG_RANGE in plain numbers (0.06, 0.1, 1) and a wider one
    in 10^e with labels large enough that the exponents reach FONT_PT."""
    from matplotlib.figure import Figure

    def semilogy(low, high):
        fig = Figure(figsize=(6, 3.4))
        ax = fig.subplots()
        ax.semilogy([1, 2, 3], [low, np.sqrt(low * high), high])
        ax.tick_params(which="both", labelsize=plots.FONT_PT)
        return fig, ax

    def shown(ax):
        return [t for t in ax.get_yticklabels(which="both") if t.get_text()]

    for low, high in ((0.03, 0.6), (1e-12, 1)):
        fig, ax = semilogy(low, high)
        fig.canvas.draw()
        assert any("^" in t.get_text() for t in shown(ax))
        assert plots.smallest_text_pt(fig) == pytest.approx(0.7 * plots.FONT_PT, rel=1e-9)
        plots.readable(fig)
        fig.canvas.draw()
        assert plots.smallest_text_pt(fig) >= plots.FONT_PT, (low, high)
        labels = [t.get_text() for t in shown(ax)]
        if high < plots.PLAIN_LOG_RANGE[1] and low >= plots.PLAIN_LOG_RANGE[0]:
            assert {"0.1", "0.06", "0.3"} <= set(labels), labels     # plain numbers
            assert all(t.get_fontsize() == plots.FONT_PT for t in shown(ax))
        else:
            assert all("^" in label for label in labels), labels       # 10^e, larger
            assert min(plots.drawn_pt(t) for t in shown(ax)) >= plots.FONT_PT
        assert all(t.get_fontsize() == plots.FONT_PT for t in ax.get_xticklabels())  # linear
