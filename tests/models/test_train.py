import numpy as np
import pytest

import mdlib
from mdlib.models.losses import LOSSES, Loss, get_loss
from mdlib.models.network import DenseNetwork, as_params, from_params
from mdlib.models.train import HISTORY_KEYS, check_grads, train


def quadratic(A, c):
    """A model with a known gradient: C = 1/2 ||A p - c||^2 in p; X and Y are ignored."""
    def loss_and_gradients(params, X, Y):
        r = A @ params["p"] - c
        return 0.5 * float(r @ r), {"p": A.T @ r}
    return loss_and_gradients, (lambda params, X, Y: (loss_and_gradients(params, X, Y)[0], 0.0))


def test_train_is_gradient_descent_step_by_step(rng):
    """Against a hand-written loop: p <- p - eta A^T (A p - c), the epsilon rule on the last change."""
    A, c = rng.normal(size=(5, 3)), rng.normal(size=5)
    lg, ev = quadratic(A, c)
    p0 = rng.normal(size=3)
    params, h = train(lg, {"p": p0}, np.zeros((1, 4)), np.zeros(4), eta=0.05, max_iter=10_000, epsilon=1e-9,
                      evaluate=ev)
    p, n = p0.copy(), 0
    while True:
        step = 0.05 * (A.T @ (A @ p - c))
        p, n = p - step, n + 1
        if np.abs(step).max() < 1e-9 or n == 10_000:
            break
    assert h["iterations"] == n and h["stopped"] == "epsilon"
    np.testing.assert_array_equal(params["p"], p)
    np.testing.assert_allclose(params["p"], np.linalg.lstsq(A, c, rcond=None)[0], atol=1e-6)
    assert set(h) == set(HISTORY_KEYS) and h["val_accuracy"] == []
    np.testing.assert_array_equal(p0, p0.copy())


def test_train_refuses_grads_with_other_keys():
    def lg(params, X, Y):
        return 0.0, {"W": params["W"], "B": params["b"]}
    with pytest.raises(ValueError, match=r"grads must have exactly the keys of params \['W', 'b'\]; missing \['b'\], unexpected \['B'\]"):
        train(lg, {"W": np.ones(2), "b": np.ones(1)}, np.ones((1, 3)), np.ones(3), evaluate=lambda *a: (0.0, 0.0))
    check_grads({"a": 1}, {"a": 2})


def test_minibatches_visit_each_sample_once_per_epoch_along_the_sample_axis(rng):
    seen = []

    def lg(params, X, Y):
        seen.append(Y.copy())
        assert X.shape[0] == Y.shape[0]                 # images (N, C, H, W): samples on axis 0
        return 0.0, {"p": np.zeros(1)}
    X, y = rng.normal(size=(10, 1, 2, 2)), np.arange(10)
    X[:, 0, 0, 0] = y
    train(lg, {"p": np.zeros(1)}, X, y, max_iter=2, batch_size=3, rng=rng, evaluate=lambda *a: (0.0, 0.0),
          sample_axis=0)
    sizes = [len(b) for b in seen]
    assert sizes == [3, 3, 2, 2] * 2
    assert sorted(np.concatenate(seen[:4]).tolist()) == list(range(10))


def test_gradient_descent_equals_train_on_the_dense_network(rng):
    W, b = mdlib.init_params([3, 4, 2], rng)
    X, labels = rng.normal(size=(3, 9)), rng.integers(0, 2, size=9)
    W_fit, b_fit, h = mdlib.gradient_descent(W, b, X, labels, "softmax_cross_entropy", eta=0.3, max_iter=7,
                                             batch_size=4, rng=np.random.default_rng(2), sigma=mdlib.tanh,
                                             sigma_prime=mdlib.tanh_prime)
    model = DenseNetwork("softmax_cross_entropy", mdlib.tanh, mdlib.tanh_prime)
    params, h2 = train(model.loss_and_gradients, as_params(W, b), X, labels, 0.3, 7, batch_size=4,
                       rng=np.random.default_rng(2), evaluate=model.evaluate)
    assert h == h2 and set(h) == set(HISTORY_KEYS)
    W2, b2 = from_params(params)
    assert all(np.array_equal(W_fit[l], W2[l]) and np.array_equal(b_fit[l], b2[l]) for l in W)


def test_params_round_trip_and_names(rng):
    W, b = mdlib.init_params([2, 3, 4, 1], rng)
    params = as_params(W, b)
    assert list(params) == ["W2", "b2", "W3", "b3", "W4", "b4"] and params["W3"] is W[3]
    W2, b2 = from_params(params)
    assert W2 == W and b2 == b
    with pytest.raises(ValueError, match="named W<l> and b<l>.*'w2'"):
        from_params({"w2": W[2]})


def test_dense_network_loss_and_gradients_follow_the_convention(rng):
    W, b = mdlib.init_params([3, 2, 1], rng)
    X, Y = rng.normal(size=(3, 5)), rng.integers(0, 2, size=(1, 5)).astype(float)
    model = DenseNetwork("sigmoid_binary_cross_entropy")
    params = as_params(W, b)
    loss, grads = model.loss_and_gradients(params, X, Y)
    assert set(grads) == set(params)
    for name in params:
        assert mdlib.gradient_check(lambda _: model.evaluate(params, X, Y)[0], params[name], grads[name]).ok, name
    with pytest.raises(ValueError, match="loss must be one of"):
        DenseNetwork("hinge")


def test_loss_registry(rng):
    assert tuple(LOSSES) == ("mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy")
    assert all(isinstance(v, Loss) and v.name == k for k, v in LOSSES.items())
    assert get_loss("mse") is LOSSES["mse"] and get_loss(LOSSES["mse"]) is LOSSES["mse"]
    for bad in ("hinge", None, 3):
        with pytest.raises(ValueError, match=r"loss must be one of \('mse', 'softmax_cross_entropy', "):
            get_loss(bad)
    z = rng.normal(size=(3, 4))
    for spec in LOSSES.values():
        assert (spec.output is None) == (not spec.fused) == (spec.probabilities is None)
        if spec.fused:       # delta^L = probabilities(z) - Y, over N: what Chapter 2 and 3 derive
            zz = z[:1] if spec.name.startswith("sigmoid") else z
            Y = rng.integers(0, 2, size=zz.shape).astype(float) if zz.shape[0] == 1 else mdlib.one_hot(
                rng.integers(0, 3, size=4), 3)
            np.testing.assert_allclose(spec.kernel(zz, Y)[1], (spec.probabilities(zz) - Y) / 4, rtol=1e-12)
    assert mdlib.output_layer("mse") is None and mdlib.output_layer("softmax_cross_entropy") is mdlib.identity
