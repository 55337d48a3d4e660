import numpy as np
import pytest

import mdlib


def test_numerical_gradient_of_known_function(rng):
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=(3, 2))
    before = x.copy()
    g = mdlib.numerical_gradient(lambda v: np.sum(v * (A @ v)), x)  # grad = (A + A^T) x
    np.testing.assert_array_equal(x, before)                       # restored
    assert mdlib.relative_error(g, (A + A.T) @ x) < 1e-8


def test_numerical_gradient_bad_input():
    with pytest.raises(ValueError, match="floating NumPy array"):
        mdlib.numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match="dtype int64"):
        mdlib.numerical_gradient(np.sum, np.array([1, 2]))
    with pytest.raises(ValueError, match="eps must be positive; got 0"):
        mdlib.numerical_gradient(np.sum, np.ones(2), eps=0)


def test_relative_error_known_values():
    assert mdlib.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert mdlib.relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert mdlib.relative_error(np.array([0.0]), np.array([0.0])) == 0.0
    assert mdlib.relative_error(np.array([0.0, 1e-13]), np.array([0.0, 0.0])) == pytest.approx(1e-13 / 1e-12)
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        mdlib.relative_error(np.ones(2), np.ones(3))


def test_gradient_check_accepts_right_and_rejects_wrong_gradients(rng):
    W, b = mdlib.init_params([4, 5, 3], rng)
    X, labels = rng.normal(size=(4, 7)), rng.integers(0, 3, size=7)
    g = mdlib.loss_and_gradients(W, b, X, labels, "softmax_cross_entropy")
    cost = lambda _: mdlib.evaluate(W, b, X, labels, "softmax_cross_entropy")[0]
    right = mdlib.gradient_check(cost, W[2], g.dW[2])
    assert right.ok and right.max_abs_error < 1e-8
    assert right.floor == pytest.approx(4 * np.finfo(float).eps * max(g.loss, 1.0) / 1e-6)
    for wrong in (g.dW[2] * 1.001, g.dW[2] + 1e-6, -g.dW[2], np.zeros_like(g.dW[2])):
        assert not mdlib.gradient_check(cost, W[2], wrong).ok


def test_gradient_check_floor_scales_with_f_and_dtype():
    x = np.array([1.0, 2.0])
    check = mdlib.gradient_check(lambda v: 1e3 * np.sum(v**2), x, 2e3 * x)
    assert check.ok and check.floor == pytest.approx(4 * np.finfo(float).eps * 5e3 / 1e-6)
    with pytest.raises(ValueError, match=r"grad \(3,\) must have the shape of x \(2,\)"):
        mdlib.gradient_check(np.sum, x, np.ones(3))
