import math

import numpy as np
import pytest

import mdlib


def random_shape(rng, ndim=None, high=6):
    ndim = rng.integers(1, 4) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(1, high, size=ndim))

ACTIVATIONS = [
    (mdlib.sigmoid, mdlib.sigmoid_prime, lambda z: 1 / (1 + math.exp(-z))),
    (mdlib.tanh, mdlib.tanh_prime, math.tanh),
    (mdlib.relu, mdlib.relu_prime, lambda z: max(z, 0.0)),
    (mdlib.identity, mdlib.identity_prime, lambda z: z),
]


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(mdlib.sigmoid(z), [1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-3)], rtol=1e-15)
    np.testing.assert_allclose(mdlib.sigmoid_prime(np.array(0.0)), 0.25)
    np.testing.assert_array_equal(mdlib.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(mdlib.relu_prime(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(mdlib.tanh_prime(np.array(0.0)), 1.0)
    np.testing.assert_allclose(mdlib.softmax(np.array([[0.0], [0.0]])), [[0.5], [0.5]])
    np.testing.assert_allclose(mdlib.softmax(np.log(np.array([[1.0], [3.0]]))), [[0.25], [0.75]], rtol=1e-15)


@pytest.mark.parametrize("f, f_prime, scalar", ACTIVATIONS)
def test_matches_scalar_formula_on_random_shapes(rng, f, f_prime, scalar):
    for _ in range(5):
        z = rng.normal(scale=3, size=random_shape(rng))
        expected = np.vectorize(scalar)(z)
        np.testing.assert_allclose(f(z), expected, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("f, f_prime, scalar", ACTIVATIONS)
def test_derivative_matches_central_differences(rng, f, f_prime, scalar):
    for _ in range(3):
        z = rng.normal(size=random_shape(rng))
        z = np.where(np.abs(z) < 1e-3, 0.5, z)  # away from relu's kink
        numeric = mdlib.numerical_gradient(lambda v: math.fsum(f(v).ravel()), z.copy())
        assert mdlib.relative_error(f_prime(z), numeric) < 1e-7


@pytest.mark.parametrize("f", [mdlib.sigmoid, mdlib.sigmoid_prime, mdlib.relu, mdlib.relu_prime,
                               mdlib.tanh, mdlib.tanh_prime, mdlib.identity, mdlib.identity_prime,
                               mdlib.softmax])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept_and_input_not_modified(rng, f, dtype):
    z = rng.normal(size=(3, 4)).astype(dtype)
    before = z.copy()
    out = f(z)
    assert out.dtype == dtype and out.shape == z.shape
    np.testing.assert_array_equal(z, before)
    assert out is not z


def test_integers_become_float64():
    assert mdlib.sigmoid(np.array([0, 1])).dtype == np.float64
    assert mdlib.softmax(np.array([[1], [2]])).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_no_overflow_for_large_inputs(dtype):
    # pytest.ini turns RuntimeWarning (overflow, invalid) into an error.
    z = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype)
    s = mdlib.sigmoid(z)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.isfinite(mdlib.sigmoid_prime(z)))
    assert np.all(np.isfinite(mdlib.tanh_prime(z)))
    S = mdlib.softmax(z.reshape(-1, 1))
    assert np.all(np.isfinite(S)) and abs(float(S.sum()) - 1) < 1e-6 and S[-1, 0] == 1.0


def test_softmax_columns_are_distributions_and_shift_invariant(rng):
    for _ in range(5):
        K, N = rng.integers(1, 8, size=2)
        z = rng.normal(scale=5, size=(K, N))
        S = mdlib.softmax(z)
        assert S.shape == (K, N) and np.all(S > 0)
        np.testing.assert_allclose(S.sum(axis=0), 1.0, rtol=1e-14)
        np.testing.assert_allclose(mdlib.softmax(z + rng.normal(size=(1, N)) * 100), S, rtol=1e-12)


def test_softmax_axis(rng):
    z = rng.normal(size=(4, 3))
    np.testing.assert_allclose(mdlib.softmax(z, axis=1), mdlib.softmax(z.T, axis=0).T)
    np.testing.assert_allclose(mdlib.softmax(z, axis=-1), mdlib.softmax(z, axis=1))


def test_softmax_bad_input():
    with pytest.raises(ValueError, match="0-D"):
        mdlib.softmax(np.array(1.0))
    with pytest.raises(ValueError, match=r"axis 2 .*\(3, 4\)"):
        mdlib.softmax(np.zeros((3, 4)), axis=2)


@pytest.mark.parametrize("f", [mdlib.sigmoid, mdlib.relu, mdlib.tanh, mdlib.softmax])
def test_non_numeric_input_rejected(f):
    with pytest.raises(ValueError, match="dtype"):
        f(np.array([["a"], ["b"]]))
    with pytest.raises(ValueError, match="complex"):
        f(np.array([[1j], [2.0]]))


# --- hardening ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [1.5, None, True, (0,), "0", np.float64(0.0)])
def test_softmax_axis_must_be_an_integer(axis):
    with pytest.raises(ValueError, match=r"softmax axis must be an integer; got"):
        mdlib.softmax(np.zeros((3, 4)), axis=axis)


def test_softmax_accepts_numpy_integer_axes():
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(mdlib.softmax(z, axis=np.int64(1)), mdlib.softmax(z, axis=1))


def test_softmax_over_an_empty_class_axis():
    with pytest.raises(ValueError, match=r"softmax over axis 0 of z \(0, 3\): there are no classes"):
        mdlib.softmax(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"softmax over axis -1 of z \(2, 0\)"):
        mdlib.softmax(np.zeros((2, 0)), axis=-1)
    assert mdlib.softmax(np.zeros((3, 0))).shape == (3, 0)          # no samples: an empty result


def test_softmax_masks_minus_infinity_and_propagates_nan():
    S = mdlib.softmax(np.array([[2.0, np.nan], [1.0, 0.0], [-np.inf, 0.0]]))
    np.testing.assert_allclose(S[:, 0], [math.e / (math.e + 1), 1 / (math.e + 1), 0.0], rtol=1e-15)
    assert np.all(np.isnan(S[:, 1]))


def test_activations_at_infinity():
    z = np.array([-np.inf, np.inf, np.nan])
    np.testing.assert_array_equal(mdlib.sigmoid(z), [0.0, 1.0, np.nan])
    np.testing.assert_array_equal(mdlib.sigmoid_prime(z), [0.0, 0.0, np.nan])
    np.testing.assert_array_equal(mdlib.tanh(z), [-1.0, 1.0, np.nan])
    np.testing.assert_array_equal(mdlib.tanh_prime(z), [0.0, 0.0, np.nan])
    np.testing.assert_array_equal(mdlib.relu(z), [0.0, np.inf, np.nan])
    np.testing.assert_array_equal(mdlib.relu_prime(z), [0.0, 1.0, 0.0])


@pytest.mark.parametrize("f", [mdlib.sigmoid, mdlib.relu, mdlib.tanh, mdlib.softmax])
def test_lists_and_bools_become_float64_and_ragged_lists_are_named(f):
    assert f([[1], [2]]).dtype == np.float64 and f(np.array([[True], [False]])).dtype == np.float64
    with pytest.raises(ValueError, match="z must be an array of real numbers; got list"):
        f([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="z must hold real numbers; got dtype object from NoneType None"):
        f(None)
