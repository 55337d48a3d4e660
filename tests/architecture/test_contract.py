"""The kernel contract (shared MDLIB-API.md) stays importable from the package root, whatever
the layout behind it, with the signatures it states."""
import inspect
import re
from pathlib import Path

import mdlib

CONTRACT = {
    "sigmoid": "(z)", "sigmoid_prime": "(z)", "relu": "(z)", "relu_prime": "(z)", "tanh": "(z)",
    "tanh_prime": "(z)", "softmax": "(z, axis=0)", "mse": "(a, y)",
    "softmax_cross_entropy": "(z, y)", "sigmoid_binary_cross_entropy": "(z, y)",
    "dense_forward": "(W, b, a_prev)", "dense_backward": "(dz, W, a_prev)",
    "conv2d": "(x, w, b=None, stride=1, padding=0)",
    "conv2d_backward": "(dy, x, w, stride=1, padding=0)",
    "conv2d_naive": "(x, w, b=None, stride=1, padding=0)",
    "conv2d_backward_naive": "(dy, x, w, stride=1, padding=0)",
    "correlate2d": "(a, k, mode='valid')", "convolve2d": "(a, k, mode='valid')", "rot180": "(k)",
    "max_pool2d": "(x, size=2, stride=None)", "max_pool2d_backward": "(dy, x, size=2, stride=None)",
    "avg_pool2d": "(x, size=2, stride=None)", "avg_pool2d_backward": "(dy, x, size=2, stride=None)",
    "numerical_gradient": "(f, x, eps=",  # the default step is the library's to choose
    "relative_error": "(a, b)", "gradient_check": "(f, x, grad",
}
SPEC = Path(__file__).resolve().parents[3] / "shared" / "MDLIB-API.md"


def test_every_contract_name_is_importable_from_the_root_with_its_signature():
    wrong = {name: str(inspect.signature(getattr(mdlib, name, None) or (lambda: None)))
             for name, sig in CONTRACT.items()
             if not hasattr(mdlib, name) or not str(inspect.signature(getattr(mdlib, name))).startswith(sig)}
    assert not wrong, wrong
    assert set(CONTRACT) <= set(mdlib.__all__)


def test_the_list_covers_the_contract_document():
    """Where the shared contract is beside the checkout (as for CI), every call it names is listed."""
    if not SPEC.is_file():
        import pytest
        pytest.skip(f"{SPEC} is not beside this checkout")
    named = set(re.findall(r"`([a-z0-9_]+)\(", SPEC.read_text(encoding="utf-8")))
    assert named <= set(CONTRACT), sorted(named - set(CONTRACT))
