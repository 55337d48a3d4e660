"""mdlib's layers import only downward: kernels -> models -> verify -> ui.

Every import statement of every module is read (those inside functions too: an import hidden
in a function is still a dependency), resolved to the mdlib package it names, and compared
with the importing module's layer. Third-party imports are checked too: the kernels and the
models are NumPy only, verify adds SymPy, and only the ui may use IPython, ipywidgets or
matplotlib.
"""
import ast
import sys
from pathlib import Path

import pytest

MDLIB = Path(__file__).resolve().parents[2] / "mdlib"
LAYERS = ["kernels", "models", "verify", "ui"]
# What each layer may import from outside mdlib, besides the standard library.
THIRD_PARTY = {"kernels": {"numpy"}, "models": {"numpy"}, "verify": {"numpy", "sympy"},
               "ui": {"numpy", "sympy", "IPython", "ipywidgets", "matplotlib"}}
MODULES = sorted(p for p in MDLIB.rglob("*.py") if p.parent != MDLIB)


def layer_of(path):
    return path.relative_to(MDLIB).parts[0]


def imports(path):
    """(line, absolute dotted name) of every import in the module at path."""
    package = ["mdlib", *path.relative_to(MDLIB).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                if node.module:
                    yield node.lineno, name
                else:  # from . import a, b
                    for alias in node.names:
                        yield node.lineno, f"{name}.{alias.name}"
            else:
                yield node.lineno, node.module


def test_every_module_is_in_a_layer():
    assert MODULES, MDLIB
    assert {layer_of(p) for p in MODULES} <= set(LAYERS), sorted({layer_of(p) for p in MODULES})
    assert sorted(p.name for p in MDLIB.glob("*.py")) == ["__init__.py"], "modules belong in a layer"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(MDLIB)))
def test_imports_go_only_downward(path):
    here = LAYERS.index(layer_of(path))
    wrong = []
    for line, name in imports(path):
        top, *rest = name.split(".")
        if top == "mdlib":
            if not rest or rest[0] not in LAYERS:
                wrong.append(f"line {line}: {name} (import a layer's module, not the package root)")
            elif LAYERS.index(rest[0]) > here:
                wrong.append(f"line {line}: {name} is in the higher layer {rest[0]}")
        elif top not in sys.stdlib_module_names and top not in THIRD_PARTY[layer_of(path)]:
            wrong.append(f"line {line}: {name} is not allowed in {layer_of(path)}")
    assert not wrong, f"{path.relative_to(MDLIB)}:\n  " + "\n  ".join(wrong)


def test_the_check_rejects_an_upward_import(tmp_path, monkeypatch):
    """The test has teeth: a kernel importing the ui, or matplotlib, is reported."""
    fake = tmp_path / "mdlib"
    (fake / "kernels").mkdir(parents=True)
    bad = fake / "kernels" / "bad.py"
    bad.write_text("import numpy\nfrom ..ui import widgets\n\ndef f():\n    import matplotlib\n")
    monkeypatch.setattr(sys.modules[__name__], "MDLIB", fake)
    with pytest.raises(AssertionError, match=r"(?s)mdlib\.ui is in the higher layer.*matplotlib is not allowed"):
        test_imports_go_only_downward(bad)
