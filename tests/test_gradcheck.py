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
