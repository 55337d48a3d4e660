"""Chapter 3: the two-layer network's shapes against the arrays it computes; the explorer."""
import re
from pathlib import Path

import numpy as np
import pytest

from mdlib.models.two_layer import two_layer_backward, two_layer_forward
from mdlib.ui.shapes import (ShapeExplorer, sizes, explorer_tour, shape_explorer_html,
                             shape_explorer_stepper, two_layer_shapes)


def arrays(rng, m, n, k):
    """Every array of one forward and backward pass, by name."""
    W1, b1 = rng.normal(size=(k, m)), rng.normal(size=(k, 1))
    W2, b2 = rng.normal(size=(1, k)), rng.normal(size=(1, 1))
    _, cache = two_layer_forward(W1, b1, W2, b2, rng.normal(size=(m, n)))
    _, grads = two_layer_backward(rng.integers(2, size=(1, n)).astype(float), cache)
    return {**cache, **grads, "W1": W1, "b1": b1, "W2": W2, "b2": b2}


def test_every_shape_is_the_shape_computed(rng):
    for _ in range(20):
        m, n, k = (int(v) for v in rng.integers(1, 9, size=3))
        computed = arrays(rng, m, n, k)
        for r in two_layer_shapes(m, n, k):
            assert computed[r["name"]].shape == r["result"], r["name"]
            if r["left"] is not None:                 # a product: (a, b) @ (b, c) -> (a, c)
                assert r["left"][1] == r["right"][0] and r["result"] == (r["left"][0], r["right"][1])
            if r["like"] is not None:                 # a gradient has its parameter's shape
                name, shape = r["like"]
                assert computed[name].shape == shape == r["result"]
            if r["broadcast"] is not None:
                bias = computed["b" + r["name"][1]]
                assert bias.shape == r["broadcast"] and np.broadcast_shapes(r["result"], bias.shape) == r["result"]


def test_forward_then_backward():
    phases = [r["phase"] for r in two_layer_shapes(2, 3, 4)]
    assert phases == sorted(phases, key=["forward", "backward"].index) and set(phases) == {"forward", "backward"}


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_rejects_sizes_that_are_not_positive_whole_numbers(bad):
    with pytest.raises(ValueError, match="positive whole number"):
        two_layer_shapes(bad, 3, 3)


def test_stepper_shows_the_tour(text):
    s = shape_explorer_stepper()
    tour = explorer_tour()
    assert len(s.frames) == len(tour)
    for frame in s.frames:
        # every header cell has text; the empty corner is a data cell
        headers = re.findall(r"<th\b[^>]*>([^<]*)</th>", frame)
        assert headers == ["computed as", "product", "shape", "check"], headers
        assert "<tr><td></td><th" in frame
    for frame, (m, n, k) in zip(s.frames, tour):
        assert text(frame).startswith(sizes(m, n, k) + ".")


def test_widget_follows_its_sliders(text):
    w = ShapeExplorer(m=3, n=5, k=4)
    w.n.value = 200
    assert w.view == two_layer_shapes(3, 200, 4)
    w.k.value = 7
    assert w.view == two_layer_shapes(3, 200, 7)
    shown = text(w.picture.value)
    for r in w.view:                                  # the table names every shape it computes
        assert str(r["result"]) in shown
        if r["like"]:
            name = r["like"][0].replace("1", "₁").replace("2", "₂")    # as 3.3 writes it
            assert f"same shape as {name} {r['like'][1]}" in shown


def test_formulas_use_the_chapter_s_notation_not_numpy_arguments():
    """Chapter 3's prose writes a bias gradient as a sum over axis 1, the samples
    (db₂ = Σ with the subscript "axis 1", dZ₂); the rows say it in words a printed line can
    hold, the explorer typesets it as the prose does, with no NumPy call syntax."""
    rows = {r["name"]: r["formula"] for r in two_layer_shapes(2, 3, 4)}
    numpy_syntax = {name: f for name, f in rows.items() if re.search(r"axis=|keepdims|\(.*,", f)}
    assert not numpy_syntax, numpy_syntax
    assert rows["db2"] == "Σ over axis 1 of dZ₂" and rows["db1"] == "Σ over axis 1 of dZ₁", rows
    html = shape_explorer_html(2, 3, 4, two_layer_shapes(2, 3, 4))
    assert "Σ<sub>axis 1</sub> dZ₂" in html and "Σ<sub>axis 1</sub> dZ₁" in html
    assert "over axis" not in html


AXIS_IN_SUBSCRIPT_LETTERS = "ₐₓᵢₛ"   # drawn by a fallback font in most browsers


def test_no_word_is_spelled_in_unicode_subscript_letters():
    """"axis" spelled ₐₓᵢₛ (Σₐₓᵢₛ ₁) mixes fonts and sizes: ᵢ and ₓ are missing from most
    fonts. The explorer (HTML) uses <sub>, the notebooks' code and printed lines words."""
    root = Path(__file__).resolve().parents[2]
    found = [str(path.relative_to(root)) for path in
             [*root.joinpath("mdlib").rglob("*.py"), *root.joinpath("book").glob("*.ipynb"),
              *root.joinpath("book").glob("*.md")]
             if AXIS_IN_SUBSCRIPT_LETTERS in path.read_text(encoding="utf-8")]
    assert not found, found


def test_dz1_diagram_reads_as_the_formula():
    """The dZ₁ row of the block diagram reads W₂ᵀ · dZ₂ ⊙ σ′(Z₁) = dZ₁, as in 3.3: the
    factor σ′(Z₁) sits before the "=", never after it (which would say
    W₂ᵀ dZ₂ = dZ₁ ⊙ σ′(Z₁), so dZ₁ = W₂ᵀ dZ₂ / σ′(Z₁))."""
    from mdlib.ui.shapes import _product_diagram
    row = next(r for r in two_layer_shapes(3, 5, 4) if r["name"] == "dZ1")
    html = _product_diagram(row)
    # the blocks' labels and the operators between them, in the order a reader meets them
    seen = re.findall(r"font-size:12px'>([^<]*)<br>|vertical-align:middle'>([^<]*)</span>",
                      html)
    assert ["".join(t) for t in seen] == ["W₂ᵀ", "&middot;", "dZ₂", "&#8857;", "σ′(Z₁)",
                                          "=", "dZ₁"]


def test_html_explorer_reaches_the_square_case_of_3_6():
    """The HTML book's explorer offers m = n = k = 3, the square case in which 3.6 shows
    that shapes prove nothing (the chapter's note says so), and the widget's own sizes."""
    states = ShapeExplorer(m=3, n=5, k=4).explorable().states
    assert (3, 3, 3) in states and (3, 5, 4) in states
    assert states[(3, 3, 3)] == ShapeExplorer(m=3, n=3, k=3).render()[1]


def test_sizes_in_words_are_singular_for_one():
    assert sizes(1, 1, 1) == "m = 1 feature, n = 1 sample, k = 1 hidden unit"
    assert sizes(30, 426, 16) == "m = 30 features, n = 426 samples, k = 16 hidden units"
