"""Chapter 2's worked example as its prose prints it: every number of the table under "A fully
worked example by hand", and of the starting and updated parameters, is mdlib's, rounded.

The notebook asserts its own copy of the table; this reads the markdown itself, so that the
text a reader sees cannot drift from what the code computes (d2lbook's rule: provenance
checked, not trusted)."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

import mdlib
from mdlib.ui.backprop import WORKED_EXAMPLE

CH2 = Path(__file__).resolve().parents[2] / "book" / "02_backprop.ipynb"
NUMBER = re.compile(r"-?\d+\.\d+|-?\d+")


def worked_example_markdown():
    cells = json.loads(CH2.read_text(encoding="utf-8"))["cells"]
    found = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
             and "### A fully worked example by hand" in "".join(c["source"])]
    assert len(found) == 1, "chapter 2 has one worked-example section"
    return found[0]


def table_rows(text):
    """{l: [cell, ...]} for the rows of the table whose header starts with | $l$ |."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| $l$ |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[int(cells[0])] = dict(zip(header[1:], cells[1:]))
    return rows


def numbers(cell):
    """The numbers of a cell in reading order; the layer superscripts (^T, ^l) excluded."""
    cell = re.sub(r"\^\{?[A-Za-z0-9]+\}?", "", cell)
    return [float(n) for n in NUMBER.findall(cell)]


def mdlib_values():
    W, b, x, y = (WORKED_EXAMPLE[k] for k in ("W", "b", "x", "y"))
    z, a = mdlib.forward(W, b, x)
    _, delta_L = mdlib.output_delta("mse", z[3], a[3], y)
    delta, dW, db = mdlib.backward(W, z, a, delta_L)
    return {"$z^l$": z, "$a^l$": a, "$\\delta^l$": delta,
            "$\\partial J / \\partial W^l$": dW, "$\\partial J / \\partial b^l$": db}


@pytest.mark.parametrize("l", [2, 3])
def test_the_table_prints_mdlib_s_numbers_rounded_to_4_decimals(l):
    rows, values = table_rows(worked_example_markdown()), mdlib_values()
    assert set(rows[l]) == set(values), rows[l].keys()
    for column, value in values.items():
        printed = numbers(rows[l][column])
        # row by row, as a reader reads a column vector or a matrix
        assert printed == np.round(value[l], 4).ravel().tolist(), (l, column, printed)


def test_the_table_check_fails_on_a_swapped_entry():
    text = worked_example_markdown()
    wrong = text.replace("0.0078 & 0.0156", "0.0156 & 0.0078", 1)
    assert wrong != text
    rows = table_rows(wrong)
    printed = numbers(rows[2]["$\\partial J / \\partial W^l$"])
    assert printed != np.round(mdlib_values()["$\\partial J / \\partial W^l$"][2], 4).ravel().tolist()


def test_the_starting_and_updated_parameters_are_mdlib_s():
    text = worked_example_markdown()
    displays = re.findall(r"\$\$(.*?)\$\$", text, flags=re.S)
    assert len(displays) == 2, "the starting parameters, then the updated ones"
    start, updated = displays
    W, b, x, y, eta = (WORKED_EXAMPLE[k] for k in ("W", "b", "x", "y", "eta"))
    expected_start = [*W[2].ravel(), *b[2].ravel(), *W[3].ravel(), *b[3].ravel(),
                      *x.ravel(), *y.ravel(), eta]
    assert numbers(start) == [float(v) for v in expected_start], numbers(start)
    z, a = mdlib.forward(W, b, x)
    _, delta_L = mdlib.output_delta("mse", z[3], a[3], y)
    _, dW, db = mdlib.backward(W, z, a, delta_L)
    new = [np.round(v, 4) for v in (W[2] - eta * dW[2], b[2] - eta * db[2],
                                    W[3] - eta * dW[3], b[3] - eta * db[3])]
    assert numbers(updated) == np.concatenate([v.ravel() for v in new]).tolist(), \
        numbers(updated)
