"""Every plot and static diagram in the chapters is a numbered figure with a caption and an alt
text that says what it shows.

Read from the built book (_build/html), with no browser. An image in a page's article that is
not part of a stepper or an explorable (those carry their own names and captions) must sit in
a <figure> whose caption starts "Figure <chapter>.<n>", numbered 1, 2, ... in page order with
the chapter's own number, and must have an alt text that is a description (several words, no
file name or path), not the image's address. Marked browser because it needs the built book.
"""
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

SITE = Path(__file__).resolve().parents[2] / "_build" / "html"
# Page -> (the chapter's number in its figure numbers, how many figures it has).
FIGURES = {"01_notation.html": ("1", 0), "02_backprop.html": ("2", 3),
           "03_two_layer_shapes.html": ("3", 1), "04_conv_pool.html": ("4", 3),
           "A1_gradient_checking.html": ("A", 1), "A2_glossary.html": ("B", 0),
           "preface.html": ("", 0)}
PATHLIKE = re.compile(r"\.(png|svg|jpe?g|gif)\b|/|\\|^data:", re.IGNORECASE)


def static_images(page):
    html = (SITE / "book" / page).read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    return [img for img in article.find_all("img")
            if not img.find_parent(class_="mdlib-explorable") and not img.find_parent(attrs={"data-stepper": True})]


def test_every_page_is_listed():
    assert sorted(FIGURES) == sorted(p.name for p in (SITE / "book").glob("*.html")), \
        "a page was added or renamed: say how many figures it has"


@pytest.mark.parametrize("page", sorted(FIGURES))
def test_plots_are_numbered_figures_with_captions_and_alt_text(page):
    chapter, count = FIGURES[page]
    images = static_images(page)
    assert len(images) == count, f"{page}: {len(images)} plots or diagrams, expected {count}"
    problems = []
    for k, img in enumerate(images, start=1):
        figure = img.find_parent("figure")
        caption = figure.find("figcaption") if figure else None
        if caption is None:
            problems.append(f"image {k} is not in a figure with a caption")
            continue
        text = caption.get_text(" ", strip=True)
        number = f"Figure {chapter}.{k} "
        if not text.startswith(number) or len(text) < len(number) + 40:
            problems.append(f"figure {k}: caption {text[:60]!r} should start {number!r} and say what it shows")
        if not figure.get("id"):
            problems.append(f"figure {k} has no id to refer to")
        alt = img.get("alt") or ""
        if len(alt.split()) < 8 or PATHLIKE.search(alt):
            problems.append(f"figure {k}: alt text {alt[:60]!r} is not a description")
    assert not problems, f"{page}: " + "; ".join(problems)
