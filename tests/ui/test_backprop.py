"""Chapter 2: the backprop steps against an independent computation, the stepper, BackpropWidget."""
from html.parser import HTMLParser

import numpy as np
import pytest

import mdlib
from mdlib.ui.backprop import (LOSS_NAMES, WIDGET_LOSSES, BackpropWidget, backprop_html, backprop_problem,
                               backprop_stepper, backprop_steps)

LOSSES = ["mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy"]


def problem(rng, loss, N=3):
    sizes = [int(n) for n in rng.integers(1, 5, size=rng.integers(2, 5))]
    sizes[-1] = 1 if loss == "sigmoid_binary_cross_entropy" else max(sizes[-1], 2)
    W, b = mdlib.init_params(sizes, rng)
    x = rng.normal(size=(sizes[0], N))
    if loss == "mse":
        y = rng.uniform(size=(sizes[-1], N))
    elif loss == "softmax_cross_entropy":
        y = rng.integers(sizes[-1], size=N)
    else:
        y = rng.integers(2, size=(1, N)).astype(float)
    return W, b, x, y


def cost(W, b, x, y, loss):
    return mdlib.loss_and_gradients(W, b, x, y, loss).loss


@pytest.mark.parametrize("loss", LOSSES)
def test_steps_combine_their_operands_into_delta_and_the_gradients_are_the_cost_s(rng, loss):
    W, b, x, y = problem(rng, loss)
    steps = backprop_steps(W, b, x, y, loss)
    L, N = max(W), x.shape[1]
    assert [s["l"] for s in steps] == list(range(L, 1, -1))
    z, a = mdlib.forward(W, b, x, mdlib.sigmoid, mdlib.output_layer(loss))
    for s in steps:
        ops = dict(s["operands"])
        if s["rule"] == "BP2":                       # delta^l = (W^{l+1})^T delta^{l+1} * sigma'(z^l)
            np.testing.assert_allclose(ops["W_next_T"] @ ops["delta_next"] * ops["sigma_prime"], s["delta"])
        elif s["fused"]:                             # delta^L = (p - y) / N, p the loss's probabilities
            p = mdlib.softmax(z[L]) if loss == "softmax_cross_entropy" else mdlib.sigmoid(z[L])
            np.testing.assert_allclose(ops["probs"], p, atol=1e-12)
            np.testing.assert_allclose((ops["probs"] - ops["y"]) / N, s["delta"], atol=1e-15)
        else:                                        # delta^L = (a^L - y) * sigma'(z^L) / N
            np.testing.assert_allclose(ops["a-y"], a[L] - y)
            np.testing.assert_allclose(ops["a-y"] * ops["sigma_prime"] / N, s["delta"])
        np.testing.assert_allclose(s["a_prev"], a[s["l"] - 1])
        np.testing.assert_allclose(s["dW"], s["delta"] @ a[s["l"] - 1].T)          # BP4
        np.testing.assert_allclose(s["db"], s["delta"].sum(axis=1, keepdims=True))  # BP3
        l = s["l"]
        numeric = mdlib.numerical_gradient(lambda Wl: cost({**W, l: Wl}, b, x, y, loss), W[l].copy())
        np.testing.assert_allclose(s["dW"], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss", LOSSES)
def test_rules_are_bp1_at_the_output_then_bp2(rng, loss):
    steps = backprop_steps(*problem(rng, loss), loss)
    assert [s["rule"] for s in steps] == ["BP1"] + ["BP2"] * (len(steps) - 1)
    assert all(s["fused"] == (mdlib.output_layer(loss) is not None) for s in steps)
    assert all((s["probabilities"] is None) == (not s["fused"]) for s in steps)


@pytest.mark.parametrize("loss", WIDGET_LOSSES)
def test_problem_targets_suit_the_loss(loss):
    W, b, x, y = backprop_problem([3, 4, 2], 0, loss)
    backprop_steps(W, b, x, y, loss)                 # a target the loss does not take would raise
    assert x.shape == (3, 1) and sorted(W) == [2, 3]


def test_stepper_steps_every_layer_for_every_loss(text):
    sizes = (3, 4, 3, 2)
    s = backprop_stepper(sizes=sizes, seed=0)
    expected = [(loss, l) for loss in WIDGET_LOSSES for l in range(len(sizes), 1, -1)]
    named = {loss: LOSS_NAMES[loss][0].upper() + LOSS_NAMES[loss][1:] for loss in WIDGET_LOSSES}
    assert [c.split(":")[0] for c in s.captions] == [f"{named[loss]}, layer l = {l}" for loss, l in expected]
    assert [text(f).split(".")[0] for f in s.frames] == [f"Layer l = {l} of L = {len(sizes)}" for _, l in expected]


def test_widget_controls_change_the_step():
    w = BackpropWidget(sizes=(3, 4, 3, 2), seed=0, loss="mse")
    assert [v for _, v in w.layer.options] == [4, 3, 2]
    assert list(w.loss.options) == [(LOSS_NAMES[x], x) for x in WIDGET_LOSSES]   # text, value
    first = w.update()
    assert (first["l"], first["rule"], first["loss"]) == (4, "BP1", "mse")
    w.layer.value = 2
    assert (w.view["l"], w.view["rule"]) == (2, "BP2")
    w.loss.value = "softmax_cross_entropy"
    assert w.view["fused"] and w.view["l"] == 2
    before = w.view["delta"]
    w.seed.value = 1
    expected = {s["l"]: s for s in backprop_steps(*backprop_problem([3, 4, 3, 2], 1, "softmax_cross_entropy"),
                                                   "softmax_cross_entropy")}[2]
    np.testing.assert_array_equal(w.view["delta"], expected["delta"])
    assert not np.array_equal(before, w.view["delta"])


class _WrapGroups(HTMLParser):
    """The children of every row that wraps (a div styled flex-wrap: wrap), each child as
    the text a reader sees in it (labels outside the SVG diagrams)."""

    def __init__(self):
        super().__init__()
        self.stack, self.rows, self.svg = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.svg += tag == "svg"
        if tag != "div":
            return
        style = dict(attrs).get("style") or ""
        parent = self.stack[-1] if self.stack else None
        if parent == "wrap":
            self.rows[-1].append("")
        self.stack.append("wrap" if "flex-wrap:wrap" in style.replace(" ", "") else "div")
        if self.stack[-1] == "wrap":
            self.rows.append([])

    def handle_endtag(self, tag):
        self.svg -= tag == "svg"
        if tag == "div":
            self.stack.pop()

    def handle_data(self, data):
        if not self.svg and "wrap" in self.stack:
            self.rows[-1][-1] += data


@pytest.mark.parametrize("batch", [False, True])
def test_results_wrap_below_their_products_on_a_narrow_screen(batch):
    """At 390 px a reader once saw "( … ) ⊙ σ′(z²) =" and nothing: the result δˡ and the
    gradients sat off-screen in one unbreakable row. The product, "= δˡ", "= ∂J/∂Wˡ" and
    ∂J/∂bˡ are groups of a row that wraps, each "=" starting the group of its result."""
    rng = np.random.default_rng(5)
    W, b, x, y = problem(rng, "mse", N=2 if batch else 1)
    for step in backprop_steps(W, b, x, y, "mse"):
        parser = _WrapGroups()
        parser.feed(backprop_html(step))
        groups = [["".join(g.split()) for g in row] for row in parser.rows]
        delta, W_l, b_l = ("Δ" if batch else "δ"), f"W{step['l']}", f"b{step['l']}"
        assert len(groups) == 2 and [len(row) for row in groups] == [2, 3], groups
        assert "=" not in groups[0][0] and groups[0][1].startswith(f"={delta}{step['l']}")
        assert groups[1][1].startswith("=∂") and W_l in groups[1][1]
        assert b_l in groups[1][2] and "=" not in groups[1][0] + groups[1][2]
