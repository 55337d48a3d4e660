"""Chapter 1: the notation view, its tour and stepper, and the live NotationWidget."""
import re

import pytest

from mdlib.ui.notation import (MAX_LAYERS, MAX_WIDTH, NotationWidget, check_sizes, layer_shapes, network_layout,
                               notation_stepper, notation_tour, notation_view, parse_sizes)


def random_network(rng):
    sizes = [int(n) for n in rng.integers(1, MAX_WIDTH + 1, size=rng.integers(2, MAX_LAYERS + 1))]
    l = int(rng.integers(2, len(sizes) + 1))
    j = int(rng.integers(1, sizes[l - 1] + 1))
    k = int(rng.integers(1, sizes[l - 2] + 1))
    return sizes, l, j, k


# --- the pure view ---------------------------------------------------------------------------------

def test_notation_view_highlights_exactly_the_weight_picked(rng):
    for _ in range(50):
        sizes, l, j, k = random_network(rng)
        view = notation_view(sizes, l, j, k)
        # one node per neuron and one edge per weight: every (l, j, k) of every W^l
        assert sorted(view["nodes"]) == [(ll, jj) for ll in range(1, len(sizes) + 1) for jj in range(1, sizes[ll - 1] + 1)]
        weights = {(ll, jj, kk) for ll in range(2, len(sizes) + 1)
                   for jj in range(1, sizes[ll - 1] + 1) for kk in range(1, sizes[ll - 2] + 1)}
        assert {e[:3] for e in view["edges"]} == weights and len(view["edges"]) == len(weights)
        assert [e[:3] for e in view["edges"] if e[3]] == [(l, j, k)]
        assert view["source"] == (l - 1, k) and view["target"] == (l, j)
        assert view["matrix"] == (sizes[l - 1], sizes[l - 2]) and view["cell"] == (j, k)
        assert view["shapes"][l - 1]["W"] == view["matrix"]
        assert view["nodes"][view["source"]][0] < view["nodes"][view["target"]][0]


def test_layout_puts_layers_left_to_right_and_centres_each_layer(rng):
    for _ in range(20):
        sizes = random_network(rng)[0]
        height = float(rng.uniform(100, 400))
        pos = network_layout(sizes, height=height)
        xs = [pos[(l, 1)][0] for l in range(1, len(sizes) + 1)]
        assert xs == sorted(set(xs))
        for l, n in enumerate(sizes, start=1):
            ys = [pos[(l, j)][1] for j in range(1, n + 1)]
            assert ys == sorted(ys) and {pos[(l, j)][0] for j in range(1, n + 1)} == {xs[l - 1]}
            assert (ys[0] + ys[-1]) / 2 == pytest.approx(height / 2)   # centred vertically


def test_layer_shapes_follow_the_widths(rng):
    for _ in range(20):
        sizes = random_network(rng)[0]
        rows = layer_shapes(sizes)
        assert rows[0] == {"l": 1, "W": None, "b": None, "z": None, "a": (sizes[0], 1)}
        for l, row in enumerate(rows[1:], start=2):
            n, n_prev = sizes[l - 1], sizes[l - 2]
            assert row == {"l": l, "W": (n, n_prev), "b": (n, 1), "z": (n, 1), "a": (n, 1)}


@pytest.mark.parametrize("sizes, l, j, k, message", [
    ([3, 4], 1, 1, 1, "l must be in 2..L = 2..2"),
    ([3, 4], 3, 1, 1, "l must be in 2..L"),
    ([3, 4], 2, 5, 1, "j must be in 1..n_2 = 1..4; got j = 5"),
    ([3, 4], 2, 1, 0, "k must be in 1..n_1 = 1..3; got k = 0"),
    ([3], 2, 1, 1, f"2 to {MAX_LAYERS} layers"),
    ([3, MAX_WIDTH + 1], 2, 1, 1, f"widths 1 to {MAX_WIDTH}"),
])
def test_notation_view_bad_input(sizes, l, j, k, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        notation_view(sizes, l, j, k)


def test_parse_sizes_reads_every_separator(rng):
    for _ in range(20):
        sizes = random_network(rng)[0]
        for sep in ("-", ", ", " ", " - "):
            assert parse_sizes(f" {sep.join(map(str, sizes))} ") == check_sizes(sizes) == sizes


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
    ("3-0", f"widths 1 to {MAX_WIDTH}"),
    (f"3-{MAX_WIDTH + 1}", f"widths 1 to {MAX_WIDTH}"),
    ("3", f"2 to {MAX_LAYERS} layers"),
    ("-".join(["2"] * (MAX_LAYERS + 1)), f"2 to {MAX_LAYERS} layers"),
])
def test_parse_sizes_rejects_malformed_text_quoting_it(text, problem):
    with pytest.raises(ValueError) as err:
        parse_sizes(text)
    assert repr(text) in str(err.value) and problem in str(err.value)


def test_tour_steps_are_distinct_valid_weights():
    tour = notation_tour([3, 4, 4, 2])
    assert len(set(map(str, tour))) == len(tour)
    for sizes, l, j, k in tour:
        notation_view(sizes, l, j, k)            # raises if any step is out of range


def test_stepper_shows_the_tour_one_weight_a_frame(text):
    tour = notation_tour([3, 4, 4, 2])
    s = notation_stepper((3, 4, 4, 2))
    assert len(s.frames) == len(tour)
    for frame, (_, l, j, k) in zip(s.frames, tour):
        assert f"row {j}, column {k} of W{l}" in text(frame)


# --- the live widget -------------------------------------------------------------------------------

def test_widget_follows_its_sliders(text):
    w = NotationWidget(sizes=(3, 4, 4, 2), l=3, j=2, k=3)
    w.l.value = 2
    w.k.value = 1
    view = w.update()
    assert view == notation_view([3, 4, 4, 2], 2, 2, 1)
    assert "row 2, column 1 of W2" in text(w.picture.value)


def test_widget_clamps_sliders_when_widths_shrink():
    w = NotationWidget(sizes=(3, 4, 4, 2), l=4, j=2, k=4)
    w.widths.value = "2-3"
    assert (w.l.value, w.l.max) == (2, 2)
    assert (w.j.max, w.k.max, w.k.value) == (3, 2, 2)
    assert w.view == notation_view([2, 3], 2, 2, 2) and w.message.value == ""


def test_widths_redraw_as_the_reader_types():
    w = NotationWidget(sizes=(3, 4, 4, 2))
    assert w.widths.continuous_update is True
    for partial in ["3-4-4-", "3-4-4", "3-4-", "3-4", "3-", "3", "", "5", "5-", "5-2"]:
        w.widths.value = partial                     # every keystroke renders; none raises
    view = w.update()
    assert view["sizes"] == [5, 2] and view["l"] == 2 and w.message.value == ""
    assert (w.l.max, w.j.max, w.k.max) == (2, 2, 5)


@pytest.mark.parametrize("typed, problem", [
    ("3-", "end with '-'"),
    ("3", "2 to 6 layers"),
    ("", "type the widths"),
    ("3--2", "no width between"),
    ("-3-2", "start with '-'"),
    ("3-99", "widths 1 to 8"),
])
def test_partial_or_bad_widths_give_a_message_and_a_marked_picture(typed, problem, text):
    w = NotationWidget(sizes=(3, 4, 4, 2), l=3, j=2, k=3)
    w.widths.value = typed
    message = text(w.message.value)
    assert repr(typed) in message and problem in message
    # the old network is not shown as if it were the typed one: the picture says what it is
    picture = text(w.picture.value)
    assert "not redrawn" in picture.lower() and "3-4-4-2" in picture and repr(typed) in picture
    assert w.update()["sizes"] == [3, 4, 4, 2]
    w.widths.value = "2-3"
    assert w.message.value == "" and "not redrawn" not in text(w.picture.value).lower()
    assert w.update()["sizes"] == [2, 3]


def test_widths_message_is_escaped():
    w = NotationWidget()
    w.widths.value = "<b>3</b>"
    assert "<b>" not in w.message.value and "&lt;b&gt;" in w.message.value
