"""Explorables: every state the HTML offers is the live widget's own picture, stored light."""
import json
import re

import ipywidgets
import pytest

from mdlib.ui.backprop import BackpropWidget
from mdlib.ui.convolution import ConvWidget, PoolWidget
from mdlib.ui.explorable import Explorable
from mdlib.ui.notation import NotationWidget
from mdlib.ui.shapes import ShapeExplorer

WIDGETS = [NotationWidget, BackpropWidget, ShapeExplorer, ConvWidget, PoolWidget]


def picture(a, b):
    if a + b > 3:
        raise ValueError("too big")
    return f"<p>{'x' * min(a, 1)}</p><svg><rect width='{b}'/></svg>"


def small():
    return Explorable("t", [("a", "range", [(0, "0"), (1, "1"), (2, "2")]),
                            ("b", "menu", [(0, "zero"), (1, "one"), (2, "two")])], picture, (1, 2))


def data_of(html):
    (blob,) = re.findall(r"<script type='application/json'>(.*?)</script>", html, re.S)
    return json.loads(blob)


def test_states_are_the_combinations_the_picture_accepts():
    e = small()
    assert set(e.states) == {(a, b) for a in range(3) for b in range(3) if a + b <= 3}
    assert e.caption((1, 2)) == "a: 1; b: two"


def test_identical_pictures_share_a_frame_and_pieces_rebuild_every_picture():
    e = small()
    d = e.data()
    # a = 1 and a = 2 draw the same picture for each b: 8 states, 6 distinct pictures
    assert len(d["states"]) == 8 and len(d["frames"]) == len(set(e.states.values())) == 6
    for (values, html), state in zip(e.states.items(), d["states"]):
        assert [dict(zip(range(3), range(3)))[v] for v in values] == state[:2]
        assert "".join(d["pieces"][i] for i in d["frames"][state[-1]]) == html
    # a piece shared by pictures is stored once
    assert d["pieces"].count("</svg>") == 1
    assert d["states"][d["initial"]][:2] == [1, 2]


@pytest.mark.parametrize("bad, message", [
    (dict(initial=(3, 3)), "initial values"),
    (dict(controls=[("a", "knob", [(0, "0")])], initial=(0,)), "kind must be"),
    (dict(controls=[("a", "range", [(0, "0"), (9, "9")]), ("b", "menu", [(0, "zero")])], initial=(0, 0)),
     "options \\['9'\\] are in no state"),
])
def test_a_wrong_explorable_is_refused(bad, message):
    args = dict(title="t", controls=[("a", "range", [(0, "0"), (1, "1")]), ("b", "menu", [(0, "zero")])],
                picture=picture, initial=(0, 0))
    args.update(bad)
    with pytest.raises(ValueError, match=message):
        Explorable(**args)


def set_controls(widget, explorable, values):
    """Move the live widget's controls, in order, to the values of one state."""
    by_label = {}
    for row in widget.ui.children:
        if isinstance(row, ipywidgets.HBox):
            by_label.update({c.description: c for c in row.children})
    for (label, _, _), value in zip(explorable.controls, values):
        by_label[label].value = value


@pytest.mark.parametrize("cls", WIDGETS)
def test_every_state_is_the_live_widgets_own_picture(cls):
    """Set the live widget to each state the explorable offers: it draws exactly that picture."""
    widget = cls()
    e = widget.explorable()
    assert e.states[e.initial] == widget.picture.value
    assert len(e.states) >= 12
    for values, html in e.states.items():
        set_controls(widget, e, values)
        assert widget.picture.value == html, f"{cls.__name__} at {values}"
    for i, (label, kind, options) in enumerate(e.controls):
        assert len({v[i] for v in e.states}) == len(options) >= 2, f"{label} offers one value"


@pytest.mark.parametrize("cls", WIDGETS)
def test_the_html_is_light_stable_and_has_no_ids(cls):
    widget = cls()
    html = widget.explorable()._repr_html_()
    assert html == cls().explorable()._repr_html_()
    assert not re.search(r"\sid=", html) and "data-stepper" not in html and "data-frame" not in html
    d = data_of(html)
    e = widget.explorable()
    assert len(d["states"]) == len(e.states)
    # stored as pieces, lighter than the pictures' HTML one after another (measured: 16% to 27%
    # of it, 57% for the backprop heatmaps, whose numbers differ from state to state)
    assert len(html) < 0.6 * sum(map(len, e.states.values())), (len(html), sum(map(len, e.states.values())))
    assert html.count("</script>") == 2
    # the explorable is a group named by its title
    assert html.startswith(f"<div class='mdlib-explorable' role='group' aria-label='{e.title}' "), html[:120]


def test_the_state_is_shown_without_script_and_only_announced_with_it():
    # In the markup (what a viewer that runs no script shows: no controls) the status line
    # is drawn; the script, once it has drawn the controls, hides it from sight: the
    # browser test (test_offline's check_explorable) measures it there.
    html = small()._repr_html_()
    (status,) = re.findall(r"<div data-role='status' ([^>]*)>([^<]*)</div>", html)
    attributes, text = status
    assert "aria-live='polite'" in attributes and text == "a: 1; b: two"
    style = re.search(r"style='([^']*)'", attributes).group(1)
    assert not {"position:absolute", "clip-path:inset(50%)"} & set(style.split(";")), style
