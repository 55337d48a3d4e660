"""No `\\_` inside `\\text{...}` in the book's formulas.

MathJax typesets the argument of `\\text{}` as text, where `\\_` is not a macro: the reader sees
"full\\_conv", backslash and all (Chapter 4's summary and the glossary once showed it). Write
`\\mathrm{full\\_conv}`, where `\\_` is an underscore. Checked on the sources, before any build.
"""
import re

import pytest

from tests.architecture.test_markdown_tables import SOURCES

TEXT_WITH_ESCAPE = re.compile(r"\\text\{[^{}]*\\_[^{}]*\}")


@pytest.mark.parametrize("where,text", SOURCES, ids=[where for where, _ in SOURCES])
def test_no_escaped_underscore_inside_text(where, text):
    bad = TEXT_WITH_ESCAPE.findall(text)
    assert not bad, f"{where}: \\_ inside \\text{{}} shows its backslash; use \\mathrm{{}}: {bad}"
