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


def test_array_mode_beats_a_cancelling_scalar_sum(rng):
    # sum(dy * y) for a conv layer is a large sum that nearly cancels; differencing outputs first
    # keeps the numerical gradient accurate where the scalar form loses digits.
    x, w = rng.normal(size=(2, 2, 6, 6)), rng.normal(size=(3, 2, 3, 3))
    dy = rng.normal(size=(2, 3, 4, 4))
    dx = mdlib.conv2d_backward(dy, x, w)[0]
    array_mode = mdlib.gradient_check(lambda v: mdlib.conv2d(v, w), x, dx, dout=dy)
    scalar_fd = mdlib.numerical_gradient(lambda v: np.sum(dy * mdlib.conv2d(v, w)), x.copy())
    assert array_mode.ok
    assert array_mode.max_abs_error < np.abs(dx - scalar_fd).max()
    for wrong in (dx * 1.001, np.swapaxes(dx, 2, 3), dx + 1e-6):
        assert not mdlib.gradient_check(lambda v: mdlib.conv2d(v, w), x, wrong, dout=dy).ok


def test_numerical_gradient_array_restores_x_and_checks_dout():
    x = np.array([1.0, 2.0, 3.0])
    g, noise = mdlib.numerical_gradient_array(lambda v: v ** 2, x, np.array([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(g, [2.0, 0.0, 12.0], rtol=1e-8)
    assert noise[1] == 0.0 and noise[0] > 0            # the entry no weighted output depends on has no noise
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"dout \(2,\) must have the shape of f\(x\) \(3,\)"):
        mdlib.numerical_gradient_array(lambda v: v, x, np.ones(2))


def test_minibatches_cover_every_sample_once_in_nearly_equal_batches(rng):
    for N, B in [(1347, 16), (10, 3), (5, 10), (7, 1)]:
        batches = mdlib.minibatches(N, B, rng)
        sizes = [len(b) for b in batches]
        assert sorted(np.concatenate(batches).tolist()) == list(range(N))
        assert len(batches) == -(-N // B) and max(sizes) - min(sizes) <= 1 and max(sizes) <= B
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1; got 0"):
        mdlib.minibatches(10, 0, rng)
