from html.parser import HTMLParser

import numpy as np
import pytest


class _Text(HTMLParser):
    """The text a reader sees in a picture, outside its SVG diagrams."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "svg"

    def handle_endtag(self, tag):
        self.depth -= tag == "svg"

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def text_of(html):
    p = _Text()
    p.feed(html)
    return " ".join("".join(p.parts).split())


@pytest.fixture
def text():
    """text(html): what a reader reads in a picture, outside its diagrams."""
    return text_of


def views_equal(a, b):
    """Two views (dicts that may hold arrays) are equal key by key."""
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k] for k in a)


@pytest.fixture
def same():
    """same(view_a, view_b): equal key by key, arrays by value."""
    return views_equal
