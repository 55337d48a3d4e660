"""Bookkeeping apart from math: every kernel of the contract has a public <kernel>_math that is only the
equation (the function the book shows), says which chapter defines it, and gives the kernel's numbers."""
import ast
import inspect
import pathlib
import re
import textwrap

import numpy as np
import pytest

import mdlib
import mdlib.kernels as kernels

# The chapter that defines each kernel's equation (the book's plan, not read from the code).
CHAPTER = {
    **dict.fromkeys(["sigmoid", "sigmoid_prime", "relu", "relu_prime", "tanh", "tanh_prime", "identity",
                     "identity_prime", "softmax", "dense_forward"], 1),
    **dict.fromkeys(["dense_backward", "mse", "one_hot", "softmax_cross_entropy"], 2),
    "sigmoid_binary_cross_entropy": 3,
    **dict.fromkeys(["conv2d", "conv2d_backward", "conv2d_naive", "conv2d_backward_naive", "correlate2d",
                     "convolve2d", "rot180", "max_pool2d", "max_pool2d_backward", "avg_pool2d",
                     "avg_pool2d_backward"], 4),
}
CONTRACT = ["sigmoid", "sigmoid_prime", "relu", "relu_prime", "tanh", "tanh_prime", "softmax", "mse",
            "softmax_cross_entropy", "sigmoid_binary_cross_entropy", "dense_forward", "dense_backward",
            "conv2d", "conv2d_backward", "conv2d_naive", "conv2d_backward_naive", "correlate2d", "convolve2d",
            "rot180", "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward"]
KERNELS_DIR = pathlib.Path(kernels.__file__).parent
BOOKKEEPING = re.compile(r"\braise\b|as_float_array|require_|_inputs\(|\.astype\(|result_type|errstate|isinstance")


def test_every_contract_kernel_has_a_public_math_function():
    for name in CONTRACT:
        kernel, math = getattr(mdlib, name), getattr(kernels, f"{name}_math")
        assert kernels.MATH[kernel] is math
    assert set(kernels.MATH) >= {getattr(mdlib, name) for name in CONTRACT}


@pytest.mark.parametrize("name", sorted(CHAPTER))
def test_math_says_its_equation_and_chapter_and_is_only_math(name):
    math = getattr(kernels, f"{name}_math")
    doc = inspect.getdoc(math)
    assert re.findall(r"Defined in Chapter (\d)", doc) == [str(CHAPTER[name])], (name, doc)
    assert "=" in doc, name                                             # states its equation
    body = inspect.getsource(math).split('"""')[-1]                     # the code after the docstring
    # statements after the docstring, not physical lines: a statement wrapped at 88
    # columns counts once
    fn = ast.parse(textwrap.dedent(inspect.getsource(math))).body[0]
    code = [node for stmt in fn.body[1:] for node in ast.walk(stmt)
            if isinstance(node, ast.stmt)]
    assert not BOOKKEEPING.search(body), (name, body)
    assert len(code) <= 15, (name, len(code))
    assert getattr(kernels, name) is not math and f"{name}_math(" in inspect.getsource(getattr(kernels, name))


def test_window_helpers_say_their_chapter():
    for f in (kernels.output_size, kernels.zero_pad, kernels.window_view, kernels.window_scatter_add,
              kernels.im2col, kernels.col2im):
        assert "Defined in Chapter 4" in inspect.getdoc(f), f.__name__


def _valid_calls(rng):
    """Valid float64 arguments for each kernel, as (kernel name, args, math args)."""
    z, W, b, a = rng.normal(size=(3, 4)), rng.normal(size=(2, 3)), rng.normal(size=(2, 1)), rng.normal(size=(3, 4))
    x, w, cb = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    px, pdy = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(2, 3, 3, 2))
    Y = np.eye(3)[:, [0, 2, 1, 1]]
    yb = np.array([[0.0, 1.0, 1.0, 0.0]])
    calls = [(n, (z,), (z,)) for n in ["sigmoid", "sigmoid_prime", "relu", "tanh", "tanh_prime", "identity",
                                        "identity_prime", "softmax"]]
    calls += [("relu_prime", (z,), (z,)), ("dense_forward", (W, b, a), (W, b, a)),
              ("dense_backward", (rng.normal(size=(2, 4)), W, a), None), ("mse", (z, a), (z, a)),
              ("one_hot", (np.array([0, 2, 1, 1]), 3), (np.array([0, 2, 1, 1]), 3)),
              ("softmax_cross_entropy", (z, Y), (z, Y)), ("sigmoid_binary_cross_entropy", (z[:1], yb), (z[:1], yb)),
              ("conv2d", (x, w, cb, 2, 1), (x, w, cb, 2, 1)), ("conv2d_naive", (x, w, cb, 2, 1), (x, w, cb, 2, 1)),
              ("conv2d_backward", (rng.normal(size=(2, 4, 4, 4)), x, w, 2, 1), None),   # OH = (7+2-3)//2+1
              ("conv2d_backward_naive", (rng.normal(size=(2, 4, 4, 4)), x, w, 2, 1), None),
              ("correlate2d", (x[0, 0], w[0, 0], "full"), None), ("convolve2d", (x[0, 0], w[0, 0], "valid"), None),
              ("rot180", (w,), None), ("max_pool2d", (px, 3, 2), None), ("avg_pool2d", (px, 3, 2), None),
              ("max_pool2d_backward", (pdy, px, 3, 2), None),
              ("avg_pool2d_backward", (pdy, px, 3, 2), (pdy, px.shape, 3, 2))]
    return calls


def test_math_gives_the_kernels_numbers_on_valid_float64_input(rng):
    """The kernel only checks: on valid float64 input it returns exactly what its math returns."""
    for name, args, math_args in _valid_calls(rng):
        ours, theirs = getattr(kernels, name)(*args), getattr(kernels, f"{name}_math")(*(math_args or args))
        for o, t in zip(*(v if isinstance(v, tuple) else (v,) for v in (ours, theirs))):
            np.testing.assert_array_equal(np.asarray(o, float), np.asarray(t, float), err_msg=name)


def test_kernels_import_only_numpy_and_themselves():
    for path in sorted(KERNELS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] == "numpy" for a in node.names), (path.name, ast.dump(node))
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 1 and (node.module or "").split(".")[0] in {p.stem for p in KERNELS_DIR.glob("*.py")} \
                    or (node.level == 0 and node.module.split(".")[0] == "numpy"), (path.name, ast.dump(node))
