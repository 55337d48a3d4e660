import numpy as np
import pytest

import mdlib
from mdlib.models.two_layer import two_layer_backward, two_layer_forward


def random_problem(rng, m=None, n=None, k=None):
    m, n, k = (int(v) if v else int(rng.integers(1, 7)) for v in (m, n, k))
    params = dict(W1=rng.normal(size=(k, m)), b1=rng.normal(size=(k, 1)),
                  W2=rng.normal(size=(1, k)), b2=rng.normal(size=(1, 1)))
    X = rng.normal(size=(m, n))
    Y = rng.integers(0, 2, size=(1, n)).astype(float)
    return params, X, Y


def test_forward_shapes_and_values(rng):
    for _ in range(5):
        p, X, Y = random_problem(rng)
        A2, cache = two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)
        k, n = p["W1"].shape[0], X.shape[1]
        assert cache["Z1"].shape == cache["A1"].shape == (k, n) and A2.shape == (1, n)
        np.testing.assert_allclose(A2, mdlib.sigmoid(p["W2"] @ mdlib.sigmoid(p["W1"] @ X + p["b1"]) + p["b2"]))


def test_backward_matches_finite_differences_and_general_network(rng):
    for _ in range(5):
        p, X, Y = random_problem(rng)
        _, cache = two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)
        loss, grads = two_layer_backward(Y, cache)
        J = lambda _: two_layer_backward(Y, two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)[1])[0]
        for name, P in p.items():
            assert grads["d" + name].shape == P.shape
            assert mdlib.gradient_check(J, P, grads["d" + name]).ok, name
        g = mdlib.loss_and_gradients({2: p["W1"], 3: p["W2"]}, {2: p["b1"], 3: p["b2"]}, X, Y,
                                     "sigmoid_binary_cross_entropy")
        assert g.loss == pytest.approx(loss, rel=1e-14)
        for ours, general in (("dW1", g.dW[2]), ("dW2", g.dW[3]), ("db1", g.db[2]), ("db2", g.db[3])):
            np.testing.assert_allclose(grads[ours], general, rtol=1e-13, atol=1e-15)


def test_one_over_n_sits_in_dZ2(rng):
    p, X, Y = random_problem(rng, n=7)
    A2, cache = two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)
    _, grads = two_layer_backward(Y, cache)
    np.testing.assert_allclose(grads["dZ2"], (A2 - Y) / 7)
    np.testing.assert_allclose(grads["dW2"], (1 / 7) * (A2 - Y) @ cache["A1"].T)


@pytest.mark.parametrize("shapes, message", [
    (dict(W1=(4, 3), b1=(4, 1), W2=(1, 4), b2=(1, 1), X=(5, 10)), r"W1 @ X: \(4, 3\) and \(5, 10\)"),
    (dict(W1=(4, 5), b1=(4, 1), W2=(1, 3), b2=(1, 1), X=(5, 10)), r"W2 @ A1: \(1, 3\) and \(4, 10\)"),
    (dict(W1=(4, 5), b1=(5, 1), W2=(1, 4), b2=(1, 1), X=(5, 10)), r"b1 must have shape \(4, 1\).*got \(5, 1\)"),
    (dict(W1=(4, 5), b1=(4, 1), W2=(2, 4), b2=(1, 1), X=(5, 10)), r"W2 must have shape \(1, 4\).*got \(2, 4\)"),
    (dict(W1=(4, 5), b1=(4, 1), W2=(1, 4), b2=(1,), X=(5, 10)), r"b2 must have shape \(1, 1\); got \(1,\)"),
    (dict(W1=(4, 5), b1=(4, 1), W2=(1, 4), b2=(1, 1), X=(5,)), r"X must be 2-D .*\(5,\)"),
])
def test_shape_errors_name_the_product_and_both_shapes(shapes, message):
    with pytest.raises(ValueError, match=message):
        two_layer_forward(*(np.ones(shapes[name]) for name in ("W1", "b1", "W2", "b2", "X")))


def test_backward_rejects_wrong_labels(rng):
    p, X, _ = random_problem(rng, n=4)
    _, cache = two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)
    with pytest.raises(ValueError, match=r"Y must have the shape of A2 \(1, 4\).*got \(4,\)"):
        two_layer_backward(np.ones(4), cache)


def test_backward_names_missing_cache_keys(rng):
    p, X, Y = random_problem(rng, n=3)
    _, cache = two_layer_forward(p["W1"], p["b1"], p["W2"], p["b2"], X)
    del cache["A1"], cache["Z2"]
    with pytest.raises(ValueError, match=r"cache \(from two_layer_forward\) is missing keys \['A1', 'Z2'\]"):
        two_layer_backward(Y, cache)


def test_two_layer_under_the_training_loop_is_chapter_2s_network(rng):
    from mdlib.models.train import train
    from mdlib.models.two_layer import two_layer_loss_and_gradients
    p, X, Y = random_problem(rng, m=3, n=8, k=4)
    loss, grads = two_layer_loss_and_gradients(p, X, Y)
    assert set(grads) == set(p)
    ours, h = train(two_layer_loss_and_gradients, p, X, Y, eta=0.5, max_iter=20, evaluate=lambda q, X, Y: (0.0, 0.0))
    W, b, _ = mdlib.gradient_descent({2: p["W1"], 3: p["W2"]}, {2: p["b1"], 3: p["b2"]}, X, Y,
                                     "sigmoid_binary_cross_entropy", eta=0.5, max_iter=20)
    for name, general in (("W1", W[2]), ("W2", W[3]), ("b1", b[2]), ("b2", b[3])):
        np.testing.assert_allclose(ours[name], general, rtol=1e-12, atol=1e-14)
    assert h["iterations"] == 20
