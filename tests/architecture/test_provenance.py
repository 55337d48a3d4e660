"""Provenance, checked rather than trusted: the book shows mdlib's source, and each function it
shows says where the book defines it.

Every `source(...)` call in every chapter is found, its arguments resolved with the notebook's
own imports, and each object's "Defined in Chapter N" (in its docstring, else its module's) is
compared with the first chapter that shows it. The chapters use only public names of mdlib.
"""
import ast
import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[2] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))  # 01..04, then the appendices: the book's order
DEFINED = re.compile(r"Defined in (Chapter \d+|Appendix [A-Z])")


def where(notebook):
    """'Chapter 2' for 02_backprop.ipynb, 'Appendix A' for A1_gradient_checking.ipynb."""
    tag = Path(notebook).name[:2]
    return f"Chapter {int(tag)}" if tag.isdigit() else f"Appendix {tag[0]}"


def code_cells(notebook):
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def shown_objects(notebook):
    """[(expression, object)] for every argument of every source(...) call in the notebook."""
    trees = []
    for code in code_cells(notebook):
        # IPython magics are not Python
        trees.append(ast.parse("\n".join(l for l in code.splitlines() if not l.lstrip().startswith(("%", "!")))))
    namespace = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                exec(compile(ast.Module([node], []), str(notebook), "exec"), namespace)
    shown = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "source":
                for arg in node.args:
                    expr = ast.unparse(arg)
                    shown.append((expr, eval(expr, namespace)))
    return shown


def defined_in(obj):
    """The 'Chapter N' / 'Appendix X' an object's docstring (or else its module's) names, or None."""
    import inspect

    for doc in (inspect.getdoc(obj), inspect.getdoc(inspect.getmodule(obj))):
        found = DEFINED.findall(doc or "")
        if found:
            return found[0]
    return None


def provenance_errors(showings):
    """showings: [(where shown, expression, object)] in book order -> list of errors."""
    first, errors = {}, []
    for place, expr, obj in showings:
        name = f"{obj.__module__}.{obj.__qualname__}"
        if any(part.startswith("_") for part in name.split(".")):
            errors.append(f"{place} shows the private {name}")
        first.setdefault(name, (place, obj))
    for name, (place, obj) in first.items():
        claimed = defined_in(obj)
        if claimed != place:
            errors.append(f"{name} is first shown in {place} but says "
                          f"{'Defined in ' + claimed if claimed else 'nothing about where it is defined'}")
    return errors


def test_every_shown_function_names_the_chapter_that_first_shows_it():
    showings = [(where(nb), expr, obj) for nb in NOTEBOOKS for expr, obj in shown_objects(nb)]
    assert len(showings) >= 20, f"only {len(showings)} source(...) arguments found"
    errors = provenance_errors(showings)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_chapters_use_only_public_names(notebook):
    private = sorted({m.group(0) for code in code_cells(notebook)
                      for m in re.finditer(r"\bmdlib(\.\w+)+", code)
                      if any(part.startswith("_") for part in m.group(0).split("."))})
    assert not private, f"{notebook.name} uses private names of mdlib: {private}"


def test_the_check_has_teeth():
    """A wrong chapter, a missing note and a private function are each reported."""
    def in_ch2():
        """Defined in Chapter 2."""

    def nowhere():
        """No note."""

    def _private():
        """Defined in Chapter 1."""

    errors = provenance_errors([("Chapter 1", "a", in_ch2), ("Chapter 2", "a", in_ch2),
                                ("Chapter 3", "b", nowhere), ("Chapter 1", "c", _private)])
    assert len(errors) == 3, errors
    assert "first shown in Chapter 1 but says Defined in Chapter 2" in errors[1] + errors[0] + errors[2]
    assert any("private" in e for e in errors) and any("nothing about" in e for e in errors)
    assert where("book/02_backprop.ipynb") == "Chapter 2" and where("A1_x.ipynb") == "Appendix A"
