import numpy as np
import pytest
import sympy as sp

import mdlib
from mdlib.verify.symbolic import numeric_values, symbolic_network


def test_init_params_shapes_and_reproducibility():
    W, b = mdlib.init_params([3, 5, 2], np.random.default_rng(1))
    assert sorted(W) == [2, 3] and W[2].shape == (5, 3) and W[3].shape == (2, 5)
    assert b[2].shape == (5, 1) and np.all(b[3] == 0)
    W2, _ = mdlib.init_params([3, 5, 2], np.random.default_rng(1))
    np.testing.assert_array_equal(W[2], W2[2])
    assert mdlib.layer_sizes(W) == [3, 5, 2]


@pytest.mark.parametrize("sizes", [[3], [], [2, 0, 1]])
def test_init_params_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes"):
        mdlib.init_params(sizes, np.random.default_rng(0))


def test_forward_matches_symbolic_network_on_random_sizes(rng):
    sigma = sp.Function("sigma")
    t = sp.Symbol("t")
    for _ in range(3):
        sizes = [int(n) for n in rng.integers(1, 4, size=rng.integers(2, 5))]
        Ws, bs, xs = symbolic_network(sizes)
        a_sym = xs
        for l in range(2, len(sizes) + 1):
            a_sym = (Ws[l] * a_sym + bs[l]).applyfunc(sigma)
        W, b = mdlib.init_params(sizes, rng)
        b = {l: rng.normal(size=b[l].shape) for l in b}
        x = rng.normal(size=(sizes[0], 1))
        z, a = mdlib.forward(W, b, x, sigma=mdlib.tanh)
        assert sorted(z) == list(range(2, len(sizes) + 1)) and sorted(a) == list(range(1, len(sizes) + 1))
        pairs = [(Ws[l], W[l]) for l in W] + [(bs[l], b[l]) for l in b] + [(xs, x)]
        expected = a_sym.subs(sigma, sp.Lambda(t, sp.tanh(t))).subs(numeric_values(pairs))
        np.testing.assert_allclose(a[len(sizes)], np.array(expected, dtype=float), rtol=1e-12)


def test_forward_keeps_every_layer(rng):
    W, b = mdlib.init_params([4, 3, 2], rng)
    x = rng.normal(size=(4, 6))
    z, a = mdlib.forward(W, b, x)
    assert a[1] is not None and np.array_equal(a[1], x)
    np.testing.assert_allclose(z[2], W[2] @ x + b[2])
    np.testing.assert_allclose(a[3], mdlib.sigmoid(W[3] @ a[2] + b[3]))


def test_forward_bad_input(rng):
    W, b = mdlib.init_params([4, 3, 2], rng)
    with pytest.raises(ValueError, match=r"n_1 = 4 rows .*\(3, 4\).*x \(5, 2\)"):
        mdlib.forward(W, b, np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"x must be 2-D.*\(4,\)"):
        mdlib.forward(W, b, np.ones(4))
    with pytest.raises(ValueError, match=r"keys 2..L.*\[1, 2\]"):
        mdlib.forward({1: W[2], 2: W[3]}, b, np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"W\[3\] must have shape .*\(\?, 3\); got \(2, 5\)"):
        mdlib.forward({2: W[2], 3: np.ones((2, 5))}, b, np.ones((4, 1)))
    with pytest.raises(ValueError, match="same layer keys"):
        mdlib.forward(W, {2: b[2]}, np.ones((4, 1)))


def test_backward_names_missing_layers(rng):
    W, b = mdlib.init_params([4, 3, 2], rng)
    z, a = mdlib.forward(W, b, np.ones((4, 1)))
    delta = np.ones((2, 1))
    with pytest.raises(ValueError, match=r"z \(from forward: z\[2..L\]\) is missing keys \[3\]; it needs \[2, 3\], has \[2\]"):
        mdlib.backward(W, {2: z[2]}, a, delta)
    with pytest.raises(ValueError, match=r"a \(from forward: a\[1..L\]\) is missing keys \[1\]"):
        mdlib.backward(W, z, {2: a[2], 3: a[3]}, delta)
    with pytest.raises(ValueError, match=r"z \(from forward: z\[2..L\]\) must be a dict .*got list"):
        mdlib.backward(W, [z[2], z[3]], a, delta)
