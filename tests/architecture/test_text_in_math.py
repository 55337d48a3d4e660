"""Two ways a formula in the book's Markdown reaches the reader broken, checked on the sources.

- `\\_` inside `\\text{...}`: MathJax typesets the argument of `\\text{}` as text, where `\\_` is
  not a macro, and the reader sees "full\\_conv", backslash and all (Chapter 4's summary and the
  glossary once showed it). Write `\\mathrm{full\\_conv}`, where `\\_` is an underscore.
- An inline formula broken over two lines with the second line starting `+ `, `- `, `* ` or
  `1. `: Markdown reads that line as a list item, and both halves of the formula show as raw
  TeX (Chapter 4's 4.5 once ended "$1 \\cdot 0.2 + … 2 \\cdot 0.5" and a bullet "3 \\cdot 0.6").
"""
import re

import pytest

from test_markdown_tables import SOURCES  # the table test's list of Markdown sources

TEXT_WITH_ESCAPE = re.compile(r"\\text\{[^{}]*\\_[^{}]*\}")
LIST_MARKER = re.compile(r"^([-+*]|\d+\.)\s")
DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)")       # a single $, not \$ and not $$


@pytest.mark.parametrize("where,text", SOURCES, ids=[where for where, _ in SOURCES])
def test_no_escaped_underscore_inside_text(where, text):
    bad = TEXT_WITH_ESCAPE.findall(text)
    assert not bad, f"{where}: \\_ inside \\text{{}} shows its backslash; use \\mathrm{{}}: {bad}"


def lines_that_open_a_list_inside_math(text):
    """Lines that start like a list item while an inline $...$ of the paragraph is open."""
    inside, fenced = False, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if fenced or not stripped:
            inside = False
            continue
        if inside and LIST_MARKER.match(stripped):
            yield line
        if len(DOLLAR.findall(line.replace("$$", ""))) % 2:
            inside = not inside


def test_the_list_check_sees_a_formula_broken_before_a_plus():
    assert list(lines_that_open_a_list_inside_math("gives $1 + 2\n+ 3 = 6$ here")) == ["+ 3 = 6$ here"]
    assert not list(lines_that_open_a_list_inside_math("gives $1 + 2$\n+ a list item"))


@pytest.mark.parametrize("where,text", SOURCES, ids=[where for where, _ in SOURCES])
def test_no_inline_formula_is_broken_by_a_list_marker(where, text):
    bad = list(lines_that_open_a_list_inside_math(text))
    assert not bad, f"{where}: a line inside an inline formula reads as a list item: {bad}"
