"""The widgets are thin over pure functions; these tests check what a reader will see."""
import re

import numpy as np
import pytest

from mdlib import draw, views
from mdlib.stepper import Stepper
from mdlib.widgets import NotationWidget, notation_stepper


def random_view(rng):
    sizes = [int(n) for n in rng.integers(1, views.MAX_WIDTH + 1, size=rng.integers(2, views.MAX_LAYERS + 1))]
    l = int(rng.integers(2, len(sizes) + 1))
    j = int(rng.integers(1, sizes[l - 1] + 1))
    k = int(rng.integers(1, sizes[l - 2] + 1))
    return sizes, l, j, k, views.notation_view(sizes, l, j, k)


def test_notation_view_random(rng):
    for _ in range(50):
        sizes, l, j, k, view = random_view(rng)
        assert len(view["nodes"]) == sum(sizes)
        assert len(view["edges"]) == sum(sizes[i] * sizes[i - 1] for i in range(1, len(sizes)))
        hot = [e for e in view["edges"] if e[3]]
        assert hot == [(l, j, k, True)]
        assert view["source"] == (l - 1, k) and view["target"] == (l, j)
        assert view["matrix"] == (sizes[l - 1], sizes[l - 2]) and view["cell"] == (j, k)
        assert view["shapes"][l - 1]["W"] == view["matrix"]
        # source neuron is in the column left of the target neuron
        assert view["nodes"][view["source"]][0] < view["nodes"][view["target"]][0]


def test_layout_orders_neurons_top_to_bottom():
    pos = views.network_layout([2, 3])
    assert pos[(2, 1)][1] < pos[(2, 2)][1] < pos[(2, 3)][1]
    assert pos[(1, 1)][0] == pos[(1, 2)][0] < pos[(2, 1)][0]
    assert pos[(2, 2)][1] == pytest.approx(130.0)  # the middle neuron sits at mid-height


def test_layer_shapes():
    rows = views.layer_shapes([3, 4, 2])
    assert rows[0] == {"l": 1, "W": None, "b": None, "z": None, "a": (3, 1)}
    assert rows[2] == {"l": 3, "W": (2, 4), "b": (2, 1), "z": (2, 1), "a": (2, 1)}


@pytest.mark.parametrize("sizes, l, j, k, message", [
    ([3, 4], 1, 1, 1, "l must be in 2..L = 2..2"),
    ([3, 4], 3, 1, 1, "l must be in 2..L"),
    ([3, 4], 2, 5, 1, "j must be in 1..n_2 = 1..4; got j = 5"),
    ([3, 4], 2, 1, 0, "k must be in 1..n_1 = 1..3; got k = 0"),
    ([3], 2, 1, 1, "2 to 6 layers"),
    ([3, 9], 2, 1, 1, "widths 1 to 8"),
])
def test_notation_view_bad_input(sizes, l, j, k, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        views.notation_view(sizes, l, j, k)


def test_parse_sizes():
    assert views.parse_sizes("3-4-4-2") == [3, 4, 4, 2]
    assert views.parse_sizes(" 2, 5 ,3 ") == [2, 5, 3]
    assert views.parse_sizes("3 - 4 4") == [3, 4, 4]
    with pytest.raises(ValueError, match="whole numbers"):
        views.parse_sizes("3-x")


@pytest.mark.parametrize("text, problem", [
    ("3--2", "two separators in a row"),
    ("3-,2", "two separators in a row"),
    ("-3-2", "start with '-'"),
    (",3,2", "start with ','"),
    ("3-2-", "end with '-'"),
    ("3-", "end with '-'"),
    ("", "type the widths"),
    ("   ", "type the widths"),
    ("3-2.5", "'2.5' is not a whole number"),
    ("3-+2", "'+2' is not a whole number"),
    ("3-x", "'x' is not a whole number"),
    ("3-0", "widths 1 to 8"),
    ("3-9", "widths 1 to 8"),
    ("3", "2 to 6 layers"),
    ("2-2-2-2-2-2-2", "2 to 6 layers"),
])
def test_parse_sizes_rejects_malformed_text_quoting_it(text, problem):
    with pytest.raises(ValueError) as err:
        views.parse_sizes(text)
    assert repr(text) in str(err.value) and problem in str(err.value)


def test_tour_is_valid():
    tour = views.notation_tour([3, 4, 4, 2])
    assert len(tour) >= 8 and len(set(map(str, tour))) == len(tour)
    for sizes, l, j, k in tour:
        views.notation_view(sizes, l, j, k)  # raises if any step is out of range


def test_notation_html_highlights_one_edge_and_one_cell(rng):
    for _ in range(10):
        sizes, l, j, k, view = random_view(rng)
        html = draw.notation_html(view)
        assert html.count(f'stroke="{draw.HIGHLIGHT}" stroke-width="4"') == 1
        assert html.count('<rect') == sizes[l - 1] * sizes[l - 2]
        assert html.count(f'fill="{draw.HIGHLIGHT}" stroke="#555"') == 1
        assert f"row {j}, column {k}" in html and "<script" not in html


def test_stepper_structure():
    html = Stepper(["<p>a</p>", "<p>b</p>"], ["one", "two <&>"], title="T")._repr_html_()
    assert html.count("data-stepper") == 1 and html.count("data-frame=") == 2
    assert "data-step='next'" in html and "data-step='prev'" in html   # built by the script
    assert "two &lt;&amp;&gt;" in html                 # captions are escaped
    assert html.count("<script") == 1
    with pytest.raises(ValueError, match="2 frames and 1 captions"):
        Stepper(["a", "b"], ["one"])


def test_notation_stepper_frames_match_the_tour():
    s = notation_stepper((3, 4, 4, 2))
    assert len(s.frames) == len(views.notation_tour([3, 4, 4, 2]))
    assert all("<svg" in f for f in s.frames)


def test_widget_clamps_sliders_when_widths_shrink():
    w = NotationWidget(sizes=(3, 4, 4, 2), l=4, j=2, k=4)
    w.widths.value = "2-3"
    assert (w.l.value, w.l.max) == (2, 2)
    assert w.j.max == 3 and w.k.max == 2 and w.k.value == 2
    assert "row 2, column 2" in w.picture.value and w.message.value == ""


def test_widget_reports_bad_widths_and_marks_the_last_picture():
    w = NotationWidget()
    w.widths.value = "3-99"
    assert "widths 1 to 8" in w.message.value
    view = w.update()                          # still the last network that parsed, marked as such
    assert view["sizes"] == [3, 4, 4, 2] and "not redrawn" in w.picture.value.lower()


def test_widget_follows_sliders():
    w = NotationWidget(sizes=(3, 4, 4, 2), l=3, j=2, k=3)
    w.l.value = 2
    w.k.value = 1
    view = w.update()
    assert (view["l"], view["j"], view["k"]) == (2, 2, 1)
    assert "row 2, column 1 of" in w.picture.value


def test_every_live_widget_displays_its_box_and_guards_reentry(monkeypatch):
    import IPython.display

    from mdlib.widgets import (BackpropWidget, ConvWidget, LiveWidget, NotationWidget, PoolWidget,
                               ShapeExplorer)

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    for cls in (NotationWidget, BackpropWidget, ShapeExplorer, ConvWidget, PoolWidget):
        widget = cls()
        assert isinstance(widget, LiveWidget) and widget.ui.children[-1] is widget.picture
        widget._ipython_display_()
        assert shown[-1]["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.ui.model_id
        assert "<svg" in widget.picture.value
    renders = []
    w = PoolWidget(stride=1, cell=8)
    original = w._render
    w._render = lambda: renders.append(1) or original()
    w.stride.value = 2                       # clamps cell from 8 to 3: one render, not two
    assert len(renders) == 1 and w.cell.value == 3


def test_pool_route_names_the_output_cell_and_its_window():
    x = np.arange(16.0).reshape(4, 4)
    for stride, (i, j), corner in [(2, (1, 0), (2, 0)), (1, (1, 0), (1, 0)), (1, (2, 2), (2, 2))]:
        n = (4 - 2) // stride + 1
        view = views.pool_route(x, np.ones((n, n)), i, j, 2, stride, "max")
        assert (view["i"], view["j"]) == (i, j) and (view["top"], view["left"]) == corner
        assert view["window"][0] == corner and view["window"][-1] == (corner[0] + 1, corner[1] + 1)
        assert "output cell (%d, %d)" % (i, j) in draw.pool_html(view).lower()
