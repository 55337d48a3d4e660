"""Code and output that fit the text column: no line the book shows is over 88 columns.

The HTML book sets code in a column about 88 characters wide; a longer line makes the
reader scroll sideways and hides the tail of an assert or a result. Checked here, each
case on its own:
  - every function or class a chapter shows with source(...) (found by the provenance
    test's scan of the notebooks), line by line as inspect.getsource gives it;
  - every code cell of every notebook in book/;
  - every text output of those cells: stream output, text/plain, and the text of the
    <pre> blocks of text/html (<style> blocks excluded), except the outputs of cells
    tagged nbval-ignore-output (live widgets, whose text is not what the HTML shows);
  - every .py file under mdlib/, shown in the book or not, so that a listing added later
    fits.
"""
import html
import inspect
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 88
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
MODULES = sorted((ROOT / "mdlib").rglob("*.py"))
IGNORED = "nbval-ignore-output"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_provenance import shown_objects  # noqa: E402  (the provenance test's scan)


def too_long(lines, where):
    """["where:line: [length] text"] for every line longer than WIDTH (from line 1)."""
    return [f"{where}:{i}: [{len(line)}] {line}"
            for i, line in enumerate(lines, 1) if len(line) > WIDTH]


def report(errors, what):
    shown = "\n".join(errors[:25])
    more = f"\n... and {len(errors) - 25} more" if len(errors) > 25 else ""
    return (f"{len(errors)} line(s) of {what} longer than {WIDTH} characters:\n"
            f"{shown}{more}")


def text(value):
    """A notebook field (a string or a list of strings) as one string."""
    return "".join(value) if isinstance(value, list) else value


def pre_text(markup):
    """The text of every <pre> block of an HTML fragment, <style> blocks left out."""
    markup = re.sub(r"<style\b.*?</style>", "", markup, flags=re.S | re.I)
    blocks = re.findall(r"<pre\b[^>]*>(.*?)</pre>", markup, flags=re.S | re.I)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def output_lines(cells):
    """[(label, line)] of every text output line of the cells not tagged
    nbval-ignore-output."""
    lines = []
    for number, cell in enumerate(cells, 1):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or IGNORED in tags:
            continue
        for output in cell.get("outputs", []):
            texts = []
            if output["output_type"] == "stream":
                texts.append(("stream", text(output["text"])))
            data = output.get("data", {})
            if "text/plain" in data:
                texts.append(("text/plain", text(data["text/plain"])))
            if "text/html" in data:
                blocks = pre_text(text(data["text/html"]))
                texts += [("<pre>", block) for block in blocks]
            for kind, body in texts:
                lines += [(f"cell {number} {kind}", line) for line in body.splitlines()]
    return lines


def cells_of(notebook):
    return json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]


def shown():
    """{'module.qualname': object} for every object a chapter shows with source(...)."""
    objects = {}
    for notebook in NOTEBOOKS:
        for _, obj in shown_objects(notebook):
            objects.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return objects


SHOWN = shown()


def test_the_book_shows_listings():
    assert len(SHOWN) >= 20, f"only {len(SHOWN)} objects shown with source(...)"


@pytest.mark.parametrize("name", sorted(SHOWN))
def test_shown_source_fits(name):
    obj = SHOWN[name]
    errors = too_long(inspect.getsource(obj).splitlines(), name)
    assert not errors, report(errors, f"the listing of {name}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_fit(notebook):
    errors = []
    for number, cell in enumerate(cells_of(notebook), 1):
        if cell["cell_type"] == "code":
            errors += too_long(text(cell["source"]).splitlines(),
                               f"{notebook.name} cell {number}")
    assert not errors, report(errors, f"code in {notebook.name}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_text_outputs_fit(notebook):
    errors = [f"{notebook.name} {label}: [{len(line)}] {line}"
              for label, line in output_lines(cells_of(notebook)) if len(line) > WIDTH]
    assert not errors, report(errors, f"output in {notebook.name}")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_library_lines_fit(module):
    lines = module.read_text(encoding="utf-8").splitlines()
    errors = too_long(lines, str(module.relative_to(ROOT)))
    assert not errors, report(errors, str(module.relative_to(ROOT)))


def test_the_check_has_teeth():
    """An 89-character line is caught everywhere it is looked for, and only there."""
    long, short = "x" * (WIDTH + 1), "x" * WIDTH
    assert too_long([short, long], "f") == [f"f:2: [{WIDTH + 1}] {long}"]
    page = (f"<style>.a {{ {long} }}</style><div>{long}</div>"
            f"<pre class='x'><span>{short[:-4]}</span>&amp;&lt;&gt;</pre>")
    # the entities count as one character each
    assert pre_text(page) == [short[:-4] + "&<>"]
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "", "outputs": [
            {"output_type": "stream", "name": "stdout",
             "text": [short + "\n", long + "\n"]},
            {"output_type": "execute_result", "metadata": {}, "execution_count": 1,
             "data": {"text/plain": long,
                      "text/html": f"<pre>{long}</pre><p>{long}</p>"}}]},
        {"cell_type": "code", "metadata": {"tags": [IGNORED]}, "source": "",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": long}]},
        {"cell_type": "markdown", "metadata": {}, "source": long},
    ]
    found = [(label, len(line)) for label, line in output_lines(cells)
             if len(line) > WIDTH]
    assert found == [("cell 1 stream", WIDTH + 1), ("cell 1 text/plain", WIDTH + 1),
                     ("cell 1 <pre>", WIDTH + 1)], found
