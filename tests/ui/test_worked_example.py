"""Chapter 2's worked example: the stepper's numbers against mdlib and against a hand computation
in plain Python floats (no NumPy, no mdlib), and the delta-norm bars."""
import math
import re

import numpy as np
import pytest

import mdlib
from mdlib.ui.backprop import (WORKED_EXAMPLE, worked_example_html, worked_example_steps,
                               worked_example_stepper, worked_example_values)


def sig(t):
    return 1.0 / (1.0 + math.exp(-t))


def by_hand(example=WORKED_EXAMPLE, prime_of="z"):
    """The worked example in plain floats, entry by entry. prime_of="a" makes BP2's classic
    mistake, sigma'(a^2) for sigma'(z^2) (the negative control)."""
    W = {l: example["W"][l].tolist() for l in (2, 3)}
    b = {l: [r[0] for r in example["b"][l].tolist()] for l in (2, 3)}
    x, y, eta = [r[0] for r in example["x"].tolist()], [r[0] for r in example["y"].tolist()], example["eta"]
    z2 = [W[2][j][0] * x[0] + W[2][j][1] * x[1] + b[2][j] for j in range(2)]
    a2 = [sig(v) for v in z2]
    z3 = [W[3][j][0] * a2[0] + W[3][j][1] * a2[1] + b[3][j] for j in range(2)]
    a3 = [sig(v) for v in z3]
    J = 0.5 * sum((a3[j] - y[j]) ** 2 for j in range(2))
    d3 = [(a3[j] - y[j]) * a3[j] * (1 - a3[j]) for j in range(2)]                       # BP1
    s2 = [a * (1 - a) for a in a2] if prime_of == "z" else [sig(a) * (1 - sig(a)) for a in a2]
    d2 = [(W[3][0][k] * d3[0] + W[3][1][k] * d3[1]) * s2[k] for k in range(2)]          # BP2
    dW = {3: [[d3[j] * a2[k] for k in range(2)] for j in range(2)],                        # BP4
          2: [[d2[j] * x[k] for k in range(2)] for j in range(2)]}
    db = {3: d3, 2: d2}                                                                    # BP3
    W_new = {l: [[W[l][j][k] - eta * dW[l][j][k] for k in range(2)] for j in range(2)] for l in (2, 3)}
    b_new = {l: [b[l][j] - eta * db[l][j] for j in range(2)] for l in (2, 3)}
    n2 = [sig(W_new[2][j][0] * x[0] + W_new[2][j][1] * x[1] + b_new[2][j]) for j in range(2)]
    n3 = [sig(W_new[3][j][0] * n2[0] + W_new[3][j][1] * n2[1] + b_new[3][j]) for j in range(2)]
    col = lambda v: np.array(v, dtype=float).reshape(-1, 1)
    return {"z2": col(z2), "a2": col(a2), "z3": col(z3), "a3": col(a3), "J": J,
            "a3-y": col([a3[j] - y[j] for j in range(2)]), "sp3": col([a * (1 - a) for a in a3]),
            "delta3": col(d3), "W3T_delta3": col([W[3][0][k] * d3[0] + W[3][1][k] * d3[1] for k in range(2)]),
            "sp2": col(s2), "delta2": col(d2), "dW3": np.array(dW[3]), "db3": col(d3),
            "dW2": np.array(dW[2]), "db2": col(d2), "W2_new": np.array(W_new[2]), "b2_new": col(b_new[2]),
            "W3_new": np.array(W_new[3]), "b3_new": col(b_new[3]),
            "J_new": 0.5 * sum((n3[j] - y[j]) ** 2 for j in range(2))}


def test_the_view_s_numbers_are_the_hand_computation_s_and_mdlib_s():
    v, hand = worked_example_values(), by_hand()
    for key, expected in hand.items():
        np.testing.assert_allclose(v[key], expected, rtol=1e-12, atol=0, err_msg=key)
    W, b, x, y = (WORKED_EXAMPLE[k] for k in ("W", "b", "x", "y"))
    z, a = mdlib.forward(W, b, x)
    _, delta_L = mdlib.output_delta("mse", z[3], a[3], y)
    delta, dW, db = mdlib.backward(W, z, a, delta_L)
    for l in (2, 3):
        for key, got in ((f"z{l}", z[l]), (f"a{l}", a[l]), (f"delta{l}", delta[l]), (f"dW{l}", dW[l]),
                         (f"db{l}", db[l])):
            np.testing.assert_allclose(v[key], got, rtol=1e-12, atol=0, err_msg=key)
    np.testing.assert_allclose(v["delta3"], v["a3-y"] * v["sp3"], rtol=1e-12, atol=0)        # BP1
    np.testing.assert_allclose(v["delta2"], v["W3T_delta3"] * v["sp2"], rtol=1e-12, atol=0)  # BP2
    assert v["J_new"] < v["J"]


def test_the_comparison_would_catch_sigma_prime_of_a_in_bp2():
    v, wrong = worked_example_values(), by_hand(prime_of="a")
    assert mdlib.relative_error(v["delta2"], wrong["delta2"]) > 1e-2
    assert mdlib.relative_error(v["sp2"], wrong["sp2"]) > 1e-2


def test_every_printed_number_is_far_from_a_rounding_boundary():
    # the frames print 4 decimals: a value within 1e-9 of a boundary could print differently
    for key, value in worked_example_values().items():
        scaled = np.abs(np.asarray(value, dtype=float)) * 1e4
        assert np.all(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-5), key


def test_the_frames_step_through_the_algorithm_in_order():
    steps = worked_example_steps()
    assert [s["rule"] for s in steps] == ["forward", "forward", "cost", "BP1", "BP2", "BP3, BP4", "BP3, BP4",
                                          "update"]
    known = set()
    for s in steps:
        assert set(s["uses"]) <= set(s["values"]) and set(s["gives"]) <= set(s["values"])
        assert known < set(s["values"]) and not set(s["gives"]) & known      # each step adds its results
        known = set(s["values"])
    assert len(worked_example_stepper().frames) == 8


def test_frames_print_the_numbers_and_typeset_the_labels(text):
    steps = worked_example_steps()
    bp2 = text(worked_example_html(steps[4]))
    assert "(0.5000·(−0.0528) + 0.7000·0.1296) · 0.2425 = 0.0643 · 0.2425 = 0.0156" in bp2
    assert "δ2 = ((W3)T δ3) ⊙ σ′(z2)" in bp2                          # sup/sub flattened by text()
    update = text(worked_example_html(steps[-1]))
    assert "J = 0.3520 → 0.3335" in update
    for s in steps:
        html = worked_example_html(s)
        highlighted = re.findall(r"<div style='font-size:13px;margin-bottom:2px'>(.*?)</div><table style='[^']*"
                                 r"outline:2px", html)
        assert len(highlighted) == len(s["gives"])
        for ascii_math in ("sigma", "delta", "^", "_", "'"):
            assert ascii_math not in text(html), (s["caption"], ascii_math)


def _printed_products(text):
    """(factor, factor, product, decimals of the product) for every "u · v = w" the BP1 and
    the BP3/BP4 frames print."""
    number = r"\(?(−?\d+\.\d+)\)?"
    found = []
    for s in worked_example_steps():
        if s["rule"] in ("BP1", "BP3, BP4"):
            for line in s["arithmetic"]:
                for u, v, w in re.findall(number + r"\s*·\s*" + number + r"\s*=\s*(−?\d+\.\d+)",
                                          text(line)):
                    places = len(w.split(".")[1])
                    u, v, w = (float(t.replace("−", "-")) for t in (u, v, w))
                    found.append((u, v, w, places))
    return found


def test_every_printed_product_is_what_its_printed_factors_give(text):
    products = _printed_products(text)
    assert len(products) >= 10
    assert {decimals for *_, decimals in products} == {4, 7}
    for u, v, w, decimals in products:
        scaled = abs(u * v) * 10 ** decimals          # the reader's multiplication, not at an edge
        assert abs(scaled - math.floor(scaled) - 0.5) > 1e-3, (u, v, w)
        assert round(u * v, decimals) == w, (u, v, w)


def test_the_product_on_a_rounding_edge_is_printed_to_7_decimals(text):
    frame = text(worked_example_html(worked_example_steps()[6]))    # BP3, BP4 at layer 2
    assert "0.0156908·0.5000 = 0.0078454" in frame
    assert "0.0156·0.5000 = 0.0078" in frame                          # 4 decimals elsewhere
    # the negative control: printed to 4 decimals, the same product sits on the edge
    scaled = round(0.0156908, 4) * 0.5 * 1e4
    assert abs(scaled - math.floor(scaled) - 0.5) < 1e-6
