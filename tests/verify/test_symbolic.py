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
