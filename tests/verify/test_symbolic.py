import numpy as np
import pytest
import sympy as sp

from mdlib.verify.symbolic import bias_vector, input_vector, numeric_values, symbolic_network, weight_matrix


def test_names_follow_the_book():
    W = weight_matrix(3, 2, 4)
    assert W.shape == (2, 4) and str(W[1, 2]) == "w^{3}_{23}"
    assert sp.latex(W[0, 0]) == "w^{3}_{11}"
    assert str(bias_vector(2, 3)[2]) == "b^{2}_{3}" and str(input_vector(2)[1]) == "x_{2}"


def test_symbolic_network_shapes_and_distinct_symbols():
    W, b, x = symbolic_network([3, 4, 2])
    assert W[2].shape == (4, 3) and W[3].shape == (2, 4) and b[3].shape == (2, 1) and x.shape == (3, 1)
    symbols = list(W[2]) + list(W[3]) + list(b[2]) + list(b[3]) + list(x)
    assert len(set(symbols)) == len(symbols) == 12 + 8 + 4 + 2 + 3


def test_numeric_values():
    M = weight_matrix(2, 2, 2)
    values = numeric_values([(M, np.array([[1.0, 2.0], [3.0, 4.0]]))])
    assert values[M[1, 0]] == 3.0
    with pytest.raises(ValueError, match=r"\(2, 2\) and array \(2, 3\)"):
        numeric_values([(M, np.ones((2, 3)))])


# --- check_derivation: the derivation assert and its common-mistake control ---------------
import pytest as _pytest
import sympy as _sp

from mdlib.verify.symbolic import check_derivation, difference_at_a_point


def test_check_derivation_accepts_an_equal_formula_and_rejects_the_mistake(capsys):
    x, y = _sp.symbols("x y", real=True)
    sigma = _sp.Function("sigma")
    derived = _sp.diff(sigma(x * y), x)
    stated = y * _sp.Subs(_sp.Derivative(sigma(x), x), x, x * y).doit()
    check_derivation(derived, derived, {"no inner derivative": derived / y}, name="chain rule")
    out = capsys.readouterr().out
    assert "derived == chain rule" in out and "rejected, the common mistake no inner derivative" in out
    assert difference_at_a_point(derived, stated) == 0.0


def test_check_derivation_fails_on_an_unequal_formula():
    x = _sp.Symbol("x", real=True)
    with _pytest.raises(AssertionError, match="simplifies to"):
        check_derivation(_sp.Matrix([[x, 2 * x]]), _sp.Matrix([[x, x]]))


def test_check_derivation_fails_when_the_mistake_is_the_same_formula():
    x = _sp.Symbol("x", real=True)
    with _pytest.raises(AssertionError, match="is not rejected"):
        check_derivation(x**2, x * x, {"written differently": x * x})


def test_a_mistake_that_agrees_at_1_is_still_rejected():
    """The random point never lands on 0 or 1, where x and x**2 agree."""
    x = _sp.Symbol("x", real=True)
    assert difference_at_a_point(x**2, x) > 1e-3


def test_check_derivation_names_a_shape_mismatch():
    x = _sp.Symbol("x", real=True)
    with _pytest.raises(ValueError, match=r"shape \(1, 2\)"):
        check_derivation(_sp.Matrix([[x, x]]).T, _sp.Matrix([[x, x]]))


def test_a_derivative_in_the_unsubstituted_form_is_handled():
    """Derivative(f(x), x) keeps its variable: only the whole derivative becomes a number."""
    x = _sp.Symbol("x", real=True)
    f = _sp.Function("f")
    assert difference_at_a_point(_sp.Derivative(f(x), x), 2 * _sp.Derivative(f(x), x)) > 1e-3
    assert difference_at_a_point(_sp.diff(f(x) ** 2, x), 2 * f(x) * _sp.Derivative(f(x), x)) == 0.0


def test_trigonometric_formulas_are_compared():
    x = _sp.Symbol("x", real=True)
    assert difference_at_a_point(_sp.diff(_sp.sin(x) ** 2, x), 2 * _sp.sin(x) * _sp.cos(x)) < 1e-25
    assert difference_at_a_point(_sp.diff(_sp.sin(x) ** 2, x), _sp.sin(x) * _sp.cos(x)) > 1e-3


def test_a_mistake_on_the_negative_branch_only_is_rejected():
    z = _sp.Symbol("z", real=True)
    relu_prime = _sp.Piecewise((1, z > 0), (0, True))
    wrong = _sp.Piecewise((1, z > 0), (1, True))     # relu'(z) = 1 for z <= 0 too
    assert difference_at_a_point(relu_prime, wrong) == 1.0
