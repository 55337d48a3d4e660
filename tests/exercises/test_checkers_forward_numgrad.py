"""Chapter 1's and Appendix A's checkers accept the reference solutions and reject each typical
mistake with its hint.

As in test_checkers.py, the solutions are written in plain NumPy and Python, the way a reader
would, not by calling mdlib; each wrong attempt is a small function with one typical mistake,
and the test asserts the checker's verdict ok=False with that mistake's hint, in lines of at
most 88 characters.
"""
import time

import numpy as np
import pytest

from mdlib.verify import exercises as ex


def lines_fit(message):
    return all(len(line) <= 88 for line in message.splitlines())


def flat(message):
    return " ".join(message.split())


# --- Chapter 1: one layer's forward pass, component form ------------------------------------------

def forward_solution(W, b, a_prev, sigma):
    n_l, n_prev = W.shape
    N = a_prev.shape[1]
    z = np.zeros((n_l, N))
    for i in range(N):                       # sample i, a column
        for j in range(n_l):                 # TO neuron j of this layer
            for k in range(n_prev):          # FROM neuron k of the previous layer
                z[j, i] += W[j, k] * a_prev[k, i]
            z[j, i] += b[j, 0]
    return z, sigma(z)


def forward_with(mistake):
    """The loop solution with one mistake, written out as the reader would."""
    def attempt(W, b, a_prev, sigma):
        n_l, n_prev = W.shape
        N = a_prev.shape[1]
        x = sigma(a_prev) if mistake == "input_activation" else a_prev
        z = np.zeros((n_l, N))
        for i in range(N):
            for j in range(n_l):
                for k in range(n_prev):
                    w = W[k, j] if mistake == "w_kj" else W[j, k]
                    z[j, i] += w * x[k, i]
                    if mistake == "bias_in_k_loop":
                        z[j, i] += b[j, 0]
                if mistake not in ("no_bias", "bias_in_k_loop", "sigma_outside"):
                    z[j, i] += b[i, 0] if mistake == "bias_by_sample" else b[j, 0]
        if mistake == "no_activation":
            return z, z.copy()
        if mistake == "sigma_outside":
            return z, sigma(z) + b
        if mistake == "sigmoid":
            return z, 1 / (1 + np.exp(-z))
        if mistake == "swapped":
            return sigma(z), z
        if mistake == "rows":
            return z.T, sigma(z).T
        return z, sigma(z)
    attempt.__name__ = f"forward_{mistake}"
    return attempt


def forward_W_T_matrix(W, b, a_prev, sigma):
    z = W.T @ a_prev + b                               # "from, to" carried over
    return z, sigma(z)


def forward_w_kj_square_only(W, b, a_prev, sigma):
    """W[k, j] where the indices stay in range: only a square W lets this run."""
    if W.shape[0] != W.shape[1]:
        return forward_solution(W, b, a_prev, sigma)
    return forward_with("w_kj")(W, b, a_prev, sigma)


def forward_bias_row(W, b, a_prev, sigma):
    z = W @ a_prev + b.ravel()                         # (n_l,) broadcasts along the samples
    return z, sigma(z)


def forward_bias_row_runs(W, b, a_prev, sigma):
    """b.T where it broadcasts: N = n_l (values) or N = 1 (an (n_l, n_l) result)."""
    if a_prev.shape[1] not in (1, W.shape[0]):
        return forward_solution(W, b, a_prev, sigma)
    z = W @ a_prev + b.T
    return z, sigma(z)


def forward_sigma_outside_z_right(W, b, a_prev, sigma):
    z = W @ a_prev + b
    return z, sigma(W @ a_prev) + b


def forward_input_activation_only(W, b, a_prev, sigma):
    z = W @ sigma(a_prev) + b                          # sigma moved from the output to the input
    return z, z


def forward_mutates_input(W, b, a_prev, sigma):
    a_prev += 0.0 * a_prev + b.sum()                   # "reuse the buffer"
    z = W @ (a_prev - b.sum()) + b
    return z, sigma(z)


def forward_rows_transposed_W(W, b, a_prev, sigma):
    z = a_prev.T @ W.T + b.T                           # samples as rows: (N, n_l)
    return z, sigma(z)


def forward_flat_rows_of_W(W, b, a_prev, sigma):
    """A sum over j instead of k, with W[k, j] kept in range by the loop bounds."""
    n_l, n_prev = W.shape
    m = min(n_l, n_prev)
    z = np.zeros((n_prev, a_prev.shape[1]))
    for i in range(a_prev.shape[1]):
        for k in range(n_prev):
            z[k, i] = sum(W[j, k] * a_prev[j, i] for j in range(m)) + b[min(k, n_l - 1), 0]
    return z, sigma(z)


FORWARD_MISTAKES = [
    (forward_with("w_kj"), "you used wₖⱼ"),
    (forward_W_T_matrix, "a product did not align"),
    (forward_w_kj_square_only, "matches (Wˡ)ᵀ aˡ⁻¹ + bˡ: you used wₖⱼ"),
    (forward_flat_rows_of_W, "rows, one per input: a sum over j instead of k"),
    (forward_with("no_bias"), "has no bias"),
    (forward_with("bias_in_k_loop"), "has the bias nₗ₋₁ times"),
    (forward_with("bias_by_sample"), "an index ran past the end"),
    (forward_bias_row, "b is a column (nₗ, 1): W a_prev + b adds it to every column"),
    (forward_bias_row_runs, "adds b[i] to sample i"),
    (forward_with("sigma_outside"), "matches a = σ(W a_prev) + b, the bias added after"),
    (forward_sigma_outside_z_right, "matches a = σ(W a_prev) + b, the bias added after"),
    (forward_with("no_activation"), "equals z: the activation was not applied"),
    (forward_with("input_activation"), "matches σ applied to the input"),
    (forward_input_activation_only, "matches σ applied to the input"),
    (forward_with("sigmoid"), "call the sigma argument"),
    (forward_with("swapped"), "return z, a in this order"),
    (forward_with("rows"), "one sample per ROW"),
    (forward_rows_transposed_W, "one sample per ROW"),
    (forward_mutates_input, "the backward pass needs aˡ⁻¹ as it was"),
]


# --- Appendix A: a central-difference numerical gradient ----------------------------------------------

def numgrad_solution(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old                                    # restored exactly
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_with(mistake):
    """The loop solution with one mistake, written out as the reader would."""
    def attempt(f, x, h):
        grad = np.zeros_like(x)
        f0 = f(x)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            f_plus = f(x)
            x[i] = old - h
            f_minus = f(x)
            if mistake != "not_restored":
                x[i] = old
            if mistake == "forward":
                grad[i] = (f_plus - f0) / h
            elif mistake == "backward":
                grad[i] = (f0 - f_minus) / h
            elif mistake == "by_h":
                grad[i] = (f_plus - f_minus) / h
            elif mistake == "precedence":
                grad[i] = (f_plus - f_minus) / 2 * h
            elif mistake == "sign":
                grad[i] = (f_minus - f_plus) / (2 * h)
            else:
                grad[i] = (f_plus - f_minus) / (2 * h)
        return grad
    attempt.__name__ = f"numgrad_{mistake}"
    return attempt


def numgrad_restored_by_arithmetic(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        x[i] += h                                     # x[i] + h - 2h + h: not always x[i]
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_all_at_once(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)            # one number


def numgrad_all_at_once_filled(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = (f(x + h) - f(x - h)) / (2 * h)     # every entry moved, for every i
    return grad


def numgrad_rows(f, x, h):
    grad = np.zeros_like(x)
    for i in range(x.shape[0]):                       # x[i]: a row when x is 2-D
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_flat_index(f, x, h):
    grad = np.zeros_like(x)
    for i in range(x.size):                           # a flat index into an n-D x
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_flat_copy(f, x, h):
    """Works on a flat copy and returns the flat gradient."""
    v = x.flatten()
    grad = np.zeros(v.size)
    for i in range(v.size):
        old = v[i]
        v[i] = old + h
        f_plus = f(v.reshape(x.shape))
        v[i] = old - h
        f_minus = f(v.reshape(x.shape))
        v[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_perturbs_a_copy(f, x, h):
    grad = np.zeros_like(x)
    v = x.flatten()                                   # a copy: f(x) never sees it
    for i in range(v.size):
        old = v[i]
        v[i] = old + h
        f_plus = f(x)
        v[i] = old - h
        f_minus = f(x)
        v[i] = old
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_fixed_step(f, x, h):
    return numgrad_solution(f, x, 1e-5)               # the argument h ignored


NUMGRAD_MISTAKES = [
    (numgrad_with("forward"), "the error is of order h: on f = Σ sin(x[i]) it only halves"),
    (numgrad_with("backward"), "the error is of order h: on f = Σ sin(x[i]) it only halves"),
    (numgrad_with("by_h"), "the gradient is twice the slope"),
    (numgrad_with("precedence"), "Python reads d / 2 * h as (d / 2) * h"),
    (numgrad_with("sign"), "the gradient has the wrong sign"),
    (numgrad_with("not_restored"), "x is not restored"),
    (numgrad_restored_by_arithmetic, "x is off in its last bits"),
    (numgrad_all_at_once, "you returned one number"),
    (numgrad_all_at_once_filled, "every entry holds the same number"),
    (numgrad_rows, "each row holds one number"),
    (numgrad_flat_index, "an index ran past x's end"),
    (numgrad_flat_copy, "the gradient came back flat"),
    (numgrad_perturbs_a_copy, "f never saw your perturbation"),
    (numgrad_fixed_step, "you ignore the argument h"),
]


# --- the tests ------------------------------------------------------------------------------------------

CHECKERS = {
    "layer_forward": (ex.check_layer_forward, forward_solution, FORWARD_MISTAKES, 1,
                      "component sums by loops", ex._FORWARD_MISTAKES),
    "numerical_gradient": (ex.check_numerical_gradient, numgrad_solution, NUMGRAD_MISTAKES, "A",
                           "the exact gradient", ex._NUMGRAD_MISTAKES),
}


@pytest.mark.parametrize("which", CHECKERS)
def test_the_solution_passes_quickly_and_says_what_was_checked(which, capsys):
    check, solution, _, _, judge, _ = CHECKERS[which]
    check(solution, quiet=True)                       # the cases are built once; time a later call
    start = time.perf_counter()
    result = check(solution)
    elapsed = time.perf_counter() - start
    assert result.ok, result.message
    text = flat(result.message)
    assert text.startswith("OK: ") and judge in text and " on 5 cases: " in text, text
    assert lines_fit(result.message), result.message
    assert capsys.readouterr().out.strip() == result.message
    assert elapsed < 1.0, elapsed


@pytest.mark.parametrize("which, attempt, hint",
                         [(w, a, h) for w, spec in CHECKERS.items() for a, h in spec[2]],
                         ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_each_typical_mistake_fails_with_its_hint(which, attempt, hint):
    result = CHECKERS[which][0](attempt, quiet=True)
    assert not result.ok
    assert hint in flat(result.message), result.message
    assert "Hint: " in result.message and lines_fit(result.message), result.message
    if "in place" not in hint:
        assert "(see " in flat(result.message), result.message       # names the section


def test_the_rounding_drift_really_happens_in_the_cases():
    """The 'last bits' attempt is caught because x + h - 2h + h != x for some case entry."""
    drift = [bool(np.any(((x + h) - 2 * h) + h != x)) for x, h in
             ((c.args[1], c.args[2]) for c in ex._numgrad_cases())]
    assert any(drift), drift


def test_the_order_measurement_tells_first_from_second_order():
    e_central = ex._numgrad_order(numgrad_solution)
    e_forward = ex._numgrad_order(numgrad_with("forward"))
    assert 3.9 < e_central[0] / e_central[1] < 4.1
    assert 1.9 < e_forward[0] / e_forward[1] < 2.1
    assert ex._numgrad_order(lambda f, x, h: 1 / 0) is None


def test_the_order_hint_is_not_given_to_a_second_order_mistake():
    """A central difference off by a factor 1.5 is second order: the generic answer, no
    'order h' claim."""
    wrong = lambda f, x, h: 1.5 * numgrad_solution(f, x, h)
    text = flat(ex.check_numerical_gradient(wrong, quiet=True).message)
    assert "no typical mistake matches" in text and "order h" not in text, text


@pytest.mark.parametrize("which", CHECKERS)
def test_an_exception_and_non_functions_are_reported(which):
    check = CHECKERS[which][0]
    result = check(lambda *args: 1 / 0, quiet=True)
    text = flat(result.message)
    assert not result.ok and "raised ZeroDivisionError" in text and "(case: " in text
    assert "\n  ZeroDivisionError: " in result.message          # on a line of its own
    assert lines_fit(result.message)
    assert not check(42, quiet=True).ok
    for fn in (lambda *args: None, lambda *args: "grad"):
        result = check(fn, quiet=True)
        assert not result.ok and "returned" in result.message and lines_fit(result.message)


@pytest.mark.parametrize("which", CHECKERS)
def test_a_mistake_no_hint_knows_still_fails(which):
    _, solution, _, _, _, _ = CHECKERS[which]

    def bumped(*args):
        out = solution(*args)
        bump = lambda g: g + 0.1 * np.cos(np.arange(g.size).reshape(g.shape))
        return tuple(bump(g) for g in out) if isinstance(out, tuple) else bump(out)
    result = CHECKERS[which][0](bumped, quiet=True)
    assert not result.ok and "no typical mistake matches" in result.message, result.message
    assert lines_fit(result.message)


def test_the_second_judges_have_teeth(monkeypatch):
    """A wrong mdlib reference is refused when the cases are built, for both checkers."""
    right = ex.dense_forward
    monkeypatch.setattr(ex, "dense_forward", lambda W, b, a: right(W, b, a) + 1e-3)
    with pytest.raises(RuntimeError, match="mdlib's own reference fails.*component sum"):
        ex._forward_case("spoilt", "spoilt", 3, 2, 4, "tanh", 0)
    monkeypatch.undo()
    central = ex.numerical_gradient
    monkeypatch.setattr(ex, "numerical_gradient", lambda f, x, h: 1.001 * central(f, x, h))
    f, g = (lambda v: float(np.sum(np.sin(v)))), (lambda v: np.cos(v))
    with pytest.raises(RuntimeError, match="mdlib's own reference fails.*exact gradient"):
        ex._numgrad_case("spoilt", "spoilt", f, g, 1.0, np.array([0.3, 0.9]), 1e-3)


def test_every_hint_is_reached_and_the_checkers_say_where_the_book_defines_them():
    for which, (check, _, mistakes, chapter, _, known) in CHECKERS.items():
        where = f"Chapter {chapter}" if chapter != "A" else "Appendix A"
        assert f"Defined in {where}." in check.__doc__, which
        said = [flat(check(attempt, quiet=True).message) for attempt, _ in mistakes]
        for hint in known.values():
            snippet = " ".join(hint.replace("{name}", "").split())[:40]
            assert any(snippet in text for text in said), (which, snippet)


def test_the_case_arrays_survive_a_mutating_attempt():
    for check, attempt, name in ((ex.check_layer_forward, forward_mutates_input, "a_prev"),
                                 (ex.check_numerical_gradient, numgrad_with("not_restored"), "x")):
        result = check(attempt, quiet=True)
        assert not result.ok and f"changed its input {name} in place" in flat(result.message)
    assert ex.check_layer_forward(forward_solution, quiet=True).ok
    assert ex.check_numerical_gradient(numgrad_solution, quiet=True).ok


def test_an_exception_is_printed_on_a_line_of_its_own_unbroken():
    """NumPy's IndexError of the "from, to" attempt stays whole on its own line, rather than
    wrapped after 'with size'."""
    result = ex.check_layer_forward(forward_with("w_kj"), quiet=True)
    lines = result.message.splitlines()
    assert lines[0] == "Not yet: your function raised", lines
    assert lines[1] == "  IndexError: index 3 is out of bounds for axis 0 with size 3", lines
    assert lines[2].startswith("(case: W (3, 4): nₗ = 3, nₗ₋₁ = 4, N = 5"), lines
