"""Property-based fuzz of every public kernel of the contract (shared MDLIB-API).

Each example draws a valid case (shapes, values, strides, paddings), then one input class that
bends it: NaN or +-inf values, empty dimensions, 0-d arrays, Python lists, non-contiguous,
negatively strided, Fortran-ordered, broadcast (zero-stride, read-only) or read-only arrays,
integer and bool dtypes, complex, string and object arrays, and odd parameters (0, negative,
non-integer, bool, None, NumPy integers, huge). The case's float dtype is float64, float32 or
float16. For every case the kernel must either

  * return the right result: compared with an independent computation (SciPy, einsum, explicit
    loops) within a tolerance set by the dtype, with the contract's shape and dtype, or
  * raise ValueError whose message names the offending argument (or the shapes at fault),

and it must leave every input unchanged (compared with copies taken before the call).

The rules the fuzz asserts (the contract's, made precise):
  * dtype: float inputs keep their dtype; integer and bool arrays (and lists) become float64, as
    NumPy's float functions do; several float arrays give NumPy's promoted dtype; targets and
    labels never change the dtype: a loss gradient has the dtype of the predictions or logits.
    Complex, string and object inputs are a ValueError naming the argument.
  * values: NaN propagates silently (no warning) exactly as in the reference; +-inf gives the
    IEEE result of the same formula (the limit where there is one, e.g. sigmoid(inf) = 1, a
    masked -inf class; NaN where the math is undefined, e.g. inf * 0 in a product, as PyTorch
    does). Where inf makes NaN, NumPy may say so with its invalid-value RuntimeWarning, so inf
    cases run under np.errstate(invalid="ignore"); every other case runs with pytest.ini turning
    any RuntimeWarning into an error. The checking tools (relative_error, gradient_check,
    numerical_gradient's f) need finite values and say so with a ValueError.
  * empty dimensions: an empty batch (N = 0) or empty array gives an empty result where the math
    is defined (activations, dense layers, conv and pooling over N = 0, one_hot of no labels,
    rot180, numerical_gradient); a softmax over no classes, a loss over no samples, an empty
    kernel, filter bank, channel or image, and correlate2d of an empty array are ValueErrors.

CASES counts the cases run per kernel and input class; the last test prints the totals
(pytest -s tests/test_fuzz.py) and checks every kernel and every class ran.
"""
import contextlib
import copy
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest
import scipy.signal
import scipy.special
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

import mdlib

set_hypothesis_home_dir(f"{tempfile.gettempdir()}/mdlib-hypothesis")   # no .hypothesis/ in the repository

CASES = Counter()      # kernel -> number of cases run
CLASSES = Counter()    # input class -> number of cases run
OUTCOMES = Counter()   # "result", "ValueError", "f's own exception"

FUZZ = settings(derandomize=True, max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DTYPES = (np.float64, np.float32, np.float16)
ARRAY_CLASSES = ("plain", "nan", "inf", "list", "noncontig", "negstride", "fortran", "broadcast", "readonly",
                 "int64", "int8", "uint8", "bool", "complex", "str", "object")
SHAPE_CLASSES = ("empty", "zero_d")
INTS = {"int64": np.int64, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}
NON_NUMERIC = ("complex", "str", "object")

# relative tolerance of a kernel against the float64 reference, as a share of the sum of |terms|
TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-4, np.dtype(np.float16): 5e-2}


# --- the case and its runner ---------------------------------------------------------------------------

@dataclass
class Case:
    kernel: str
    klass: str
    fn: Callable
    args: tuple
    kwargs: dict = field(default_factory=dict)
    error: tuple = ()                  # non-empty: a ValueError must name one of these tokens
    check: Callable = None             # check(result) for a valid case
    raises: type = None                # another exception that must pass through (f raising)
    lenient: bool = False              # inf values: allow NumPy's invalid-value warning


def snapshot(value):
    return copy.deepcopy(value)


def same(before, after):
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.dtype == after.dtype and before.shape == after.shape
                and (before.tolist() == after.tolist() if before.dtype == object else before.tobytes() == after.tobytes()))
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(map(same, before, after))
    if isinstance(before, float) and before != before:
        return isinstance(after, float) and after != after
    return before is after or before == after


def names(token, message):
    """Does the message name token (as a word, or literally for shapes and phrases)?"""
    if re.fullmatch(r"\w+", token):
        return re.search(rf"(?<![\w.]){re.escape(token)}(?!\w)", message) is not None
    return token in message


def run(case):
    CASES[case.kernel] += 1
    CLASSES[case.klass] += 1
    before = [snapshot(a) for a in case.args] + [snapshot(v) for v in case.kwargs.values()]

    def quiet():
        return np.errstate(invalid="ignore") if case.lenient else contextlib.nullcontext()
    try:
        with quiet():
            result = case.fn(*case.args, **case.kwargs)
    except ValueError as err:
        OUTCOMES["ValueError"] += 1
        assert case.error, f"{case.kernel} refused a valid {case.klass} case: {err}"
        assert any(names(t, str(err)) for t in case.error), \
            f"{case.kernel} ({case.klass}): message {str(err)!r} names none of {case.error}"
    except Exception as err:
        if case.raises is None or not isinstance(err, case.raises):
            raise
        OUTCOMES["f's own exception"] += 1
    else:
        OUTCOMES["result"] += 1
        assert not case.error and case.raises is None, \
            f"{case.kernel} accepted an invalid {case.klass} case (expected a ValueError naming {case.error})"
        with quiet():
            case.check(result)
    after = list(case.args) + list(case.kwargs.values())
    for i, (b, a) in enumerate(zip(before, after)):
        assert same(b, a), f"{case.kernel} ({case.klass}) modified its input number {i}"


def draw_case(data, strategy):
    """Draw a case; the references computed while drawing may do their own arithmetic on nan and inf."""
    with np.errstate(all="ignore"):
        return data.draw(strategy)


# --- values, classes and comparisons -----------------------------------------------------------------------

def mutate(rng, base, klass, dtype):
    """(what the kernel is given, the float values it must compute with, or None if the input is invalid)."""
    a = np.asarray(base).astype(dtype)
    if klass in ("nan", "inf") and a.size:
        a = a.copy()
        where = rng.integers(0, a.size, size=int(rng.integers(1, 3)))
        a.flat[where] = np.nan if klass == "nan" else rng.choice([np.inf, -np.inf], size=where.size)
        return a, a
    if klass in INTS:
        ints = np.clip(np.round(base), 0 if klass in ("uint8", "bool") else -3, 3)
        given_ = ints != 0 if klass == "bool" else ints.astype(INTS[klass])
        return given_, given_.astype(np.float64)
    if klass == "list":
        return a.tolist(), np.asarray(a.tolist(), dtype=np.float64)
    if klass == "noncontig" and a.ndim:
        return np.stack([a, a], axis=-1)[..., 0], a
    if klass == "negstride" and a.ndim:
        return np.ascontiguousarray(a[::-1])[::-1], a
    if klass == "fortran":
        return np.asfortranarray(a), a
    if klass == "broadcast" and a.ndim and a.shape[-1]:
        view = np.broadcast_to(a[..., :1], a.shape)
        return view, np.array(view)
    if klass == "readonly":
        view = a.copy()
        view.flags.writeable = False
        return view, a
    if klass == "complex":
        return a + 1j, None
    if klass == "str":
        return a.astype(str), None
    if klass == "object":
        obj = a.astype(object)
        if obj.size:
            obj.flat[0] = None
        return obj, None
    return a, a


def mutated_inputs(rng, shapes, names_, target, klass, dtype):
    """Random arrays of the given shapes, the target one mutated by klass: (given, seen copies)."""
    given_, seen = {}, {}
    for n in names_:
        given_[n], seen[n] = mutate(rng, rng.normal(size=shapes[n]), klass if n == target else "plain", dtype)
    if klass == "zero_d":
        given_[target], seen[target] = np.array(1.0, dtype), None
    return given_, seen


def f64(x):
    return np.asarray(x, dtype=np.float64)


def assert_close(out, ref, dtype, bound=None):
    """out matches ref: the same NaN and inf entries, finite entries within TOL * (bound + |ref|)
    (bound: the sum of |terms| the entry adds up, for sums that may cancel)."""
    out, ref = f64(out), f64(ref)
    assert out.shape == ref.shape, (out.shape, ref.shape)
    assert np.array_equal(np.isnan(out), np.isnan(ref)), (out, ref)
    inf = np.isinf(ref)
    assert np.array_equal(np.isinf(out), inf) and np.array_equal(out[inf], ref[inf]), (out, ref)
    fin = np.isfinite(ref)
    scale = np.abs(ref) + (1.0 if bound is None else np.nan_to_num(f64(bound), posinf=0.0))
    err = np.abs(out - ref)[fin]
    assert np.all(err <= TOL[np.dtype(dtype)] * scale[fin] + 1e-300), (float(err.max()), out, ref)


def assert_array(out, shape, dtype):
    """An array of this shape and dtype (a 0-d result may be a NumPy scalar, as NumPy's own functions give)."""
    assert isinstance(out, np.ndarray) or (shape == () and isinstance(out, np.generic)), type(out)
    assert out.shape == tuple(shape), (out.shape, shape)
    assert out.dtype == np.dtype(dtype), (out.dtype, dtype)


def coarsest(*seen):
    """The least precise dtype among the inputs: it sets the tolerance (float32 @ float32 + float64 is float64,
    but only as accurate as float32)."""
    return max((np.asarray(v).dtype for v in seen), key=lambda d: np.finfo(d).eps)


def out_dtype(*seen):
    """The dtype the contract promises for these (converted) inputs."""
    return np.result_type(*[np.asarray(s).dtype for s in seen])


def dims(draw, n, empty, low=1, high=4):
    """n dimension lengths; with empty, at least one of them is 0."""
    values = [draw(st.integers(low, high)) for _ in range(n)]
    if empty:
        values[draw(st.integers(0, n - 1))] = 0
    return values


@st.composite
def common(draw, params=()):
    """(input class, float dtype, rng): an array class (4 times in 7, or 4 in 5 without params), a shape
    class, or one of the kernel's own parameter classes (2 times in 7)."""
    family = draw(st.sampled_from(["array"] * 4 + ["shape"] + ["param"] * (2 if params else 0)))
    klass = draw(st.sampled_from({"array": ARRAY_CLASSES, "shape": SHAPE_CLASSES, "param": params}[family]))
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return klass, dtype, rng


# --- activations and softmax ---------------------------------------------------------------------------------

ELEMENTWISE = {
    "sigmoid": (mdlib.sigmoid, scipy.special.expit),
    "sigmoid_prime": (mdlib.sigmoid_prime, lambda z: scipy.special.expit(z) * (1 - scipy.special.expit(z))),
    "relu": (mdlib.relu, lambda z: np.where(np.isnan(z), z, np.where(z > 0, z, 0.0))),
    "relu_prime": (mdlib.relu_prime, lambda z: (z > 0).astype(float)),
    "tanh": (mdlib.tanh, np.tanh),
    "tanh_prime": (mdlib.tanh_prime, lambda z: 1 - np.tanh(z) ** 2),
    "identity": (mdlib.identity, lambda z: z),
    "identity_prime": (mdlib.identity_prime, np.ones_like),
}


@st.composite
def elementwise_cases(draw, name):
    fn, ref = ELEMENTWISE[name]
    klass, dtype, rng = draw(common())
    shape = () if klass == "zero_d" else tuple(dims(draw, draw(st.integers(1, 3)), klass == "empty"))
    scale = draw(st.sampled_from([1.0, 30.0, 1e4]))
    base = rng.normal(size=shape) * (min(scale, 100.0) if dtype == np.float16 else scale)
    z, seen = mutate(rng, base, klass, dtype)
    if seen is None:
        return Case(name, klass, fn, (z,), error=("z",))

    def check(out):
        assert_array(out, np.shape(seen), out_dtype(seen))
        assert_close(out, ref(f64(seen)), seen.dtype)
    return Case(name, klass, fn, (z,), check=check, lenient=klass == "inf")


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@FUZZ
@given(data=st.data())
def test_elementwise_activations(name, data):
    run(draw_case(data, elementwise_cases(name)))


@st.composite
def softmax_cases(draw):
    klass, dtype, rng = draw(common(("axis",)))
    shape = () if klass == "zero_d" else tuple(dims(draw, draw(st.integers(1, 3)), klass == "empty"))
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0
    if klass == "axis":
        axis = draw(st.sampled_from([1.5, None, True, (0,), "0", np.float64(0), 3, -4, np.int64(0), np.int8(-1)]))
    z, seen = mutate(rng, rng.normal(scale=draw(st.sampled_from([1.0, 50.0])), size=shape), klass, dtype)
    if seen is None:
        return Case("softmax", klass, mdlib.softmax, (z, axis), error=("z",))
    if seen.ndim == 0:
        return Case("softmax", klass, mdlib.softmax, (z, axis), error=("0-D",))
    if klass == "axis" and not (isinstance(axis, (int, np.integer)) and not isinstance(axis, bool)
                                and -seen.ndim <= axis < seen.ndim):
        return Case("softmax", klass, mdlib.softmax, (z, axis), error=("axis",))
    if seen.shape[axis] == 0:
        return Case("softmax", klass, mdlib.softmax, (z, axis), error=("axis", "classes"))

    def check(out):
        assert_array(out, seen.shape, out_dtype(seen))
        assert_close(out, scipy.special.softmax(f64(seen), axis=axis), seen.dtype)
    return Case("softmax", klass, mdlib.softmax, (z, axis), check=check, lenient=klass == "inf")


@FUZZ
@given(data=st.data())
def test_softmax(data):
    run(draw_case(data, softmax_cases()))


# --- losses and one_hot ------------------------------------------------------------------------------------

@st.composite
def loss_cases(draw, name):
    klass, dtype, rng = draw(common(("labels",)))
    which = draw(st.sampled_from(["pred", "target"]))
    K = 1 if name == "sigmoid_binary_cross_entropy" else draw(st.integers(1, 4))
    N = draw(st.integers(1, 4))
    if klass == "empty":
        K, N = (0, N) if (draw(st.booleans()) and name != "sigmoid_binary_cross_entropy") else (K, 0)
    z_base = rng.normal(scale=draw(st.sampled_from([1.0, 30.0])), size=(K, N))
    labels = rng.integers(0, max(K, 1), size=N)
    if name == "mse":
        y_base = rng.normal(size=(K, N))
    elif name == "softmax_cross_entropy":
        y_base = mdlib.one_hot(labels, K) if K else np.zeros((0, N))
    else:
        y_base = rng.integers(0, 2, size=(K, N)).astype(float)
    pred_name = "a" if name == "mse" else "z"
    fn = getattr(mdlib, name)
    y_is_labels = name == "softmax_cross_entropy" and (klass == "labels" or draw(st.booleans()))

    if klass == "zero_d":
        args = (np.array(1.0, dtype), y_base) if which == "pred" else (z_base.astype(dtype), np.array(1.0))
        return Case(name, klass, fn, args, error=(pred_name,) if which == "pred" else ("y", "labels"))
    mutate_pred = which == "pred" and klass not in ("labels",)
    z, z_seen = mutate(rng, z_base, klass if mutate_pred else "plain", dtype)
    if y_is_labels:                                    # integer labels (N,): only integer arrays are labels
        label_class = "plain" if mutate_pred or klass in SHAPE_CLASSES + ("labels",) else klass
        as_given = labels.astype(float) if label_class in ("nan", "inf") else labels
        y, y_seen = mutate(rng, as_given, label_class, as_given.dtype)
        valid = label_class not in ("nan", "inf", "bool") + NON_NUMERIC
        y_error = () if valid else ("labels", "y")
        Y_seen = (np.arange(K)[:, None] == f64(y_seen)[None, :]).astype(float) if valid else None
    else:
        y, y_seen = mutate(rng, y_base, klass if not mutate_pred else "plain", dtype)
        y_error = ("y",) if y_seen is None else ()
        Y_seen = y_seen
    if z_seen is None:
        return Case(name, klass, fn, (z, y), error=(pred_name,))
    if y_error:
        return Case(name, klass, fn, (z, y), error=y_error)
    if z_seen.size == 0:
        return Case(name, klass, fn, (z, y), error=(pred_name,))
    if name != "mse" and not np.all(np.isfinite(Y_seen)):
        return Case(name, klass, fn, (z, y), error=("y",))                   # targets must be 0/1 or distributions
    pred = f64(z_seen)
    Y = f64(np.asarray(Y_seen).astype(z_seen.dtype))                       # targets take the predictions' dtype

    if name == "mse":
        terms = 0.5 * (pred - Y) ** 2
        ref_loss, ref_grad = terms.sum() / N, (pred - Y) / N
        bound = 0.5 * np.sum((abs(pred) + abs(Y)) ** 2) / N
    elif name == "softmax_cross_entropy":
        # a column whose largest logit is +inf (or every logit -inf) has no softmax: nan, as in PyTorch
        log_S = scipy.special.log_softmax(pred, axis=0) + np.where(np.isfinite(pred.max(axis=0)), 0, np.nan)
        terms = np.where(Y > 0, -Y * log_S, 0.0)
        ref_loss, ref_grad = terms.sum() / N, (scipy.special.softmax(pred, axis=0) - Y) / N
        big = np.where(np.isfinite(pred), abs(pred), 0)             # an infinite logit only masks or wins
        bound = np.sum(Y * (big + big.max(axis=0) + 1)) / N
    else:
        terms = np.where(Y == 1, np.logaddexp(0, -pred), np.logaddexp(0, pred))
        ref_loss, ref_grad = terms.sum() / N, (scipy.special.expit(pred) - Y) / N
        bound = np.sum(np.where(np.isfinite(pred), abs(pred), 0) + 1) / N   # an infinite logit adds 0 or inf

    def check(result):
        loss, grad = result
        assert isinstance(loss, float)
        assert_array(grad, z_seen.shape, z_seen.dtype)                  # the gradient has the predictions' dtype
        assert_close(loss, ref_loss, z_seen.dtype, bound=bound)
        assert_close(grad, ref_grad, z_seen.dtype, bound=(np.abs(pred) + np.abs(Y)) / N)
    return Case(name, klass, fn, (z, y), check=check, lenient=klass == "inf")


@pytest.mark.parametrize("name", ["mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy"])
@FUZZ
@given(data=st.data())
def test_losses(name, data):
    run(draw_case(data, loss_cases(name)))


@st.composite
def one_hot_cases(draw):
    klass, dtype, rng = draw(common(("K", "dtype")))
    N = 0 if klass == "empty" else draw(st.integers(1, 5))
    K = draw(st.integers(1, 4))
    labels = rng.integers(0, K, size=N)
    kwargs = {}
    if klass == "K":
        bad = draw(st.sampled_from([0, -1, 2.5, True, None, "3", np.float64(3)]))
        return Case("one_hot", klass, mdlib.one_hot, (labels, bad), error=("K", "labels"))
    if klass == "dtype":
        kwargs["dtype"] = draw(st.sampled_from([np.float32, np.float16, "float64", np.int64, bool]))
        if np.dtype(kwargs["dtype"]).kind != "f":
            return Case("one_hot", klass, mdlib.one_hot, (labels, K), kwargs, error=("dtype",))
    if klass == "zero_d":
        return Case("one_hot", klass, mdlib.one_hot, (np.int64(0), K), error=("labels",))
    label_class = "plain" if klass in ("empty", "dtype") else klass
    as_given = labels.astype(float) if label_class in ("nan", "inf") else labels
    given_, seen = mutate(rng, as_given, label_class, as_given.dtype)
    if label_class in ("nan", "inf", "bool") + NON_NUMERIC:          # only integer arrays are labels
        return Case("one_hot", klass, mdlib.one_hot, (given_, K), kwargs, error=("labels",))

    def check(out):
        assert_array(out, (K, N), kwargs.get("dtype", np.float64))
        assert np.array_equal(out, np.arange(K)[:, None] == f64(seen)[None, :])
    return Case("one_hot", klass, mdlib.one_hot, (given_, K), kwargs, check=check)


@FUZZ
@given(data=st.data())
def test_one_hot(data):
    run(draw_case(data, one_hot_cases()))


# --- dense layer ------------------------------------------------------------------------------------------------

@st.composite
def dense_cases(draw, backward):
    klass, dtype, rng = draw(common())
    n_l, n_prev, N = dims(draw, 3, klass == "empty", 1, 4)
    names_ = ("dz", "W", "a_prev") if backward else ("W", "b", "a_prev")
    shapes = {"W": (n_l, n_prev), "b": (n_l, 1), "a_prev": (n_prev, N), "dz": (n_l, N)}
    target = draw(st.sampled_from(names_))
    given_, seen = mutated_inputs(rng, shapes, names_, target, klass, dtype)
    name = "dense_backward" if backward else "dense_forward"
    fn = getattr(mdlib, name)
    args = tuple(given_[n] for n in names_)
    if seen[target] is None:
        return Case(name, klass, fn, args, error=(target,))
    s = {n: f64(v) for n, v in seen.items()}
    dt = out_dtype(*seen.values())
    if backward:
        refs = (np.einsum("jn,kn->jk", s["dz"], s["a_prev"]), s["dz"].sum(axis=1, keepdims=True),
                np.einsum("jk,jn->kn", s["W"], s["dz"]))
        bounds = (np.einsum("jn,kn->jk", abs(s["dz"]), abs(s["a_prev"])), abs(s["dz"]).sum(axis=1, keepdims=True),
                  np.einsum("jk,jn->kn", abs(s["W"]), abs(s["dz"])))
    else:
        refs = (np.einsum("jk,kn->jn", s["W"], s["a_prev"]) + s["b"],)
        bounds = (np.einsum("jk,kn->jn", abs(s["W"]), abs(s["a_prev"])) + abs(s["b"]),)

    def check(out):
        outs = out if backward else (out,)
        for o, r, b in zip(outs, refs, bounds):
            assert_array(o, r.shape, dt)
            assert_close(o, r, coarsest(*seen.values()), bound=b)
    return Case(name, klass, fn, args, check=check, lenient=klass == "inf")


@pytest.mark.parametrize("backward", [False, True], ids=["dense_forward", "dense_backward"])
@FUZZ
@given(data=st.data())
def test_dense(backward, data):
    run(draw_case(data, dense_cases(backward)))


# --- convolution ----------------------------------------------------------------------------------------------

PARAM_VALUES = [0, -1, 1.5, 2.0, True, None, "1", np.int64(2), np.uint8(1), np.int64(2**62), 10**30, 2**40]


def whole(value, minimum):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and value >= minimum


def conv_reference(x, w, b, s, p):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    y, bound = np.zeros((N, F, OH, OW)), np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            patch = xp[:, :, i * s:i * s + KH, j * s:j * s + KW]
            y[:, :, i, j] = np.einsum("ncuv,fcuv->nf", patch, w)
            bound[:, :, i, j] = np.einsum("ncuv,fcuv->nf", abs(patch), abs(w))
    if b is not None:
        y, bound = y + b[None, :, None, None], bound + abs(b)[None, :, None, None]
    return y, bound


def conv_backward_reference(dy, x, w, s, p):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp, dxb = np.zeros(xp.shape), np.zeros(xp.shape)
    dw, dwb = np.zeros(w.shape), np.zeros(w.shape)
    for i in range(dy.shape[2]):
        for j in range(dy.shape[3]):
            win = (slice(None), slice(None), slice(i * s, i * s + KH), slice(j * s, j * s + KW))
            dxp[win] += np.einsum("nf,fcuv->ncuv", dy[:, :, i, j], w)
            dxb[win] += np.einsum("nf,fcuv->ncuv", abs(dy[:, :, i, j]), abs(w))
            dw += np.einsum("nf,ncuv->fcuv", dy[:, :, i, j], xp[win])
            dwb += np.einsum("nf,ncuv->fcuv", abs(dy[:, :, i, j]), abs(xp[win]))
    crop = (slice(None), slice(None), slice(p, p + H), slice(p, p + W))
    return (dxp[crop], dw, dy.sum(axis=(0, 2, 3))), (dxb[crop], dwb, abs(dy).sum(axis=(0, 2, 3)))


@st.composite
def conv_cases(draw, name):
    backward = "backward" in name
    klass, dtype, rng = draw(common(("stride", "padding")))
    N, C, F = dims(draw, 3, False, 1, 2)
    H, W = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    KH, KW = draw(st.integers(1, H + 2 * padding)), draw(st.integers(1, W + 2 * padding))
    use_b = not backward and draw(st.booleans())
    if klass == "empty":
        which = draw(st.sampled_from(["N", "C", "F", "H", "KH", "KW"]))
        N, C, F, H, KH, KW = [0 if which == k else v for k, v in zip("N C F H KH KW".split(), (N, C, F, H, KH, KW))]
    shapes = {"x": (N, C, H, W), "w": (F, C, KH, KW), "b": (F,)}
    OH = (H + 2 * padding - KH) // stride + 1 if KH else H + 2 * padding + 1
    OW = (W + 2 * padding - KW) // stride + 1
    shapes["dy"] = (N, F, max(OH, 0), max(OW, 0))
    names_ = ("dy", "x", "w") if backward else ("x", "w") + (("b",) if use_b else ())
    target = draw(st.sampled_from(names_))
    given_, seen = mutated_inputs(rng, shapes, names_, target, klass, dtype)
    if klass == "stride":
        stride = draw(st.sampled_from(PARAM_VALUES))
    if klass == "padding":
        padding = draw(st.sampled_from(PARAM_VALUES))
    fn = getattr(mdlib, name)
    args = tuple(given_[n] for n in names_)
    if not backward and not use_b:
        args = args + (None,)
    args = args + (stride, padding)
    if seen[target] is None:
        return Case(name, klass, fn, args, error=(target,))
    if klass == "empty" and which != "N":
        return Case(name, klass, fn, args, error=("w",) if which in ("F", "KH", "KW", "C") else ("x",))
    if not whole(stride, 1):
        return Case(name, klass, fn, args, error=("stride",))
    if not whole(padding, 0):
        return Case(name, klass, fn, args, error=("padding",))
    if int(padding) >= 2**30:
        return Case(name, klass, fn, args, error=("padding",))
    s, p = int(stride), int(padding)
    if KH > H + 2 * p or KW > W + 2 * p:                      # a smaller padding drawn by the padding class
        return Case(name, klass, fn, args, error=("kernel", "padding"))
    S = {n: f64(v) for n, v in seen.items()}
    if backward:
        OH, OW = (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1
        if S["dy"].shape != (N, F, OH, OW):
            return Case(name, klass, fn, args, error=("dy",))
        refs, bounds = conv_backward_reference(S["dy"], S["x"], S["w"], s, p)
        dt = out_dtype(seen["x"], seen["w"], seen["dy"])

        def check(out):
            for o, r, b, like in zip(out, refs, bounds, (S["x"], S["w"], np.zeros(F))):
                assert_array(o, like.shape, dt)
                assert_close(o, r, coarsest(*seen.values()), bound=b)
    else:
        ref, bound = conv_reference(S["x"], S["w"], S.get("b"), s, p)
        dt = out_dtype(*seen.values())

        def check(out):
            assert_array(out, ref.shape, dt)
            assert_close(out, ref, coarsest(*seen.values()), bound=bound)
    return Case(name, klass, fn, args, check=check, lenient=klass == "inf")


@pytest.mark.parametrize("name", ["conv2d", "conv2d_naive", "conv2d_backward", "conv2d_backward_naive"])
@FUZZ
@given(data=st.data())
def test_conv(name, data):
    run(draw_case(data, conv_cases(name)))


@st.composite
def correlate_cases(draw, name):
    klass, dtype, rng = draw(common(("mode",)))
    mode = draw(st.sampled_from(["valid", "full"]))
    H, W = dims(draw, 2, klass == "empty" and draw(st.booleans()), 1, 5)
    KH, KW = dims(draw, 2, klass == "empty" and not (0 in (H, W)), 1, 4)
    target = draw(st.sampled_from(["a", "k"]))
    a, a_seen = mutate(rng, rng.normal(size=(H, W)), klass if target == "a" else "plain", dtype)
    k, k_seen = mutate(rng, rng.normal(size=(KH, KW)), klass if target == "k" else "plain", dtype)
    if klass == "zero_d":
        a, a_seen = (np.array(1.0), None) if target == "a" else (a, a_seen)
        k, k_seen = (np.array(1.0), None) if target == "k" else (k, k_seen)
    if klass == "mode":
        mode = draw(st.sampled_from(["same", "VALID", None, 1, "fulll"]))
    fn = getattr(mdlib, name)
    if a_seen is None or k_seen is None:
        return Case(name, klass, fn, (a, k, mode), error=(target,))
    if klass == "mode":
        return Case(name, klass, fn, (a, k, mode), error=("mode",))
    if a_seen.size == 0 or k_seen.size == 0 or (mode == "valid" and (KH > H or KW > W)):
        return Case(name, klass, fn, (a, k, mode), error=("k", "a"))
    A, Kk = f64(a_seen), f64(k_seen)
    scipy_fn = getattr(scipy.signal, name)
    ref, bound = scipy_fn(A, Kk, mode), scipy_fn(abs(A), abs(Kk), mode)
    dt = out_dtype(a_seen, k_seen)

    def check(out):
        assert_array(out, ref.shape, dt)
        assert_close(out, ref, coarsest(a_seen, k_seen), bound=bound)
    return Case(name, klass, fn, (a, k, mode), check=check, lenient=klass == "inf")


@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
@FUZZ
@given(data=st.data())
def test_correlate_convolve(name, data):
    run(draw_case(data, correlate_cases(name)))


@st.composite
def rot180_cases(draw):
    klass, dtype, rng = draw(common())
    ndim = 0 if klass == "zero_d" else draw(st.integers(1, 4))
    k, seen = mutate(rng, rng.normal(size=tuple(dims(draw, ndim, klass == "empty"))) if ndim else rng.normal(size=()),
                     klass, dtype)
    if seen is None or seen.ndim < 2:
        return Case("rot180", klass, mdlib.rot180, (k,), error=("k",))

    def check(out):
        assert_array(out, seen.shape, out_dtype(seen))
        assert np.array_equal(out, np.rot90(seen, 2, axes=(-2, -1)), equal_nan=True)
        assert not np.shares_memory(out, k) if isinstance(k, np.ndarray) else True
    return Case("rot180", klass, mdlib.rot180, (k,), check=check)


@FUZZ
@given(data=st.data())
def test_rot180(data):
    run(draw_case(data, rot180_cases()))


# --- pooling ------------------------------------------------------------------------------------------------------

def pool_reference(x, dy, size, s, mode):
    N, C, H, W = x.shape
    OH, OW = (H - size) // s + 1, (W - size) // s + 1
    y, dx = np.zeros((N, C, OH, OW)), np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * s:i * s + size, j * s:j * s + size]
                    y[n, c, i, j] = win.max() if mode == "max" else win.mean()
                    if dy is None:
                        continue
                    if mode == "max":
                        u, v = np.unravel_index(np.argmax(win), win.shape)
                        dx[n, c, i * s + u, j * s + v] += dy[n, c, i, j]
                    else:
                        dx[n, c, i * s:i * s + size, j * s:j * s + size] += dy[n, c, i, j] / size**2
    return y, dx


@st.composite
def pool_cases(draw, name):
    mode = name[:3]
    backward = name.endswith("backward")
    klass, dtype, rng = draw(common(("size", "stride")))
    N, C = dims(draw, 2, False, 1, 2)
    H, W = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    size = draw(st.integers(1, min(H, W)))
    stride = draw(st.sampled_from([None, 1, 2, 3]))
    if klass == "empty":
        which = draw(st.sampled_from(["N", "C", "H"]))
        N, C, H = [0 if which == k else v for k, v in zip("NCH", (N, C, H))]
    s = size if stride is None else stride
    OH, OW = max((H - size) // s + 1, 0), (W - size) // s + 1
    names_ = ("dy", "x") if backward else ("x",)
    shapes = {"x": (N, C, H, W), "dy": (N, C, OH, OW)}
    target = draw(st.sampled_from(names_))
    given_, seen = mutated_inputs(rng, shapes, names_, target, klass, dtype)
    if klass == "size":
        size = draw(st.sampled_from(PARAM_VALUES))
    if klass == "stride":
        stride = draw(st.sampled_from(PARAM_VALUES))
    fn = getattr(mdlib, name)
    args = tuple(given_[n] for n in names_) + (size, stride)
    if seen[target] is None:
        return Case(name, klass, fn, args, error=(target,))
    if klass == "empty" and which != "N":
        return Case(name, klass, fn, args, error=("x",))
    if not whole(size, 1):
        return Case(name, klass, fn, args, error=("size",))
    if stride is not None and not whole(stride, 1):
        return Case(name, klass, fn, args, error=("stride",))
    if size > min(H, W):
        return Case(name, klass, fn, args, error=("size",))
    size, s = int(size), int(size if stride is None else stride)
    X = f64(seen["x"])
    OH, OW = (H - size) // s + 1, (W - size) // s + 1
    if backward and seen["dy"].shape != (N, C, OH, OW):
        return Case(name, klass, fn, args, error=("dy",))
    y, dx = pool_reference(X, f64(seen["dy"]) if backward else None, size, s, mode)
    dt = out_dtype(*seen.values())

    def check(out):
        if backward:
            assert_array(out, X.shape, dt)
            assert_close(out, dx, coarsest(*seen.values()), bound=pool_reference(X, abs(f64(seen["dy"])), size, s, mode)[1])
        else:
            assert_array(out, y.shape, dt)
            assert_close(out, y, coarsest(*seen.values()), bound=pool_reference(abs(X), None, size, s, mode)[0])
    return Case(name, klass, fn, args, check=check, lenient=klass == "inf")


@pytest.mark.parametrize("name", ["max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward"])
@FUZZ
@given(data=st.data())
def test_pooling(name, data):
    run(draw_case(data, pool_cases(name)))


# --- gradient checking --------------------------------------------------------------------------------------------

class Boom(Exception):
    pass


def quadratic(c, t):
    """f(v) = 1/2 sum c (v - t)^2, evaluated in float64 whatever v's dtype; its gradient is c (v - t)."""
    return lambda v: float(0.5 * np.sum(c * (f64(v) - t) ** 2))


BAD_F = {
    "f_raises": lambda v: (_ for _ in ()).throw(Boom()),
    "f_array": lambda v: f64(v) * 2,
    "f_none": lambda v: None,
    "f_nan": lambda v: float("nan"),
    "f_str": lambda v: "1.0",
    "f_not_callable": 3.0,
}
EPS_VALUES = [0, -1e-6, "1e-6", None, float("nan"), float("inf"), True, 1j, 1e-3, np.float32(1e-3), 1]


@st.composite
def numerical_gradient_cases(draw):
    klass, dtype, rng = draw(common(tuple(BAD_F) + ("eps",)))
    shape = () if klass == "zero_d" else tuple(dims(draw, draw(st.integers(1, 2)), klass == "empty", 1, 3))
    c, t = rng.uniform(0.5, 2.0, size=shape), rng.normal(size=shape)
    x, seen = mutate(rng, rng.normal(size=shape), klass if klass in ARRAY_CLASSES else "plain", dtype)
    f = BAD_F.get(klass, quadratic(c, t))
    eps = draw(st.sampled_from(EPS_VALUES)) if klass == "eps" else (1e-6 if dtype == np.float64 else 2.0**-6)
    args = (f, x, eps)
    if klass in ("list", "readonly", "broadcast", "int64", "int8", "uint8", "bool") + NON_NUMERIC:
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, error=("x",))
    if seen.size and klass in ("f_array", "f_none", "f_nan", "f_str", "nan"):
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, error=("f",))
    if klass == "inf" and seen.size:
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, error=("f",))
    if klass == "f_not_callable":
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, error=("f",))
    if klass == "eps" and not (isinstance(eps, (int, float, np.floating)) and not isinstance(eps, bool)
                               and 0 < eps < np.inf):
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, error=("eps",))
    if klass == "f_raises" and seen.size:
        return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, raises=Boom)
    exact = c * (f64(seen) - t)

    def check(out):
        assert_array(out, seen.shape, seen.dtype)
        if dtype == np.float64 and eps == 1e-6:
            np.testing.assert_allclose(out, exact, rtol=1e-6, atol=1e-6)
        elif klass != "eps":
            np.testing.assert_allclose(f64(out), exact, rtol=5e-2, atol=5e-2)
    return Case("numerical_gradient", klass, mdlib.numerical_gradient, args, check=check)


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_numerical_gradient(data):
    run(draw_case(data, numerical_gradient_cases()))


@st.composite
def relative_error_cases(draw):
    klass, dtype, rng = draw(common(("shapes",)))
    shape = () if klass == "zero_d" else tuple(dims(draw, draw(st.integers(1, 3)), klass == "empty"))
    base_a = rng.normal(size=shape)
    base_b = base_a * (1 + draw(st.sampled_from([0.0, 1e-9, 1e-3, 1.0])) * rng.normal(size=shape))
    target = draw(st.sampled_from(["a", "b"]))
    a, a_seen = mutate(rng, base_a, klass if target == "a" else "plain", dtype)
    b, b_seen = mutate(rng, base_b, klass if target == "b" else "plain", dtype)
    if klass == "shapes":
        b, b_seen = np.ones(shape + (2,)), np.ones(shape + (2,))
    if a_seen is None or b_seen is None:
        return Case("relative_error", klass, mdlib.relative_error, (a, b), error=(target,))
    if a_seen.shape != b_seen.shape:
        return Case("relative_error", klass, mdlib.relative_error, (a, b), error=(str(a_seen.shape),))
    if not (np.all(np.isfinite(a_seen)) and np.all(np.isfinite(b_seen))):
        return Case("relative_error", klass, mdlib.relative_error, (a, b), error=(target,))
    pairs = list(zip(f64(a_seen).ravel().tolist(), f64(b_seen).ravel().tolist()))
    ref = max([abs(p - q) / max(abs(p) + abs(q), 1e-12) for p, q in pairs], default=0.0)

    def check(out):
        assert isinstance(out, float) and out == pytest.approx(ref, rel=1e-12, abs=1e-300)
    return Case("relative_error", klass, mdlib.relative_error, (a, b), check=check)


@FUZZ
@given(data=st.data())
def test_relative_error(data):
    run(draw_case(data, relative_error_cases()))


@st.composite
def gradient_check_cases(draw):
    klass, dtype, rng = draw(common(tuple(BAD_F) + ("eps", "dout")))
    shape = () if klass == "zero_d" else tuple(dims(draw, draw(st.integers(1, 2)), klass == "empty", 1, 3))
    c, t = rng.uniform(0.5, 2.0, size=shape), rng.normal(size=shape)
    array_mode = klass == "dout" or draw(st.booleans())
    target = draw(st.sampled_from(["x", "grad"]))
    x, x_seen = mutate(rng, rng.normal(size=shape), klass if target == "x" and klass in ARRAY_CLASSES else "plain",
                       dtype)
    dout = rng.normal(size=shape)
    exact = (c * dout) if array_mode else c * (f64(x_seen) - t)
    variant = draw(st.sampled_from(["right", "zero", "tenth", "sign", "shift"]))
    right = f64(exact)
    wrong = {"right": right, "zero": 0 * right, "tenth": 1.1 * right, "sign": -right, "shift": right + 0.05}[variant]
    grad, grad_seen = mutate(rng, wrong, klass if target == "grad" and klass in ARRAY_CLASSES else "plain",
                             np.float64)
    if array_mode:
        f = BAD_F.get(klass, lambda v: c * f64(v))
    else:
        f = BAD_F.get(klass, quadratic(c, t))
    eps = draw(st.sampled_from(EPS_VALUES)) if klass == "eps" else None
    kwargs = {"eps": eps}
    if array_mode:
        kwargs["dout"] = dout
    if klass == "dout":
        kwargs["dout"], _ = mutate(rng, dout, draw(st.sampled_from(["nan", "complex", "str", "list", "int64"])),
                                   np.float64)
    args = (f, x, grad)
    name = "gradient_check"
    if target == "x" and klass in ("list", "readonly", "broadcast", "int64", "int8", "uint8", "bool") + NON_NUMERIC:
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("x",))
    if np.dtype(dtype) == np.float16 and isinstance(x, np.ndarray):
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("float16",))
    if klass == "eps":
        ok_eps = (eps is None or (isinstance(eps, (int, float, np.floating)) and not isinstance(eps, bool)
                                  and 0 < eps < np.inf and 4 * np.finfo(dtype).eps / eps <= 1e-3))
        if not ok_eps:
            return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("eps",))
    if grad_seen is None:
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("grad",))
    if grad_seen.shape != x_seen.shape:
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("grad",))
    if not np.all(np.isfinite(grad_seen)):
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("grad",))
    if klass == "dout":
        dout_given = kwargs["dout"]
        if not isinstance(dout_given, list) and np.asarray(dout_given).dtype.kind not in "iuf":
            return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("dout",))
        if not np.all(np.isfinite(f64(dout_given))):
            return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("dout",))
        right = c * f64(dout_given)
    if klass in ("f_not_callable",):
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("f",))
    if klass in ("f_array", "f_none", "f_nan", "f_str") and (x_seen.size or not array_mode):
        if not (klass == "f_array" and array_mode):
            return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("f", "dout", "f(x)"))
    if klass == "f_raises" and (x_seen.size or not array_mode):
        return Case(name, klass, mdlib.gradient_check, args, kwargs, raises=Boom)
    if klass in ("nan", "inf") and target == "x" and x_seen.size:          # f is not finite there
        return Case(name, klass, mdlib.gradient_check, args, kwargs, error=("f", "f(x)"))
    if klass == "f_array" and array_mode and x_seen.size:
        right = 2 * f64(kwargs["dout"])

    G = f64(grad_seen)

    def check(out):
        assert isinstance(out, mdlib.GradCheck) and isinstance(out.ok, bool)
        assert_array(out.numeric, x_seen.shape, x_seen.dtype)
        # soundness: a verdict of ok means grad is within rtol + the floor (twice: the central
        # difference of this smooth f is itself within the floor) of the true gradient
        slack = 1e-7 * (abs(G) + abs(right)) + 2 * out.floor + 1e-12
        if out.ok:
            assert np.all(abs(G - right) <= slack), (klass, variant, G, right, out)
        # completeness: the true gradient of a smooth f is always accepted
        if np.array_equal(G, right):
            assert out.ok, (klass, variant, out)
    return Case(name, klass, mdlib.gradient_check, args, kwargs, check=check)


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_gradient_check(data):
    run(draw_case(data, gradient_check_cases()))


# --- the count ----------------------------------------------------------------------------------------------------

PUBLIC_KERNELS = {
    "sigmoid", "sigmoid_prime", "relu", "relu_prime", "tanh", "tanh_prime", "softmax",
    "mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy", "one_hot",
    "dense_forward", "dense_backward", "conv2d", "conv2d_backward", "conv2d_naive", "conv2d_backward_naive",
    "correlate2d", "convolve2d", "rot180", "max_pool2d", "max_pool2d_backward", "avg_pool2d",
    "avg_pool2d_backward", "numerical_gradient", "relative_error", "gradient_check",
}


def test_zz_case_count():
    """Runs last (file order): report how many cases the fuzz ran, per kernel and per input class."""
    if not CASES:
        pytest.skip("run the whole file to count its cases")
    print(f"\nfuzz: {sum(CASES.values())} cases over {len(CASES)} kernels")
    print("  per kernel:", dict(sorted(CASES.items())))
    print("  per input class:", dict(sorted(CLASSES.items())))
    print("  outcomes:", dict(OUTCOMES))
    assert PUBLIC_KERNELS <= set(CASES), PUBLIC_KERNELS - set(CASES)
    for klass in ARRAY_CLASSES + SHAPE_CLASSES:
        assert CLASSES[klass] > 0, klass
