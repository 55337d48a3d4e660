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


# --- hardening ---------------------------------------------------------------------------------------

def test_softmax_cross_entropy_with_a_masked_class():
    # logits (2, 1, -inf), target 0: L = -log(e^2 / (e^2 + e^1 + 0)) = log(1 + e^-1) = 0.31326..., PyTorch's value
    z = np.array([[2.0], [1.0], [-np.inf]])
    expected = math.log1p(math.exp(-1))
    assert expected == pytest.approx(0.3132616875182228, abs=1e-15)
    for y in (np.array([0]), np.array([[1.0], [0.0], [0.0]])):
        loss, dz = mdlib.softmax_cross_entropy(z, y)
        assert loss == pytest.approx(expected, rel=1e-15)
        s = 1 / (1 + math.e)                                 # softmax = (e/(e+1), 1/(e+1), 0)
        np.testing.assert_allclose(dz, [[-s], [s], [0.0]], rtol=1e-15)
    loss, dz = mdlib.softmax_cross_entropy(z, np.array([2]))   # the masked class is the target: L = inf
    assert loss == math.inf and np.all(np.isfinite(dz))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cross_entropy_never_nan_for_finite_logits(dtype):
    big = np.finfo(dtype).max
    z = np.array([[big, -big, 0.0], [-big, big, 0.0]], dtype=dtype)
    loss, dz = mdlib.softmax_cross_entropy(z, np.array([0, 1, 1]))       # every target the largest logit (or a tie)
    assert loss == pytest.approx(math.log(2) / 3, rel=1e-6) and np.all(np.isfinite(dz)) and dz.dtype == dtype
    loss, dz = mdlib.softmax_cross_entropy(np.array([[big / 2], [0.0]], dtype=dtype), np.array([1]))
    assert loss == pytest.approx(float(big) / 2, rel=1e-6)                  # a loss of 9e307: still finite
    loss, dz = mdlib.softmax_cross_entropy(z, np.array([1, 0, 1]))        # true loss 2 * big: overflows to inf
    assert loss == math.inf and np.all(np.isfinite(dz))


def test_sigmoid_binary_cross_entropy_at_infinite_logits():
    z = np.array([[np.inf, np.inf, -np.inf, -np.inf]])
    loss, dz = mdlib.sigmoid_binary_cross_entropy(z, np.array([[1, 0, 0, 1]]))
    assert loss == math.inf and np.array_equal(dz, [[0.0, 0.25, 0.0, -0.25]])
    loss, dz = mdlib.sigmoid_binary_cross_entropy(z, np.array([[1, 1, 0, 0]]))
    assert loss == 0.0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("target_dtype", [np.int64, np.int8, np.uint8, bool, np.float64])
def test_gradient_has_the_dtype_of_the_logits(dtype, target_dtype):
    z = np.array([[0.5, -1.0, 2.0], [0.0, 1.0, -2.0]], dtype=dtype)
    onehot = np.array([[1, 0, 0], [0, 1, 1]]).astype(target_dtype)
    for f, y, w in ((mdlib.mse, onehot, z), (mdlib.softmax_cross_entropy, onehot, z),
                    (mdlib.sigmoid_binary_cross_entropy, onehot[:1], z[:1])):
        loss, grad = f(w, y)
        assert grad.dtype == dtype and isinstance(loss, float), (f.__name__, target_dtype)
        loss64, grad64 = f(w.astype(np.float64), y.astype(np.float64))
        np.testing.assert_allclose(grad, grad64, rtol=4 * np.finfo(dtype).eps, atol=4 * np.finfo(dtype).eps)
    assert mdlib.softmax_cross_entropy(z, np.array([0, 1, 1], dtype=np.int8))[1].dtype == dtype
    assert mdlib.one_hot(np.array([0, 1, 1]), 2, dtype).dtype == dtype


def test_one_hot_dtype_and_bad_input():
    assert mdlib.one_hot([1, 0], 2).dtype == np.float64              # the default
    np.testing.assert_array_equal(mdlib.one_hot(np.array([], dtype=int), 3), np.zeros((3, 0)))
    for K in (0, 2.0, True, None):
        with pytest.raises(ValueError, match=rf"K \(the number of classes\) must be a whole number >= 1; got {K!r}"):
            mdlib.one_hot([0], K)
    with pytest.raises(ValueError, match="one_hot dtype must be a floating dtype; got int64"):
        mdlib.one_hot([0], 2, np.int64)
    with pytest.raises(ValueError, match="1-D integer array"):
        mdlib.one_hot(np.array([True]), 2)


@pytest.mark.parametrize("f, z, y, message", [
    (mdlib.mse, np.ones((2, 0)), np.ones((2, 0)), r"a \(K, N\) is empty: got shape \(2, 0\)"),
    (mdlib.mse, np.ones((0, 3)), np.ones((0, 3)), r"a \(K, N\) is empty: got shape \(0, 3\)"),
    (mdlib.softmax_cross_entropy, np.ones((3, 0)), np.array([], dtype=int), r"z \(K, N\) is empty: got shape \(3, 0\)"),
    (mdlib.softmax_cross_entropy, np.ones((0, 2)), np.array([0, 0]), r"z \(K, N\) is empty: got shape \(0, 2\)"),
    (mdlib.sigmoid_binary_cross_entropy, np.ones((1, 0)), np.ones((1, 0)), r"z \(1, N\) is empty: got shape \(1, 0\)"),
])
def test_losses_refuse_empty_batches(f, z, y, message):
    with pytest.raises(ValueError, match=message):
        f(z, y)


@pytest.mark.parametrize("f", [mdlib.mse, mdlib.softmax_cross_entropy])
def test_losses_name_non_numeric_targets(f):
    with pytest.raises(ValueError, match="y must hold real numbers; got dtype complex128"):
        f(np.ones((2, 2)) / 2, np.ones((2, 2)) / 2 + 0j)
    with pytest.raises(ValueError, match="y must hold real numbers; got dtype object"):
        f(np.ones((2, 2)) / 2, [[None, 0.5], [0.5, 0.5]])
