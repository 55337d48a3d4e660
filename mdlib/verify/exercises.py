"""Checkers for the code exercises: the reader writes a function, a checker tests it.

Defined in Chapter 1 (check_layer_forward, a layer's forward pass); Chapter 2 adds
check_backward, Chapter 3 check_two_layer_backward, Chapter 4 check_conv_backward and
check_max_pool_backward, and Appendix A check_numerical_gradient. Each checker calls
the reader's function on several fixed cases (non-square shapes, a batch of 1, ties,
...), always on copies of its inputs, and compares what it returns with mdlib's own
function and with an independent second judge (central finite differences, an explicit
loop, the exact gradient). It stops at the first problem: an exception, an input changed
in place, a wrong shape, wrong numbers. Wrong numbers are compared with the typical
mistakes, each computed on the same case, and a match gives that mistake's hint with the
book's section. The checker prints its verdict (lines of at most 88 characters) and
returns a CheckResult.
"""
import copy
import linecache
import math
import re
import textwrap
import traceback
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ..kernels.activations import sigmoid, sigmoid_prime, tanh, tanh_prime
from ..kernels.conv import conv2d, conv2d_backward, convolve2d, correlate2d, rot180
from ..kernels.dense import dense_forward
from ..kernels.losses import sigmoid_binary_cross_entropy
from ..kernels.pool import max_pool2d, max_pool2d_backward
from ..models.network import backward, forward, output_delta
from ..models.two_layer import two_layer_backward, two_layer_forward
from .gradcheck import gradient_check, numerical_gradient

WIDTH = 88


class CheckResult(NamedTuple):
    """What a checker returns: ok, and the message it printed."""
    ok: bool
    message: str

    def _repr_pretty_(self, p, cycle):
        """IPython shows only ok: the message is printed already."""
        p.text(f"CheckResult(ok={self.ok})")


class _Case(NamedTuple):
    name: str        # what the case tests, in words
    tag: str         # the same, in a few words (the success message lists them)
    args: tuple      # the reader's arguments (the checker passes deep copies)
    arg_names: tuple
    ref: dict        # name -> the reference array, in the order they are checked
    variants: list   # [(hint, {name: the array a typical mistake gives})]
    fd: object       # fd(got) -> None, or a message naming the array it rejects
    joint: bool = False   # a variant matches only if ALL its arrays equal the reader's


# --- the engine -----------------------------------------------------------------------

def _wrap(text):
    """text wrapped at WIDTH characters, line by line; continuations indented."""
    return "\n".join(textwrap.fill(line, WIDTH, subsequent_indent="  ",
                                   break_on_hyphens=False)
                     for line in text.split("\n"))


def _finish(ok, message, quiet):
    if not quiet:
        print(message)
    return CheckResult(ok, message)


def _fail(problem, hint, quiet):
    return _finish(False, _wrap("Not yet: " + problem) + "\n" + _wrap("Hint: " + hint),
                   quiet)


def _short(err):
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= 200 else text[:197] + "..."


def _close(got, ref):
    """Equal up to rounding, entry by entry:
    |got - ref| <= 1e-6 |ref| + 1e-9 max(1, max |ref|)."""
    scale = max(1.0, float(np.max(np.abs(ref), initial=0.0)))
    return got.shape == ref.shape and bool(
        np.all(np.abs(got - ref) <= 1e-6 * np.abs(ref) + 1e-9 * scale))


def _changed(original, passed, name):
    """The names of the inputs the reader's function changed in place (dicts: entry by
    entry)."""
    if isinstance(original, dict):
        if not isinstance(passed, dict) or sorted(passed) != sorted(original):
            return [f"{name} (its keys)"]
        return [c for k in original for c in _changed(original[k], passed[k],
                                                      f"{name}[{k}]")]
    if isinstance(original, np.ndarray):
        same = (isinstance(passed, np.ndarray) and passed.shape == original.shape
                and np.array_equal(passed, original))
        return [] if same else [name]
    return []


def _as_array(value, name):
    """value as a float array, or None if it is not an array of real numbers."""
    try:
        arr = np.asarray(value)
    except Exception:       # noqa: BLE001  (a ragged list)
        return None
    return arr.astype(np.float64) if arr.dtype.kind in "biuf" else None


def _where(got, ref):
    diff = np.abs(got - ref)
    i = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"the largest difference is at index {tuple(int(k) for k in i)}: "
            f"got {got[i]:.6g}, expected {ref[i]:.6g}")


def _mistake(case, name, got, everything=None):
    """The hint of the first typical mistake whose `name` equals got, or None. For a
    joint case (everything: all the reader's arrays) every array of the mistake must
    match."""
    same = lambda value, arr: value.shape == arr.shape and _close(arr, value)
    for hint, values in case.variants:
        value = values.get(name)
        if value is not None and same(value, got) and not same(value, case.ref[name]):
            if not case.joint or everything is None or all(
                    n in everything and same(v, everything[n])
                    for n, v in values.items()):
                return hint.replace("{name}", name)
    return None


_IN_PLACE = ("the caller still needs its arrays: compute into new arrays (a = a * s, "
             "not a *= s), or work on a copy (x = x.copy())")


def _run(fn, cases, unpack, exception_hint, shape_hint, generic_hint, success, quiet,
         in_place_hint=None):
    """Call fn on each case and return the first problem as a CheckResult (ok=False),
    else success.

    in_place_hint(case, args) -> the hint when fn changed an input (args: what fn was
    given)."""
    if not callable(fn):
        return _fail(f"expected your function; got {type(fn).__name__}",
                     "pass the function itself, without calling it: "
                     "check(my_function), not check(my_function(...))", quiet)
    for case in cases:
        args = copy.deepcopy(case.args)
        try:
            out = fn(*args)
        except Exception as err:  # noqa: BLE001  (the reader's code may raise anything)
            return _fail(f"your function raised\n  {_short(err)}\n(case: {case.name})",
                         exception_hint(err, case), quiet)
        changed = [c for o, p, n in zip(case.args, args, case.arg_names)
                   for c in _changed(o, p, n)]
        if changed:
            return _fail(f"your function changed its input {', '.join(changed)} in "
                         f"place (case: {case.name})",
                         in_place_hint(case,
                                       args) if in_place_hint else _IN_PLACE, quiet)
        got = unpack(out, case)
        if isinstance(got, tuple):        # (problem, hint)
            return _fail(f"{got[0]} (case: {case.name})", got[1], quiet)
        for name, ref in case.ref.items():
            if got[name].shape != ref.shape:
                return _fail(f"{name} has shape {got[name].shape}; expected "
                             f"{ref.shape} (case: {case.name})",
                             _mistake(case, name, got[name], got)
                             or shape_hint(name, got, case), quiet)
        for name, ref in case.ref.items():
            if not np.all(np.isfinite(got[name])):
                return _fail(f"{name} holds nan or inf (case: {case.name})",
                             "every gradient here is finite: look for a division by "
                             "zero or an uninitialised array (np.empty)", quiet)
            if not _close(got[name], ref):
                hint = _mistake(case, name, got[name], got)
                return _fail(f"{name} differs from mdlib's on the case {case.name}; "
                             + _where(got[name], ref), hint or generic_hint(name),
                             quiet)
        problem = case.fd(got)
        if problem:
            return _fail(f"{problem} (case: {case.name})",
                         generic_hint(problem.split()[0]), quiet)
    names = "; ".join(c.tag for c in cases)
    return _finish(True, _wrap(f"OK: {success} on {len(cases)} cases: {names}."), quiet)


def _fd_check(arrays, f_of, got, names, dout=None):
    """gradient_check of got[name] for each name, perturbing a copy of arrays[name] in
    f_of(name)."""
    for name in names:
        x = np.array(arrays[name], dtype=np.float64)
        check = gradient_check(f_of(name, x), x, got[name], dout=dout)
        if not check.ok:
            return (f"{name} disagrees with central differences (relative error "
                    f"{check.relative_error:.2g})")
    return None


def _verified(case):
    """The case, after its reference passed the same central-difference check as the
    reader's arrays will (a broken mdlib kernel fails here rather than blaming the
    reader)."""
    problem = case.fd(case.ref)
    if problem:
        raise RuntimeError("mdlib's own reference fails the check on the case "
                           f"{case.name}: {problem}")
    return case


def _tuple_of(out, names, what):
    """The reader's tuple as {name: array}, or (problem, hint)."""
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        got = f"a {type(out).__name__}" + (
            f" of {len(out)}" if isinstance(out, (tuple, list)) else "")
        return (f"your function returned {got}; expected a tuple {', '.join(names)}",
                f"end with return {', '.join(names)} ({what})")
    result = {}
    for name, value in zip(names, out):
        arr = _as_array(value, name)
        if arr is None:
            return (f"{name} is a {type(value).__name__}, not an array of numbers",
                    f"return NumPy arrays ({what})")
        result[name] = arr
    return result


def _matmul_error(err):
    text = str(err)
    return isinstance(err, ValueError) and ("matmul" in text or "align" in text
                                            or "shapes" in text)


# --- Chapter 1: one layer's forward pass ----------------------------------------------

_TO_FROM = "see 1.2, \"to, from\""
_FORMS = "see 1.3, component form"
_FORWARD_MISTAKES = {
    "W_T": "{name} matches (Wˡ)ᵀ aˡ⁻¹ + bˡ: you used wₖⱼ, the \"from, to\" order. "
           "wˡⱼₖ is W[j, k]: row j is the neuron the weight goes TO, column k the "
           "neuron it comes FROM, so zⱼ = sum over k of W[j, k] a_prev[k] + b[j] "
           f"({_TO_FROM})",
    "no_bias": "{name} has no bias: zⱼ = sum over k of W[j, k] a_prev[k] + b[j], "
               f"with b added once to every neuron of every sample ({_FORMS})",
    "bias_in_k_loop": "{name} has the bias nₗ₋₁ times: b[j] was added inside the "
                      "loop over k. The sum runs over the weights only; add b[j] once, "
                      f"after the sum ({_FORMS})",
    "bias_by_sample": "{name} adds b[i] to sample i: b is a column (nₗ, 1), one entry "
                      "per neuron, and W a_prev + b adds it to every column; b.T, "
                      "b.ravel() or b[i] spread it along the samples instead "
                      f"({_FORMS}, the batch)",
    "sigma_outside": "{name} matches a = σ(W a_prev) + b, the bias added after the "
                     "activation: it belongs inside, z = W a_prev + b, then a = σ(z) "
                     f"({_FORMS}, and 1.5's mistakes)",
    "no_activation": "{name} equals z: the activation was not applied; a = σ(z), "
                     f"entry by entry ({_FORMS})",
    "input_activation": "{name} matches σ applied to the input: a_prev is already "
                        "an activation (aˡ⁻¹ = σ(zˡ⁻¹)); this layer computes "
                        "z = W a_prev + b from a_prev as it is, then a = σ(z) "
                        f"({_FORMS})",
    "sigmoid": "{name} uses the sigmoid although this case's activation is another "
               f"one: call the sigma argument ({_FORMS})",
    "swapped": "{name} is the other array: return z, a in this order, z = W a_prev + b "
               f"first ({_FORMS})",
    "rows": "{name} has one sample per ROW: in this book a batch has one sample per "
            f"column, z and a are (nₗ, N) like W a_prev ({_FORMS}, and Exercise 1.1)",
}


def _forward_variants(W, b, a_prev, sigma):
    """{mistake: [{"z": ..., "a": ...}, ...]}: the arrays each typical mistake returns;
    a mistake whose shapes do not align (a transposed W that is not square) is left
    out."""
    n_prev = W.shape[1]
    z, Wa = W @ a_prev + b, W @ a_prev
    out = {"no_bias": [{"z": Wa, "a": sigma(Wa)}],
           "bias_in_k_loop": [{"z": Wa + n_prev * b, "a": sigma(Wa + n_prev * b)}],
           "sigma_outside": [{"z": Wa, "a": sigma(Wa) + b},
                             {"z": z, "a": sigma(Wa) + b}],
           "no_activation": [{"z": z, "a": z}],
           "input_activation": [{"z": W @ sigma(a_prev) + b,
                                 "a": sigma(W @ sigma(a_prev) + b)},
                                {"z": W @ sigma(a_prev) + b,
                                 "a": W @ sigma(a_prev) + b}],
           "sigmoid": [{"z": z, "a": sigmoid(z)}],
           "swapped": [{"z": sigma(z), "a": z}],
           "rows": [{"z": z.T, "a": sigma(z).T}]}
    for name, make in (("W_T", lambda: W.T @ a_prev + b),
                       ("bias_by_sample", lambda: Wa + b.T)):
        try:
            zw = make()
        except ValueError:
            continue
        out[name] = [{"z": zw, "a": sigma(zw)}]
    return out


def _component_sums(W, b, a_prev, scalar_sigma):
    """z and a by the component form, with explicit loops over j, k and samples i."""
    (n_l, n_prev), N = W.shape, a_prev.shape[1]
    z = np.array([[sum(W[j, k] * a_prev[k, i] for k in range(n_prev)) + b[j, 0]
                   for i in range(N)] for j in range(n_l)])
    return z, np.vectorize(scalar_sigma)(z)


_SCALAR = {"sigmoid": (sigmoid, lambda t: 1 / (1 + math.exp(-t))),
           "tanh": (tanh, math.tanh)}


def _forward_case(name, tag, n_prev, n_l, N, act, seed):
    rng = np.random.default_rng(seed)
    sigma, scalar = _SCALAR[act]
    W, b = rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1))
    a_prev = rng.normal(size=(n_prev, N))
    z = dense_forward(W, b, a_prev)
    ref = {"z": z, "a": sigma(z)}
    z_loop, a_loop = _component_sums(W, b, a_prev, scalar)

    def fd(got):
        if not _close(got["z"], z_loop):
            return "z disagrees with the component sum over k, computed by loops"
        if not _close(got["a"], a_loop):
            return ("a disagrees with σ of the component sum, computed entry by "
                    "entry")
        return None

    variants = [(_FORWARD_MISTAKES[k], v)
                for k, vs in _forward_variants(W, b, a_prev, sigma).items() for v in vs]
    return _verified(_Case(name, tag, (W, b, a_prev, sigma),
                           ("W", "b", "a_prev", "sigma"), ref, variants, fd,
                           joint=True))


@lru_cache(maxsize=None)
def _forward_cases():
    return [
        _forward_case("W (3, 4): nₗ = 3, nₗ₋₁ = 4, N = 5, sigmoid",
                      "W (3, 4), N = 5", 4, 3, 5, "sigmoid", 41),
        _forward_case("batch of 1: W (2, 3), a_prev (3, 1), tanh", "batch of 1",
                      3, 2, 1, "tanh", 42),
        _forward_case("square W (3, 3) and N = 3 (a transposed W, a bias along the "
                      "samples keep the shapes), tanh", "square W, N = nₗ",
                      3, 3, 3, "tanh", 43),
        _forward_case("one neuron: W (1, 4), N = 6, sigmoid", "one neuron", 4, 1, 6,
                      "sigmoid", 44),
        _forward_case("W (4, 2), N = 3, tanh", "W (4, 2) with tanh", 2, 4, 3, "tanh",
                      45),
    ]


def _forward_exception_hint(err, case):
    W = case.args[0]
    if isinstance(err, ValueError) and "broadcast" in str(err):
        return ("b is a column (nₗ, 1): W a_prev + b adds it to every column "
                "(sample); b.T or b.ravel() would try to spread it along the samples "
                f"({_FORMS}, the batch)")
    if isinstance(err, IndexError):
        return (f"an index ran past the end: W is {W.shape} = (nₗ, nₗ₋₁), and wⱼₖ is "
                "W[j, k]: W[k, j] means you used wₖⱼ, the \"from, to\" order. b is "
                "(nₗ, 1): b[j, 0], one entry per neuron, never one per sample "
                f"({_TO_FROM})")
    if _matmul_error(err):
        return (f"a product did not align: W is {W.shape} = (nₗ, nₗ₋₁) and z = W "
                "a_prev + b needs no transpose; W.T a_prev means you used wₖⱼ, the "
                f"\"from, to\" order ({_TO_FROM})")
    return ("run your function on the case above and read the traceback; W is (nₗ, "
            "nₗ₋₁), b (nₗ, 1), a_prev (nₗ₋₁, N) and sigma a function applied entry by "
            "entry")


def _forward_shape_hint(name, got, case):
    W, a_prev = case.args[0], case.args[2]
    shape = got[name].shape
    if len(shape) == 2 and shape[0] == W.shape[1] != W.shape[0]:
        return (f"{name} has nₗ₋₁ = {W.shape[1]} rows, one per input: a sum over "
                f"j instead of k, Wᵀ a: you used wₖⱼ ({_TO_FROM})")
    return (f"z and a are (nₗ, N) = ({W.shape[0]}, {a_prev.shape[1]}): a row per "
            f"neuron of this layer, a column per sample ({_FORMS}, shapes)")


def check_layer_forward(fn, quiet=False):
    """Check the reader's forward pass of one layer (Exercise 1.5).

    Defined in Chapter 1. fn(W, b, a_prev, sigma) -> (z, a), the layer of 1.3 in the
    "to, from" convention: W (n_l, n_{l-1}) with W[j, k] = w^l_{jk}, b (n_l, 1),
    a_prev (n_{l-1}, N), one sample per column; z = W a_prev + b,
    z[j, i] = sum_k W[j, k] a_prev[k, i] + b[j], and a = sigma(z), both (n_l, N).
    Five cases: non-square W, a batch of 1, a square W with N = n_l (where a transposed
    W and a bias along the samples still run), one neuron, tanh and sigmoid. z, a are
    compared with mdlib.dense_forward and sigma, and with loops over j, k, i.
    quiet=True: no print. returns CheckResult(ok, message).
    """
    return _run(fn, _forward_cases(),
                lambda out, case: _tuple_of(out, ("z", "a"), "both (nₗ, N)"),
                _forward_exception_hint, _forward_shape_hint,
                lambda name: ("no typical mistake matches: compute zⱼ = sum over k of "
                              "W[j, k] a_prev[k] + b[j] for one sample by hand and "
                              f"compare ({_FORMS})"),
                "z, a match mdlib.dense_forward with sigma, and the component sums by "
                "loops,",
                quiet, in_place_hint=lambda case, args: (
                    "W, b and a_prev belong to the caller, and the backward pass needs "
                    "aˡ⁻¹ as it was (BP4 multiplies by it): compute z into a new "
                    "array (z = W @ a_prev + b, or np.zeros((n_l, N)) for the loops), "
                    f"never a_prev += ... or sigma(a_prev, out=a_prev) ({_FORMS})"))


# --- Chapter 2: the batch backward pass -----------------------------------------------

def _network_case(name, tag, sizes, N, act, seed):
    rng = np.random.default_rng(seed)
    sigma, sp = (sigmoid, sigmoid_prime) if act == "sigmoid" else (tanh, tanh_prime)
    L = len(sizes)
    W = {l: rng.normal(0, 1 / np.sqrt(sizes[l - 2]), (sizes[l - 1], sizes[l - 2]))
         for l in range(2, L + 1)}
    b = {l: rng.normal(0, 0.5, (sizes[l - 1], 1)) for l in range(2, L + 1)}
    X, Y = rng.normal(size=(sizes[0], N)), rng.uniform(size=(sizes[-1], N))
    z, a = forward(W, b, X, sigma)
    _, delta_L = output_delta("mse", z[L], a[L], Y, sp)
    delta, dW, db = backward(W, z, a, delta_L, sp)
    order = [f"{d}[{l}]" for l in range(L, 1, -1) for d in ("delta", "dW", "db")]
    flat = {"delta": delta, "dW": dW, "db": db}
    ref = {k: flat[k.split("[")[0]][int(k[-2])] for k in order}

    def cost(W_, b_):
        z_, a_ = forward(W_, b_, X, sigma)
        return output_delta("mse", z_[L], a_[L], Y, sp)[0]

    def f_of(key, x):
        kind, l = key.split("[")[0], int(key[-2])
        if kind == "dW":
            return lambda x_: cost({**W, l: x_}, b)
        return lambda x_: cost(W, {**b, l: x_})

    params = {f"dW[{l}]": W[l] for l in W} | {f"db[{l}]": b[l] for l in b}
    fd = lambda got: _fd_check(params, f_of, got,
                               [k for k in order if not k.startswith("delta")])
    variants = [(hint, _flat_variant(mistake, W, z, a, delta_L, sp, order))
                for hint, mistake in _BACKWARD_MISTAKES]
    return _verified(_Case(name, tag, (W, z, a, delta_L, sp),
                           ("W", "z", "a", "delta_L", "sigma_prime"), ref, variants,
                           fd))


def _flat_variant(mistake, W, z, a, delta_L, sp, order):
    """The arrays of a backward pass with one typical mistake, flattened like the
    reference; an array the mistake cannot compute (shapes that do not align) is left
    out."""
    L, N = max(W), delta_L.shape[1]
    out, delta = {}, {L: delta_L * sp(z[L]) if mistake == "sigma_twice" else delta_L}
    try:
        for l in range(L, 1, -1):
            out[f"delta[{l}]"] = delta[l]
            prev = a[l] if mistake == "a_l" else a[l - 1]
            dW = prev @ delta[l].T if mistake == "dW_T" else delta[l] @ prev.T
            db = {"db_flat": delta[l].sum(axis=1),
                  "db_axis0": delta[l].sum(axis=0, keepdims=True),
                  "db_first": delta[l][:, [0]]}.get(
                mistake, delta[l].sum(axis=1, keepdims=True))
            out[f"dW[{l}]"], out[f"db[{l}]"] = (
                (dW / N, db / N) if mistake == "mean" else (dW, db))
            if l > 2:
                back = W[l] @ delta[l] if mistake == "W_not_T" else W[l].T @ delta[l]
                prime = {"prime_of_a": sp(a[l - 1]),
                         "sigmoid": sigmoid_prime(z[l - 1]),
                         "no_prime": 1.0,
                         "prime_of_z_l": sp(z[l])}.get(mistake, sp(z[l - 1]))
                delta[l - 1] = back * prime
    except ValueError:
        pass
    return out


_BP2 = "BP2 is δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"
_BACKWARD_MISTAKES = [
    ("{name} uses σ′(a) where BP2 needs σ′(z): σ′ takes the weighted input "
     f"zˡ, not the activation aˡ = σ(zˡ). {_BP2} (see 2.3, the four equations)",
     "prime_of_a"),
    ("{name} uses sigmoid′ although the network's activation is another one: call the "
     "sigma_prime argument, not sigmoid_prime (see 2.3, BP2)", "sigmoid"),
    (f"{{name}} matches Wˡ δˡ without the transpose: {_BP2}; the transpose sends "
     "the error back along the weights (see 2.3, BP2)", "W_not_T"),
    ("{name} is delta_L times σ′(zᴸ) again: delta_L already holds BP1's "
     "σ′(zᴸ) (or the fused loss's gradient); start from delta[L] = delta_L (see "
     "2.3, BP1, and 2.9)", "sigma_twice"),
    ("{name} is N times too small: delta_L = ∂C/∂Zᴸ already carries the 1/N of the "
     "mean cost, so dW = δ aᵀ and db is the SUM over the samples, with no second "
     "1/N (see 2.5, the scale of δ)", "mean"),
    ("{name} uses aˡ where BP4 needs aˡ⁻¹: ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, the "
     "activation that feeds layer l (see 2.3, BP4)", "a_l"),
    ("{name} is transposed: BP4 is ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, shape (nₗ, nₗ₋₁) "
     "like Wˡ (see 2.3, BP4)", "dW_T"),
    ("{name} lost its column axis: ∂C/∂bˡ has the shape of bˡ, (nₗ, 1): sum over the "
     "samples with delta.sum(axis=1, keepdims=True) (see 2.3, BP3)", "db_flat"),
    ("{name} is summed over the units (axis 0): BP3 sums over the samples, "
     "delta.sum(axis=1, keepdims=True), shape (nₗ, 1) (see 2.3, BP3)", "db_axis0"),
    (f"{{name}} matches BP2 without σ′(zˡ): (Wˡ⁺¹)ᵀ δˡ⁺¹ only sends the error back "
     f"along the weights; multiply it entry by entry by σ′(zˡ). {_BP2} (see 2.3, BP2)",
     "no_prime"),
    ("{name} is the first sample's δ only: on a batch, BP3 sums δˡ over all N "
     "samples, delta.sum(axis=1, keepdims=True) (see 2.3, BP3)", "db_first"),
    (f"{{name}} uses σ′(zˡ⁺¹), the layer the error comes from: BP2's σ′ takes zˡ, "
     f"the layer it arrives at. {_BP2} (see 2.3, BP2)", "prime_of_z_l"),
]


@lru_cache(maxsize=None)
def _backward_cases():
    return [
        _network_case("a 2-3-3-2 network, N = 4, sigmoid", "2-3-3-2", (2, 3, 3, 2), 4,
                      "sigmoid", 1),
        _network_case("a 3-3-3 network with tanh (square W: a transpose keeps the "
                      "shapes)", "square 3-3-3 with tanh", (3, 3, 3), 3, "tanh", 2),
        _network_case("batch of 1, a 2-3-3-2 network", "batch of 1", (2, 3, 3, 2), 1,
                      "sigmoid", 3),
        _network_case("a 4-2 network (L = 2: no BP2), N = 3", "4-2 without BP2", (4, 2),
                      3, "sigmoid", 4),
        _network_case("a 4-5-3 network, N = 6, tanh", "4-5-3 with tanh", (4, 5, 3), 6,
                      "tanh", 5),
    ]


def _unpack_backward(out, case):
    what = "three dicts keyed by the layer l = 2..L, like mdlib.backward"
    if (not isinstance(out, (tuple, list)) or len(out) != 3
            or not all(isinstance(d, dict) for d in out)):
        return (f"your function returned {type(out).__name__}; expected "
                "(delta, dW, db)", f"return {what}")
    L = max(case.args[0])
    want = list(range(2, L + 1))
    for dname, d in zip(("delta", "dW", "db"), out):
        keys = sorted(d, key=str)
        if 1 in d:
            return (f"{dname} has a key 1", "layer 1 is the input: it has no weights "
                                            "and no error. BP2 runs for l = L-1, ..., "
                                            "2 and stops at l = 2: the loop is off by "
                                            "one (see 2.3)")
        if 2 not in d and L > 2 and 3 in d:
            return (f"{dname} has no key 2",
                    "the loop stops one layer early: BP3 and BP4 run for "
                    "l = L, ..., 2 (layer 2's W² and b² need gradients too), BP2 for "
                    "l = L-1, ..., 2 (see 2.3)")
        if dname == "delta" and L not in d:
            return (f"delta has no key L = {L}",
                    f"return delta_L itself as delta[{L}] (see 2.9)")
        if keys != want:
            return (f"{dname} has keys {keys}; expected {want}", f"return {what}")
    result = {}
    for key in case.ref:
        dname, l = key.split("[")[0], int(key[-2])
        arr = _as_array(out[("delta", "dW", "db").index(dname)][l], key)
        if arr is None:
            return (f"{key} is not an array of numbers", f"return {what}")
        result[key] = arr
    return result


def _failing_code(err):
    """(the source of the expression that raised err, its frame), from the innermost
    frame of the traceback; Python 3.11 marks the failing sub-expression by columns
    (UTF-8 byte offsets), else the whole line. ("", None) when there is no source."""
    tb = err.__traceback__
    if tb is None:
        return "", None
    while tb.tb_next is not None:
        tb = tb.tb_next
    where = traceback.extract_tb(tb)[-1]
    first, last = where.lineno, getattr(where, "end_lineno", None) or where.lineno
    if first is None:
        return "", tb.tb_frame
    lines = [linecache.getline(where.filename, n).encode()
             for n in range(first, last + 1)]
    colno, end_colno = getattr(where, "colno", None), getattr(where, "end_colno", None)
    if colno is not None and end_colno is not None and lines[0]:
        lines[-1] = lines[-1][:end_colno]
        lines[0] = lines[0][colno:]
    return b"".join(lines).decode(errors="replace"), tb.tb_frame


def _calls_sigma_prime(err, sigma_prime):
    """Whether the expression that raised err calls sigma_prime: under any name the
    failing frame binds to it (the attempt's own parameter name, an alias), or under
    its function's name (mdlib.sigmoid_prime)."""
    code, frame = _failing_code(err)
    if not code or frame is None:
        return False
    names = {getattr(sigma_prime, "__name__", None)}
    for scope in (frame.f_globals, frame.f_locals):
        names.update(n for n, v in scope.items() if v is sigma_prime)
    return any(re.search(rf"\b{re.escape(n)}\s*\(", code)
               for n in names if isinstance(n, str) and n.isidentifier())


def _backward_exception_hint(err, case):
    if isinstance(err, KeyError) and err.args and err.args[0] in (0, 1):
        return (f"your loop asks for layer {err.args[0]}: z has keys 2..L and a keys "
                "1..L. BP2 stops at l = 2, δ¹ is never needed: the loop is off by "
                "one (see 2.3)")
    sigma_prime = dict(zip(case.arg_names, case.args)).get("sigma_prime")
    if (isinstance(err, ValueError) and "broadcast" in str(err)
            and _calls_sigma_prime(err, sigma_prime)):
        return ("an element-wise product's shapes differ: σ′ of the wrong layer? In "
                f"BP2, σ′(zˡ) has the shape of (Wˡ⁺¹)ᵀ δˡ⁺¹, (nₗ, N): {_BP2}, the "
                "σ′ of the layer the error arrives at, not of zˡ⁺¹ (see 2.3, BP2)")
    if isinstance(err, ValueError) and "broadcast" in str(err):
        return ("an element-wise product's shapes differ: `*` where `@` is needed "
                "(BP4 δˡ @ (aˡ⁻¹)ᵀ, BP2 (Wˡ⁺¹)ᵀ @ δˡ⁺¹), or σ′ of the wrong layer? "
                f"{_BP2} and BP4 is ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ (see 2.3, the four "
                "equations)")
    if _matmul_error(err):
        return (f"a product's shapes do not align: a missing transpose? {_BP2}, and "
                "BP4 is ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ (see 2.3, the four equations)")
    return ("run your function on the case above and read the traceback; W, z, a are "
            "dicts keyed by l (z[2..L], a[1..L]), delta_L is (n_L, N)")


def check_backward(fn, quiet=False):
    """Check the reader's batch backward pass of Chapter 2.

    Defined in Chapter 2. fn(W, z, a, delta_L, sigma_prime) -> (delta, dW, db), as
    mdlib.backward:
      W: {l: (n_l, n_{l-1})} for l = 2..L; z: {l: (n_l, N)} for l = 2..L and
      a: {l: (n_l, N)} for l = 1..L, from mdlib.forward (a[1] is the input batch X);
      delta_L: (n_L, N), the array dC/dZ^L = Delta^L / N (it carries the 1/N of the mean
      cost and BP1's sigma'(z^L)); sigma_prime: the hidden layers' sigma'.
      returns three dicts keyed by l = 2..L: delta[l] (n_l, N) with delta[L] = delta_L,
      dW[l] = delta[l] (a[l-1])^T (n_l, n_{l-1}), db[l] = delta[l] summed over the
      samples (n_l, 1).
    Five cases: 2-3-3-2 (N = 4 and N = 1), a square 3-3-3 with tanh, a 4-2 without
    hidden layer, a 4-5-3 with tanh. quiet=True: no print. returns CheckResult(ok,
    message).
    """
    return _run(fn, _backward_cases(), _unpack_backward, _backward_exception_hint,
                lambda name, got, case: (
                    f"{name} must have the shape of "
                    f"{'z' if name.startswith('delta') else name[1:]} (see 2.3)"),
                lambda name: ("no typical mistake matches: compare your loop with "
                              "BP1-BP4 of 2.3 on the batch, one equation at a time"),
                "delta, dW, db match mdlib.backward, and dW, db central differences,",
                quiet)


# --- Chapter 3: the two-layer network with samples as rows ----------------------------

_ROW_NAMES = ("dW1", "db1", "dW2", "db2")


def _rows_variant(mistake, Xr, Yr, W1, b1, W2, b2):
    """dW1, db1, dW2, db2 in the row layout with one typical mistake (None: none)."""
    n = Xr.shape[0]
    out = {}
    try:
        A1 = sigmoid(Xr @ (W1.T if mistake == "forward_T" else W1) + b1)
        A2 = sigmoid(A1 @ W2 + b2)
        dZ2 = (A2 - Yr) / (1 if mistake == "no_1_n" else n)
        if mistake == "sigma_twice":
            dZ2 = dZ2 * A2 * (1 - A2)
        dZ1 = (dZ2 @ W2.T) * (sigmoid_prime(A1) if mistake == "prime_of_a"
                              else A1 * (1 - A1))
        for k, dZ, A in (("2", dZ2, A1), ("1", dZ1, Xr)):
            dW = dZ.T @ A if mistake == "columns" else A.T @ dZ
            db = {"axis1": dZ.sum(axis=1, keepdims=True), "flat": dZ.sum(axis=0)}.get(
                mistake, dZ.sum(axis=0, keepdims=True))
            out["dW" + k], out["db" + k] = (
                (dW / n, db / n) if mistake == "twice_1_n" else (dW, db))
    except ValueError:
        pass
    return out


_ROWS = "see Exercise 3.1, samples as rows"
_ROW_MISTAKES = [
    ("{name} is the transpose of the row-layout gradient: that is the column layout's "
     "order (dZᵀ A). In rows, dW₂ᵣ = A₁ᵣᵀ dZ₂ᵣ (k, 1) and dW₁ᵣ = Xᵣᵀ dZ₁ᵣ (m, k) "
     f"({_ROWS})", "columns"),
    ("{name} is summed over axis 1, the column layout's axis: in rows the samples are "
     f"axis 0, db = dZ.sum(axis=0, keepdims=True) ({_ROWS})", "axis1"),
    (f"{{name}} lost an axis: db1r is (1, k) and db2r (1, 1), like b1r and b2r: "
     f"dZ.sum(axis=0, keepdims=True) ({_ROWS})", "flat"),
    ("{name} is n times too large: the cost is the MEAN over the n samples, so "
     "dZ₂ᵣ = (A₂ᵣ − Yᵣ)/n (see 3.3, backward with every shape)", "no_1_n"),
    ("{name} is n times too small: the 1/n is already in dZ₂ᵣ = (A₂ᵣ − Yᵣ)/n; do not "
     "divide dW or db again (see 3.3)", "twice_1_n"),
    ("{name} has σ′ applied twice: with the cross-entropy, dZ₂ = (A₂ − Y)/n "
     "already includes the output's σ′ (see 3.4, δ₂ = a₂ − y)",
     "sigma_twice"),
    ("{name} uses σ′(A₁) where dZ₁ needs σ′(Z₁) = A₁ (1 − A₁) (see 3.3)",
     "prime_of_a"),
    ("{name} matches a forward pass with Xᵣ W₁ᵣᵀ: in rows, Z₁ᵣ = Xᵣ W₁ᵣ + b₁ᵣ "
     f"({_ROWS})", "forward_T"),
]


def _rows_case(name, tag, m, n, k, seed):
    rng = np.random.default_rng(seed)
    Xr, Yr = rng.normal(size=(n, m)), rng.integers(0, 2, size=(n, 1)).astype(np.float64)
    W1, b1 = rng.normal(size=(m, k)), rng.normal(0, 0.5, size=(1, k))
    W2, b2 = rng.normal(size=(k, 1)), rng.normal(0, 0.5, size=(1, 1))
    _, grads = two_layer_backward(Yr.T, two_layer_forward(W1.T, b1.T, W2.T, b2.T,
                                                          Xr.T)[1])
    ref = {g: grads[g].T for g in ("dW2", "db2", "dW1", "db1")}        # backward order
    params = {"dW1": W1, "db1": b1, "dW2": W2, "db2": b2}

    def f_of(key, x):
        def cost(x_):
            p = {**params, key: x_}
            A1 = sigmoid(Xr @ p["dW1"] + p["db1"])
            return sigmoid_binary_cross_entropy((A1 @ p["dW2"] + p["db2"]).T, Yr.T)[0]
        return cost

    fd = lambda got: _fd_check(params, f_of, got, list(ref))
    args = (Xr, Yr, W1, b1, W2, b2)
    variants = [(hint, _rows_variant(mistake, *args)) for hint,
                mistake in _ROW_MISTAKES]
    return _verified(_Case(name, tag, args, ("X_r", "Y_r", "W1", "b1", "W2", "b2"), ref,
                           variants, fd))


@lru_cache(maxsize=None)
def _rows_cases():
    return [
        _rows_case("m = 3 features, n = 5 samples, k = 4 hidden units",
                   "m, n, k = 3, 5, 4", 3, 5, 4, 11),
        _rows_case("square, m = n = k = 3 (a transpose or a wrong axis keeps the "
                   "shapes)",
                   "square m = n = k = 3", 3, 3, 3, 12),
        _rows_case("batch of 1 (n = 1), m = 2, k = 3", "batch of 1", 2, 1, 3, 13),
        _rows_case("m = 5, n = 8, k = 2", "m, n, k = 5, 8, 2", 5, 8, 2, 14),
    ]


def _rows_shape_hint(name, got, case):
    others = [o for o, r in case.ref.items() if r.shape == got[name].shape
              and o != name]
    if others:
        return (f"{name} has the shape of {others[0]}: return dW1, db1, dW2, db2 in "
                f"this order ({_ROWS})")
    return ("every gradient has the shape of its parameter: dW1r (m, k), db1r (1, k), "
            f"dW2r (k, 1), db2r (1, 1) ({_ROWS})")


def check_two_layer_backward(fn, quiet=False):
    """Check the reader's two-layer backward pass with samples as rows (Exercise 3.1).

    Defined in Chapter 3. fn(X_r, Y_r, W1, b1, W2, b2) -> (dW1, db1, dW2, db2), the row
    layout: every array is the transpose of its column-layout counterpart of 3.2 and
    3.3,
      X_r (n, m): sample i is row i; Y_r (n, 1): labels 0 or 1;
      W1 (m, k), b1 (1, k), W2 (k, 1), b2 (1, 1)   (W1 = W_1^T, b1 = b_1^T, ... of 3.2);
      Z1 = X_r W1 + b1 (n, k), A1 = sigmoid(Z1), Z2 = A1 W2 + b2 (n, 1),
      A2 = sigmoid(Z2);
      cost C = mean over the n samples of the binary cross-entropy of A2 against Y_r.
    returns the gradients of C in the shapes of the parameters: dW1 (m, k), db1 (1, k),
    dW2 (k, 1), db2 (1, 1). Four cases, among them a square m = n = k and a batch of 1.
    quiet=True: no print. returns CheckResult(ok, message).
    """
    return _run(fn, _rows_cases(),
                lambda out, case: _tuple_of(out, _ROW_NAMES,
                                            "in the parameters' shapes"),
                lambda err, case: ("a product's shapes do not align: in rows every "
                                   "product is transposed, Z₁ᵣ = Xᵣ W₁ᵣ, dZ₁ᵣ = dZ₂ᵣ "
                                   "W₂ᵣᵀ ⊙ σ′(Z₁ᵣ), dW₁ᵣ = Xᵣᵀ dZ₁ᵣ "
                                   f"({_ROWS})") if _matmul_error(err) else
                ("run your function on the case above and read the traceback; the "
                 "arguments are X_r (n, m), Y_r (n, 1), W1 (m, k), b1 (1, k), W2 (k, "
                 "1), b2 (1, 1)"),
                _rows_shape_hint,
                lambda name: ("no typical mistake matches: transpose each line of 3.3 "
                              f"((PQ)ᵀ = Qᵀ Pᵀ) and compare ({_ROWS})"),
                "dW1, db1, dW2, db2 match mdlib's two_layer_backward (transposed) and "
                "central differences", quiet)


# --- Chapter 4: convolution and max pooling -------------------------------------------

def _conv_variants(dy, x, w):
    """{mistake: {name: array}} for the typical mistakes of the convolution's backward
    pass."""
    (N, F), D = dy.shape[:2], x.shape[1]

    def dx_with(kernel_op, maps):
        dx = np.zeros(x.shape)
        for n in range(N):
            for c in range(D):
                for f in maps:
                    dx[n, c] += kernel_op(dy[n, f], w[f, c])
        return dx

    def dw_with(op, samples):
        dw = np.zeros(w.shape)
        for f in range(F):
            for c in range(D):
                for n in samples:
                    dw[f, c] += op(x[n, c], dy[n, f])
        return dw

    full_conv = lambda d, k: convolve2d(d, k, "full")
    _, dw, db = conv2d_backward(dy, x, w)
    return {
        "dx_unrotated": {"dx": dx_with(lambda d, k: correlate2d(d, k, "full"),
                                       range(F))},
        "dx_first_map": {"dx": dx_with(full_conv, [0])},
        "dx_last_map": {"dx": dx_with(full_conv, [F - 1])},
        "dw_rotated": {"dw": rot180(dw)},
        "dw_convolution": {"dw": dw_with(lambda a, d: convolve2d(a, d), range(N))},
        "dw_first_sample": {"dw": dw_with(lambda a, d: correlate2d(a, d), [0])},
        "dw_last_sample": {"dw": dw_with(lambda a, d: correlate2d(a, d), [N - 1])},
        "dw_mean": {"dw": dw / N},
        "db_mean": {"db": dy.mean(axis=(0, 2, 3))},
        "db_batch_mean": {"db": db / N},
        "db_position_mean": {"db": dy.mean(axis=(2, 3)).sum(axis=0)},
        "db_first_sample": {"db": dy[0].sum(axis=(1, 2))},
        "db_last_sample": {"db": dy[-1].sum(axis=(1, 2))},
        "db_no_batch_sum": {"db": dy.sum(axis=(2, 3))},
    }


_INPUT = "see 4.4, the input gradient"
_KERNEL = "see 4.4, the kernel gradient"
_BIAS = "see 4.4, the bias"
_CONV_MISTAKES = {
    "dx_unrotated": "dx matches the full correlation with the unrotated kernel (the "
                    "same as a full convolution with rot180(w): the kernel rotated "
                    "twice). dx is the full convolution of δ with K = the padded "
                    f"δ correlated with rot180(K): rotate once ({_INPUT}, and 4.5, "
                    "where rot180 goes)",
    "dx_first_map": "dx uses only the map f = 0: each x[c] feeds every map, so dx[n, "
                    "c] sums the full convolutions of dy[n, f] with w[f, c] over all f "
                    f"({_INPUT})",
    "dx_last_map": "dx holds only the last map's term: the loop over f overwrites "
                   "dx[n, c] (=) where it must add (+=); dx[n, c] sums over all F maps "
                   f"({_INPUT})",
    "dw_rotated": "dw is turned by 180 degrees: δ correlated with x (the wrong "
                  "order). The kernel gradient is x correlated with δ, dw[f, c] = "
                  f"sum over n of correlate2d(x[n, c], dy[n, f]) ({_KERNEL})",
    "dw_convolution": "dw is the convolution of x with δ, which flips δ: the "
                      "kernel gradient is the valid cross-correlation of x with δ "
                      f"({_KERNEL}, and 4.5)",
    "dw_first_sample": "dw uses only the sample n = 0: sum the kernel gradient over "
                       f"the batch ({_KERNEL})",
    "dw_last_sample": "dw holds only the last sample's term: the loop over n "
                      f"overwrites dw[f, c] (=) where it must add (+=) ({_KERNEL})",
    "dw_mean": "dw is the batch sum divided by N: the layer sums over the samples; a "
               f"1/N of a mean cost is already inside dy ({_KERNEL})",
    "db_mean": "db is a mean: b[f] appears once in every output cell, so db[f] is the "
               f"SUM of dy[:, f] over the batch and every position ({_BIAS})",
    "db_batch_mean": "db is divided by N: db[f] is the SUM of dy[:, f] over the batch "
                     f"and the positions ({_BIAS})",
    "db_position_mean": "db averages over the positions: b[f] appears once in every "
                        "output cell, so db[f] SUMS dy[:, f] over the positions and "
                        f"the batch ({_BIAS})",
    "db_first_sample": "db uses only the sample n = 0: sum dy over the batch too "
                       f"({_BIAS})",
    "db_last_sample": "db holds only the last sample's sum: the loop over n overwrites "
                      f"(=) where it must add (+=) ({_BIAS})",
    "db_no_batch_sum": "db is not summed over the batch: db = dy.sum(axis=(0, 2, 3)), "
                       f"shape (F,) ({_BIAS})",
}


def _conv_case(name, tag, N, D, F, H, W, R, S, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(N, D, H, W)), rng.normal(size=(F, D, R, S))
    b = rng.normal(size=F)
    dy = rng.normal(size=(N, F, H - R + 1, W - S + 1))
    dx, dw, db = conv2d_backward(dy, x, w)
    arrays = {"dx": x, "dw": w, "db": b}

    def f_of(key, v):
        return {"dx": lambda v_: conv2d(v_, w, b), "dw": lambda v_: conv2d(x, v_, b),
                "db": lambda v_: conv2d(x, w, v_)}[key]

    fd = lambda got: _fd_check(arrays, f_of, got, ["dx", "dw", "db"], dout=dy)
    variants = [(_CONV_MISTAKES[k], v) for k, v in _conv_variants(dy, x, w).items()]
    return _verified(_Case(name, tag, (dy, x, w), ("dy", "x", "w"),
                           {"dx": dx, "dw": dw, "db": db}, variants, fd))


@lru_cache(maxsize=None)
def _conv_cases():
    return [
        _conv_case("N = 2, D = 3, F = 2, a 5 x 6 input, a 2 x 3 kernel", "non-square",
                   2, 3, 2, 5, 6, 2, 3, 21),
        _conv_case("batch of 1, D = F = 1, a 4 x 4 input, a 3 x 3 kernel", "batch of 1",
                   1, 1, 1, 4, 4, 3, 3, 22),
        _conv_case("N = 3, D = 2, F = 3, a 6 x 5 input, a 3 x 2 kernel", "F = 3, D = 2",
                   3, 2, 3, 6, 5, 3, 2, 23),
        _conv_case("a kernel as large as the 3 x 4 input (1 x 1 output), N = D = F = 2",
                   "1 x 1 output", 2, 2, 2, 3, 4, 3, 4, 24),
        _conv_case("a 1 x 1 kernel, N = 2, D = 3, F = 2, a 4 x 5 input", "1 x 1 kernel",
                   2, 3, 2, 4, 5, 1, 1, 25),
    ]


def _conv_exception_hint(err, case):
    if "larger than" in str(err):
        return ("a valid correlation needs the larger array first: the kernel gradient "
                "is correlate2d(x[n, c], dy[n, f]), x correlated with δ "
                f"({_KERNEL})")
    return ("with stride 1 and no padding, dy is (N, F, H - R + 1, W - S + 1); the "
            "full convolution pads dy with R - 1 rows and S - 1 columns of zeros on "
            f"every side, which gives dx the input's size ({_INPUT})")


def check_conv_backward(fn, quiet=False):
    """Check the reader's backward pass of a convolution layer, stride 1, no padding.

    Defined in Chapter 4. fn(dy, x, w) -> (dx, dw, db) for the layer
    y[n, f, i, j] = b[f] + sum_{c,u,v} x[n, c, i + u, j + v] w[f, c, u, v] (a
    cross-correlation, as mdlib.conv2d): x (N, D, H, W), w (F, D, R, S),
    dy = dJ/dy (N, F, H - R + 1, W - S + 1); returns dx (N, D, H, W), dw (F, D, R, S),
    db (F,), the gradients of J = sum(dy * y). Five cases: non-square inputs and
    kernels, a batch of 1, F and D > 1, a kernel as large as the input, a 1 x 1 kernel.
    quiet=True: no print. returns CheckResult(ok, message).
    """
    return _run(fn, _conv_cases(),
                lambda out, case: _tuple_of(out, ("dx", "dw", "db"), "dx, dw, db"),
                _conv_exception_hint,
                lambda name, got, case: {
                    "dx": "dx has the shape of x (N, D, H, W)",
                    "dw": "dw has the shape of w (F, D, R, S): sum over the batch",
                    "db": "db has shape (F,): one entry per map, summed over the "
                          "batch and the positions"}[name] + " (see 4.4)",
                lambda name: ("no typical mistake matches: check " + name
                              + " against 4.4's sums on a small case, one loop at a "
                              "time"),
                "dx, dw, db match mdlib.conv2d_backward and central differences", quiet)


def _pool_scatter(dy, x, size, pick, stride=None):
    """dx for windows at (i*stride, j*stride): pick(window) -> weights of the window's
    cells."""
    s = size if stride is None else stride
    N, C, OH, OW = dy.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    win = x[n, c, i * s:i * s + size, j * s:j * s + size]
                    dx[n, c, i * s:i * s + size, j * s:j * s + size] += (
                        dy[n, c, i, j] * pick(win))
    return dx


def _first(win):
    m = np.zeros(win.shape)
    m[np.unravel_index(int(np.argmax(win)), win.shape)] = 1
    return m


def _last(win):
    m = np.zeros(win.shape)
    flat = win.ravel()
    m[np.unravel_index(len(flat) - 1 - int(np.argmax(flat[::-1])), win.shape)] = 1
    return m


def _reshape_windows(dy, x, size):
    """dx when the windows are read by x.reshape(N, C, OH, OW, size, size) (no
    transpose)."""
    N, C, OH, OW = dy.shape
    if x.shape[2:] != (OH * size, OW * size):
        return None
    win = x.reshape(N, C, OH, OW, size * size)
    mask = (np.arange(size * size) == win.argmax(axis=-1)[..., None])
    return (mask * dy[..., None]).reshape(x.shape)


_POOL = "see 4.3, pooling"
_POOL_MISTAKES = {
    "all_ties": "dx sends dy to every tied maximum of a window: it must go to ONE "
                "entry, the first maximum in row-major order, as np.argmax picks it "
                "(see 4.3, ties and kinks)",
    "last_tie": "dx sends dy to the LAST tied maximum: the convention (mdlib, PyTorch) "
                "is the first maximum in row-major order, as np.argmax picks it (see "
                "4.3, ties and kinks)",
    "average": "dx spreads dy / size² over the window: that is average pooling's "
               "backward pass; max pooling sends all of dy to the window's maximum "
               f"({_POOL})",
    "unmasked": "dx copies dy to every cell of its window: only the maximum receives "
                f"dy, every other cell gets 0 ({_POOL})",
    "mask_only": "dx holds 1 at each maximum: multiply the mask by dy, the gradient "
                 f"from above ({_POOL})",
    "stride_1": "dx matches windows that start at (i, j) instead of (i*size, j*size): "
                f"with stride = size the windows do not overlap ({_POOL})",
    "reshape": "dx matches windows read by x.reshape(N, C, OH, OW, size, size), which "
               "are not size x size blocks: reshape to (N, C, OH, size, OW, size) and "
               f"move the axes (.transpose(0, 1, 2, 4, 3, 5)) ({_POOL})",
}


def _pool_case(name, tag, x, size, seed, finite_differences=True):
    rng = np.random.default_rng(seed)
    N, C, H, W = x.shape
    dy = rng.normal(size=(N, C, H // size, W // size))
    ref = {"dx": max_pool2d_backward(dy, x, size)}
    ones = np.ones_like(dy)
    variants = {
        "all_ties": _pool_scatter(dy, x, size, lambda w: (w == w.max()).astype(float)),
        "last_tie": _pool_scatter(dy, x, size, _last),
        "average": _pool_scatter(dy, x, size, lambda w: np.full(w.shape, 1 / size**2)),
        "unmasked": _pool_scatter(dy, x, size, np.ones_like),
        "mask_only": _pool_scatter(ones, x, size, _first),
        "stride_1": _pool_scatter(dy, x, size, _first, stride=1),
        "reshape": _reshape_windows(dy, x, size),
    }
    variants = [(_POOL_MISTAKES[k], {"dx": v}) for k, v in variants.items()
                if v is not None]
    pool_of = lambda key, v: (lambda v_: max_pool2d(v_, size))
    fd = ((lambda got: _fd_check({"dx": x}, pool_of, got, ["dx"], dout=dy))
          if finite_differences else (lambda got: None))
    return _verified(_Case(name, tag, (dy, x, size), ("dy", "x", "size"), ref, variants,
                           fd))


def _distinct(rng, shape):
    """Values with gaps of at least 0.1 between any two: finite differences see no
    tie."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1 - 1.0
            + rng.uniform(0, 0.01, shape))


@lru_cache(maxsize=None)
def _pool_cases():
    rng = np.random.default_rng(31)
    ties = rng.integers(0, 3, size=(2, 2, 4, 4)).astype(np.float64)
    ties[0, 0, :2, :2] = 5.0                         # a whole window of equal values
    ties[1, 1, 2:, 2:] = [[1.0, 4.0], [4.0, 4.0]]  # first, middle, last maxima differ
    return [
        _pool_case("N = 2, C = 3, a 4 x 6 input, size 2", "non-square",
                   _distinct(rng, (2, 3, 4, 6)), 2, 32),
        _pool_case("ties: windows with repeated maxima, N = C = 2, 4 x 4, size 2 (no "
                   "finite differences at a tie)", "ties", ties, 2, 33,
                   finite_differences=False),
        _pool_case("batch of 1, one channel, a 6 x 9 input, size 3",
                   "batch of 1 with size 3",
                   _distinct(rng, (1, 1, 6, 9)), 3, 34),
        _pool_case("a 5 x 7 input with size 2 (the last row and column are in no "
                   "window)",
                   "5 x 7 with size 2", _distinct(rng, (1, 2, 5, 7)), 2, 35),
    ]


def _pool_unpack(out, case):
    if isinstance(out, (tuple, list)):
        return ("your function returned a tuple",
                "return dx alone, an array shaped like x")
    arr = _as_array(out, "dx")
    if arr is None:
        return (f"your function returned a {type(out).__name__}",
                "return dx, an array shaped like x")
    return {"dx": arr}


def _pool_exception_hint(err, case):
    x, size = case.args[1], case.args[2]
    if x.shape[2] % size or x.shape[3] % size:
        return ("H and W need not be multiples of size: the windows cover the first "
                "OH*size rows and OW*size columns (OH = H // size, OW = W // size), "
                f"and the cells outside every window get zero gradient ({_POOL})")
    return ("dy is (N, C, H // size, W // size) and window (i, j) is "
            f"x[..., i*size:(i+1)*size, j*size:(j+1)*size] ({_POOL})")


def check_max_pool_backward(fn, quiet=False):
    """Check the reader's backward pass of max pooling, stride = size, no padding.

    Defined in Chapter 4. fn(dy, x, size) -> dx for y = mdlib.max_pool2d(x, size):
    x (N, C, H, W); windows of size x size with stride size, OH = H // size,
    OW = W // size (the cells outside every window, when size does not divide H or W,
    get zero gradient); dy (N, C, OH, OW); returns dx shaped like x, each dy[n, c, i, j]
    sent to the FIRST maximum of its window in row-major order (as np.argmax, mdlib and
    PyTorch pick it). Four cases:
    non-square inputs, ties, a batch of 1 with size 3, a 5 x 7 input with size 2.
    quiet=True: no print. returns CheckResult(ok, message).
    """
    return _run(fn, _pool_cases(), _pool_unpack, _pool_exception_hint,
                lambda name, got, case: ("dx has the shape of x, (N, C, H, W)"
                                         + (", not of dy"
                                            if got[name].shape == case.args[0].shape
                                            else "")
                                         + f" ({_POOL})"),
                lambda name: ("no typical mistake matches: for each window, find the "
                              f"first maximum (np.argmax) and add dy there ({_POOL})"),
                "dx matches mdlib.max_pool2d_backward, and central differences away "
                "from ties,", quiet)


# --- Appendix A: a central-difference numerical gradient ------------------------------

_CENTRAL = "see A.1, forward and central differences"
_NUMGRAD_MISTAKES = {
    "twice": "the gradient is twice the slope: the points x + h eᵢ and x - h eᵢ are "
             "2h apart, so divide f(x + h eᵢ) - f(x - h eᵢ) by 2h, not by h "
             f"({_CENTRAL})",
    "times_h": "the gradient is h² times the slope: Python reads d / 2 * h as (d / 2) "
               f"* h; write d / (2 * h) ({_CENTRAL})",
    "sign": "the gradient has the wrong sign: the later point comes first, "
            f"(f(x + h eᵢ) - f(x - h eᵢ)) / (2h) ({_CENTRAL})",
    "all_at_once": "every entry holds the same number, the slope along (1, 1, ..., 1): "
                   "x + h moves every entry at once. Perturb ONE entry at a time: for "
                   "i in np.ndindex(x.shape), x[i] = old + h, then old - h "
                   f"({_CENTRAL})",
    "rows": "each row holds one number: with a single index, x[i] is a whole row of a "
            "2-D (or 3-D) x, so the whole row moved at once. Loop over every entry, "
            f"for i in np.ndindex(x.shape) ({_CENTRAL})",
    "zeros": "the gradient is 0: f never saw your perturbation. You changed a copy "
             "(x.flatten() and x.copy() copy; x.ravel() may not) and called f on the "
             "unchanged x; perturb the array you pass to f, then restore it "
             f"({_CENTRAL})",
    "exact": "the gradient equals the exact one better than a central difference with "
             "this h can (its error is (h²/6) f‴ here): you ignore the argument h "
             "(a fixed step inside?). Use the h you are given (see A.2, choosing h)",
}


def _numgrad_variants(f, x, h):
    """{mistake: array} for the typical mistakes of a central difference at f, x, h."""
    ref = numerical_gradient(f, x.copy(), h)
    ones = np.ones(x.shape)
    out = {"twice": 2 * ref, "times_h": ref * h * h, "sign": -ref,
           "zeros": np.zeros(x.shape),
           "all_at_once": np.full(x.shape, (f(x
                                              + h * ones) - f(x - h * ones)) / (2 * h))}
    if x.ndim > 1:
        rows = np.zeros(x.shape)
        for i in range(x.shape[0]):
            e = np.zeros(x.shape)
            e[i] = h
            rows[i] = (f(x + e) - f(x - e)) / (2 * h)
        out["rows"] = rows
    return out


def _numgrad_case(name, tag, f, exact, third, x, h):
    """f, its exact gradient, a bound on |f'''| along every coordinate within h of x."""
    x = np.asarray(x, dtype=np.float64)
    ref = {"grad": numerical_gradient(f, x.copy(), h)}
    g = exact(x)
    rounding = 4 * np.finfo(np.float64).eps * max(abs(f(x)), 1.0) / h

    def fd(got):   # the second judge: the exact gradient, within the difference's error
        if np.all(np.abs(got["grad"] - g) <= h * h / 6 * third * (1 + 1e-6) + rounding):
            return None
        return ("grad is farther from the exact gradient than a central difference "
                "with this h can be, (h²/6) max |f‴|")

    variants = [(_NUMGRAD_MISTAKES[k], {"grad": v})
                for k, v in _numgrad_variants(f, x, h).items()]
    variants.append((_NUMGRAD_MISTAKES["exact"], {"grad": g}))
    return _verified(_Case(name, tag, (f, x, h), ("f", "x", "h"), ref, variants, fd))


@lru_cache(maxsize=None)
def _numgrad_cases():
    rng = np.random.default_rng(51)
    # gamma1, gamma2, gamma3: the fixed coefficients γ of the cases' functions
    gamma1, gamma2 = rng.uniform(0.5, 2, 5), rng.uniform(-2, 2, (3, 4))
    gamma3 = rng.uniform(0.5, 2, (2, 3, 2))
    x3 = rng.normal(size=(2, 3, 2))

    def f1(v):
        return float(np.sum(gamma1 * np.sin(v)) + 0.5 * v[0] * v[-1])

    def g1(v):
        g = gamma1 * np.cos(v)
        g[0], g[-1] = g[0] + 0.5 * v[-1], g[-1] + 0.5 * v[0]
        return g

    f2 = lambda v: float(np.sum(gamma2 * np.tanh(v)) + 0.25 * np.sum(v) ** 2)
    g2 = lambda v: gamma2 * (1 - np.tanh(v) ** 2) + 0.5 * np.sum(v)
    f3 = lambda v: float(np.sum(gamma3 * np.exp(v / 2)))
    g3 = lambda v: gamma3 * np.exp(v / 2) / 2
    f4 = lambda v: float(np.sum(np.exp(v)) + v[0] * v[1])
    g4 = lambda v: np.exp(v) + v[::-1]
    f5 = lambda v: float(np.sin(v[0, 0]) * 3.0)
    g5 = lambda v: 3.0 * np.cos(v)
    return [
        _numgrad_case("x of 5 entries, f = Σ γ[i] sin(x[i]) + x[0] x[4] / 2, h = 1e-3",
                      "5 entries", f1, g1, float(np.max(gamma1)), rng.normal(size=5),
                      1e-3),
        _numgrad_case("x (3, 4), f = Σ γ[i] tanh(x[i]) + (Σ x[i])² / 4, h = 1e-2",
                      "x (3, 4)", f2, g2, 2 * float(np.max(np.abs(gamma2))),
                      rng.normal(size=(3, 4)), 1e-2),
        _numgrad_case("x (2, 3, 2), f = Σ γ[i] exp(x[i] / 2), h = 1e-2", "x (2, 3, 2)",
                      f3, g3, float(np.max(gamma3 * np.exp((x3 + 1e-2) / 2))) / 8, x3,
                      1e-2),
        _numgrad_case("x of 2 entries, f = Σ exp(x[i]) + x[0] x[1], a large step "
                      "h = 0.1",
                      "h = 0.1", f4, g4, float(np.exp(0.5 + 0.1)),
                      np.array([0.5, -0.3]), 0.1),
        _numgrad_case("a single entry, x (1, 1), f = 3 sin(x[0, 0]), h = 1e-3",
                      "x (1, 1)", f5, g5, 3.0, np.array([[0.7]]), 1e-3),
    ]


def _numgrad_order(fn, h1=1e-2):
    """The error of fn on Σ sin(x[i]) at h1 and at h1 / 2 against the exact cos x, or
    None."""
    x0 = np.linspace(0.3, 1.2, 4)
    f = lambda v: float(np.sum(np.sin(v)))
    try:
        errors = [float(np.max(np.abs(np.asarray(fn(f, x0.copy(), h), dtype=np.float64)
                                      - np.cos(x0)))) for h in (h1, h1 / 2)]
    except Exception:       # noqa: BLE001  (the reader's code may raise anything)
        return None
    return errors if errors[1] > 0 and np.all(np.isfinite(errors)) else None


def _numgrad_generic(fn):
    def hint(name):
        errors = _numgrad_order(fn)
        if errors is not None and 1.6 < errors[0] / errors[1] < 2.5:
            return ("the error is of order h: on f = Σ sin(x[i]) it only halves when h "
                    f"halves (h = 0.01 to 0.005: ratio {errors[0] / errors[1]:.1f}), "
                    "as a forward or backward difference's does. The central "
                    "difference (f(x + h eᵢ) - f(x - h eᵢ)) / (2h) has an error of "
                    f"order h²: a ratio of 4 ({_CENTRAL})")
        return ("no typical mistake matches: compute (f(x + h eᵢ) - f(x - h eᵢ)) / "
                f"(2h) for one entry by hand and compare ({_CENTRAL})")
    return hint


def _numgrad_in_place_hint(case, args):
    x, passed = case.args[1], args[1]
    if isinstance(passed, np.ndarray) and passed.shape == x.shape and np.all(
            np.abs(passed - x) <= 8 * np.finfo(np.float64).eps * np.abs(x)):
        return ("x is off in its last bits: x[i] += h, then x[i] -= h does not always "
                "return x[i] exactly in floating point. Save old = x[i] and assign "
                "x[i] = old at the end (see A.2, rounding)")
    return ("x is not restored: after f(x + h eᵢ) and f(x - h eᵢ), put x[i] back "
            "(old = x[i]; ...; x[i] = old). The caller's x, and the next entries' "
            f"differences, need the original point ({_CENTRAL})")


def _numgrad_unpack(out, case):
    if isinstance(out, tuple) and out and isinstance(out[0], np.ndarray):
        return ("your function returned a tuple",
                "return the gradient alone, an array like x")
    arr = _as_array(out, "grad")
    if arr is None:
        return (f"your function returned a {type(out).__name__}",
                "return the gradient, an array like x")
    return {"grad": arr}


def _numgrad_shape_hint(name, got, case):
    x = case.args[1]
    shape = got[name].shape
    if shape == (x.size,) and x.ndim > 1:
        return (f"the gradient came back flat: it has the shape of x, {x.shape}. Work "
                "on x itself (np.ndindex(x.shape)), or reshape at the end: "
                f"grad.reshape(x.shape) ({_CENTRAL})")
    if np.prod(shape) == 1 and x.size > 1:
        return ("you returned one number: (f(x + h) - f(x - h)) / (2h) moves every "
                "entry at once. One difference per entry of x, for i in "
                f"np.ndindex(x.shape) ({_CENTRAL})")
    return (f"the gradient has the shape of x, {x.shape}: grad = np.zeros_like(x) "
            f"({_CENTRAL})")


def _numgrad_exception_hint(err, case):
    if isinstance(err, IndexError):
        return ("an index ran past x's end: x may have any shape, and x[i] with one "
                "index is a row of a 2-D x. Loop over np.ndindex(x.shape) "
                f"({_CENTRAL})")
    return ("run your function on the case above and read the traceback; f takes the "
            "whole array x (any shape) and returns a float; h is the step")


def check_numerical_gradient(fn, quiet=False):
    """Check the reader's central-difference gradient (Appendix A's exercise).

    Defined in Appendix A. fn(f, x, h) -> grad, an array shaped like x with
    grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h) for every index i of x (any shape);
    f takes the whole array x and returns a float; x may be perturbed in place but must
    be restored exactly. Five cases: 1-D, 2-D and 3-D x, a large step h = 0.1, a single
    entry. grad is compared with mdlib.numerical_gradient and with the exact gradient,
    within the central difference's error (h^2/6) max |f'''|; for a mistake no variant
    matches, fn's error on sum(sin x) at h = 0.01 and at 0.005 tells a first-order
    difference (ratio 2, not 4).
    quiet=True: no print. returns CheckResult(ok, message).
    """
    return _run(fn, _numgrad_cases(), _numgrad_unpack, _numgrad_exception_hint,
                _numgrad_shape_hint, _numgrad_generic(fn),
                "grad matches mdlib.numerical_gradient and, within (h²/6) max |f‴|, "
                "the exact gradient,", quiet, in_place_hint=_numgrad_in_place_hint)
