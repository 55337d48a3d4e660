"""Every Markdown table in the book has as many cells in each row as in its header.

A `|` inside math ($\\lvert x \\rvert$ written as $|x|$) splits a MyST table cell: Appendix A's
summary table once lost its columns that way. Checked on the sources, before any build.
"""
import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[2] / "book"


def markdown_sources():
    for path in sorted(BOOK.glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted(BOOK.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{path.name} cell {i}", "".join(cell["source"])


def row_cells(line):
    """Cells of a table row, splitting on | that is not escaped (as MyST does, math or not)."""
    return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))


def tables(text):
    """Lists of consecutive lines starting with |, outside code fences."""
    block, fenced = [], False
    for line in text.splitlines() + [""]:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.lstrip().startswith("|"):
            block.append(line)
        elif block:
            yield block
            block = []


SOURCES = list(markdown_sources())


@pytest.mark.parametrize("where,text", SOURCES, ids=[where for where, _ in SOURCES])
def test_table_rows_have_the_header_s_cells(where, text):
    for block in tables(text):
        header = row_cells(block[0])
        bad = [line for line in block[2:] if row_cells(line) != header]
        assert not bad, f"{where}: a row does not have the header's {header} cells: {bad[0][:100]}"


def test_a_bar_inside_math_is_caught():
    broken = "| a | b |\n|---|---|\n| $|x|$ | 2 |\n"
    assert [row_cells(l) for l in next(tables(broken))] == [2, 2, 4]
