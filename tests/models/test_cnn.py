import copy
import pickle

import numpy as np
import pytest

import mdlib
from mdlib.models.cnn import CNN, cnn_evaluate, cnn_forward, cnn_loss_and_gradients, init_cnn, predict, train_cnn


def forward_loops(params, x, stride, padding, pool):
    """The CNN's logits by explicit loops over every output cell: an oracle independent of im2col."""
    k, bk, W, b = params["k"], params["bk"], params["W"], params["b"]
    N, C, H, Wd = x.shape
    F, _, KH, KW = k.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    u = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    u[n, f, i, j] = bk[f] + np.sum(xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW] * k[f])
    a = np.maximum(u, 0)
    PH, PW = (OH - pool) // pool + 1, (OW - pool) // pool + 1
    p = np.zeros((N, F, PH, PW))
    for i in range(PH):
        for j in range(PW):
            p[:, :, i, j] = a[:, :, i * pool:(i + 1) * pool, j * pool:(j + 1) * pool].max(axis=(2, 3))
    return W @ p.reshape(N, -1).T + b


@pytest.mark.parametrize("padding, stride, pool, kernel", [(1, 1, 2, 3), (0, 1, 2, 3), (2, 2, 2, 3), (0, 1, 3, 2)])
def test_hyperparameters_stay_with_the_model(rng, padding, stride, pool, kernel):
    params = init_cnn(rng, in_shape=(2, 8, 8), maps=3, kernel=kernel, classes=4, padding=padding, stride=stride, pool=pool)
    assert (params.padding, params.stride, params.pool) == (padding, stride, pool)
    x, y = rng.uniform(size=(5, 2, 8, 8)), rng.integers(0, 4, size=5)
    params["bk"][:] = rng.normal(scale=0.1, size=3)
    np.testing.assert_allclose(predict(params, x), forward_loops(params, x, stride, padding, pool), rtol=1e-12, atol=1e-12)
    loss, grads = cnn_loss_and_gradients(params, x, y)
    assert set(grads) == set(params) == {"k", "bk", "W", "b"}
    for name, value in params.items():
        assert grads[name].shape == value.shape
        assert mdlib.gradient_check(lambda _: cnn_loss_and_gradients(params, x, y)[0], value, grads[name]).ok, name


def test_init_cnn_without_padding_then_loss_and_gradients(rng):
    """The issue's case: init_cnn(rng, padding=0) followed by cnn_loss_and_gradients used to fail
    with W @ a_prev: (10, 72) and (128, 2)."""
    params = init_cnn(np.random.default_rng(0), padding=0)
    x, y = rng.uniform(size=(2, 1, 8, 8)), rng.integers(0, 10, size=2)
    loss, grads = cnn_loss_and_gradients(params, x, y)
    assert params["W"].shape == (10, 72) and np.isfinite(loss)
    trained, history = train_cnn(params, x, y, epochs=2, batch_size=1, rng=np.random.default_rng(1))
    assert trained.padding == 0 and len(history["loss"]) == 2


def test_copies_keep_the_hyperparameters(rng):
    params = init_cnn(rng, padding=0, pool=2)
    for other in (params.copy(), copy.copy(params), copy.deepcopy(params), pickle.loads(pickle.dumps(params))):
        assert isinstance(other, CNN) and other.hyperparameters() == params.hyperparameters()
        assert all(np.array_equal(other[k], params[k]) for k in params)
    assert "padding=0" in repr(params)


def test_wrong_input_is_named(rng):
    params = init_cnn(rng)
    with pytest.raises(ValueError, match=r"flatten to 200 values but W \(10, 128\).*padding 1"):
        cnn_forward(params, rng.uniform(size=(1, 1, 10, 10)))
    with pytest.raises(ValueError, match=r"missing keys \['bk'\]"):
        cnn_forward({"k": params["k"], "W": params["W"], "b": params["b"]}, rng.uniform(size=(1, 1, 8, 8)))
    with pytest.raises(ValueError, match="padding must be a whole number"):
        init_cnn(rng, padding=-1)


def test_train_cnn_is_the_training_loop_and_learns(rng):
    y = rng.integers(0, 2, size=40)
    X = rng.uniform(size=(40, 1, 8, 8)) * 0.2
    X[y == 1, 0, 2:6, 2:6] += 1.0                      # class 1: a bright square in the middle
    params = init_cnn(np.random.default_rng(0), maps=4, classes=2)
    before = {k: v.copy() for k, v in params.items()}
    runs = [train_cnn(params, X, y, eta=0.2, epochs=15, batch_size=8, rng=np.random.default_rng(3), X_val=X, y_val=y)
            for _ in range(2)]
    assert all(np.array_equal(params[k], before[k]) for k in params)          # inputs untouched
    assert all(np.array_equal(runs[0][0][k], runs[1][0][k]) for k in params)  # reproducible
    trained, h = runs[0]
    assert set(h) == {"loss", "accuracy", "val_accuracy", "iterations", "stopped"}
    assert h["iterations"] == 15 and h["stopped"] == "max_iter" and len(h["val_accuracy"]) == 15
    assert h["loss"][-1] < h["loss"][0] and (h["loss"][-1], h["accuracy"][-1]) == cnn_evaluate(trained, X, y)
    with pytest.raises(ValueError, match="rng"):
        train_cnn(params, X, y)


def test_against_torch_autograd_when_available(rng):
    torch = pytest.importorskip("torch")
    params = init_cnn(rng, in_shape=(2, 8, 8), maps=3, classes=4, padding=1)
    x, y = rng.uniform(size=(3, 2, 8, 8)), rng.integers(0, 4, size=3)
    loss, grads = cnn_loss_and_gradients(params, x, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    u = torch.nn.functional.conv2d(torch.tensor(x), t["k"], t["bk"], stride=1, padding=1)
    p = torch.nn.functional.max_pool2d(torch.relu(u), 2)
    logits = t["W"] @ p.reshape(3, -1).T + t["b"]
    tl = torch.nn.functional.cross_entropy(logits.T, torch.tensor(y))
    tl.backward()
    assert abs(tl.item() - loss) < 1e-12
    for k in params:
        assert mdlib.relative_error(grads[k], t[k].grad.numpy()) < 1e-9, k
