import numpy as np
import pytest

import mdlib


def dense_forward_loops(W, b, a_prev):
    """Reference: z_jn = sum_k W_jk a_kn + b_j, written as loops."""
    n_l, n_prev = W.shape
    z = np.zeros((n_l, a_prev.shape[1]))
    for n in range(a_prev.shape[1]):
        for j in range(n_l):
            z[j, n] = sum(W[j, k] * a_prev[k, n] for k in range(n_prev)) + b[j, 0]
    return z


def test_known_value():
    W = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]])
    b = np.array([[1.0], [0.0], [2.0]])
    a_prev = np.array([[1.0, 0.0], [1.0, 2.0]])
    np.testing.assert_array_equal(mdlib.dense_forward(W, b, a_prev), [[4.0, 5.0], [7.0, 8.0], [1.0, 0.0]])


def test_random_shapes_match_loops(rng):
    for _ in range(10):
        n_l, n_prev, N = (int(n) for n in rng.integers(1, 7, size=3))
        W, b, a = rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)), rng.normal(size=(n_prev, N))
        z = mdlib.dense_forward(W, b, a)
        assert z.shape == (n_l, N)
        np.testing.assert_allclose(z, dense_forward_loops(W, b, a), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept_and_inputs_not_modified(rng, dtype):
    W, b, a = (rng.normal(size=s).astype(dtype) for s in [(3, 2), (3, 1), (2, 5)])
    copies = [x.copy() for x in (W, b, a)]
    z = mdlib.dense_forward(W, b, a)
    assert z.dtype == dtype
    for x, c in zip((W, b, a), copies):
        np.testing.assert_array_equal(x, c)


@pytest.mark.parametrize("W_shape, b_shape, a_shape, message", [
    ((3, 2), (3, 1), (4, 5), r"W @ a_prev: \(3, 2\) and \(4, 5\) do not align"),
    ((3, 2), (2, 1), (2, 5), r"b must have shape \(3, 1\).*got \(2, 1\)"),
    ((3, 2), (3,), (2, 5), r"b must have shape \(3, 1\).*got \(3,\)"),
    ((3, 2), (3, 5), (2, 5), r"b must have shape \(3, 1\).*got \(3, 5\)"),
    ((3,), (3, 1), (2, 5), r"W must be 2-D.*shape \(3,\)"),
    ((3, 2), (3, 1), (2,), r"a_prev must be 2-D.*shape \(2,\)"),
    ((3, 2), (3, 1), (2, 5, 1), r"a_prev must be 2-D.*shape \(2, 5, 1\)"),
])
def test_bad_shapes_name_the_shapes(W_shape, b_shape, a_shape, message):
    with pytest.raises(ValueError, match=message):
        mdlib.dense_forward(np.ones(W_shape), np.ones(b_shape), np.ones(a_shape))


def test_empty_dimensions_follow_the_matrix_product():
    # no samples: an empty z; no inputs (n_prev = 0): z = b; no units: an empty z
    assert mdlib.dense_forward(np.ones((3, 2)), np.ones((3, 1)), np.ones((2, 0))).shape == (3, 0)
    np.testing.assert_array_equal(mdlib.dense_forward(np.ones((3, 0)), np.full((3, 1), 2.0), np.ones((0, 4))),
                                  np.full((3, 4), 2.0))
    dW, db, da = mdlib.dense_backward(np.ones((3, 0)), np.ones((3, 2)), np.ones((2, 0)))
    assert np.array_equal(dW, np.zeros((3, 2))) and np.array_equal(db, np.zeros((3, 1))) and da.shape == (2, 0)


def test_lists_integers_and_non_numeric_input():
    z = mdlib.dense_forward([[1, 2]], [[1]], [[1], [1]])
    assert z.dtype == np.float64 and z.tolist() == [[4.0]]
    with pytest.raises(ValueError, match="a_prev must hold real numbers; got dtype complex128"):
        mdlib.dense_forward(np.ones((1, 2)), np.ones((1, 1)), np.ones((2, 1)) * 1j)
