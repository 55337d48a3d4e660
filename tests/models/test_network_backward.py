import numpy as np
import pytest

import mdlib


def dense_backward_loops(dz, W, a_prev):
    n_l, n_prev = W.shape
    N = dz.shape[1]
    dW = np.zeros_like(W)
    db = np.zeros((n_l, 1))
    da = np.zeros((n_prev, N))
    for n in range(N):
        for j in range(n_l):
            db[j, 0] += dz[j, n]
            for k in range(n_prev):
                dW[j, k] += dz[j, n] * a_prev[k, n]
                da[k, n] += W[j, k] * dz[j, n]
    return dW, db, da


def test_dense_backward_matches_loops_and_finite_differences(rng):
    for _ in range(6):
        n_l, n_prev, N = (int(v) for v in rng.integers(1, 6, size=3))
        W, b, a = rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)), rng.normal(size=(n_prev, N))
        dz = rng.normal(size=(n_l, N))
        dW, db, da = mdlib.dense_backward(dz, W, a)
        for ours, ref in zip((dW, db, da), dense_backward_loops(dz, W, a)):
            np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)
        # the scalar f = sum(dz * z) has gradient (dW, db, da) with respect to (W, b, a)
        f = lambda _: float(np.sum(dz * mdlib.dense_forward(W, b, a)))
        for ours, x in ((dW, W), (db, b), (da, a)):
            assert mdlib.relative_error(ours, mdlib.numerical_gradient(f, x)) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_backward_dtype_and_no_mutation(rng, dtype):
    dz, W, a = (rng.normal(size=s).astype(dtype) for s in [(3, 4), (3, 2), (2, 4)])
    copies = [x.copy() for x in (dz, W, a)]
    for out in mdlib.dense_backward(dz, W, a):
        assert out.dtype == dtype
    for x, c in zip((dz, W, a), copies):
        np.testing.assert_array_equal(x, c)


@pytest.mark.parametrize("shapes, message", [
    (((3, 4), (2, 2), (2, 4)), r"dz \(3, 4\) must have one row per row of W \(2, 2\)"),
    (((3, 4), (3, 2), (2, 5)), r"a_prev must have shape .*\(2, 4\).*got \(2, 5\)"),
    (((3, 4), (3, 2), (5, 4)), r"a_prev must have shape .*\(2, 4\).*got \(5, 4\)"),
    (((3,), (3, 2), (2, 1)), r"dz must be 2-D .*\(3,\)"),
])
def test_dense_backward_bad_shapes(shapes, message):
    with pytest.raises(ValueError, match=message):
        mdlib.dense_backward(*(np.ones(s) for s in shapes))


@pytest.mark.parametrize("loss, act", [("mse", "sigmoid"), ("softmax_cross_entropy", "tanh"),
                                       ("sigmoid_binary_cross_entropy", "relu")])
def test_network_gradients_match_finite_differences(rng, loss, act):
    sigma, sigma_prime = getattr(mdlib, act), getattr(mdlib, act + "_prime")
    for _ in range(2):
        depth = int(rng.integers(2, 5))
        sizes = [int(v) for v in rng.integers(1, 5, size=depth)]
        sizes[-1] = 1 if loss == "sigmoid_binary_cross_entropy" else max(sizes[-1], 2)
        N = int(rng.integers(1, 6))
        W, b = mdlib.init_params(sizes, rng)
        b = {l: rng.normal(scale=0.1, size=v.shape) for l, v in b.items()}
        X = rng.normal(size=(sizes[0], N))
        Y = {"mse": rng.uniform(size=(sizes[-1], N)),
             "softmax_cross_entropy": rng.integers(0, sizes[-1], size=N),
             "sigmoid_binary_cross_entropy": rng.integers(0, 2, size=(1, N)).astype(float)}[loss]
        g = mdlib.loss_and_gradients(W, b, X, Y, loss, sigma, sigma_prime)
        cost = lambda _: mdlib.evaluate(W, b, X, Y, loss, sigma)[0]
        for l in W:
            assert mdlib.gradient_check(cost, W[l], g.dW[l]).ok, l
            assert mdlib.gradient_check(cost, b[l], g.db[l]).ok, l


def test_backward_keeps_intermediates_and_rejects_bad_delta(rng):
    W, b = mdlib.init_params([3, 4, 2], rng)
    X = rng.normal(size=(3, 5))
    z, a = mdlib.forward(W, b, X)
    delta, dW, db = mdlib.backward(W, z, a, np.ones((2, 5)))
    assert sorted(delta) == [2, 3] and dW[2].shape == (4, 3) and db[3].shape == (2, 1)
    np.testing.assert_allclose(delta[2], (W[3].T @ np.ones((2, 5))) * mdlib.sigmoid_prime(z[2]))  # BP2
    with pytest.raises(ValueError, match=r"delta_L must have the shape of z\[3\] \(2, 5\); got \(2, 4\)"):
        mdlib.backward(W, z, a, np.ones((2, 4)))


def test_accuracy():
    scores = np.array([[0.9, 0.1, 0.3], [0.1, 0.8, 0.7]])
    assert mdlib.accuracy(scores, np.array([0, 1, 0])) == pytest.approx(2 / 3)
    assert mdlib.accuracy(scores, mdlib.one_hot(np.array([0, 1, 1]), 2)) == 1.0
    assert mdlib.accuracy(np.array([[0.2, 0.7, 0.5]]), np.array([[0, 1, 0]])) == pytest.approx(2 / 3)
    assert mdlib.accuracy(np.array([[-1.0, 2.0]]), np.array([[0, 1]]), threshold=0.0) == 1.0
    # source 003's multi-label target: argmax hits one label and misses the other
    with pytest.raises(ValueError, match="column 0 has 2 ones"):
        mdlib.accuracy(np.array([[0.9], [0.1], [0.8]]), np.array([[1], [0], [1]]))
    with pytest.raises(ValueError, match="column 1 has 0 ones"):
        mdlib.accuracy(scores, np.array([[1, 0, 0], [0, 0, 1]]))
    # soft targets keep their argmax as the label
    assert mdlib.accuracy(scores, np.array([[0.6, 0.3, 0.6], [0.4, 0.7, 0.4]])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"y \(4,\) .*scores \(2, 3\)"):
        mdlib.accuracy(scores, np.array([0, 1, 0, 1]))


def test_gradient_descent_batch_stops_and_lowers_the_loss(rng):
    X = rng.uniform(-1, 1, size=(2, 12))
    Y = mdlib.sigmoid(X[:1] - X[1:])
    W, b = mdlib.init_params([2, 3, 1], rng)
    W0 = {l: w.copy() for l, w in W.items()}
    W_fit, b_fit, h = mdlib.gradient_descent(W, b, X, Y, "mse", eta=2.0, max_iter=50_000, epsilon=1e-4)
    assert h["stopped"] == "epsilon" and h["iterations"] < 50_000
    assert h["loss"][-1] < h["loss"][0] / 10
    for l in W:                                             # inputs untouched
        np.testing.assert_array_equal(W[l], W0[l])
    _, _, h_max = mdlib.gradient_descent(W, b, X, Y, "mse", eta=2.0, max_iter=5, epsilon=1e-12)
    assert h_max["stopped"] == "max_iter" and h_max["iterations"] == 5 and len(h_max["loss"]) == 5


def test_gradient_descent_minibatch_is_reproducible_and_learns(rng):
    X = rng.normal(size=(4, 60))
    labels = (X[0] + X[1] > 0).astype(int) + (X[2] > 1).astype(int)
    W, b = mdlib.init_params([4, 8, 3], np.random.default_rng(0))
    runs = [mdlib.gradient_descent(W, b, X, labels, "softmax_cross_entropy", eta=0.5, max_iter=30, batch_size=8,
                                   rng=np.random.default_rng(7), X_val=X, Y_val=labels) for _ in range(2)]
    np.testing.assert_array_equal(runs[0][0][2], runs[1][0][2])
    h = runs[0][2]
    assert h["loss"][-1] < h["loss"][0] and h["val_accuracy"][-1] > 0.8


def test_gradient_descent_bad_arguments(rng):
    W, b = mdlib.init_params([2, 2], rng)
    X, Y = np.ones((2, 3)), np.ones((2, 3))
    with pytest.raises(ValueError, match="eta must be positive; got 0"):
        mdlib.gradient_descent(W, b, X, Y, eta=0)
    with pytest.raises(ValueError, match="rng"):
        mdlib.gradient_descent(W, b, X, Y, batch_size=2)
    with pytest.raises(ValueError, match="loss must be one of"):
        mdlib.gradient_descent(W, b, X, Y, loss="hinge")


def test_against_torch_autograd_when_available(rng):
    torch = pytest.importorskip("torch")
    W, b = mdlib.init_params([4, 5, 3], rng)
    X, labels = rng.normal(size=(4, 6)), rng.integers(0, 3, size=6)
    g = mdlib.loss_and_gradients(W, b, X, labels, "softmax_cross_entropy")
    tW = {l: torch.tensor(W[l], requires_grad=True) for l in W}
    tb = {l: torch.tensor(b[l], requires_grad=True) for l in b}
    a = torch.tensor(X)
    a = torch.sigmoid(tW[2] @ a + tb[2])
    logits = tW[3] @ a + tb[3]
    loss = torch.nn.functional.cross_entropy(logits.T, torch.tensor(labels))
    loss.backward()
    assert abs(loss.item() - g.loss) < 1e-12
    for l in W:
        assert mdlib.relative_error(g.dW[l], tW[l].grad.numpy()) < 1e-10
        assert mdlib.relative_error(g.db[l], tb[l].grad.numpy()) < 1e-10
