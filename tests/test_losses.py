import math

import numpy as np
import pytest

import mdlib


def test_mse_known_value():
    a = np.array([[1.0, 0.0], [2.0, 1.0]])
    y = np.array([[0.0, 0.0], [0.0, 1.0]])
    loss, da = mdlib.mse(a, y)
    assert loss == pytest.approx((1 + 4) / (2 * 2))
    np.testing.assert_array_equal(da, (a - y) / 2)


def test_softmax_cross_entropy_known_value():
    z = np.log(np.array([[1.0, 1.0], [3.0, 1.0]]))      # probabilities (1/4, 3/4) and (1/2, 1/2)
    loss, dz = mdlib.softmax_cross_entropy(z, np.array([1, 0]))
    assert loss == pytest.approx((-math.log(0.75) - math.log(0.5)) / 2)
    np.testing.assert_allclose(dz, np.array([[0.25, -0.5], [-0.25, 0.5]]) / 2)
    loss_onehot, dz_onehot = mdlib.softmax_cross_entropy(z, np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert loss_onehot == pytest.approx(loss)
    np.testing.assert_allclose(dz_onehot, dz)


def test_sigmoid_binary_cross_entropy_known_value():
    z = np.array([[0.0, math.log(3.0)]])               # sigmoid: 1/2 and 3/4
    loss, dz = mdlib.sigmoid_binary_cross_entropy(z, np.array([[1.0, 0.0]]))
    assert loss == pytest.approx((-math.log(0.5) - math.log(0.25)) / 2)
    np.testing.assert_allclose(dz, np.array([[-0.5, 0.75]]) / 2)


@pytest.mark.parametrize("name", ["mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy"])
def test_gradients_match_finite_differences_on_random_shapes(rng, name):
    for _ in range(4):
        K = 1 if name == "sigmoid_binary_cross_entropy" else int(rng.integers(1, 6))
        N = int(rng.integers(1, 7))
        z = rng.normal(scale=2, size=(K, N))
        if name == "mse":
            y = rng.normal(size=(K, N))
        elif name == "softmax_cross_entropy":
            y = rng.integers(0, K, size=N)
        else:
            y = rng.integers(0, 2, size=(1, N)).astype(float)
        f = getattr(mdlib, name)
        _, grad = f(z, y)
        assert grad.shape == z.shape
        assert mdlib.gradient_check(lambda v: f(v, y)[0], z.copy(), grad).ok


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_and_exact_for_logits_of_1e4(dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    loss, dz = mdlib.softmax_cross_entropy(z, np.array([0, 0, 1]))
    assert np.isfinite(loss) and dz.dtype == dtype and np.all(np.isfinite(dz))
    assert loss == pytest.approx((0 + 2e4 + math.log(2)) / 3, rel=1e-6)
    zb = np.array([[1e4, -1e4, 1e4, -1e4]], dtype=dtype)
    loss_b, dz_b = mdlib.sigmoid_binary_cross_entropy(zb, np.array([[1, 0, 0, 1]], dtype=dtype))
    assert loss_b == pytest.approx(1e4 / 2, rel=1e-6) and dz_b.dtype == dtype
    np.testing.assert_allclose(dz_b, np.array([[0, 0, 1, -1]]) / 4, atol=1e-7)


@pytest.mark.parametrize("name", ["mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy"])
def test_inputs_not_modified(rng, name):
    z = rng.normal(size=(1, 5))
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    if name == "softmax_cross_entropy":
        z = rng.normal(size=(3, 5))
        y = np.array([0, 2, 1, 1, 0])
    z0, y0 = z.copy(), y.copy()
    getattr(mdlib, name)(z, y)
    np.testing.assert_array_equal(z, z0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("call, message", [
    (lambda: mdlib.mse(np.ones((2, 3)), np.ones((2, 4))), r"a \(2, 3\) and y \(2, 4\)"),
    (lambda: mdlib.mse(np.ones(3), np.ones(3)), r"a must be 2-D .*\(3,\)"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((3, 2)), np.array([0, 3])), r"0..2 for K = 3 classes; got \[3\]"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((3, 2)), np.array([-1, 0])), r"got \[-1\]"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((3, 2)), np.array([0, 1, 2])), r"labels y \(3,\) .*z \(3, 2\)"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((3, 2)), np.array([0.0, 1.0])), "integer"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((3, 2)), np.ones((2, 2))), r"one-hot y \(2, 2\) .*z \(3, 2\)"),
    (lambda: mdlib.softmax_cross_entropy(np.ones((2, 2)), np.ones((2, 2))), "distribution"),
    (lambda: mdlib.softmax_cross_entropy(np.ones(3), np.array([0])), r"z must be 2-D .*\(3,\)"),
    (lambda: mdlib.sigmoid_binary_cross_entropy(np.ones((2, 3)), np.ones((2, 3))), r"\(1, N\).*\(2, 3\)"),
    (lambda: mdlib.sigmoid_binary_cross_entropy(np.ones((1, 3)), np.ones((1, 2))), r"y \(1, 2\) .*z \(1, 3\)"),
    (lambda: mdlib.sigmoid_binary_cross_entropy(np.ones((1, 2)), np.array([[0.0, 2.0]])), r"only 0 and 1; got values \[2.0\]"),
])
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_one_hot():
    np.testing.assert_array_equal(mdlib.one_hot(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]])
