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


# --- hardening: sound in every accepted dtype, x always restored, f's value checked ----------------

def softmax_network_case(seed, dtype):
    rng = np.random.default_rng(seed)
    W, b = mdlib.init_params([4, 5, 3], rng)
    X, labels = rng.normal(size=(4, 7)).astype(dtype), rng.integers(0, 3, size=7)
    W = {l: w.astype(dtype) for l, w in W.items()}
    b = {l: v.astype(dtype) for l, v in b.items()}
    g = mdlib.loss_and_gradients(W, b, X, labels, "softmax_cross_entropy")
    return W, g, (lambda _: mdlib.evaluate(W, b, X, labels, "softmax_cross_entropy")[0])


@pytest.mark.parametrize("seed", range(4))
def test_gradient_check_is_sound_in_float32(seed):
    # With the float64 step 1e-6, float32's rounding (eps_mach 1.2e-7) made the floor 0.48 max(|f|, 1):
    # an all-zero gradient and one 10% off both passed. The float32 step 2^-10 brings it to 4.9e-4.
    W, g, cost = softmax_network_case(seed, np.float32)
    assert g.dW[2].dtype == np.float32
    right = mdlib.gradient_check(cost, W[2], g.dW[2])
    assert right.ok and right.floor == pytest.approx(4 * np.finfo(np.float32).eps * max(g.loss, 1.0) * 2**10)
    for wrong in (np.zeros_like(g.dW[2]), 1.1 * g.dW[2], -g.dW[2], g.dW[2] + 1e-2):
        assert not mdlib.gradient_check(cost, W[2], wrong).ok
    with pytest.raises(ValueError, match=r"eps 1e-06 is too small for float32: the rounding floor would be 0.48"):
        mdlib.gradient_check(cost, W[2], g.dW[2], eps=1e-6)      # an explicit step too small is refused


def test_gradient_check_refuses_float16():
    x = np.array([0.5, -1.0], dtype=np.float16)
    for grad in (2 * x, -2 * x, np.zeros(2)):        # right, sign-flipped, zero: no verdict can be trusted
        for eps in (None, 1e-3, 0.1, 1.0):
            with pytest.raises(ValueError, match="cannot be sound in float16"):
                mdlib.gradient_check(lambda v: float(np.sum(v.astype(np.float32) ** 2)), x, grad, eps=eps)
    np.testing.assert_array_equal(x, np.array([0.5, -1.0], dtype=np.float16))


def test_gradient_check_default_step_in_float64_is_unchanged(rng):
    W, g, cost = softmax_network_case(3, np.float64)
    explicit = mdlib.gradient_check(cost, W[2], g.dW[2], eps=1e-6)
    default = mdlib.gradient_check(cost, W[2], g.dW[2])
    np.testing.assert_array_equal(default.numeric, explicit.numeric)
    assert default.floor == explicit.floor and default.ok
    np.testing.assert_array_equal(default.numeric, mdlib.numerical_gradient(cost, W[2], 1e-6))


class Boom(Exception):
    pass


def failing_on_call(k, value=1.0):
    """f that returns `value` until its k-th call, then raises."""
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == k:
            raise Boom(f"call {k}")
        return value
    return f


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("method", ["numerical_gradient", "numerical_gradient_forward", "gradient_check"])
def test_x_restored_when_f_raises_mid_loop(k, method):
    x = np.array([[0.25, -1.5], [3.0, 7.0]])
    before = x.copy()
    args = (np.zeros_like(x),) if method == "gradient_check" else ()
    with pytest.raises(Boom):
        getattr(mdlib, method)(failing_on_call(k), x, *args)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_x_restored_when_array_f_raises(k):
    x = np.array([0.25, -1.5])
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == k:
            raise Boom
        return 2 * v
    with pytest.raises(Boom):
        mdlib.numerical_gradient_array(f, x, np.ones(2))
    np.testing.assert_array_equal(x, [0.25, -1.5])


@pytest.mark.parametrize("returned, message", [
    (np.array([1.0, 2.0]), r"f must return a real scalar .*got an array of shape \(2,\) and dtype float64"),
    (np.ones((1, 1)), r"got an array of shape \(1, 1\)"),
    (None, "got NoneType None"),
    ("1.5", "got str '1.5'"),
    (1 + 2j, r"got complex \(1\+2j\)"),
    ([1.0], r"got list \[1.0\]"),
    (True, "got bool True"),
    (float("nan"), "f must return a finite value near x; got nan"),
    (np.float32("inf"), "got inf"),
])
@pytest.mark.parametrize("method", ["numerical_gradient", "numerical_gradient_forward", "gradient_check"])
def test_f_must_return_a_finite_real_scalar(returned, message, method):
    x = np.array([0.5, 2.0])
    args = (np.zeros(2),) if method == "gradient_check" else ()
    with pytest.raises(ValueError, match=message):
        getattr(mdlib, method)(lambda v: returned, x, *args)
    np.testing.assert_array_equal(x, [0.5, 2.0])


def test_scalar_returns_that_are_accepted():
    x = np.array([1.0, 2.0])
    for f in (lambda v: np.sum(v ** 2), lambda v: float(np.sum(v ** 2)), lambda v: np.float32(np.sum(v ** 2)),
              lambda v: np.array(np.sum(v ** 2)), lambda v: int(round(1e6 * np.sum(v ** 2)))):
        g = mdlib.numerical_gradient(f, x)
        assert g.shape == (2,) and np.all(np.isfinite(g))


@pytest.mark.parametrize("call, message", [
    (lambda x: mdlib.numerical_gradient("f", x), "f must be a function of x; got str 'f'"),
    (lambda x: mdlib.numerical_gradient(None, x), "f must be a function of x; got NoneType"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps="1e-6"), "eps must be a real number; got str '1e-6'"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=None), "eps must be a real number; got NoneType"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=1j), "eps must be a real number; got complex"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=True), "eps must be a real number; got bool"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=-1e-6), "eps must be positive; got -1e-06"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=float("nan")), "eps must be positive; got nan"),
    (lambda x: mdlib.numerical_gradient(np.sum, x, eps=float("inf")), "eps must be finite; got inf"),
    (lambda x: mdlib.numerical_gradient_array(lambda v: v, x, np.array([1.0, np.nan])), r"dout must be finite; got nan at index \(1,\)"),
    (lambda x: mdlib.numerical_gradient_array(lambda v: v, x, ["a", "b"]), "dout must hold real numbers"),
    (lambda x: mdlib.numerical_gradient_array(lambda v: None, x, np.ones(2)), "f\\(x\\) must hold real numbers; got dtype object"),
    (lambda x: mdlib.numerical_gradient_array(lambda v: v * np.inf, x, np.ones(2)), "f\\(x\\) must be finite; got inf"),
    (lambda x: mdlib.gradient_check(np.sum, x, np.array([1.0, np.nan])), r"grad must be finite; got nan at index \(1,\)"),
    (lambda x: mdlib.gradient_check(np.sum, x, ["1", "1"]), "grad must hold real numbers"),
    (lambda x: mdlib.gradient_check(np.sum, x, np.ones(2), rtol="1e-7"), "rtol must be a real number"),
    (lambda x: mdlib.gradient_check(lambda v: 1.7e308 if v[0] > 0.5 else -1.7e308, x, np.ones(2)), "central differences of f must be finite"),
])
def test_bad_f_eps_dout_grad_name_the_argument(call, message):
    x = np.array([0.5, 2.0])
    with pytest.raises(ValueError, match=message):
        call(x)
    np.testing.assert_array_equal(x, [0.5, 2.0])


def test_read_only_or_integer_x_is_refused_before_any_call():
    x = np.array([1.0, 2.0])
    x.flags.writeable = False
    for method, args in (("numerical_gradient", ()), ("numerical_gradient_forward", ()),
                         ("gradient_check", (np.ones(2),)), ("numerical_gradient_array", (np.ones(2),))):
        with pytest.raises(ValueError, match=r"x must be writeable .*read-only array of shape \(2,\)"):
            getattr(mdlib, method)(np.sum, x, *args)
    with pytest.raises(ValueError, match="x must be a floating NumPy array .*got ndarray of dtype bool"):
        mdlib.gradient_check(np.sum, np.array([True]), np.ones(1))


@pytest.mark.parametrize("a, b, message", [
    (np.array([1 + 1j]), np.array([1 + 5j]), "a must hold real numbers; got dtype complex128"),
    (1 + 1j, 1 + 5j, r"got dtype complex128 from complex \(1\+1j\)"),
    ("1", "2", "a must hold real numbers; got dtype <U1 from str '1'"),
    (np.ones(2), None, "b must hold real numbers; got dtype object from NoneType None"),
    (np.ones(2), [[1.0], [2.0, 3.0]], "b must be an array of real numbers; got list"),
    (np.ones((2, 3)), np.ones((3, 2)), r"equal shapes; got \(2, 3\) and \(3, 2\)"),
    (np.array([1.0, np.nan]), np.ones(2), r"a must be finite; got nan at index \(1,\)"),
    (np.ones(2), np.array([np.inf, 1.0]), r"b must be finite; got inf at index \(0,\)"),
])
def test_relative_error_real_finite_arrays_only(a, b, message):
    with pytest.raises(ValueError, match=message):
        mdlib.relative_error(a, b)


def test_relative_error_accepts_integers_lists_and_scalars():
    assert mdlib.relative_error([1, 2], np.array([1.0, 2.0])) == 0.0
    assert mdlib.relative_error(1, 3) == pytest.approx(0.5)
    assert mdlib.relative_error(np.float32(1), np.array(3.0)) == pytest.approx(0.5)
    assert mdlib.relative_error(np.ones((0, 3)), np.ones((0, 3))) == 0.0


def test_gradient_check_array_mode_of_an_empty_x():
    check = mdlib.gradient_check(lambda v: 2 * v, np.ones((0, 2)), np.ones((0, 2)), dout=np.ones((0, 2)))
    assert check.ok and check.floor == 0.0 and check.numeric.shape == (0, 2)


def test_perturbed_is_the_one_loop_and_restores_x():
    from mdlib.verify.gradcheck import perturbed
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    seen = []
    for i, values in perturbed(lambda v: float(v.sum()), x, 0.5, (1, -1)):
        seen.append((i, values))
        np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, 4.0]])   # restored before each yield
    assert seen == [((0, 0), [10.5, 9.5]), ((0, 1), [10.5, 9.5]), ((1, 0), [10.5, 9.5]), ((1, 1), [10.5, 9.5])]
    with pytest.raises(ValueError, match="eps must be positive"):
        perturbed(lambda v: 0.0, x, 0.0, (1,))                        # checked at once, not on first use


# --- entry_ok and unresolved: what the floor lets through ------------------------------------------

def test_entry_ok_and_unresolved_on_an_exact_central_difference():
    # f = c . v at v = 0 with the step 2^-20: every value and difference is exact, so the
    # central difference is c itself, and the deltas alone decide each entry's verdict.
    c = np.array([1.0, 2.0**-30, 2.0**-30, 2.0**-30])
    x = np.zeros(4)
    eps = 2.0**-20
    floor = 4 * np.finfo(float).eps * 1.0 / eps          # max(|f(0)|, 1) = 1
    delta = np.array([1e-8, 0.5 * floor, 2 * floor, 3 * floor])
    check = mdlib.gradient_check(lambda v: float(c @ v), x, c + delta, eps=eps)
    np.testing.assert_array_equal(check.numeric, c)
    assert check.floor == floor
    # entry 0 passes by the relative bar, entry 1 only through the floor, 2 and 3 fail
    assert check.entry_ok.dtype == bool and check.entry_ok.shape == x.shape
    assert check.entry_ok.tolist() == [True, True, False, False] and not check.ok
    assert check.unresolved == 1 and isinstance(check.unresolved, int)
    # the entries of size 2^-30 equal the floor: their tolerance rtol (|grad| + |numeric|)
    # is below it, so they are unresolved even when exact; entry 0 is resolved
    assert floor == 2.0**-30
    exact = mdlib.gradient_check(lambda v: float(c @ v), x, c.copy(), eps=eps)
    assert exact.ok and exact.entry_ok.all() and exact.unresolved == 3


def test_unresolved_counts_entries_a_zero_central_difference_cannot_judge():
    # a constant f: every central difference is exactly 0, and so is the gradient; the
    # entries pass with no observed error, yet nothing about them was judged
    check = mdlib.gradient_check(lambda v: 1.0, np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(check.numeric, np.zeros(3))
    assert check.ok and check.max_abs_error == 0.0 and check.unresolved == 3
    # float32 f = 1 + 3e-5 u at u = 0.5: 3e-5 u moves f by less than its rounding, so
    # the central difference is exactly 0; the wrong gradient 0 passes with no observed
    # error, the right one 3e-5 with an error of 3e-5: both are unresolved
    u = np.array([0.5], dtype=np.float32)
    f32 = lambda v: float(np.float32(1) + np.float32(3e-5) * v[0])
    wrong = mdlib.gradient_check(f32, u, np.zeros(1, dtype=np.float32))
    assert wrong.numeric.tolist() == [0.0]
    assert wrong.ok and wrong.max_abs_error == 0.0 and wrong.unresolved == 1
    right = mdlib.gradient_check(f32, u, np.full(1, 3e-5, dtype=np.float32))
    assert right.ok and right.unresolved == 1
    # the same in float64 with f = 1 + 1e-11 u
    f64 = lambda v: 1.0 + 1e-11 * v[0]
    wrong64 = mdlib.gradient_check(f64, np.array([0.5]), np.zeros(1))
    assert wrong64.numeric.tolist() == [0.0] and wrong64.ok and wrong64.unresolved == 1
    right64 = mdlib.gradient_check(f64, np.array([0.5]), np.full(1, 1e-11))
    assert right64.ok and right64.unresolved == 1


def test_entry_ok_marks_exactly_the_wrong_entries(rng):
    W, b = mdlib.init_params([4, 5, 3], rng)
    X, labels = rng.normal(size=(4, 7)), rng.integers(0, 3, size=7)
    g = mdlib.loss_and_gradients(W, b, X, labels, "softmax_cross_entropy")
    cost = lambda _: mdlib.evaluate(W, b, X, labels, "softmax_cross_entropy")[0]
    wrong = g.dW[2].copy()
    wrong[0, 1] += 1e-4
    wrong[3, 2] *= -1
    check = mdlib.gradient_check(cost, W[2], wrong)
    expected = np.ones(W[2].shape, dtype=bool)
    expected[0, 1] = expected[3, 2] = False
    np.testing.assert_array_equal(check.entry_ok, expected)
    assert not check.ok
    # array mode: each entry against its own measured floor
    x = np.array([0.5, -1.0, 2.0])
    dout = np.array([1.0, 0.0, 2.0])
    grad = 2 * x * dout
    grad[1] = 1e-3                      # dout 0: the true entry is 0
    array_check = mdlib.gradient_check(lambda v: v**2, x, grad, dout=dout)
    assert array_check.entry_ok.tolist() == [True, False, True] and not array_check.ok


def test_a_float32_check_cannot_judge_entries_below_its_floor():
    # f = 1/2 sum v^2 at v = 3e-4: the gradient is v, smaller than float32's floor 4.9e-4
    v32 = np.full(4, 3e-4, dtype=np.float32)
    f = lambda v: 0.5 * float(np.sum(v.astype(np.float64) ** 2))
    zero32 = mdlib.gradient_check(f, v32, np.zeros(4, dtype=np.float32))
    assert zero32.ok and zero32.entry_ok.all() and zero32.unresolved == 4   # passes, unseen
    assert zero32.floor == pytest.approx(4 * np.finfo(np.float32).eps * 2**10)
    v64 = v32.astype(np.float64)
    zero64 = mdlib.gradient_check(f, v64, np.zeros(4))
    assert not zero64.ok and not zero64.entry_ok.any() and zero64.unresolved == 0
    # entries of 3e-4 pass in float64 too, but to within its floor 8.9e-10, above their
    # rtol (|grad| + |numeric|) = 6e-11: still unresolved; entries of 1 are resolved
    right64 = mdlib.gradient_check(f, v64, v64.copy())
    assert right64.ok and right64.unresolved == 4
    ones = np.ones(4)
    assert mdlib.gradient_check(f, ones, ones.copy()).unresolved == 0
